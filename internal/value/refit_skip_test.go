package value_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// TestRefitSkipsCustomerBeyondLimits: a purchase line written past the
// limits (as rows from before them, or by hand, can be) used to overflow
// the refit's sums for everyone, for good. Now that customer is left out,
// named in the result and in the recorded progress, and everyone else is
// refitted as before.
func TestRefitSkipsCustomerBeyondLimits(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		x := newTiny(t, db)
		ctx := context.Background()
		if _, err := db.Exec(ctx, `UPDATE purchase_lines SET quantity = 9223372036854775807
			WHERE purchase_id IN (SELECT id FROM purchases WHERE customer_id = ?)`, x.bob); err != nil {
			t.Fatal(err)
		}
		svc := value.New(db, value.Options{Now: func() time.Time { return now }})
		res, err := svc.RefitWithProgress(ctx)
		if err != nil {
			t.Fatalf("refit failed for everyone: %v", err)
		}
		if res.Customers != 3 || res.Skipped.Count != 1 || len(res.Skipped.Customers) != 1 || res.Skipped.Customers[0] != x.bob {
			t.Fatalf("refit %d customers, skipped %+v; want 3 and bob (%d)", res.Customers, res.Skipped, x.bob)
		}
		if _, err := db.CustomerValueOf(ctx, x.bob); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("bob's value: %v, want not found", err)
		}
		ann, err := svc.Customer(ctx, x.ann)
		if err != nil {
			t.Fatal(err)
		}
		near(t, "ann historical", ann.HistoricalValue, 112) // as in TestRefitByHand: untouched by bob
		prog, err := svc.RefitProgress(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if prog == nil || prog.Phase != value.PhaseDone || prog.Skipped == nil || prog.Skipped.Count != 1 {
			t.Fatalf("recorded progress %+v, want done with one skipped", prog)
		}
	})
}
