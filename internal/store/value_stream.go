package store

// The lifetime-value refit's one pass over the purchases: every identified
// customer's purchases and lines, streamed in customer order, so that the
// refit (internal/value) keeps one customer's history in memory at a time
// instead of several whole-table aggregates with derived tables and
// temporary indexes. What the refit makes of a history is its business;
// this file only maps rows. The refit's writes are in customer_value.go
// and value_write.go.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// HistoryPurchase is one purchase of a customer's history, with its lines.
type HistoryPurchase struct {
	ID            int64
	At            time.Time // UTC
	Total         fresco.Money
	Items         int64
	PromotionCode string
	Lines         []HistoryLine
}

// HistoryLine is one line of a HistoryPurchase, with its product's cost
// and category.
type HistoryLine struct {
	Quantity  int64
	UnitPrice fresco.Money
	Discount  fresco.Money
	UnitCost  fresco.Money // the product's unit cost
	Category  string
}

// EachCustomerHistory calls fn with every identified customer's purchases,
// customers in id order and each customer's purchases in time order (ties
// by id), lines in line order. The slice and its lines are reused for the
// next customer: fn must not keep them. The rows come from one query that
// walks purchases_customer, so the database neither sorts nor groups.
func (db *DB) EachCustomerHistory(ctx context.Context, fn func(customerID int64, purchases []HistoryPurchase) error) error {
	var (
		current int64 = -1
		hist    []HistoryPurchase
		lines   []HistoryLine // backing store of every purchase's Lines, reused
		counts  []int         // lines per purchase of hist
	)
	flush := func() error {
		if current < 0 || len(hist) == 0 {
			return nil
		}
		// Lines were appended in order; slice them out now that lines no
		// longer grows (its backing array may have moved while it did).
		off := 0
		for i := range hist {
			n := counts[i]
			hist[i].Lines = lines[off : off+n : off+n]
			off += n
		}
		return fn(current, hist)
	}
	var lastPurchase int64 = -1
	err := queryEach(ctx, db, func(row rowScanner) error {
		var (
			customerID, purchaseID, items, total int64
			at                                   time.Time
			promo                                string
			qty, price, discount, cost           sql.NullInt64
			category                             sql.NullString
		)
		if err := row.Scan(&customerID, &purchaseID, &at, &total, &items, &promo, &qty, &price, &discount, &cost, &category); err != nil {
			return err
		}
		if customerID != current {
			if err := flush(); err != nil {
				return err
			}
			current, hist, lines, counts, lastPurchase = customerID, hist[:0], lines[:0], counts[:0], -1
		}
		if purchaseID != lastPurchase {
			hist = append(hist, HistoryPurchase{ID: purchaseID, At: at.UTC(), Total: fresco.Money(total), Items: items,
				PromotionCode: promo})
			counts = append(counts, 0)
			lastPurchase = purchaseID
		}
		if qty.Valid { // a purchase without lines comes back once, with NULLs
			lines = append(lines, HistoryLine{Quantity: qty.Int64, UnitPrice: fresco.Money(price.Int64),
				Discount: fresco.Money(discount.Int64), UnitCost: fresco.Money(cost.Int64), Category: category.String})
			counts[len(counts)-1]++
		}
		return nil
	}, `SELECT p.customer_id, p.id, p.purchased_at, p.total, p.items, p.promotion_code,
			l.quantity, l.unit_price, l.discount, pr.unit_cost, pr.category
		FROM purchases p
		LEFT JOIN purchase_lines l ON l.purchase_id = p.id
		LEFT JOIN products pr ON pr.id = l.product_id
		WHERE p.customer_id IS NOT NULL
		ORDER BY p.customer_id, p.purchased_at, p.id, l.line_no`)
	if err != nil {
		return fmt.Errorf("customer histories: %w", err)
	}
	return flush()
}
