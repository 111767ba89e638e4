package store_test

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The SQLite and PostgreSQL migration trees are written by hand, twice. This
// test migrates a fresh database on each engine and compares what the
// migrations built — tables, columns (under a type map), nullability, indexes,
// foreign keys and CHECK constraints — so the twins cannot drift apart.
func TestMigrationTreesDefineTheSameSchema(t *testing.T) {
	if os.Getenv("FRESCO_TEST_POSTGRES_URL") == "" {
		t.Skip("FRESCO_TEST_POSTGRES_URL is not set: nothing to compare SQLite with")
	}
	ctx := context.Background()
	lite := describeSQLite(t, ctx, storetest.Open(t, storetest.SQLiteURL(t)))
	pg := describePostgres(t, ctx, storetest.Open(t, storetest.PostgresURL(t)))
	if len(lite) < 20 {
		t.Fatalf("SQLite schema has only %d facts: introspection is broken", len(lite))
	}
	for _, fact := range lite {
		if !slices.Contains(pg, fact) {
			t.Errorf("only in SQLite: %s", fact)
		}
	}
	for _, fact := range pg {
		if !slices.Contains(lite, fact) {
			t.Errorf("only in PostgreSQL: %s", fact)
		}
	}
}

// typeClass maps each engine's declared column type to the one kind of value
// both engines store in it.
func typeClass(declared string) string {
	t := strings.ToLower(strings.TrimSpace(declared))
	switch {
	case t == "integer" || t == "bigint" || t == "smallint":
		return "integer"
	case t == "text" || strings.HasPrefix(t, "character varying") || strings.HasPrefix(t, "varchar"):
		return "text"
	case t == "boolean":
		return "boolean"
	case t == "timestamp" || t == "timestamptz" || strings.HasPrefix(t, "timestamp with"):
		return "timestamp"
	case t == "date":
		return "date"
	case t == "real" || t == "double precision" || t == "float8":
		return "real"
	case t == "blob" || t == "bytea":
		return "bytes"
	default:
		return "unmapped:" + t
	}
}

