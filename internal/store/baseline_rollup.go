package store

// The recovery report's baseline from a rollup (migration 00018): month
// cohorts of customers without a case, kept by triggers on purchases and
// recovery_cases, so the report reads O(months) rows, not every purchase.

import (
	"context"
	"time"
)

// Baseline is the comparison group of the recovery rate, as month cohorts:
// for each whole UTC month in [From, To), the customers who never had a
// case and bought that month (a purchase of positive total), and how many
// of them bought again within 90 days of their first purchase that month,
// summed over the months. A customer who bought in three of the months
// counts three times.
//
// Why cohorts: an exact per-customer baseline over an arbitrary period
// cannot be summed from counts kept ahead of time — a customer's first
// purchase in the period depends on where the period starts — while a
// month's cohort can, and is the same whatever period contains it.
type Baseline struct {
	From, To  time.Time // the first cohort month and the month after the last; zero when there is none
	Customers int
	Retained  int
}

// BaselineMonths returns the cohort months [m1, m2) of a report over
// [from, to) as of asOf: the whole UTC months inside the period that ended
// at least 90 days before asOf, so that every customer counted had 90 days
// to come back. A month the period only partly covers is left out. ok is
// false when no month qualifies.
func BaselineMonths(from, to, asOf time.Time) (m1, m2 time.Time, ok bool) {
	m1, m2, ok = monthSpan(from, to)
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	cut := asOf.UTC().AddDate(0, 0, -90)
	if c := time.Date(cut.Year(), cut.Month(), 1, 0, 0, 0, 0, time.UTC); c.Before(m2) {
		m2 = c
	}
	if !m1.Before(m2) {
		return time.Time{}, time.Time{}, false
	}
	return m1, m2, true
}

// BaselineRetention returns the baseline of a report over [from, to) as of
// asOf, summed from baseline_month.
func (db *DB) BaselineRetention(ctx context.Context, from, to, asOf time.Time) (Baseline, error) {
	m1, m2, ok := BaselineMonths(from, to, asOf)
	if !ok {
		return Baseline{}, nil
	}
	b := Baseline{From: m1, To: m2}
	err := db.QueryRow(ctx, `SELECT COALESCE(SUM(customers), 0), COALESCE(SUM(retained), 0) FROM baseline_month
		WHERE month >= ? AND month < ?`, m1.Format(time.DateOnly), m2.Format(time.DateOnly)).Scan(&b.Customers, &b.Retained)
	return b, err
}

// baselineRetained is the SQL for whether a baseline_customer_month row
// bought again within 90 days, as the triggers compute it (1 or 0).
func baselineRetained(d Dialect) string {
	if d == Postgres {
		return "baseline_retained(first_at, next_at)"
	}
	return "(next_at IS NOT NULL AND next_at <= datetime(first_at, '+90 days') || substr(first_at, 20))"
}

// baselineCustomerMonthSelect and baselineMonthSelect compute the rollup's
// rows from purchases and recovery_cases, as a rebuild writes them;
// baselineMonthSelect reads baseline_customer_month, or the select that
// computes it when given as from. baselineCustomerMonthSelect computes the
// rows of the customers the condition who on purchases.customer_id picks.
func baselineCustomerMonthSelect(d Dialect, who string) string {
	month := "date(purchased_at, 'start of month')"
	if d == Postgres {
		month = "baseline_month_of(purchased_at)"
	}
	return `SELECT f.customer_id, f.month, f.first_at,
			(SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = f.customer_id AND p.total > 0 AND p.purchased_at > f.first_at) AS next_at
		FROM (SELECT customer_id, ` + month + ` AS month, MIN(purchased_at) AS first_at
			FROM purchases WHERE ` + who + ` AND total > 0 GROUP BY 1, 2) f`
}

func baselineMonthSelect(d Dialect, from string) string {
	return `SELECT month, customer_id % 16 AS shard, COUNT(*) AS customers, SUM(` + baselineRetained(d) + `) AS retained FROM ` + from + ` b
		WHERE NOT EXISTS (SELECT 1 FROM recovery_cases c WHERE c.customer_id = b.customer_id) GROUP BY 1, 2`
}

// BaselineRollupRow is one row of baseline_month.
type BaselineRollupRow struct {
	Month               string
	Shard               int
	Customers, Retained int64
}

// BaselineRollupRows returns baseline_month whole, in key order, or, with
// fromPurchases, what a rebuild would write there (without reading
// baseline_customer_month); tests compare the two.
func BaselineRollupRows(ctx context.Context, q Querier, fromPurchases bool) ([]BaselineRollupRow, error) {
	src := `SELECT month, shard, customers, retained FROM baseline_month`
	if fromPurchases {
		src = baselineMonthSelect(q.Dialect(), "("+baselineCustomerMonthSelect(q.Dialect(), allCustomers)+")")
	}
	return queryAll(ctx, q, func(row rowScanner) (BaselineRollupRow, error) {
		var r BaselineRollupRow
		err := row.Scan(&r.Month, &r.Shard, &r.Customers, &r.Retained)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2`)
}
