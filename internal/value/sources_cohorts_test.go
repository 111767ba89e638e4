package value

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Sources' cohorts (days from the per-refit sums and acquisition_daily) are
// the rows of the query over the whole period (store.AcquisitionCohorts),
// and acquisition vs retention's new customers and base those of the query
// over the customers, for periods starting and ending mid-month, on a
// month's first, within one month and over the whole history — also after
// customers arrived since the refit and the sums were cached, after
// corrections to customers' sources and first-seen days, a customer
// deleted and a refund.
func TestAcquisitionCohortsEqualQuery(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)
		svc := New(db, Options{Now: func() time.Time { return now }})
		r := rand.New(rand.NewPCG(3, 4))
		sources := []string{"", "Walk-in", "Google search", "Friend or family"}
		pr := &fresco.Product{SKU: "X", Name: "X", Category: "Food", ListPrice: 900, UnitCost: 300}
		if err := db.CreateProduct(ctx, pr); err != nil {
			t.Fatal(err)
		}
		start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		var ids []int64
		add := func(n int, buy bool) {
			for i := range n {
				seen := start.Add(time.Duration(r.IntN(540*24)) * time.Hour)
				c := &fresco.Customer{Name: fmt.Sprintf("C%d", i), FirstSeen: seen, AcquisitionSource: sources[r.IntN(len(sources))]}
				if err := db.CreateCustomer(ctx, c); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, c.ID)
				for j := range r.IntN(4) * btoi(buy) {
					p := &fresco.Purchase{CustomerID: &c.ID, PurchasedAt: seen.AddDate(0, 0, 20*j+r.IntN(10)), Channel: "store",
						Lines: []fresco.PurchaseLine{{ProductID: pr.ID, Quantity: 1, UnitPrice: fresco.Money(500 + r.IntN(9000))}}}
					if err := db.CreatePurchase(ctx, p); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		add(120, true)
		if _, err := svc.Refit(ctx); err != nil {
			t.Fatal(err)
		}
		d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, time.UTC) }
		periods := [][2]time.Time{
			{d(2024, 1, 1), d(2025, 7, 1)},   // the whole history, whole months
			{d(2024, 2, 14), d(2025, 3, 9)},  // part-months at both ends
			{d(2024, 3, 1), d(2024, 9, 17)},  // from a month's first
			{d(2024, 4, 30), d(2024, 8, 1)},  // to a month's first
			{d(2024, 5, 3), d(2024, 5, 27)},  // within one month
			{d(2024, 6, 20), d(2024, 7, 10)}, // across one boundary, no whole month
			{d(2023, 1, 1), d(2023, 6, 1)},   // nobody
		}
		check := func(when string) {
			t.Helper()
			for _, p := range periods {
				want, err := db.AcquisitionCohorts(ctx, p[0], p[1])
				if err != nil {
					t.Fatal(err)
				}
				got, err := svc.acquisitionCohorts(ctx, p[0], p[1])
				if err != nil {
					t.Fatal(err)
				}
				if !sameCohorts(got, want) {
					t.Errorf("%s, %s..%s:\n got %+v\nwant %+v", when, p[0].Format(time.DateOnly), p[1].Format(time.DateOnly), got, want)
				}
				checkRetentionSums(t, ctx, db, svc, when, p[0], p[1])
			}
		}
		if all, err := db.AcquisitionCohorts(ctx, start, now); err != nil || len(all) < 20 || all[len(all)-1].Valued == 0 {
			t.Fatalf("too little to compare: %+v, %v", all, err)
		}
		check("after the refit")
		add(40, false) // arrived since: counted, not valued
		add(20, true)  // bought since: not valued until the next refit
		check("after new customers")
		for _, q := range []string{
			`UPDATE customers SET acquisition_source = 'Walk-in' WHERE id = ?`,   // a valued customer's source corrected
			`UPDATE customers SET acquisition_source = 'Newspaper' WHERE id = ?`, // a new source
			`UPDATE customers SET first_seen = ? WHERE id = ?`,                   // first seen earlier: another month
			`DELETE FROM customers WHERE id = ?`,                                 // one not valued, with no purchase
		} {
			var err error
			switch {
			case strings.HasPrefix(q, "DELETE"):
				_, err = db.Exec(ctx, q, ids[125])
			case strings.Contains(q, "first_seen"):
				_, err = db.Exec(ctx, q, d(2024, 1, 3).Add(5*time.Hour), ids[7])
			default:
				_, err = db.Exec(ctx, q, ids[r.IntN(100)])
			}
			if err != nil {
				t.Fatal(err)
			}
			check("after " + q)
		}
		refund := &fresco.Purchase{CustomerID: &ids[3], PurchasedAt: now.Add(-time.Hour), Channel: "store",
			Lines: []fresco.PurchaseLine{{ProductID: pr.ID, Quantity: -1, UnitPrice: 900}}}
		if err := db.CreatePurchase(ctx, refund); err != nil {
			t.Fatal(err)
		}
		check("after a refund")
		if _, err := svc.Refit(ctx); err != nil {
			t.Fatal(err)
		}
		check("after the next refit")
	})
}

// checkRetentionSums compares acquisition vs retention's new customers and
// base over [from, to) (days) with the query over the customers.
func checkRetentionSums(t *testing.T, ctx context.Context, db *store.DB, svc *Service, when string, from, to time.Time) {
	t.Helper()
	got, err := svc.AcquisitionRetention(ctx, from, to.AddDate(0, 0, -1), WhatIfInput{})
	if err != nil {
		t.Fatal(err)
	}
	var n, valued, base int
	var clv, alive, baseCLV float64
	if err := db.QueryRow(ctx, `SELECT COUNT(*), COUNT(v.customer_id), COALESCE(SUM(v.clv), 0)
		FROM customers c LEFT JOIN customer_value v ON v.customer_id = c.id WHERE c.first_seen >= ? AND c.first_seen < ?`,
		from, to).Scan(&n, &valued, &clv); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(v.p_alive), 0), COALESCE(SUM(v.clv), 0)
		FROM customers c JOIN customer_value v ON v.customer_id = c.id WHERE c.first_seen < ?`,
		from).Scan(&base, &alive, &baseCLV); err != nil {
		t.Fatal(err)
	}
	close := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y)) }
	if got.NewCustomers != n || got.NewValued != valued || !close(got.NewCLV, clv) ||
		got.Base != base || !close(got.Retained, alive) || !close(got.RetainedCLV, baseCLV) {
		t.Errorf("%s, %s..%s: new %d (%d valued, CLV %.2f), base %d (alive %.6f, CLV %.2f); the query: new %d (%d, %.2f), base %d (%.6f, %.2f)",
			when, from.Format(time.DateOnly), to.Format(time.DateOnly), got.NewCustomers, got.NewValued, got.NewCLV,
			got.Base, got.Retained, got.RetainedCLV, n, valued, clv, base, alive, baseCLV)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sameCohorts compares counts exactly and sums to rounding: the two add
// the same values in another order.
func sameCohorts(a, b []store.CohortSums) bool {
	if len(a) != len(b) {
		return false
	}
	close := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y)) }
	for i := range a {
		x, y := a[i], b[i]
		if x.Source != y.Source || !x.Month.Equal(y.Month) || x.New != y.New || x.Valued != y.Valued ||
			!close(x.CLV, y.CLV) || !close(x.CLVSq, y.CLVSq) || !close(x.GP, y.GP) || !close(x.GPSq, y.GPSq) {
			return false
		}
	}
	return true
}
