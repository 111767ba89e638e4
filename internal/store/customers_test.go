package store_test

import (
	"context"
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
