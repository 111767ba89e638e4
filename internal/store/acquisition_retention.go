package store

// Acquisition vs retention (package value's AcquisitionRetention): the
// customers the last refit valued, summed by the month they were first
// seen, and the months of the repurchase rollup (migration 00018).

import (
	"context"
	"time"
)

// ValuedSums are customers the last refit valued: how many, and the sums of
// their probability of being alive and of their predicted lifetime value
// (cents, as customer_value.clv).
type ValuedSums struct {
	Day       time.Time // the UTC day they were first seen; zero for a range
	Customers int
	PAlive    float64
	CLV       float64
}

// firstSeenMonth is the SQL of the first of the month (text 'YYYY-MM-01')
// customers c were first seen, UTC.
func (db *DB) firstSeenMonth() string {
	if db.Dialect() == Postgres {
		return "to_char(c.first_seen AT TIME ZONE 'UTC', 'YYYY-MM') || '-01'"
	}
	return "date(c.first_seen, 'start of month')"
}

// firstSeenDay is the SQL of the UTC day (text 'YYYY-MM-DD') customers c
// were first seen, as acquisition_daily (migration 00071) keys it.
func (db *DB) firstSeenDay() string {
	if db.Dialect() == Postgres {
		return "to_char(c.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return "date(c.first_seen)"
}

// ValuedByFirstSeenDay sums every customer the last refit valued by the
// day they were first seen. It reads all of customer_value, so callers keep
// the result until the next refit or correction (AcquisitionEdits); a
// period's base is then a sum over days.
func (db *DB) ValuedByFirstSeenDay(ctx context.Context) ([]ValuedSums, error) {
	return queryAll(ctx, db, func(row rowScanner) (ValuedSums, error) {
		var s ValuedSums
		var d string
		err := row.Scan(&d, &s.Customers, &s.PAlive, &s.CLV)
		if err == nil {
			s.Day, err = time.Parse(time.DateOnly, d)
		}
		return s, err
	}, `SELECT `+db.firstSeenDay()+` AS day, COUNT(*), COALESCE(SUM(v.p_alive), 0), COALESCE(SUM(v.clv), 0)
		FROM customer_value v JOIN customers c ON c.id = v.customer_id
		GROUP BY 1 ORDER BY 1`)
}

// AcquisitionEdits is the count of corrections to customers' sources and
// first-seen days and of customers deleted (migration 00071): it grows on
// each, so sums of the customers by first-seen day kept while it stays the
// same are still exact.
func (db *DB) AcquisitionEdits(ctx context.Context) (int64, error) {
	var n int64
	err := db.QueryRow(ctx, `SELECT COALESCE(SUM(n), 0) FROM acquisition_edits`).Scan(&n)
	return n, err
}

// CountFirstSeen counts the customers first seen in [from, to), valued or
// not, from acquisition_daily (migration 00071): from and to are UTC days.
func (db *DB) CountFirstSeen(ctx context.Context, from, to time.Time) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COALESCE(SUM(customers), 0) FROM acquisition_daily WHERE day >= ? AND day < ?`,
		dateText(from.UTC()), dateText(to.UTC())).Scan(&n)
	return n, err
}

// RepurchaseMonth is one month of the repurchase rollup: the customers
// without a case who bought that month and how many of them bought again
// within 90 days (Baseline).
type RepurchaseMonth struct {
	Month     time.Time
	Customers int
	Retained  int
}

// RepurchaseMonths returns the rollup's months in [from, to) (firsts of
// months), oldest first: O(months) rows.
func (db *DB) RepurchaseMonths(ctx context.Context, from, to time.Time) ([]RepurchaseMonth, error) {
	return queryAll(ctx, db, func(row rowScanner) (RepurchaseMonth, error) {
		var r RepurchaseMonth
		var m string
		err := row.Scan(&m, &r.Customers, &r.Retained)
		if err == nil {
			r.Month, err = time.Parse(time.DateOnly, m)
		}
		return r, err
	}, `SELECT month, SUM(customers), SUM(retained) FROM baseline_month
		WHERE month >= ? AND month < ? GROUP BY month ORDER BY month`, from.Format(time.DateOnly), to.Format(time.DateOnly))
}
