package store

// Rebuilding the rollups beside other work of the writer. SQLite has one
// writer, and a demo load's last two big jobs — building the deferred
// indexes and rebuilding every rollup — each kept one core busy while the
// other idled. The rollups only read the loaded tables, so a connection of
// their own computes them into a scratch database file while the writer
// builds the indexes, and the writer then copies the finished rows in.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// scratchSchema is the name the scratch file is attached under.
const scratchSchema = "rollup_scratch"

// RebuildRollupsBeside runs work on the writer and rebuilds every rollup
// as RebuildRollups does, at the same time where it can. On SQLite a
// connection of its own computes rollups into a scratch file, from the
// tables as committed before work, while the writer runs work; the writer
// then rebuilds, in one transaction, those the other connection has not
// started yet, and copies the others' rows in, in a second: both take
// rollups from one queue, the dearest first, so the two cores finish at
// about the same time. work may open recovery cases (the demo builds its
// indexes and plays its past cases there) but must change nothing else
// the rollups read: baseline_month, which leaves out the customers with a
// case, is rebuilt last, on the writer, from the tables themselves. Nothing
// should read the rollups before it returns (the demo's fresh load). On
// PostgreSQL work runs first and the rebuild after it.
func (db *DB) RebuildRollupsBeside(ctx context.Context, work func(context.Context) error) ([]RollupCount, error) {
	if db.dialect != SQLite {
		if err := work(ctx); err != nil {
			return nil, err
		}
		return db.RebuildRollups(ctx)
	}
	units, last, err := rollupUnits()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "fresco-rollups-")
	if err != nil {
		return nil, fmt.Errorf("rebuild rollups: %w", err)
	}
	defer os.RemoveAll(dir)
	scratch := filepath.Join(dir, "rollups.db")
	queue := queueOf(units...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var beside []rollup // what the other connection computed, once computed is read
	computed := make(chan error, 1)
	go func() {
		var err error
		beside, err = db.computeRollups(ctx, scratch, queue)
		if err != nil {
			cancel() // work need not go on
		}
		computed <- err
	}()
	err = work(ctx)
	var here []RollupCount
	if err == nil {
		here, err = db.rebuildQueued(ctx, queue)
	}
	if err != nil {
		cancel()
	}
	if err := errors.Join(err, <-computed); err != nil {
		return nil, err
	}
	copied, err := db.copyRollups(ctx, scratch, beside)
	if err != nil {
		return nil, err
	}
	after, err := db.rebuildQueued(ctx, queueOf(last))
	if err != nil {
		return nil, err
	}
	return inRebuildOrder(slices.Concat(here, copied, after)), nil
}

// queueOf is a closed queue holding units, in order.
func queueOf(units ...[]rollup) <-chan []rollup {
	q := make(chan []rollup, len(units))
	for _, u := range units {
		q <- u
	}
	close(q)
	return q
}

// rollupUnits are the rollups of rebuilt as units of work, the dearest
// first (by a million-customer demo): a rollup is rebuilt with those that
// read it, on the same connection. last are those rebuilt after the work
// beside which the others are (baseline_month reads recovery_cases).
func rollupUnits() (units [][]rollup, last []rollup, err error) {
	order := [][]string{
		{"customer_purchase_summary"},
		{"baseline_customer_month"},
		{"feedback_driver_monthly"},
		{"feedback_score_monthly"},
		{"feedback_score_daily"},
		{"feedback_delay_daily"},
		{"feedback_delay_monthly"},
		{"acquisition_customer", "acquisition_rollup"},
		{"value_answers"},
		{"acquisition_daily"},
	}
	all := rebuilt(SQLite, scratchSchema+".")
	byTable := map[string]rollup{}
	for _, r := range all {
		byTable[r.table] = r
	}
	for _, names := range order {
		var u []rollup
		for _, name := range names {
			u = append(u, byTable[name])
			delete(byTable, name)
		}
		units = append(units, u)
	}
	last = append(last, byTable["baseline_month"])
	delete(byTable, "baseline_month")
	for name := range byTable {
		return nil, nil, fmt.Errorf("rebuild rollups: %s belongs to no unit of work", name)
	}
	return units, last, nil
}

