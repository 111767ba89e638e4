package store

// The aggregates of the feedback reports: score distributions, driver items,
// what each listening post heard, and what acquisition sources brought. The
// database does the grouping; package feedback turns the counts into NPS,
// CSAT and CES.

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Group-by dimensions for ScoreCounts.
const (
	GroupNone     = ""
	GroupEmployee = "employee"
	GroupLocation = "location"
	GroupPost     = "post"
	GroupSegment  = "segment"
	GroupDay      = "day"
	GroupMonth    = "month" // the UTC month, keyed by its first day (YYYY-MM-01)
)

// ScoreGroup is the distribution of one scale's scores within one group.
type ScoreGroup struct {
	Key    string      // the group's id, slug or day (YYYY-MM-DD); "" for none/unknown
	Label  string      // a human name for the group
	Counts map[int]int // score → number of answers
}

// ScoreCounts counts the answers to a headline scale ("nps", "csat", "ces")
// by score within each group of responses matching f. It reads the
// rollups when f allows (see rollupAnswers and monthlyDim), else the
// responses themselves; both give the same counts.
func (db *DB) ScoreCounts(ctx context.Context, f ResponseFilter, scale, groupBy string) ([]*ScoreGroup, error) {
	switch scale {
	case "nps", "csat", "ces":
	default:
		return nil, fmt.Errorf("store: unknown scale %q", scale)
	}
	switch groupBy {
	case GroupNone, GroupEmployee, GroupLocation, GroupPost, GroupSegment, GroupDay, GroupMonth:
	default:
		return nil, fmt.Errorf("store: unknown grouping %q", groupBy)
	}
	if f.rollupAnswers() {
		return db.scoreCountsRollup(ctx, f, scale, groupBy)
	}
	return db.scoreCountsRaw(ctx, f, scale, groupBy)
}

// scoreCountsRaw is ScoreCounts over every matching response.
func (db *DB) scoreCountsRaw(ctx context.Context, f ResponseFilter, scale, groupBy string) ([]*ScoreGroup, error) {
	col := "r." + scale
	var key, label string
	switch groupBy {
	case GroupNone:
		key, label = "'-'", "'-'"
	case GroupEmployee:
		key, label = "COALESCE(CAST(r.employee_id AS TEXT), '')", "COALESCE(e.name, '')"
	case GroupLocation:
		key, label = "COALESCE(CAST(r.location_id AS TEXT), '')", "COALESCE(l.name, '')"
	case GroupPost:
		key, label = "p.slug", "p.name"
	case GroupSegment:
		key, label = "r.segment", "r.segment"
	case GroupDay:
		key = "date(r.responded_at)"
		if db.dialect == Postgres {
			key = "to_char(r.responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
		}
		label = key
	case GroupMonth:
		key = "date(r.responded_at, 'start of month')"
		if db.dialect == Postgres {
			key = "to_char(r.responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01'"
		}
		label = key
	}
	groupCols := key + ", " + label + ", " + col
	if groupBy == GroupNone {
		groupCols = col
	}
	w := f.where()
	w.add(col + " IS NOT NULL")
	return collectScoreGroups(ctx, db, `SELECT `+key+`, `+label+`, `+col+`, COUNT(*) FROM responses r
		JOIN listening_posts p ON p.id = r.post_id
		LEFT JOIN employees e ON e.id = r.employee_id
		LEFT JOIN locations l ON l.id = r.location_id
		WHERE `+w.sql()+` GROUP BY `+groupCols+` ORDER BY 1`, w.args...)
}

// collectScoreGroups folds rows of (key, label, score, n), ordered by key,
// into groups.
func collectScoreGroups(ctx context.Context, q Querier, query string, args ...any) ([]*ScoreGroup, error) {
	var list []*ScoreGroup
	byKey := map[string]*ScoreGroup{}
	err := queryEach(ctx, q, func(row rowScanner) error {
		var k, l string
		var score, n int
		if err := row.Scan(&k, &l, &score, &n); err != nil {
			return err
		}
		g, ok := byKey[k]
		if !ok {
			g = &ScoreGroup{Key: k, Label: l, Counts: map[int]int{}}
			byKey[k] = g
			list = append(list, g)
		}
		g.Counts[score] += n
		return nil
	}, query, args...)
	if err != nil {
		return nil, err
	}
	return list, nil
}

