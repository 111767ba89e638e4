package store

// Lifetime value (internal/value): the per-customer aggregations the
// lifetime-value engine fits its models to. The aggregation is done by the
// database (GROUP BY), so a refit reads one row per customer, not every
// purchase. What the refit writes is in customer_value.go.

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// purchaseDayExpr is the UTC calendar day of purchased_at as a day number
// (days since 1970-01-01). The dialects differ in date truncation, so the
// branch lives here, next to the queries that use it.
func (db *DB) purchaseDayExpr(col string) string {
	if db.dialect == Postgres {
		return "((" + col + " AT TIME ZONE 'UTC')::date - DATE '1970-01-01')"
	}
	return "CAST(julianday(date(" + col + ")) - 2440587.5 AS INTEGER)"
}

// CustomerDays is one customer's purchase days, the raw material of the
// buy-till-you-die models: only purchases with a positive total count, and
// several purchases on the same UTC day count once (their totals add up).
type CustomerDays struct {
	CustomerID  int64
	Days        int          // distinct purchase days (x = Days − 1)
	FirstDay    int64        // day number (days since 1970-01-01, UTC) of the first purchase day
	LastDay     int64        // day number of the last purchase day
	Total       fresco.Money // total of all purchase days
	FirstAmount fresco.Money // total of the first purchase day
}

// RepeatValue is the total of the repeat purchase days (the first excluded).
func (c CustomerDays) RepeatValue() fresco.Money { return c.Total - c.FirstAmount }

// PurchaseDays aggregates, per customer, the purchase days up to and
// including the UTC day of end (zero end: every purchase). Customers are in
// id order.
func (db *DB) PurchaseDays(ctx context.Context, end time.Time) ([]CustomerDays, error) {
	where := "customer_id IS NOT NULL AND total > 0"
	var args []any
	if !end.IsZero() {
		where += " AND purchased_at < ?"
		args = append(args, dateOf(end.UTC()).AddDate(0, 0, 1))
	}
	q := `WITH days AS (
			SELECT customer_id, ` + db.purchaseDayExpr("purchased_at") + ` AS d, SUM(total) AS amt
			FROM purchases WHERE ` + where + `
			GROUP BY customer_id, ` + db.purchaseDayExpr("purchased_at") + `
		), firsts AS (
			SELECT customer_id, MIN(d) AS fd FROM days GROUP BY customer_id
		)
		SELECT days.customer_id, COUNT(*), MIN(days.d), MAX(days.d), SUM(days.amt),
			SUM(CASE WHEN days.d = firsts.fd THEN days.amt ELSE 0 END)
		FROM days JOIN firsts ON firsts.customer_id = days.customer_id
		GROUP BY days.customer_id ORDER BY days.customer_id`
	out, err := queryAll(ctx, db, scanCustomerDays, q, args...)
	if err != nil {
		return nil, fmt.Errorf("purchase days: %w", err)
	}
	return out, nil
}

func scanCustomerDays(row rowScanner) (CustomerDays, error) {
	var c CustomerDays
	var total, first int64
	err := row.Scan(&c.CustomerID, &c.Days, &c.FirstDay, &c.LastDay, &total, &first)
	c.Total, c.FirstAmount = fresco.Money(total), fresco.Money(first)
	return c, err
}

// CustomerPeriod is one customer's purchases in a period.
type CustomerPeriod struct {
	CustomerID int64
	Purchases  int          // purchases with a positive total
	Refunds    int          // purchases with a negative total
	Items      int64        // units in the positive purchases
	Revenue    fresco.Money // net total of all purchases, refunds included
	Cost       fresco.Money // Σ quantity × the product's unit cost, refunds netted
	Discounted int          // positive purchases with a promotion code or a discounted line
	First      time.Time    // first purchase with a positive total (zero if none)
	Last       time.Time    // last purchase with a positive total (zero if none)
}