// inRebuildOrder orders counts as RebuildFeedbackRollups reports them.
func inRebuildOrder(counts []RollupCount) []RollupCount {
	var out []RollupCount
	for _, r := range rebuilt(SQLite, "") {
		for _, c := range counts {
			if c.Table == r.table {
				out = append(out, c)
			}
		}
	}
	return out
}

// rebuildQueued rebuilds on the writer, in one transaction, the units of
// work left in queue, their sorts spilled to disk as RebuildRollups'.
// The units' dependent selects name the scratch schema: here they read the
// tables themselves.
func (db *DB) rebuildQueued(ctx context.Context, queue <-chan []rollup) ([]RollupCount, error) {
	spill, err := db.sortOnDisk(ctx)
	if err != nil {
		return nil, fmt.Errorf("rebuild rollups: %w", err)
	}
	defer spill()
	var counts []RollupCount
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.deferBaseline(ctx, true); err != nil {
			return err
		}
		for u := range queue {
			for _, r := range u {
				c, err := tx.replaceRollup(ctx, r, strings.ReplaceAll(r.sel, scratchSchema+".", ""))
				if err != nil {
					return err
				}
				counts = append(counts, c)
			}
		}
		return tx.deferBaseline(ctx, false)
	})
	return counts, err
}

// computeRollups writes the rows of the units of work it takes from queue
// into tables of the same names in the scratch file at path, on a
// connection of its own, and returns the rollups it computed. Its
// statements run outside any transaction, so they take no lock on the
// database the writer holds; each reads the tables as last committed. A
// scratch table is defined and indexed as the real one (scratchDefinitions),
// so its rows are stored as the real INSERT would store them, and the copy
// into the real table moves whole records and index entries (copyRollup).
func (db *DB) computeRollups(ctx context.Context, path string, queue <-chan []rollup) ([]rollup, error) {
	pool, err := sql.Open("sqlite", sqliteDSN(strings.TrimPrefix(db.url, "sqlite:")))
	if err != nil {
		return nil, err
	}
	defer pool.Close()
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	setup := []string{
		`PRAGMA temp_store = FILE`, // as the writer's rebuild (sortOnDisk)
		`ATTACH DATABASE '` + strings.ReplaceAll(path, "'", "''") + `' AS ` + scratchSchema,
		`PRAGMA ` + scratchSchema + `.journal_mode = OFF`, // a crash throws the file away
		`PRAGMA ` + scratchSchema + `.synchronous = OFF`,
		`PRAGMA foreign_keys = OFF`, // the scratch tables' references name tables of the real file
	}
	for _, q := range setup {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, fmt.Errorf("compute rollups: %w", err)
		}
	}
	var done []rollup
	for u := range queue {
		for _, r := range u {
			table, indexes, err := scratchDefinitions(ctx, conn, r.table)
			if err != nil {
				return nil, fmt.Errorf("compute rollup %s: %w", r.table, err)
			}
			// The indexes after the rows: built from them all at once.
			fill := `INSERT INTO ` + scratchSchema + "." + r.table + ` (` + r.cols + `) ` + r.sel
			for _, q := range slices.Concat([]string{table, fill}, indexes) {
				if _, err := conn.ExecContext(ctx, q); err != nil {
					return nil, fmt.Errorf("compute rollup %s: %w", r.table, err)
				}
			}
			done = append(done, r)
		}
	}
	return done, nil
}

