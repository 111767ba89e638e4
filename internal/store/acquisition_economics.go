package store

// What each acquisition source costs and returns (package value's
// SourceEconomics): the spend channels' sources, the spend overlapping a
// period, and the period's new customers by source and month with the sums
// of their predicted lifetime value and observed monthly gross profit.

import (
	"context"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// ChannelSources returns the owner's mapping of spend channels (lower-cased)
// to acquisition sources. A channel it lacks pays for the source of the same
// name, compared case-insensitively.
func (db *DB) ChannelSources(ctx context.Context) (map[string]string, error) {
	out := map[string]string{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var channel, source string
		if err := row.Scan(&channel, &source); err != nil {
			return err
		}
		out[channel] = source
		return nil
	}, `SELECT channel, source FROM channel_sources ORDER BY channel`)
	return out, err
}

// SetChannelSources replaces the mapping within the transaction; channels
// are stored lower-cased.
func (tx *Tx) SetChannelSources(ctx context.Context, m map[string]string) error {
	if _, err := tx.Exec(ctx, `DELETE FROM channel_sources`); err != nil {
		return err
	}
	at := now()
	for channel, source := range m {
		if _, err := tx.Exec(ctx, `INSERT INTO channel_sources (channel, source, updated_at) VALUES (?, ?, ?)`,
			strings.ToLower(strings.TrimSpace(channel)), strings.TrimSpace(source), at); err != nil {
			return err
		}
	}
	return nil
}

// SpendOverlapping returns every spend record sharing a day with the dates
// from..to (both inclusive), by id: a handful of rows a month, read whole.
func (db *DB) SpendOverlapping(ctx context.Context, from, to time.Time) ([]*fresco.MarketingSpend, error) {
	var w conditions
	w.spendOverlaps(dateOf(from), dateOf(to))
	return queryAll(ctx, db, scanSpend, `SELECT `+spendColumns+` FROM marketing_spend WHERE `+w.sql()+` ORDER BY id`, w.args...)
}

// CohortSums are the customers first seen in one month (or day) with one
// acquisition source: how many, how many the last refit valued, and the
// sums (and sums of squares) of their predicted lifetime value (cents, as
// customer_value.clv) and of their observed monthly gross profit
// (cents: historical_profit ÷ the months from their first purchase to the
// refit, at least one).
type CohortSums struct {
	Source      string
	Month       time.Time // the first of the month, UTC
	Day         time.Time // the day, UTC, in ValuedCohortsByDay's rows; else zero
	New, Valued int
	CLV, CLVSq  float64
	GP, GPSq    float64
}

// AcquisitionCohorts sums the customers first seen in [from, to) by
// acquisition source and calendar month (UTC), reading each of them and
// their customer_value row. Package value's Sources adds up the same rows
// from acquisition_daily and the per-refit ValuedCohortsByDay instead; this
// is the query they must equal (its tests).
func (db *DB) AcquisitionCohorts(ctx context.Context, from, to time.Time) ([]CohortSums, error) {
	return db.cohortSums(ctx, db.firstSeenMonth(), `customers c LEFT JOIN customer_value v ON v.customer_id = c.id
			WHERE c.first_seen >= ? AND c.first_seen < ?`, utc(from), utc(to))
}

// ValuedCohortsByDay sums every customer the last refit valued by
// acquisition source and the UTC day they were first seen (New is the
// count of them valued; Month the first of the day's month). It reads all
// of customer_value, so callers keep the result until the next refit or
// correction (AcquisitionEdits).
func (db *DB) ValuedCohortsByDay(ctx context.Context) ([]CohortSums, error) {
	rows, err := db.cohortSums(ctx, db.firstSeenDay(), `customer_value v JOIN customers c ON c.id = v.customer_id`)
	for i := range rows {
		r := &rows[i]
		r.Day, r.Month = r.Month, time.Date(r.Month.Year(), r.Month.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return rows, err
}

// cohortSums is AcquisitionCohorts' grouping by source and period (the
// SQL of the customers' month or day, read into Month) over the customers c
// (joined to their customer_value v) that from (the SQL after FROM)
// selects.
func (db *DB) cohortSums(ctx context.Context, period, from string, args ...any) ([]CohortSums, error) {
	days := "(julianday(v.computed_at) - julianday(v.first_purchase))"
	if db.Dialect() == Postgres {
		days = "(EXTRACT(EPOCH FROM (v.computed_at - v.first_purchase)) / 86400.0)"
	}
	return queryAll(ctx, db, func(row rowScanner) (CohortSums, error) {
		var s CohortSums
		var m string
		err := row.Scan(&s.Source, &m, &s.New, &s.Valued, &s.CLV, &s.CLVSq, &s.GP, &s.GPSq)
		if err == nil {
			s.Month, err = time.Parse(time.DateOnly, m)
		}
		return s, err
	}, `SELECT source, period, COUNT(*), COUNT(clv), COALESCE(SUM(clv), 0), COALESCE(SUM(clv * clv), 0),
			COALESCE(SUM(gp), 0), COALESCE(SUM(gp * gp), 0)
		FROM (SELECT c.acquisition_source AS source, `+period+` AS period, v.clv AS clv,
				CAST(v.historical_profit AS DOUBLE PRECISION)
					/ CAST(CASE WHEN `+days+` < 30.4375 THEN 1.0 ELSE `+days+` / 30.4375 END AS DOUBLE PRECISION) AS gp
			FROM `+from+`) t
		GROUP BY source, period ORDER BY source, period`, args...)
}

// NewBySourceMonth counts the customers first seen in [from, to) (UTC
// days), valued or not, by acquisition source and month (New alone), from
// acquisition_daily (migration 00071): the period's days × sources rows,
// whatever the number of customers.
func (db *DB) NewBySourceMonth(ctx context.Context, from, to time.Time) ([]CohortSums, error) {
	return queryAll(ctx, db, func(row rowScanner) (CohortSums, error) {
		var s CohortSums
		var m string
		err := row.Scan(&s.Source, &m, &s.New)
		if err == nil {
			s.Month, err = time.Parse(time.DateOnly, m)
		}
		return s, err
	}, `SELECT source, substr(day, 1, 7) || '-01', SUM(customers) FROM acquisition_daily
		WHERE day >= ? AND day < ?
		GROUP BY 1, 2 HAVING SUM(customers) > 0 ORDER BY 1, 2`, dateText(from.UTC()), dateText(to.UTC()))
}