func queryStrings(t *testing.T, ctx context.Context, db *store.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.Query(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			if v != nil {
				row[i] = fmt.Sprint(v)
			}
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var checkKeyword = regexp.MustCompile(`(?i)\bCHECK\s*\(`)

func describeSQLite(t *testing.T, ctx context.Context, db *store.DB) []string {
	var facts []string
	tables := queryStrings(t, ctx, db, `SELECT name, sql FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version' ORDER BY name`)
	for _, tbl := range tables {
		name := tbl[0]
		facts = append(facts, "table "+name)
		for _, c := range queryStrings(t, ctx, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?)`, name) {
			notNull := c[2] == "1" || c[3] != "0" // a primary key is never NULL
			facts = append(facts, columnFact(name, c[0], typeClass(c[1]), notNull))
		}
		for _, ix := range queryStrings(t, ctx, db, `SELECT name, "unique", partial FROM pragma_index_list(?)`, name) {
			var cols []string
			for _, c := range queryStrings(t, ctx, db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, ix[0]) {
				cols = append(cols, orExpr(c[0]))
			}
			facts = append(facts, indexFact(name, cols, ix[1] == "1", ix[2] == "1"))
		}
		for _, fk := range queryStrings(t, ctx, db, `SELECT "table", "from", "to", on_delete FROM pragma_foreign_key_list(?)`, name) {
			facts = append(facts, foreignKeyFact(name, fk[1], fk[0], fk[2], fk[3]))
		}
		facts = append(facts, fmt.Sprintf("table %s has %d CHECK constraints", name, len(checkKeyword.FindAllString(tbl[1], -1))))
		// INTEGER PRIMARY KEY is SQLite's rowid alias: it has no index of its
		// own, where PostgreSQL indexes its primary key.
		for _, c := range queryStrings(t, ctx, db, `SELECT name FROM pragma_table_info(?) WHERE pk = 1 AND lower(type) = 'integer'
			AND (SELECT COUNT(*) FROM pragma_table_info(?) WHERE pk > 0) = 1`, name, name) {
			facts = append(facts, indexFact(name, []string{c[0]}, true, false))
		}
	}
	slices.Sort(facts)
	return slices.Compact(facts)
}

func describePostgres(t *testing.T, ctx context.Context, db *store.DB) []string {
	var facts []string
	tables := queryStrings(t, ctx, db, `SELECT c.oid::text, c.relname FROM pg_class c
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND c.relname <> 'goose_db_version'
		ORDER BY c.relname`)
	for _, tbl := range tables {
		oid, name := tbl[0], tbl[1]
		facts = append(facts, "table "+name)
		for _, c := range queryStrings(t, ctx, db, `SELECT a.attname, format_type(a.atttypid, NULL), a.attnotnull::text
			FROM pg_attribute a WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped`, oid) {
			facts = append(facts, columnFact(name, c[0], typeClass(c[1]), c[2] == "true"))
		}
		for _, ix := range queryStrings(t, ctx, db, `SELECT i.indexrelid::text, i.indisunique::text, (i.indpred IS NOT NULL)::text
			FROM pg_index i WHERE i.indrelid = ?::oid`, oid) {
			var cols []string
			for _, c := range queryStrings(t, ctx, db, `SELECT COALESCE(a.attname, '')
				FROM unnest((SELECT indkey::int2[] FROM pg_index WHERE indexrelid = ?::oid)) WITH ORDINALITY AS k(attnum, n)
				LEFT JOIN pg_attribute a ON a.attrelid = ?::oid AND a.attnum = k.attnum AND k.attnum > 0
				ORDER BY k.n`, ix[0], oid) {
				cols = append(cols, orExpr(c[0]))
			}
			facts = append(facts, indexFact(name, cols, ix[1] == "true", ix[2] == "true"))
		}
		// One fact a column pair, as SQLite's pragma lists a composite key.
		for _, fk := range queryStrings(t, ctx, db, `SELECT r.relname, a.attname, ra.attname, con.confdeltype::text
			FROM pg_constraint con
			CROSS JOIN LATERAL unnest(con.conkey, con.confkey) AS k(col, refcol)
			JOIN pg_class r ON r.oid = con.confrelid
			JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.col
			JOIN pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refcol
			WHERE con.conrelid = ?::oid AND con.contype = 'f'`, oid) {
			facts = append(facts, foreignKeyFact(name, fk[1], fk[0], fk[2], pgDeleteAction[fk[3]]))
		}
		for _, fk := range triggerForeignKeys {
			if fk.table == name && hasTriggers(t, ctx, db, fk.triggers) {
				facts = append(facts, foreignKeyFact(fk.table, fk.column, fk.refTable, "id", fk.onDelete))
			}
		}
		checks := queryStrings(t, ctx, db, `SELECT COUNT(*) FROM pg_constraint WHERE conrelid = ?::oid AND contype = 'c'`, oid)
		facts = append(facts, fmt.Sprintf("table %s has %s CHECK constraints", name, checks[0][0]))
	}
	slices.Sort(facts)
	return slices.Compact(facts)
}

// triggerForeignKeys are the references PostgreSQL checks with triggers
// once a statement instead of with a foreign key once a row (migrations
// 00042 and 00065): each counts as the foreign key SQLite has when all its triggers
// are in place.
var triggerForeignKeys = []struct {
	table, column, refTable, onDelete string
	triggers                          []string // table.trigger
}{
	{"purchase_lines", "purchase_id", "purchases", "CASCADE", []string{"purchase_lines.purchase_lines_references_insert",
		"purchase_lines.purchase_lines_references_update", "purchases.purchases_delete_lines", "purchases.purchases_keep_id"}},
	{"purchase_lines", "product_id", "products", "NO ACTION", []string{"purchase_lines.purchase_lines_references_insert",
		"purchase_lines.purchase_lines_references_update", "products.products_keep_referenced", "products.products_keep_id"}},
	{"purchases", "customer_id", "customers", "NO ACTION", []string{"purchases.purchases_customer_insert",
		"purchases.purchases_customer_update", "customers.customers_keep_purchases", "customers.customers_keep_id"}},
}

// hasTriggers reports whether every table.trigger named exists in the
// current schema.
func hasTriggers(t *testing.T, ctx context.Context, db *store.DB, triggers []string) bool {
	for _, tr := range triggers {
		table, name, _ := strings.Cut(tr, ".")
		n := queryStrings(t, ctx, db, `SELECT COUNT(*) FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ? AND g.tgname = ?`, table, name)
		if n[0][0] != "1" {
			return false
		}
	}
	return true
}

// pgDeleteAction spells pg_constraint.confdeltype as SQLite's pragma does.
var pgDeleteAction = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func orExpr(column string) string {
	if column == "" {
		return "(expression)"
	}
	return column
}

func columnFact(table, column, class string, notNull bool) string {
	null := "NULL"
	if notNull {
		null = "NOT NULL"
	}
	return fmt.Sprintf("column %s.%s %s %s", table, column, class, null)
}

func indexFact(table string, columns []string, unique, partial bool) string {
	kind := "index"
	if unique {
		kind = "unique index"
	}
	if partial {
		kind = "partial " + kind
	}
	return fmt.Sprintf("%s on %s (%s)", kind, table, strings.Join(columns, ", "))
}

func foreignKeyFact(table, column, refTable, refColumn, onDelete string) string {
	if refColumn == "" {
		refColumn = "id" // SQLite leaves the referenced column empty when it is the primary key
	}
	return fmt.Sprintf("foreign key %s.%s → %s.%s on delete %s", table, column, refTable, refColumn, onDelete)
}
