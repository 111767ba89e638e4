package store

// How much a role or an employee may grant in gestures without approval.

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

func scanLimit(row rowScanner) (fresco.AuthorityLimit, error) {
	var l fresco.AuthorityLimit
	var amount sql.NullInt64
	if err := row.Scan(&l.Scope, &l.Kind, &amount); err != nil {
		return l, err
	}
	if amount.Valid {
		m := fresco.Money(amount.Int64)
		l.Amount = &m
	}
	return l, nil
}

// AuthorityLimits lists every limit.
func (db *DB) AuthorityLimits(ctx context.Context) ([]fresco.AuthorityLimit, error) {
	return queryAll(ctx, db, scanLimit, `SELECT scope, kind, amount FROM authority_limits ORDER BY scope, kind`)
}

// AuthorityLimitsFor returns the limits of the given scopes.
func (tx *Tx) AuthorityLimitsFor(ctx context.Context, scopes ...string) ([]fresco.AuthorityLimit, error) {
	return queryAll(ctx, tx, scanLimit, `SELECT scope, kind, amount FROM authority_limits WHERE scope IN (`+placeholders(len(scopes))+`)`, asArgs(scopes)...)
}

// SetAuthorityLimit creates or replaces one limit.
func (tx *Tx) SetAuthorityLimit(ctx context.Context, l fresco.AuthorityLimit) error {
	var amount any
	if l.Amount != nil {
		amount = int64(*l.Amount)
	}
	_, err := tx.Exec(ctx, `INSERT INTO authority_limits (scope, kind, amount, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (scope, kind) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at`,
		l.Scope, l.Kind, amount, now())
	return err
}

// DeleteAuthorityLimit removes one limit; it reports whether it existed.
func (tx *Tx) DeleteAuthorityLimit(ctx context.Context, scope, kind string) (bool, error) {
	res, err := tx.Exec(ctx, `DELETE FROM authority_limits WHERE scope = ? AND kind = ?`, scope, kind)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
