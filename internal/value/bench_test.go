package value_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// benchCustomers is the size of the benchmarks' refit: large enough that
// reading every row per request shows.
const benchCustomers = 200_000

// BenchmarkValueSummary times the CLV summary (GET /api/v1/clv/summary) on
// 200,000 customer_value rows in SQLite: computed (what every request cost
// before the views were cached, and what the first request after a refit
// still costs) and cached (every other request: the refit's identity is
// read, the view copied out of memory):
//
//	go test ./internal/value -run '^$' -bench 'BenchmarkValueSummary$' -benchtime 10x
func BenchmarkValueSummary(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	b.Run("computed", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.ComputeSummary(ctx, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cached", func(b *testing.B) {
		benchCached(b, func() error { _, err := svc.Summary(ctx, 20); return err })
	})
}

// BenchmarkValueViews times the other views of the /value page on the same
// data: the Pareto curve and the segment table, computed and cached; the
// three cached views the page asks for together; and a page of the top
// customers (a list, which is not cached: it shows names, which change
// without a refit).
func BenchmarkValueViews(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	pareto := func() error { _, err := svc.Pareto(ctx, "profit", 20, 20); return err }
	segments := func() error { _, err := svc.Segments(ctx); return err }
	summary := func() error { _, err := svc.Summary(ctx, 20); return err }
	b.Run("pareto/computed", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.ComputePareto(ctx, "profit", 20, 20); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pareto/cached", func(b *testing.B) { benchCached(b, pareto) })
	b.Run("segments/computed", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.ComputeSegments(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("segments/cached", func(b *testing.B) { benchCached(b, segments) })
	b.Run("page/cached", func(b *testing.B) {
		benchCached(b, func() error { return errors.Join(summary(), pareto(), segments()) })
	})
	b.Run("apostles", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.List(ctx, value.ListFilter{Flag: "apostle", Sort: "referral_value", Limit: 15}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchCached times get once its view is in the cache: the first call,
// which computes it, is not timed.
func benchCached(b *testing.B, get func() error) {
	if err := get(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := get(); err != nil {
			b.Fatal(err)
		}
	}
}

// benchService returns a service over a fresh SQLite database holding a
// refit of benchCustomers customers.
func benchService(b *testing.B) *value.Service {
	b.Helper()
	return benchServiceOn(b, storetest.Open(b, storetest.SQLiteURL(b)))
}

// benchServiceOn fills db with a refit of benchCustomers customers.
func benchServiceOn(b *testing.B, db *store.DB) *value.Service {
	b.Helper()
	at := time.Date(2026, 1, 1, 3, 15, 0, 0, time.UTC)
	insertBareCustomers(b, db, benchCustomers, at)
	rng := rand.New(rand.NewPCG(1, 2))
	values := make([]*fresco.CustomerValue, benchCustomers)
	for i := range values {
		values[i] = randomCustomerValue(rng, int64(i+1), at)
	}
	fits := []*fresco.CLVFit{{Model: "bgnbd", Params: `{"r":0.24,"alpha":4.4,"a":0.79,"b":2.43}`, LogLikelihood: -9582.4,
		Customers: benchCustomers, Converged: true, Detail: `{"iterations":31}`, ComputedAt: at}}
	if err := db.ReplaceCustomerValues(context.Background(), values, fits); err != nil {
		b.Fatal(err)
	}
	return value.New(db, value.Options{})
}

// insertBareCustomers adds customers 1..n in one statement (the
// benchmark needs many and nothing but their ids); every fifth was
// referred by the customer before it.
func insertBareCustomers(tb testing.TB, db *store.DB, n int, at time.Time) {
	tb.Helper()
	_, err := db.Exec(context.Background(), `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO customers (id, name, referred_by, first_seen, created_at, updated_at)
		SELECT i, 'Customer ' || i, CASE WHEN i % 5 = 0 THEN i - 1 END, ?, ?, ? FROM seq`, n, at, at, at)
	if err != nil {
		tb.Fatal(err)
	}
}

// randomCustomerValue is a plausible customer_value row: a skewed CLV,
// profits that are sometimes negative, every segment, a few flags.
func randomCustomerValue(rng *rand.Rand, id int64, at time.Time) *fresco.CustomerValue {
	purchases := 1 + rng.IntN(12)
	revenue := fresco.Money(math.Round(math.Exp(rng.NormFloat64()+8))) * fresco.Money(purchases)
	last := at.AddDate(0, 0, -rng.IntN(900))
	return &fresco.CustomerValue{
		CustomerID: id, Frequency: purchases - 1, Recency: rng.Float64() * 100, T: 100 + rng.Float64()*50,
		Monetary: rng.Float64() * 10000, Purchases: purchases,
		FirstPurchase: last.AddDate(0, 0, -rng.IntN(400)), LastPurchase: last,
		PAlive: rng.Float64(), ExpectedPurchases: rng.Float64() * 5, ExpectedSpend: rng.Float64() * 8000,
		CLV:             math.Exp(rng.NormFloat64()*1.2 + 9),
		HistoricalValue: revenue, HistoricalProfit: revenue*2/5 - fresco.Money(rng.IntN(3000)),
		RelatedSalesValue: fresco.Money(rng.IntN(5000)), ReferralValue: fresco.Money(rng.IntN(4) * rng.IntN(20000)),
		Referrals: rng.IntN(3), ReferralsTotal: rng.IntN(5),
		R: 1 + rng.IntN(5), F: 1 + rng.IntN(5), M: 1 + rng.IntN(5),
		Segment:   value.Segments[rng.IntN(len(value.Segments))],
		Mercenary: rng.IntN(40) == 0, Apostle: rng.IntN(25) == 0,
		ComputedAt: at,
	}
}

// BenchmarkRefitDemo times the whole refit (read, fit, predict, write) on a
// generated business of 2,000 customers in SQLite; the calculator's default
// period after it, from the refit (cached and uncached), and the same
// question computed from the purchases, which is what /value cost per view
// before:
//
//	go test ./internal/value -run '^$' -bench 'BenchmarkRefitDemo' -benchtime 3x
func BenchmarkRefitDemo(b *testing.B) {
	db := storetest.Open(b, storetest.SQLiteURL(b))
	end := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	if _, err := demo.Generate(context.Background(), db, demo.Options{Customers: 2000, End: end, Seed: 7}); err != nil {
		b.Fatal(err)
	}
	svc := value.New(db, value.Options{Now: func() time.Time { return end }})
	ctx := context.Background()
	b.Run("refit", func(b *testing.B) {
		var calMS float64 // the holdout check's part: three fits on the calibration period and their scores
		for b.Loop() {
			res, err := svc.Refit(ctx)
			if err != nil {
				b.Fatal(err)
			}
			calMS += res.CalibrationMS
		}
		b.ReportMetric(calMS/float64(b.N), "calibration-ms/op")
	})
	b.Run("calculator/refit-cached", func(b *testing.B) {
		benchCached(b, func() error { _, err := svc.Calculator(ctx, value.CalcInput{}); return err })
	})
	b.Run("calculator/from-purchases", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.Calculator(ctx, value.CalcInput{To: end}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkSegmentCalculator times the calculator per segment on the same
// 200,000 customer_value rows in SQLite: computed (the first request after
// a refit: one pass over the rows with a window per group) and cached
// (every other request):
//
//	go test ./internal/value -run '^$' -bench 'BenchmarkSegmentCalculator$' -benchtime 3x
func BenchmarkSegmentCalculator(b *testing.B) {
	svc := benchService(b)
	ctx := context.Background()
	in := value.SegmentCalcInput{By: store.CalcByRFM, LoyalTop: 20, LoyalMinTenureDays: 365}
	b.Run("rfm/computed", func(b *testing.B) {
		for b.Loop() {
			if _, err := svc.ComputeSegmentCalculator(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rfm/cached", func(b *testing.B) {
		benchCached(b, func() error { _, err := svc.SegmentCalculator(ctx, in); return err })
	})
}
