package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestEmployeeLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if n, err := db.CountEmployees(ctx); err != nil || n != 0 {
			t.Fatalf("count before: %d %v", n, err)
		}
		loc := &fresco.Location{Name: "York"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		team := &fresco.Team{Name: "Desk", LocationID: &loc.ID}
		if err := db.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		hired := time.Date(2023, 3, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))
		ann := &fresco.Employee{Email: "Ann@Example.com", Name: "Ann Owner", Role: fresco.RoleOwner,
			LocationID: &loc.ID, TeamID: &team.ID, Active: true, HiredAt: &hired}
		if err := db.CreateEmployee(ctx, ann); err != nil {
			t.Fatal(err)
		}
		if ann.Email != "ann@example.com" {
			t.Fatalf("e-mail not normalised: %q", ann.Email)
		}
		ben := &fresco.Employee{Email: "ben@example.com", Name: "Ben Agent", Role: fresco.RoleAgent, Active: true}
		if err := db.CreateEmployee(ctx, ben); err != nil {
			t.Fatal(err)
		}
		got, err := db.Employee(ctx, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Ann Owner" || got.Role != fresco.RoleOwner || !got.Active || *got.LocationID != loc.ID ||
			*got.TeamID != team.ID || got.HiredAt == nil || !got.HiredAt.Equal(hired) ||
			got.HiredAt.Location() != time.UTC || !got.CreatedAt.Equal(ann.CreatedAt) {
			t.Fatalf("read back %+v", got)
		}
		if got, err := db.EmployeeByEmail(ctx, "ANN@example.COM"); err != nil || got.ID != ann.ID {
			t.Fatalf("by e-mail: %v %v", got, err)
		}
		wantConflict(t, db.CreateEmployee(ctx, &fresco.Employee{Email: "ANN@example.com", Name: "Twin", Role: fresco.RoleAgent}), "email")
		wantFieldError(t, db.CreateEmployee(ctx, &fresco.Employee{Email: "x@example.com", Name: "X", Role: "boss"}), fresco.EINVALID, "role")

		missing := int64(999)
		wantFieldError(t, db.CreateEmployee(ctx, &fresco.Employee{Email: "l@example.com", Name: "L", Role: fresco.RoleAgent,
			LocationID: &missing}), fresco.EINVALID, "location_id")
		wantFieldError(t, db.CreateEmployee(ctx, &fresco.Employee{Email: "t@example.com", Name: "T", Role: fresco.RoleAgent,
			TeamID: &missing}), fresco.EINVALID, "team_id")
		ben.TeamID = &missing
		wantFieldError(t, db.UpdateEmployee(ctx, ben), fresco.EINVALID, "team_id")

		ben.TeamID, ben.Role, ben.Active = &team.ID, fresco.RoleManager, false
		if err := db.UpdateEmployee(ctx, ben); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Employee(ctx, ben.ID); got.Role != fresco.RoleManager || got.Active || *got.TeamID != team.ID {
			t.Fatalf("update: %+v", got)
		}
		ben.Email = "ann@example.com"
		wantConflict(t, db.UpdateEmployee(ctx, ben), "email")
		ben.Email = "ben@example.com"
		wantCode(t, fresco.ENOTFOUND, errOf(db.Employee(ctx, 999)))
		wantCode(t, fresco.ENOTFOUND, errOf(db.EmployeeByEmail(ctx, "nobody@example.com")))
		wantCode(t, fresco.ENOTFOUND, db.UpdateEmployee(ctx, &fresco.Employee{ID: 999, Email: "z@example.com", Name: "Z", Role: fresco.RoleAgent}))

		// Passwords.
		e, hash, err := db.PasswordHash(ctx, "ann@example.com")
		if err != nil || e.ID != ann.ID || hash != "" {
			t.Fatalf("no password yet: %v %q %v", e, hash, err)
		}
		if err := db.SetPasswordHash(ctx, ann.ID, "$argon2id$x"); err != nil {
			t.Fatal(err)
		}
		if e, hash, err := db.PasswordHash(ctx, "Ann@example.com"); err != nil || e.ID != ann.ID || hash != "$argon2id$x" {
			t.Fatalf("password: %v %q %v", e, hash, err)
		}
		wantCode(t, fresco.ENOTFOUND, db.SetPasswordHash(ctx, 999, "h"))
		if _, _, err := db.PasswordHash(ctx, "nobody@example.com"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("password of nobody: %v", err)
		}
		// Updating the employee keeps the password.
		if err := db.UpdateEmployee(ctx, ann); err != nil {
			t.Fatal(err)
		}
		if _, hash, _ := db.PasswordHash(ctx, "ann@example.com"); hash != "$argon2id$x" {
			t.Fatalf("update lost the password hash: %q", hash)
		}

		if n, err := db.CountEmployees(ctx); err != nil || n != 2 {
			t.Fatalf("count: %d %v", n, err)
		}

		// Inside a caller's transaction, with an audit record.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			cy := &fresco.Employee{Email: "cy@example.com", Name: "Cy Analyst", Role: fresco.RoleAnalyst, Active: true}
			if err := tx.CreateEmployee(ctx, cy); err != nil {
				return err
			}
			return tx.Audit(ctx, "test", "create", "employee", "cy", nil)
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}

