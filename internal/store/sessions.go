package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Sessions are UI logins. Only a hash of the session token is stored; the
// caller hashes the cookie value before every call here.

// CreateSession stores a session for the employee, valid until expires.
func (db *DB) CreateSession(ctx context.Context, tokenHash string, employeeID int64, expires time.Time) error {
	if tokenHash == "" {
		return invalid("token", "is required")
	}
	_, err := db.Exec(ctx, `INSERT INTO sessions (token_hash, employee_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		tokenHash, employeeID, now(), expires.UTC())
	switch {
	case isUniqueViolation(err):
		return conflict("token", "this session token is already in use")
	case isForeignKeyViolation(err):
		return invalid("employee_id", "employee %d does not exist", employeeID)
	}
	return err
}

// SessionEmployee returns the employee logged in with the session: ENOTFOUND
// when the session does not exist or has expired, or the employee is no
// longer active.
func (db *DB) SessionEmployee(ctx context.Context, tokenHash string) (*fresco.Employee, error) {
	e, err := scanEmployee(db.QueryRow(ctx, `SELECT `+employeeColumns+` FROM employees
		WHERE active = ? AND id = (SELECT employee_id FROM sessions WHERE token_hash = ? AND expires_at > ?)`,
		true, tokenHash, now()))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "session not found or expired")
	}
	return e, err
}

// DeleteSession ends a session (a logout). An unknown session is not an error.
func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	_, err := db.Exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash)
	return err
}

// DeleteEmployeeSessions ends every session of the employee, e.g. after a
// password change or deactivation.
func (db *DB) DeleteEmployeeSessions(ctx context.Context, employeeID int64) error {
	_, err := db.Exec(ctx, `DELETE FROM sessions WHERE employee_id = ?`, employeeID)
	return err
}

// DeleteExpiredSessions removes sessions that expired at or before now and
// returns how many it removed.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
