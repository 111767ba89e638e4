package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The acquisition rollup (and acquisition_daily) the triggers keep equals a
// rebuild and the report over customers and purchases, after random
// writes: customers added, given another source or first-seen day and
// deleted; purchases added one by one and several
// for one customer in one statement, their totals corrected (to refunds and
// back), moved to another customer as a merge does (one statement), and
// deleted.
func TestAcquisitionRollupEqualsRaw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(9, 10))
		sources := []string{"", "Walk-in", "Google search", "Friend or family"}
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		var customers, purchases []int64
		insert := func(q store.Querier, cust *int64, totals ...int64) error {
			for _, total := range totals {
				var id int64
				if err := q.QueryRow(ctx, `INSERT INTO purchases (customer_id, purchased_at, total, items, created_at) VALUES (?, ?, ?, 1, ?) RETURNING id`,
					cust, at, total, at).Scan(&id); err != nil {
					return err
				}
				purchases = append(purchases, id)
			}
			return nil
		}
		total := func() int64 { return int64(r.IntN(5000) - 800) } // now and then a refund or zero
		for i := range 600 {
			op := r.IntN(12)
			if len(customers) < 3 {
				op = 0
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				switch {
				case op < 2:
					c := &fresco.Customer{Name: fmt.Sprintf("C%d", i), AcquisitionSource: pick(r, sources)}
					if err := tx.CreateCustomer(ctx, c); err != nil {
						return err
					}
					customers = append(customers, c.ID)
				case op < 5:
					c := pick(r, customers)
					if r.IntN(8) == 0 {
						return insert(tx, nil, total())
					}
					return insert(tx, &c, total())
				case op == 5: // several purchases of one customer in one statement
					c := pick(r, customers)
					_, err := tx.Exec(ctx, `INSERT INTO purchases (customer_id, purchased_at, total, items, created_at) VALUES (?, ?, ?, 1, ?), (?, ?, ?, 1, ?), (?, ?, ?, 1, ?)`,
						c, at, total(), at, c, at, total(), at, c, at, total(), at)
					return err
				case op == 6 && len(purchases) > 0:
					_, err := tx.Exec(ctx, `UPDATE purchases SET total = ? WHERE id = ?`, total(), pick(r, purchases))
					return err
				case op == 7: // a merge moves every purchase of one customer to another
					_, err := tx.Exec(ctx, `UPDATE purchases SET customer_id = ? WHERE customer_id = ?`, pick(r, customers), pick(r, customers))
					return err
				case op == 8 && len(purchases) > 0:
					_, err := tx.Exec(ctx, `DELETE FROM purchases WHERE id = ?`, pick(r, purchases))
					return err
				case op == 9:
					_, err := tx.Exec(ctx, `UPDATE customers SET acquisition_source = ? WHERE id = ?`, pick(r, sources), pick(r, customers))
					return err
				case op == 10:
					return deleteCustomerWithoutPurchases(ctx, tx, r, &customers)
				case op == 11 && r.IntN(2) == 0: // first seen earlier (acquisition_daily moves it to another day)
					_, err := tx.Exec(ctx, `UPDATE customers SET first_seen = ? WHERE id = ?`,
						at.Add(-time.Duration(r.IntN(90*24))*time.Hour), pick(r, customers))
					return err
				default: // a write the rollups ignore
					_, err := tx.Exec(ctx, `UPDATE customers SET name = 'x' WHERE id = ?`, pick(r, customers))
					return err
				}
				return nil
			})
			if err != nil {
				t.Fatalf("write %d (op %d): %v", i, op, err)
			}
		}
		got, err := db.AcquisitionReport(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want, err := db.AcquisitionReportRaw(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) != 3 || want[0].Repeat == 0 || !reflect.DeepEqual(got, want) {
			t.Fatalf("acquisition from the rollup %+v\nfrom the purchases %+v", got, want)
		}
		checkRollupEqualsRebuild(t, db)
		// A damaged rollup is what the report shows, and a rebuild repairs it.
		if _, err := db.Exec(ctx, `UPDATE acquisition_rollup SET revenue = revenue + 1`); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.AcquisitionReport(ctx); reflect.DeepEqual(got, want) {
			t.Fatal("the report did not read the rollup")
		}
		if _, err := db.Exec(ctx, `DELETE FROM acquisition_customer`); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.RebuildFeedbackRollups(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		if got, err := db.AcquisitionReport(ctx); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("after rebuild %+v, want %+v (%v)", got, want, err)
		}
		// The per-customer counts are rebuilt too: later writes stay exact.
		if err := db.InTx(ctx, func(tx *store.Tx) error { return insert(tx, &customers[0], 100, 200) }); err != nil {
			t.Fatal(err)
		}
		got, _ = db.AcquisitionReport(ctx)
		want, _ = db.AcquisitionReportRaw(ctx)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after rebuild and two purchases %+v, want %+v", got, want)
		}
	})
}

