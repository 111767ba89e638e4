package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The purchase summary the triggers keep equals a rebuild and a summary
// computed in Go from the purchases, after random writes: purchases added
// one by one and several for one customer in one statement, at times with
// and without microseconds, their time, total and location corrected (a
// refund, an edit), moved to another customer as a merge does, deleted;
// customers with no purchases left deleted.
func TestPurchaseSummaryEqualsRaw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(11, 12))
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		var locations []*int64
		for i := range 3 {
			l := &fresco.Location{Name: fmt.Sprintf("L%d", i)}
			if err := db.CreateLocation(ctx, l); err != nil {
				t.Fatal(err)
			}
			locations = append(locations, &l.ID)
		}
		locations = append(locations, nil)
		// Times a few days apart; now and then one equal to another's,
		// whole seconds, or near a second's end (SQLite would round that).
		when := func() time.Time {
			switch r.IntN(6) {
			case 0:
				return start.Add(time.Duration(r.IntN(40)) * 24 * time.Hour)
			case 1:
				return start.Add(time.Duration(r.IntN(900))*24*time.Hour + 999999*time.Microsecond)
			}
			return start.Add(time.Duration(r.Int64N(int64(900 * 24 * time.Hour)))).Truncate(time.Microsecond)
		}
		var customers, purchases []int64
		insert := func(q store.Querier, cust int64) error {
			var id int64
			err := q.QueryRow(ctx, `INSERT INTO purchases (customer_id, purchased_at, location_id, total, items, created_at) VALUES (?, ?, ?, ?, 1, ?) RETURNING id`,
				cust, when(), pick(r, locations), int64(r.IntN(5000)-800), start).Scan(&id)
			purchases = append(purchases, id)
			return err
		}
		for i := range 700 {
			op := r.IntN(12)
			if len(customers) < 3 {
				op = 0
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				switch {
				case op < 2:
					c := &fresco.Customer{Name: fmt.Sprintf("C%d", i)}
					if err := tx.CreateCustomer(ctx, c); err != nil {
						return err
					}
					customers = append(customers, c.ID)
				case op < 6:
					return insert(tx, pick(r, customers))
				case op == 6: // several purchases of one customer in one statement
					c := pick(r, customers)
					_, err := tx.Exec(ctx, `INSERT INTO purchases (customer_id, purchased_at, total, items, created_at) VALUES (?, ?, 10, 1, ?), (?, ?, 20, 1, ?), (?, ?, -5, 1, ?)`,
						c, when(), start, c, when(), start, c, when(), start)
					return err
				case op == 7 && len(purchases) > 0: // a correction
					_, err := tx.Exec(ctx, `UPDATE purchases SET purchased_at = ?, total = ?, location_id = ? WHERE id = ?`,
						when(), int64(r.IntN(3000)-1500), pick(r, locations), pick(r, purchases))
					return err
				case op == 8: // a merge moves every purchase of one customer to another
					_, err := tx.Exec(ctx, `UPDATE purchases SET customer_id = ? WHERE customer_id = ?`, pick(r, customers), pick(r, customers))
					return err
				case op == 9 && len(purchases) > 0:
					_, err := tx.Exec(ctx, `DELETE FROM purchases WHERE id = ?`, pick(r, purchases))
					return err
				case op == 10:
					return deleteCustomerWithoutPurchases(ctx, tx, r, &customers)
				default: // a write the summary ignores
					_, err := tx.Exec(ctx, `UPDATE purchases SET channel = 'web' WHERE customer_id = ?`, pick(r, customers))
					return err
				}
				return nil
			})
			if err != nil {
				t.Fatalf("write %d (op %d): %v", i, op, err)
			}
		}
		want := purchaseSummariesInGo(t, db)
		kept, err := store.PurchaseSummaryRows(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) < 20 || !reflect.DeepEqual(kept, want) {
			t.Fatalf("kept %d rows, computed %d\n%+v\n%+v", len(kept), len(want), kept, want)
		}
		rebuilt, err := store.PurchaseSummaryRows(ctx, db, true)
		if err != nil || !reflect.DeepEqual(rebuilt, want) {
			t.Fatalf("a rebuild would write %+v\nwant %+v (%v)", rebuilt, want, err)
		}
		// New customers in a period, counted from the summary's first
		// positive purchases, are those the purchases give.
		for _, span := range [][2]time.Time{{}, {start, start.AddDate(0, 3, 0)}, {start.AddDate(0, 6, 0), {}}, {{}, start.AddDate(1, 0, 0)}} {
			wantNew := 0
			for _, s := range want {
				if f := s.FirstPositiveAt; f != nil && !f.Before(span[0]) && (span[1].IsZero() || f.Before(span[1])) {
					wantNew++
				}
			}
			if n, err := db.NewCustomers(ctx, span[0], span[1]); err != nil || n != wantNew || n == 0 {
				t.Fatalf("new customers in %v = %d, want %d (%v)", span, n, wantNew, err)
			}
		}
		// A damaged summary is repaired by a rebuild.
		if _, err := db.Exec(ctx, `UPDATE customer_purchase_summary SET purchases = purchases + 1, gap_low_us = NULL`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM customer_purchase_summary WHERE customer_id = ?`, want[0].CustomerID); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.RebuildFeedbackRollups(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		if kept, err := store.PurchaseSummaryRows(ctx, db, false); err != nil || !reflect.DeepEqual(kept, want) {
			t.Fatalf("after rebuild %+v\nwant %+v (%v)", kept, want, err)
		}
	})
}

// purchaseSummariesInGo computes customer_purchase_summary's rows from the
// purchases in Go, as the summary defines them.
func purchaseSummariesInGo(t *testing.T, db *store.DB) []store.PurchaseSummary {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT customer_id, purchased_at, location_id, total FROM purchases
		WHERE customer_id IS NOT NULL ORDER BY customer_id, purchased_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []store.PurchaseSummary
	var times []time.Time
	finish := func() {
		if len(out) == 0 {
			return
		}
		var gaps []time.Duration
		for i := 1; i < len(times); i++ {
			gaps = append(gaps, times[i].Sub(times[i-1]))
		}
		slices.Sort(gaps)
		if n := len(gaps); n > 0 {
			out[len(out)-1].MiddleGaps = [2]time.Duration{gaps[(n-1)/2], gaps[n/2]}
		}
	}
	for rows.Next() {
		var c, total int64
		var at time.Time
		var loc *int64
		if err := rows.Scan(&c, &at, &loc, &total); err != nil {
			t.Fatal(err)
		}
		at = at.UTC()
		if len(out) == 0 || out[len(out)-1].CustomerID != c {
			finish()
			out, times = append(out, store.PurchaseSummary{CustomerID: c, FirstAt: at}), nil
		}
		s := &out[len(out)-1]
		s.Purchases++
		s.LastAt, s.LastLocationID = at, loc
		if total > 0 && s.FirstPositiveAt == nil {
			s.FirstPositiveAt = &at
		}
		times = append(times, at)
	}
	finish()
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
