package store

// Rollups: aggregates that do not grow with history. feedback_score_daily
// counts the answers to each headline scale (NPS, CSAT, CES) by score, per
// UTC day, listening post, location, employee and segment. Triggers on
// responses (migration 00010) keep it exact in the transaction of every
// insert, correction and delete, whatever path writes; the feedback reports
// read it instead of the responses whenever the filter allows, so a
// dashboard reads O(days × dimensions) rows. Counts by score are exact, so
// every interval computed from them is the one the raw rows would give.

import (
	"context"
	"time"
)

// rollupAnswers decides whether the daily rollup can answer a report over
// the responses f selects. It can when every condition is on a dimension it
// keeps — post, location, employee, segment — and the date bounds fall on
// UTC day boundaries (the UI's dates, an API date without a time). It cannot
// for a survey, a customer, labelled or commented responses, a category, or
// a bound within a day: those read the responses themselves.
func (f ResponseFilter) rollupAnswers() bool {
	dayBound := func(t time.Time) bool {
		return t.IsZero() || t.UTC().Equal(t.UTC().Truncate(24*time.Hour))
	}
	return dayBound(f.From) && dayBound(f.To) &&
		f.SurveyID == nil && f.CustomerID == nil && f.Labelled == nil && !f.WithComment && f.Category == ""
}

// scoreCountsRollup is ScoreCounts read from feedback_score_daily. Unknown
// employees and locations are 0 there and come out as the raw query's "".
func (db *DB) scoreCountsRollup(ctx context.Context, f ResponseFilter, scale, groupBy string) ([]*ScoreGroup, error) {
	var key, label string
	switch groupBy {
	case GroupNone:
		key, label = "'-'", "'-'"
	case GroupEmployee:
		key, label = "CASE WHEN d.employee_id = 0 THEN '' ELSE CAST(d.employee_id AS TEXT) END", "COALESCE(e.name, '')"
	case GroupLocation:
		key, label = "CASE WHEN d.location_id = 0 THEN '' ELSE CAST(d.location_id AS TEXT) END", "COALESCE(l.name, '')"
	case GroupPost:
		key, label = "p.slug", "p.name"
	case GroupSegment:
		key, label = "d.segment", "d.segment"
	case GroupDay:
		key, label = "d.day", "d.day"
	}
	var w conditions
	w.add("d.scale = ?", scale)
	if !f.From.IsZero() {
		w.add("d.day >= ?", f.From.UTC().Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		w.add("d.day < ?", f.To.UTC().Format(time.DateOnly))
	}
	w.textIs("p.slug", f.PostSlug)
	w.idIs("d.employee_id", f.EmployeeID)
	w.idIs("d.location_id", f.LocationID)
	w.textIs("d.segment", f.Segment)
	groupCols := key + ", " + label + ", d.score"
	if groupBy == GroupNone {
		groupCols = "d.score"
	}
	// Join only the tables the grouping or the filter needs: the rollup
	// holds ids, and every row of it has a post.
	joins := ""
	if groupBy == GroupPost || f.PostSlug != "" {
		joins += " JOIN listening_posts p ON p.id = d.post_id"
	}
	if groupBy == GroupEmployee {
		joins += " LEFT JOIN employees e ON e.id = d.employee_id"
	}
	if groupBy == GroupLocation {
		joins += " LEFT JOIN locations l ON l.id = d.location_id"
	}
	return collectScoreGroups(ctx, db, `SELECT `+key+`, `+label+`, d.score, SUM(d.n) FROM feedback_score_daily d`+joins+`
		WHERE `+w.sql()+` GROUP BY `+groupCols+` ORDER BY 1`, w.args...)
}

// feedbackRollupSelect computes feedback_score_daily's rows from responses:
// what the triggers maintain one response at a time. The day is the UTC
// date of responded_at, spelled per engine as in the triggers.
func feedbackRollupSelect(d Dialect) string {
	day := "date(responded_at)"
	if d == Postgres {
		day = "to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	dims := day + ", post_id, COALESCE(location_id, 0), COALESCE(employee_id, 0), segment"
	return `SELECT s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score, COUNT(*)
		FROM (SELECT 'nps' AS scale, ` + day + ` AS day, post_id, COALESCE(location_id, 0) AS location_id,
				COALESCE(employee_id, 0) AS employee_id, segment, nps AS score FROM responses WHERE nps IS NOT NULL
			UNION ALL SELECT 'csat', ` + dims + `, csat FROM responses WHERE csat IS NOT NULL
			UNION ALL SELECT 'ces', ` + dims + `, ces FROM responses WHERE ces IS NOT NULL) s
		GROUP BY s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score`
}

// RebuildFeedbackRollups recomputes feedback_score_daily from responses in
// the transaction and reports how many rows it now holds. It repairs a
// rollup written around the triggers (a restore of an old dump, a hand
// edit with triggers disabled).
func (tx *Tx) RebuildFeedbackRollups(ctx context.Context) (int64, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM feedback_score_daily`); err != nil {
		return 0, err
	}
	res, err := tx.Exec(ctx, `INSERT INTO feedback_score_daily (scale, day, post_id, location_id, employee_id, segment, score, n) `+
		feedbackRollupSelect(tx.Dialect()))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// FeedbackRollupRow is one row of feedback_score_daily.
type FeedbackRollupRow struct {
	Scale, Day                     string
	PostID, LocationID, EmployeeID int64
	Segment                        string
	Score                          int
	N                              int64
}

// FeedbackRollupRows returns feedback_score_daily whole, in key order, or,
// with fromResponses, what a rebuild would write there; doctor-style checks
// and tests compare the two.
func FeedbackRollupRows(ctx context.Context, q Querier, fromResponses bool) ([]FeedbackRollupRow, error) {
	src := `SELECT scale, day, post_id, location_id, employee_id, segment, score, n FROM feedback_score_daily`
	if fromResponses {
		src = feedbackRollupSelect(q.Dialect())
	}
	return queryAll(ctx, q, func(row rowScanner) (FeedbackRollupRow, error) {
		var r FeedbackRollupRow
		err := row.Scan(&r.Scale, &r.Day, &r.PostID, &r.LocationID, &r.EmployeeID, &r.Segment, &r.Score, &r.N)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2, 3, 4, 5, 6, 7`)
}
