package store

// The closed loop (internal/loop owns the rules; this file only reads and
// writes rows): follow-ups opened by detractors, low CSAT and complaints,
// who serves and who manages, and the raw material of the
// "satisfied but leaving" detector.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Follow-up statuses.
const (
	FollowUpOpen   = "open"
	FollowUpClosed = "closed"
)

// FollowUp is the task of getting back to a customer after a bad answer; it
// closes only with a recorded contact and outcome.
type FollowUp struct {
	ID                int64
	ResponseID        int64
	CustomerID        *int64
	LocationID        *int64
	OwnerID           *int64
	ManagerID         *int64
	Reasons           []string // detractor, csat_low, complaint
	DueAt             time.Time
	Status            string
	ContactAt         *time.Time
	ContactChannel    string
	Outcome           string
	ClosedBy          string
	ClosedAt          *time.Time
	OverdueNotifiedAt *time.Time
	CreatedAt         time.Time
	// Read-only extras for lists.
	CustomerName string
	OwnerName    string
	NPS, CSAT    *int
	Comment      string
}

const followUpColumns = `f.id, f.response_id, f.customer_id, f.location_id, f.owner_id, f.manager_id, f.reasons, f.due_at,
	f.status, f.contact_at, f.contact_channel, f.outcome, f.closed_by, f.closed_at, f.overdue_notified_at, f.created_at,
	COALESCE(c.name, ''), COALESCE(e.name, ''), r.nps, r.csat, COALESCE(r.comment, '')`

const followUpFrom = ` FROM follow_ups f
	LEFT JOIN customers c ON c.id = f.customer_id
	LEFT JOIN employees e ON e.id = f.owner_id
	LEFT JOIN responses r ON r.id = f.response_id`

