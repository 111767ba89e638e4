package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestValueAggregations checks the lifetime-value aggregations on a few
// purchases whose sums are easy to follow. The comparison with the pure
// engine (clv.Summarise) on a generated business is in internal/value.
func TestValueAggregations(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cafe := &fresco.Product{SKU: "CAFE", Category: "Food", ListPrice: 400, UnitCost: 100}
		room := &fresco.Product{SKU: "ROOM", Category: "Rooms", ListPrice: 10000, UnitCost: 4000}
		for _, p := range []*fresco.Product{cafe, room} {
			if err := db.CreateProduct(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		a := &fresco.Customer{Name: "A", FirstSeen: day(2024, 1, 1)}
		if err := db.CreateCustomer(ctx, a); err != nil {
			t.Fatal(err)
		}
		b := &fresco.Customer{Name: "B", FirstSeen: day(2024, 1, 1), ReferredBy: &a.ID}
		if err := db.CreateCustomer(ctx, b); err != nil {
			t.Fatal(err)
		}
		c := &fresco.Customer{Name: "C", FirstSeen: day(2024, 1, 1), ReferredBy: &b.ID}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		buy := func(cust int64, at time.Time, promo string, lines ...fresco.PurchaseLine) {
			t.Helper()
			if err := db.CreatePurchase(ctx, &fresco.Purchase{CustomerID: &cust, PurchasedAt: at, PromotionCode: promo, Lines: lines}); err != nil {
				t.Fatal(err)
			}
		}
		// A: two purchases on 2024-03-01 (one late in the UTC day, bought in
		// New York where it was still the 1st), a room on 03-05, a refund on 03-06.
		ny := time.FixedZone("EST", -5*3600)
		buy(a.ID, time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), "WELCOME", fresco.PurchaseLine{ProductID: cafe.ID, Quantity: 1, UnitPrice: 400})
		buy(a.ID, time.Date(2024, 3, 1, 18, 30, 0, 0, ny), "", fresco.PurchaseLine{ProductID: cafe.ID, Quantity: 2, UnitPrice: 400, Discount: 100})
		buy(a.ID, time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC), "", fresco.PurchaseLine{ProductID: room.ID, Quantity: 1, UnitPrice: 10000})
		buy(a.ID, time.Date(2024, 3, 6, 10, 0, 0, 0, time.UTC), "", fresco.PurchaseLine{ProductID: cafe.ID, Quantity: -1, UnitPrice: 400})
		buy(b.ID, time.Date(2024, 4, 1, 10, 0, 0, 0, time.UTC), "", fresco.PurchaseLine{ProductID: room.ID, Quantity: 1, UnitPrice: 10000})
		buy(c.ID, time.Date(2024, 4, 2, 10, 0, 0, 0, time.UTC), "", fresco.PurchaseLine{ProductID: cafe.ID, Quantity: 1, UnitPrice: 400})

		days, err := db.PurchaseDays(ctx, day(2024, 12, 31))
		if err != nil {
			t.Fatal(err)
		}
		// 18:30 EST on the 1st is 23:30 UTC: still the 1st in UTC.
		d0 := dayNum(day(2024, 3, 1))
		if len(days) != 3 || days[0].CustomerID != a.ID || days[0].Days != 2 || days[0].FirstDay != d0 || days[0].LastDay != d0+4 ||
			days[0].Total != 400+700+10000 || days[0].FirstAmount != 1100 || days[0].RepeatValue() != 10000 {
			t.Fatalf("purchase days %+v", days)
		}
		if early, err := db.PurchaseDays(ctx, day(2024, 3, 4)); err != nil || len(early) != 1 || early[0].Days != 1 {
			t.Fatalf("purchase days up to 03-04: %+v, %v", early, err)
		}

		periods, err := db.CustomerPeriods(ctx, time.Time{}, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		pa := periods[0]
		// Revenue 4 + 7 + 100 − 4 = 107; cost 1 + 2 + 40 − 1 = 42; the
		// first (code) and second (line discount) purchases are discounted.
		if pa.Purchases != 3 || pa.Refunds != 1 || pa.Items != 4 || pa.Revenue != 10700 || pa.Cost != 4200 || pa.Discounted != 2 ||
			!pa.First.Equal(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)) || !pa.Last.Equal(time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)) {
			t.Fatalf("period of A: %+v", pa)
		}
		if n, err := db.NewCustomers(ctx, day(2024, 4, 1), day(2024, 5, 1)); err != nil || n != 2 {
			t.Fatalf("new customers in April = %d, %v", n, err)
		}
		first, err := db.FirstPurchases(ctx)
		if err != nil || first[a.ID].PromotionCode != "WELCOME" || len(first[a.ID].Categories) != 1 {
			t.Fatalf("first purchases %+v, %v", first[a.ID], err)
		}
		related, err := db.RelatedSales(ctx)
		if err != nil || related[a.ID] != 10000 || related[b.ID] != 0 {
			t.Fatalf("related sales %v, %v", related, err)
		}
		chain, err := db.ReferralChain(ctx, a.ID)
		if err != nil || len(chain) != 2 || chain[0].CustomerID != b.ID || chain[1].Depth != 2 || chain[1].Value != 400 {
			t.Fatalf("referral chain %+v, %v", chain, err)
		}

		// customer_value: replace, read back, filter.
		now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		vals := []*store.CustomerValue{
			{CustomerID: a.ID, Frequency: 1, Purchases: 3, FirstPurchase: day(2024, 3, 1), LastPurchase: day(2024, 3, 5), CLV: 12345.5,
				HistoricalValue: 10700, Segment: "lost", Mercenary: true, R: 1, F: 2, M: 3, ComputedAt: now},
			{CustomerID: b.ID, Purchases: 1, FirstPurchase: day(2024, 4, 1), LastPurchase: day(2024, 4, 1), CLV: 99999,
				Segment: "new", Apostle: true, ComputedAt: now},
		}
		fits := []*store.CLVFit{{Model: "bgnbd", Params: `{"r":1}`, LogLikelihood: -10, Customers: 2, Converged: true, Detail: "{}", ComputedAt: now}}
		for i := range 2 { // twice: the second replaces the first (fits are added, not replaced)
			if err := db.ReplaceCustomerValues(ctx, vals, fits[:i]); err != nil {
				t.Fatal(err)
			}
		}
		all, err := db.ListCustomerValues(ctx, store.CustomerValueFilter{})
		if err != nil || len(all) != 2 || all[0].CustomerID != b.ID || all[1].Name != "A" || all[1].CLV != 12345.5 || !all[1].Mercenary {
			t.Fatalf("list %+v, %v", all, err)
		}
		if m, _ := db.ListCustomerValues(ctx, store.CustomerValueFilter{Mercenary: true}); len(m) != 1 || m[0].CustomerID != a.ID {
			t.Fatalf("mercenaries %+v", m)
		}
		if s, _ := db.ListCustomerValues(ctx, store.CustomerValueFilter{Segment: "new", Apostle: true}); len(s) != 1 || s[0].CustomerID != b.ID {
			t.Fatalf("new apostles %+v", s)
		}
		if _, err := db.CustomerValueOf(ctx, c.ID); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("value of C: %v", err)
		}
		got, err := db.LatestCLVFits(ctx)
		if err != nil || len(got) != 1 || got[0].Params != `{"r":1}` || !got[0].ComputedAt.Equal(now) {
			t.Fatalf("fits %+v, %v", got, err)
		}
	})
}

