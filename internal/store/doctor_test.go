package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The doctor's checks and repairs run on both engines; a purchase that
// another record points at is left for a person.
func TestDoctorChecks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
		ids := map[string]int64{}
		for _, ext := range []string{"good", "huge", "pointed-at", "stale"} {
			p := &fresco.Purchase{ExternalID: ext, PurchasedAt: at, Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 2, UnitPrice: 150}}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
			ids[ext] = p.ID
		}
		db.Exec(ctx, `UPDATE purchase_lines SET unit_price = 999999999999999 WHERE purchase_id IN (?, ?)`, ids["huge"], ids["pointed-at"])
		db.Exec(ctx, `UPDATE purchases SET items = 7 WHERE id = ?`, ids["stale"])
		post, err := db.ListeningPostBySlug(ctx, "satisfaction_card")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO responses (post_id, purchase_id, responded_at, created_at) VALUES (?, ?, ?, ?)`,
			post.ID, ids["pointed-at"], at, at); err != nil {
			t.Fatal(err)
		}

		amounts, err := db.OutOfRangePurchases(ctx)
		if err != nil || amounts.Count != 2 {
			t.Fatalf("out of range: %+v %v", amounts, err)
		}
		totals, err := db.StaleTotals(ctx)
		if err != nil || totals.Count != 1 || totals.IDs[0] != ids["stale"] {
			t.Fatalf("stale totals: %+v %v", totals, err)
		}
		if _, removed, err := db.QuarantinePurchase(ctx, ids["pointed-at"], "test"); err != nil || removed {
			t.Errorf("a purchase a response points at was removed (%v)", err)
		}
		record, removed, err := db.QuarantinePurchase(ctx, ids["huge"], "test")
		if err != nil || !removed || len(record) == 0 {
			t.Fatalf("quarantine: %s %v %v", record, removed, err)
		}
		if err := db.RepairTotals(ctx, totals.IDs, "test"); err != nil {
			t.Fatal(err)
		}
		if totals, _ := db.StaleTotals(ctx); totals.Count != 0 {
			t.Errorf("after repair: %+v", totals)
		}
		if amounts, _ := db.OutOfRangePurchases(ctx); amounts.Count != 1 {
			t.Errorf("after quarantine: %+v, want only the pointed-at purchase", amounts)
		}
	})
}
