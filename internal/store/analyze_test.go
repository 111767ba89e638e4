package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// The migrations set PostgreSQL's autovacuum thresholds on the big
// append-only tables and on jobs (migration 00076): read back from the
// catalogue, table by table. SQLite has no such settings.
func TestAutovacuumSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.Postgres {
			return
		}
		ctx := context.Background()
		appended := []string{"autovacuum_analyze_scale_factor=0.02", "autovacuum_vacuum_scale_factor=0.05", "autovacuum_vacuum_insert_scale_factor=0.05"}
		want := map[string][]string{
			"purchases": appended, "purchase_lines": appended, "responses": appended, "response_answers": appended,
			"jobs": {"autovacuum_vacuum_scale_factor=0.01", "autovacuum_vacuum_cost_limit=2000"},
		}
		for table, options := range want {
			var list string
			if err := db.QueryRow(ctx, `SELECT COALESCE(array_to_string(reloptions, ','), '') FROM pg_class WHERE oid = to_regclass(?)`, table).Scan(&list); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			got := strings.Split(list, ",")
			for _, o := range options {
				if !slices.Contains(got, o) {
					t.Errorf("%s: reloptions %v, want %s among them", table, got, o)
				}
			}
		}
	})
}
