package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Bulk inserts defer the purchase triggers and recompute the rollups of
// their customers set-based; the rollups come out as a rebuild computes
// them: customers with history from the triggered path and new ones,
// refunds and zero totals, anonymous purchases, purchases at the same
// instant, customers of several sources and one with a recovery case
// (left out of the baseline). After a bulk insert, an ordinary insert in
// the same transaction fires the triggers again.
func TestInsertPurchasesKeepsRollups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(26, 1))
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		loc := &fresco.Location{Name: "Shop"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		prod := &fresco.Product{SKU: "X1", Name: "Thing", ListPrice: 1000}
		if err := db.CreateProduct(ctx, prod); err != nil {
			t.Fatal(err)
		}
		owner := caseOwner(t, db)
		var customers []int64
		sources := []string{"", "friend", "search", "walk-in"}
		for i := range 40 {
			c := &fresco.Customer{Name: fmt.Sprintf("C%d", i), AcquisitionSource: sources[i%len(sources)]}
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			customers = append(customers, c.ID)
		}
		when := func() time.Time {
			if r.IntN(8) == 0 {
				return start.Add(time.Duration(r.IntN(30)) * 24 * time.Hour) // same instants now and then
			}
			return start.Add(time.Duration(r.Int64N(int64(700 * 24 * time.Hour)))).Truncate(time.Microsecond)
		}
		purchase := func(cust *int64) *fresco.Purchase {
			price := fresco.Money(r.IntN(4000) - 600)
			qty := int64(1)
			if price < 0 {
				price, qty = -price, -1 // a refund
			}
			return &fresco.Purchase{CustomerID: cust, PurchasedAt: when(), LocationID: &loc.ID, Channel: "store",
				Lines: []fresco.PurchaseLine{{ProductID: prod.ID, SKU: prod.SKU, Description: "Thing", Quantity: qty, UnitPrice: price}}}
		}
		// History through the triggers for half the customers, and a case.
		for _, c := range customers[:20] {
			for range 1 + r.IntN(4) {
				if _, err := db.Exec(ctx, `INSERT INTO purchases (customer_id, purchased_at, location_id, total, items, created_at) VALUES (?, ?, ?, ?, 1, ?)`,
					c, when(), loc.ID, int64(r.IntN(3000)-300), start); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := db.Exec(ctx, `INSERT INTO recovery_cases (customer_id, source, summary, status, state, owner_id, opened_at, created_at, updated_at)
			VALUES (?, 'manual', 'x', 'open', 'new', ?, ?, ?, ?)`, customers[3], owner.ID, start, start, start); err != nil {
			t.Fatal(err)
		}
		check := func(when string) {
			t.Helper()
			if differ, err := store.RollupDifferences(ctx, db); err != nil || len(differ) > 0 {
				t.Fatalf("%s: rollups differ from a rebuild: %v (%v)", when, differ, err)
			}
			for name, drift := range map[string]func(context.Context) (int, error){
				"baseline_customer_month": db.BaselineCustomerMonthDrift, "acquisition_customer": db.AcquisitionCustomerDrift} {
				if n, err := drift(ctx); n != 0 || err != nil {
					t.Fatalf("%s: %d rows of %s differ from a rebuild (%v)", when, n, name, err)
				}
			}
		}
		check("before")
		for batch := range 4 {
			var ps []*fresco.Purchase
			for range 60 {
				switch c := pick(r, customers); r.IntN(10) {
				case 0:
					ps = append(ps, purchase(nil))
				default:
					ps = append(ps, purchase(&c))
				}
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertPurchases(ctx, ps); err != nil {
					return err
				}
				if batch%2 == 1 { // the triggers fire again for the rest of the transaction
					_, err := tx.Exec(ctx, `INSERT INTO purchases (customer_id, purchased_at, location_id, total, items, created_at) VALUES (?, ?, ?, 700, 1, ?)`,
						pick(r, customers), when(), loc.ID, start)
					return err
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("after bulk batch %d", batch))
		}
		var rows, deferred int
		if err := db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM customer_purchase_summary), (SELECT COUNT(*) FROM rollups_deferred) + (SELECT COUNT(*) FROM baseline_deferred)`).Scan(&rows, &deferred); err != nil {
			t.Fatal(err)
		}
		if rows != len(customers) || deferred != 0 {
			t.Fatalf("%d customers summarised (want %d), %d rows left in rollups_deferred and baseline_deferred", rows, len(customers), deferred)
		}
	})
}

// Bulk responses defer their triggers and add themselves to the rollups
// set-based; the rollups come out as a rebuild computes them, on top of
// responses recorded, corrected and deleted one by one, and an ordinary
// insert after a bulk one in the same transaction fires the triggers.
func TestInsertResponsesKeepsRollups(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(26, 2))
		w := newRollupWorld(t, ctx, db)
		w.applyRandomWrites(t, ctx, db, r, 60)
		for batch := range 4 {
			rs := make([]*fresco.Response, 50+r.IntN(50))
			for i := range rs {
				rs[i] = w.randomResponse(r)
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.InsertResponses(ctx, rs); err != nil {
					return err
				}
				if batch%2 == 1 {
					return tx.InsertResponse(ctx, w.randomResponse(r))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if differ, err := store.RollupDifferences(ctx, db); err != nil || len(differ) > 0 {
				t.Fatalf("after bulk batch %d: rollups differ from a rebuild: %v (%v)", batch, differ, err)
			}
		}
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM feedback_driver_monthly`).Scan(&n); err != nil || n == 0 {
			t.Fatalf("%d driver rows (%v)", n, err)
		}
	})
}
