package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The tab counts of the case inbox and of the response list read only
// their own table: the joins that add the customer's, owner's and post's
// names are left out of the plan on both engines. Through them, a count of
// 10,000 cases on PostgreSQL at a million customers read the customers.
func TestListCountsReadNoJoinedTable(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		joined := map[string][]string{
			"cases":     {"customers", "employees", " cu", " e "},
			"responses": {"customers", "listening_posts", "locations", " cu", " p ", " lo"},
		}
		for list, query := range db.CountQueries() {
			explain := "EXPLAIN QUERY PLAN "
			if db.Dialect() == store.Postgres {
				explain = "EXPLAIN (COSTS OFF) "
			}
			rows, err := db.Query(ctx, explain+query, store.MaxCount+1)
			if err != nil {
				t.Fatalf("%s: %v", list, err)
			}
			var plan strings.Builder
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				plan.WriteString(fmt.Sprint(vals[len(vals)-1]) + "\n") // the step's text: detail on SQLite, the line on PostgreSQL
			}
			rows.Close()
			if plan.Len() == 0 {
				t.Fatalf("%s: no plan", list)
			}
			for _, table := range joined[list] {
				if strings.Contains(plan.String()+" ", table) {
					t.Errorf("%s: the count's plan reads %q:\n%s", list, strings.TrimSpace(table), plan.String())
				}
			}
		}
	})
}
