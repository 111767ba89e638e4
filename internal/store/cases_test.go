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

// The recovery rules are tested in internal/recovery; these tests pin the
// storage contracts other packages rely on.
func TestCaseStorage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cu := &fresco.Customer{Name: "Flagged"}
		other := &fresco.Customer{Name: "Calm"}
		owner := &fresco.Employee{Email: "o@example.com", Name: "Owner", Role: fresco.RoleAgent, Active: true}
		for _, err := range []error{db.CreateCustomer(ctx, cu), db.CreateCustomer(ctx, other), db.CreateEmployee(ctx, owner)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		opened := time.Date(2026, 2, 3, 4, 5, 6, 789000, time.UTC)
		deadline := opened.Add(4 * time.Hour)
		c := &store.Case{CustomerID: cu.ID, Source: "staff", Summary: "s", Status: store.CaseOpen, State: "open",
			OwnerID: owner.ID, OpenedAt: opened, SLAStatus: "running", Details: []byte(`{"where":"lobby"}`)}
		bad := *c
		bad.CustomerID, bad.OwnerID = 999999, 999998
		err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertCase(ctx, &bad) })
		if fields := fresco.ErrorFields(err); len(fields) != 2 {
			t.Fatalf("dangling references: %v, want customer_id and owner_id", err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCase(ctx, c); err != nil {
				return err
			}
			c.SLADeadline = &deadline
			if err := tx.UpdateCase(ctx, c); err != nil {
				return err
			}
			_, err := tx.AppendCaseEvent(ctx, c.ID, opened, "employee:1", "opened", map[string]string{"summary": "s"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		got, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.OpenedAt.Equal(opened) || got.SLADeadline == nil || !got.SLADeadline.Equal(deadline) || string(got.Details) != `{"where":"lobby"}` {
			t.Fatalf("round trip = %+v", got)
		}
		flags, err := db.CustomersNeedingAttention(ctx, []int64{cu.ID, other.ID})
		if err != nil || !flags[cu.ID] || flags[other.ID] {
			t.Fatalf("flags = %v, %v", flags, err)
		}
		soon := opened.Add(5 * time.Hour)
		list, _, err := db.ListCases(ctx, store.CaseFilter{DeadlineBefore: &soon, WatcherID: &owner.ID})
		if err != nil || len(list) != 1 {
			t.Fatalf("breaching soon = %v, %v", list, err)
		}
		early := opened.Add(time.Hour)
		if list, _, _ := db.ListCases(ctx, store.CaseFilter{DeadlineBefore: &early}); len(list) != 0 {
			t.Fatalf("breaching before the deadline is due = %d cases", len(list))
		}
		got.Status = store.CaseClosed
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateCase(ctx, got) }); err != nil {
			t.Fatal(err)
		}
		if need, _ := db.CustomerNeedsAttention(ctx, cu.ID); need {
			t.Fatal("a closed case still flags the customer")
		}
		limits, err := db.AuthorityLimits(ctx)
		if err != nil || len(limits) != 4 {
			t.Fatalf("default limits = %+v, %v", limits, err)
		}
		for _, l := range limits {
			if l.Scope == "role:owner" && l.Amount != nil || l.Scope == "role:agent" && (l.Amount == nil || *l.Amount != 5000) {
				t.Errorf("default limit %+v", l)
			}
		}
		timeline, err := db.CaseTimeline(ctx, c.ID)
		if err != nil || len(timeline) != 1 || !timeline[0].At.Equal(opened) {
			t.Fatalf("timeline = %+v, %v", timeline, err)
		}
	})
}

// TestLiveCaseIDsUnderPolicy pins which cases a policy change re-evaluates:
// live cases only, a location's own, or for the default policy those of
// locations without one of their own; in id order, a batch at a time.
func TestLiveCaseIDsUnderPolicy(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cu := &fresco.Customer{Name: "Guest"}
		owner := &fresco.Employee{Email: "o@example.com", Name: "Owner", Role: fresco.RoleAgent, Active: true}
		own := &fresco.Location{Name: "Own policy", Timezone: "UTC"}
		plain := &fresco.Location{Name: "Default policy", Timezone: "UTC"}
		for _, err := range []error{db.CreateCustomer(ctx, cu), db.CreateEmployee(ctx, owner),
			db.CreateLocation(ctx, own), db.CreateLocation(ctx, plain)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		ids := map[string]int64{}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, c := range []struct {
				name, status string
				location     *int64
			}{
				{"own open", store.CaseOpen, &own.ID}, {"own resolved", store.CaseResolved, &own.ID},
				{"own closed", store.CaseClosed, &own.ID}, {"plain open", store.CaseOpen, &plain.ID},
				{"nowhere open", store.CaseOpen, nil}, {"plain merged", store.CaseMerged, &plain.ID},
			} {
				row := &store.Case{CustomerID: cu.ID, LocationID: c.location, Source: "staff", Summary: c.name,
					Status: c.status, State: "open", OwnerID: owner.ID, OpenedAt: time.Now(), SLAStatus: "none"}
				if err := tx.InsertCase(ctx, row); err != nil {
					return err
				}
				ids[c.name] = row.ID
			}
			return tx.SetSLAPolicy(ctx, &store.SLAPolicyRow{LocationID: own.ID, Policy: []byte(`{}`)})
		})
		if err != nil {
			t.Fatal(err)
		}
		list := func(location, after int64, limit int) []int64 {
			t.Helper()
			var got []int64
			err := db.InTx(ctx, func(tx *store.Tx) (err error) {
				got, err = tx.LiveCaseIDsUnderPolicy(ctx, location, after, limit)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		if got, want := list(own.ID, 0, 10), []int64{ids["own open"], ids["own resolved"]}; !slices.Equal(got, want) {
			t.Errorf("the location's policy governs %v, want its live cases %v", got, want)
		}
		if got, want := list(0, 0, 10), []int64{ids["plain open"], ids["nowhere open"]}; !slices.Equal(got, want) {
			t.Errorf("the default policy governs %v, want the live cases of locations without their own %v", got, want)
		}
		if got, want := list(own.ID, 0, 1), []int64{ids["own open"]}; !slices.Equal(got, want) {
			t.Errorf("first batch of one = %v, want %v", got, want)
		}
		if got, want := list(own.ID, ids["own open"], 1), []int64{ids["own resolved"]}; !slices.Equal(got, want) {
			t.Errorf("batch after %d = %v, want %v", ids["own open"], got, want)
		}
	})
}