func dayNum(t time.Time) int64 { return t.Unix() / 86400 }

// TestCustomerValuePaging pages through customer_value with every sort and
// filter and page sizes down to 2: the pages, joined, are exactly the
// unpaged list in its order, so each customer comes once. The data is full
// of ties (a cursor holding only the value would skip or repeat rows) and
// of times with fractions of a second of different lengths.
func TestCustomerValuePaging(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 1, 1, 3, 15, 0, 0, time.UTC)
		const n = 120
		if _, err := db.Exec(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			INSERT INTO customers (id, name, first_seen, created_at, updated_at) SELECT i, 'Customer ' || i, ?, ?, ? FROM seq`,
			n, at, at, at); err != nil {
			t.Fatal(err)
		}
		clvs := []float64{0, 1234.5, 0.1 + 0.2, 99999.25, 1e-7}
		pAlive := []float64{0, 0.3, 1.0 / 3, 1}
		lasts := []time.Time{at.Add(-time.Hour), at.Add(-time.Hour + 500*time.Millisecond), at.Add(-time.Hour + 250*time.Millisecond),
			at.Add(-time.Hour + time.Microsecond), at.AddDate(-1, 0, 0)}
		segments := []string{"loyal", "new", "lost"}
		vals := make([]*store.CustomerValue, n)
		for i := range vals {
			vals[i] = &store.CustomerValue{CustomerID: int64(i + 1), CLV: clvs[i%len(clvs)], PAlive: pAlive[i%len(pAlive)],
				FirstPurchase: at.AddDate(-2, 0, 0), LastPurchase: lasts[i%len(lasts)],
				HistoricalValue: fresco.Money(i%3) * 1000, HistoricalProfit: fresco.Money(i%4-2) * 100, ReferralValue: fresco.Money(i % 2),
				Segment: segments[i%len(segments)], Mercenary: i%3 == 0, Apostle: i%4 == 0, ComputedAt: at}
		}
		if err := db.ReplaceCustomerValues(ctx, vals, nil); err != nil {
			t.Fatal(err)
		}
		filters := []store.CustomerValueFilter{{}, {Segment: "loyal"}, {Mercenary: true}, {Apostle: true, Segment: "new"}}
		for _, sort := range []string{"", "clv", "historical_value", "referral_value", "p_alive", "last_purchase", "profit", "customer_id"} {
			for _, f := range filters {
				f.Sort = sort
				all, err := db.ListCustomerValues(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, limit := range []int{2, 13, 1000} {
					f.Limit = limit
					got := pageThrough(t, db, f)
					if len(got) != len(all) {
						t.Fatalf("sort %q, filter %+v, limit %d: %d rows paged, %d listed", sort, f, limit, len(got), len(all))
					}
					seen := map[int64]bool{}
					for i, v := range got {
						if v.CustomerID != all[i].CustomerID || seen[v.CustomerID] {
							t.Fatalf("sort %q, filter %+v, limit %d: row %d is customer %d, want %d (seen before: %v)",
								sort, f, limit, i, v.CustomerID, all[i].CustomerID, seen[v.CustomerID])
						}
						seen[v.CustomerID] = true
					}
				}
			}
		}

		// A cursor belongs to its sort; anything else is refused, not misread.
		_, byCLV, err := db.PageCustomerValues(ctx, store.CustomerValueFilter{Sort: "clv", Limit: 5})
		if err != nil || byCLV == "" {
			t.Fatalf("first page by clv: %q, %v", byCLV, err)
		}
		_, byID, err := db.PageCustomerValues(ctx, store.CustomerValueFilter{Sort: "customer_id", Limit: 5})
		if err != nil || byID == "" {
			t.Fatalf("first page by id: %q, %v", byID, err)
		}
		for _, bad := range []store.CustomerValueFilter{{Sort: "profit", Cursor: byCLV}, {Sort: "clv", Cursor: byID},
			{Sort: "customer_id", Cursor: byCLV}, {Cursor: "bm9uc2Vuc2U"}, {Cursor: "%%%"}} {
			if _, _, err := db.PageCustomerValues(ctx, bad); fresco.ErrorCode(err) != fresco.EINVALID {
				t.Errorf("cursor %q with sort %q: %v, want EINVALID", bad.Cursor, bad.Sort, err)
			}
		}
	})
}

// pageThrough follows next cursors from the first page to the last.
func pageThrough(t *testing.T, db *store.DB, f store.CustomerValueFilter) []*store.CustomerValue {
	t.Helper()
	var out []*store.CustomerValue
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("no last page after 1000 pages (filter %+v)", f)
		}
		page, next, err := db.PageCustomerValues(context.Background(), f)
		if err != nil {
			t.Fatalf("page %d (filter %+v): %v", pages, f, err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		f.Cursor = next
	}
}

// TestCurrentCustomerValueRefit checks that every write of customer_value
// gets a new identity, even one with no fits or the same computed_at (which
// is why neither alone identifies a refit), and that a fit written by a
// binary that knows nothing of the token moves it too.
func TestCurrentCustomerValueRefit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		current := func() store.CustomerValueRefit {
			t.Helper()
			r, err := db.CurrentCustomerValueRefit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if got := current(); got != (store.CustomerValueRefit{}) {
			t.Fatalf("before any refit: %+v, want the zero value", got)
		}
		seen := map[store.CustomerValueRefit]bool{{}: true}
		at := day(2026, 1, 1)
		for i, fits := range [][]*store.CLVFit{nil, nil, {{Model: "bgnbd", Params: "{}", Detail: "{}", ComputedAt: at}}} {
			if err := db.ReplaceCustomerValues(ctx, nil, fits); err != nil {
				t.Fatal(err)
			}
			got := current()
			if got.Token == "" || seen[got] {
				t.Fatalf("write %d: identity %+v is empty or not new", i, got)
			}
			seen[got] = true
			if len(fits) > 0 && got.LastFitID != fits[0].ID {
				t.Errorf("write %d: last fit %d, want %d", i, got.LastFitID, fits[0].ID)
			}
		}
		before := current()
		if _, err := db.Exec(ctx, `INSERT INTO clv_fits (model, params, log_likelihood, customers, converged, detail, computed_at)
			VALUES ('bgnbd', '{}', 0, 0, TRUE, '{}', ?)`, at); err != nil {
			t.Fatal(err)
		}
		if after := current(); after.Token != before.Token || after.LastFitID <= before.LastFitID {
			t.Errorf("a fit written without the token: %+v → %+v, want the same token and a higher fit id", before, after)
		}
	})
}
