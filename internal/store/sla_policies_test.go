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
				{"own open", fresco.CaseOpen, &own.ID}, {"own resolved", fresco.CaseResolved, &own.ID},
				{"own closed", fresco.CaseClosed, &own.ID}, {"plain open", fresco.CaseOpen, &plain.ID},
				{"nowhere open", fresco.CaseOpen, nil}, {"plain merged", fresco.CaseMerged, &plain.ID},
			} {
				row := &fresco.Case{CustomerID: cu.ID, LocationID: c.location, Source: "staff", Summary: c.name,
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
