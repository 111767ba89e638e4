package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCustomerValuePaging pages through customer_value with every sort and
// filter and page sizes down to 2: the pages, joined, are exactly the
// unpaged list in its order, so each customer comes once. The data is full
// of ties (a cursor holding only the value would skip or repeat rows) and
// of times with fractions of a second of different lengths.
func TestCustomerValuePaging(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 1, 1, 3, 15, 0, 0, time.UTC)
		const n = 120
		if _, err := db.Exec(ctx, `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
			INSERT INTO customers (id, name, first_seen, created_at, updated_at) SELECT i, 'Customer ' || i, ?, ?, ? FROM seq`,
			n, at, at, at); err != nil {
			t.Fatal(err)
		}
		clvs := []float64{0, 1234.5, 0.1 + 0.2, 99999.25, 1e-7}
		pAlive := []float64{0, 0.3, 1.0 / 3, 1}
		lasts := []time.Time{at.Add(-time.Hour), at.Add(-time.Hour + 500*time.Millisecond), at.Add(-time.Hour + 250*time.Millisecond),
			at.Add(-time.Hour + time.Microsecond), at.AddDate(-1, 0, 0)}
		segments := []string{"loyal", "new", "lost"}
		vals := make([]*fresco.CustomerValue, n)
		for i := range vals {
			vals[i] = &fresco.CustomerValue{CustomerID: int64(i + 1), CLV: clvs[i%len(clvs)], PAlive: pAlive[i%len(pAlive)],
				FirstPurchase: at.AddDate(-2, 0, 0), LastPurchase: lasts[i%len(lasts)],
				HistoricalValue: fresco.Money(i%3) * 1000, HistoricalProfit: fresco.Money(i%4-2) * 100, ReferralValue: fresco.Money(i % 2),
				Segment: segments[i%len(segments)], Mercenary: i%3 == 0, Apostle: i%4 == 0, ComputedAt: at}
		}
		if err := db.ReplaceCustomerValues(ctx, vals, nil); err != nil {
			t.Fatal(err)
		}
		filters := []store.CustomerValueFilter{{}, {Segment: "loyal"}, {Mercenary: true}, {Apostle: true}, {Apostle: true, Segment: "new"}}
		for _, sort := range []string{"", "clv", "historical_value", "referral_value", "p_alive", "last_purchase", "profit", "customer_id"} {
			for _, f := range filters {
				f.Sort = sort
				all, err := db.ListCustomerValues(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, limit := range []int{2, 13, 1000} {
					f.Limit = limit
					got := pageThrough(t, db, f)
					if len(got) != len(all) {
						t.Fatalf("sort %q, filter %+v, limit %d: %d rows paged, %d listed", sort, f, limit, len(got), len(all))
					}
					seen := map[int64]bool{}
					for i, v := range got {
						if v.CustomerID != all[i].CustomerID || seen[v.CustomerID] {
							t.Fatalf("sort %q, filter %+v, limit %d: row %d is customer %d, want %d (seen before: %v)",
								sort, f, limit, i, v.CustomerID, all[i].CustomerID, seen[v.CustomerID])
						}
						seen[v.CustomerID] = true
					}
				}
			}
		}

		// A cursor belongs to its sort; anything else is refused, not misread.
		_, byCLV, err := db.PageCustomerValues(ctx, store.CustomerValueFilter{Sort: "clv", Limit: 5})
		if err != nil || byCLV == "" {
			t.Fatalf("first page by clv: %q, %v", byCLV, err)
		}
		_, byID, err := db.PageCustomerValues(ctx, store.CustomerValueFilter{Sort: "customer_id", Limit: 5})
		if err != nil || byID == "" {
			t.Fatalf("first page by id: %q, %v", byID, err)
		}
		for _, bad := range []store.CustomerValueFilter{{Sort: "profit", Cursor: byCLV}, {Sort: "clv", Cursor: byID},
			{Sort: "customer_id", Cursor: byCLV}, {Cursor: "bm9uc2Vuc2U"}, {Cursor: "%%%"}} {
			if _, _, err := db.PageCustomerValues(ctx, bad); fresco.ErrorCode(err) != fresco.EINVALID {
				t.Errorf("cursor %q with sort %q: %v, want EINVALID", bad.Cursor, bad.Sort, err)
			}
		}
	})
}

// pageThrough follows next cursors from the first page to the last.
func pageThrough(t *testing.T, db *store.DB, f store.CustomerValueFilter) []*fresco.CustomerValue {
	t.Helper()
	var out []*fresco.CustomerValue
	for pages := 0; ; pages++ {
		if pages > 1000 {
			t.Fatalf("no last page after 1000 pages (filter %+v)", f)
		}
		page, next, err := db.PageCustomerValues(context.Background(), f)
		if err != nil {
			t.Fatalf("page %d (filter %+v): %v", pages, f, err)
		}
		out = append(out, page...)
		if next == "" {
			return out
		}
		f.Cursor = next
	}
}

