package value_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// TestCalculatorFromRefitMatchesPurchases checks that the calculator's
// default period, answered from the last refit's rows, gives exactly what
// the same question computed from the purchases gives (to = the refit's
// time), for several loyal definitions, on a generated business; and that
// the second asking is served from the cache.
func TestCalculatorFromRefitMatchesPurchases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := demoDB(t, db, 400)
		svc := value.New(db, value.Options{Now: func() time.Time { return end }})
		before, err := svc.Calculator(ctx, value.CalcInput{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Refit(ctx); err != nil {
			t.Fatal(err)
		}
		for _, in := range []value.CalcInput{{}, {LoyalTop: 5}, {LoyalTop: 50, LoyalMinTenureDays: 30}, {LoyalTop: 100, LoyalMinTenureDays: 2000}} {
			cachedCalc, err := svc.Calculator(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			live := in
			live.To = end
			want, err := svc.Calculator(ctx, live)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cachedCalc, want) {
				t.Errorf("loyal top %v, tenure %d:\nfrom the refit   %+v\nfrom purchases   %+v", in.LoyalTop, in.LoyalMinTenureDays, cachedCalc, want)
			}
			if cachedCalc.Average.Customers < 300 || cachedCalc.Loyal.Customers == 0 && in.LoyalMinTenureDays < 1000 {
				t.Errorf("implausible calculation %+v", cachedCalc)
			}
		}
		// Before the refit the default came from the purchases; the same figures.
		after, err := svc.Calculator(ctx, value.CalcInput{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, after) {
			t.Errorf("before the refit %+v\nafter it %+v", before, after)
		}
		computed := svc.ViewsComputed()
		if _, err := svc.Calculator(ctx, value.CalcInput{}); err != nil {
			t.Fatal(err)
		}
		if svc.ViewsComputed() != computed {
			t.Errorf("the default calculation was computed again, not served from the refit's cache")
		}
	})
}

// TestRefitRecordsProgress checks that the refit job's refit leaves its
// progress as done, with the customers it valued. Progress is reported every
// 10 customers, so also while the rows are written: on SQLite that write
// holds the only write connection, and recording progress from inside it
// once hung the refit (the deadline makes that a failure, not a hang).
func TestRefitRecordsProgress(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := demoDB(t, db, 120)
		svc := value.New(db, value.Options{Now: func() time.Time { return end }})
		svc.SetProgressEvery(10)
		if p, err := svc.RefitProgress(ctx); err != nil || p != nil {
			t.Fatalf("progress before any refit = %+v, %v", p, err)
		}
		refitCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		res, err := svc.RefitWithProgress(refitCtx)
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.RefitProgress(ctx)
		if err != nil || p == nil || p.Phase != value.PhaseDone || p.Total != res.Customers || p.Done != res.Customers || p.Running(time.Now()) {
			t.Fatalf("progress after the refit = %+v, %v; refit %+v", p, err, res)
		}
	})
}
