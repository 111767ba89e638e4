package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A purchase line names a stored purchase and a stored product, on both
// engines, whatever writes it: SQLite checks with foreign keys, PostgreSQL
// with the statement triggers of migration 00042. A write that breaks this
// is refused whole, with a foreign-key error naming the missing key.
func TestPurchaseLinesKeepTheirReferences(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2024, 3, 10, 14, 30, 0, 0, time.UTC)
		p := &fresco.Purchase{ExternalID: "p1", PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 2, "12.50"), line("Y", 1, "3.99")}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
		product := p.Lines[0].ProductID
		const missing = 987654

		// Through the API's path: the plan names the line.
		res, err := db.SavePurchases(ctx, []*fresco.Purchase{{ExternalID: "p2", PurchasedAt: at,
			Lines: []fresco.PurchaseLine{line("X", 1, "1.00"), {ProductID: missing, Quantity: 1, UnitPrice: 100}}}})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Status != store.StatusRejected || fresco.ErrorFields(res[0].Err)[0].Field != "lines[1].product_id" {
			t.Fatalf("line with a missing product: %+v", res[0])
		}

		// Straight into the table: several rows a statement, one of them bad.
		insert := func(purchaseID, productID int64) error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.Exec(ctx, `INSERT INTO purchase_lines (purchase_id, line_no, product_id, description, quantity, unit_price, discount)
					VALUES (?, 10, ?, '', 1, 100, 0), (?, 11, ?, '', 1, 100, 0)`, p.ID, product, purchaseID, productID)
				return err
			})
		}
		for name, err := range map[string]error{
			"missing purchase": insert(missing, product),
			"missing product":  insert(p.ID, missing),
		} {
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				t.Errorf("%s: got %v, want a foreign key error", name, err)
			}
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && (pgErr.Code != "23503" || !strings.Contains(pgErr.Detail, "=(987654) is not present")) {
				t.Errorf("%s: %s %q does not name the missing key", name, pgErr.Code, pgErr.Detail)
			}
		}
		if got := lineCount(t, db, p.ID); got != 2 {
			t.Fatalf("purchase has %d lines after refused writes, want its 2", got)
		}
		if err := insert(p.ID, product); err != nil {
			t.Fatalf("good lines refused: %v", err)
		}

		// A product lines name cannot go; a purchase takes its lines along.
		if _, err := db.Exec(ctx, `DELETE FROM products WHERE id = ?`, product); err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
			t.Fatalf("deleting a product in use: got %v, want a foreign key error", err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM purchases WHERE id = ?`, p.ID); err != nil {
			t.Fatal(err)
		}
		if got := lineCount(t, db, p.ID); got != 0 {
			t.Fatalf("deleted purchase left %d lines", got)
		}
		if _, err := db.Exec(ctx, `DELETE FROM products WHERE id = ?`, product); err != nil {
			t.Fatalf("deleting a product no line names: %v", err)
		}
	})
}

// A purchase's customer is a stored customer, on both engines, whatever
// writes it: SQLite checks with a foreign key, PostgreSQL with the
// statement triggers of migration 00065. A customer that purchases name
// can be neither deleted nor given another id.
func TestPurchasesKeepTheirCustomers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2024, 3, 10, 14, 30, 0, 0, time.UTC)
		ids, err := db.EnsureCustomers(ctx, map[string]time.Time{"a": at, "b": at})
		if err != nil {
			t.Fatal(err)
		}
		a, b := ids["a"], ids["b"]
		save(t, db, []*fresco.Purchase{{ExternalID: "p1", CustomerID: &a, PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 1, "1.00")}}}, store.StatusCreated)
		const missing = 987654
		foreignKey := func(name string, err error, detail string) {
			t.Helper()
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				t.Errorf("%s: got %v, want a foreign key error", name, err)
			}
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && (pgErr.Code != "23503" || !strings.Contains(pgErr.Detail, detail)) {
				t.Errorf("%s: %s %q, want 23503 %q", name, pgErr.Code, pgErr.Detail, detail)
			}
		}
		// Several rows a statement, one of them bad; then a move to a
		// customer who does not exist.
		_, err = db.Exec(ctx, `INSERT INTO purchases (external_id, customer_id, purchased_at, channel, promotion_code, total, items, created_at)
			VALUES ('p2', ?, ?, '', '', 100, 1, ?), ('p3', ?, ?, '', '', 100, 1, ?)`, b, at, at, missing, at, at)
		foreignKey("insert", err, "(customer_id)=(987654) is not present")
		_, err = db.Exec(ctx, `UPDATE purchases SET customer_id = ? WHERE external_id = 'p1'`, missing)
		foreignKey("update", err, "(customer_id)=(987654) is not present")
		_, err = db.Exec(ctx, `DELETE FROM customers WHERE id = ?`, a)
		foreignKey("delete", err, fmt.Sprintf("(id)=(%d) is still referenced", a))
		if _, err := db.Exec(ctx, `UPDATE customers SET id = ? WHERE id = ?`, missing, a); err == nil {
			t.Error("changing the id of a customer with purchases: no error")
		}
		if _, err := db.Exec(ctx, `UPDATE purchases SET customer_id = ? WHERE external_id = 'p1'`, b); err != nil {
			t.Fatalf("moving a purchase to a stored customer: %v", err)
		}
		if got, err := db.PurchaseByExternalID(ctx, "p1"); err != nil || *got.CustomerID != b {
			t.Fatalf("purchase after the refused writes: %+v %v", got, err)
		}
	})
}

func lineCount(t *testing.T, db *store.DB, purchaseID int64) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM purchase_lines WHERE purchase_id = ?`, purchaseID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Batches written at the same time, for the same customers, replacing
// their own earlier purchases (some moved to another customer): each batch
// defers the rollup triggers and recomputes its customers' rollups
// set-based, and the rollups still equal a rebuild afterwards.
func TestConcurrentPurchaseBatchesKeepRollupsExact(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
		firstSeen := map[string]time.Time{}
		for i := range 20 {
			firstSeen[fmt.Sprintf("c%d", i)] = at
		}
		ids, err := db.EnsureCustomers(ctx, firstSeen)
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make(chan error, 4)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(g), 7))
				for round := range 4 {
					batch := make([]*fresco.Purchase, 60)
					for i, k := range r.Perm(90)[:len(batch)] {
						cust := ids[fmt.Sprintf("c%d", r.IntN(20))]
						qty := int64(r.IntN(3) + 1)
						if r.IntN(5) == 0 {
							qty = -qty
						}
						batch[i] = &fresco.Purchase{ExternalID: fmt.Sprintf("g%d-%d", g, k), CustomerID: &cust,
							PurchasedAt: at.Add(time.Duration(r.IntN(5000)) * time.Hour),
							Lines:       []fresco.PurchaseLine{{SKU: fmt.Sprintf("S%d", r.IntN(9)), Quantity: qty, UnitPrice: 120}}}
					}
					res, err := db.SavePurchases(ctx, batch)
					if err == nil && res[0].Status == store.StatusRejected {
						err = res[0].Err
					}
					if err != nil {
						errs <- fmt.Errorf("batch %d/%d: %w", g, round, err)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		rollupsExact(t, db)
	})
}
