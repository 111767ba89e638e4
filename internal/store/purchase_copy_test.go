package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A batch writes its new purchases and its replacements of stored ones by
// different statements on PostgreSQL (COPY straight into purchases; COPY
// into a staging table and one UPDATE) and by multi-row INSERTs and
// UPDATEs on SQLite. Either way every purchase reads back field for field
// and line for line as given, a replacement keeps its id and created_at
// and moves its version on, and the rollups equal a rebuild.
func TestPurchaseBatchStoresEveryRowAsGiven(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2024, 6, 3, 10, 15, 0, 0, time.UTC)
		loc := &fresco.Location{Name: "Shop"}
		staff := &fresco.Employee{Email: "s@example.com", Name: "Sam", Role: fresco.RoleAgent, Active: true}
		for _, err := range []error{db.CreateLocation(ctx, loc), db.CreateEmployee(ctx, staff)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		customers, err := db.EnsureCustomers(ctx, map[string]time.Time{"a": at, "b": at, "c": at})
		if err != nil {
			t.Fatal(err)
		}
		build := func(ext string, k int, shift time.Duration) *fresco.Purchase {
			p := &fresco.Purchase{ExternalID: ext, PurchasedAt: at.Add(shift + time.Duration(k)*time.Hour), Channel: "web"}
			if k%2 == 0 {
				c := customers[[]string{"a", "b"}[k%4/2]]
				p.CustomerID, p.LocationID, p.ServedBy, p.Channel, p.PromotionCode = &c, &loc.ID, &staff.ID, "store", "SPRING"
			}
			for n := range 1 + k%3 {
				l := line(fmt.Sprintf("S%d", (k+n)%4), int64(n+1), "2.50")
				if shift > 0 {
					l.Quantity = -l.Quantity // the replacement refunds
				}
				l.Description, l.Discount = fmt.Sprintf("line %d", n), fresco.Money(n*10)
				p.Lines = append(p.Lines, l)
			}
			return p
		}
		var first []*fresco.Purchase
		for k := range 6 {
			first = append(first, build(fmt.Sprintf("p%d", k), k, 0))
		}
		// p5, odd, is anonymous: give it to c, whose only purchase it is
		// until the second batch replaces it (anonymous again).
		c := customers["c"]
		first[5].CustomerID = &c
		save(t, db, first, store.StatusCreated)
		created := map[string]time.Time{}
		for _, p := range first {
			got, err := db.PurchaseByExternalID(ctx, p.ExternalID)
			if err != nil {
				t.Fatal(err)
			}
			created[p.ExternalID] = got.CreatedAt
		}

		// Half replace the first batch's (shifted in time, other lines,
		// other customers), half are new.
		var second []*fresco.Purchase
		for k := range 6 {
			second = append(second, build(fmt.Sprintf("p%d", k+3), k+2, 48*time.Hour))
		}
		res := save(t, db, second, "")
		for i, r := range res {
			want := map[bool]string{true: store.StatusUpdated, false: store.StatusCreated}[i < 3]
			if r.Status != want || (want == store.StatusUpdated && r.ID != first[i+3].ID) {
				t.Fatalf("purchase %d: %+v, want %s", i, r, want)
			}
		}
		for _, p := range append(first[:3], second...) {
			got, err := db.PurchaseByExternalID(ctx, p.ExternalID)
			if err != nil {
				t.Fatal(err)
			}
			if diff := purchaseDiff(p, got); diff != "" {
				t.Errorf("%s: %s", p.ExternalID, diff)
			}
			version := map[bool]int64{true: 2, false: 1}[p.ExternalID >= "p3" && p.ExternalID <= "p5"]
			if got.Version != version {
				t.Errorf("%s: version %d, want %d", p.ExternalID, got.Version, version)
			}
			if c, ok := created[p.ExternalID]; ok && !got.CreatedAt.Equal(c) {
				t.Errorf("%s: created_at moved from %v to %v", p.ExternalID, c, got.CreatedAt)
			}
		}
		rollupsExact(t, db)
	})
}

