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
	"fmt"
	"reflect"
	"strings"
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
	return dayBound(f.From) && dayBound(f.To) && f.rollupDims()
}

// rollupDims says whether every condition of f other than its dates is on
// a dimension the rollups keep.
func (f ResponseFilter) rollupDims() bool {
	return f.SurveyID == nil && f.CustomerID == nil && f.Labelled == nil && !f.WithComment && f.Category == ""
}

// The dimensions of feedback_score_monthly (migration 00011): each keeps
// the counts for every value of one dimension; dimAll is the whole.
const (
	dimAll      = "all"
	dimPost     = "post"
	dimLocation = "location"
	dimEmployee = "employee"
	dimSegment  = "segment"
)

// monthlyDim says which row set of feedback_score_monthly answers a report
// grouped by groupBy over f, or "" when none does: the monthly rollup keeps
// one dimension at a time, so the grouping and the filter together may name
// at most one (a ranking by employee within one post needs the daily rows).
// It does not keep days.
func (f ResponseFilter) monthlyDim(groupBy string) string {
	named := map[string]bool{}
	switch groupBy {
	case GroupDay:
		return ""
	case GroupPost, GroupLocation, GroupEmployee, GroupSegment:
		named[groupBy] = true
	}
	if f.PostSlug != "" {
		named[dimPost] = true
	}
	if f.LocationID != nil {
		named[dimLocation] = true
	}
	if f.EmployeeID != nil {
		named[dimEmployee] = true
	}
	if f.Segment != "" {
		named[dimSegment] = true
	}
	switch len(named) {
	case 0:
		return dimAll
	case 1:
		for d := range named {
			return d
		}
	}
	return ""
}

// monthSpan splits the day-bounded range [from, to) (a zero end open) into
// the whole months inside it, [m1, m2), which the monthly rollup answers,
// and the days before m1 and from m2 on, which the daily one does. ok is
// false when the range holds no whole month.
func monthSpan(from, to time.Time) (m1, m2 time.Time, ok bool) {
	if !from.IsZero() {
		from = from.UTC()
		m1 = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
		if m1.Before(from) {
			m1 = m1.AddDate(0, 1, 0)
		}
	}
	if !to.IsZero() {
		to = to.UTC()
		m2 = time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC)
		if !from.IsZero() && !m1.Before(m2) {
			return time.Time{}, time.Time{}, false
		}
	}
	return m1, m2, true
}

// scoreCountsRollup is ScoreCounts read from the rollups: whole months from
// feedback_score_monthly when one of its row sets fits (see monthlyDim),
// the days around them, or everything when none fits, from
// feedback_score_daily. The parts are summed in one statement, so the
// groups come out in the database's key order as the raw query's do.
func (db *DB) scoreCountsRollup(ctx context.Context, f ResponseFilter, scale, groupBy string) ([]*ScoreGroup, error) {
	var parts []string
	var args []any
	daily := func(from, to time.Time, sign string) {
		q, a := dailyPart(f, scale, groupBy, from, to)
		if sign == "-" {
			q = `SELECT k, label, score, -n AS n FROM (` + q + `) neg`
		}
		parts, args = append(parts, q), append(args, a...)
	}
	monthly := func(m1, m2 time.Time) {
		q, a := monthlyPart(f, scale, groupBy, f.monthlyDim(groupBy), m1, m2)
		parts, args = append(parts, q), append(args, a...)
	}
	dim := f.monthlyDim(groupBy)
	m1, m2, whole := monthSpan(f.From, f.To)
	switch {
	case dim == "":
		daily(f.From, f.To, "+")
	case !f.From.IsZero() && f.From.Before(f.To):
		byMonths(f.From.UTC(), f.To.UTC(), now().Truncate(24*time.Hour).AddDate(0, 0, 1), monthly, daily)
	case !whole:
		daily(f.From, f.To, "+")
	default:
		if !f.From.IsZero() && f.From.Before(m1) {
			daily(f.From, m1, "+")
		}
		monthly(m1, m2)
		if !f.To.IsZero() && m2.Before(f.To) {
			daily(m2, f.To, "+")
		}
	}
	return collectScoreGroups(ctx, db, `SELECT k, label, score, SUM(n) FROM (`+strings.Join(parts, " UNION ALL ")+`) u
		GROUP BY k, label, score HAVING SUM(n) <> 0 ORDER BY 1`, args...)
}

