package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
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

// rowScanner is what *sql.Row and *sql.Rows offer.
type rowScanner interface{ Scan(dest ...any) error }

// queryEach runs query on q and calls each on every row, in order. It is the
// one row loop of the package: the rows are always closed and rows.Err is
// always checked. Queries that fold their rows into a map, a sum or a
// histogram use it directly; lists use queryAll.
func queryEach(ctx context.Context, q Querier, each func(rowScanner) error, query string, args ...any) error {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := each(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// queryAll runs query on q and scans every row with scan, in order. No rows
// is a nil slice.
func queryAll[T any](ctx context.Context, q Querier, scan func(rowScanner) (T, error), query string, args ...any) ([]T, error) {
	var list []T
	err := queryEach(ctx, q, func(row rowScanner) error {
		v, err := scan(row)
		if err != nil {
			return err
		}
		list = append(list, v)
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return list, nil
}

// queryMap runs a query of (key, value) rows on q and stores each pair in m;
// a later row with the same key wins. m is filled rather than returned so
// that queries split into chunks (see forChunks) fill one map.
func queryMap[K comparable, V any](ctx context.Context, q Querier, m map[K]V, scan func(rowScanner) (K, V, error), query string, args ...any) error {
	return queryEach(ctx, q, func(row rowScanner) error {
		k, v, err := scan(row)
		if err != nil {
			return err
		}
		m[k] = v
		return nil
	}, query, args...)
}

// scanOne runs a one-row query on q and scans it with scan; no row is
// sql.ErrNoRows, as from QueryRow.
func scanOne[T any](ctx context.Context, q Querier, scan func(rowScanner) (T, error), query string, args ...any) (T, error) {
	return scan(q.QueryRow(ctx, query, args...))
}

// firstRow returns the first row a query by key found, for queries that
// read more than one statement's worth (a purchase with its lines); no row is
// sql.ErrNoRows, as from QueryRow.
func firstRow[T any](list []T, err error) (T, error) {
	var zero T
	if err != nil {
		return zero, err
	}
	if len(list) == 0 {
		return zero, sql.ErrNoRows
	}
	return list[0], nil
}

// scanValue scans a one-column row into a T.
func scanValue[T any](row rowScanner) (T, error) {
	var v T
	err := row.Scan(&v)
	return v, err
}

// scanPair scans a two-column row into a K and a V, for queryMap.
func scanPair[K, V any](row rowScanner) (K, V, error) {
	var k K
	var v V
	err := row.Scan(&k, &v)
	return k, v, err
}

// scanIDSet scans a one-column row of ids as a member of a set, for queryMap.
func scanIDSet(row rowScanner) (int64, bool, error) {
	var id int64
	err := row.Scan(&id)
	return id, true, err
}

// scanIDMoney scans an (id, amount in cents) row, for queryMap.
func scanIDMoney(row rowScanner) (int64, fresco.Money, error) {
	var id, cents int64
	err := row.Scan(&id, &cents)
	return id, fresco.Money(cents), err
}

// forUpdate is the row-lock clause of a SELECT that reads a row its
// transaction is about to change: FOR UPDATE on PostgreSQL, nothing on
// SQLite, whose write transactions already hold the database's write lock.
func forUpdate(q Querier) string {
	if q.Dialect() == Postgres {
		return ` FOR UPDATE`
	}
	return ""
}

// countUpTo counts the rows of from (a table and its alias, this package's
// own string) that w selects, stopping at most: a count on a home page
// stays as fast with a backlog of a million as with ten, and reads "most or
// more" beyond it. most ≤ 0 counts every row.
func countUpTo(ctx context.Context, q Querier, from string, w *conditions, most int) (int, error) {
	inner := `SELECT 1 FROM ` + from + ` WHERE ` + w.sql()
	if most > 0 {
		inner += fmt.Sprintf(` LIMIT %d`, most)
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+inner+`) counted`, w.args...).Scan(&n)
	return n, err
}
