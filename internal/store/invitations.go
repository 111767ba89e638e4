package store

// Survey invitations, and what the contact-frequency rule reads: when each
// customer was last asked for feedback on any channel, and whether they
// agreed to be asked at all.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const invitationColumns = `id, survey_id, customer_id, purchase_id, employee_id, location_id, channel, created_at, expires_at, used_at, response_id, opened_at`

func scanInvitation(row rowScanner) (*fresco.Invitation, error) {
	var (
		inv                                    fresco.Invitation
		customer, purchase, employee, location sql.NullInt64
		response                               sql.NullInt64
		used, opened                           sql.NullTime
	)
	if err := row.Scan(&inv.ID, &inv.SurveyID, &customer, &purchase, &employee, &location, &inv.Channel,
		&inv.CreatedAt, &inv.ExpiresAt, &used, &response, &opened); err != nil {
		return nil, err
	}
	inv.CustomerID, inv.PurchaseID, inv.EmployeeID, inv.LocationID = ptrID(customer), ptrID(purchase), ptrID(employee), ptrID(location)
	inv.ResponseID, inv.UsedAt, inv.OpenedAt = ptrID(response), ptrTime(used), ptrTime(opened)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	return &inv, nil
}

// CreateInvitation stores a new invitation within the transaction.
func (tx *Tx) CreateInvitation(ctx context.Context, inv *fresco.Invitation) error {
	inv.CreatedAt = now()
	err := tx.QueryRow(ctx, `INSERT INTO survey_invitations (survey_id, customer_id, purchase_id, employee_id, location_id,
		channel, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		inv.SurveyID, nullID(inv.CustomerID), nullID(inv.PurchaseID), nullID(inv.EmployeeID), nullID(inv.LocationID),
		inv.Channel, inv.CreatedAt, inv.ExpiresAt.UTC().Truncate(time.Microsecond)).Scan(&inv.ID)
	return err
}

// Invitation returns the invitation with the id.
func (db *DB) Invitation(ctx context.Context, id int64) (*fresco.Invitation, error) {
	inv, err := scanInvitation(db.QueryRow(ctx, `SELECT `+invitationColumns+` FROM survey_invitations WHERE id = ?`, id))
	return inv, notFound(err, "invitation", id)
}

// UseInvitation marks the invitation used by the response, atomically: it
// reports false when the invitation was already used (by a concurrent
// submission too), in which case the caller must roll back.
func (tx *Tx) UseInvitation(ctx context.Context, id, responseID int64, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE survey_invitations SET used_at = ?, response_id = ? WHERE id = ? AND used_at IS NULL`,
		at.UTC().Truncate(time.Microsecond), responseID, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LastContact returns when the customer was last asked for feedback on any
// channel (a survey link, a call task, a solicited response), or nil.
func (tx *Tx) LastContact(ctx context.Context, customerID int64) (*time.Time, error) {
	var v any
	if err := tx.QueryRow(ctx, `SELECT MAX(at) FROM customer_contacts WHERE customer_id = ?`, customerID).Scan(&v); err != nil {
		return nil, err
	}
	return anyTime(v)
}

// RecordContact notes that the customer was asked for feedback on channel.
func (tx *Tx) RecordContact(ctx context.Context, customerID int64, channel string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO customer_contacts (customer_id, channel, at) VALUES (?, ?, ?)`,
		customerID, channel, at.UTC().Truncate(time.Microsecond))
	return err
}

// CustomerConsent reports whether the customer exists and agreed to be
// surveyed. On PostgreSQL it locks the customer's row for the rest of the
// transaction, so that two concurrent requests cannot both pass the
// contact-frequency rule (SQLite's write lock already serialises them).
func (tx *Tx) CustomerConsent(ctx context.Context, customerID int64) (consent, exists bool, err error) {
	err = tx.QueryRow(ctx, `SELECT consent_surveys FROM customers WHERE id = ?`+forUpdate(tx), customerID).Scan(&consent)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	return consent, err == nil, err
}