// byMonths splits the days [from, to) into what the monthly and the daily
// rollups read: whole months from the monthly one; a month the range
// covers in part either as its days in the range or, when fewer days lie
// outside it, as the whole month less those days (sign "-"). The daily
// rollup keeps every post, location, employee and segment, so a day is
// hundreds of its rows at a million customers, and the last 30 days (the
// home page's headlines) hold no whole month: reading the current month
// as the month less its days still to come, and a month mostly in the
// range as the month less its other days, gives the same counts from
// fewer days (the headlines on the 6th of a month: 19 days' rows instead of
// 60; mid-month about 45). Days from horizon on (tomorrow) are counted as
// costing nothing: answers are not given in the future.
func byMonths(from, to, horizon time.Time, monthly func(m1, m2 time.Time), daily func(from, to time.Time, sign string)) {
	days := func(a, b time.Time) time.Duration { return max(minTime(b, horizon).Sub(a), 0) }
	var run time.Time // the first of the whole months not yet read
	flush := func(end time.Time) {
		if !run.IsZero() {
			monthly(run, end)
			run = time.Time{}
		}
	}
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); m.Before(to); m = m.AddDate(0, 1, 0) {
		next := m.AddDate(0, 1, 0)
		lo, hi := maxTime(from, m), minTime(to, next)
		if lo.Equal(m) && hi.Equal(next) {
			if run.IsZero() {
				run = m
			}
			continue
		}
		flush(m)
		if days(m, lo)+days(hi, next) >= days(lo, hi) {
			daily(lo, hi, "+")
			continue
		}
		monthly(m, next)
		if lo.After(m) {
			daily(m, lo, "-")
		}
		if hi.Before(next) {
			daily(hi, next, "-")
		}
	}
	flush(to)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// dailyPart selects (k, label, score, n) from feedback_score_daily for the
// answers of f in [from, to). Unknown employees and locations are 0 there
// and come out as the raw query's "".
func dailyPart(f ResponseFilter, scale, groupBy string, from, to time.Time) (string, []any) {
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
	case GroupMonth:
		key = "substr(d.day, 1, 7) || '-01'"
		label = key
	}
	var w conditions
	w.add("d.scale = ?", scale)
	if !from.IsZero() {
		w.add("d.day >= ?", from.UTC().Format(time.DateOnly))
	}
	if !to.IsZero() {
		w.add("d.day < ?", to.UTC().Format(time.DateOnly))
	}
	w.textIs("p.slug", f.PostSlug)
	w.idIs("d.employee_id", f.EmployeeID)
	w.idIs("d.location_id", f.LocationID)
	w.textIs("d.segment", f.Segment)
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
	return `SELECT ` + key + ` AS k, ` + label + ` AS label, d.score AS score, d.n AS n FROM feedback_score_daily d` + joins +
		` WHERE ` + w.sql(), w.args
}

// monthlyPart selects (k, label, score, n) from the dim row set of
// feedback_score_monthly for the answers of f in the whole months [m1, m2).
// A grouping whose labels are names (employees, locations, posts) first
// sums the rows by ref and score and then joins the names to those sums:
// joining them to every row of every month and segment, then grouping by
// the texts, was most of the cost of the feedback dashboard's rankings on
// PostgreSQL (4,000 rows for 200 sums at 50k customers).
func monthlyPart(f ResponseFilter, scale, groupBy, dim string, m1, m2 time.Time) (string, []any) {
	var w conditions
	w.add("m.scale = ?", scale)
	w.monthlyRows(f, dim, m1, m2)
	var key, label string
	switch groupBy {
	case GroupEmployee, GroupLocation, GroupPost:
		join := " LEFT JOIN " + map[string]string{GroupEmployee: "employees", GroupLocation: "locations"}[groupBy] + " x ON x.id = g.ref"
		key, label = "CASE WHEN g.ref = 0 THEN '' ELSE CAST(g.ref AS TEXT) END", "COALESCE(x.name, '')"
		if groupBy == GroupPost {
			join, key, label = " JOIN listening_posts x ON x.id = g.ref", "x.slug", "x.name"
		}
		return `SELECT ` + key + ` AS k, ` + label + ` AS label, g.score AS score, g.n AS n FROM (SELECT m.ref AS ref, m.score AS score, SUM(m.n) AS n
			FROM feedback_score_monthly m WHERE ` + w.sql() + ` GROUP BY m.ref, m.score) g` + join, w.args
	case GroupNone:
		key, label = "'-'", "'-'"
	case GroupSegment:
		key, label = "m.segment", "m.segment"
	case GroupMonth:
		key, label = "m.month", "m.month"
	}
	return `SELECT ` + key + ` AS k, ` + label + ` AS label, m.score AS score, m.n AS n FROM feedback_score_monthly m WHERE ` + w.sql(), w.args
}