// Profit is Revenue − Cost.
func (c CustomerPeriod) Profit() fresco.Money { return c.Revenue - c.Cost }

// CustomerPeriods aggregates each customer's purchases in [from, to) (zero
// times leave that end open), in customer id order.
func (db *DB) CustomerPeriods(ctx context.Context, from, to time.Time) ([]CustomerPeriod, error) {
	var w conditions
	w.add("p.customer_id IS NOT NULL")
	w.within("p.purchased_at", from, to)
	q := `SELECT p.customer_id,
			SUM(CASE WHEN p.total > 0 THEN 1 ELSE 0 END),
			SUM(CASE WHEN p.total < 0 THEN 1 ELSE 0 END),
			SUM(CASE WHEN p.total > 0 THEN p.items ELSE 0 END),
			SUM(p.total), SUM(COALESCE(c.cost, 0)),
			SUM(CASE WHEN p.total > 0 AND (p.promotion_code <> '' OR COALESCE(c.discounted, 0) > 0) THEN 1 ELSE 0 END),
			MIN(CASE WHEN p.total > 0 THEN p.purchased_at END),
			MAX(CASE WHEN p.total > 0 THEN p.purchased_at END)
		FROM purchases p
		LEFT JOIN (
			SELECT l.purchase_id, SUM(l.quantity * pr.unit_cost) AS cost,
				SUM(CASE WHEN l.discount > 0 THEN 1 ELSE 0 END) AS discounted
			FROM purchase_lines l JOIN products pr ON pr.id = l.product_id
			GROUP BY l.purchase_id
		) c ON c.purchase_id = p.id
		WHERE ` + w.sql() + `
		GROUP BY p.customer_id ORDER BY p.customer_id`
	out, err := queryAll(ctx, db, scanCustomerPeriod, q, w.args...)
	if err != nil {
		return nil, fmt.Errorf("customer periods: %w", err)
	}
	return out, nil
}

func scanCustomerPeriod(row rowScanner) (CustomerPeriod, error) {
	var (
		c             CustomerPeriod
		revenue, cost int64
		first, last   any
	)
	if err := row.Scan(&c.CustomerID, &c.Purchases, &c.Refunds, &c.Items, &revenue, &cost, &c.Discounted, &first, &last); err != nil {
		return c, err
	}
	c.Revenue, c.Cost = fresco.Money(revenue), fresco.Money(cost)
	var err error
	if c.First, err = zeroOrTime(first); err != nil {
		return c, err
	}
	c.Last, err = zeroOrTime(last)
	return c, err
}

// zeroOrTime is anyTime for a field where no time is the zero time.
func zeroOrTime(v any) (time.Time, error) {
	t, err := anyTime(v)
	if err != nil || t == nil {
		return time.Time{}, err
	}
	return *t, nil
}

// FirstPurchaseInfo is what a customer's first purchase (the earliest with a
// positive total) says about how they were won.
type FirstPurchaseInfo struct {
	CustomerID    int64
	PromotionCode string
	Categories    []string // product categories of the first purchase, sorted
}

// FirstPurchases returns the first purchase's promotion code and
// categories per customer (customer id → info).
func (db *DB) FirstPurchases(ctx context.Context) (map[int64]*FirstPurchaseInfo, error) {
	out := map[int64]*FirstPurchaseInfo{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var promo, cat string
		if err := row.Scan(&id, &promo, &cat); err != nil {
			return err
		}
		fi := out[id]
		if fi == nil {
			fi = &FirstPurchaseInfo{CustomerID: id}
			out[id] = fi
		}
		if promo != "" && fi.PromotionCode == "" {
			fi.PromotionCode = promo
		}
		if cat != "" && (len(fi.Categories) == 0 || fi.Categories[len(fi.Categories)-1] != cat) {
			fi.Categories = append(fi.Categories, cat)
		}
		return nil
	}, `WITH firsts AS (
			SELECT customer_id, MIN(purchased_at) AS at FROM purchases
			WHERE customer_id IS NOT NULL AND total > 0 GROUP BY customer_id
		)
		SELECT p.customer_id, p.promotion_code, COALESCE(pr.category, '')
		FROM purchases p
		JOIN firsts f ON f.customer_id = p.customer_id AND f.at = p.purchased_at
		LEFT JOIN purchase_lines l ON l.purchase_id = p.id
		LEFT JOIN products pr ON pr.id = l.product_id
		WHERE p.total > 0
		ORDER BY p.customer_id, pr.category`)
	if err != nil {
		return nil, fmt.Errorf("first purchases: %w", err)
	}
	return out, nil
}

