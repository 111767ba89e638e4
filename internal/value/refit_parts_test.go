package value_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// TestRefitSameWhateverTheReadParts: the refit writes the same rows of
// customer_value (whose predictions come from the fits) whether it reads the purchases in one
// pass or in several ranges of customers at once — the ranges' results
// concatenate to what one pass in id order gives, and the models see the
// same summaries in the same order.
func TestRefitSameWhateverTheReadParts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: 400, End: demoEnd, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		var cals []*value.Calibration // each refit's holdout check: the same too
		refit := func(parts int) ([]*fresco.CustomerValue, *value.RefitResult) {
			t.Helper()
			svc := value.New(db, value.Options{ReadParts: parts, Now: func() time.Time { return demoEnd }})
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
			if len(cals) > 0 && !reflect.DeepEqual(cal, cals[0]) {
				t.Fatalf("%d parts: calibration %+v, one pass %+v", parts, cal, cals[0])
			}
			cals = append(cals, cal)
			return rows, res
		}
		one, oneRes := refit(1)
		if len(one) < 300 || oneRes.FitError != "" {
			t.Fatalf("one pass: %d rows, %+v", len(one), oneRes)
		}
		for _, parts := range []int{2, 3, 4} {
			rows, res := refit(parts)
			if !reflect.DeepEqual(res, oneRes) {
				t.Fatalf("%d parts: refit %+v, one pass %+v", parts, res, oneRes)
			}
			if len(rows) != len(one) {
				t.Fatalf("%d parts: %d rows, one pass %d", parts, len(rows), len(one))
			}
			for i := range rows {
				if !reflect.DeepEqual(rows[i], one[i]) {
					t.Fatalf("%d parts: row %d is %+v, one pass %+v", parts, i, rows[i], one[i])
				}
			}
		}
	})
}