// The batch path leaves the check of purchase_lines' purchases on for the
// rest of its transaction (PostgreSQL turns it off for its own lines only,
// migration 00064): a dangling line written after it is refused.
func TestPurchaseBatchLeavesLineChecksOn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2024, 6, 3, 10, 15, 0, 0, time.UTC)
		err := db.InTx(ctx, func(tx *store.Tx) error {
			res, err := tx.SavePurchases(ctx, []*fresco.Purchase{{ExternalID: "q1", PurchasedAt: at, Lines: []fresco.PurchaseLine{line("X", 1, "1.00")}}})
			if err != nil || res[0].Status != store.StatusCreated {
				t.Fatalf("batch: %v %+v", err, res)
			}
			_, err = tx.Exec(ctx, `INSERT INTO purchase_lines (purchase_id, line_no, product_id, description, quantity, unit_price, discount)
				VALUES (987654, 1, (SELECT id FROM products WHERE sku = 'X'), '', 1, 100, 0)`)
			return err
		})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
			t.Fatalf("dangling line after a batch: got %v, want a foreign key error", err)
		}
	})
}

// On PostgreSQL the batch path locks its lines' products itself, instead
// of purchase_lines' statement trigger, and fails when one is gone (the
// batch then falls back to one purchase at a time, whose plan rejects the
// line).
func TestPurchaseBatchLocksItsProducts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.Postgres {
			t.Skip("SQLite checks each line with its foreign key")
		}
		ctx := context.Background()
		prod := &fresco.Product{SKU: "X1", Name: "Thing", ListPrice: 100}
		if err := db.CreateProduct(ctx, prod); err != nil {
			t.Fatal(err)
		}
		lines := func(ids ...int64) []*fresco.Purchase {
			p := &fresco.Purchase{}
			for _, id := range ids {
				p.Lines = append(p.Lines, fresco.PurchaseLine{ProductID: id})
			}
			return []*fresco.Purchase{p, p}
		}
		for _, c := range []struct {
			ids []int64
			ok  bool
		}{{[]int64{prod.ID, prod.ID}, true}, {[]int64{prod.ID, 987654}, false}} {
			err := db.InTx(ctx, func(tx *store.Tx) error { return tx.LockLineProducts(ctx, lines(c.ids...)) })
			if (err == nil) != c.ok {
				t.Errorf("lines naming %v: got %v, want ok %v", c.ids, err, c.ok)
			}
		}
	})
}

func save(t *testing.T, db *store.DB, batch []*fresco.Purchase, status string) []store.BatchResult {
	t.Helper()
	res, err := db.SavePurchases(context.Background(), batch)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res {
		if r.Status == store.StatusRejected || status != "" && r.Status != status {
			t.Fatalf("purchase %d: %+v", i, r)
		}
	}
	return res
}

// purchaseDiff says how the stored purchase got differs from want, or "".
func purchaseDiff(want, got *fresco.Purchase) string {
	ptr := func(p *int64) string {
		if p == nil {
			return "nil"
		}
		return fmt.Sprint(*p)
	}
	row := func(p *fresco.Purchase) string {
		s := fmt.Sprintf("id=%d customer=%s at=%s location=%s channel=%q served_by=%s promo=%q",
			p.ID, ptr(p.CustomerID), p.PurchasedAt.UTC().Format(time.RFC3339Nano), ptr(p.LocationID), p.Channel, ptr(p.ServedBy), p.PromotionCode)
		for _, l := range p.Lines {
			s += fmt.Sprintf(" | %s %q %d×%d -%d", l.SKU, l.Description, l.Quantity, l.UnitPrice, l.Discount)
		}
		return s
	}
	if w, g := row(want), row(got); w != g {
		return "stored " + g + "\n\twant   " + w
	}
	return ""
}

// rollupsExact fails the test if a rollup differs from a rebuild.
func rollupsExact(t *testing.T, db *store.DB) {
	t.Helper()
	if differ, err := store.RollupDifferences(context.Background(), db); err != nil || len(differ) > 0 {
		t.Fatalf("rollups differing from a rebuild: %v %v", differ, err)
	}
}
