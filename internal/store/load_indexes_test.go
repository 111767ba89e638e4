package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// DeferLoadIndexes drops the secondary indexes of the big tables
// and its restore puts back exactly what the migrations defined.
func TestDeferLoadIndexesRestoresTheSchema(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		indexes := func() []string {
			return indexDefs(t, db, "customers", "purchases", "purchase_lines", "responses")
		}
		before := indexes()
		restore, err := db.DeferLoadIndexes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		during := indexes()
		if len(during) >= len(before) || len(during) == 0 {
			t.Fatalf("%d indexes before, %d while deferred: %v", len(before), len(during), during)
		}
		for _, def := range during {
			if !slices.Contains(before, def) {
				t.Fatalf("index %q appeared", def)
			}
		}
		if err := restore(ctx); err != nil {
			t.Fatal(err)
		}
		if after := indexes(); !slices.Equal(after, before) {
			t.Fatalf("after restore %v\nwant %v", after, before)
		}
	})
}

// indexDefs is every secondary index of tables, name and definition, in
// name order.
func indexDefs(t *testing.T, db *store.DB, tables ...string) []string {
	t.Helper()
	q := `SELECT name || ' ' || sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN (` + strings.Repeat("?, ", len(tables)-1) + `?) ORDER BY 1`
	if db.Dialect() == store.Postgres {
		q = `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()
			AND tablename IN (` + strings.Repeat("?, ", len(tables)-1) + `?) ORDER BY 1`
	}
	args := make([]any, len(tables))
	for i, name := range tables {
		args[i] = name
	}
	rows, err := db.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
