package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Analyze gives PostgreSQL's planner the row counts of what was just
// loaded (a table never analysed has reltuples -1), and only Fresco's
// schema; on SQLite it is a no-op that succeeds.
func TestAnalyze(t *testing.T) {
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 3 {
			if err := db.CreateCustomer(ctx, &fresco.Customer{ExternalID: fmt.Sprint("a", i), Name: "Ada"}); err != nil {
				t.Fatal(err)
			}
		}
		if db.Dialect() != store.Postgres {
			if err := db.Analyze(ctx); err != nil {
				t.Fatal(err)
			}
			return
		}
		reltuples := func() float64 {
			var n float64
			if err := db.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := reltuples(); n != -1 {
			t.Fatalf("before: reltuples %v, want -1 (never analysed)", n)
		}
		if err := db.Analyze(ctx); err != nil {
			t.Fatal(err)
		}
		if n := reltuples(); n != 3 {
			t.Errorf("after: reltuples %v, want 3", n)
		}
	})
}

// VacuumAnalyze vacuums as well as analyses (VACUUM is what marks pages
// all-visible; whether it can depends on other sessions' open snapshots,
// so the test checks that it ran); on SQLite it is a no-op that succeeds.
func TestVacuumAnalyze(t *testing.T) {
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		for i := range 3 {
			if err := db.CreateCustomer(ctx, &fresco.Customer{ExternalID: fmt.Sprint("v", i), Name: "Vi"}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.VacuumAnalyze(ctx); err != nil || db.Dialect() != store.Postgres {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		var tuples float64
		if err := db.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass`).Scan(&tuples); err != nil {
			t.Fatal(err)
		}
		if tuples != 3 {
			t.Errorf("after: reltuples %v, want 3", tuples)
		}
		// The statistics views are updated a moment after the command.
		var vacuums int64
		for range 50 {
			if err := db.QueryRow(ctx, `SELECT vacuum_count FROM pg_stat_user_tables WHERE relid = 'customers'::regclass`).Scan(&vacuums); err != nil {
				t.Fatal(err)
			}
			if vacuums > 0 {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Error("customers was analysed but not vacuumed")
	})
}
