package store_test

import (
	"context"
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
		c := &fresco.Case{CustomerID: cu.ID, Source: "staff", Summary: "s", Status: fresco.CaseOpen, State: "open",
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
			if err := tx.UpdateCase(ctx, nil, c); err != nil {
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
		got.Status = fresco.CaseClosed
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateCase(ctx, nil, got) }); err != nil {
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

// UpdateCase writes only the fields in which the case differs from before:
// the others keep what the row holds (even when the struct disagrees), an
// unchanged reference is not checked again, a changed one is, and Fresco's
// own process marks move only when a field they count changed.
func TestUpdateCaseWritesTheChangedFields(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cu := &fresco.Customer{Name: "Edited"}
		owner := &fresco.Employee{Email: "o@example.com", Name: "Owner", Role: fresco.RoleAgent, Active: true}
		for _, err := range []error{db.CreateCustomer(ctx, cu), db.CreateEmployee(ctx, owner)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		c := &fresco.Case{CustomerID: cu.ID, Source: "staff", Summary: "cold soup", Status: fresco.CaseOpen, State: "open",
			OwnerID: owner.ID, OpenedAt: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), SLAStatus: "running"}
		update := func(before, after *fresco.Case) error {
			return db.InTx(ctx, func(tx *store.Tx) error { return tx.UpdateCase(ctx, before, after) })
		}
		marks := func() store.ProcessMarks {
			m, err := db.ProcessMarks(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		before := *c
		start := marks()
		if err := update(&before, c); err != nil {
			t.Fatal(err)
		}
		if m := marks(); m != start {
			t.Errorf("an update that changed nothing moved the marks %+v → %+v", start, m)
		}
		// The struct's summary disagrees with the row, but before says it
		// did not change: only the status is written.
		stale, after := *c, *c
		stale.Summary, after.Summary, after.Status = "stale", "stale", fresco.CaseResolved
		if err := update(&stale, &after); err != nil {
			t.Fatal(err)
		}
		got, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Summary != "cold soup" || got.Status != fresco.CaseResolved {
			t.Fatalf("after a status change: summary %q, status %q; want the summary kept", got.Summary, got.Status)
		}
		if m := marks(); m.Log == start.Log {
			t.Error("a status change did not move the log mark")
		}
		gone := int64(999999)
		moved := *got
		moved.ProductID = &gone
		err = update(got, &moved)
		if fields := fresco.ErrorFields(err); len(fields) != 1 || fields[0].Field != "product_id" {
			t.Fatalf("a changed reference to no product: %v, want an error on product_id alone", err)
		}
	})
}
