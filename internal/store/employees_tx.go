package store

import (
	"context"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// The transactional twins of employee methods that package staff uses to
// make a change, end its sessions and audit it in one transaction.

// EmployeeByEmail returns the employee with the given e-mail address,
// matched case-insensitively, as the transaction sees it.
func (tx *Tx) EmployeeByEmail(ctx context.Context, email string) (*fresco.Employee, error) {
	e, err := scanEmployee(tx.QueryRow(ctx, `SELECT `+employeeColumns+` FROM employees WHERE email = ?`,
		normalizeEmail(email)))
	return e, notFound(err, "employee with e-mail", email)
}

// UpdateEmployeeIfVersion is UpdateEmployee for a writer that read the
// employee at version (ESTALE when it has moved on), within the transaction.
func (tx *Tx) UpdateEmployeeIfVersion(ctx context.Context, e *fresco.Employee, version int64) error {
	return tx.updateEmployee(ctx, e, version)
}

// DeleteEmployeeSessions ends every session of the employee within the
// transaction.
func (tx *Tx) DeleteEmployeeSessions(ctx context.Context, employeeID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE employee_id = ?`, employeeID)
	return err
}
