package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// value_answers as its triggers keep it equals a rebuild from the answers
// after responses recorded, corrected (scores, items, dates moved into the
// past), answers withdrawn or added late, and responses deleted; a rebuild
// restores it when damaged; and the value drivers read through it count
// what the driver report counts from all the answers.
func TestValueAnswersIncrementalEqualsRebuild(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		w.applyRandomWrites(t, ctx, db, rand.New(rand.NewPCG(70, 1)), 400)
		kept, err := store.ValueAnswerRows(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		rebuilt, err := store.ValueAnswerRows(ctx, db, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(kept) < 30 {
			t.Fatalf("only %d value answers: the random writes did not exercise them", len(kept))
		}
		if !reflect.DeepEqual(kept, rebuilt) {
			t.Fatalf("value_answers (%d rows) differs from a rebuild (%d rows)\nkept %+v\nrebuilt %+v", len(kept), len(rebuilt), kept, rebuilt)
		}

		isValue := map[string]bool{}
		for _, a := range kept {
			isValue[a.Item] = true
		}
		for _, f := range []store.ResponseFilter{{},
			{From: time.Date(2024, 3, 17, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 2, 9, 0, 0, 0, 0, time.UTC)}} {
			got, err := db.ValueDriverCounts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			all, err := db.DriverCounts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var want []store.DriverCount
			for _, c := range all {
				if isValue[c.Item] {
					want = append(want, c)
				}
			}
			if len(want) == 0 || !reflect.DeepEqual(got, want) {
				t.Errorf("value drivers %+v over %v, want the driver report's %+v", got, f, want)
			}
		}

		if _, err := db.Exec(ctx, `DELETE FROM value_answers WHERE position = 0`); err != nil {
			t.Fatal(err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.RebuildFeedbackRollups(ctx); return err }); err != nil {
			t.Fatal(err)
		}
		if differ, err := store.RollupDifferences(ctx, db); err != nil || len(differ) > 0 {
			t.Fatalf("after a rebuild these differ: %v (%v)", differ, err)
		}
	})
}
