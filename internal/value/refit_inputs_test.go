package value

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestStreamedInputsMatchSQL checks the refit's one streamed pass
// (readInputs) against the SQL aggregates it replaced — PurchaseDays,
// CustomerPeriods, FirstPurchases and RelatedSales, which stay in the store
// as the reference — on a generated business with refunds, promotions and
// same-day purchases, and with a bound that cuts history short, so that
// purchases after it must count where the old queries counted them and
// nowhere else.
func TestStreamedInputsMatchSQL(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: 400, End: end, Seed: 11}); err != nil {
			t.Fatal(err)
		}
		for i, at := range []time.Time{end, end.AddDate(0, -7, 0)} {
			endDay := dayNum(at)
			bound := time.Unix((endDay+1)*86400, 0).UTC()
			svc := New(db, Options{ReadParts: 1 + 2*i}) // one pass, then three ranges at once
			read, err := svc.readInputs(ctx, bound, func(int) {})
			if err != nil {
				t.Fatal(err)
			}
			unvalued, skipped := read.unvalued, read.skipped
			var inputs []customerInputs
			for _, c := range read.inputs.all() {
				inputs = append(inputs, *c)
			}
			if len(inputs) != read.inputs.len() {
				t.Fatalf("the list yields %d customers, says it holds %d", len(inputs), read.inputs.len())
			}
			if skipped.Count != 0 {
				t.Fatalf("a generated business skipped %+v", skipped)
			}
			days, err := db.PurchaseDays(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			periods, err := db.CustomerPeriods(ctx, time.Time{}, bound)
			if err != nil {
				t.Fatal(err)
			}
			firsts, err := db.FirstPurchases(ctx)
			if err != nil {
				t.Fatal(err)
			}
			related, err := db.RelatedSales(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(inputs) != len(days) || len(days) < 200 {
				t.Fatalf("bound %s: %d valued customers streamed, %d with purchase days in SQL", bound, len(inputs), len(days))
			}
			byID := map[int64]store.CustomerPeriod{}
			for _, p := range periods {
				byID[p.CustomerID] = p
			}
			for i, d := range days {
				c := inputs[i]
				got := store.CustomerDays{CustomerID: c.id, Days: int(c.days), FirstDay: int64(c.firstDay), LastDay: int64(c.lastDay),
					Total: fresco.Money(c.total), FirstAmount: fresco.Money(c.firstAmount)}
				if got != d {
					t.Fatalf("purchase days of %d: streamed %+v, SQL %+v", d.CustomerID, got, d)
				}
				p := byID[c.id]
				gotP := store.CustomerPeriod{CustomerID: c.id, Purchases: int(c.purchases), Refunds: int(c.refunds), Items: c.items,
					Revenue: fresco.Money(c.revenue), Cost: fresco.Money(c.cost), Discounted: int(c.discounted),
					First: time.Unix(0, c.first).UTC(), Last: time.Unix(0, c.last).UTC()}
				p.First, p.Last = p.First.UTC(), p.Last.UTC()
				if gotP != p {
					t.Fatalf("period of %d: streamed %+v, SQL %+v", c.id, gotP, p)
				}
				fi := firsts[c.id]
				if want := fi != nil && fi.PromotionCode != ""; c.firstPromo != want {
					t.Fatalf("first promotion of %d: streamed %v, SQL %+v", c.id, c.firstPromo, fi)
				}
				if c.related != int64(related[c.id]) {
					t.Fatalf("related sales of %d: streamed %d, SQL %d", c.id, c.related, related[c.id])
				}
				delete(byID, c.id)
			}
			for id, p := range byID { // customers with purchases but no purchase day
				if p.Revenue != fresco.Money(unvalued[id]) {
					t.Fatalf("revenue of unvalued %d: streamed %d, SQL %d", id, unvalued[id], p.Revenue)
				}
			}
		}
	})
}

// TestCheckHistoryBoundsTheSums: rows within the limits pass; a line past
// them, or enough maximal purchases to carry a customer's sums past int64,
// is refused and names the purchase.
func TestCheckHistoryBoundsTheSums(t *testing.T) {
	line := store.HistoryLine{Quantity: 2, UnitPrice: 400, UnitCost: 100}
	ok := []store.HistoryPurchase{{ID: 1, Total: 800, Items: 2, Lines: []store.HistoryLine{line}}}
	if err := checkHistory(ok); err != nil {
		t.Fatalf("a normal history refused: %v", err)
	}
	huge := line
	huge.Quantity = fresco.MaxQuantity + 1
	if err := checkHistory([]store.HistoryPurchase{{ID: 7, Total: 800, Lines: []store.HistoryLine{huge}}}); err == nil ||
		!strings.Contains(err.Error(), "purchase 7") {
		t.Fatalf("a line beyond the limits: %v", err)
	}
	many := make([]store.HistoryPurchase, 50_000)
	for i := range many {
		many[i] = store.HistoryPurchase{ID: int64(i + 1), Total: fresco.MaxPurchaseTotal}
	}
	err := checkHistory(many)
	if err == nil {
		t.Fatal("50,000 maximal purchases pass; their sum is past int64")
	}
	if err := checkHistory(many[:10_000]); err != nil {
		t.Fatalf("10,000 maximal purchases (sum 1e18, under a quarter of int64) refused: %v", err)
	}
}

// TestInputListJoinsPartsInOrder: parts of several chunks, the last of each
// part left part-full, joined, yield every customer once, in order, at the
// position they were counted at.
func TestInputListJoinsPartsInOrder(t *testing.T) {
	sizes := []int{inputChunk*2 + 5, 0, inputChunk - 1, 3}
	var all inputList
	id := int64(0)
	for _, size := range sizes {
		var part inputList
		for range size {
			id++
			part.add(customerInputs{id: id})
		}
		all.join(&part)
	}
	if all.len() != int(id) {
		t.Fatalf("len %d, want %d", all.len(), id)
	}
	seen := 0
	for i, c := range all.all() {
		if c.id != int64(i+1) {
			t.Fatalf("position %d holds customer %d, want %d", i, c.id, i+1)
		}
		seen++
	}
	if seen != int(id) {
		t.Fatalf("yielded %d customers, want %d", seen, id)
	}
}