// PostActivity is what a listening post heard in a period.
type PostActivity struct {
	PostID    int64
	Responses int // feedback received
	Asked     int // invitations sent and call tasks due (solicited posts)
	Answered  int // of those, answered
	// DelayHours counts the responses tied to a purchase by the time from
	// purchase to feedback: whole seconds, rounded half up to whole hours.
	DelayHours map[int]int
}

// PostActivity gathers volume, asks and purchase→feedback delays per post
// for responses and asks in [from, to). Responses and delays come from the
// delay rollup for the whole UTC days of the period (see delaysRollup) and
// from the responses for the part-days at its ends (addDelaysSplit), so
// "the last 90 days up to now" reads a day of responses, not 90; both
// count the same. The whole days' delays are read by whole (the feedback
// service's kept ones), or, when it is nil, by WholeDayDelays.
func (db *DB) PostActivity(ctx context.Context, from, to time.Time, whole WholeDays) (map[int64]*PostActivity, error) {
	if whole == nil {
		whole = func(d1, d2 time.Time) ([]DelayCount, error) { return db.WholeDayDelays(ctx, d1, d2) }
	}
	return db.postActivity(ctx, from, to, whole)
}

// postActivity reads the delays of the whole days with whole, or, when
// it is nil, every delay from the responses.
func (db *DB) postActivity(ctx context.Context, from, to time.Time, whole WholeDays) (map[int64]*PostActivity, error) {
	out := map[int64]*PostActivity{}
	get := func(id int64) *PostActivity {
		a, ok := out[id]
		if !ok {
			a = &PostActivity{PostID: id, DelayHours: map[int]int{}}
			out[id] = a
		}
		return a
	}
	within := func(col string) *conditions {
		var w conditions
		w.within(col, from, to)
		return &w
	}
	var err error
	if whole != nil {
		err = db.addDelaysSplit(ctx, get, from, to, whole)
	} else {
		q, args := delaysRaw(db.dialect, from, to)
		err = addDelays(ctx, db, get, q, args...)
	}
	if err != nil {
		return nil, err
	}
	w := within("i.created_at")
	err = queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var asked, answered int
		if err := row.Scan(&id, &asked, &answered); err != nil {
			return err
		}
		a := get(id)
		a.Asked += asked
		a.Answered += answered
		return nil
	}, `SELECT s.post_id, COUNT(*), SUM(CASE WHEN i.used_at IS NULL THEN 0 ELSE 1 END)
		FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE `+w.sql()+` GROUP BY s.post_id`, w.args...)
	if err != nil {
		return nil, err
	}
	// Every status but skipped (the table's CHECK lists them), named so
	// that call_tasks_due (status, due_at) is read by ranges: "<> skipped"
	// read all of it, and the skipped tasks are half the table at a
	// million customers.
	w = within("due_at")
	var asked, answered int
	err = db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0)
		FROM call_tasks WHERE status IN ('open', 'done', 'no_answer', 'declined') AND `+w.sql(), w.args...).Scan(&asked, &answered)
	if err != nil {
		return nil, err
	}
	if asked > 0 {
		var postID int64
		if err := db.QueryRow(ctx, `SELECT id FROM listening_posts WHERE slug = 'follow_up_call'`).Scan(&postID); err == nil {
			a := get(postID)
			a.Asked += asked
			a.Answered += answered
		}
	}
	return out, nil
}

// AcquisitionSource is one answer to "How did you hear about us?" with what
// the customers who gave it went on to do.
type AcquisitionSource struct {
	Source    string
	Customers int
	Repeat    int          // customers with more than one purchase
	Revenue   fresco.Money // their total net purchases
}

// AcquisitionReport groups customers with a known acquisition source. It
// reads acquisition_rollup (migration 00014), which triggers on customers
// and purchases keep exact, in 16 shards per source: O(sources) rows
// instead of every customer and purchase.
func (db *DB) AcquisitionReport(ctx context.Context) ([]AcquisitionSource, error) {
	return queryAll(ctx, db, scanAcquisitionSource, `SELECT source, SUM(customers), SUM(repeat), SUM(revenue)
		FROM acquisition_rollup WHERE source <> ''
		GROUP BY source HAVING SUM(customers) > 0 ORDER BY 2 DESC, 1`)
}

func scanAcquisitionSource(row rowScanner) (AcquisitionSource, error) {
	var s AcquisitionSource
	var revenue int64
	err := row.Scan(&s.Source, &s.Customers, &s.Repeat, &revenue)
	s.Revenue = fresco.Money(revenue)
	return s, err
}
