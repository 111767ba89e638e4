package store

// Follow-up satisfaction calls: one task per purchase by an identified
// customer, due some days after it.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// PurchaseToCall is a purchase that may need a follow-up call.
type PurchaseToCall struct {
	PurchaseID  int64
	CustomerID  int64
	EmployeeID  *int64
	TeamID      *int64
	LocationID  *int64
	PurchasedAt time.Time
	Consent     bool
}

// PurchasesWithoutCallTask returns purchases by identified customers made in
// [from, to) that have no call task yet, oldest first.
func (db *DB) PurchasesWithoutCallTask(ctx context.Context, from, to time.Time, limit int) ([]PurchaseToCall, error) {
	return queryAll(ctx, db, scanPurchaseToCall, `SELECT pu.id, pu.customer_id, pu.served_by, e.team_id, pu.location_id, pu.purchased_at, c.consent_surveys
		FROM purchases pu
		JOIN customers c ON c.id = pu.customer_id
		LEFT JOIN employees e ON e.id = pu.served_by
		WHERE pu.purchased_at >= ? AND pu.purchased_at < ? AND pu.total > 0
		  AND NOT EXISTS (SELECT 1 FROM call_tasks t WHERE t.purchase_id = pu.id)
		ORDER BY pu.purchased_at, pu.id LIMIT ?`, from.UTC(), to.UTC(), limit)
}

func scanPurchaseToCall(row rowScanner) (PurchaseToCall, error) {
	var p PurchaseToCall
	var employee, team, location sql.NullInt64
	if err := row.Scan(&p.PurchaseID, &p.CustomerID, &employee, &team, &location, &p.PurchasedAt, &p.Consent); err != nil {
		return p, err
	}
	p.EmployeeID, p.TeamID, p.LocationID = ptrID(employee), ptrID(team), ptrID(location)
	p.PurchasedAt = p.PurchasedAt.UTC()
	return p, nil
}

