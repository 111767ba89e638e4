package store

import (
	"context"
	"strings"
	"sync"
)

// Statements a request runs, counted for tests and benches that check a
// page reads a constant number of them however many rows it shows: the
// cost of a page on PostgreSQL is as much its round trips as its plans,
// and a statement per row of a list (N+1) is the usual way a page grows
// with its data.

type statementCountKey struct{}

// statementLog is what CountStatements keeps: how many statements ran and
// the first lines of the first maxLogged, to say which ones repeat.
type statementLog struct {
	mu    sync.Mutex
	n     int64
	texts []string
}

const maxLogged = 500

// CountStatements returns a context under which every statement run
// through the DB or a Tx is counted, and the function that reads the
// count so far and the statements' first lines, in the order they ran.
func CountStatements(ctx context.Context) (context.Context, func() (int64, []string)) {
	l := &statementLog{}
	return context.WithValue(ctx, statementCountKey{}, l), func() (int64, []string) {
		l.mu.Lock()
		defer l.mu.Unlock()
		return l.n, append([]string(nil), l.texts...)
	}
}

// counted adds query to ctx's statement count, if it keeps one.
func counted(ctx context.Context, query string) {
	l, ok := ctx.Value(statementCountKey{}).(*statementLog)
	if !ok {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if len(l.texts) < maxLogged {
		first, _, _ := strings.Cut(strings.TrimSpace(query), "\n")
		l.texts = append(l.texts, first)
	}
}