// RelatedSales is, per customer, the net value of the lines bought after the
// first purchase in categories the first purchase did not include: what the
// relationship sold beyond what brought the customer in.
func (db *DB) RelatedSales(ctx context.Context) (map[int64]fresco.Money, error) {
	out := map[int64]fresco.Money{}
	err := queryMap(ctx, db, out, scanIDMoney, `WITH firsts AS (
			SELECT customer_id, MIN(purchased_at) AS at FROM purchases
			WHERE customer_id IS NOT NULL AND total > 0 GROUP BY customer_id
		), firstcats AS (
			SELECT DISTINCT p.customer_id, pr.category
			FROM purchases p
			JOIN firsts f ON f.customer_id = p.customer_id AND f.at = p.purchased_at
			JOIN purchase_lines l ON l.purchase_id = p.id
			JOIN products pr ON pr.id = l.product_id
		)
		SELECT p.customer_id, SUM(l.quantity * l.unit_price - l.discount)
		FROM purchases p
		JOIN firsts f ON f.customer_id = p.customer_id AND p.purchased_at > f.at
		JOIN purchase_lines l ON l.purchase_id = p.id
		JOIN products pr ON pr.id = l.product_id
		WHERE NOT EXISTS (SELECT 1 FROM firstcats fc WHERE fc.customer_id = p.customer_id AND fc.category = pr.category)
		GROUP BY p.customer_id`)
	if err != nil {
		return nil, fmt.Errorf("related sales: %w", err)
	}
	return out, nil
}

// CategorySales is a customer's net spend per product category, with when
// each category was first bought.
type CategorySales struct {
	Category    string
	Value       fresco.Money
	FirstBought time.Time
}

// CustomerCategories returns one customer's spend per category, in order of
// first purchase.
func (db *DB) CustomerCategories(ctx context.Context, customerID int64) ([]CategorySales, error) {
	return queryAll(ctx, db, scanCategorySales, `SELECT pr.category, SUM(l.quantity * l.unit_price - l.discount), MIN(p.purchased_at)
		FROM purchases p
		JOIN purchase_lines l ON l.purchase_id = p.id
		JOIN products pr ON pr.id = l.product_id
		WHERE p.customer_id = ?
		GROUP BY pr.category ORDER BY MIN(p.purchased_at), pr.category`, customerID)
}

func scanCategorySales(row rowScanner) (CategorySales, error) {
	var c CategorySales
	var v int64
	var first any
	if err := row.Scan(&c.Category, &v, &first); err != nil {
		return c, err
	}
	c.Value = fresco.Money(v)
	var err error
	c.FirstBought, err = zeroOrTime(first)
	return c, err
}

// NewCustomers counts the customers whose first purchase with a positive
// total falls in [from, to) (zero times leave that end open), from the
// purchase summary's index on that first purchase: one entry per new
// customer, not a pass over every purchase.
func (db *DB) NewCustomers(ctx context.Context, from, to time.Time) (int, error) {
	var w conditions
	w.add("first_positive_at IS NOT NULL")
	w.within("first_positive_at", from, to)
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM customer_purchase_summary WHERE `+w.sql(), w.args...).Scan(&n)
	return n, err
}
