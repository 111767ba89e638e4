package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The profile's timeline counts a purchase's items in words: "1 item",
// and a refund is a return, not "Bought -1 items".
func TestCustomerTimelineCountsItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		dee := &fresco.Customer{Name: "Dee Dee"}
		if err := db.CreateCustomer(ctx, dee); err != nil {
			t.Fatal(err)
		}
		for _, l := range []fresco.PurchaseLine{
			{SKU: "TEA", Description: "Tea", Quantity: 1, UnitPrice: money(t, "3.60")},
			{SKU: "CAKE", Description: "Cake", Quantity: 2, UnitPrice: money(t, "4.00")},
			{SKU: "CAKE", Description: "Cake returned", Quantity: -2, UnitPrice: money(t, "4.00")},
		} {
			p := &fresco.Purchase{CustomerID: &dee.ID, PurchasedAt: time.Now().Add(-time.Hour), Lines: []fresco.PurchaseLine{l}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		body := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/customers/%d", dee.ID), nil).body
		for _, want := range []string{"Bought 1 item for $3.60", "Bought 2 items for $8.00", "Returned 2 items for −$8.00"} {
			if !strings.Contains(body, want) {
				t.Errorf("the timeline lacks %q", want)
			}
		}
		if strings.Contains(body, "1 items") {
			t.Error(`the timeline says "1 items"`)
		}
	})
}
