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
		vals := []*fresco.CustomerValue{
			{CustomerID: a.ID, Frequency: 1, Purchases: 3, FirstPurchase: day(2024, 3, 1), LastPurchase: day(2024, 3, 5), CLV: 12345.5,
				HistoricalValue: 10700, Segment: "lost", Mercenary: true, R: 1, F: 2, M: 3, ComputedAt: now},
			{CustomerID: b.ID, Purchases: 1, FirstPurchase: day(2024, 4, 1), LastPurchase: day(2024, 4, 1), CLV: 99999,
				Segment: "new", Apostle: true, ComputedAt: now},
		}
		fits := []*fresco.CLVFit{{Model: "bgnbd", Params: `{"r":1}`, LogLikelihood: -10, Customers: 2, Converged: true, Detail: "{}", ComputedAt: now}}
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
