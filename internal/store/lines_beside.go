package store

// Purchase lines written beside the writer. SQLite has one writer, and in
// a demo load's purchase step it stored purchases, their lines and the
// feedback on them while the other core idled; the lines are two rows in
// three. A connection of their own writes them into a scratch file while
// the writer goes on with the next batch, and the writer then copies them
// all in with one INSERT … SELECT, which SQLite runs as a transfer of
// whole records, without decoding them, into the empty table.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// linesScratchSchema is the name the scratch file is attached under for
// the copy.
const linesScratchSchema = "lines_scratch"

// LinesBeside writes the lines of stored purchases into a scratch file, in
// the background, until Finish copies them into purchase_lines.
type LinesBeside struct {
	db      *DB
	dir     string
	scratch *DB
	batches chan []*fresco.Purchase
	written chan error            // the writing goroutine's end
	failed  atomic.Pointer[error] // the writing's error, as soon as it fails
	stopped sync.Once
	err     error // the writing's, once stopped
	removed bool  // Abandon ran: the lines are gone
}

// LeaveLinesOut makes InsertPurchases store the purchases without their
// lines, for a caller that hands them to LinesBeside once tx commits.
func (tx *Tx) LeaveLinesOut() { tx.linesOut = true }

// WriteLinesBeside starts writing purchase lines beside the writer, for a
// fresh bulk load into an empty purchase_lines (the demo): until Finish
// returns, the stored purchases have no lines. SQLite only; PostgreSQL
// takes concurrent writers, and its COPY of the lines is cheap.
func (db *DB) WriteLinesBeside(ctx context.Context) (*LinesBeside, error) {
	if db.dialect != SQLite {
		return nil, errors.New("lines beside: SQLite only")
	}
	var ddl string
	if err := db.QueryRow(ctx, `SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'purchase_lines'`).Scan(&ddl); err != nil {
		return nil, fmt.Errorf("lines beside: %w", err)
	}
	dir, err := os.MkdirTemp("", "fresco-lines-")
	if err != nil {
		return nil, fmt.Errorf("lines beside: %w", err)
	}
	scratch, err := openScratch(ctx, filepath.Join(dir, "lines.db"), ddl)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("lines beside: %w", err)
	}
	b := &LinesBeside{db: db, dir: dir, scratch: scratch,
		batches: make(chan []*fresco.Purchase, 2), written: make(chan error, 1)}
	go b.write(ctx)
	return b, nil
}

// openScratch opens the file at path as a database of one writer
// connection, neither journalled nor synced (a crash throws it away), and
// runs ddl in it. The copy by transfer needs the scratch table defined as
// the real one is, so ddl is the real table's own CREATE TABLE.
func openScratch(ctx context.Context, path, ddl string) (*DB, error) {
	pool, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=foreign_keys(0)")
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(1)
	pool.SetConnMaxIdleTime(0)
	pool.SetConnMaxLifetime(0)
	if _, err := pool.ExecContext(ctx, ddl); err != nil {
		pool.Close()
		return nil, err
	}
	return &DB{dialect: SQLite, write: pool, read: pool, url: "sqlite:" + path, writeTurn: make(chan struct{}, 1)}, nil
}

// write stores each batch's lines in the scratch file, a transaction a
// batch, until the batches end or one fails.
func (b *LinesBeside) write(ctx context.Context) {
	var err error
	for ps := range b.batches {
		if err != nil {
			continue // drain, so that Write never blocks after a failure
		}
		indexes := make([]int, len(ps))
		for i := range indexes {
			indexes[i] = i
		}
		err = b.scratch.InTx(ctx, func(tx *Tx) error {
			return tx.insertLines(ctx, &purchasePlan{batch: ps}, indexes)
		})
		if err != nil {
			b.failed.Store(&err)
		}
	}
	b.written <- err
}

// Write hands over the lines of purchases stored (with LeaveLinesOut) and
// committed. The purchases must not change until Finish returns.
func (b *LinesBeside) Write(ctx context.Context, ps []*fresco.Purchase) error {
	if err := b.failed.Load(); err != nil {
		return fmt.Errorf("lines beside: %w", *err)
	}
	select {
	case b.batches <- ps:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Finish waits for every line handed over to be written and copies them
// into purchase_lines, in one transaction of the writer. The copy runs as a
// transfer of records only with foreign key checks off on the writer
// (SkipForeignKeyChecks), as SQLite's transfer does not check references;
// with them on it inserts row by row.
func (b *LinesBeside) Finish(ctx context.Context) error {
	if b.removed {
		return errors.New("lines beside: finished after Abandon")
	}
	defer b.Abandon()
	if err := b.stop(); err != nil {
		return fmt.Errorf("lines beside: %w", err)
	}
	path := strings.TrimPrefix(b.scratch.url, "sqlite:")
	// ATTACH cannot run in a transaction; the writer pool is one
	// connection, so the transaction below runs where it ran.
	if _, err := b.db.Exec(ctx, `ATTACH DATABASE ? AS `+linesScratchSchema, path); err != nil {
		return fmt.Errorf("lines beside: %w", err)
	}
	defer b.db.Exec(context.WithoutCancel(ctx), `DETACH DATABASE `+linesScratchSchema)
	return b.db.InTx(ctx, func(tx *Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO main.purchase_lines SELECT * FROM `+linesScratchSchema+`.purchase_lines`)
		if err != nil {
			return fmt.Errorf("lines beside: copy: %w", err)
		}
		return nil
	})
}

// Abandon stops the writing and removes the scratch file, lines and all;
// after Finish it does nothing more. A caller defers it, so that a load
// that fails leaves no goroutine or file behind.
func (b *LinesBeside) Abandon() {
	b.stop()
	os.RemoveAll(b.dir)
	b.removed = true
}

// stop ends the writing, once, and reports how it went.
func (b *LinesBeside) stop() error {
	b.stopped.Do(func() {
		close(b.batches)
		b.err = errors.Join(<-b.written, b.scratch.write.Close())
	})
	return b.err
}
