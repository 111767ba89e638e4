package store_test

import (
	"context"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// refitCustomers is more customers than three of SQLite's refit
// transactions hold, so that a refit is seen between them.
const refitCustomers = 3*store.RefitRowsPerTx + 100

// addRefitCustomers inserts customers 1…refitCustomers.
func addRefitCustomers(t *testing.T, db *store.DB) {
	t.Helper()
	at := day(2026, 1, 1)
	if _, err := db.Exec(context.Background(), `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
		INSERT INTO customers (id, name, first_seen, created_at, updated_at) SELECT i, 'Customer ' || i, ?, ?, ? FROM seq`,
		refitCustomers, at, at, at); err != nil {
		t.Fatal(err)
	}
}

// refitRows yields a refit of every customer with clv = mark; before each
// row it calls before with the number of rows yielded so far. With
// repeatAt > 0, the row after repeatAt rows repeats customer 1, which
// breaks the primary key there.
func refitRows(mark float64, repeatAt int, before func(yielded int)) iter.Seq[*fresco.CustomerValue] {
	at := day(2026, 1, 1)
	return func(yield func(*fresco.CustomerValue) bool) {
		for i := range refitCustomers {
			before(i)
			id := int64(i + 1)
			if repeatAt > 0 && i == repeatAt {
				id = 1
			}
			v := &fresco.CustomerValue{CustomerID: id, CLV: mark, Segment: "new", FirstPurchase: at, LastPurchase: at, ComputedAt: at}
			if !yield(v) {
				return
			}
		}
	}
}

// servedRefit is what readers see of customer_value: its rows, the clv
// marks they carry, and the refit's identity.
type servedRefit struct {
	rows     int
	minCLV   float64
	maxCLV   float64
	identity store.CustomerValueRefit
	listed   int // through the list's query
}

func served(t *testing.T, db *store.DB) servedRefit {
	t.Helper()
	ctx := context.Background()
	var s servedRefit
	if err := db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(MIN(clv), -1), COALESCE(MAX(clv), -1) FROM customer_value`).Scan(&s.rows, &s.minCLV, &s.maxCLV); err != nil {
		t.Fatal(err)
	}
	id, err := db.CurrentCustomerValueRefit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.identity = id
	list, err := db.ListCustomerValues(ctx, store.CustomerValueFilter{Sort: "clv"})
	if err != nil {
		t.Fatal(err)
	}
	s.listed = len(list)
	return s
}

// wantServed fails unless readers see the whole of the refit marked mark.
func wantServed(t *testing.T, db *store.DB, when string, mark float64, identity store.CustomerValueRefit) {
	t.Helper()
	s := served(t, db)
	if s.rows != refitCustomers || s.listed != refitCustomers || s.minCLV != mark || s.maxCLV != mark {
		t.Fatalf("%s: readers see %d rows (%d listed), clv %v…%v; want the %d rows of refit %v", when, s.rows, s.listed, s.minCLV, s.maxCLV, refitCustomers, mark)
	}
	if identity != (store.CustomerValueRefit{}) && s.identity != identity {
		t.Fatalf("%s: refit identity %+v, want %+v", when, s.identity, identity)
	}
}

// TestRefitIsAtomicForReaders: while a refit is written, readers see the
// previous refit whole; a refit that fails half way (after SQLite has
// committed some of its transactions) leaves the previous one served; the
// next refit replaces it whole, and on SQLite leaves no table behind,
// even after a crash that left both of the refit's tables.
func TestRefitIsAtomicForReaders(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		addRefitCustomers(t, db)
		indexes := valueIndexes(t, db)
		none := func(int) {}
		if err := db.ReplaceCustomerValuesSeq(ctx, refitRows(1, 0, none), nil); err != nil {
			t.Fatal(err)
		}
		first := served(t, db).identity
		wantServed(t, db, "after the first refit", 1, first)

		// Fails on its last batch, the earlier ones committed.
		checks := 0
		watch := func(yielded int) {
			if yielded%store.RefitRowsPerTx == 1 {
				checks++
				wantServed(t, db, "during a refit that fails", 1, first)
			}
		}
		if err := db.ReplaceCustomerValuesSeq(ctx, refitRows(2, refitCustomers-10, watch), nil); err == nil {
			t.Fatal("a refit repeating a customer succeeded")
		}
		if checks < 3 {
			t.Fatalf("looked %d times during the refit", checks)
		}
		wantServed(t, db, "after a refit failed half way", 1, first)
		if db.Dialect() == store.SQLite {
			if got := valueTables(t, db); !slices.Contains(got, store.StagingValues) {
				t.Fatalf("tables after a failed refit: %q; the test means to leave %s", got, store.StagingValues)
			}
		}

		// The next refits: one after the failure, one after a crash (SQLite).
		for _, mark := range []float64{3, 4} {
			before := served(t, db)
			watch = func(yielded int) {
				if yielded%store.RefitRowsPerTx == 1 {
					wantServed(t, db, "during the next refit", before.minCLV, before.identity)
				}
			}
			if err := db.ReplaceCustomerValuesSeq(ctx, refitRows(mark, 0, watch), nil); err != nil {
				t.Fatal(err)
			}
			wantServed(t, db, "after the next refit", mark, store.CustomerValueRefit{})
			if s := served(t, db); s.identity == before.identity {
				t.Fatal("the refit identity did not change")
			}
			if got := valueIndexes(t, db); !slices.Equal(got, indexes) {
				t.Fatalf("indexes after the refits:\n%q\nwant:\n%q", got, indexes)
			}
			if db.Dialect() == store.SQLite {
				if got := valueTables(t, db); !slices.Equal(got, []string{"customer_value"}) {
					t.Fatalf("tables after the refits: %q, want customer_value alone", got)
				}
				leaveRetiredTable(t, db)
			}
		}
	})
}

// leaveRetiredTable leaves what a crash right after a SQLite refit's
// switch would: the replaced rows in customer_value_old, under the index
// names the next refit will want.
func leaveRetiredTable(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	if _, err := db.Exec(ctx, `CREATE TABLE customer_value_old AS SELECT * FROM customer_value`); err != nil {
		t.Fatal(err)
	}
	for _, name := range queryStrings(t, ctx, db, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customer_value' AND sql IS NOT NULL`) {
		if _, err := db.Exec(ctx, `CREATE INDEX `+store.SwapIndexName(name[0])+` ON customer_value_old (clv)`); err != nil {
			t.Fatal(err)
		}
	}
}

