package store

// Lifetime value (internal/value): the per-customer aggregations the
// lifetime-value engine fits its models to, and the customer_value and
// clv_fits tables its refit job writes. The aggregation is done by the
// database (GROUP BY), so a refit reads one row per customer, not every
// purchase.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
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
	where := []string{"p.customer_id IS NOT NULL"}
	var args []any
	if !from.IsZero() {
		where, args = append(where, "p.purchased_at >= ?"), append(args, from.UTC())
	}
	if !to.IsZero() {
		where, args = append(where, "p.purchased_at < ?"), append(args, to.UTC())
	}
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
		WHERE ` + strings.Join(where, " AND ") + `
		GROUP BY p.customer_id ORDER BY p.customer_id`
	out, err := queryAll(ctx, db, scanCustomerPeriod, q, args...)
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

// ReferralLink is a customer and who referred them.
type ReferralLink struct {
	CustomerID int64
	ReferredBy int64 // 0: nobody
	FirstSeen  time.Time
}

// ReferralLinks returns every customer's referrer, in id order.
func (db *DB) ReferralLinks(ctx context.Context) ([]ReferralLink, error) {
	return queryAll(ctx, db, scanReferralLink, `SELECT id, COALESCE(referred_by, 0), first_seen FROM customers ORDER BY id`)
}

func scanReferralLink(row rowScanner) (ReferralLink, error) {
	var l ReferralLink
	err := row.Scan(&l.CustomerID, &l.ReferredBy, &l.FirstSeen)
	l.FirstSeen = l.FirstSeen.UTC()
	return l, err
}

// NewCustomers counts the customers whose first purchase with a positive
// total falls in [from, to) (zero times leave that end open).
func (db *DB) NewCustomers(ctx context.Context, from, to time.Time) (int, error) {
	where := []string{"1 = 1"}
	var args []any
	if !from.IsZero() {
		where, args = append(where, "f.at >= ?"), append(args, from.UTC())
	}
	if !to.IsZero() {
		where, args = append(where, "f.at < ?"), append(args, to.UTC())
	}
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (
			SELECT customer_id, MIN(purchased_at) AS at FROM purchases
			WHERE customer_id IS NOT NULL AND total > 0 GROUP BY customer_id
		) f WHERE `+strings.Join(where, " AND "), args...).Scan(&n)
	return n, err
}

// CustomerValue is one row of customer_value: a customer's lifetime value
// as of the last refit. Money is in cents; CLV and ExpectedSpend are
// model outputs and keep their fractions.
type CustomerValue struct {
	CustomerID         int64
	Name               string // from customers, on reads
	Frequency          int
	Recency, T         float64 // weeks
	Monetary           float64 // mean repeat-day spend, cents
	Purchases          int
	FirstPurchase      time.Time
	LastPurchase       time.Time
	PAlive             float64
	ExpectedPurchases  float64
	ExpectedSpend      float64 // cents per purchase
	CLV                float64 // cents
	HistoricalValue    fresco.Money
	HistoricalProfit   fresco.Money
	RelatedSalesValue  fresco.Money
	ReferralValue      fresco.Money
	Referrals          int // customers referred directly
	ReferralsTotal     int // customers referred directly and down the chain
	R, F, M            int // RFM quintile scores, 1..5
	Segment            string
	Mercenary, Apostle bool
	ComputedAt         time.Time
}

const customerValueColumns = `customer_id, frequency, recency, t, monetary, purchases, first_purchase, last_purchase,
	p_alive, expected_purchases, expected_spend, clv, historical_value, historical_profit, related_sales_value,
	referral_value, referrals, referrals_total, rfm_r, rfm_f, rfm_m, segment, mercenary, apostle, computed_at`

const customerValueArgs = 25

func (v *CustomerValue) args() []any {
	return []any{v.CustomerID, v.Frequency, v.Recency, v.T, v.Monetary, v.Purchases, v.FirstPurchase.UTC(), v.LastPurchase.UTC(),
		v.PAlive, v.ExpectedPurchases, v.ExpectedSpend, v.CLV, int64(v.HistoricalValue), int64(v.HistoricalProfit), int64(v.RelatedSalesValue),
		int64(v.ReferralValue), v.Referrals, v.ReferralsTotal, v.R, v.F, v.M, v.Segment, v.Mercenary, v.Apostle, v.ComputedAt.UTC()}
}

