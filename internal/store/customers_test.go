package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestCustomerLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := &fresco.Customer{ExternalID: "c1", Name: "Ada", Email: "ada@example.com",
			AcquisitionSource: "friend", Tags: []string{"vip"}, FirstSeen: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
		if err := db.CreateCustomer(ctx, ada); err != nil {
			t.Fatal(err)
		}
		bob := &fresco.Customer{ExternalID: "c2", Name: "Bob", ReferredBy: &ada.ID}
		if err := db.CreateCustomer(ctx, bob); err != nil {
			t.Fatal(err)
		}
		got, err := db.Customer(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "Ada" || got.Email != "ada@example.com" || !got.FirstSeen.Equal(ada.FirstSeen) || len(got.Tags) != 1 {
			t.Fatalf("read back %+v", got)
		}
		dup := &fresco.Customer{ExternalID: "c1", Name: "Other"}
		if err := db.CreateCustomer(ctx, dup); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("duplicate external_id: got %v, want conflict", err)
		}
		// Ada cannot be referred by Bob: Bob is down her chain.
		ada.ReferredBy = &bob.ID
		if err := db.UpdateCustomer(ctx, ada); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("referral cycle: got %v, want invalid", err)
		}
		missing := int64(999)
		orphan := &fresco.Customer{Name: "Orphan", ReferredBy: &missing}
		if err := db.CreateCustomer(ctx, orphan); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("unknown referrer: got %v, want invalid", err)
		}
		if _, err := db.Customer(ctx, 12345); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("missing customer: got %v", err)
		}
		page, next, err := db.ListCustomers(ctx, store.CustomerFilter{Limit: 1})
		if err != nil || len(page) != 1 || next == "" {
			t.Fatalf("page 1: %v %v %q", err, page, next)
		}
		page, next, err = db.ListCustomers(ctx, store.CustomerFilter{Limit: 1, Cursor: next})
		if err != nil || len(page) != 1 || page[0].Name != "Bob" {
			t.Fatalf("page 2: %v %v", err, page)
		}
		found, _, err := db.ListCustomers(ctx, store.CustomerFilter{Search: "ADA@"})
		if err != nil || len(found) != 1 || found[0].ID != ada.ID {
			t.Fatalf("search: %v %v", err, found)
		}
		tagged, _, _ := db.ListCustomers(ctx, store.CustomerFilter{Tag: "vip"})
		referred, _, _ := db.ListCustomers(ctx, store.CustomerFilter{ReferredBy: &ada.ID})
		if len(tagged) != 1 || len(referred) != 1 || referred[0].ID != bob.ID {
			t.Fatalf("filters: tagged %d referred %d", len(tagged), len(referred))
		}
	})
}

// TestCustomerVersion checks optimistic locking: every change moves the
// version, and an update at a version the customer has moved past writes
// nothing.
func TestCustomerVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &fresco.Customer{Name: "Ada", FirstSeen: time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, c.Version, 1)
		c.Name = "Ada L."
		if err := db.UpdateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, c.Version, 2)

		stale, err := db.Customer(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		wantVersion(t, stale.Version, 2)
		c.Email = "ada@example.com"
		if err := db.UpdateCustomerIfVersion(ctx, c, 2); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, c.Version, 3)
		stale.Name = "Lost update"
		wantCode(t, fresco.ESTALE, db.UpdateCustomerIfVersion(ctx, stale, 2))
		if got, _ := db.Customer(ctx, c.ID); got.Name != "Ada L." || got.Email != "ada@example.com" || got.Version != 3 {
			t.Fatalf("after a stale update: %+v", got)
		}
		wantCode(t, fresco.ENOTFOUND, db.UpdateCustomerIfVersion(ctx, &fresco.Customer{ID: 999, Name: "X"}, 1))

		// A purchase before first_seen moves first_seen back: a change like any other.
		p := &fresco.Purchase{CustomerID: &c.ID, PurchasedAt: c.FirstSeen.AddDate(0, -1, 0),
			Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 1, UnitPrice: 100}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Customer(ctx, c.ID); !got.FirstSeen.Equal(p.PurchasedAt) || got.Version != 4 {
			t.Fatalf("after an earlier purchase: first seen %v, version %d", got.FirstSeen, got.Version)
		}
	})
}

// TestCustomerConcurrentUpdates races writers who all read version 1: the
// check and the write are one statement, so exactly one of them wins.
func TestCustomerConcurrentUpdates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := &fresco.Customer{Name: "Ada"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		const writers = 8
		errs := make([]error, writers)
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				mine := *c
				mine.Name = fmt.Sprintf("Writer %d", i)
				errs[i] = db.UpdateCustomerIfVersion(ctx, &mine, 1)
			})
		}
		wg.Wait()
		winner := -1
		for i, err := range errs {
			switch fresco.ErrorCode(err) {
			case "":
				if winner >= 0 {
					t.Fatalf("writers %d and %d both won", winner, i)
				}
				winner = i
			case fresco.ESTALE:
			default:
				t.Fatalf("writer %d: %v", i, err)
			}
		}
		got, err := db.Customer(ctx, c.ID)
		if err != nil || winner < 0 || got.Name != fmt.Sprintf("Writer %d", winner) || got.Version != 2 {
			t.Fatalf("winner %d, stored %+v (%v)", winner, got, err)
		}
	})
}

// wantVersion fails the test unless a record is at the version.
func wantVersion(t *testing.T, got, want int64) {
	t.Helper()
	if got != want {
		t.Fatalf("version = %d, want %d", got, want)
	}
}