func TestListEmployees(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc := &fresco.Location{Name: "Bath"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		team := &fresco.Team{Name: "Spa"}
		if err := db.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		people := []*fresco.Employee{
			{Email: "ann@example.com", Name: "Ann", Role: fresco.RoleOwner, Active: true},
			{Email: "ben@example.com", Name: "Ben", Role: fresco.RoleAgent, Active: true, LocationID: &loc.ID},
			{Email: "cat@example.com", Name: "Cat", Role: fresco.RoleAgent, Active: false, LocationID: &loc.ID, TeamID: &team.ID},
		}
		for _, e := range people {
			if err := db.CreateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		ids := func(list []*fresco.Employee) (out []int64) {
			for _, e := range list {
				out = append(out, e.ID)
			}
			return out
		}
		page, next, err := db.ListEmployees(ctx, store.EmployeeFilter{Limit: 2})
		if err != nil || len(page) != 2 || next == "" {
			t.Fatalf("page 1: %v %v %q", err, page, next)
		}
		page, next, err = db.ListEmployees(ctx, store.EmployeeFilter{Limit: 2, Cursor: next})
		if err != nil || len(page) != 1 || page[0].ID != people[2].ID || next != "" {
			t.Fatalf("page 2: %v %v %q", err, page, next)
		}
		yes, no := true, false
		cases := []struct {
			name string
			f    store.EmployeeFilter
			want []int64
		}{
			{"search name", store.EmployeeFilter{Search: "BEN"}, []int64{people[1].ID}},
			{"search e-mail", store.EmployeeFilter{Search: "cat@"}, []int64{people[2].ID}},
			{"role", store.EmployeeFilter{Role: fresco.RoleAgent}, []int64{people[1].ID, people[2].ID}},
			{"location", store.EmployeeFilter{LocationID: &loc.ID}, []int64{people[1].ID, people[2].ID}},
			{"team", store.EmployeeFilter{TeamID: &team.ID}, []int64{people[2].ID}},
			{"active", store.EmployeeFilter{Active: &yes}, []int64{people[0].ID, people[1].ID}},
			{"inactive agents", store.EmployeeFilter{Active: &no, Role: fresco.RoleAgent}, []int64{people[2].ID}},
		}
		for _, c := range cases {
			list, _, err := db.ListEmployees(ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if got := ids(list); !slices.Equal(got, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, got, c.want)
			}
		}
	})
}

// TestEmployeeVersion checks that every change moves an employee's version,
// a new password included (it moves updated_at), and that a stale update
// writes nothing.
func TestEmployeeVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := &fresco.Employee{Email: "ann@example.com", Name: "Ann", Role: fresco.RoleAgent, Active: true}
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, e.Version, 1)
		if err := db.SetPasswordHash(ctx, e.ID, "hash"); err != nil {
			t.Fatal(err)
		}
		e.Name = "Ann A."
		wantCode(t, fresco.ESTALE, db.UpdateEmployeeIfVersion(ctx, e, 1))
		if err := db.UpdateEmployeeIfVersion(ctx, e, 2); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, e.Version, 3)
		if got, _ := db.Employee(ctx, e.ID); got.Name != "Ann A." || got.Version != 3 {
			t.Fatalf("stored %+v", got)
		}
	})
}