func scanCustomerValue(row rowScanner, withName bool) (*CustomerValue, error) {
	var v CustomerValue
	var hv, hp, rs, rv int64
	dest := []any{&v.CustomerID, &v.Frequency, &v.Recency, &v.T, &v.Monetary, &v.Purchases, &v.FirstPurchase, &v.LastPurchase,
		&v.PAlive, &v.ExpectedPurchases, &v.ExpectedSpend, &v.CLV, &hv, &hp, &rs,
		&rv, &v.Referrals, &v.ReferralsTotal, &v.R, &v.F, &v.M, &v.Segment, &v.Mercenary, &v.Apostle, &v.ComputedAt}
	if withName {
		dest = append(dest, &v.Name)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	v.HistoricalValue, v.HistoricalProfit, v.RelatedSalesValue, v.ReferralValue = fresco.Money(hv), fresco.Money(hp), fresco.Money(rs), fresco.Money(rv)
	v.FirstPurchase, v.LastPurchase, v.ComputedAt = v.FirstPurchase.UTC(), v.LastPurchase.UTC(), v.ComputedAt.UTC()
	return &v, nil
}

// CLVFit is one row of clv_fits.
type CLVFit struct {
	ID            int64
	Model         string
	Params        string // JSON object name → value
	LogLikelihood float64
	Customers     int
	Converged     bool
	Detail        string // JSON: iterations, status, warnings, timings
	ComputedAt    time.Time
}

// ReplaceCustomerValues replaces the whole of customer_value with values and
// records fits (dropping fits more than 90 days older), in one transaction:
// readers see the old refit or the new one, never a mix.
func (db *DB) ReplaceCustomerValues(ctx context.Context, values []*CustomerValue, fits []*CLVFit) error {
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM customer_value`); err != nil {
			return err
		}
		const chunk = 500 // 500 × 25 = 12,500 parameters, under SQLite's and PostgreSQL's limits
		for start := 0; start < len(values); start += chunk {
			part := values[start:min(start+chunk, len(values))]
			args := make([]any, 0, len(part)*customerValueArgs)
			for _, v := range part {
				args = append(args, v.args()...)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO customer_value (`+customerValueColumns+`) VALUES `+
				valuesList(len(part), customerValueArgs), args...); err != nil {
				return fmt.Errorf("insert customer_value: %w", err)
			}
		}
		if len(fits) > 0 { // keep 90 days of fit history
			if _, err := tx.Exec(ctx, `DELETE FROM clv_fits WHERE computed_at < ?`, fits[0].ComputedAt.UTC().AddDate(0, 0, -90)); err != nil {
				return err
			}
		}
		for _, f := range fits {
			if err := tx.QueryRow(ctx, `INSERT INTO clv_fits (model, params, log_likelihood, customers, converged, detail, computed_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				f.Model, f.Params, f.LogLikelihood, f.Customers, f.Converged, f.Detail, f.ComputedAt.UTC()).Scan(&f.ID); err != nil {
				return fmt.Errorf("insert clv_fits: %w", err)
			}
		}
		return tx.markCustomerValueRefit(ctx)
	})
}

// customerValueRefitKey is the settings row that names the refit in
// customer_value. ReplaceCustomerValues rewrites it in the same transaction
// as the rows, so a reader on any replica learns from one primary-key lookup
// whether the rows have changed since it last looked (internal/value caches
// its views on it). Neither computed_at nor the fits would do on their own:
// two refits may share a computed_at, and a refit may record no fits.
const customerValueRefitKey = "clv.refit"

// markCustomerValueRefit gives the refit being written a new random token.
// Random rather than a counter: a database restored from a backup brings
// back its own token, which can never be mistaken for a later refit's.
func (tx *Tx) markCustomerValueRefit(ctx context.Context) error {
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, customerValueRefitKey, rand.Text())
	if err != nil {
		return fmt.Errorf("mark clv refit: %w", err)
	}
	return nil
}

// CustomerValueRefit identifies the refit customer_value holds: equal
// values, same rows. The zero value is "no refit recorded".
type CustomerValueRefit struct {
	// Token is rewritten by every ReplaceCustomerValues ("" before the first).
	Token string
	// LastFitID is the highest id in clv_fits. It also moves when a binary
	// older than Token writes a refit (during a rolling upgrade), as long as
	// the refit records fits — which a refit with customers always does.
	LastFitID int64
}

// CurrentCustomerValueRefit reads the identity of the refit in
// customer_value: a primary-key lookup in settings and the top of clv_fits'
// primary key, as cheap on a million customers as on ten.
func (db *DB) CurrentCustomerValueRefit(ctx context.Context) (CustomerValueRefit, error) {
	var token sql.NullString
	var lastFit sql.NullInt64
	err := db.QueryRow(ctx, `SELECT (SELECT value FROM settings WHERE key = ?), (SELECT MAX(id) FROM clv_fits)`,
		customerValueRefitKey).Scan(&token, &lastFit)
	if err != nil {
		return CustomerValueRefit{}, fmt.Errorf("current clv refit: %w", err)
	}
	return CustomerValueRefit{Token: token.String, LastFitID: lastFit.Int64}, nil
}

// CustomerValueOf returns a customer's row of customer_value, or an
// ENOTFOUND error when the last refit has none (no purchases, or no refit).
func (db *DB) CustomerValueOf(ctx context.Context, customerID int64) (*CustomerValue, error) {
	v, err := scanCustomerValue(db.QueryRow(ctx, `SELECT `+prefixed("v.", customerValueColumns)+`, c.name
		FROM customer_value v JOIN customers c ON c.id = v.customer_id WHERE v.customer_id = ?`, customerID), true)
	if err == sql.ErrNoRows {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "no lifetime value for customer %d yet", customerID)
	}
	return v, err
}

// CustomerValueFilter selects rows of customer_value.
type CustomerValueFilter struct {
	Segment   string
	Mercenary bool // only mercenaries
	Apostle   bool // only apostles
	// Sort is clv (default), historical_value, referral_value, p_alive,
	// last_purchase, profit or customer_id; all descending except
	// customer_id, ties broken by customer id.
	Sort   string
	Limit  int    // ListCustomerValues: 0 means all; PageCustomerValues: the page size
	Cursor string // PageCustomerValues: the next cursor of the previous page
}

// customerValueSort is one order of the customer_value lists. Value sorts
// are descending with the customer id ascending among equal values; key is
// a row's value of the column, as the cursor keeps it (float64, int64 or
// time.Time, never Money, whose JSON is a string), and decodeKey reads it
// back. customer_id has no key: its cursor is the plain id cursor.
type customerValueSort struct {
	column    string
	key       func(*CustomerValue) any
	decodeKey func(json.RawMessage) (any, error)
}

var customerValueSorts = map[string]customerValueSort{
	"clv":              {"v.clv", func(v *CustomerValue) any { return v.CLV }, decodeKeyAs[float64]},
	"historical_value": {"v.historical_value", func(v *CustomerValue) any { return int64(v.HistoricalValue) }, decodeKeyAs[int64]},
	"referral_value":   {"v.referral_value", func(v *CustomerValue) any { return int64(v.ReferralValue) }, decodeKeyAs[int64]},
	"p_alive":          {"v.p_alive", func(v *CustomerValue) any { return v.PAlive }, decodeKeyAs[float64]},
	"last_purchase":    {"v.last_purchase", func(v *CustomerValue) any { return v.LastPurchase.UTC() }, decodeKeyAs[time.Time]},
	"profit":           {"v.historical_profit", func(v *CustomerValue) any { return int64(v.HistoricalProfit) }, decodeKeyAs[int64]},
	"customer_id":      {column: "v.customer_id"},
}

// decodeKeyAs decodes a cursor key into T, the Go type of its column, so
// that it binds as the column's values do. A time goes back to UTC: SQLite
// keeps times as text and compares the text, which orders like the times
// because ReplaceCustomerValues writes every one in UTC.
func decodeKeyAs[T any](raw json.RawMessage) (any, error) {
	var key T
	if err := json.Unmarshal(raw, &key); err != nil {
		return nil, invalidCursor()
	}
	if t, ok := any(key).(time.Time); ok {
		return t.UTC(), nil
	}
	return key, nil
}

// ValidCustomerValueSort reports whether s is a sort ListCustomerValues knows.
func ValidCustomerValueSort(s string) bool { _, ok := customerValueSorts[s]; return ok || s == "" }

// customerValueSortOf returns the sort named s ("" is clv) and its name.
func customerValueSortOf(s string) (customerValueSort, string, error) {
	if s == "" {
		s = "clv"
	}
	sort, ok := customerValueSorts[s]
	if !ok {
		return sort, s, fresco.Errorf(fresco.EINVALID, "unknown sort %q", s)
	}
	return sort, s, nil
}

// orderBy is the ORDER BY of the sort: the column, then the id.
func (s customerValueSort) orderBy() string {
	if s.key == nil {
		return s.column
	}
	return s.column + " DESC, v.customer_id"
}

// after returns the keyset condition for the rows after cursor and its
// arguments. For value sorts it is "value < k, or value = k and id > i",
// written as col <= k AND (col < k OR id > i) so that an index on the
// column can serve the range.
func (s customerValueSort) after(name, cursor string) (string, []any, error) {
	if s.key == nil {
		id, err := decodeCursor(cursor)
		return "v.customer_id > ?", []any{id}, err
	}
	raw, id, err := decodeKeysetCursor(cursor, name)
	if err != nil {
		return "", nil, err
	}
	key, err := s.decodeKey(raw)
	if err != nil {
		return "", nil, err
	}
	return s.column + " <= ? AND (" + s.column + " < ? OR v.customer_id > ?)", []any{key, key, id}, nil
}

// customerValueWhere is the WHERE of a filter (without the cursor).
func customerValueWhere(f CustomerValueFilter) ([]string, []any) {
	where := []string{"1 = 1"}
	var args []any
	if f.Segment != "" {
		where, args = append(where, "v.segment = ?"), append(args, f.Segment)
	}
	if f.Mercenary {
		where = append(where, "v.mercenary")
	}
	if f.Apostle {
		where = append(where, "v.apostle")
	}
	return where, args
}

// customerValueSelect reads rows of customer_value with the customer's name.
var customerValueSelect = `SELECT ` + prefixed("v.", customerValueColumns) + `, c.name
		FROM customer_value v JOIN customers c ON c.id = v.customer_id`

// ListCustomerValues returns rows of customer_value with the customer's
// name: all of them, or the first f.Limit. f.Cursor is ignored; lists that
// page use PageCustomerValues.
func (db *DB) ListCustomerValues(ctx context.Context, f CustomerValueFilter) ([]*CustomerValue, error) {
	sort, _, err := customerValueSortOf(f.Sort)
	if err != nil {
		return nil, err
	}
	where, args := customerValueWhere(f)
	q := customerValueSelect + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + sort.orderBy()
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryAll(ctx, db, scanNamedCustomerValue, q, args...)
}

// scanNamedCustomerValue scans a row of customerValueSelect.
func scanNamedCustomerValue(row rowScanner) (*CustomerValue, error) {
	return scanCustomerValue(row, true)
}

// PageCustomerValues returns one page of rows of customer_value (f.Limit
// rows, default 50, at most 1000) after f.Cursor, and the cursor of the next
// page ("" on the last). The cursor is a keyset on (sort value, customer
// id), so paging is stable while rows are read and survives ties; it
// belongs to its sort.
func (db *DB) PageCustomerValues(ctx context.Context, f CustomerValueFilter) ([]*CustomerValue, string, error) {
	sort, name, err := customerValueSortOf(f.Sort)
	if err != nil {
		return nil, "", err
	}
	where, args := customerValueWhere(f)
	if f.Cursor != "" {
		cond, condArgs, err := sort.after(name, f.Cursor)
		if err != nil {
			return nil, "", err
		}
		where, args = append(where, cond), append(args, condArgs...)
	}
	q := customerValueSelect + ` WHERE ` + strings.Join(where, " AND ") + ` ORDER BY ` + sort.orderBy() + ` LIMIT ?`
	id := func(v *CustomerValue) int64 { return v.CustomerID }
	if sort.key == nil {
		return queryPage(ctx, db, q, args, pageLimit(f.Limit), scanNamedCustomerValue, id)
	}
	return queryKeysetPage(ctx, db, q, args, pageLimit(f.Limit), scanNamedCustomerValue, id, name, sort.key)
}

// The views of the last refit (internal/value's summary, Pareto curve and
// segment table) are aggregates over customer_value, computed here so that a
// request reads a few rows, not one per customer. Sums are returned raw —
// money in cents, CLV in cents with fractions — and value does the division
// and rounding it did when it summed the rows itself.

// CustomerValueSums adds up a group of rows of customer_value.
type CustomerValueSums struct {
	Customers        int
	CLV              float64 // Σ clv, cents
	HistoricalValue  fresco.Money
	HistoricalProfit fresco.Money
	PAlive           float64 // Σ p_alive
	Purchases        int64
}

// customerValueSums is the SELECT list of CustomerValueSums, in the order of
// sumsDest. COALESCE: SUM over no rows is NULL.
const customerValueSums = `COUNT(*), COALESCE(SUM(clv), 0), COALESCE(SUM(historical_value), 0),
	COALESCE(SUM(historical_profit), 0), COALESCE(SUM(p_alive), 0), COALESCE(SUM(purchases), 0)`

// sumsDest returns the scan destinations of customerValueSums.
func (s *CustomerValueSums) sumsDest() []any {
	return []any{&s.Customers, &s.CLV, &s.HistoricalValue, &s.HistoricalProfit, &s.PAlive, &s.Purchases}
}

// CustomerValueTotals sums the whole of customer_value.
type CustomerValueTotals struct {
	CustomerValueSums
	RelatedSalesValue fresco.Money
	ExpectedPurchases float64 // Σ expected_purchases
	LikelyActive      int     // p_alive ≥ 0.5
	Mercenaries       int
	Apostles          int
	// ReferredValue is the historical value of the customers somebody
	// referred: each referred customer once, whoever referred them.
	ReferredValue  fresco.Money
	MinCLV, MaxCLV float64   // cents; 0 when there are no rows
	ComputedAt     time.Time // of the refit; zero when there are no rows
}

// CustomerValueGroups sums customer_value per segment, and over the
// mercenaries and over the apostles (flagged customers are in a segment
// too). Flags nobody has come back with zero customers.
func (db *DB) CustomerValueGroups(ctx context.Context) (segments, flags map[string]CustomerValueSums, err error) {
	segments, flags = map[string]CustomerValueSums{}, map[string]CustomerValueSums{}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var kind, name string
		var g CustomerValueSums
		if err := row.Scan(append([]any{&kind, &name}, g.sumsDest()...)...); err != nil {
			return err
		}
		if kind == "flag" {
			flags[name] = g
		} else {
			segments[name] = g
		}
		return nil
	}, `SELECT 'segment', segment, `+customerValueSums+` FROM customer_value GROUP BY segment
		UNION ALL SELECT 'flag', 'mercenary', `+customerValueSums+` FROM customer_value WHERE mercenary
		UNION ALL SELECT 'flag', 'apostle', `+customerValueSums+` FROM customer_value WHERE apostle`)
	if err != nil {
		return nil, nil, fmt.Errorf("customer value groups: %w", err)
	}
	return segments, flags, nil
}

// CustomerValueSnapshot reads customer_value in one read-only transaction:
// a view made of several statements sees one refit even when another
// commits in between (ReplaceCustomerValues promises readers the old refit
// or the new one, never a mix).
type CustomerValueSnapshot struct {
	tx *Tx // read only: the Tx only for its placeholders and dialect
}

// ReadCustomerValues runs fn on a snapshot of the database.
func (db *DB) ReadCustomerValues(ctx context.Context, fn func(*CustomerValueSnapshot) error) error {
	// SQLite (WAL): a deferred BEGIN on a reader takes its snapshot at the
	// first read. PostgreSQL: REPEATABLE READ gives every statement of the
	// transaction the same snapshot (READ COMMITTED would not).
	opts := &sql.TxOptions{ReadOnly: true}
	if db.dialect == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := db.read.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback() // read only: nothing to commit
	return fn(&CustomerValueSnapshot{tx: &Tx{tx: tx, db: db}})
}

// Totals sums customer_value. The referred customers' value is a scalar
// subquery so that it comes from the same statement.
func (s *CustomerValueSnapshot) Totals(ctx context.Context) (*CustomerValueTotals, error) {
	var t CustomerValueTotals
	var computedAt any
	dest := append(t.sumsDest(), &t.RelatedSalesValue, &t.ExpectedPurchases, &t.LikelyActive, &t.Mercenaries, &t.Apostles,
		&t.MinCLV, &t.MaxCLV, &computedAt, &t.ReferredValue)
	err := s.tx.QueryRow(ctx, `SELECT `+customerValueSums+`,
			COALESCE(SUM(related_sales_value), 0), COALESCE(SUM(expected_purchases), 0),
			COALESCE(SUM(CASE WHEN p_alive >= 0.5 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN mercenary THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN apostle THEN 1 ELSE 0 END), 0),
			COALESCE(MIN(clv), 0), COALESCE(MAX(clv), 0), MAX(computed_at),
			(SELECT COALESCE(SUM(r.historical_value), 0) FROM customer_value r
				JOIN customers c ON c.id = r.customer_id WHERE c.referred_by IS NOT NULL)
		FROM customer_value`).Scan(dest...)
	if err != nil {
		return nil, fmt.Errorf("customer value totals: %w", err)
	}
	if at, err := anyTime(computedAt); err != nil {
		return nil, err
	} else if at != nil {
		t.ComputedAt = *at
	}
	return &t, nil
}

// SortedCLV returns the clv (cents) of the rows at ranks [from, to) of
// customer_value in ascending clv order, n being its number of rows: order
// statistics read off the clv index from whichever end is nearer.
func (s *CustomerValueSnapshot) SortedCLV(ctx context.Context, n, from, to int) ([]float64, error) {
	if from >= to {
		return nil, nil
	}
	if from > n-to { // nearer the top: ranks [n−to, n−from) from the top, reversed
		vals, err := queryAll(ctx, s.tx, scanValue[float64], `SELECT clv FROM customer_value ORDER BY clv DESC LIMIT ? OFFSET ?`, to-from, n-to)
		slices.Reverse(vals)
		return vals, err
	}
	return queryAll(ctx, s.tx, scanValue[float64], `SELECT clv FROM customer_value ORDER BY clv LIMIT ? OFFSET ?`, to-from, from)
}

// CLVHistogram counts the rows per bar of a histogram of clv in currency
// units: x = clv / 100 falls in bar ⌊(x − lo) / width⌋, bars below 0 count in
// bar 0 and bars from bars − 1 up in the last one (it is open-ended). The
// expression is the same sequence of float64 operations value used on each
// row, so a value on a bar's edge lands in the same bar.
func (s *CustomerValueSnapshot) CLVHistogram(ctx context.Context, lo, width float64, bars int) ([]int, error) {
	const bar = `(clv / ? - ?) / ?`
	last := bars - 1
	counts := make([]int, bars)
	err := queryEach(ctx, s.tx, func(row rowScanner) error {
		var b, n int
		if err := row.Scan(&b, &n); err != nil {
			return err
		}
		counts[max(0, min(b, last))] += n
		return nil
	}, `SELECT bar, COUNT(*) FROM (
			SELECT CASE WHEN `+bar+` >= ? THEN ? ELSE CAST(FLOOR(`+bar+`) AS INTEGER) END AS bar FROM customer_value
		) bars GROUP BY bar`, 100.0, lo, width, float64(last), last, 100.0, lo, width)
	if err != nil {
		return nil, fmt.Errorf("clv histogram: %w", err)
	}
	return counts, nil
}

// customerValueMetrics are the columns a Pareto curve can rank customers by.
var customerValueMetrics = map[string]string{"profit": "historical_profit", "revenue": "historical_value", "clv": "clv"}

func metricColumn(metric string) (string, error) {
	col, ok := customerValueMetrics[metric]
	if !ok {
		return "", fresco.Errorf(fresco.EINVALID, "metric must be profit, revenue or clv")
	}
	return col, nil
}

// MetricTotal returns the number of rows of customer_value and the sum of
// metric (profit, revenue or clv) over them, in cents.
func (s *CustomerValueSnapshot) MetricTotal(ctx context.Context, metric string) (n int, total float64, err error) {
	col, err := metricColumn(metric)
	if err != nil {
		return 0, 0, err
	}
	err = s.tx.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(`+col+`), 0) FROM customer_value`).Scan(&n, &total)
	return n, total, err
}

