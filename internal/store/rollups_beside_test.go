package store_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// RebuildRollupsBeside repairs every rollup as RebuildRollups does, runs
// the writer's work, and reports the same row counts; an error of the work
// is its error.
func TestRebuildRollupsBesideRepairsEveryRollup(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, purchases := rollupHistory(t, ctx, db, rand.New(rand.NewPCG(3, 4)))
		for _, q := range []string{
			`UPDATE feedback_score_daily SET n = n + 5`,
			`DELETE FROM feedback_score_monthly WHERE dim = 'employee'`,
			`DELETE FROM feedback_driver_monthly WHERE dim = 'post'`,
			`DELETE FROM feedback_delay_monthly`,
			`DELETE FROM customer_purchase_summary`,
			`UPDATE acquisition_rollup SET revenue = revenue + 1`,
			`UPDATE baseline_month SET customers = customers + 1`,
		} {
			if _, err := db.Exec(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		indexes := summaryIndexes(t, ctx, db)
		worked := false
		counts, err := db.RebuildRollupsBeside(ctx, func(ctx context.Context) error {
			// Writes of the writer's, as the demo's index build and past
			// cases are: a case takes its customer out of the recovery
			// baseline, which the rebuild must see.
			if _, err := db.Exec(ctx, `CREATE INDEX rollups_beside_probe ON purchases (total)`); err != nil {
				return err
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.InsertCase(ctx, &fresco.Case{CustomerID: *purchases[0].CustomerID, OwnerID: w.employees[0], Source: "staff",
					Summary: "cold soup", Status: fresco.CaseOpen, State: "open", OpenedAt: purchases[0].PurchasedAt, SLAStatus: "none"})
			})
			worked = err == nil
			return err
		})
		if err != nil || !worked {
			t.Fatalf("rebuild beside: worked %v, %v", worked, err)
		}
		differ, err := store.RollupDifferences(ctx, db)
		if err != nil || len(differ) > 0 {
			t.Fatalf("after the rebuild these rollups differ from a rebuild: %v (%v)", differ, err)
		}
		if after := summaryIndexes(t, ctx, db); len(indexes) < 3 || !slices.Equal(indexes, after) {
			t.Fatalf("the summaries' indexes were %v before the rebuild, %v after", indexes, after)
		}
		again, err := db.RebuildRollups(ctx)
		if err != nil || !reflect.DeepEqual(counts, again) {
			t.Fatalf("rebuilt beside %v rows, alone %v (%v)", counts, again, err)
		}
		for _, c := range counts {
			if c.Rows == 0 {
				t.Errorf("%s: no rows: the writes did not exercise it", c.Table)
			}
		}
		failed := errors.New("the work failed")
		if _, err := db.RebuildRollupsBeside(ctx, func(context.Context) error { return failed }); !errors.Is(err, failed) {
			t.Fatalf("a failed work gave %v", err)
		}
	})
}

// summaryIndexes names the indexes of customer_purchase_summary, which
// the copy from the scratch file drops and builds again.
// Rollups computed on the other connection are copied in whole: the rows
// a rebuild computes, every index and trigger of their tables kept, and
// the writer's foreign key checks on again after the copy.
func TestCopiedRollupsMatchARebuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	rollupHistory(t, ctx, db, rand.New(rand.NewPCG(5, 6)))
	for _, q := range []string{
		`UPDATE feedback_score_daily SET n = n + 5`,
		`DELETE FROM feedback_driver_monthly WHERE dim = 'post'`,
		`DELETE FROM customer_purchase_summary WHERE customer_id % 2 = 0`,
		`UPDATE acquisition_rollup SET revenue = revenue + 1`,
		`DELETE FROM baseline_customer_month WHERE month < '2025-06'`,
	} {
		if _, err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	schema := `SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY type, name`
	before := queryStrings(t, ctx, db, schema)
	counts, err := db.CopyEveryRollupFromScratch(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if differ, err := store.RollupDifferences(ctx, db); err != nil || len(differ) > 0 {
		t.Fatalf("copied rollups differ from a rebuild: %v (%v)", differ, err)
	}
	if after := queryStrings(t, ctx, db, schema); !reflect.DeepEqual(before, after) {
		t.Fatalf("indexes and triggers changed by the copy:\nbefore %v\nafter  %v", before, after)
	}
	again, err := db.RebuildRollups(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if copied, rebuilt := rowCounts(counts), rowCounts(again); !reflect.DeepEqual(copied, rebuilt) || copied["customer_purchase_summary"] == 0 {
		t.Fatalf("copied %v rows, a rebuild %v", copied, rebuilt)
	}
	if _, err := db.Exec(ctx, `INSERT INTO customer_purchase_summary (customer_id, purchases, first_at, last_at) VALUES (999999, 1, '2025-01-01', '2025-01-01')`); err == nil {
		t.Fatal("a summary of a missing customer was stored after the copy: foreign key checks are still off")
	}
}

// rollupHistory stores responses, answers and their corrections at random
// and 60 purchases of the world's customers, through the services, and
// returns the world and the purchases.
func rollupHistory(t *testing.T, ctx context.Context, db *store.DB, r *rand.Rand) (*rollupWorld, []*fresco.Purchase) {
	t.Helper()
	w := newRollupWorld(t, ctx, db)
	w.applyRandomWrites(t, ctx, db, r, 300)
	var purchases []*fresco.Purchase
	for range 60 {
		at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(r.IntN(400*24)) * time.Hour)
		purchases = append(purchases, &fresco.Purchase{CustomerID: &w.customers[r.IntN(len(w.customers))], PurchasedAt: at,
			LocationID: &w.locations[0], Channel: "store",
			Lines: []fresco.PurchaseLine{{SKU: "X1", Description: "Thing", Quantity: 1, UnitPrice: fresco.Money(100 + r.IntN(5000))}}})
	}
	if _, err := db.SavePurchases(ctx, purchases); err != nil {
		t.Fatal(err)
	}
	return w, purchases
}

func rowCounts(counts []store.RollupCount) map[string]int64 {
	rows := map[string]int64{}
	for _, c := range counts {
		rows[c.Table] = c.Rows
	}
	return rows
}

func summaryIndexes(t *testing.T, ctx context.Context, db *store.DB) []string {
	q := `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer_purchase_summary' ORDER BY name`
	if db.Dialect() == store.Postgres {
		q = `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'customer_purchase_summary' ORDER BY indexname`
	}
	var names []string
	for _, row := range queryStrings(t, ctx, db, q) {
		names = append(names, row[0])
	}
	return names
}
