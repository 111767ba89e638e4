package store

// Past one PostgreSQL primary, the dashboards (feedback metrics, lifetime
// value, case reports, customers leaving) are the heavy readers: they may
// read a replica of the database (`fresco serve --db-read`), which is
// behind the primary by its replication lag. Writes, and reads that must
// see the request's own writes, stay on the primary.

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// AttachReports opens rawURL, a read replica of db, for the dashboards'
// reads (Reports). The replica is neither created nor migrated: the primary
// is, and replication brings the schema along. Its connections refuse
// writes on SQLite (query_only); on PostgreSQL a hot standby refuses them
// itself (see docs/operations.md for a replica that is not one).
func (db *DB) AttachReports(ctx context.Context, rawURL string) error {
	if db.reports != nil {
		return errors.New("a read replica is already attached")
	}
	reports, err := openReports(rawURL)
	if err != nil {
		return err
	}
	if reports.dialect != db.dialect {
		reports.Close()
		return fresco.Errorf(fresco.EINVALID, "--db-read: %s, but --db is %s: a read replica is a copy of the same database", reports.dialect, db.dialect)
	}
	// A wrong URL (a database without Fresco's tables) fails the start,
	// not the first dashboard.
	var none int
	if err := reports.QueryRow(ctx, `SELECT COUNT(*) FROM feedback_score_daily WHERE 1 = 0`).Scan(&none); err != nil {
		reports.Close()
		return fmt.Errorf("--db-read: not a replica of a Fresco database: %w", err)
	}
	reports.keys = db.keys
	db.reports = reports
	return nil
}

func openReports(rawURL string) (*DB, error) {
	if path, ok := SQLitePath(rawURL); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("--db-read: %w", err)
		}
		read, err := openSQLiteReaders(sqliteDSN(path))
		if err != nil {
			return nil, err
		}
		return &DB{dialect: SQLite, write: read, read: read, url: "sqlite:" + path}, nil
	}
	db, err := open(rawURL)
	if err != nil {
		return nil, fmt.Errorf("--db-read: %w", err)
	}
	return db, nil
}

// Reports is the database the dashboards read: the replica AttachReports
// attached, else on SQLite db with the dashboards' own readers
// (dashboardConns), else db itself. What it answers may lag db's writes, so no
// write, nor a read that must see one just made, may use it.
func (db *DB) Reports() *DB {
	switch {
	case db.reports != nil:
		return db.reports
	case db.dashboards != nil:
		return db.dashboards
	}
	return db
}
