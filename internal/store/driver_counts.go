package store

// Driver counts: "which items move NPS" correlates each scored non-NPS
// answer with its response's NPS. On integer scores Pearson and Spearman are
// functions of how often each (item score, NPS) pair occurs, so the
// database returns those counts — from feedback_driver_monthly (migration
// 00012) for whole months, from the answers themselves for the days around
// them — and package stats computes the same figures the answers would give.

import (
	"context"
	"strings"
)

// DriverCount is how many scored answers gave Item the score Score in
// responses whose NPS answer was NPS.
type DriverCount struct {
	Item       string
	Score, NPS int
	N          int64
}

// driverItem names an answer as the driver report does: its item key, else
// a rating's question, else its type. feedback_driver_keys (00012) spells
// the same expression.
const driverItem = `CASE WHEN a.item <> '' THEN a.item WHEN a.type = 'rating' AND a.question <> '' THEN a.question ELSE a.type END`

// DriverCounts counts the scored non-NPS answers of the responses f selects
// that carry an NPS answer, by item, item score and NPS, ordered by those.
// Every scored answer counts, so a response answering one item twice
// counts twice. It reads the rollup for the whole months of the range when
// the filter names at most one dimension it keeps (see monthlyDim), and the
// answers for the rest; both give the same counts.
func (db *DB) DriverCounts(ctx context.Context, f ResponseFilter) ([]DriverCount, error) {
	dim := f.monthlyDim(GroupNone)
	m1, m2, whole := monthSpan(f.From, f.To)
	if !f.rollupDims() || dim == "" || !whole {
		return db.driverCountsRaw(ctx, f)
	}
	var parts []string
	var args []any
	raw := func(g ResponseFilter) {
		q, a := driverRawPart(g)
		parts, args = append(parts, q), append(args, a...)
	}
	if !f.From.IsZero() && f.From.Before(m1) {
		g := f
		g.To = m1
		raw(g)
	}
	var w conditions
	w.monthlyRows(f, dim, m1, m2)
	parts = append(parts, `SELECT m.item AS item, m.score AS score, m.nps AS nps, m.n AS n FROM feedback_driver_monthly m WHERE `+w.sql())
	args = append(args, w.args...)
	if !f.To.IsZero() && m2.Before(f.To) {
		g := f
		g.From = m2
		raw(g)
	}
	return collectDriverCounts(ctx, db, `SELECT item, score, nps, SUM(n) FROM (`+strings.Join(parts, " UNION ALL ")+`) u
		GROUP BY item, score, nps ORDER BY 1, 2, 3`, args...)
}

// driverCountsRaw is DriverCounts over the answers themselves.
func (db *DB) driverCountsRaw(ctx context.Context, f ResponseFilter) ([]DriverCount, error) {
	q, args := driverRawPart(f)
	return collectDriverCounts(ctx, db, q+` ORDER BY 1, 2, 3`, args...)
}

// driverRawPart selects (item, score, nps, n) from the answers of the
// responses f selects.
func driverRawPart(f ResponseFilter) (string, []any) {
	w := f.where()
	return `SELECT ` + driverItem + ` AS item, a.score AS score, r.nps AS nps, COUNT(*) AS n FROM responses r
		JOIN listening_posts p ON p.id = r.post_id
		JOIN response_answers a ON a.response_id = r.id
		WHERE r.nps IS NOT NULL AND a.score IS NOT NULL AND a.type <> 'nps' AND ` + w.sql() + `
		GROUP BY ` + driverItem + `, a.score, r.nps`, w.args
}

func collectDriverCounts(ctx context.Context, q Querier, query string, args ...any) ([]DriverCount, error) {
	return queryAll(ctx, q, func(row rowScanner) (DriverCount, error) {
		var c DriverCount
		err := row.Scan(&c.Item, &c.Score, &c.NPS, &c.N)
		return c, err
	}, query, args...)
}

// feedbackDriverSelect computes feedback_driver_monthly's rows from the
// answers: all of them, or those the condition on response_id picks. It
// counts what the view the triggers read (feedback_driver_keys) adds, but
// counts the answers once by month and every dimension, materialised, and
// spreads those counts over the five row sets, as feedbackMonthlySelect
// does: the view spreads every answer five ways before one big sort, the
// dearest table of a rebuild after the purchase summary (issue 10).
func feedbackDriverSelect(d Dialect, answers string) string {
	month := "date(r.responded_at, 'start of month')"
	if d == Postgres {
		month = "to_char(r.responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01'"
	}
	if answers != "" {
		answers = " AND " + answers
	}
	return `WITH m AS MATERIALIZED (SELECT ` + month + ` AS month, r.post_id AS post_id, COALESCE(r.location_id, 0) AS location_id,
			COALESCE(r.employee_id, 0) AS employee_id, r.segment AS segment, ` + driverItem + ` AS item,
			a.score AS score, r.nps AS nps, COUNT(*) AS n
		FROM response_answers a JOIN responses r ON r.id = a.response_id
		WHERE a.score IS NOT NULL AND a.type <> 'nps' AND r.nps IS NOT NULL` + answers + `
		GROUP BY 1, 2, 3, 4, 5, 6, 7, 8)
	SELECT d.dim, m.month, ` + spreadRef + `, ` + spreadSegment + `, m.item, m.score, m.nps, SUM(m.n)
	FROM m, ` + spreadSets + `
	GROUP BY 1, 2, 3, 4, 5, 6, 7`
}

// FeedbackDriverRow is one row of feedback_driver_monthly.
type FeedbackDriverRow struct {
	Dim, Month string
	Ref        int64
	Segment    string
	Item       string
	Score, NPS int
	N          int64
}

// FeedbackDriverRows is FeedbackRollupRows for feedback_driver_monthly.
func FeedbackDriverRows(ctx context.Context, q Querier, fromAnswers bool) ([]FeedbackDriverRow, error) {
	src := `SELECT dim, month, ref, segment, item, score, nps, n FROM feedback_driver_monthly`
	if fromAnswers {
		src = feedbackDriverSelect(q.Dialect(), "")
	}
	return queryAll(ctx, q, func(row rowScanner) (FeedbackDriverRow, error) {
		var r FeedbackDriverRow
		err := row.Scan(&r.Dim, &r.Month, &r.Ref, &r.Segment, &r.Item, &r.Score, &r.NPS, &r.N)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2, 3, 4, 5, 6, 7`)
}
