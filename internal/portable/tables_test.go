package portable

import (
	"context"
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Every foreign key of an exported table points at a table exported before
// it, at a row of its own table restored in the second pass (selfRefs), or
// is written NULL (null): otherwise an import would fail on the key, or an
// export would point at rows that never leave the old database.
func TestTablesInForeignKeyOrder(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	for i, tb := range tables {
		rows, err := db.Query(ctx, `SELECT "table", "from" FROM pragma_foreign_key_list(?)`, tb.name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var target, col string
			if err := rows.Scan(&target, &col); err != nil {
				t.Fatal(err)
			}
			earlier := slices.ContainsFunc(tables[:i], func(o table) bool { return o.name == target })
			self := target == tb.name && slices.Contains(tb.selfRefs, col)
			if !earlier && !self && !slices.Contains(tb.null, col) {
				t.Errorf("%s.%s points at %s, which is not exported before it", tb.name, col, target)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}
