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
	Month     time.Time // the first of the month (UTC) they were first seen; zero for a range
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

// ValuedByFirstSeenMonth sums every customer the last refit valued by the
// month they were first seen. It reads all of customer_value, so callers
// keep the result until the next refit (value's view cache); a period's
// base is then a sum over months.
func (db *DB) ValuedByFirstSeenMonth(ctx context.Context) ([]ValuedSums, error) {
	return queryAll(ctx, db, func(row rowScanner) (ValuedSums, error) {
		var s ValuedSums
		var m string
		err := row.Scan(&m, &s.Customers, &s.PAlive, &s.CLV)
		if err == nil {
			s.Month, err = time.Parse(time.DateOnly, m)
		}
		return s, err
	}, `SELECT `+db.firstSeenMonth()+` AS month, COUNT(*), COALESCE(SUM(v.p_alive), 0), COALESCE(SUM(v.clv), 0)
		FROM customer_value v JOIN customers c ON c.id = v.customer_id
		GROUP BY 1 ORDER BY 1`)
}

// CountFirstSeen counts the customers first seen in [from, to), valued or
// not, from the customers' first_seen index alone.
func (db *DB) CountFirstSeen(ctx context.Context, from, to time.Time) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM customers WHERE first_seen >= ? AND first_seen < ?`, utc(from), utc(to)).Scan(&n)
	return n, err
}

// ValuedFirstSeen sums the customers the last refit valued who were first
// seen in [from, to), through the customers' first_seen index: at most a
// month of customers, for the part of a month the monthly sums cannot split.
func (db *DB) ValuedFirstSeen(ctx context.Context, from, to time.Time) (ValuedSums, error) {
	var s ValuedSums
	err := db.QueryRow(ctx, `SELECT COUNT(v.customer_id), COALESCE(SUM(v.p_alive), 0), COALESCE(SUM(v.clv), 0)
		FROM customers c JOIN customer_value v ON v.customer_id = c.id
		WHERE c.first_seen >= ? AND c.first_seen < ?`, utc(from), utc(to)).Scan(&s.Customers, &s.PAlive, &s.CLV)
	return s, err
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
