package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Lines written beside the writer and copied in at Finish are the lines of
// the purchases, every field, none before Finish; with foreign key checks
// skipped the stored rows still pass SQLite's foreign key check.
func TestLinesBesideStoreEveryLine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	loc := &fresco.Location{Name: "Shop"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	var products []*fresco.Product
	for i := range 3 {
		p := &fresco.Product{SKU: fmt.Sprint("P", i), Name: fmt.Sprint("Product ", i), ListPrice: 100}
		if err := db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
		products = append(products, p)
	}
	cust := &fresco.Customer{Name: "Ann"}
	if err := db.CreateCustomer(ctx, cust); err != nil {
		t.Fatal(err)
	}
	checkAgain, err := db.SkipForeignKeyChecks(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := db.WriteLinesBeside(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lines.Abandon()
	var want []string
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	for batch := range 3 {
		var ps []*fresco.Purchase
		for i := range 700 { // more lines a batch than one multi-row INSERT takes
			p := &fresco.Purchase{CustomerID: &cust.ID, LocationID: &loc.ID, PurchasedAt: at.Add(time.Duration(batch*1000+i) * time.Minute)}
			for n := range 1 + i%3 {
				pr := products[(i+n)%len(products)]
				p.Lines = append(p.Lines, fresco.PurchaseLine{ProductID: pr.ID, SKU: pr.SKU, Description: fmt.Sprintf("%s, %d", pr.Name, i),
					Quantity: int64(1 + n), UnitPrice: fresco.Money(100 + i), Discount: fresco.Money(n)})
			}
			ps = append(ps, p)
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			tx.LeaveLinesOut()
			return tx.InsertPurchases(ctx, ps)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := lines.Write(ctx, ps); err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			for n, l := range p.Lines {
				want = append(want, fmt.Sprintf("%d|%d|%d|%s|%d|%d|%d", p.ID, n+1, l.ProductID, l.Description, l.Quantity, l.UnitPrice, l.Discount))
			}
		}
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM purchase_lines`); n != 0 {
		t.Fatalf("%d lines stored before Finish", n)
	}
	if err := lines.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	lines.Abandon() // after Finish: nothing more to do
	if err := checkAgain(ctx); err != nil {
		t.Fatal(err)
	}
	got := queryStrings(t, ctx, db, `SELECT purchase_id, line_no, product_id, description, quantity, unit_price, discount FROM purchase_lines`)
	var gotRows []string
	for _, r := range got {
		gotRows = append(gotRows, fmt.Sprint(r[0], "|", r[1], "|", r[2], "|", r[3], "|", r[4], "|", r[5], "|", r[6]))
	}
	slices.Sort(want)
	slices.Sort(gotRows)
	if !slices.Equal(gotRows, want) {
		t.Fatalf("%d lines stored, want %d; first stored %q, first wanted %q", len(gotRows), len(want), first(gotRows), first(want))
	}
	if n := countRows(t, db, `SELECT COUNT(*) FROM pragma_foreign_key_check`); n != 0 {
		t.Fatalf("%d rows fail the foreign key check", n)
	}
	// The checks are on again: a line of a missing purchase is refused.
	if _, err := db.Exec(ctx, `INSERT INTO purchase_lines (purchase_id, line_no, product_id, quantity, unit_price) VALUES (999999, 1, ?, 1, 1)`, products[0].ID); err == nil {
		t.Fatal("a line of a missing purchase was stored after the checks came back")
	}
}

// A load that is abandoned stores no line, and PostgreSQL, whose COPY
// writes the lines with the purchases, has no lines beside.
func TestLinesBesideAbandonedAndOnPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	lines, err := db.WriteLinesBeside(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := lines.Write(ctx, []*fresco.Purchase{{ID: 1, Lines: []fresco.PurchaseLine{{ProductID: 1, Quantity: 1}}}}); err != nil {
		t.Fatal(err)
	}
	lines.Abandon()
	if n := countRows(t, db, `SELECT COUNT(*) FROM purchase_lines`); n != 0 {
		t.Fatalf("%d lines stored by an abandoned load", n)
	}
	if err := lines.Finish(ctx); err == nil {
		t.Error("Finish after Abandon succeeded")
	}

	pg := storetest.Open(t, storetest.PostgresURL(t))
	if _, err := pg.WriteLinesBeside(ctx); err == nil {
		t.Error("PostgreSQL wrote lines beside")
	}
	err = pg.InTx(ctx, func(tx *store.Tx) error {
		tx.LeaveLinesOut()
		return tx.InsertPurchases(ctx, []*fresco.Purchase{{PurchasedAt: time.Now()}})
	})
	if err == nil {
		t.Error("PostgreSQL stored purchases leaving their lines out")
	}
}

func countRows(t *testing.T, db *store.DB, q string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func first(rows []string) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0]
}
