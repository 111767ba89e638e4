package store

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Constraint violations are turned into coded domain errors here, in one
// place, so callers never parse driver messages.

func isUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isForeignKeyViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23503"
	}
	return err != nil && strings.Contains(err.Error(), "FOREIGN KEY constraint failed")
}

// conflict returns an ECONFLICT error for field.
func conflict(field, format string, args ...any) error {
	e := fresco.Errorf(fresco.ECONFLICT, format, args...)
	e.Fields = []fresco.FieldError{{Field: field, Message: e.Message}}
	return e
}

// invalid returns an EINVALID error for field.
func invalid(field, format string, args ...any) error {
	var v fresco.Validation
	v.Add(field, format, args...)
	return v.Err()
}

// notFound maps sql.ErrNoRows to ENOTFOUND.
func notFound(err error, what string, id any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fresco.Errorf(fresco.ENOTFOUND, "%s %v not found", what, id)
	}
	return err
}
