package store

// The purchase→feedback delay rollup (migration 00017): responses per UTC
// day and per UTC month, listening post and delay in whole hours (-1: not
// tied to a purchase, or given before it). Triggers keep it exact; the post
// report reads it for day-bounded periods, so /feedback reads
// O(periods × posts × hours) rows, not every response.

import (
	"context"
	"strings"
	"time"
)

// noDelay is the hours of a response tied to no purchase or given before it.
const noDelay = -1

// delayHours is the SQL for a response's delay bucket as the triggers
// compute it: whole seconds from purchased_at to responded_at, rounded half
// up to whole hours, or noDelay.
func delayHours(d Dialect) string {
	if d == Postgres {
		return "feedback_delay_hours(responded_at, purchased_at)"
	}
	return `CASE WHEN purchased_at IS NULL OR CAST(strftime('%s', responded_at) AS INTEGER) < CAST(strftime('%s', purchased_at) AS INTEGER) THEN -1
		ELSE (CAST(strftime('%s', responded_at) AS INTEGER) - CAST(strftime('%s', purchased_at) AS INTEGER) + 1800) / 3600 END`
}

// delayDailySelect and delayMonthlySelect compute the rollup's rows from
// responses (from, as for feedbackRollupSelect), as a rebuild writes them.
func delayDailySelect(d Dialect, from string) string {
	day := "date(responded_at)"
	if d == Postgres {
		day = "to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return `SELECT ` + day + ` AS day, post_id, ` + delayHours(d) + ` AS hours, COUNT(*) AS n FROM ` + from + ` r GROUP BY 1, 2, 3`
}

func delayMonthlySelect(d Dialect, from string) string {
	return `SELECT substr(day, 1, 7) || '-01', post_id, hours, SUM(n) FROM (` + delayDailySelect(d, from) + `) d GROUP BY 1, 2, 3`
}

// DelayCount is how many responses a listening post heard with a delay
// of Hours (-1: tied to no purchase, or given before it).
type DelayCount struct {
	PostID   int64
	Hours, N int
}

// addDelay counts n responses of a post with a delay into its activity.
func addDelay(get func(int64) *PostActivity, c DelayCount) {
	a := get(c.PostID)
	a.Responses += c.N
	if c.Hours != noDelay {
		a.DelayHours[c.Hours] += c.N
	}
}

// addDelays reads rows of (post_id, hours, n) into the posts' activity.
func addDelays(ctx context.Context, q Querier, get func(int64) *PostActivity, query string, args ...any) error {
	return queryEach(ctx, q, func(row rowScanner) error {
		var c DelayCount
		if err := row.Scan(&c.PostID, &c.Hours, &c.N); err != nil {
			return err
		}
		addDelay(get, c)
		return nil
	}, query, args...)
}

// WholeDayDelays reads the responses of the whole UTC days [d1, d2) (zero:
// unbounded) per post and delay from the rollup (delaysRollup).
func (db *DB) WholeDayDelays(ctx context.Context, d1, d2 time.Time) ([]DelayCount, error) {
	q, args := delaysRollup(d1, d2)
	return queryAll(ctx, db, func(row rowScanner) (DelayCount, error) {
		var c DelayCount
		err := row.Scan(&c.PostID, &c.Hours, &c.N)
		return c, err
	}, q, args...)
}

// delaysRollup reads the responses in the day-bounded [from, to) per post
// and delay from the rollup: whole months from feedback_delay_monthly, the
// days around them from feedback_delay_daily.
func delaysRollup(from, to time.Time) (string, []any) {
	var parts []string
	var args []any
	part := func(table, col string, from, to time.Time) {
		var w conditions
		if !from.IsZero() {
			w.add(col+" >= ?", from.UTC().Format(time.DateOnly))
		}
		if !to.IsZero() {
			w.add(col+" < ?", to.UTC().Format(time.DateOnly))
		}
		parts = append(parts, `SELECT post_id, hours, n FROM `+table+` WHERE `+w.sql())
		args = append(args, w.args...)
	}
	m1, m2, whole := monthSpan(from, to)
	if !whole {
		part("feedback_delay_daily", "day", from, to)
	} else {
		if !from.IsZero() && from.Before(m1) {
			part("feedback_delay_daily", "day", from, m1)
		}
		part("feedback_delay_monthly", "month", m1, m2)
		if !to.IsZero() && m2.Before(to) {
			part("feedback_delay_daily", "day", m2, to)
		}
	}
	return `SELECT post_id, hours, SUM(n) AS n FROM (` + strings.Join(parts, " UNION ALL ") + `) u GROUP BY post_id, hours`, args
}

// WholeDays is a reader of the delay counts of whole UTC days, as
// WholeDayDelays; the feedback service keeps what it read.
type WholeDays func(d1, d2 time.Time) ([]DelayCount, error)

// addDelaysSplit counts the responses in [from, to) per post and delay:
// the whole UTC days with whole, the part-days before and after them from
// the responses (delaysRaw, both in one statement). A period within one
// day reads the responses only.
func (db *DB) addDelaysSplit(ctx context.Context, get func(int64) *PostActivity, from, to time.Time, whole WholeDays) error {
	d1, d2 := from, to // the whole days: [d1, d2)
	if !from.IsZero() {
		if d1 = from.UTC().Truncate(24 * time.Hour); d1.Before(from) {
			d1 = d1.AddDate(0, 0, 1)
		}
	}
	if !to.IsZero() {
		d2 = to.UTC().Truncate(24 * time.Hour)
	}
	if !from.IsZero() && !to.IsZero() && !d1.Before(d2) {
		q, args := delaysRaw(db.dialect, from, to)
		return addDelays(ctx, db, get, q, args...)
	}
	var parts []string
	var args []any
	add := func(q string, a []any) {
		parts, args = append(parts, q), append(args, a...)
	}
	if d1.After(from) {
		add(delaysRaw(db.dialect, from, d1))
	}
	if d2.Before(to) {
		add(delaysRaw(db.dialect, d2, to))
	}
	if len(parts) > 0 {
		if err := addDelays(ctx, db, get, strings.Join(parts, " UNION ALL "), args...); err != nil {
			return err
		}
	}
	counts, err := whole(d1, d2)
	if err != nil {
		return err
	}
	for _, c := range counts {
		addDelay(get, c)
	}
	return nil
}

// delaysRaw is delaysRollup over the responses themselves, for bounds
// within a day.
func delaysRaw(d Dialect, from, to time.Time) (string, []any) {
	var w conditions
	w.within("responded_at", from, to)
	return `SELECT post_id, ` + delayHours(d) + ` AS hours, COUNT(*) AS n FROM responses WHERE ` + w.sql() + ` GROUP BY 1, 2`, w.args
}

// DelayRollupRow is one row of feedback_delay_daily or feedback_delay_monthly.
type DelayRollupRow struct {
	Period string
	PostID int64
	Hours  int
	N      int64
}

// DelayRollupRows returns feedback_delay_daily (or, monthly,
// feedback_delay_monthly) whole, in key order, or, with fromResponses, what
// a rebuild would write there; tests compare the two.
func DelayRollupRows(ctx context.Context, q Querier, monthly, fromResponses bool) ([]DelayRollupRow, error) {
	src := `SELECT day, post_id, hours, n FROM feedback_delay_daily`
	switch {
	case monthly && fromResponses:
		src = delayMonthlySelect(q.Dialect(), allResponses)
	case monthly:
		src = `SELECT month, post_id, hours, n FROM feedback_delay_monthly`
	case fromResponses:
		src = delayDailySelect(q.Dialect(), allResponses)
	}
	return queryAll(ctx, q, func(row rowScanner) (DelayRollupRow, error) {
		var r DelayRollupRow
		err := row.Scan(&r.Period, &r.PostID, &r.Hours, &r.N)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2, 3`)
}
