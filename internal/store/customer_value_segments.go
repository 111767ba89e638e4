package store

// The lifetime-value calculator per segment: the sums of RefitPurchases and
// TopPurchasers for every group of customers at once — by acquisition
// source, by location (of the customer's latest purchase, kept in
// customer_purchase_summary), by lifetime-value segment, or for the
// customers a customer-list filter selects. One statement over
// customer_value (a window numbers each group's customers by purchases for
// the loyal ones), so a view costs one pass over the refit's rows; package
// value keeps the answer until the next refit.

import (
	"context"
	"fmt"
	"time"
)

// Calculator groupings.
const (
	CalcBySource   = "source"
	CalcByLocation = "location"
	CalcByRFM      = "rfm"
	CalcByFilter   = "filter"
)

// CalcGroupings lists them.
var CalcGroupings = []string{CalcBySource, CalcByLocation, CalcByRFM, CalcByFilter}

// GroupPurchaseSums are one group's sums: every customer of the group and
// its loyal customers.
type GroupPurchaseSums struct {
	Key, Label   string
	All, Loyal   PurchaseSums
	WithoutItems int // rows of a refit written before customer_value had units
}

// calcGroupKey is a grouping's key and label over customer_value cv,
// customers c, customer_purchase_summary s and locations l.
func calcGroupKey(by string) (key, label string, err error) {
	switch by {
	case CalcBySource:
		return "c.acquisition_source", "c.acquisition_source", nil
	case CalcByLocation:
		return "COALESCE(CAST(s.last_location_id AS TEXT), '')", "COALESCE(l.name, '')", nil
	case CalcByRFM:
		return "cv.segment", "cv.segment", nil
	case CalcByFilter:
		return "CAST('filter' AS TEXT)", "CAST('filter' AS TEXT)", nil // PostgreSQL refuses a bare constant to partition by
	}
	return "", "", fmt.Errorf("calculator: unknown grouping %q", by)
}

// calcGroupJoins are the tables a grouping's key reads, and no others.
var calcGroupJoins = map[string]string{
	CalcBySource: `
			JOIN customers c ON c.id = cv.customer_id`,
	CalcByLocation: `
			LEFT JOIN customer_purchase_summary s ON s.customer_id = cv.customer_id
			LEFT JOIN locations l ON l.id = s.last_location_id`,
}

// GroupPurchases sums the refit's customers by the grouping by (only those
// filter selects when by is CalcByFilter; filter is ignored otherwise). The
// loyal customers of a group are its top ⌈n·loyalTop/100⌉ by purchases
// (then revenue, then id) among those whose first purchase was at or
// before firstBy, n the group's customers — TopPurchasers within the group.
func (s *CustomerValueSnapshot) GroupPurchases(ctx context.Context, by string, filter CustomerListFilter, firstBy FirstBy) ([]GroupPurchaseSums, error) {
	key, label, err := calcGroupKey(by)
	if err != nil {
		return nil, err
	}
	w := conditions{}
	w.add("cv.purchases > 0")
	if by == CalcByFilter {
		cw := filter.where()
		w.add("cv.customer_id IN (SELECT id FROM customers WHERE "+cw.sql()+")", cw.args...)
	}
	// rk ≤ ⌈gn·top/100⌉ ⟺ (rk − 1)·100 < gn·top for whole rk: no CEIL,
	// which SQLite lacks.
	q := `WITH g AS (
			SELECT ` + key + ` AS k, ` + label + ` AS label, cv.customer_id, cv.purchases, cv.items, cv.historical_value, cv.historical_profit,
				cv.first_purchase, COUNT(*) OVER (PARTITION BY ` + key + `) AS gn
			FROM customer_value cv` + calcGroupJoins[by] + `
			WHERE ` + w.sql() + `),
		e AS (
			SELECT k, purchases, items, historical_value, historical_profit, gn,
				ROW_NUMBER() OVER (PARTITION BY k ORDER BY purchases DESC, historical_value DESC, customer_id) AS rk
			FROM g WHERE first_purchase <= ?)
		SELECT g.k, MIN(g.label), 0, ` + purchaseSums + `, COUNT(*) - COUNT(items) FROM g GROUP BY g.k
		UNION ALL
		SELECT e.k, '', 1, ` + purchaseSums + `, 0 FROM e WHERE (rk - 1) * 100 < gn * CAST(? AS DOUBLE PRECISION) GROUP BY e.k
		ORDER BY 1, 3`
	type row struct {
		g     GroupPurchaseSums
		loyal bool
	}
	rows, err := queryAll(ctx, s.tx, func(sc rowScanner) (row, error) {
		var r row
		var p PurchaseSums
		err := sc.Scan(append(append([]any{&r.g.Key, &r.g.Label, &r.loyal}, p.dest()...), &r.g.WithoutItems)...)
		r.g.All = p
		return r, err
	}, q, append(w.args, firstBy.At.UTC(), firstBy.Top)...)
	if err != nil {
		return nil, fmt.Errorf("calculator groups: %w", err)
	}
	var out []GroupPurchaseSums
	at := map[string]int{}
	for _, r := range rows {
		i, ok := at[r.g.Key]
		if !ok {
			i = len(out)
			at[r.g.Key] = i
			out = append(out, GroupPurchaseSums{Key: r.g.Key})
		}
		if r.loyal {
			out[i].Loyal = r.g.All
		} else {
			out[i].Label, out[i].All, out[i].WithoutItems = r.g.Label, r.g.All, r.g.WithoutItems
		}
	}
	return out, nil
}

// FirstBy defines a group's loyal customers: the top Top percent by
// purchases among those who first bought at or before At.
type FirstBy struct {
	At  time.Time
	Top float64
}
