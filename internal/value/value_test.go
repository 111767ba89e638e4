package value_test

import (
	"context"
	"math"
	"strconv"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/clv"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// now is the fixed "today" of the tiny data set.
var now = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

func day(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

type tiny struct {
	db                *store.DB
	ann, bob, cat     int64 // cat was referred by bob, who was referred by ann
	dan               int64 // referred by cat: the chain ann → bob → cat → dan
	coffee, room, spa int64
}

// newTiny builds a business small enough to check by hand:
//
//	products: coffee (Food, price 4.00, cost 1.00), room (Rooms, 100.00, cost 40.00), spa (Spa, 50.00, cost 20.00)
//	ann  2024-01-10 2 coffee (8.00, WELCOME code); 2024-01-10 again 1 coffee (4.00);
//	     2024-03-01 1 room (100.00); 2024-05-01 1 spa with 10.00 discount (40.00);
//	     2024-05-02 refund of the spa (−40.00)
//	bob  2024-02-01 1 room (100.00, code WELCOME); 2024-02-15 1 room − 50.00 discount (50.00, code FLASH)
//	cat  2025-06-01 3 coffee (12.00)
//	dan  2025-06-02 1 spa (50.00)
//	marketing spend: 2024-01-01..2024-12-31 73.00 (0.20 a day)
func newTiny(t *testing.T, db *store.DB) *tiny {
	t.Helper()
	ctx := context.Background()
	x := &tiny{db: db}
	for _, p := range []struct {
		id        *int64
		sku, cat  string
		price, uc fresco.Money
	}{{&x.coffee, "COF", "Food", 400, 100}, {&x.room, "ROOM", "Rooms", 10000, 4000}, {&x.spa, "SPA", "Spa", 5000, 2000}} {
		pr := &fresco.Product{SKU: p.sku, Name: p.sku, Category: p.cat, ListPrice: p.price, UnitCost: p.uc}
		if err := db.CreateProduct(ctx, pr); err != nil {
			t.Fatal(err)
		}
		*p.id = pr.ID
	}
	var prev *int64
	for i, c := range []*int64{&x.ann, &x.bob, &x.cat, &x.dan} {
		cu := &fresco.Customer{Name: []string{"Ann", "Bob", "Cat", "Dan"}[i], FirstSeen: day(2024, 1, 1, 0), ReferredBy: prev}
		if err := db.CreateCustomer(ctx, cu); err != nil {
			t.Fatal(err)
		}
		*c = cu.ID
		id := cu.ID
		prev = &id
	}
	buy := func(c int64, at time.Time, promo string, lines ...fresco.PurchaseLine) {
		p := &fresco.Purchase{CustomerID: &c, PurchasedAt: at, PromotionCode: promo, Channel: "store", Lines: lines}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	line := func(prod int64, qty int64, price, disc fresco.Money) fresco.PurchaseLine {
		return fresco.PurchaseLine{ProductID: prod, Quantity: qty, UnitPrice: price, Discount: disc}
	}
	buy(x.ann, day(2024, 1, 10, 9), "WELCOME", line(x.coffee, 2, 400, 0))
	buy(x.ann, day(2024, 1, 10, 15), "", line(x.coffee, 1, 400, 0))
	buy(x.ann, day(2024, 3, 1, 10), "", line(x.room, 1, 10000, 0))
	buy(x.ann, day(2024, 5, 1, 10), "", line(x.spa, 1, 5000, 1000))
	buy(x.ann, day(2024, 5, 2, 10), "", line(x.spa, -1, 4000, 0))
	buy(x.bob, day(2024, 2, 1, 10), "WELCOME", line(x.room, 1, 10000, 0))
	buy(x.bob, day(2024, 2, 15, 10), "FLASH", line(x.room, 1, 10000, 5000))
	buy(x.cat, day(2025, 6, 1, 10), "", line(x.coffee, 3, 400, 0))
	buy(x.dan, day(2025, 6, 2, 10), "", line(x.spa, 1, 5000, 0))
	if err := db.CreateMarketingSpend(ctx, &fresco.MarketingSpend{PeriodStart: day(2024, 1, 1, 0), PeriodEnd: day(2024, 12, 31, 0),
		Channel: "radio", Amount: 7320}); err != nil { // 2024 has 366 days: 0.20 a day
		t.Fatal(err)
	}
	return x
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-6*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestPurchaseDaysByHand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newTiny(t, db)
		svc := value.New(db, value.Options{Now: func() time.Time { return now }})
		sums, days, err := svc.Summaries(context.Background(), now)
		if err != nil {
			t.Fatal(err)
		}
		if len(sums) != 4 {
			t.Fatalf("%d summaries, want 4", len(sums))
		}
		endDay := now.Truncate(24 * time.Hour)
		weeks := func(a, b time.Time) float64 { return b.Sub(a).Hours() / 24 / 7 }
		// ann: days 2024-01-10 (12.00), 03-01 (100.00), 05-01 (40.00); the refund is not a purchase day.
		a := sums[0]
		if days[0].CustomerID != x.ann || a.Frequency != 2 {
			t.Fatalf("ann: %+v", a)
		}
		near(t, "ann recency", a.Recency, weeks(day(2024, 1, 10, 0), day(2024, 5, 1, 0)))
		near(t, "ann T", a.T, weeks(day(2024, 1, 10, 0), endDay))
		near(t, "ann monetary", a.MonetaryValue, 70)
		if days[0].FirstAmount != 1200 || days[0].Total != 15200 {
			t.Errorf("ann days = %+v", days[0])
		}
		if b := sums[1]; b.Frequency != 1 || b.MonetaryValue != 50 {
			t.Errorf("bob: %+v", b)
		}
		if c := sums[2]; c.Frequency != 0 || c.MonetaryValue != 0 || c.Recency != 0 {
			t.Errorf("cat: %+v", c)
		}
	})
}

func TestCalculatorByHand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		newTiny(t, db)
		ctx := context.Background()
		svc := value.New(db, value.Options{Now: func() time.Time { return now }})
		// 2024: ann and bob. Purchases (positive): ann 4, bob 2 → 3 per customer.
		// Items in positive purchases: ann 2+1+1+1 = 5, bob 2 → 7/6 per purchase.
		// Revenue net: ann 8+4+100+40−40 = 112, bob 100+50 = 150 → 262 over 7 items = 37.43 (rounded).
		// Cost: ann 2+1+40+20−20 = 43, bob 80 → 123; margin (262−123)/262 = 0.5305.
		// New customers in 2024: 2; spend 73.20 → acquisition cost 36.60.
		c, err := svc.Calculator(ctx, value.CalcInput{From: day(2024, 1, 1, 0), To: day(2025, 1, 1, 0), LoyalTop: 50, LoyalMinTenureDays: 1})
		if err != nil {
			t.Fatal(err)
		}
		avg := c.Average
		if avg.Customers != 2 || c.Inputs.NewCustomers != 2 {
			t.Fatalf("calculation %+v", c)
		}
		near(t, "purchases per lifetime", avg.PurchasesPerLifetime, 3)
		near(t, "items per purchase", avg.ItemsPerPurchase, 1.1667)
		near(t, "average price", avg.AveragePrice, 37.43)
		near(t, "margin", avg.Margin, 0.5305)
		near(t, "acquisition cost", avg.AcquisitionCost, 36.60)
		near(t, "marketing spend", c.Inputs.MarketingSpend, 73.20)
		gross := math.Round(3*1.1667*37.43*100) / 100
		near(t, "gross value", avg.GrossValue, gross)
		near(t, "lifetime value", avg.LifetimeValue, math.Round(math.Round(gross*0.5305*100)/100*100-3660)/100)
		// Loyal: top 50% of 2 = 1 customer by purchases: ann (4 purchases, 5 items, 112.00, cost 43).
		l := c.Loyal
		if l.Customers != 1 {
			t.Fatalf("loyal %+v", l)
		}
		near(t, "loyal purchases", l.PurchasesPerLifetime, 4)
		near(t, "loyal items", l.ItemsPerPurchase, 1.25)
		near(t, "loyal price", l.AveragePrice, 22.4)
		near(t, "loyal margin", l.Margin, 0.6161)
		near(t, "loyal gross", l.GrossValue, 112)

		// Overrides: the texts' own figures.
		f := func(v float64) *float64 { return &v }
		c, err = svc.Calculator(ctx, value.CalcInput{From: day(2024, 1, 1, 0), To: day(2025, 1, 1, 0),
			PurchasesPerLifetime: f(10), ItemsPerPurchase: f(2), AveragePrice: f(5), Margin: f(1), AcquisitionCost: f(20)})
		if err != nil {
			t.Fatal(err)
		}
		near(t, "overridden LTV", c.Average.LifetimeValue, 10*2*5-20)
		near(t, "nobody has a year's tenure at 2025-01-01", float64(c.Loyal.Customers), 0)
		if len(c.Inputs.Overridden) != 5 {
			t.Errorf("overridden = %v", c.Inputs.Overridden)
		}
	})
}

