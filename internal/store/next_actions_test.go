package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// referenceProductPurchasesQuery is ProductPurchases as it was before it
// grouped in Go (one row per purchase and product, named in SQL): the
// reference the faster read must agree with.
const referenceProductPurchasesQuery = `SELECT p.customer_id, l.product_id, COALESCE(NULLIF(MIN(pr.name), ''), MIN(pr.sku)), p.purchased_at
	FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id JOIN products pr ON pr.id = l.product_id
	WHERE p.customer_id IN (%s) AND p.purchased_at >= ? AND l.quantity > 0
	GROUP BY p.customer_id, l.product_id, p.id, p.purchased_at
	ORDER BY p.customer_id, l.product_id, p.purchased_at, p.id`

// ProductPurchases gives, on a random history (products on two lines of
// one purchase, returns, unnamed products, purchases before since and
// customers not asked for), exactly the reference query's rows, cut to
// the products bought in at least times purchases.
func TestProductPurchasesMatchReference(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		r := rand.New(rand.NewPCG(10, 64))
		at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Exec(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		for i := 1; i <= 6; i++ {
			name := fmt.Sprintf("Product %d", i)
			if i == 3 {
				name = "" // shown by its SKU
			}
			exec(`INSERT INTO products (id, sku, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, i, fmt.Sprintf("SKU-%d", i), name, at, at)
		}
		var ids []int64
		for c := 1; c <= 8; c++ {
			exec(`INSERT INTO customers (id, name, first_seen, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`, c, fmt.Sprintf("C%d", c), at, at, at)
			if c != 8 {
				ids = append(ids, int64(c))
			}
		}
		purchase := 0
		for c := 1; c <= 8; c++ {
			for range 4 + r.IntN(12) {
				purchase++
				when := at.AddDate(0, 0, -r.IntN(500)).Add(time.Duration(r.IntN(86400)) * time.Second)
				exec(`INSERT INTO purchases (id, customer_id, purchased_at, total, items, created_at) VALUES (?, ?, ?, 100, 1, ?)`, purchase, c, when, when)
				for line := 1; line <= 1+r.IntN(3); line++ {
					qty := 1
					if r.IntN(6) == 0 {
						qty = -1 // a return
					}
					exec(`INSERT INTO purchase_lines (purchase_id, line_no, product_id, quantity, unit_price) VALUES (?, ?, ?, ?, 100)`,
						purchase, line, 1+r.IntN(4+c%3), qty)
				}
			}
		}
		since := at.AddDate(0, 0, -365)
		args := []any{}
		for _, id := range ids {
			args = append(args, id)
		}
		rows, err := db.Query(ctx, fmt.Sprintf(referenceProductPurchasesQuery, "?"+strings.Repeat(", ?", len(ids)-1)), append(args, since)...)
		if err != nil {
			t.Fatal(err)
		}
		var want []store.ProductPurchase
		for rows.Next() {
			var p store.ProductPurchase
			if err := rows.Scan(&p.CustomerID, &p.ProductID, &p.Product, &p.At); err != nil {
				t.Fatal(err)
			}
			p.At = p.At.UTC()
			want = append(want, p)
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
		if len(want) < 40 {
			t.Fatalf("only %d reference rows: the history is too thin to compare", len(want))
		}
		for _, times := range []int{1, 2, 3, 4} {
			got, err := db.ProductPurchases(ctx, ids, since, times)
			if err != nil {
				t.Fatal(err)
			}
			if cut := atLeast(want, times); !slices.Equal(got, cut) {
				t.Errorf("times %d: %d rows, want %d:\n got %v\nwant %v", times, len(got), len(cut), got, cut)
			}
		}
	})
}

// atLeast keeps the runs of one customer and product of at least times rows.
func atLeast(list []store.ProductPurchase, times int) []store.ProductPurchase {
	var out []store.ProductPurchase
	for i := 0; i < len(list); {
		j := i
		for j < len(list) && list[j].CustomerID == list[i].CustomerID && list[j].ProductID == list[i].ProductID {
			j++
		}
		if j-i >= times {
			out = append(out, list[i:j]...)
		}
		i = j
	}
	return out
}

// ActiveMarks finds a mark of the first customer of the second chunk of
// ids: the chunks' reads append the time after the ids, and that append
// once wrote over the next chunk's first id (an error on PostgreSQL, the
// mark silently missed on SQLite).
func TestActiveMarksPastOneChunk(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)
		const marked = 501 // ids go in chunks of 500
		if _, err := db.Exec(ctx, `INSERT INTO customers (id, name, first_seen, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			marked, "Marked", at, at, at); err != nil {
			t.Fatal(err)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.MarkNextAction(ctx, &fresco.ActionMark{CustomerID: marked, Kind: fresco.ActionPromoter,
				Outcome: "done", Until: at.AddDate(0, 0, 30), MarkedBy: "test", MarkedAt: at})
		})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for id := int64(1); id <= 2*marked; id++ {
			ids = append(ids, id)
		}
		marks, err := db.ActiveMarks(ctx, ids, at)
		if err != nil {
			t.Fatal(err)
		}
		if len(marks) != 1 || !marks[marked][fresco.ActionPromoter] {
			t.Fatalf("marks = %v, want customer %d's %s only", marks, marked, fresco.ActionPromoter)
		}
	})
}
