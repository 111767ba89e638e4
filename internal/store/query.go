package store

import (
	"context"
	"database/sql"
)

// Querier is what a DB (reader pool for queries, writer for statements) and a
// Tx (its transaction) both offer. Read methods that must work inside and
// outside a transaction are written once against it, instead of as DB/Tx
// twins.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

var (
	_ Querier = (*DB)(nil)
	_ Querier = (*Tx)(nil)
)

// queryAll runs query on q and scans every row with scan, in order. It
// replaces the hand-written rows.Next loops: the rows are always closed and
// rows.Err is always checked.
func queryAll[T any](ctx context.Context, q Querier, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
	return list, rows.Err()
}

// scanOne runs a one-row query on q and scans it with scan; no row is
// sql.ErrNoRows, as from QueryRow.
func scanOne[T any](ctx context.Context, q Querier, scan func(rowScanner) (T, error), query string, args ...any) (T, error) {
	return scan(q.QueryRow(ctx, query, args...))
}
