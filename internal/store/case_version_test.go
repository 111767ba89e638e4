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

// TestCaseVersion: a case's version is the id of the last event of its own
// timeline — another case's events do not move it — and CaseEventsSince
// reads the events after a version, up to a bound.
func TestCaseVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cu := &fresco.Customer{Name: "Ada"}
		owner := &fresco.Employee{Email: "o@example.com", Name: "Owner", Role: fresco.RoleAgent, Active: true}
		for _, err := range []error{db.CreateCustomer(ctx, cu), db.CreateEmployee(ctx, owner)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		newCase := func() *fresco.Case {
			return &fresco.Case{CustomerID: cu.ID, Source: "staff", Summary: "s", Status: fresco.CaseOpen, State: "open",
				OwnerID: owner.ID, OpenedAt: time.Now(), SLAStatus: "none", Details: []byte(`{}`)}
		}
		c, other := newCase(), newCase()
		var events []*fresco.CaseEvent
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, x := range []*fresco.Case{c, other} {
				if err := tx.InsertCase(ctx, x); err != nil {
					return err
				}
			}
			for i, kind := range []string{"opened", "note", "resolved"} {
				e, err := tx.AppendCaseEvent(ctx, c.ID, time.Now(), "system", kind, nil)
				if err != nil {
					return err
				}
				events = append(events, e)
				if i == 1 { // another case's event in between
					if _, err := tx.AppendCaseEvent(ctx, other.ID, time.Now(), "system", "opened", nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		v, err := db.CaseVersion(ctx, c.ID)
		if err != nil || v != events[2].ID {
			t.Fatalf("version = %d, %v; want the last event's id %d", v, err, events[2].ID)
		}
		if v, err := db.CaseVersion(ctx, 1<<40); err != nil || v != 0 {
			t.Errorf("a case without events: version %d, %v", v, err)
		}
		for _, tc := range []struct {
			after, upTo int64
			want        []string
		}{
			{events[0].ID, 0, []string{"note", "resolved"}},
			{events[0].ID, events[1].ID, []string{"note"}},
			{events[2].ID, 0, nil},
			{0, 0, []string{"opened", "note", "resolved"}},
		} {
			got, err := db.CaseEventsSince(ctx, c.ID, tc.after, tc.upTo)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, e := range got {
				kinds = append(kinds, e.Kind)
			}
			if !slices.Equal(kinds, tc.want) {
				t.Errorf("events after %d up to %d = %v, want %v", tc.after, tc.upTo, kinds, tc.want)
			}
		}
	})
}
