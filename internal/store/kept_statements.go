package store

import (
	"context"
	"database/sql"
	"sync"
)

// keptStatements keeps statements prepared on a SQLite pool from one use
// to the next. modernc's SQLite parses and plans a statement on every run
// otherwise — a write with the triggers of the table it writes: that was
// almost half of the CPU of recording a survey response (the rollups'
// triggers), spent while the response held the writer's turn that every
// other write waits for; and a twelfth of the dashboards' (issue 10,
// writes under load). A statement is kept from its second use on: one
// built for one set of values (a multi-row INSERT, a list of ids) would be
// parsed twice for nothing. PostgreSQL's pgx keeps its own.
//
// The writer's statements are prepared on its pool so that each
// transaction can take them on the pool's one connection
// (sql.Tx.StmtContext reuses a statement prepared on the transaction's
// connection). That connection is the transaction's while it runs, so a
// statement is run unprepared there (lookup notes it) and prepared after
// the transaction, while its writer still holds the turn (prepareMissed).
// The dashboards' reads prepare theirs as they go (forRead).
type keptStatements struct {
	mu     sync.Mutex
	kept   map[string]*sql.Stmt
	seen   map[string]bool // used once unprepared
	missed map[string]bool // run unprepared in the writer's current transaction
}

// maxKeptStatements bounds the statements kept by a pool; past it they are
// all closed and kept again as they recur.
const maxKeptStatements = 400

func newKeptStatements() *keptStatements {
	return &keptStatements{kept: map[string]*sql.Stmt{}, seen: map[string]bool{}, missed: map[string]bool{}}
}

// lookup returns query's kept statement, or nil after noting the miss.
func (k *keptStatements) lookup(query string) *sql.Stmt {
	k.mu.Lock()
	defer k.mu.Unlock()
	if st, ok := k.kept[query]; ok {
		return st
	}
	k.missed[query] = true
	return nil
}

// prepareMissed prepares on the writer's pool the statements the
// transaction that just ended ran unprepared, from their second use on. Its
// caller holds the writer's turn and has given the connection back.
func (k *keptStatements) prepareMissed(ctx context.Context, pool *sql.DB) {
	k.mu.Lock()
	defer k.mu.Unlock()
	defer clear(k.missed)
	for q := range k.missed {
		if _, ok := k.kept[q]; ok || !k.secondUse(q) {
			continue
		}
		if st, err := pool.PrepareContext(ctx, q); err == nil { // one that fails to prepare runs unprepared, with its error
			k.keep(q, st)
		}
	}
}

// forRead returns query's kept statement on the reader pool, preparing it
// on its second use; nil: run it unprepared.
func (k *keptStatements) forRead(ctx context.Context, pool *sql.DB, query string) *sql.Stmt {
	k.mu.Lock()
	st, ok := k.kept[query]
	second := !ok && k.secondUse(query)
	k.mu.Unlock()
	if ok || !second {
		return st
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if other, ok := k.kept[query]; ok { // prepared meanwhile by another reader
		st.Close()
		return other
	}
	k.keep(query, st)
	return st
}

// secondUse notes a use of query unprepared and says whether it was used
// so before. k.mu is held.
func (k *keptStatements) secondUse(query string) bool {
	if k.seen[query] {
		delete(k.seen, query)
		return true
	}
	if len(k.seen) >= maxKeptStatements {
		clear(k.seen)
	}
	k.seen[query] = true
	return false
}

// keep adds st, making room first. k.mu is held. A statement closed to
// make room ends when the queries and transactions using it do
// (database/sql counts them).
func (k *keptStatements) keep(query string, st *sql.Stmt) {
	if len(k.kept) >= maxKeptStatements {
		k.closeAll()
	}
	k.kept[query] = st
}

// closeAll closes and forgets every kept statement.
func (k *keptStatements) closeAll() {
	for q, st := range k.kept {
		st.Close()
		delete(k.kept, q)
	}
}

// close closes every kept statement, before the pool closes.
func (k *keptStatements) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closeAll()
}