// The bulk purchase path — COPY and one upsert on PostgreSQL, multi-row
// INSERTs on SQLite — keeps the rollup exact too: batches that create
// purchases and replace stored ones (another customer, another total, a
// refund), with customers created by EnsureCustomers in the same import.
func TestAcquisitionRollupAfterBatches(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(11, 12))
		at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
		firstSeen := map[string]time.Time{}
		for i := range 40 {
			firstSeen[fmt.Sprintf("c%d", i)] = at
		}
		ids, err := db.EnsureCustomers(ctx, firstSeen)
		if err != nil || len(ids) != 40 {
			t.Fatalf("customers %v %v", ids, err)
		}
		type stored struct{ customer, total int64 }
		want := map[string]stored{} // the last write of each external id
		for round := range 5 {
			batch := make([]*fresco.Purchase, 300)
			external := r.Perm(600)
			for i := range batch {
				cust := ids[fmt.Sprintf("c%d", r.IntN(40))]
				qty := int64(r.IntN(4) + 1)
				if r.IntN(6) == 0 {
					qty = -qty
				}
				// External ids repeat across rounds: later rounds replace.
				batch[i] = &fresco.Purchase{ExternalID: fmt.Sprintf("p%d", external[i]), CustomerID: &cust,
					PurchasedAt: at.Add(-time.Duration(round) * time.Hour),
					Lines:       []fresco.PurchaseLine{{SKU: "A", Quantity: qty, UnitPrice: 150}, {SKU: fmt.Sprintf("S%d", i%7), Quantity: 1, UnitPrice: 99}}}
			}
			for _, p := range batch {
				want[p.ExternalID] = stored{*p.CustomerID, int64(p.Total())}
			}
			results, err := db.SavePurchases(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			for _, res := range results {
				if res.Status == store.StatusRejected {
					t.Fatalf("round %d: %+v", round, res)
				}
			}
		}
		got := map[string]stored{}
		rows, err := db.Query(ctx, `SELECT external_id, customer_id, total FROM purchases`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ext string
			var s stored
			if err := rows.Scan(&ext, &s.customer, &s.total); err != nil {
				t.Fatal(err)
			}
			got[ext] = s
		}
		if rows.Close(); !reflect.DeepEqual(got, want) {
			t.Fatalf("stored purchases differ from the last write of each")
		}
		checkRollupEqualsRebuild(t, db)
		var lines, badTotals int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM purchase_lines`).Scan(&lines); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM purchases p WHERE total <> (SELECT SUM(quantity * unit_price) FROM purchase_lines WHERE purchase_id = p.id)`).Scan(&badTotals); err != nil {
			t.Fatal(err)
		}
		var purchases int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM purchases`).Scan(&purchases)
		if lines != 2*purchases || badTotals != 0 {
			t.Fatalf("%d lines for %d purchases, %d totals not their lines' sum", lines, purchases, badTotals)
		}
		// first_seen moved back to each customer's earliest purchase.
		var late int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM customers c WHERE first_seen > (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = c.id)`).Scan(&late); err != nil || late != 0 {
			t.Fatalf("%d customers whose first_seen is after their first purchase (%v)", late, err)
		}
	})
}

// checkRollupEqualsRebuild fails t unless the rollup the triggers kept is the
// one a rebuild from customers and purchases computes.
func checkRollupEqualsRebuild(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	kept, err := store.AcquisitionRollupRows(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	rebuilt, err := store.AcquisitionRollupRows(ctx, db, true)
	if err != nil || !reflect.DeepEqual(kept, rebuilt) {
		t.Fatalf("incremental %+v\nrebuilt %+v (%v)", kept, rebuilt, err)
	}
	days, err := store.AcquisitionDailyRows(ctx, db, false)
	if err != nil {
		t.Fatal(err)
	}
	daysRebuilt, err := store.AcquisitionDailyRows(ctx, db, true)
	if err != nil || len(days) == 0 || !reflect.DeepEqual(days, daysRebuilt) {
		t.Fatalf("acquisition_daily incremental %+v\nrebuilt %+v (%v)", days, daysRebuilt, err)
	}
}