func TestRefitByHand(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newTiny(t, db)
		ctx := context.Background()
		svc := value.New(db, value.Options{Now: func() time.Time { return now }})
		res, err := svc.Refit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.Customers != 4 {
			t.Fatalf("refit %+v", res)
		}
		get := func(id int64) *value.CustomerDetail {
			d, err := svc.Customer(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return d
		}
		ann, bob, cat := get(x.ann), get(x.bob), get(x.cat)
		// Referral value down the chain: ann referred bob (150), who referred cat (12), who referred dan (50).
		near(t, "ann referral value", ann.ReferralValue, 150+12+50)
		near(t, "bob referral value", bob.ReferralValue, 12+50)
		near(t, "cat referral value", cat.ReferralValue, 50)
		if ann.Referrals != 1 || ann.ReferralsTotal != 3 || len(ann.ReferralChain) != 3 || ann.ReferralChain[2].Depth != 3 {
			t.Errorf("ann's chain: %d direct, %d total, %+v", ann.Referrals, ann.ReferralsTotal, ann.ReferralChain)
		}
		// Historical value and profit; related sales: ann came for Food, then
		// bought Rooms (100) and Spa (40 − 40 refunded).
		near(t, "ann historical", ann.HistoricalValue, 112)
		near(t, "ann profit", ann.HistoricalProfit, 69)
		near(t, "ann related sales", ann.RelatedSalesValue, 100)
		near(t, "bob related sales", bob.RelatedSalesValue, 0)
		related := 0
		for _, c := range ann.Categories {
			if c.Related {
				related++
			}
		}
		if len(ann.Categories) != 3 || related != 2 {
			t.Errorf("ann's categories %+v", ann.Categories)
		}
		// bob: WELCOME first, every purchase discounted, lapsed > 180 days: a mercenary.
		if !bob.Mercenary || ann.Mercenary || cat.Mercenary {
			t.Errorf("mercenary: ann %v bob %v cat %v", ann.Mercenary, bob.Mercenary, cat.Mercenary)
		}
		if ann.Apostle { // one referral, not two
			t.Error("ann is not an apostle")
		}
		if ann.RFM.F != 3 || bob.RFM.F != 2 || bob.RFM.R != 1 || cat.Segment != value.SegHibernating { // 4 customers: R 1..4; F 1 (cat, dan), 2, 3
			t.Errorf("rfm ann %+v, cat segment %q", ann.RFM, cat.Segment)
		}
	})
}

