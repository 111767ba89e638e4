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
	"strings"
)

// scratchSchema is the name the scratch file is attached under.
const scratchSchema = "rollup_scratch"

// RebuildRollupsBeside runs work on the writer and rebuilds every rollup
// as RebuildRollups does, at the same time where it can: on SQLite the
// rollups are computed on a connection of their own, into a scratch file,
// from the tables as committed before work, and copied into the rollup
// tables in one transaction once work is done. work must not change what
// the rollups read (the demo builds indexes). On PostgreSQL work runs
// first and the rebuild after it.
func (db *DB) RebuildRollupsBeside(ctx context.Context, work func(context.Context) error) ([]RollupCount, error) {
	if db.dialect != SQLite {
		if err := work(ctx); err != nil {
			return nil, err
		}
		return db.RebuildRollups(ctx)
	}
	dir, err := os.MkdirTemp("", "fresco-rollups-")
	if err != nil {
		return nil, fmt.Errorf("rebuild rollups: %w", err)
	}
	defer os.RemoveAll(dir)
	scratch := filepath.Join(dir, "rollups.db")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	computed := make(chan error, 1)
	go func() {
		err := db.computeRollups(ctx, scratch)
		if err != nil {
			cancel() // work need not go on
		}
		computed <- err
	}()
	err = work(ctx)
	if err != nil {
		cancel()
	}
	if err := errors.Join(err, <-computed); err != nil {
		return nil, err
	}
	return db.copyRollups(ctx, scratch)
}

// computeRollups writes every rollup's rows into a table of the same name
// in the scratch file at path, on a connection of its own. Its statements
// run outside any transaction, so they take no lock on the database the
// writer holds; each reads the tables as last committed. The scratch
// tables have no column types: they keep each value as the select gives
// it, and the copy into the real tables converts it as the rebuild's own
// INSERT would.
func (db *DB) computeRollups(ctx context.Context, path string) error {
	pool, err := sql.Open("sqlite", sqliteDSN(strings.TrimPrefix(db.url, "sqlite:")))
	if err != nil {
		return err
	}
	defer pool.Close()
	conn, err := pool.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	setup := []string{
		`PRAGMA temp_store = FILE`, // as the writer's rebuild (sortOnDisk)
		`ATTACH DATABASE '` + strings.ReplaceAll(path, "'", "''") + `' AS ` + scratchSchema,
		`PRAGMA ` + scratchSchema + `.journal_mode = OFF`, // a crash throws the file away
		`PRAGMA ` + scratchSchema + `.synchronous = OFF`,
	}
	for _, q := range setup {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("compute rollups: %w", err)
		}
	}
	for _, r := range rebuilt(SQLite, scratchSchema+".") {
		t := scratchSchema + "." + r.table
		for _, q := range []string{`CREATE TABLE ` + t + ` (` + r.cols + `)`, `INSERT INTO ` + t + ` (` + r.cols + `) ` + r.sel} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("compute rollup %s: %w", r.table, err)
			}
		}
	}
	return nil
}

// copyRollups replaces every rollup table's rows with those computeRollups
// wrote into the scratch file at path, in one transaction of the writer.
func (db *DB) copyRollups(ctx context.Context, path string) ([]RollupCount, error) {
	// ATTACH cannot run in a transaction; the writer pool is one
	// connection, so the transaction below runs where it ran.
	if _, err := db.Exec(ctx, `ATTACH DATABASE ? AS `+scratchSchema, path); err != nil {
		return nil, fmt.Errorf("copy rollups: %w", err)
	}
	defer db.Exec(context.WithoutCancel(ctx), `DETACH DATABASE `+scratchSchema)
	var counts []RollupCount
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		counts, err = tx.replaceRollups(ctx, rebuilt(SQLite, ""), func(r rollup) string {
			return `SELECT ` + r.cols + ` FROM ` + scratchSchema + `.` + r.table
		})
		return err
	})
	return counts, err
}
