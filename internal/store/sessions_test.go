package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestSessions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := &fresco.Employee{Email: "ann@example.com", Name: "Ann", Role: fresco.RoleOwner, Active: true}
		ben := &fresco.Employee{Email: "ben@example.com", Name: "Ben", Role: fresco.RoleAgent, Active: true}
		for _, e := range []*fresco.Employee{ann, ben} {
			if err := db.CreateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		now := time.Now()
		later := now.Add(time.Hour)
		for hash, owner := range map[string]int64{"s-ann-1": ann.ID, "s-ann-2": ann.ID, "s-ben": ben.ID} {
			if err := db.CreateSession(ctx, hash, owner, later); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateSession(ctx, "s-old", ann.ID, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		wantConflict(t, db.CreateSession(ctx, "s-ben", ben.ID, later), "token")
		wantFieldError(t, db.CreateSession(ctx, "s-ghost", 999, later), fresco.EINVALID, "employee_id")

		e, err := db.SessionEmployee(ctx, "s-ann-1")
		if err != nil || e.ID != ann.ID || e.Email != "ann@example.com" {
			t.Fatalf("session: %+v %v", e, err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.SessionEmployee(ctx, "s-old")))
		wantCode(t, fresco.ENOTFOUND, errOf(db.SessionEmployee(ctx, "s-nope")))

		// A deactivated employee's sessions stop working at once.
		ben.Active = false
		if err := db.UpdateEmployee(ctx, ben); err != nil {
			t.Fatal(err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.SessionEmployee(ctx, "s-ben")))

		if err := db.DeleteSession(ctx, "s-ann-1"); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteSession(ctx, "s-ann-1"); err != nil {
			t.Fatalf("deleting twice: %v", err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.SessionEmployee(ctx, "s-ann-1")))
		if _, err := db.SessionEmployee(ctx, "s-ann-2"); err != nil {
			t.Fatalf("other session: %v", err)
		}

		n, err := db.DeleteExpiredSessions(ctx, now)
		if err != nil || n != 1 {
			t.Fatalf("expired: %d %v", n, err)
		}
		if err := db.DeleteEmployeeSessions(ctx, ann.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.SessionEmployee(ctx, "s-ann-2")))
		// Only Ben's session is left; it expires after "later".
		if n, err := db.DeleteExpiredSessions(ctx, later.Add(time.Second)); err != nil || n != 1 {
			t.Fatalf("expired later: %d %v", n, err)
		}
	})
}
