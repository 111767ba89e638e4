package store

import (
	"context"
	"sync/atomic"
)

// Statements a request runs, counted for tests and benches that check a
// page reads a constant number of them however many rows it shows: the
// cost of a page on PostgreSQL is as much its round trips as its plans,
// and a statement per row of a list (N+1) is the usual way a page grows
// with its data.

type statementCountKey struct{}

// CountStatements returns a context under which every statement run
// through the DB or a Tx is counted, and the function that reads the
// count so far.
func CountStatements(ctx context.Context) (context.Context, func() int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, statementCountKey{}, n), n.Load
}

// counted adds one to ctx's statement count, if it keeps one.
func counted(ctx context.Context) {
	if n, ok := ctx.Value(statementCountKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}