// TopSums returns, for each k in ranks (1-based), the sum of metric over the
// k customers with the highest metric, in cents: the running sum of a window
// ordered best first, kept at the ranks asked for. ROWS (not the default
// RANGE) so that customers with equal values are counted one by one.
func (s *CustomerValueSnapshot) TopSums(ctx context.Context, metric string, ranks []int) (map[int]float64, error) {
	col, err := metricColumn(metric)
	if err != nil {
		return nil, err
	}
	out := map[int]float64{}
	if len(ranks) == 0 {
		return out, nil
	}
	args := make([]any, len(ranks))
	for i, k := range ranks {
		args[i] = k
	}
	err = queryMap(ctx, s.tx, out, scanPair[int, float64], `SELECT top_n, running_sum FROM (
			SELECT ROW_NUMBER() OVER best AS top_n, SUM(`+col+`) OVER best AS running_sum
			FROM customer_value
			WINDOW best AS (ORDER BY `+col+` DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
		) ranked WHERE top_n IN (`+placeholders(len(ranks))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("top sums of %s: %w", metric, err)
	}
	return out, nil
}

// LatestCLVFits returns the fits of the most recent refit (empty before the
// first).
func (db *DB) LatestCLVFits(ctx context.Context) ([]*CLVFit, error) {
	return queryAll(ctx, db, scanCLVFit, `SELECT id, model, params, log_likelihood, customers, converged, detail, computed_at
		FROM clv_fits WHERE computed_at = (SELECT MAX(computed_at) FROM clv_fits) ORDER BY id`)
}

