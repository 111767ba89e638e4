package store

// The lifetime-value calculator's default question — every purchase up to
// now — answered from the last refit: customer_value holds each customer's
// purchases, units, net revenue, profit and first purchase as of the refit
// (the refit computes them once), so the calculator sums rows instead of
// aggregating every purchase line twice per view.

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// PurchaseSums adds up the purchases of a group of customers.
type PurchaseSums struct {
	Customers int
	Purchases int64 // purchases with a positive total
	Items     int64 // units in them
	Revenue   fresco.Money
	Cost      fresco.Money
}

const purchaseSums = `COUNT(*), COALESCE(SUM(purchases), 0), COALESCE(SUM(items), 0),
	COALESCE(SUM(historical_value), 0), COALESCE(SUM(historical_value - historical_profit), 0)`

func (s *PurchaseSums) dest() []any {
	return []any{&s.Customers, &s.Purchases, &s.Items, &s.Revenue, &s.Cost}
}

// RefitPurchases is the calculator's view of the last refit.
type RefitPurchases struct {
	All PurchaseSums // every customer valued (each has a positive purchase)
	// Complete is false when a row lacks its units (a refit written before
	// customer_value had them) or there are no rows: the calculator must
	// then compute from the purchases.
	Complete      bool
	FirstPurchase time.Time // the earliest of anybody's
	ComputedAt    time.Time
}

// RefitPurchases sums the purchases of every customer of the last refit.
func (s *CustomerValueSnapshot) RefitPurchases(ctx context.Context) (*RefitPurchases, error) {
	var out RefitPurchases
	var withItems int
	var first, at any
	err := s.tx.QueryRow(ctx, `SELECT `+purchaseSums+`, COUNT(items), MIN(first_purchase), MAX(computed_at)
		FROM customer_value WHERE purchases > 0`).Scan(append(out.All.dest(), &withItems, &first, &at)...)
	if err != nil {
		return nil, fmt.Errorf("refit purchases: %w", err)
	}
	out.Complete = out.All.Customers > 0 && withItems == out.All.Customers
	if t, err := anyTime(first); err != nil {
		return nil, err
	} else if t != nil {
		out.FirstPurchase = t.UTC()
	}
	if t, err := anyTime(at); err != nil {
		return nil, err
	} else if t != nil {
		out.ComputedAt = t.UTC()
	}
	return &out, nil
}

// TopPurchasers sums the purchases of the k customers with the most
// purchases (then the most revenue, then the lowest id) among those whose
// first purchase was at or before firstBy: the calculator's loyal
// customers.
func (s *CustomerValueSnapshot) TopPurchasers(ctx context.Context, firstBy time.Time, k int) (PurchaseSums, error) {
	var out PurchaseSums
	if k <= 0 {
		return out, nil
	}
	err := s.tx.QueryRow(ctx, `SELECT `+purchaseSums+` FROM (
			SELECT purchases, items, historical_value, historical_profit FROM customer_value
			WHERE purchases > 0 AND first_purchase <= ?
			ORDER BY purchases DESC, historical_value DESC, customer_id LIMIT ?
		) top`, firstBy.UTC(), k).Scan(out.dest()...)
	if err != nil {
		return out, fmt.Errorf("top purchasers: %w", err)
	}
	return out, nil
}
