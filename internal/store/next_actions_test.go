package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Several visit counts and several anniversaries are each one statement
// (a subquery per count or range): every count and range answers, each
// cut at the limit on its own, the same on both engines.
func TestCandidatesOfSeveralCountsAndRanges(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)
		// visits: purchase count; first: the day of the first purchase.
		customer := func(name string, visits int, first time.Time) int64 {
			t.Helper()
			c := &fresco.Customer{Name: name}
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			for i := range visits {
				p := &fresco.Purchase{ExternalID: fmt.Sprintf("%s-%d", name, i), CustomerID: &c.ID, PurchasedAt: first.Add(time.Duration(i) * time.Hour),
					Lines: []fresco.PurchaseLine{{SKU: "TEA", Quantity: 1, UnitPrice: 250}}}
				if err := db.CreatePurchase(ctx, p); err != nil {
					t.Fatal(err)
				}
			}
			return c.ID
		}
		oneYear := customer("one year", 1, day.AddDate(-1, 0, 0))
		twoYears := customer("two years", 2, day.AddDate(-2, 0, 0))
		twoYearsLater := customer("two years, a day later", 1, day.AddDate(-2, 0, 1))
		customer("no anniversary", 1, day.AddDate(0, -5, 0))
		fourth := customer("fourth visit", 4, day.AddDate(0, 0, -3))
		third, thirdLater := customer("third visit", 3, day.AddDate(0, 0, -2)), customer("third visit, later", 3, day.AddDate(0, 0, -1))
		week := func(at time.Time) [2]time.Time { return [2]time.Time{at.AddDate(0, 0, -3), at.AddDate(0, 0, 4)} }

		got, err := db.FirstBoughtWithin(ctx, [][2]time.Time{week(day.AddDate(-1, 0, 0)), week(day.AddDate(-2, 0, 0))}, 5)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Sort(got); !slices.Equal(got, sorted(oneYear, twoYears, twoYearsLater)) {
			t.Errorf("anniversaries = %v, want %v", got, sorted(oneYear, twoYears, twoYearsLater))
		}
		// Cut at one a range: the earliest first purchase of each.
		if got, err = db.FirstBoughtWithin(ctx, [][2]time.Time{week(day.AddDate(-1, 0, 0)), week(day.AddDate(-2, 0, 0))}, 1); err != nil {
			t.Fatal(err)
		}
		if slices.Sort(got); !slices.Equal(got, sorted(oneYear, twoYears)) {
			t.Errorf("anniversaries, one a range = %v, want %v", got, sorted(oneYear, twoYears))
		}
		if got, err = db.VisitCountsReached(ctx, []int{3, 4, 10}, day.AddDate(0, 0, -7), 1); err != nil {
			t.Fatal(err)
		}
		// The latest of each count.
		if slices.Sort(got); !slices.Equal(got, sorted(fourth, thirdLater)) {
			t.Errorf("visit counts, one a count = %v, want %v", got, sorted(fourth, thirdLater))
		}
		if got, err = db.VisitCountsReached(ctx, []int{3}, day.AddDate(0, 0, -7), 5); err != nil {
			t.Fatal(err)
		}
		if slices.Sort(got); !slices.Equal(got, sorted(third, thirdLater)) {
			t.Errorf("third visits = %v, want %v", got, sorted(third, thirdLater))
		}
		if got, err = db.VisitCountsReached(ctx, nil, day, 5); err != nil || len(got) != 0 {
			t.Errorf("no counts = %v, %v", got, err)
		}
	})
}

func sorted(ids ...int64) []int64 {
	slices.Sort(ids)
	return ids
}
