package store

// PostgreSQL's COPY, for bulk writes: rows stream to the server in one
// message flow instead of being bound as parameters and planned statement by
// statement. database/sql has no COPY, so it goes through the pgx connection
// underneath the transaction; it runs in the same session and so inside the
// transaction.

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// copyFrom streams rows into table's columns: next fills buf with the values
// of the next row and reports false when there are no more (buf is reused:
// pgx encodes each row before asking for the next).
func (t *Tx) copyFrom(ctx context.Context, table string, columns []string, next func(buf []any) bool) error {
	if t.conn == nil || t.Dialect() != Postgres {
		return errors.New("copy: needs a PostgreSQL write transaction")
	}
	buf := make([]any, len(columns))
	src := pgx.CopyFromFunc(func() ([]any, error) {
		if !next(buf) {
			return nil, nil
		}
		return buf, nil
	})
	return t.conn.Raw(func(driverConn any) error {
		_, err := driverConn.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, columns, src)
		return err
	})
}
