package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Analyze gives PostgreSQL's planner the row counts of what was just
// loaded (a table never analysed has reltuples -1), and only Fresco's
// schema; on SQLite it is a no-op that succeeds.
func TestAnalyze(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
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

// VacuumAnalyze also marks the loaded pages all-visible, so that index-only
// scans stay in the index; on SQLite it is a no-op that succeeds.
func TestVacuumAnalyze(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
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
		var visible int
		err := db.QueryRow(ctx, `SELECT reltuples, relallvisible FROM pg_class WHERE oid = 'customers'::regclass`).Scan(&tuples, &visible)
		if err != nil {
			t.Fatal(err)
		}
		if tuples != 3 || visible < 1 {
			t.Errorf("after: reltuples %v, relallvisible %d; want 3 and at least 1", tuples, visible)
		}
	})
}
