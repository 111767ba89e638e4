package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const apiTokenColumns = `id, name, role, created_at, last_used_at, revoked_at`

// tokenTouchInterval is how stale last_used_at may get before a use of the
// token writes it again, so that a busy client does not write on every request.
const tokenTouchInterval = time.Minute

func scanAPIToken(row rowScanner) (*fresco.APIToken, error) {
	var (
		t        fresco.APIToken
		role     string
		lastUsed sql.NullTime
		revoked  sql.NullTime
	)
	if err := row.Scan(&t.ID, &t.Name, &role, &t.CreatedAt, &lastUsed, &revoked); err != nil {
		return nil, err
	}
	t.Role = fresco.Role(role)
	t.CreatedAt = t.CreatedAt.UTC()
	t.LastUsedAt, t.RevokedAt = ptrTime(lastUsed), ptrTime(revoked)
	return &t, nil
}

// CreateAPIToken stores a new token under its hash.
func (db *DB) CreateAPIToken(ctx context.Context, name string, role fresco.Role, tokenHash string) (*fresco.APIToken, error) {
	var t *fresco.APIToken
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		t, err = tx.CreateAPIToken(ctx, name, role, tokenHash)
		return err
	})
	return t, err
}

// CreateAPIToken stores a new token within the transaction, so that the
// token and its audit record are committed together.
func (tx *Tx) CreateAPIToken(ctx context.Context, name string, role fresco.Role, tokenHash string) (*fresco.APIToken, error) {
	var v fresco.Validation
	v.Check(name != "", "name", "is required")
	v.Check(len([]rune(name)) <= 200, "name", "is longer than 200 characters")
	if _, err := fresco.ParseRole(string(role)); err != nil {
		v.Add("role", "%s", err.Error())
	}
	v.Check(tokenHash != "", "token", "is required")
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &fresco.APIToken{Name: name, Role: role, CreatedAt: now()}
	err := tx.QueryRow(ctx, `INSERT INTO api_tokens (name, role, token_hash, created_at)
		VALUES (?, ?, ?, ?) RETURNING id`,
		t.Name, string(t.Role), tokenHash, t.CreatedAt,
	).Scan(&t.ID)
	if isUniqueViolation(err) {
		return nil, conflict("token", "this token is already registered")
	}
	if err != nil {
		return nil, err
	}
	return t, nil
}

// APITokenByHash returns the live token with the given hash: ENOTFOUND when
// there is none or it is revoked. It records the use in last_used_at when
// that is more than a minute old.
func (db *DB) APITokenByHash(ctx context.Context, tokenHash string) (*fresco.APIToken, error) {
	t, err := scanAPIToken(db.QueryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens
		WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "API token not found")
	}
	if err != nil {
		return nil, err
	}
	at := now()
	if t.LastUsedAt != nil && at.Sub(*t.LastUsedAt) < tokenTouchInterval {
		return t, nil
	}
	// The condition repeats the check, so that concurrent requests write once.
	res, err := db.Exec(ctx, `UPDATE api_tokens SET last_used_at = ?
		WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
		at, t.ID, at.Add(-tokenTouchInterval))
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		t.LastUsedAt = &at
	}
	return t, nil
}

// ListAPITokens returns every token, revoked ones included, ordered by id.
func (db *DB) ListAPITokens(ctx context.Context) ([]*fresco.APIToken, error) {
	return queryAll(ctx, db, scanAPIToken, `SELECT `+apiTokenColumns+` FROM api_tokens ORDER BY id`)
}

// RevokeAPIToken revokes a token for good. Revoking a revoked token does
// nothing; an unknown id is ENOTFOUND.
func (db *DB) RevokeAPIToken(ctx context.Context, id int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.RevokeAPIToken(ctx, id) })
}

// RevokeAPIToken revokes a token within the transaction.
func (tx *Tx) RevokeAPIToken(ctx context.Context, id int64) error {
	res, err := tx.Exec(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	var one int
	err = tx.QueryRow(ctx, `SELECT 1 FROM api_tokens WHERE id = ?`, id).Scan(&one)
	return notFound(err, "API token", id)
}
