package store_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// RebuildRollupsBeside repairs every rollup as RebuildRollups does, runs
// the writer's work, and reports the same row counts; an error of the work
// is its error.
func TestRebuildRollupsBesideRepairsEveryRollup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		r := rand.New(rand.NewPCG(3, 4))
		w.applyRandomWrites(t, ctx, db, r, 300)
		w.savePurchases(t, ctx, db, r, 60)
		for _, q := range []string{
			`UPDATE feedback_score_daily SET n = n + 5`,
			`DELETE FROM feedback_score_monthly WHERE dim = 'employee'`,
			`DELETE FROM feedback_driver_monthly WHERE dim = 'post'`,
			`DELETE FROM feedback_delay_monthly`,
			`DELETE FROM customer_purchase_summary`,
			`UPDATE acquisition_rollup SET revenue = revenue + 1`,
			`UPDATE baseline_month SET customers = customers + 1`,
		} {
			if _, err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		worked := false
		counts, err := db.RebuildRollupsBeside(ctx, nil, func(ctx context.Context) error {
			// A write of the writer's, as the demo's index build is.
			_, err := db.Exec(ctx, `CREATE INDEX rollups_beside_probe ON purchases (total)`)
			worked = err == nil
			return err
		})
		if err != nil || !worked {
			t.Fatalf("rebuild beside: worked %v, %v", worked, err)
		}
		differ, err := store.RollupDifferences(ctx, db)
		if err != nil || len(differ) > 0 {
			t.Fatalf("after the rebuild these rollups differ from a rebuild: %v (%v)", differ, err)
		}
		again, err := db.RebuildRollups(ctx)
		if err != nil || !reflect.DeepEqual(counts, again) {
			t.Fatalf("rebuilt beside %v rows, alone %v (%v)", counts, again, err)
		}
		for _, c := range counts {
			if c.Rows == 0 {
				t.Errorf("%s: no rows: the writes did not exercise it", c.Table)
			}
		}
		failed := errors.New("the work failed")
		if _, err := db.RebuildRollupsBeside(ctx, nil, func(context.Context) error { return failed }); !errors.Is(err, failed) {
			t.Fatalf("a failed work gave %v", err)
		}
	})
}

// savePurchases saves n purchases of random customers of w at random
// times of 2025 and early 2026.
func (w *rollupWorld) savePurchases(t *testing.T, ctx context.Context, db *store.DB, r *rand.Rand, n int) {
	t.Helper()
	var purchases []*fresco.Purchase
	for range n {
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(400*24)) * time.Hour)
		purchases = append(purchases, &fresco.Purchase{CustomerID: &w.customers[r.IntN(len(w.customers))], PurchasedAt: at,
			LocationID: &w.locations[0], Channel: "store",
			Lines: []fresco.PurchaseLine{{SKU: "X1", Description: "Thing", Quantity: 1, UnitPrice: fresco.Money(100 + r.IntN(5000))}}})
	}
	if _, err := db.SavePurchases(ctx, purchases); err != nil {
		t.Fatal(err)
	}
}

// The per-customer rollups computed a range of customers at a time while a
// load goes on (ComputeCustomerRollups) and copied in by
// RebuildRollupsBeside are those a rebuild computes; a customer left out of
// every range is missing from them (on SQLite, where they are computed).
func TestCustomerRollupsComputedBesideALoad(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		r := rand.New(rand.NewPCG(5, 6))
		w.applyRandomWrites(t, ctx, db, r, 300)
		w.savePurchases(t, ctx, db, r, 60)
		customers := slices.Sorted(slices.Values(w.customers))
		rebuildBeside := func(stored []int64) []string {
			pre, err := db.ComputeCustomerRollups(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range stored {
				pre.Stored(id, id)
			}
			if _, err := db.Exec(ctx, `DELETE FROM customer_purchase_summary`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.RebuildRollupsBeside(ctx, pre, func(context.Context) error { return nil }); err != nil {
				t.Fatal(err)
			}
			differ, err := store.RollupDifferences(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			return differ
		}
		indexes := func() []string {
			q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer_purchase_summary' ORDER BY name`
			if db.Dialect() == store.Postgres {
				q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'customer_purchase_summary' ORDER BY indexname`
			}
			var names []string
			for _, row := range queryStrings(t, ctx, db, q) {
				names = append(names, row[0])
			}
			return names
		}
		before := indexes()
		if differ := rebuildBeside(customers); len(differ) > 0 {
			t.Fatalf("computed beside, these rollups differ from a rebuild: %v", differ)
		}
		if after := indexes(); len(before) < 3 || !slices.Equal(before, after) {
			t.Fatalf("the summaries' indexes were %v before the copy, %v after", before, after)
		}
		var buyer int64
		if err := db.QueryRow(ctx, `SELECT MAX(customer_id) FROM purchases`).Scan(&buyer); err != nil {
			t.Fatal(err)
		}
		differ := rebuildBeside(slices.DeleteFunc(customers, func(id int64) bool { return id == buyer }))
		if db.Dialect() == store.SQLite && !slices.Contains(differ, "customer_purchase_summary") {
			t.Fatalf("a customer left out of every range: differences %v, want customer_purchase_summary among them", differ)
		}
	})
}
