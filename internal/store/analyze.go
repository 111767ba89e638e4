package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Analyze refreshes the planner's statistics after a bulk load (an import,
// the demo). PostgreSQL plans from them: a table loaded since the last
// ANALYZE is estimated at a few hundred rows, and the plans made for that
// (nested loops over 300,000 rows) are what made the customer profile 19×
// slower than on SQLite. Autovacuum would get there too, but only after its
// thresholds and naptime, while the first users are already waiting.
//
// On SQLite it does nothing: without sqlite_stat1 the planner uses the
// indexes the queries were written and tuned for, and statistics could
// change those plans.
func (db *DB) Analyze(ctx context.Context) error {
	if db.dialect != Postgres {
		return nil
	}
	// Only Fresco's schema: a bare ANALYZE would do every table of the
	// database, other applications' (and other tests' schemas) included.
	rows, err := db.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("analyze: %w", err)
		}
		tables = append(tables, pgx.Identifier{t}.Sanitize())
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(tables) == 0 {
		return err
	}
	if _, err := db.Exec(ctx, `ANALYZE `+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}
