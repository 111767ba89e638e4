package store

import (
	"context"
	"fmt"
	"os"
)

// BackupTo writes a consistent copy of a SQLite database to path with
// VACUUM INTO, which works while the server is running and yields a compact
// file that opens as a database on its own. PostgreSQL is backed up with its
// own tools (pg_dump); see docs/operations.md.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return fmt.Errorf("backup: use pg_dump for PostgreSQL (see docs/operations.md)")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file", path)
	}
	_, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}
