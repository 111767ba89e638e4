package store

// Messages about cases for staff, recorded for the notifier to deliver.

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// InsertCaseNotification records a message for the notifier to deliver.
func (tx *Tx) InsertCaseNotification(ctx context.Context, n *fresco.CaseNotification) error {
	n.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO case_notifications (case_id, employee_id, kind, message, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`, n.CaseID, nullID(n.EmployeeID), n.Kind, n.Message, n.CreatedAt).Scan(&n.ID)
}

// ListCaseNotifications returns the notifications of a case (caseID > 0)
// or of an employee (employeeID > 0), newest first.
func (db *DB) ListCaseNotifications(ctx context.Context, caseID, employeeID int64, limit int) ([]fresco.CaseNotification, error) {
	q := `SELECT id, case_id, employee_id, kind, message, created_at, delivered_at FROM case_notifications WHERE 1 = 1`
	var args []any
	if caseID > 0 {
		q += ` AND case_id = ?`
		args = append(args, caseID)
	}
	if employeeID > 0 {
		q += ` AND employee_id = ?`
		args = append(args, employeeID)
	}
	args = append(args, pageLimit(limit))
	return queryAll(ctx, db, scanCaseNotification, q+` ORDER BY id DESC LIMIT ?`, args...)
}

func scanCaseNotification(row rowScanner) (fresco.CaseNotification, error) {
	var n fresco.CaseNotification
	var emp sql.NullInt64
	var delivered sql.NullTime
	if err := row.Scan(&n.ID, &n.CaseID, &emp, &n.Kind, &n.Message, &n.CreatedAt, &delivered); err != nil {
		return n, err
	}
	n.EmployeeID, n.DeliveredAt, n.CreatedAt = ptrID(emp), ptrTime(delivered), n.CreatedAt.UTC()
	return n, nil
}