// monthlyRows adds the conditions that select, from a monthly rollup
// aliased m, the dim row set for the values f names in the whole months
// [m1, m2) (a zero end open).
func (w *conditions) monthlyRows(f ResponseFilter, dim string, m1, m2 time.Time) {
	w.add("m.dim = ?", dim)
	if !m1.IsZero() {
		w.add("m.month >= ?", m1.Format(time.DateOnly))
	}
	if !m2.IsZero() {
		w.add("m.month < ?", m2.Format(time.DateOnly))
	}
	switch dim {
	case dimPost:
		if f.PostSlug != "" {
			w.add("m.ref IN (SELECT id FROM listening_posts WHERE slug = ?)", f.PostSlug)
		}
	case dimLocation:
		w.idIs("m.ref", f.LocationID)
	case dimEmployee:
		w.idIs("m.ref", f.EmployeeID)
	case dimSegment:
		w.textIs("m.segment", f.Segment)
	}
}

// feedbackRollupSelect computes feedback_score_daily's rows from responses:
// what the triggers maintain one response at a time. The day is the UTC
// date of responded_at, spelled per engine as in the triggers. from is
// the responses counted: allResponses, or some of them (responsesIn).
func feedbackRollupSelect(d Dialect, from string) string {
	day := "date(responded_at)"
	if d == Postgres {
		day = "to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	dims := day + ", post_id, COALESCE(location_id, 0), COALESCE(employee_id, 0), segment"
	return `SELECT s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score, COUNT(*)
		FROM (SELECT 'nps' AS scale, ` + day + ` AS day, post_id, COALESCE(location_id, 0) AS location_id,
				COALESCE(employee_id, 0) AS employee_id, segment, nps AS score FROM ` + from + ` r WHERE nps IS NOT NULL
			UNION ALL SELECT 'csat', ` + dims + `, csat FROM ` + from + ` r WHERE csat IS NOT NULL
			UNION ALL SELECT 'ces', ` + dims + `, ces FROM ` + from + ` r WHERE ces IS NOT NULL) s
		GROUP BY s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score`
}

// feedbackMonthlySelect computes feedback_score_monthly's rows from
// responses (from, as for feedbackRollupSelect): each response counts
// once in every dimension's row set. The answers are first counted by
// month and every dimension at once (materialised, so that it runs once),
// and those counts spread over the five row sets: spreading each response
// itself made 15 rows of it (3 scales × 5 dimensions) to sort, the dearest
// table of a rebuild (issue 10).
func feedbackMonthlySelect(d Dialect, from string) string {
	month := "date(responded_at, 'start of month')"
	if d == Postgres {
		month = "to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01'"
	}
	dims := month + ", post_id, COALESCE(location_id, 0), COALESCE(employee_id, 0), segment"
	return `WITH m AS MATERIALIZED (SELECT s.scale, s.month, s.post_id, s.location_id, s.employee_id, s.segment, s.score, COUNT(*) AS n
		FROM (SELECT 'nps' AS scale, ` + month + ` AS month, post_id, COALESCE(location_id, 0) AS location_id,
				COALESCE(employee_id, 0) AS employee_id, segment, nps AS score FROM ` + from + ` r WHERE nps IS NOT NULL
			UNION ALL SELECT 'csat', ` + dims + `, csat FROM ` + from + ` r WHERE csat IS NOT NULL
			UNION ALL SELECT 'ces', ` + dims + `, ces FROM ` + from + ` r WHERE ces IS NOT NULL) s
		GROUP BY s.scale, s.month, s.post_id, s.location_id, s.employee_id, s.segment, s.score)
	SELECT m.scale, d.dim, m.month, ` + spreadRef + `, ` + spreadSegment + `, m.score, SUM(m.n)
	FROM m, ` + spreadSets + `
	GROUP BY 1, 2, 3, 4, 5, 6`
}

// spreadSets, spreadRef and spreadSegment spread rows m, counted by every
// dimension at once (post_id, location_id and employee_id 0 for none,
// segment), over the five row sets of a monthly rollup: d.dim names the
// set, spreadRef and spreadSegment are the row's ref and segment in it.
const (
	spreadSets = `(SELECT 'all' AS dim UNION ALL SELECT 'post' UNION ALL SELECT 'location'
		UNION ALL SELECT 'employee' UNION ALL SELECT 'segment') d`
	spreadRef     = `CASE d.dim WHEN 'post' THEN m.post_id WHEN 'location' THEN m.location_id WHEN 'employee' THEN m.employee_id ELSE 0 END`
	spreadSegment = `CASE WHEN d.dim = 'segment' THEN m.segment ELSE '' END`
)

// rollup is a rollup table, its columns and the select that computes its
// rows.
type rollup struct{ table, cols, sel string }

// allResponses is the from of a rebuild: every response.
const allResponses = "responses"

// responseRollups are the rollups of responses and their answers: counts,
// n last, that a response adds to. from is the responses counted and
// answers the condition on response_id that picks their answers ("" for
// all), as responsesIn gives them.
func responseRollups(d Dialect, from, answers string) []rollup {
	return []rollup{
		{"feedback_score_daily", "scale, day, post_id, location_id, employee_id, segment, score, n", feedbackRollupSelect(d, from)},
		{"feedback_score_monthly", "scale, dim, month, ref, segment, score, n", feedbackMonthlySelect(d, from)},
		{"feedback_driver_monthly", "dim, month, ref, segment, item, score, nps, n", feedbackDriverSelect(d, answers)},
		{"feedback_delay_daily", "day, post_id, hours, n", delayDailySelect(d, from)},
		{"feedback_delay_monthly", "month, post_id, hours, n", delayMonthlySelect(d, from)},
	}
}

// RebuildRollups runs RebuildFeedbackRollups in a transaction of its own.
// On SQLite the rebuild's sorts spill to temporary files (as the index
// build after a load does): they sort whole tables, and in memory they grew
// with them — 270 → 445 MB peak for the 200,000-customer demo.
func (db *DB) RebuildRollups(ctx context.Context) ([]RollupCount, error) {
	if db.dialect == SQLite {
		spill, err := db.sortOnDisk(ctx)
		if err != nil {
			return nil, fmt.Errorf("rebuild rollups: %w", err)
		}
		defer spill()
	}
	var counts []RollupCount
	err := db.InTx(ctx, func(tx *Tx) error {
		var err error
		counts, err = tx.RebuildFeedbackRollups(ctx)
		return err
	})
	return counts, err
}

// RollupCount is how many rows a rebuild left in one rollup table.
type RollupCount struct {
	Table string
	Rows  int64
}

// RebuildFeedbackRollups recomputes feedback_score_daily and
// feedback_score_monthly from responses, feedback_driver_monthly from
// their answers, feedback_delay_daily and feedback_delay_monthly from
// responses, the acquisition rollup (acquisition_customer, then
// acquisition_rollup, which reads it) from customers and purchases,
// value_answers from the answers, acquisition_daily from customers,
// customer_purchase_summary from purchases, and the recovery baseline
// (baseline_customer_month, then baseline_month, which reads it) from
// purchases and recovery_cases, in the transaction, and reports how many
// rows each now holds. It repairs rollups written around the triggers
// (a restore of an old dump, a hand edit with triggers disabled).
func (tx *Tx) RebuildFeedbackRollups(ctx context.Context) ([]RollupCount, error) {
	if err := tx.deferBaseline(ctx, true); err != nil {
		return nil, err
	}
	var out []RollupCount
	for _, r := range rebuilt(tx.Dialect(), "") {
		c, err := tx.replaceRollup(ctx, r, r.sel)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, tx.deferBaseline(ctx, false)
}

// replaceRollup empties the rollup table and fills it with the rows sel
// selects. Rebuilds turn the counting triggers of baseline_customer_month
// off around it (deferBaseline): baseline_month is rebuilt after it, and
// they cost a sixth of its rows' insert.
func (tx *Tx) replaceRollup(ctx context.Context, r rollup, sel string) (RollupCount, error) {
	return tx.replaceRows(ctx, r, `INSERT INTO `+r.table+` (`+r.cols+`) `+sel)
}

// replaceRows deletes r's rows and runs insert, which writes them again.
func (tx *Tx) replaceRows(ctx context.Context, r rollup, insert string) (RollupCount, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM `+r.table); err != nil {
		return RollupCount{}, err
	}
	res, err := tx.Exec(ctx, insert)
	if err != nil {
		return RollupCount{}, fmt.Errorf("rebuild %s: %w", r.table, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return RollupCount{}, err
	}
	// Figures kept with the scores mark (feedback's headlines) were worked
	// out from the rollups as they were: the mark moves with them.
	if _, err := tx.Exec(ctx, `UPDATE process_marks SET scores = scores + 1`); err != nil {
		return RollupCount{}, err
	}
	return RollupCount{Table: r.table, Rows: n}, nil
}

// rebuilt are the rollups a rebuild recomputes, in order: acquisition_rollup
// reads acquisition_customer and baseline_month baseline_customer_month,
// both in the schema in names ("" for the tables themselves). A table of
// another schema (RebuildRollupsBeside's scratch file) has no key to look
// a customer up by, so acquisition_rollup then counts the purchases again.
func rebuilt(d Dialect, in string) []rollup {
	acquired := "acquisition_customer"
	if in != "" {
		acquired = "(" + acquisitionCustomerSelect(allCustomers) + ")"
	}
	return append(responseRollups(d, allResponses, ""), []rollup{
		{"acquisition_customer", "customer_id, positive, revenue", acquisitionCustomerSelect(allCustomers)},
		{"acquisition_rollup", "source, shard, customers, repeat, revenue", acquisitionRollupSelect(acquired)},
		{"value_answers", "response_id, position, responded_at, item, score", valueAnswersSelect},
		{"acquisition_daily", "day, source, customers", acquisitionDailySelect(d)},
		{"customer_purchase_summary", purchaseSummaryColumns, purchaseSummarySelect(d, allCustomers)},
		{"baseline_customer_month", "customer_id, month, first_at, next_at", baselineCustomerMonthSelect(d, allCustomers)},
		{"baseline_month", "month, shard, customers, retained", baselineMonthSelect(d, in+"baseline_customer_month")},
	}...)
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
		src = feedbackRollupSelect(q.Dialect(), allResponses)
	}
	return queryAll(ctx, q, func(row rowScanner) (FeedbackRollupRow, error) {
		var r FeedbackRollupRow
		err := row.Scan(&r.Scale, &r.Day, &r.PostID, &r.LocationID, &r.EmployeeID, &r.Segment, &r.Score, &r.N)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2, 3, 4, 5, 6, 7`)
}

// FeedbackMonthlyRow is one row of feedback_score_monthly.
type FeedbackMonthlyRow struct {
	Scale, Dim, Month string
	Ref               int64
	Segment           string
	Score             int
	N                 int64
}

// FeedbackMonthlyRows is FeedbackRollupRows for feedback_score_monthly.
func FeedbackMonthlyRows(ctx context.Context, q Querier, fromResponses bool) ([]FeedbackMonthlyRow, error) {
	src := `SELECT scale, dim, month, ref, segment, score, n FROM feedback_score_monthly`
	if fromResponses {
		src = feedbackMonthlySelect(q.Dialect(), allResponses)
	}
	return queryAll(ctx, q, func(row rowScanner) (FeedbackMonthlyRow, error) {
		var r FeedbackMonthlyRow
		err := row.Scan(&r.Scale, &r.Dim, &r.Month, &r.Ref, &r.Segment, &r.Score, &r.N)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2, 3, 4, 5, 6`)
}

// acquisitionCustomerSelect and acquisitionRollupSelect compute the
// acquisition rollup's rows (migration 00014) as its triggers keep them;
// acquisitionCustomerSelect those of the customers the condition who on
// purchases.customer_id picks.
func acquisitionCustomerSelect(who string) string {
	return `SELECT customer_id, COUNT(*) AS positive, SUM(total) AS revenue FROM purchases
		WHERE ` + who + ` AND total > 0 GROUP BY customer_id`
}

// acquisitionRollupSelect reads the customers' rows of acquisition_customer
// from the table (or subquery) from.
func acquisitionRollupSelect(from string) string {
	return `SELECT c.acquisition_source, c.id % 16, COUNT(*),
			COALESCE(SUM(CASE WHEN t.positive > 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(t.revenue), 0)
		FROM customers c LEFT JOIN ` + from + ` t ON t.customer_id = c.id
		GROUP BY c.acquisition_source, c.id % 16`
}

// AcquisitionRollupRow is one row of acquisition_rollup.
type AcquisitionRollupRow struct {
	Source                     string
	Shard                      int
	Customers, Repeat, Revenue int64
}

// AcquisitionRollupRows is FeedbackRollupRows for acquisition_rollup: the
// rows as kept, or as a rebuild would compute them from the customers and
// purchases (without reading acquisition_customer).
func AcquisitionRollupRows(ctx context.Context, q Querier, fromPurchases bool) ([]AcquisitionRollupRow, error) {
	// A row whose customers all moved to another source stays, at zero;
	// a rebuild leaves it out.
	src := `SELECT source, shard, customers, repeat, revenue FROM acquisition_rollup
		WHERE NOT (customers = 0 AND repeat = 0 AND revenue = 0)`
	if fromPurchases {
		src = acquisitionRollupSelect("(" + acquisitionCustomerSelect(allCustomers) + ")")
	}
	return queryAll(ctx, q, func(row rowScanner) (AcquisitionRollupRow, error) {
		var r AcquisitionRollupRow
		err := row.Scan(&r.Source, &r.Shard, &r.Customers, &r.Repeat, &r.Revenue)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2`)
}

// RollupDifferences names the rollup tables whose rows differ from what a
// rebuild would compute, none when the triggers kept every one exact. It
// changes nothing; run it where no write interleaves (in a transaction, or
// with the writers stopped), since each table is read twice.
func RollupDifferences(ctx context.Context, q Querier) ([]string, error) {
	var differ []string
	for _, c := range []struct {
		table string
		same  func() (bool, error)
	}{
		{"feedback_score_daily", func() (bool, error) { return sameAsRebuild(ctx, q, FeedbackRollupRows) }},
		{"feedback_score_monthly", func() (bool, error) { return sameAsRebuild(ctx, q, FeedbackMonthlyRows) }},
		{"feedback_driver_monthly", func() (bool, error) { return sameAsRebuild(ctx, q, FeedbackDriverRows) }},
		{"feedback_delay_daily", func() (bool, error) { return sameAsRebuild(ctx, q, delayRows(false)) }},
		{"feedback_delay_monthly", func() (bool, error) { return sameAsRebuild(ctx, q, delayRows(true)) }},
		{"acquisition_rollup", func() (bool, error) { return sameAsRebuild(ctx, q, AcquisitionRollupRows) }},
		{"customer_purchase_summary", func() (bool, error) { return sameAsRebuild(ctx, q, PurchaseSummaryRows) }},
		{"baseline_month", func() (bool, error) { return sameAsRebuild(ctx, q, BaselineRollupRows) }},
		{"value_answers", func() (bool, error) { return sameAsRebuild(ctx, q, ValueAnswerRows) }},
		{"acquisition_daily", func() (bool, error) { return sameAsRebuild(ctx, q, AcquisitionDailyRows) }},
	} {
		same, err := c.same()
		if err != nil {
			return nil, fmt.Errorf("compare %s with a rebuild: %w", c.table, err)
		}
		if !same {
			differ = append(differ, c.table)
		}
	}
	return differ, nil
}

// delayRows is DelayRollupRows for the daily or the monthly table, in the
// shape sameAsRebuild takes.
func delayRows(monthly bool) func(context.Context, Querier, bool) ([]DelayRollupRow, error) {
	return func(ctx context.Context, q Querier, fromResponses bool) ([]DelayRollupRow, error) {
		return DelayRollupRows(ctx, q, monthly, fromResponses)
	}
}

// sameAsRebuild compares a rollup's rows as kept with the rows a rebuild
// would write, both from rows (one of the *Rows functions above).
func sameAsRebuild[T any](ctx context.Context, q Querier, rows func(context.Context, Querier, bool) ([]T, error)) (bool, error) {
	kept, err := rows(ctx, q, false)
	if err != nil {
		return false, err
	}
	rebuilt, err := rows(ctx, q, true)
	if err != nil {
		return false, err
	}
	return reflect.DeepEqual(kept, rebuilt), nil // DeepEqual: rows may hold pointers
}
