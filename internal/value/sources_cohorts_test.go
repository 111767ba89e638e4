package value

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Sources' cohorts (whole months from the per-refit sums and a live count,
// part-months by query) are the rows of the query over the whole period
// (store.AcquisitionCohorts), for periods starting and ending mid-month, on
// a month's first, within one month and over the whole history — also
// after customers arrived since the refit and the sums were cached.
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
		add := func(n int, buy bool) {
			for i := range n {
				seen := start.Add(time.Duration(r.IntN(540*24)) * time.Hour)
				c := &fresco.Customer{Name: fmt.Sprintf("C%d", i), FirstSeen: seen, AcquisitionSource: sources[r.IntN(len(sources))]}
				if err := db.CreateCustomer(ctx, c); err != nil {
					t.Fatal(err)
				}
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
			}
		}
		if all, err := db.AcquisitionCohorts(ctx, start, now); err != nil || len(all) < 20 || all[len(all)-1].Valued == 0 {
			t.Fatalf("too little to compare: %+v, %v", all, err)
		}
		check("after the refit")
		add(40, false) // arrived since: counted, not valued
		add(20, true)  // bought since: not valued until the next refit
		check("after new customers")
		if _, err := svc.Refit(ctx); err != nil {
			t.Fatal(err)
		}
		check("after the next refit")
	})
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
