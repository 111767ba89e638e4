package store_test

import (
	"context"
	"database/sql"
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
	storetest.EachFresh(t, func(t *testing.T, db *store.DB) {
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
			plan, err := planText(rows)
			if err != nil {
				t.Fatal(err)
			}
			if plan == "" {
				t.Fatalf("%s: no plan", list)
			}
			for _, table := range joined[list] {
				if strings.Contains(plan+" ", table) {
					t.Errorf("%s: the count's plan reads %q:\n%s", list, strings.TrimSpace(table), plan)
				}
			}
		}
	})
}

// planText reads the rows of an EXPLAIN (QUERY PLAN on SQLite) into the
// text of its steps, one a line: the detail on SQLite, the line on
// PostgreSQL. It closes rows.
func planText(rows *sql.Rows) (string, error) {
	defer rows.Close()
	var plan strings.Builder
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return "", err
		}
		plan.WriteString(fmt.Sprint(vals[len(vals)-1]) + "\n")
	}
	return plan.String(), rows.Err()
}
