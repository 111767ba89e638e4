package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Employees are also Fresco's users. E-mail addresses are stored in lower
// case, so the UNIQUE constraint on email is case-insensitive in effect and a
// login matches whatever case the user types.

const employeeColumns = `id, email, name, role, location_id, team_id, active, hired_at, created_at, updated_at, version, job_title`

// scanEmployee reads employeeColumns, followed by any extra columns into extra.
func scanEmployee(row rowScanner, extra ...any) (*fresco.Employee, error) {
	var (
		e          fresco.Employee
		role       string
		locationID sql.NullInt64
		teamID     sql.NullInt64
		hiredAt    sql.NullTime
	)
	dest := append([]any{&e.ID, &e.Email, &e.Name, &role, &locationID, &teamID, &e.Active, &hiredAt,
		&e.CreatedAt, &e.UpdatedAt, &e.Version, &e.JobTitle}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	e.Role = fresco.Role(role)
	e.LocationID, e.TeamID = ptrID(locationID), ptrID(teamID)
	e.HiredAt = ptrTime(hiredAt)
	e.CreatedAt, e.UpdatedAt = e.CreatedAt.UTC(), e.UpdatedAt.UTC()
	return &e, nil
}

// normalizeEmail is how employee e-mail addresses are stored and looked up.
func normalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// foreignRef is an optional foreign key of a record being written.
type foreignRef struct {
	field string // the field name in the API, e.g. "location_id"
	table string // the referenced table; a constant, never user input
	what  string // the referenced thing in messages, e.g. "location"
	id    *int64
}

// checkForeignRefs reports, as one EINVALID error, every set reference whose
// row does not exist. It runs before the write because a failed statement
// aborts a PostgreSQL transaction, and because SQLite does not say which
// foreign key failed. (employees.team_id has no FOREIGN KEY at all: teams
// refer to employees through manager_id, so the check is the only guard.)
func (tx *Tx) checkForeignRefs(ctx context.Context, refs ...foreignRef) error {
	var v fresco.Validation
	for _, r := range refs {
		if r.id == nil {
			continue
		}
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM `+r.table+` WHERE id = ?`, *r.id).Scan(&one)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			v.Add(r.field, "%s %d does not exist", r.what, *r.id)
		case err != nil:
			return err
		}
	}
	return v.Err()
}

// foreignRefError maps a foreign-key violation that slipped past
// checkForeignRefs (a concurrent change) to EINVALID on the set references.
func foreignRefError(refs ...foreignRef) error {
	var v fresco.Validation
	for _, r := range refs {
		if r.id != nil {
			v.Add(r.field, "%s %d may not exist", r.what, *r.id)
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	return invalid("id", "a referenced record does not exist")
}

func employeeForeignRefs(e *fresco.Employee) []foreignRef {
	return []foreignRef{
		{field: "location_id", table: "locations", what: "location", id: e.LocationID},
		{field: "team_id", table: "teams", what: "team", id: e.TeamID},
	}
}

func employeeWriteError(err error, e *fresco.Employee) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return conflict("email", "an employee with e-mail %q already exists", e.Email)
	case isForeignKeyViolation(err):
		return foreignRefError(employeeForeignRefs(e)...)
	default:
		return err
	}
}

// CreateEmployee stores a new employee and sets its ID and timestamps. The
// e-mail address is stored (and set on e) in lower case.
func (db *DB) CreateEmployee(ctx context.Context, e *fresco.Employee) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateEmployee(ctx, e) })
}

// CreateEmployee stores a new employee within the transaction.
func (tx *Tx) CreateEmployee(ctx context.Context, e *fresco.Employee) error {
	if err := e.Validate(); err != nil {
		return err
	}
	e.Email = normalizeEmail(e.Email)
	if err := tx.checkForeignRefs(ctx, employeeForeignRefs(e)...); err != nil {
		return err
	}
	t := now()
	e.CreatedAt, e.UpdatedAt = t, t
	if e.HiredAt != nil {
		h := e.HiredAt.UTC()
		e.HiredAt = &h
	}
	err := tx.QueryRow(ctx, `INSERT INTO employees (email, name, role, location_id, team_id, active, hired_at,
		created_at, updated_at, job_title)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id, version`,
		e.Email, e.Name, string(e.Role), nullID(e.LocationID), nullID(e.TeamID), e.Active, nullTime(e.HiredAt),
		e.CreatedAt, e.UpdatedAt, e.JobTitle,
	).Scan(&e.ID, &e.Version)
	if err != nil {
		return employeeWriteError(err, e)
	}
	return tx.openFirstSpell(ctx, e)
}

// Employee returns the employee with the given id.
func (db *DB) Employee(ctx context.Context, id int64) (*fresco.Employee, error) {
	return employeeByID(ctx, db, id)
}

// Employee returns the employee with the given id, as the transaction sees it.
func (tx *Tx) Employee(ctx context.Context, id int64) (*fresco.Employee, error) {
	return employeeByID(ctx, tx, id)
}

func employeeByID(ctx context.Context, q Querier, id int64) (*fresco.Employee, error) {
	e, err := scanEmployee(q.QueryRow(ctx, `SELECT `+employeeColumns+` FROM employees WHERE id = ?`, id))
	return e, notFound(err, "employee", id)
}

// EmployeeByEmail returns the employee with the given e-mail address,
// matched case-insensitively.
func (db *DB) EmployeeByEmail(ctx context.Context, email string) (*fresco.Employee, error) {
	return employeeByEmail(ctx, db, email)
}

// EmployeeByEmail is the same, as the transaction sees it.
func (tx *Tx) EmployeeByEmail(ctx context.Context, email string) (*fresco.Employee, error) {
	return employeeByEmail(ctx, tx, email)
}

func employeeByEmail(ctx context.Context, q Querier, email string) (*fresco.Employee, error) {
	e, err := scanEmployee(q.QueryRow(ctx, `SELECT `+employeeColumns+` FROM employees WHERE email = ?`,
		normalizeEmail(email)))
	return e, notFound(err, "employee with e-mail", email)
}

// UpdateEmployee writes every field of e over the stored employee e.ID,
// whatever its version, and sets e.Version to the new version. It leaves the
// password hash alone (see SetPasswordHash).
func (db *DB) UpdateEmployee(ctx context.Context, e *fresco.Employee) error {
	return db.UpdateEmployeeIfVersion(ctx, e, AnyVersion)
}

// UpdateEmployeeIfVersion is UpdateEmployee for a writer that read the
// employee at version: when the stored employee has moved past it, nothing is
// written and the error is ESTALE.
func (db *DB) UpdateEmployeeIfVersion(ctx context.Context, e *fresco.Employee, version int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.updateEmployee(ctx, e, version) })
}

// UpdateEmployeeIfVersion is the same within the transaction.
func (tx *Tx) UpdateEmployeeIfVersion(ctx context.Context, e *fresco.Employee, version int64) error {
	return tx.updateEmployee(ctx, e, version)
}

// DeleteEmployeeSessions ends every session of the employee within the
// transaction: a deactivation, role change or new password takes effect at
// once.
func (tx *Tx) DeleteEmployeeSessions(ctx context.Context, employeeID int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE employee_id = ?`, employeeID)
	return err
}

// UpdateEmployee writes every field of e over the stored employee e.ID.
func (tx *Tx) UpdateEmployee(ctx context.Context, e *fresco.Employee) error {
	return tx.updateEmployee(ctx, e, AnyVersion)
}

func (tx *Tx) updateEmployee(ctx context.Context, e *fresco.Employee, version int64) error {
	if err := e.Validate(); err != nil {
		return err
	}
	e.Email = normalizeEmail(e.Email)
	if err := tx.checkForeignRefs(ctx, employeeForeignRefs(e)...); err != nil {
		return err
	}
	e.UpdatedAt = now()
	err := tx.QueryRow(ctx, `UPDATE employees SET email = ?, name = ?, role = ?, location_id = ?, team_id = ?,
		active = ?, hired_at = ?, updated_at = ?, job_title = ?, version = version + 1
		WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		e.Email, e.Name, string(e.Role), nullID(e.LocationID), nullID(e.TeamID),
		e.Active, nullTime(e.HiredAt), e.UpdatedAt, e.JobTitle, e.ID, expectedVersion(version),
	).Scan(&e.Version)
	if err := tx.versionedWriteError(ctx, err, "employees", "employee", e.ID, version,
		func(err error) error { return employeeWriteError(err, e) }); err != nil {
		return err
	}
	return tx.followUnit(ctx, e)
}

// EmployeeFilter selects employees for a list.
type EmployeeFilter struct {
	Search     string // matches name or e-mail, case-insensitively
	Role       fresco.Role
	LocationID *int64
	TeamID     *int64
	Active     *bool
	Cursor     string
	Limit      int
}

// ListEmployees returns a page of employees ordered by id, and the cursor of
// the next page ("" at the end).
func (db *DB) ListEmployees(ctx context.Context, f EmployeeFilter) ([]*fresco.Employee, string, error) {
	var w conditions
	if s := strings.TrimSpace(f.Search); s != "" {
		like := "%" + strings.ToLower(s) + "%"
		w.add("(LOWER(name) LIKE ? OR email LIKE ?)", like, like)
	}
	w.textIs("role", string(f.Role))
	w.idIs("location_id", f.LocationID)
	w.idIs("team_id", f.TeamID)
	if f.Active != nil {
		w.add("active = ?", *f.Active)
	}
	return listPage(ctx, db, employeeColumns, "employees", &w, f.Cursor, f.Limit,
		func(r rowScanner) (*fresco.Employee, error) { return scanEmployee(r) },
		func(x *fresco.Employee) int64 { return x.ID })
}

// SetPasswordHash stores the password hash of an employee; "" removes the
// password, so the employee can no longer log in. Hashing is the caller's.
func (db *DB) SetPasswordHash(ctx context.Context, employeeID int64, hash string) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.SetPasswordHash(ctx, employeeID, hash) })
}

// SetPasswordHash stores the password hash of an employee within the
// transaction. The hash is not shown anywhere, but updated_at is, so the
// version moves too.
func (tx *Tx) SetPasswordHash(ctx context.Context, employeeID int64, hash string) error {
	res, err := tx.Exec(ctx, `UPDATE employees SET password_hash = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		hash, now(), employeeID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "employee %d not found", employeeID)
	}
	return nil
}

