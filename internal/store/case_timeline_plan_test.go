package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A case's timeline finds the cases merged into it through an index, not
// by reading every case: at a million customers that scan of 50,000 cases
// was most of the cost of a case's page. (PostgreSQL is asked to avoid
// sequential scans, which it prefers on a test's tiny tables: it still
// scans when no index serves the condition.)
func TestCaseTimelineFindsMergedCasesByIndex(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var plan string
		err := db.InTx(ctx, func(tx *store.Tx) error {
			explain := "EXPLAIN QUERY PLAN "
			if db.Dialect() == store.Postgres {
				explain = "EXPLAIN (COSTS OFF) "
				if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
					return err
				}
			}
			rows, err := tx.Query(ctx, explain+store.CaseTimelineQuery, 1, 1)
			if err != nil {
				return err
			}
			plan, err = planText(rows)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, scan := range []string{"SCAN recovery_cases", "Seq Scan on recovery_cases"} {
			if strings.Contains(plan, scan) {
				t.Errorf("the timeline reads every case to find the merged ones:\n%s", plan)
			}
		}
	})
}
