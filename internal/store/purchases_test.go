package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func line(sku string, qty int64, price string) fresco.PurchaseLine {
	m, err := fresco.ParseMoney(price)
	if err != nil {
		panic(err)
	}
	return fresco.PurchaseLine{SKU: sku, Quantity: qty, UnitPrice: m}
}

func TestSavePurchasesMixedBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ada := &fresco.Customer{ExternalID: "c1", Name: "Ada", FirstSeen: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
		if err := db.CreateCustomer(ctx, ada); err != nil {
			t.Fatal(err)
		}
		missing := int64(4242)
		at := time.Date(2024, 3, 10, 14, 30, 0, 0, time.UTC)
		batch := []*fresco.Purchase{
			{ExternalID: "p1", CustomerID: &ada.ID, PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 2, "12.50"), line("Y", 1, "3.99")}},
			{ExternalID: "p2", CustomerID: &missing, PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 1, "12.50")}},
			{ExternalID: "p3", PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 1, "-1.00")}},
			{ExternalID: "p4", PurchasedAt: at.Add(time.Hour), Lines: []fresco.PurchaseLine{line("Z", 3, "1.00")}}, // anonymous
			{ExternalID: "p1", PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 1, "1.00")}},                // duplicate in batch
			{ExternalID: "p5", CustomerID: &ada.ID, PurchasedAt: at.AddDate(0, 1, 0), Lines: []fresco.PurchaseLine{line("X", -1, "12.50")}},
		}
		results, err := db.SavePurchases(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"created", "rejected", "rejected", "created", "rejected", "created"}
		wantField := map[int]string{1: "customer_id", 2: "lines[0].unit_price", 4: "external_id"}
		for i, r := range results {
			if r.Status != want[i] {
				t.Errorf("item %d: status %s (%v), want %s", i, r.Status, r.Err, want[i])
			}
			if f, ok := wantField[i]; ok {
				fields := fresco.ErrorFields(r.Err)
				if len(fields) == 0 || fields[0].Field != f {
					t.Errorf("item %d: fields %v, want %s", i, fields, f)
				}
			}
		}
		p1, err := db.Purchase(ctx, results[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(p1.Lines) != 2 || p1.Total() != 2899 || p1.Lines[0].SKU != "X" || !p1.PurchasedAt.Equal(at) {
			t.Fatalf("p1 read back: %+v", p1)
		}
		if _, err := db.PurchaseByExternalID(ctx, "p2"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("rejected purchase was stored: %v", err)
		}
		sum, err := db.CustomerSummary(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Purchases != 1 || sum.Refunds != 1 || sum.Revenue != 2899-1250 || sum.FirstPurchase == nil || !sum.FirstPurchase.Equal(at) {
			t.Fatalf("summary %+v", sum)
		}
		// first_seen moved back to the first purchase
		got, _ := db.Customer(ctx, ada.ID)
		if !got.FirstSeen.Equal(at) {
			t.Fatalf("first_seen %v, want %v", got.FirstSeen, at)
		}
		// Re-sending p1 with other lines replaces it.
		again, err := db.SavePurchases(ctx, []*fresco.Purchase{{ExternalID: "p1", CustomerID: &ada.ID, PurchasedAt: at, Lines: []fresco.PurchaseLine{line("Y", 5, "1.00")}}})
		if err != nil || again[0].Status != "updated" || again[0].ID != results[0].ID {
			t.Fatalf("resend: %+v %v", again, err)
		}
		p1, _ = db.Purchase(ctx, results[0].ID)
		if len(p1.Lines) != 1 || p1.Total() != 500 {
			t.Fatalf("after replace: %+v", p1.Lines)
		}
		// A new SKU was added to the catalogue.
		if _, err := db.ProductBySKU(ctx, "Z"); err != nil {
			t.Fatalf("product Z: %v", err)
		}
		list, _, err := db.ListPurchases(ctx, store.PurchaseFilter{CustomerID: &ada.ID})
		if err != nil || len(list) != 2 {
			t.Fatalf("list by customer: %d %v", len(list), err)
		}
		if err := db.CreatePurchase(ctx, &fresco.Purchase{ExternalID: "p4", PurchasedAt: at, Lines: []fresco.PurchaseLine{line("Z", 1, "1")}}); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("create with taken external_id: %v", err)
		}
	})
}

func TestSavePurchasesLargeBatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		batch := make([]*fresco.Purchase, 2500)
		for i := range batch {
			batch[i] = &fresco.Purchase{ExternalID: fmt.Sprintf("b%d", i), PurchasedAt: time.Date(2024, 1, 1, 0, 0, i, 0, time.UTC),
				Lines: []fresco.PurchaseLine{line(fmt.Sprintf("S%d", i%300), 1, "1.00"), line("COMMON", 2, "0.50")}}
		}
		results, err := db.SavePurchases(ctx, batch)
		if err != nil {
			t.Fatal(err)
		}
		ids := map[int64]bool{}
		for _, r := range results {
			if r.Status != "created" || ids[r.ID] {
				t.Fatalf("result %+v", r)
			}
			ids[r.ID] = true
		}
		p, err := db.PurchaseByExternalID(ctx, "b2499")
		if err != nil || p.ID != results[2499].ID || len(p.Lines) != 2 || p.Total() != 200 {
			t.Fatalf("last purchase: %+v %v", p, err)
		}
		if _, err := db.SavePurchases(ctx, make([]*fresco.Purchase, store.MaxBatchPurchases+1)); fresco.ErrorCode(err) != fresco.ETOOLARGE {
			t.Fatalf("oversized batch: %v", err)
		}
	})
}