// copyRollups replaces the rows of the rollup tables computeRollups
// computed with those it wrote into the scratch file at path, in one
// transaction of the writer.
func (db *DB) copyRollups(ctx context.Context, path string, rollups []rollup) ([]RollupCount, error) {
	if len(rollups) == 0 {
		return nil, nil
	}
	// ATTACH cannot run in a transaction; the writer pool is one
	// connection, so the transaction below runs where it ran. Attached
	// earlier, the writer's transaction would have locked the file
	// computeRollups was writing.
	if _, err := db.Exec(ctx, `ATTACH DATABASE ? AS `+scratchSchema, path); err != nil {
		return nil, fmt.Errorf("copy rollups: %w", err)
	}
	defer db.Exec(context.WithoutCancel(ctx), `DETACH DATABASE `+scratchSchema)
	// SQLite moves whole records only into a table whose references it
	// need not check; the rows were computed from the stored ones.
	checkAgain, err := db.SkipForeignKeyChecks(ctx)
	if err != nil {
		return nil, fmt.Errorf("copy rollups: %w", err)
	}
	var counts []RollupCount
	err = db.InTx(ctx, func(tx *Tx) error {
		if err := tx.deferBaseline(ctx, true); err != nil {
			return err
		}
		for _, r := range rollups {
			c, err := tx.copyRollup(ctx, r)
			if err != nil {
				return err
			}
			counts = append(counts, c)
		}
		return tx.deferBaseline(ctx, false)
	})
	return counts, errors.Join(err, checkAgain(ctx))
}

// copyRollup replaces r's rows with those of its scratch table, defined
// and indexed as r's own, by an INSERT … SELECT * that SQLite runs as a
// transfer of whole records and index entries into the emptied table: no
// row is decoded and no index sorted again (a million purchase summaries
// have three indexes). The transfer takes a table without triggers and,
// with foreign key checks on, without references, so r's triggers are
// dropped for the copy (the baseline's, deferred anyway) and created again
// after it.
func (tx *Tx) copyRollup(ctx context.Context, r rollup) (RollupCount, error) {
	triggers := map[string]string{}
	err := queryMap(ctx, tx, triggers, scanPair[string, string],
		`SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?`, r.table)
	if err != nil {
		return RollupCount{}, fmt.Errorf("copy rollup %s: %w", r.table, err)
	}
	for name := range triggers {
		if _, err := tx.Exec(ctx, `DROP TRIGGER main.`+name); err != nil {
			return RollupCount{}, fmt.Errorf("copy rollup %s: %w", r.table, err)
		}
	}
	c, err := tx.replaceRows(ctx, r, `INSERT INTO main.`+r.table+` SELECT * FROM `+scratchSchema+`.`+r.table)
	if err != nil {
		return c, err
	}
	for _, def := range triggers {
		if _, err := tx.Exec(ctx, def); err != nil {
			return c, fmt.Errorf("copy rollup %s: %w", r.table, err)
		}
	}
	return c, nil
}

// scratchDefinitions returns the CREATE TABLE of the real table named
// table and the CREATE INDEX of each of its indexes, made to create them in
// the scratch file instead.
func scratchDefinitions(ctx context.Context, conn *sql.Conn, table string) (create string, indexes []string, err error) {
	rows, err := conn.QueryContext(ctx, `SELECT type, name, sql FROM main.sqlite_master
		WHERE tbl_name = ? AND type IN ('table', 'index') AND sql IS NOT NULL ORDER BY type DESC, name`, table)
	if err != nil {
		return "", nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, name, def string
		if err := rows.Scan(&kind, &name, &def); err != nil {
			return "", nil, err
		}
		keyword := map[string]string{"table": "TABLE ", "index": "INDEX "}[kind] + name
		at := strings.Index(def, keyword)
		if at < 0 {
			return "", nil, fmt.Errorf("%s %s: no %q in its definition", kind, name, keyword)
		}
		def = def[:at] + strings.Replace(def[at:], name, scratchSchema+"."+name, 1)
		if kind == "table" {
			create = def
		} else {
			indexes = append(indexes, def)
		}
	}
	if err := rows.Err(); err != nil {
		return "", nil, err
	}
	if create == "" {
		return "", nil, fmt.Errorf("no table %s", table)
	}
	return create, indexes, nil
}