func scanFollowUp(row rowScanner) (*FollowUp, error) {
	var f FollowUp
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
func (tx *Tx) CreateFollowUp(ctx context.Context, f *FollowUp) (bool, error) {
	reasons, err := json.Marshal(nonNil(f.Reasons))
	if err != nil {
		return false, err
	}
	f.Status, f.CreatedAt = FollowUpOpen, now()
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
func (db *DB) FollowUp(ctx context.Context, id int64) (*FollowUp, error) {
	return followUpByID(ctx, db, id)
}

// FollowUp returns the follow-up with the id within the transaction.
func (tx *Tx) FollowUp(ctx context.Context, id int64) (*FollowUp, error) {
	return followUpByID(ctx, tx, id)
}

func followUpByID(ctx context.Context, q Querier, id int64) (*FollowUp, error) {
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

// ListFollowUps returns follow-ups in id order (oldest first), paged by id.
func (db *DB) ListFollowUps(ctx context.Context, f FollowUpFilter) ([]*FollowUp, string, error) {
	limit := f.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var where []string
	var args []any
	if f.Status != "" {
		where = append(where, "f.status = ?")
		args = append(args, f.Status)
	}
	if f.OwnerID > 0 {
		where = append(where, "f.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.Overdue {
		where = append(where, "f.status = 'open' AND f.due_at < ?")
		args = append(args, f.Now.UTC())
	}
	if f.Cursor != "" {
		after, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where = append(where, "f.id > ?")
		args = append(args, after)
	}
	q := `SELECT ` + followUpColumns + followUpFrom
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += ` ORDER BY f.id LIMIT ?`
	return queryPage(ctx, db, q, args, limit, scanFollowUp,
		func(x *FollowUp) int64 { return x.ID })
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
	return queryAll(ctx, tx, scanValue[int64], fmt.Sprintf(`UPDATE follow_ups SET overdue_notified_at = ?
		WHERE id IN (SELECT id FROM follow_ups WHERE status = 'open' AND due_at < ? AND overdue_notified_at IS NULL
			ORDER BY due_at LIMIT %d)
		RETURNING id`, limit), now(), at.UTC())
}

// ---- who served, who manages -------------------------------------------------

// LoopResponse is what the closed loop needs to know about a response.
type LoopResponse struct {
	ID           int64
	PostSlug     string
	CustomerID   *int64
	EmployeeID   *int64
	LocationID   *int64
	NPS, CSAT    *int
	Comment      string
	RespondedAt  time.Time
	CustomerName string
	EmployeeName string
}

// LoopResponse reads a response for the closed loop.
func (tx *Tx) LoopResponse(ctx context.Context, id int64) (*LoopResponse, error) {
	var r LoopResponse
	var cust, emp, loc, nps, csat sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT r.id, p.slug, r.customer_id, r.employee_id, r.location_id, r.nps, r.csat, r.comment,
			r.responded_at, COALESCE(c.name, ''), COALESCE(e.name, '')
		FROM responses r
		JOIN listening_posts p ON p.id = r.post_id
		LEFT JOIN customers c ON c.id = r.customer_id
		LEFT JOIN employees e ON e.id = r.employee_id
		WHERE r.id = ?`, id).Scan(&r.ID, &r.PostSlug, &cust, &emp, &loc, &nps, &csat, &r.Comment, &r.RespondedAt,
		&r.CustomerName, &r.EmployeeName)
	if err != nil {
		return nil, notFound(err, "response", id)
	}
	r.CustomerID, r.EmployeeID, r.LocationID = ptrID(cust), ptrID(emp), ptrID(loc)
	r.NPS, r.CSAT = ptrInt(nps), ptrInt(csat)
	r.RespondedAt = r.RespondedAt.UTC()
	return &r, nil
}

// ActiveEmployee reports whether the employee exists and is active.
func (tx *Tx) ActiveEmployee(ctx context.Context, id int64) (bool, error) {
	var active bool
	err := tx.QueryRow(ctx, `SELECT active FROM employees WHERE id = ?`, id).Scan(&active)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return active, err
}

// ---- satisfied but leaving -----------------------------------------------------

// PositiveAnswer is a customer whose latest scored answer since a time was
// passive or promoter (NPS ≥ 7, or CSAT ≥ 4 when there is no NPS).
type PositiveAnswer struct {
	CustomerID   int64
	CustomerName string
	NPS, CSAT    *int
	AnsweredAt   time.Time
	LocationID   *int64 // of the answer
}

// PurchaseTime is one purchase of a candidate customer.
type PurchaseTime struct {
	CustomerID int64
	At         time.Time
	LocationID *int64
}

// candidatesCTE selects each customer's latest scored answer since ? when it
// was positive.
const candidatesCTE = `WITH latest AS (
	SELECT r.customer_id, r.nps, r.csat, r.responded_at, r.location_id,
		ROW_NUMBER() OVER (PARTITION BY r.customer_id ORDER BY r.responded_at DESC, r.id DESC) AS rn
	FROM responses r
	WHERE r.customer_id IS NOT NULL AND r.responded_at >= ? AND (r.nps IS NOT NULL OR r.csat IS NOT NULL)
), cand AS (
	SELECT customer_id, nps, csat, responded_at, location_id FROM latest
	WHERE rn = 1 AND ((nps IS NOT NULL AND nps >= 7) OR (nps IS NULL AND csat >= 4))
)`

// SatisfiedCandidates returns customers whose latest scored answer since
// `since` was positive, and all their purchases in time order.
func (db *DB) SatisfiedCandidates(ctx context.Context, since time.Time) ([]PositiveAnswer, []PurchaseTime, error) {
	answers, err := queryAll(ctx, db, scanPositiveAnswer, candidatesCTE+` SELECT cand.customer_id, COALESCE(c.name, ''), cand.nps, cand.csat,
			cand.responded_at, cand.location_id
		FROM cand LEFT JOIN customers c ON c.id = cand.customer_id ORDER BY cand.customer_id`, since.UTC())
	if err != nil || len(answers) == 0 {
		return nil, nil, err
	}
	purchases, err := queryAll(ctx, db, scanPurchaseTime, candidatesCTE+` SELECT p.customer_id, p.purchased_at, p.location_id
		FROM purchases p JOIN cand ON cand.customer_id = p.customer_id
		ORDER BY p.customer_id, p.purchased_at`, since.UTC())
	if err != nil {
		return nil, nil, err
	}
	return answers, purchases, nil
}

func scanPositiveAnswer(row rowScanner) (PositiveAnswer, error) {
	var a PositiveAnswer
	var nps, csat, loc sql.NullInt64
	var at any
	if err := row.Scan(&a.CustomerID, &a.CustomerName, &nps, &csat, &at, &loc); err != nil {
		return a, err
	}
	t, err := anyTime(at)
	if err != nil || t == nil {
		return a, fmt.Errorf("answer time: %v", err)
	}
	a.AnsweredAt, a.NPS, a.CSAT, a.LocationID = *t, ptrInt(nps), ptrInt(csat), ptrID(loc)
	return a, nil
}

func scanPurchaseTime(row rowScanner) (PurchaseTime, error) {
	var p PurchaseTime
	var loc sql.NullInt64
	if err := row.Scan(&p.CustomerID, &p.At, &loc); err != nil {
		return p, err
	}
	p.At, p.LocationID = p.At.UTC(), ptrID(loc)
	return p, nil
}

// PAliveTable is where the lifetime-value engine (migration 00004) keeps each
// customer's latest P(alive): customer_value(customer_id, p_alive). The
// detector uses it for the customers it scores and falls back on purchase
// gaps for the others, or when the table does not exist.
const PAliveTable = "customer_value"

// PAlive returns P(alive) per customer from PAliveTable, or nil when the
// table does not exist.
func (db *DB) PAlive(ctx context.Context) (map[int64]float64, error) {
	var n int
	var err error
	if db.dialect == Postgres {
		err = db.QueryRow(ctx, `SELECT COUNT(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'p_alive'`, PAliveTable).Scan(&n)
	} else {
		err = db.QueryRow(ctx, `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = 'p_alive'`, PAliveTable).Scan(&n)
	}
	if err != nil || n == 0 {
		return nil, err
	}
	out := map[int64]float64{}
	if err := queryMap(ctx, db, out, scanPair[int64, float64], `SELECT customer_id, p_alive FROM `+PAliveTable+` WHERE p_alive IS NOT NULL`); err != nil {
		return nil, err
	}
	return out, nil
}