func scanCLVFit(row rowScanner) (*CLVFit, error) {
	var f CLVFit
	if err := row.Scan(&f.ID, &f.Model, &f.Params, &f.LogLikelihood, &f.Customers, &f.Converged, &f.Detail, &f.ComputedAt); err != nil {
		return nil, err
	}
	f.ComputedAt = f.ComputedAt.UTC()
	return &f, nil
}

// prefixed puts prefix before every column of a comma-separated list.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// ReferralNode is one customer in a referral chain.
type ReferralNode struct {
	CustomerID int64
	Name       string
	ReferredBy int64 // who referred them (the root or a node before them)
	Depth      int   // 1: referred directly by the root
	Value      fresco.Money
}

// ReferralChain returns everyone customerID referred, directly and down the
// chain (at most 50 levels), breadth first, with each one's net purchases.
func (db *DB) ReferralChain(ctx context.Context, customerID int64) ([]ReferralNode, error) {
	return queryAll(ctx, db, scanReferralNode, `WITH RECURSIVE chain(id, depth, via) AS (
			SELECT id, 1, referred_by FROM customers WHERE referred_by = ?
			UNION ALL
			SELECT c.id, chain.depth + 1, c.referred_by FROM customers c JOIN chain ON c.referred_by = chain.id
			WHERE chain.depth < 50
		)
		SELECT chain.id, chain.depth, chain.via, c.name,
			COALESCE((SELECT SUM(p.total) FROM purchases p WHERE p.customer_id = chain.id), 0)
		FROM chain JOIN customers c ON c.id = chain.id
		ORDER BY chain.depth, chain.id`, customerID)
}

func scanReferralNode(row rowScanner) (ReferralNode, error) {
	var n ReferralNode
	var v int64
	err := row.Scan(&n.CustomerID, &n.Depth, &n.ReferredBy, &n.Name, &v)
	n.Value = fresco.Money(v)
	return n, err
}
