package value_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"runtime/debug"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// refitOutcome is what a refit wrote and said, without its timings.
type refitOutcome struct {
	rows []*fresco.CustomerValue
	res  *value.RefitResult
	cal  *value.Calibration
}

// refitWith runs a refit with opts (at demoEnd) and reads back what it wrote.
func refitWith(t *testing.T, db *store.DB, opts value.Options) refitOutcome {
	t.Helper()
	ctx := context.Background()
	opts.Now = func() time.Time { return demoEnd }
	svc := value.New(db, opts)
	res, err := svc.Refit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.ListCustomerValues(ctx, store.CustomerValueFilter{Sort: "clv"})
	if err != nil {
		t.Fatal(err)
	}
	res.AggregateMS, res.FitMS, res.CalibrationMS, res.WriteMS, res.TotalMS = 0, 0, 0, 0, 0
	cal, err := svc.Calibration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return refitOutcome{rows: rows, res: res, cal: cal}
}

// sameOutcome fails t unless got is want: the same result, calibration
// and rows of customer_value (whose predictions come from the fits).
func sameOutcome(t *testing.T, what string, got, want refitOutcome) {
	t.Helper()
	if !reflect.DeepEqual(got.res, want.res) {
		t.Fatalf("%s: refit %+v, want %+v", what, got.res, want.res)
	}
	if !reflect.DeepEqual(got.cal, want.cal) {
		t.Fatalf("%s: calibration %+v, want %+v", what, got.cal, want.cal)
	}
	if len(got.rows) != len(want.rows) {
		t.Fatalf("%s: %d rows, want %d", what, len(got.rows), len(want.rows))
	}
	for i := range got.rows {
		if !reflect.DeepEqual(got.rows[i], want.rows[i]) {
			t.Fatalf("%s: row %d is %+v, want %+v", what, i, got.rows[i], want.rows[i])
		}
	}
}

// TestRefitSameWhateverTheReadParts: the refit writes the same rows of
// customer_value whether it reads the purchases in one pass or in several
// ranges of customers at once — the ranges' results concatenate to what
// one pass in id order gives, and the models see the same summaries in the
// same order.
func TestRefitSameWhateverTheReadParts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if _, err := demo.Generate(context.Background(), db, demo.Options{Customers: 400, End: demoEnd, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		one := refitWith(t, db, value.Options{ReadParts: 1})
		if len(one.rows) < 300 || one.res.FitError != "" {
			t.Fatalf("one pass: %d rows, %+v", len(one.rows), one.res)
		}
		for _, parts := range []int{2, 3, 4} {
			sameOutcome(t, fmt.Sprintf("%d parts", parts), refitWith(t, db, value.Options{ReadParts: parts}), one)
		}
	})
}

// TestRefitMemoryLimit: Options.RefitMemoryLimit is Go's memory limit
// while the refit runs (read when the refit asks for the owner's model,
// after the read) and the limit before it once it ends; the rows are the
// same with it as without. Not parallel, and the engines one after the
// other: the limit is the process's.
func TestRefitMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	const limit = 64 << 20
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			db := storetest.Open(t, eng.URL(t))
			if _, err := demo.Generate(context.Background(), db, demo.Options{Customers: 300, End: demoEnd, Seed: 7}); err != nil {
				t.Fatal(err)
			}
			var during int64
			choice := func(context.Context) string { during = debug.SetMemoryLimit(-1); return value.ModelAuto }
			without := refitWith(t, db, value.Options{ModelChoice: choice})
			if during != math.MaxInt64 {
				t.Fatalf("no limit set: %d during the refit", during)
			}
			with := refitWith(t, db, value.Options{ModelChoice: choice, RefitMemoryLimit: limit})
			if during != limit {
				t.Fatalf("during the refit: limit %d, want %d", during, limit)
			}
			if after := debug.SetMemoryLimit(-1); after != math.MaxInt64 {
				t.Fatalf("after the refit: limit %d, want none (as before)", after)
			}
			if len(with.rows) < 200 || with.res.FitError != "" {
				t.Fatalf("with the limit: %d rows, %+v", len(with.rows), with.res)
			}
			sameOutcome(t, "with the limit", with, without)
		})
	}
}
