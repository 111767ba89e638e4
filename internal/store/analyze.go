package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Analyze refreshes the planner's statistics after a bulk load (an import
// of a file; see VacuumAnalyze for the demo and a restore). PostgreSQL
// plans from them: a table loaded since the last ANALYZE is estimated at a
// few hundred rows, and the plans made for that
// (nested loops over 300,000 rows) are what made the customer profile 19×
// slower than on SQLite. Autovacuum would get there too, but only after its
// thresholds and naptime, while the first users are already waiting.
//
// On SQLite it does nothing: without sqlite_stat1 the planner uses the
// indexes the queries were written and tuned for, and statistics could
// change those plans.
func (db *DB) Analyze(ctx context.Context) error {
	return db.refreshStatistics(ctx, "ANALYZE ")
}

// VacuumAnalyze is Analyze after a load that filled the database (the demo,
// a portable import): VACUUM also marks the loaded pages all-visible, and
// until then PostgreSQL's index-only scans visit the table for every entry
// they read — the lifetime-value refit's scan of purchases_customer read
// 229k pages instead of 3k at 50k customers, 1.2 s instead of 0.5 s.
// Autovacuum would mark them too, where it is on, but only after its
// insert threshold and naptime, and at its throttled pace. It takes longer
// than ANALYZE (about a minute per million purchases on a busy machine),
// so the routine imports of a file, which add to a loaded database, run
// ANALYZE only.
func (db *DB) VacuumAnalyze(ctx context.Context) error {
	return db.refreshStatistics(ctx, "VACUUM (ANALYZE) ")
}

// refreshStatistics runs command (ANALYZE or VACUUM) on Fresco's tables.
func (db *DB) refreshStatistics(ctx context.Context, command string) error {
	if db.dialect != Postgres {
		return nil
	}
	// Only Fresco's schema: a bare ANALYZE would do every table of the
	// database, other applications' (and other tests' schemas) included.
	rows, err := db.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`)
	if err != nil {
		return fmt.Errorf("statistics: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return fmt.Errorf("statistics: %w", err)
		}
		tables = append(tables, pgx.Identifier{t}.Sanitize())
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(tables) == 0 {
		return err
	}
	if _, err := db.Exec(ctx, command+strings.Join(tables, ", ")); err != nil {
		return fmt.Errorf("%s: %w", strings.ToLower(strings.Fields(command)[0]), err)
	}
	return nil
}