// valueTables is the tables whose names begin with customer_value.
func valueTables(t *testing.T, db *store.DB) []string {
	t.Helper()
	var names []string
	for _, row := range queryStrings(t, context.Background(), db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'customer\_value%' ESCAPE '\' ORDER BY name`) {
		names = append(names, row[0])
	}
	return names
}

// TestRefitWritesInShortTransactions (SQLite): no transaction of a refit
// holds more than RefitRowsPerTx of its rows. Before each row is asked
// for, every row asked for earlier but the last RefitRowsPerTx−1 is
// committed (readers count it in customer_value_next): a transaction of
// more rows would leave more uncommitted at the time its last row was
// asked for. A refit started while another is being written takes over;
// the earlier one stops rather than mixing its rows in.
func TestRefitWritesInShortTransactions(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	addRefitCustomers(t, db)
	most := 0
	watch := func(yielded int) {
		var committed int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM `+store.StagingValues).Scan(&committed); err != nil {
			t.Fatal(err)
		}
		most = max(most, yielded-committed)
	}
	if err := db.ReplaceCustomerValuesSeq(ctx, refitRows(1, 0, watch), nil); err != nil {
		t.Fatal(err)
	}
	if most >= store.RefitRowsPerTx {
		t.Fatalf("%d rows asked for and not yet committed, want under %d", most, store.RefitRowsPerTx)
	}
	if most < store.RefitRowsPerTx/2 {
		t.Fatalf("at most %d rows uncommitted: the watch saw nothing", most)
	}
	wantServed(t, db, "after the refit", 1, store.CustomerValueRefit{})

	// Another refit, whole, while the first is between two transactions.
	var later error
	takeOver := func(yielded int) {
		if yielded == store.RefitRowsPerTx+1 {
			later = db.ReplaceCustomerValuesSeq(ctx, refitRows(3, 0, func(int) {}), nil)
		}
	}
	err := db.ReplaceCustomerValuesSeq(ctx, refitRows(2, 0, takeOver), nil)
	if later != nil {
		t.Fatalf("the later refit: %v", later)
	}
	if fresco.ErrorCode(err) != fresco.ECONFLICT {
		t.Fatalf("the earlier refit, taken over: %v, want a conflict", err)
	}
	wantServed(t, db, "after a refit took over", 3, store.CustomerValueRefit{})
}

// TestRefitRefusesAViewOverCustomerValue (SQLite): a view naming
// customer_value would follow the old table on the switch and then break
// when it is dropped, so the refit refuses to start, naming the view, and
// the rows stay served.
func TestRefitRefusesAViewOverCustomerValue(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	addRefitCustomers(t, db)
	if err := db.ReplaceCustomerValuesSeq(ctx, refitRows(1, 0, func(int) {}), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `CREATE VIEW loyal_values AS SELECT customer_id, clv FROM customer_value WHERE segment = 'loyal'`); err != nil {
		t.Fatal(err)
	}
	err := db.ReplaceCustomerValuesSeq(ctx, refitRows(2, 0, func(int) {}), nil)
	if err == nil || !strings.Contains(err.Error(), "view loyal_values") {
		t.Fatalf("a refit with a view over customer_value: %v, want an error naming the view", err)
	}
	wantServed(t, db, "after the refused refit", 1, store.CustomerValueRefit{})
}
