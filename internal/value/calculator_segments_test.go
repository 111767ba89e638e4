package value_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// TestSegmentCalculator checks the calculator per segment against the
// calculator itself on a generated business: with no filter the one
// "filter" segment is the whole business's calculation, figure for figure;
// each source's column is the filter "source = it" (the window that picks
// each group's loyal customers against a query of that group alone); the
// segments of each grouping add up to every customer; and a grouping the
// calculator does not know is refused naming by.
func TestSegmentCalculator(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := demoDB(t, db, 300)
		svc := value.New(db, value.Options{Now: func() time.Time { return end }})
		none, err := svc.SegmentCalculator(ctx, value.SegmentCalcInput{By: store.CalcByRFM})
		if err != nil || none.Refitted || len(none.Segments) != 0 {
			t.Fatalf("before any refit: %+v, %v", none, err)
		}
		if _, err := svc.Refit(ctx); err != nil {
			t.Fatal(err)
		}
		whole, err := svc.Calculator(ctx, value.CalcInput{LoyalTop: 10})
		if err != nil {
			t.Fatal(err)
		}
		all, err := svc.SegmentCalculator(ctx, value.SegmentCalcInput{By: store.CalcByFilter, LoyalTop: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Segments) != 1 || all.Segments[0].Average != whole.Average || all.Segments[0].Loyal != whole.Loyal {
			t.Fatalf("no filter:\n%+v\nthe calculator:\n%+v / %+v", all.Segments, whole.Average, whole.Loyal)
		}
		for _, by := range []string{store.CalcBySource, store.CalcByLocation, store.CalcByRFM} {
			r, err := svc.SegmentCalculator(ctx, value.SegmentCalcInput{By: by, LoyalTop: 10})
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, s := range r.Segments {
				n += s.Average.Customers
			}
			if n != whole.Average.Customers || len(r.Segments) < 2 {
				t.Errorf("by %s: %d segments of %d customers, want %d", by, len(r.Segments), n, whole.Average.Customers)
			}
			if by != store.CalcBySource {
				continue
			}
			for _, s := range r.Segments {
				one, err := svc.SegmentCalculator(ctx, value.SegmentCalcInput{By: store.CalcByFilter, LoyalTop: 10,
					Filter: store.CustomerListFilter{Source: s.Key}})
				if err != nil {
					t.Fatal(err)
				}
				got := one.Segments[0]
				got.Average.AcquisitionCost, got.Loyal.AcquisitionCost = s.Average.AcquisitionCost, s.Loyal.AcquisitionCost
				got.Average.LifetimeValue, got.Loyal.LifetimeValue = s.Average.LifetimeValue, s.Loyal.LifetimeValue
				if got.Average != s.Average || got.Loyal != s.Loyal {
					t.Errorf("source %q:\nby source %+v / %+v\nby filter %+v / %+v", s.Key, s.Average, s.Loyal, got.Average, got.Loyal)
				}
				if s.Loyal.Customers == 0 || s.Loyal.Customers > (s.Average.Customers+9)/10 {
					t.Errorf("source %q: %d loyal of %d", s.Key, s.Loyal.Customers, s.Average.Customers)
				}
			}
		}
		if _, err := svc.SegmentCalculator(ctx, value.SegmentCalcInput{By: "weekday"}); err == nil {
			t.Error("by=weekday accepted")
		}
	})
}
