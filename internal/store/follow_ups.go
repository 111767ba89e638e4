package store

// Follow-ups of the closed loop (internal/loop owns the rules; this file
// only reads and writes rows): the task of getting back to a customer after a
// detractor score, a low CSAT or a complaint. Who a follow-up escalates to is
// the ladder in escalation.go.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const followUpColumns = `f.id, f.response_id, f.customer_id, f.location_id, f.owner_id, f.manager_id, f.reasons, f.due_at,
	f.status, f.contact_at, f.contact_channel, f.outcome, f.closed_by, f.closed_at, f.overdue_notified_at, f.created_at,
	COALESCE(c.name, ''), COALESCE(e.name, ''), r.nps, r.csat, COALESCE(r.comment, '')`

const followUpFrom = ` FROM follow_ups f
	LEFT JOIN customers c ON c.id = f.customer_id
	LEFT JOIN employees e ON e.id = f.owner_id
	LEFT JOIN responses r ON r.id = f.response_id`

func scanFollowUp(row rowScanner) (*fresco.FollowUp, error) {
	var f fresco.FollowUp
	var cust, loc, owner, mgr, nps, csat sql.NullInt64
	var contact, closed, overdue sql.NullTime
	var reasons string
	if err := row.Scan(&f.ID, &f.ResponseID, &cust, &loc, &owner, &mgr, &reasons, &f.DueAt, &f.Status, &contact,
		&f.ContactChannel, &f.Outcome, &f.ClosedBy, &closed, &overdue, &f.CreatedAt,
		&f.CustomerName, &f.OwnerName, &nps, &csat, &f.Comment); err != nil {
		return nil, err
	}
	f.CustomerID, f.LocationID, f.OwnerID, f.ManagerID = ptrID(cust), ptrID(loc), ptrID(owner), ptrID(mgr)
	f.NPS, f.CSAT = ptrInt(nps), ptrInt(csat)
	f.ContactAt, f.ClosedAt, f.OverdueNotifiedAt = ptrTime(contact), ptrTime(closed), ptrTime(overdue)
	f.DueAt, f.CreatedAt = f.DueAt.UTC(), f.CreatedAt.UTC()
	if err := json.Unmarshal([]byte(reasons), &f.Reasons); err != nil {
		return nil, fmt.Errorf("follow-up %d reasons: %w", f.ID, err)
	}
	return &f, nil
}

// CreateFollowUp opens a follow-up for a response. It returns false (and
// changes nothing) when the response already has one, so a handler that runs
// twice opens one follow-up.
func (tx *Tx) CreateFollowUp(ctx context.Context, f *fresco.FollowUp) (bool, error) {
	reasons, err := json.Marshal(nonNil(f.Reasons))
	if err != nil {
		return false, err
	}
	f.Status, f.CreatedAt = fresco.FollowUpOpen, now()
	f.DueAt = f.DueAt.UTC().Truncate(time.Microsecond)
	err = tx.QueryRow(ctx, `INSERT INTO follow_ups (response_id, customer_id, location_id, owner_id, manager_id, reasons, due_at, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (response_id) DO NOTHING RETURNING id`,
		f.ResponseID, nullID(f.CustomerID), nullID(f.LocationID), nullID(f.OwnerID), nullID(f.ManagerID), string(reasons),
		f.DueAt, f.Status, f.CreatedAt).Scan(&f.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// FollowUp returns the follow-up with the id.
func (db *DB) FollowUp(ctx context.Context, id int64) (*fresco.FollowUp, error) {
	return followUpByID(ctx, db, id)
}

// FollowUp returns the follow-up with the id within the transaction.
func (tx *Tx) FollowUp(ctx context.Context, id int64) (*fresco.FollowUp, error) {
	return followUpByID(ctx, tx, id)
}

func followUpByID(ctx context.Context, q Querier, id int64) (*fresco.FollowUp, error) {
	f, err := scanOne(ctx, q, scanFollowUp, `SELECT `+followUpColumns+followUpFrom+` WHERE f.id = ?`, id)
	return f, notFound(err, "follow-up", id)
}

// FollowUpFilter selects follow-ups.
type FollowUpFilter struct {
	Status  string // "", open, closed
	OwnerID int64  // 0: anyone
	Overdue bool   // open and past due
	Now     time.Time
	Cursor  string
	Limit   int
}

// where is the filter's conditions on follow_ups f, the cursor aside.
func (f FollowUpFilter) where() conditions {
	var w conditions
	w.textIs("f.status", f.Status)
	if f.OwnerID > 0 {
		w.add("f.owner_id = ?", f.OwnerID)
	}
	if f.Overdue {
		w.add("f.status = 'open' AND f.due_at < ?", f.Now.UTC())
	}
	return w
}

// CountFollowUps counts the follow-ups f selects (its cursor aside), up to
// most (see countUpTo).
func (db *DB) CountFollowUps(ctx context.Context, f FollowUpFilter, most int) (int, error) {
	w := f.where()
	return countUpTo(ctx, db, "follow_ups f", &w, most)
}

// ListFollowUps returns follow-ups in id order (oldest first), paged by id.
func (db *DB) ListFollowUps(ctx context.Context, f FollowUpFilter) ([]*fresco.FollowUp, string, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	w := f.where()
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		w.add("f.id > ?", after)
	}
	// The page's ids first, then their joins: see listSpec.pageQuery.
	return queryPage(ctx, db, `SELECT `+followUpColumns+followUpFrom+` WHERE f.id IN (SELECT f.id FROM follow_ups f WHERE `+w.sql()+
		` ORDER BY f.id LIMIT ?) ORDER BY f.id`, w.args, limit, scanFollowUp,
		func(x *fresco.FollowUp) int64 { return x.ID })
}

// CloseFollowUp records the contact and outcome and closes the follow-up.
// A closed follow-up cannot be closed again (ECONFLICT).
func (tx *Tx) CloseFollowUp(ctx context.Context, id int64, contactAt time.Time, channel, outcome, by string) error {
	res, err := tx.Exec(ctx, `UPDATE follow_ups SET status = 'closed', contact_at = ?, contact_channel = ?, outcome = ?,
		closed_by = ?, closed_at = ? WHERE id = ? AND status = 'open'`,
		contactAt.UTC().Truncate(time.Microsecond), channel, outcome, by, now(), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return nil
	}
	var status string
	if err := tx.QueryRow(ctx, `SELECT status FROM follow_ups WHERE id = ?`, id).Scan(&status); err != nil {
		return notFound(err, "follow-up", id)
	}
	return conflict("status", "follow-up %d is already %s", id, status)
}

// ClaimOverdueFollowUps marks up to limit open follow-ups that were due
// before at as notified and returns their ids; each is claimed once.
func (tx *Tx) ClaimOverdueFollowUps(ctx context.Context, at time.Time, limit int) ([]int64, error) {
	// The outer "overdue_notified_at IS NULL" is not redundant: on PostgreSQL
	// a sweep that waited for another's lock rechecks only the outer
	// condition against the committed row, and the subquery's answer is from
	// before; without it two concurrent sweeps both claim the follow-up.
	return queryAll(ctx, tx, scanValue[int64], fmt.Sprintf(`UPDATE follow_ups SET overdue_notified_at = ?
		WHERE id IN (SELECT id FROM follow_ups WHERE status = 'open' AND due_at < ? AND overdue_notified_at IS NULL
			ORDER BY due_at LIMIT %d)
			AND overdue_notified_at IS NULL
		RETURNING id`, limit), now(), at.UTC())
}
