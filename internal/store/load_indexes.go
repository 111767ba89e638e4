package store

// Secondary indexes of the big tables, dropped for a fresh bulk load and
// built again after it: an index built once from all its rows costs a
// fraction of keeping it row by row, and the demo writes purchases in
// customer order, so every time-ordered index was written at random.

import (
	"context"
	"fmt"
	"runtime"
	"strings"
)

// loadIndexes are the indexes DeferLoadIndexes drops: those of customers,
// purchases, purchase_lines and responses that no bulk write reads.
// purchases_customer stays (InsertPurchases recomputes its customers'
// rollups through it), and so does responses_labelled (the classifier that
// suggests categories reads the labelled responses).
var loadIndexes = []string{
	"customers_referred_by", "customers_email", "customers_name_lower", "customers_email_lower", "customers_name", "customers_first_seen",
	"purchases_at", "purchases_date", "purchases_total", "purchases_location_date", "purchases_served_by",
	"responses_post", "responses_customer", "responses_purchase", "responses_at", "responses_employee", "responses_location",
}

// DeferLoadIndexes drops the secondary indexes of customers and the
// history tables that bulk writes do not read and returns a function that creates them again, as
// the migrations defined them. It is for a fresh load into a database
// nobody else uses yet (the demo): until restore runs, the lists and
// reports that read those indexes scan whole tables.
func (db *DB) DeferLoadIndexes(ctx context.Context) (restore func(context.Context) error, err error) {
	q := `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name IN (` + placeholders(len(loadIndexes)) + `)`
	if db.dialect == Postgres {
		q = `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN (` + placeholders(len(loadIndexes)) + `)`
	}
	defs, err := db.dropForLoad(ctx, q, `DROP INDEX `, loadIndexes)
	if err != nil {
		return nil, fmt.Errorf("defer load indexes: %w", err)
	}
	return func(ctx context.Context) error {
		if db.dialect == SQLite {
			spill, err := db.sortOnDisk(ctx)
			if err != nil {
				return fmt.Errorf("restore indexes: %w", err)
			}
			defer spill()
		}
		return db.createAgain(ctx, loadIndexes, defs)
	}, nil
}

// loadTriggers are the insert triggers DeferLoadTriggers drops: every one
// of customers, purchases, responses and their answers. Each keeps a
// rollup that the load rebuilds after it (or defers to that rebuild
// already: rollups_deferred) or moves a process mark, which the rebuild
// moves too; process_marks_responses_insert counts responses of customers
// with a case, and a fresh load has none.
var loadTriggers = []string{
	"customers_acquisition_insert", "customers_acquisition_daily_insert",
	"purchases_acquisition_insert", "purchases_summary_insert", "purchases_baseline_insert",
	"responses_rollup_insert", "responses_rollup_monthly_insert", "responses_delay_insert",
	"process_marks_responses_insert", "process_marks_scores_insert",
	"response_answers_driver_insert", "response_answers_value_insert",
}

// DeferLoadTriggers drops the insert triggers of the tables a fresh bulk
// load writes (loadTriggers) and returns a function that creates them
// again, as the migrations defined them, for a load into a database nobody
// else uses yet that rebuilds every rollup after it (the demo). A deferred
// trigger still runs its guard for every row, about a fifth of the cost of
// a purchase row; the customers' were not deferred at all and cost two
// fifths of theirs. On PostgreSQL it does nothing.
func (db *DB) DeferLoadTriggers(ctx context.Context) (restore func(context.Context) error, err error) {
	if db.dialect != SQLite {
		return func(context.Context) error { return nil }, nil
	}
	defs, err := db.dropForLoad(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (`+placeholders(len(loadTriggers))+`)`,
		`DROP TRIGGER `, loadTriggers)
	if err != nil {
		return nil, fmt.Errorf("defer load triggers: %w", err)
	}
	return func(ctx context.Context) error { return db.createAgain(ctx, loadTriggers, defs) }, nil
}

// dropForLoad reads the definitions of the schema objects names by q (name
// and definition of each) and drops them all with drop + name, in one
// transaction; it fails unless every one exists.
func (db *DB) dropForLoad(ctx context.Context, q, drop string, names []string) (defs map[string]string, err error) {
	args := make([]any, len(names))
	for i, name := range names {
		args[i] = name
	}
	defs = map[string]string{}
	if err := queryMap(ctx, db, defs, scanPair[string, string], q, args...); err != nil {
		return nil, err
	}
	if len(defs) != len(names) {
		return nil, fmt.Errorf("found %d of the %d (%s)", len(defs), len(names), strings.Join(names, ", "))
	}
	err = db.InTx(ctx, func(tx *Tx) error {
		for _, name := range names {
			if _, err := tx.Exec(ctx, drop+name); err != nil {
				return err
			}
		}
		return nil
	})
	return defs, err
}

// createAgain runs the definitions of the schema objects dropForLoad
// dropped, in one transaction.
func (db *DB) createAgain(ctx context.Context, names []string, defs map[string]string) error {
	return db.InTx(ctx, func(tx *Tx) error {
		for _, name := range names {
			if _, err := tx.Exec(ctx, defs[name]); err != nil {
				return fmt.Errorf("create %s again: %w", name, err)
			}
		}
		return nil
	})
}

// SkipForeignKeyChecks turns SQLite's foreign key checks off on the writer
// until the returned function turns them on again, for writes whose rows
// are known to reference stored rows: the demo's bulk load (which a test
// checks with PRAGMA foreign_key_check), where checking them was about a
// fifth of the cost of each purchase row, and copies that SQLite makes a
// transfer of whole records only without checks (LinesBeside, copyRollup).
// On PostgreSQL it does nothing. The pragma cannot change within a
// transaction; the writer pool is one connection, so it holds for the
// transactions after it.
func (db *DB) SkipForeignKeyChecks(ctx context.Context) (restore func(context.Context) error, err error) {
	if db.dialect != SQLite {
		return func(context.Context) error { return nil }, nil
	}
	if _, err := db.Exec(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return nil, fmt.Errorf("skip foreign key checks: %w", err)
	}
	return func(ctx context.Context) error {
		if _, err := db.Exec(ctx, `PRAGMA foreign_keys = ON`); err != nil {
			return fmt.Errorf("check foreign keys again: %w", err)
		}
		return nil
	}, nil
}

// sortOnDisk lets SQLite's writer spill big sorts to temporary files, and
// sort with helper threads, until the returned function is called. The
// connection keeps temporary data in memory (sqliteDSN), and building an
// index sorts all its rows: in memory that grew with the table, by
// hundreds of MB for a million-customer demo. On disk the sort holds about
// cache_size of it. A helper thread sorts one part of the rows while the
// writer reads the next, and merges beside it: an index of 6 million
// purchases built in 8.4 s instead of 12.5 s on two cores, for about 10%
// more CPU. The pragmas cannot change within a transaction; the writer pool
// is one connection, so it is the one the transactions after it use.
func (db *DB) sortOnDisk(ctx context.Context) (restore func(), err error) {
	helpers := max(runtime.NumCPU()-1, 0)
	for _, q := range []string{`PRAGMA temp_store = FILE`, fmt.Sprintf(`PRAGMA threads = %d`, helpers)} {
		if _, err := db.Exec(ctx, q); err != nil {
			return nil, err
		}
	}
	return func() {
		ctx := context.WithoutCancel(ctx)
		db.Exec(ctx, `PRAGMA temp_store = MEMORY`)
		db.Exec(ctx, `PRAGMA threads = 0`)
	}, nil
}