// TestCurrentCustomerValueRefit checks that every write of customer_value
// gets a new identity, even one with no fits or the same computed_at (which
// is why neither alone identifies a refit), and that a fit written by a
// binary that knows nothing of the token moves it too.
func TestCurrentCustomerValueRefit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		current := func() store.CustomerValueRefit {
			t.Helper()
			r, err := db.CurrentCustomerValueRefit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		if got := current(); got != (store.CustomerValueRefit{}) {
			t.Fatalf("before any refit: %+v, want the zero value", got)
		}
		seen := map[store.CustomerValueRefit]bool{{}: true}
		at := day(2026, 1, 1)
		for i, fits := range [][]*fresco.CLVFit{nil, nil, {{Model: "bgnbd", Params: "{}", Detail: "{}", ComputedAt: at}}} {
			if err := db.ReplaceCustomerValues(ctx, nil, fits); err != nil {
				t.Fatal(err)
			}
			got := current()
			if got.Token == "" || seen[got] {
				t.Fatalf("write %d: identity %+v is empty or not new", i, got)
			}
			seen[got] = true
			if len(fits) > 0 && got.LastFitID != fits[0].ID {
				t.Errorf("write %d: last fit %d, want %d", i, got.LastFitID, fits[0].ID)
			}
		}
		before := current()
		if _, err := db.Exec(ctx, `INSERT INTO clv_fits (model, params, log_likelihood, customers, converged, detail, computed_at)
			VALUES ('bgnbd', '{}', 0, 0, TRUE, '{}', ?)`, at); err != nil {
			t.Fatal(err)
		}
		if after := current(); after.Token != before.Token || after.LastFitID <= before.LastFitID {
			t.Errorf("a fit written without the token: %+v → %+v, want the same token and a higher fit id", before, after)
		}
	})
}

// TestReplaceCustomerValuesKeepsIndexes: after a write customer_value has
// the indexes the migrations defined (SQLite names them the other way at
// every refit, valueIndexes); a write that fails leaves the old rows and
// every index.
func TestReplaceCustomerValuesKeepsIndexes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		before := valueIndexes(t, db)
		if len(before) < 4 {
			t.Fatalf("customer_value has %d indexes: %q", len(before), before)
		}
		at := day(2026, 1, 1)
		if _, err := db.Exec(ctx, `INSERT INTO customers (id, name, first_seen, created_at, updated_at) VALUES (1, 'Ann', ?, ?, ?), (2, 'Bob', ?, ?, ?)`,
			at, at, at, at, at, at); err != nil {
			t.Fatal(err)
		}
		row := func(id int64, clv float64) *fresco.CustomerValue {
			return &fresco.CustomerValue{CustomerID: id, CLV: clv, Segment: "new", FirstPurchase: at, LastPurchase: at, ComputedAt: at}
		}
		for range 2 { // both sets of names
			if err := db.ReplaceCustomerValues(ctx, []*fresco.CustomerValue{row(1, 10), row(2, 20)}, nil); err != nil {
				t.Fatal(err)
			}
			if after := valueIndexes(t, db); !slices.Equal(after, before) {
				t.Fatalf("indexes after the write:\n%q\nbefore:\n%q", after, before)
			}
		}
		// PostgreSQL plans the value lists from statistics of the new rows,
		// not of the table before the write (an empty one here).
		if db.Dialect() == store.Postgres {
			var tuples float64
			if err := db.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'customer_value'::regclass`).Scan(&tuples); err != nil || tuples != 2 {
				t.Errorf("customer_value's statistics count %v rows (%v), want the 2 written", tuples, err)
			}
		}
		// The same customer twice breaks the primary key half way through.
		if err := db.ReplaceCustomerValues(ctx, []*fresco.CustomerValue{row(2, 5), row(2, 6)}, nil); err == nil {
			t.Fatal("a write repeating a customer succeeded")
		}
		if after := valueIndexes(t, db); !slices.Equal(after, before) {
			t.Fatalf("indexes after a failed write:\n%q\nbefore:\n%q", after, before)
		}
		list, err := db.ListCustomerValues(ctx, store.CustomerValueFilter{Sort: "clv"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].CustomerID != 2 || list[0].CLV != 20 || list[1].CLV != 10 {
			t.Fatalf("after a failed write the rows are %+v, want the first write's", list)
		}
	})
}

// valueIndexes is customer_value's index definitions, SQLite's names taken
// back to the migrations' (a refit names them the other way from the last)
// and its quotes of the table's name (a rename adds them) dropped.
func valueIndexes(t *testing.T, db *store.DB) []string {
	t.Helper()
	defs := indexDefs(t, db, "customer_value")
	if db.Dialect() == store.SQLite {
		for i, d := range defs {
			name, sql, _ := strings.Cut(d, " ")
			if alt := store.SwapIndexName(name); len(alt) < len(name) {
				name = alt
			}
			sql = strings.Replace(sql, `ON "customer_value"`, "ON customer_value", 1)
			defs[i] = name + " " + strings.Replace(sql, "INDEX "+strings.Fields(sql)[2]+" ", "INDEX "+name+" ", 1)
		}
		slices.Sort(defs)
	}
	return defs
}