// CreateCallTask stores a call task unless the purchase already has one; it
// reports whether it did.
func (tx *Tx) CreateCallTask(ctx context.Context, t *fresco.CallTask) (bool, error) {
	t.CreatedAt = now()
	if t.Status == "" {
		t.Status = "open"
	}
	err := tx.QueryRow(ctx, `INSERT INTO call_tasks (purchase_id, customer_id, employee_id, team_id, location_id, due_at, status,
		outcome, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (purchase_id) DO NOTHING RETURNING id`,
		t.PurchaseID, t.CustomerID, nullID(t.EmployeeID), nullID(t.TeamID), nullID(t.LocationID),
		t.DueAt.UTC().Truncate(time.Microsecond), t.Status, t.Outcome, t.CreatedAt).Scan(&t.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

const callTaskColumns = `t.id, t.purchase_id, t.customer_id, t.employee_id, t.team_id, t.location_id, t.due_at, t.status,
	t.outcome, t.response_id, t.completed_at, t.completed_by, t.created_at, c.name, pu.purchased_at, COALESCE(pu.external_id, '')`

const callTaskFrom = ` FROM call_tasks t JOIN customers c ON c.id = t.customer_id JOIN purchases pu ON pu.id = t.purchase_id`

func scanCallTask(row rowScanner) (*fresco.CallTask, error) {
	var (
		t                              fresco.CallTask
		employee, team, location, resp sql.NullInt64
		completed                      sql.NullTime
	)
	if err := row.Scan(&t.ID, &t.PurchaseID, &t.CustomerID, &employee, &team, &location, &t.DueAt, &t.Status, &t.Outcome,
		&resp, &completed, &t.CompletedBy, &t.CreatedAt, &t.CustomerName, &t.PurchasedAt, &t.PurchaseNumber); err != nil {
		return nil, err
	}
	t.EmployeeID, t.TeamID, t.LocationID, t.ResponseID = ptrID(employee), ptrID(team), ptrID(location), ptrID(resp)
	t.CompletedAt = ptrTime(completed)
	t.DueAt, t.CreatedAt, t.PurchasedAt = t.DueAt.UTC(), t.CreatedAt.UTC(), t.PurchasedAt.UTC()
	return &t, nil
}

// CallTask returns the call task with the id.
func (db *DB) CallTask(ctx context.Context, id int64) (*fresco.CallTask, error) {
	t, err := scanCallTask(db.QueryRow(ctx, `SELECT `+callTaskColumns+callTaskFrom+` WHERE t.id = ?`, id))
	return t, notFound(err, "call task", id)
}

// CallTaskOfPurchase returns the purchase's call task, or nil when it has
// none (a purchase has at most one).
func (db *DB) CallTaskOfPurchase(ctx context.Context, purchaseID int64) (*fresco.CallTask, error) {
	return callTaskOfPurchase(ctx, db, purchaseID)
}

// CallTaskOfPurchase is the same, as the transaction sees it.
func (tx *Tx) CallTaskOfPurchase(ctx context.Context, purchaseID int64) (*fresco.CallTask, error) {
	return callTaskOfPurchase(ctx, tx, purchaseID)
}

func callTaskOfPurchase(ctx context.Context, q Querier, purchaseID int64) (*fresco.CallTask, error) {
	t, err := scanCallTask(q.QueryRow(ctx, `SELECT `+callTaskColumns+callTaskFrom+` WHERE t.purchase_id = ?`, purchaseID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return t, err
}

// CallTaskFilter selects call tasks.
type CallTaskFilter struct {
	EmployeeID *int64 // tasks assigned to the employee …
	TeamID     *int64 // … or to the team (either matches when both are set)
	Status     string
	DueBefore  time.Time
	Cursor     string
	Limit      int
}

// ListCallTasks returns call tasks a page at a time in id order, the
// order they were made in (with one follow-up delay for every purchase,
// roughly their due order; the keyset cursor needs a unique order).
func (db *DB) ListCallTasks(ctx context.Context, f CallTaskFilter) ([]*fresco.CallTask, string, error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	w := callTaskWhere(f, after)
	return queryPage(ctx, db, `SELECT `+callTaskColumns+callTaskFrom+` WHERE `+w.sql()+
		` ORDER BY t.id LIMIT ?`, w.args, limit, scanCallTask,
		func(x *fresco.CallTask) int64 { return x.ID })
}

// callTaskWhere is the condition of a page of call tasks under f after the
// id after.
func callTaskWhere(f CallTaskFilter, after int64) *conditions {
	var w conditions
	w.add("t.id > ?", after)
	if f.EmployeeID != nil && f.TeamID != nil {
		// Each side of "mine or my team's unassigned" through its own index
		// (migration 00049 for the team's), the status within each: as one
		// condition with an OR, SQLite read every open task through the
		// status index (55,000 at a million customers) to keep a few.
		st, args := "", []any{*f.EmployeeID, *f.TeamID}
		if f.Status != "" {
			st, args = " AND status = ?", []any{*f.EmployeeID, f.Status, *f.TeamID, f.Status}
		}
		w.add("t.id IN (SELECT id FROM call_tasks WHERE employee_id = ?"+st+
			" UNION ALL SELECT id FROM call_tasks WHERE employee_id IS NULL AND team_id = ?"+st+")", args...)
	} else {
		w.idIs("t.employee_id", f.EmployeeID)
		w.idIs("t.team_id", f.TeamID)
		w.textIs("t.status", f.Status)
	}
	if !f.DueBefore.IsZero() {
		w.add("t.due_at < ?", f.DueBefore.UTC())
	}
	return &w
}

// CompleteCallTask records the outcome of an open call task within the
// transaction; it fails with ECONFLICT when the task is no longer open.
func (tx *Tx) CompleteCallTask(ctx context.Context, id int64, status, outcome string, responseID *int64, by string, at time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE call_tasks SET status = ?, outcome = ?, response_id = ?, completed_at = ?, completed_by = ?
		WHERE id = ? AND status = 'open'`, status, outcome, nullID(responseID), at.UTC().Truncate(time.Microsecond), by, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var st string
		if err := tx.QueryRow(ctx, `SELECT status FROM call_tasks WHERE id = ?`, id).Scan(&st); err != nil {
			return notFound(err, "call task", id)
		}
		return fresco.Errorf(fresco.ECONFLICT, "call task %d is already %s", id, st)
	}
	return nil
}
