// Package staff owns the people who work with Fresco: their employee
// records, roles, logins and passwords. Every rule about them, and the audit
// record of every change, lives here and is written in the change's
// transaction; the UI, the API and the command line only translate their
// input into one of these operations and its result back.
package staff

import (
	"context"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Actor is who makes a change.
type Actor struct {
	Ref        string      // the audit log's name for them: "employee:12", "token:3", "cli"
	Role       fresco.Role // what they may do
	EmployeeID *int64      // their own employee record, when they have one
}

// CLI is whoever runs fresco on the server's command line: they hold the
// database, so they may do anything.
var CLI = Actor{Ref: "cli", Role: fresco.RoleOwner}

func (a Actor) is(employeeID int64) bool { return a.EmployeeID != nil && *a.EmployeeID == employeeID }

// Service changes employees.
type Service struct {
	db *store.DB
}

// New returns the service over db.
func New(db *store.DB) *Service { return &Service{db: db} }

// auditEntity is the audit log's entity for every record this package writes.
const auditEntity = "employee"

func audit(ctx context.Context, tx *store.Tx, actor Actor, action string, id int64, detail any) error {
	return tx.Audit(ctx, actor.Ref, action, auditEntity, strconv.FormatInt(id, 10), detail)
}

// checkOwnerChange refuses an actor who may not manage users (logins,
// owners) and would create an owner, change one or make someone an owner.
func checkOwnerChange(actor Actor, before, after fresco.Role) error {
	if (before == fresco.RoleOwner || after == fresco.RoleOwner) && !actor.Role.CanManageUsers() {
		return fresco.Errorf(fresco.EFORBIDDEN, "only an owner may create or change an owner")
	}
	return nil
}

// ValidateNew reports what is wrong with a new employee and the password
// chosen for them ("" when they get none yet, or a generated one), so that a
// form can show it next to its own errors.
func ValidateNew(e *fresco.Employee, password string) error {
	var v fresco.Validation
	v.Merge("", e.Validate())
	if password != "" {
		v.Merge("", auth.CheckPassword(password))
	}
	return v.Err()
}

// Create stores a new employee and, when password is not "", gives them a
// login with it.
func (s *Service) Create(ctx context.Context, actor Actor, e *fresco.Employee, password string) error {
	if err := checkOwnerChange(actor, e.Role, e.Role); err != nil {
		return err
	}
	if err := ValidateNew(e, password); err != nil {
		return err
	}
	hash, err := hashUnlessEmpty(password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return create(ctx, tx, actor, e, hash) })
}

// hashUnlessEmpty hashes a password before its transaction begins: argon2
// takes a while, and the database writer should not wait for it.
func hashUnlessEmpty(password string) (string, error) {
	if password == "" {
		return "", nil
	}
	return auth.HashPassword(password)
}

func create(ctx context.Context, tx *store.Tx, actor Actor, e *fresco.Employee, hash string) error {
	if err := tx.CreateEmployee(ctx, e); err != nil {
		return err
	}
	if hash != "" {
		if err := tx.SetPasswordHash(ctx, e.ID, hash); err != nil {
			return err
		}
	}
	return audit(ctx, tx, actor, "create", e.ID, map[string]any{"email": e.Email, "role": e.Role})
}

// Update changes employee id with change. expected, when not nil, turns the
// stored version into the one the caller read (an If-Match), or refuses. A
// change that deactivates the employee, or changes their role or e-mail
// address, ends their sessions: those carry the old rights.
func (s *Service) Update(ctx context.Context, actor Actor, id int64, expected func(current int64) (int64, error),
	change func(*fresco.Employee)) (*fresco.Employee, error) {
	var e *fresco.Employee
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		e, err = update(ctx, tx, actor, id, expected, change)
		return err
	})
	return e, err
}

