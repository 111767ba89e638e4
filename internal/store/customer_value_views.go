package store

// The views of the last refit (internal/value's summary, Pareto curve and
// segment table) are aggregates over customer_value, computed here so that a
// request reads a few rows, not one per customer. Sums are returned raw —
// money in cents, CLV in cents with fractions — and value does the division
// and rounding it did when it summed the rows itself.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

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
	ReferredValue fresco.Money
	// ReferredCustomers counts those customers (among customer_value's).
	ReferredCustomers int
	MinCLV, MaxCLV    float64   // cents; 0 when there are no rows
	ComputedAt        time.Time // of the refit; zero when there are no rows
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

// Totals sums customer_value. The referred customers' value and count are
// a one-row derived table so that they come from the same statement.
func (s *CustomerValueSnapshot) Totals(ctx context.Context) (*CustomerValueTotals, error) {
	var t CustomerValueTotals
	var computedAt any
	dest := append(t.sumsDest(), &t.RelatedSalesValue, &t.ExpectedPurchases, &t.LikelyActive, &t.Mercenaries, &t.Apostles,
		&t.MinCLV, &t.MaxCLV, &computedAt, &t.ReferredValue, &t.ReferredCustomers)
	err := s.tx.QueryRow(ctx, `SELECT `+customerValueSums+`,
			COALESCE(SUM(related_sales_value), 0), COALESCE(SUM(expected_purchases), 0),
			COALESCE(SUM(CASE WHEN p_alive >= 0.5 THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN mercenary THEN 1 ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN apostle THEN 1 ELSE 0 END), 0),
			COALESCE(MIN(clv), 0), COALESCE(MAX(clv), 0), MAX(computed_at),
			COALESCE(MAX(referred.value), 0), COALESCE(MAX(referred.customers), 0)
		FROM customer_value CROSS JOIN (SELECT COALESCE(SUM(r.historical_value), 0) AS value, COUNT(*) AS customers
			FROM customer_value r JOIN customers c ON c.id = r.customer_id WHERE c.referred_by IS NOT NULL) referred`).Scan(dest...)
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
	err = queryMap(ctx, s.tx, out, scanPair[int, float64], `SELECT top_n, running_sum FROM (
			SELECT ROW_NUMBER() OVER best AS top_n, SUM(`+col+`) OVER best AS running_sum
			FROM customer_value
			WINDOW best AS (ORDER BY `+col+` DESC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
		) ranked WHERE top_n IN (`+placeholders(len(ranks))+`)`, asArgs(ranks)...)
	if err != nil {
		return nil, fmt.Errorf("top sums of %s: %w", metric, err)
	}
	return out, nil
}
