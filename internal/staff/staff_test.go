package staff_test

import (
	"context"
	"regexp"
	"testing"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func actorOf(e *fresco.Employee) staff.Actor {
	return staff.Actor{Ref: "employee:test", Role: e.Role, EmployeeID: &e.ID}
}

// person stores an active employee through the service.
func person(t *testing.T, svc *staff.Service, email string, role fresco.Role) *fresco.Employee {
	t.Helper()
	e := &fresco.Employee{Email: email, Name: "Test " + email, Role: role, Active: true}
	if err := svc.Create(context.Background(), staff.CLI, e, ""); err != nil {
		t.Fatal(err)
	}
	return e
}

// eachService runs fn with a service over a fresh database of every engine.
func eachService(t *testing.T, fn func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service)) {
	storetest.Each(t, func(t *testing.T, db *store.DB) { fn(t, context.Background(), db, staff.New(db)) })
}

// An owner cannot lock themselves out: neither deactivate themselves nor
// take a generated password they would be signed out before noting.
func TestNobodyLocksThemselvesOut(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service) {
		owner := person(t, svc, "o@example.com", fresco.RoleOwner)
		if _, err := svc.SetActive(ctx, actorOf(owner), owner.ID, false); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("deactivate self: %v, want EINVALID", err)
		}
		if _, _, err := svc.ResetPassword(ctx, actorOf(owner), owner.ID); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("reset own password: %v, want EINVALID", err)
		}
		if got, _ := db.Employee(ctx, owner.ID); !got.Active {
			t.Error("the owner was deactivated")
		}
	})
}

// Only an actor who manages users creates, changes or makes an owner.
func TestOwnerChangeNeedsAnOwner(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service) {
		manager := person(t, svc, "m@example.com", fresco.RoleManager)
		owner := person(t, svc, "o@example.com", fresco.RoleOwner)
		agent := person(t, svc, "a@example.com", fresco.RoleAgent)
		by := actorOf(manager)
		for name, err := range map[string]error{
			"create an owner": svc.Create(ctx, by, &fresco.Employee{Email: "x@example.com", Name: "X", Role: fresco.RoleOwner, Active: true}, ""),
			"change an owner": second(svc.Update(ctx, by, owner.ID, nil, func(e *fresco.Employee) { e.Name = "Renamed" })),
			"make an owner":   second(svc.Update(ctx, by, agent.ID, nil, func(e *fresco.Employee) { e.Role = fresco.RoleOwner })),
		} {
			if fresco.ErrorCode(err) != fresco.EFORBIDDEN {
				t.Errorf("a manager may %s: %v", name, err)
			}
		}
		if _, err := svc.Update(ctx, by, agent.ID, nil, func(e *fresco.Employee) { e.Role = fresco.RoleAnalyst }); err != nil {
			t.Errorf("a manager changing an agent: %v", err)
		}
	})
}

func second[T any](_ T, err error) error { return err }

// A stale version writes nothing and no audit record.
func TestUpdateAtAStaleVersion(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service) {
		e := person(t, svc, "a@example.com", fresco.RoleAgent)
		stale := func(int64) (int64, error) { return 0, fresco.Errorf(fresco.ESTALE, "changed") }
		if _, err := svc.Update(ctx, staff.CLI, e.ID, stale, func(e *fresco.Employee) { e.Name = "B" }); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Fatalf("update: %v, want ESTALE", err)
		}
		if got, _ := db.Employee(ctx, e.ID); got.Name != e.Name || got.Version != e.Version {
			t.Errorf("written anyway: %+v", got)
		}
		if entries, _ := db.ListAudit(ctx, "employee", "", 10); len(entries) != 1 {
			t.Errorf("audit %v, want the create only", entries)
		}
	})
}

// A generated password works for signing in and is read out easily.
func TestResetPasswordGivesAWorkingPassword(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service) {
		e := person(t, svc, "a@example.com", fresco.RoleAgent)
		got, password, err := svc.ResetPassword(ctx, staff.CLI, e.ID)
		if err != nil || got.ID != e.ID {
			t.Fatal(got, err)
		}
		if !regexp.MustCompile(`^([a-km-zA-HJ-NP-Z2-9]{4}-){3}[a-km-zA-HJ-NP-Z2-9]{4}$`).MatchString(password) {
			t.Errorf("password %q", password)
		}
		a := auth.New(auth.Options{DB: db})
		if _, _, err := a.Login(ctx, "a@example.com", password, "192.0.2.1"); err != nil {
			t.Errorf("login with the generated password: %v", err)
		}
	})
}

// A login provisioned for an unknown address is a new, active employee
// named after the address.
func TestProvisionNamesANewEmployee(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, _ *store.DB, svc *staff.Service) {
		e, created, err := svc.Provision(ctx, staff.CLI,
			staff.Login{Email: "Grace.Hopper@Example.com", Role: fresco.RoleAnalyst, Password: "a long enough password"})
		if err != nil || !created || e.Name != "Grace.Hopper" || e.Email != "grace.hopper@example.com" || !e.Active {
			t.Fatalf("provision: %+v %v %v", e, created, err)
		}
	})
}
