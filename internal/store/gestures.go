package store

// The recovery-gesture ledger: what was granted, or asked for, to make up to
// a customer.

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const gestureColumns = `id, case_id, customer_id, purchase_id, kind, amount, status, note, letter, requested_by,
	requested_by_employee, requested_role, limit_reason, decided_by, decided_at, decision_note, created_at`

func scanGesture(row rowScanner) (*fresco.Gesture, error) {
	var (
		g                   fresco.Gesture
		purchase, requester sql.NullInt64
		decided             sql.NullTime
		amount              int64
		role                string
	)
	if err := row.Scan(&g.ID, &g.CaseID, &g.CustomerID, &purchase, &g.Kind, &amount, &g.Status, &g.Note, &g.Letter,
		&g.RequestedBy, &requester, &role, &g.LimitReason, &g.DecidedBy, &decided, &g.DecisionNote, &g.CreatedAt); err != nil {
		return nil, err
	}
	g.PurchaseID, g.RequestedByEmployee, g.DecidedAt = ptrID(purchase), ptrID(requester), ptrTime(decided)
	g.Amount, g.RequestedRole, g.CreatedAt = fresco.Money(amount), fresco.Role(role), g.CreatedAt.UTC()
	return &g, nil
}

// InsertGesture adds a gesture to the ledger and sets its ID; a zero
// CreatedAt is set to now.
func (tx *Tx) InsertGesture(ctx context.Context, g *fresco.Gesture) error {
	if g.CreatedAt.IsZero() {
		g.CreatedAt = now()
	}
	g.CreatedAt = utc(g.CreatedAt)
	return tx.QueryRow(ctx, `INSERT INTO gestures (case_id, customer_id, purchase_id, kind, amount, status, note, letter,
		requested_by, requested_by_employee, requested_role, limit_reason, decided_by, decided_at, decision_note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		g.CaseID, g.CustomerID, nullID(g.PurchaseID), g.Kind, int64(g.Amount), g.Status, g.Note, g.Letter,
		g.RequestedBy, nullID(g.RequestedByEmployee), string(g.RequestedRole), g.LimitReason, g.DecidedBy,
		utcPtr(g.DecidedAt), g.DecisionNote, g.CreatedAt).Scan(&g.ID)
}

// GestureForUpdate reads a gesture, locking it on PostgreSQL.
func (tx *Tx) GestureForUpdate(ctx context.Context, id int64) (*fresco.Gesture, error) {
	return gestureByID(ctx, tx, id, forUpdate(tx))
}

// Gesture reads one gesture.
func (db *DB) Gesture(ctx context.Context, id int64) (*fresco.Gesture, error) {
	return gestureByID(ctx, db, id, "")
}

// gestureByID reads a gesture; lock is "" or forUpdate's clause.
func gestureByID(ctx context.Context, q Querier, id int64, lock string) (*fresco.Gesture, error) {
	g, err := scanOne(ctx, q, scanGesture, `SELECT `+gestureColumns+` FROM gestures WHERE id = ?`+lock, id)
	return g, notFound(err, "gesture", id)
}

// DecideGesture records an approval or rejection.
func (tx *Tx) DecideGesture(ctx context.Context, g *fresco.Gesture) error {
	_, err := tx.Exec(ctx, `UPDATE gestures SET status = ?, decided_by = ?, decided_at = ?, decision_note = ?, letter = ? WHERE id = ?`,
		g.Status, g.DecidedBy, utcPtr(g.DecidedAt), g.DecisionNote, g.Letter, g.ID)
	return err
}

// GestureFilter selects gestures from the ledger.
type GestureFilter struct {
	CaseID      *int64
	CustomerID  *int64
	RequestedBy *int64 // the employee who asked for it
	Status      string
	Limit       int
}

func (f GestureFilter) where() conditions {
	var w conditions
	w.idIs("case_id", f.CaseID)
	w.idIs("customer_id", f.CustomerID)
	w.idIs("requested_by_employee", f.RequestedBy)
	w.textIs("status", f.Status)
	return w
}

// CountGestures counts the gestures f selects, up to most (see countUpTo).
func (db *DB) CountGestures(ctx context.Context, f GestureFilter, most int) (int, error) {
	w := f.where()
	return countUpTo(ctx, db, "gestures", &w, most)
}

// ListGestures returns ledger entries, oldest first.
func (db *DB) ListGestures(ctx context.Context, f GestureFilter) ([]*fresco.Gesture, error) {
	w := f.where()
	return queryAll(ctx, db, scanGesture, `SELECT `+gestureColumns+` FROM gestures WHERE `+w.sql()+
		` ORDER BY id LIMIT ?`, append(w.args, pageLimit(f.Limit))...)
}

// GrantedOnCase is what has been granted (or is waiting for approval) on a
// case by one requester: the base of the per-case total limit.
func (tx *Tx) GrantedOnCase(ctx context.Context, caseID int64, requestedBy string) (fresco.Money, error) {
	var sum int64
	err := tx.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM gestures
		WHERE case_id = ? AND requested_by = ? AND status = 'granted'`, caseID, requestedBy).Scan(&sum)
	return fresco.Money(sum), err
}

// GestureTotals sums granted gestures per customer: the recovery cost that
// sits against each customer's value.
func (db *DB) GestureTotals(ctx context.Context, customerIDs []int64) (map[int64]fresco.Money, error) {
	out := map[int64]fresco.Money{}
	err := forChunks(asArgs(customerIDs), func(chunk []any) error {
		return queryMap(ctx, db, out, scanIDMoney, `SELECT customer_id, SUM(amount) FROM gestures WHERE status = 'granted'
			AND customer_id IN (`+placeholders(len(chunk))+`) GROUP BY customer_id`, chunk...)
	})
	return out, err
}