// TestSummariesMatchEngine checks that the SQL aggregation gives, customer
// by customer, what clv.Summarise gives on the same purchases.
func TestSummariesMatchEngine(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := demoDB(t, db, 500)
		svc := value.New(db, value.Options{Now: func() time.Time { return end }})
		got, _, err := svc.Summaries(ctx, end)
		if err != nil {
			t.Fatal(err)
		}
		var txns []clv.Transaction
		cursor := ""
		for {
			page, next, err := db.ListPurchases(ctx, store.PurchaseFilter{Cursor: cursor, Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				if p.CustomerID != nil && p.Total() > 0 {
					txns = append(txns, clv.Transaction{CustomerID: strconv.FormatInt(*p.CustomerID, 10), At: p.PurchasedAt.UTC(), Amount: p.Total().Float()})
				}
			}
			if next == "" {
				break
			}
			cursor = next
		}
		want, err := clv.Summarise(func(yield func(clv.Transaction) bool) {
			for _, tx := range txns {
				if !yield(tx) {
					return
				}
			}
		}, clv.Options{Unit: clv.Week, Period: clv.Day, CalibrationEnd: end})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) || len(got) < 400 {
			t.Fatalf("%d summaries from SQL, %d from clv.Summarise", len(got), len(want))
		}
		byID := map[string]clv.Summary{}
		for _, s := range want {
			byID[s.CustomerID] = s
		}
		for _, g := range got {
			w, ok := byID[g.CustomerID]
			if !ok {
				t.Fatalf("customer %s missing from clv.Summarise", g.CustomerID)
			}
			if g.Frequency != w.Frequency || math.Abs(g.Recency-w.Recency) > 1e-9 || math.Abs(g.T-w.T) > 1e-9 ||
				math.Abs(g.MonetaryValue-w.MonetaryValue) > 1e-6 {
				t.Fatalf("customer %s: SQL %+v, engine %+v", g.CustomerID, g, w)
			}
		}
	})
}
