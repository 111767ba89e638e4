package store

import (
	"context"
	"database/sql"
	"sync"
)

// writeStatements keeps the statements of SQLite's write transactions
// prepared on its one writer connection, from one transaction to the next.
// modernc's SQLite parses and plans a statement on every run otherwise,
// with the triggers of the table it writes: that was almost half of the
// CPU of recording a survey response (the rollups' triggers), spent while
// the response held the writer's turn that every other write waits for
// (issue 10, writes under load). PostgreSQL's pgx keeps its own.
//
// A statement is prepared on the pool, so that each transaction can take
// it on the one connection (sql.Tx.StmtContext reuses a statement prepared
// on the transaction's connection). The pool's one connection is the
// transaction's while it runs, so a statement first run in a transaction
// is run unprepared there, and prepared after the transaction ends, while
// its writer still holds the turn — if it was run before: a statement built
// for one set of values (a multi-row INSERT) would be parsed twice for
// nothing.
type writeStatements struct {
	mu     sync.Mutex
	kept   map[string]*sql.Stmt
	seen   map[string]bool // run unprepared in an earlier transaction
	missed map[string]bool // run unprepared in the current transaction
}

// maxWriteStatements bounds the statements kept; past it they are all
// closed and kept again as they recur.
const maxWriteStatements = 400

func newWriteStatements() *writeStatements {
	return &writeStatements{kept: map[string]*sql.Stmt{}, seen: map[string]bool{}, missed: map[string]bool{}}
}

// lookup returns query's kept statement, or nil after noting the miss.
func (w *writeStatements) lookup(query string) *sql.Stmt {
	w.mu.Lock()
	defer w.mu.Unlock()
	if st, ok := w.kept[query]; ok {
		return st
	}
	w.missed[query] = true
	return nil
}

// prepareMissed prepares on pool the statements the transaction that just
// ended ran unprepared and an earlier one ran too. Its caller holds the
// writer's turn and has given the connection back.
func (w *writeStatements) prepareMissed(ctx context.Context, pool *sql.DB) {
	w.mu.Lock()
	defer w.mu.Unlock()
	defer clear(w.missed)
	for q := range w.missed {
		if _, ok := w.kept[q]; ok {
			continue
		}
		if !w.seen[q] {
			if len(w.seen) >= maxWriteStatements {
				clear(w.seen)
			}
			w.seen[q] = true
			continue
		}
		if len(w.kept) >= maxWriteStatements {
			w.closeAll()
		}
		if st, err := pool.PrepareContext(ctx, q); err == nil { // a statement that fails to prepare runs unprepared, with its error
			w.kept[q] = st
			delete(w.seen, q)
		}
	}
}

// closeAll closes and forgets every kept statement.
func (w *writeStatements) closeAll() {
	for q, st := range w.kept {
		st.Close()
		delete(w.kept, q)
	}
}

// close closes every kept statement, before the pool closes.
func (w *writeStatements) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closeAll()
}