func update(ctx context.Context, tx *store.Tx, actor Actor, id int64, expected func(current int64) (int64, error),
	change func(*fresco.Employee)) (*fresco.Employee, error) {
	e, err := tx.Employee(ctx, id)
	if err != nil {
		return nil, err
	}
	version := store.AnyVersion
	if expected != nil {
		if version, err = expected(e.Version); err != nil {
			return nil, err
		}
	}
	before := *e
	change(e)
	if err := checkOwnerChange(actor, before.Role, e.Role); err != nil {
		return nil, err
	}
	if err := tx.UpdateEmployeeIfVersion(ctx, e, version); err != nil {
		return nil, err
	}
	if before.Active && !e.Active || before.Role != e.Role || before.Email != e.Email {
		if err := tx.DeleteEmployeeSessions(ctx, e.ID); err != nil {
			return nil, err
		}
	}
	return e, audit(ctx, tx, actor, "update", e.ID, map[string]any{"role": e.Role, "active": e.Active})
}

// SetActive lets an employee sign in again, or stops them (ending their
// sessions; their history stays). Nobody changes their own: an owner would
// lock themselves out.
func (s *Service) SetActive(ctx context.Context, actor Actor, id int64, active bool) (*fresco.Employee, error) {
	if actor.is(id) {
		return nil, fresco.Errorf(fresco.EINVALID, "You can't deactivate yourself. Ask another owner to do it.")
	}
	return s.Update(ctx, actor, id, nil, func(e *fresco.Employee) { e.Active = active })
}

// SetPassword gives employee id a login with password, or a new one, and
// ends their sessions.
func (s *Service) SetPassword(ctx context.Context, actor Actor, id int64, password string) error {
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error { return setPassword(ctx, tx, actor, id, hash) })
}

func setPassword(ctx context.Context, tx *store.Tx, actor Actor, id int64, hash string) error {
	if err := tx.SetPasswordHash(ctx, id, hash); err != nil {
		return err
	}
	if err := tx.DeleteEmployeeSessions(ctx, id); err != nil {
		return err
	}
	return audit(ctx, tx, actor, "set_password", id, nil)
}

// ResetPassword gives employee id a generated password, returned to be shown
// once, and ends their sessions. Nobody resets their own this way: they would
// be signed out before they had noted it.
func (s *Service) ResetPassword(ctx context.Context, actor Actor, id int64) (*fresco.Employee, string, error) {
	if actor.is(id) {
		return nil, "", fresco.Errorf(fresco.EINVALID,
			"You can't reset your own password here. Ask another owner, or use the command line.")
	}
	password := GeneratePassword()
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, "", err
	}
	var e *fresco.Employee
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if e, err = tx.Employee(ctx, id); err != nil {
			return err
		}
		return setPassword(ctx, tx, actor, id, hash)
	})
	return e, password, err
}

// Login is a login to provision from the command line.
type Login struct {
	Email    string
	Name     string // "" keeps an existing employee's name; a new one is named after their address
	Role     fresco.Role
	Password string
}

// Provision gives in.Email a login: it creates the employee when nobody has
// that address, otherwise it gives the one who has it in.Role (and in.Name)
// and a new password, ending their sessions. It reports whether it created
// the employee.
func (s *Service) Provision(ctx context.Context, actor Actor, in Login) (*fresco.Employee, bool, error) {
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return nil, false, err
	}
	var e *fresco.Employee
	created := false
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		e, err = tx.EmployeeByEmail(ctx, in.Email)
		switch {
		case fresco.ErrorCode(err) == fresco.ENOTFOUND:
			e, created = newLogin(in), true
			if err := checkOwnerChange(actor, e.Role, e.Role); err != nil {
				return err
			}
			return create(ctx, tx, actor, e, hash)
		case err != nil:
			return err
		}
		if e.Role != in.Role || in.Name != "" && e.Name != in.Name {
			if e, err = update(ctx, tx, actor, e.ID, nil, in.applyTo); err != nil {
				return err
			}
		}
		return setPassword(ctx, tx, actor, e.ID, hash)
	})
	return e, created, err
}

func newLogin(in Login) *fresco.Employee {
	e := &fresco.Employee{Email: in.Email, Name: in.Name, Role: in.Role, Active: true}
	if e.Name == "" {
		e.Name, _, _ = strings.Cut(in.Email, "@")
	}
	return e
}

func (in Login) applyTo(e *fresco.Employee) {
	e.Role = in.Role
	if in.Name != "" {
		e.Name = in.Name
	}
}