// PasswordHash returns the employee with the given e-mail address (matched
// case-insensitively) and their password hash, "" when none is set. It
// returns inactive employees too: refusing them is the caller's decision.
func (db *DB) PasswordHash(ctx context.Context, email string) (*fresco.Employee, string, error) {
	var hash string
	e, err := scanEmployee(db.QueryRow(ctx, `SELECT `+employeeColumns+`, password_hash FROM employees WHERE email = ?`,
		normalizeEmail(email)), &hash)
	if err != nil {
		return nil, "", notFound(err, "employee with e-mail", email)
	}
	return e, hash, nil
}

// CountEmployees returns the number of employees, active or not.
func (db *DB) CountEmployees(ctx context.Context) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM employees`).Scan(&n)
	return n, err
}

// LocationStaff returns the active employees based at the location.
func (tx *Tx) LocationStaff(ctx context.Context, locationID int64) ([]int64, error) {
	return queryAll(ctx, tx, scanValue[int64], `SELECT id FROM employees WHERE location_id = ? AND active ORDER BY id`, locationID)
}

// EmployeeBrief is an employee's id, name, role and whether they are active.
func (tx *Tx) EmployeeBrief(ctx context.Context, id int64) (name string, role fresco.Role, active bool, err error) {
	var r string
	err = tx.QueryRow(ctx, `SELECT name, role, active FROM employees WHERE id = ?`, id).Scan(&name, &r, &active)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, fresco.Errorf(fresco.ENOTFOUND, "employee %d not found", id)
	}
	return name, fresco.Role(r), active, err
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
