package store

// The Customer Value Equation (seed 002): (results + process quality) ÷
// (price + access costs), from the four "value" answers of a response. The
// index of each response is computed in SQL and only its sums per group
// (n, Σ index, Σ index², Σ of each item) leave the database, so a report
// costs one pass over the period's value answers — value_answers by its
// time index (migration 00070), each answer's response by key — and returns
// one row a group. Responses without value answers are never read.
//
// Scale: every item is asked 1–5 with 5 the good end ("How fair was the
// price?", "How easy was it to reach us?"), so price and access costs are
// turned into costs as 6 − score (5 → 1, 1 → 5) and
//
//	index = (results + process_quality) ÷ ((6 − price) + (6 − access_costs))
//
// runs from 0.2 (2 ÷ 10) to 5 (10 ÷ 2); 1 means benefits and costs balance.
// A response counts only when it answers all four items; an item answered
// twice counts at its mean.

import (
	"context"
	"fmt"
	"time"
)

// Value-equation groupings.
const (
	ValueByAll      = ""
	ValueByLocation = "location"
	ValueBySegment  = "segment"  // the response's segment (anonymous, new, repeat)
	ValueByRFM      = "rfm"      // the customer's lifetime-value segment at the last refit
	ValueByPeriod   = "period"   // calendar month (UTC)
	ValueByCustomer = "customer" // one row per customer
)

// ValueEquationGroups lists the groupings the report accepts.
var ValueEquationGroups = []string{ValueByLocation, ValueBySegment, ValueByRFM, ValueByPeriod, ValueByCustomer}

// ValueEquationSums are the value-equation sums of one group.
type ValueEquationSums struct {
	Key, Label string
	N          int     // responses with all four items
	Sum, SumSq float64 // of the index
	// Item sums (raw 1–5 answers, before price and access become costs).
	Results, ProcessQuality, Price, AccessCosts float64
}

// valueIndexSQL is the per-response index over the item means of the
// inner query (see the file comment).
const valueIndexSQL = `(res + pq) * 1.0 / ((6 - price) + (6 - access))`

// valueGroupKey is the key and label of a grouping, over the per-response
// rows r (responses), l (locations) and v (customer_value).
func (db *DB) valueGroupKey(by string) (key, label string, err error) {
	switch by {
	case ValueByAll:
		return "'-'", "'-'", nil
	case ValueByLocation:
		return "COALESCE(CAST(r.location_id AS TEXT), '')", "COALESCE(l.name, '')", nil
	case ValueBySegment:
		return "r.segment", "r.segment", nil
	case ValueByRFM:
		return "COALESCE(v.segment, '')", "COALESCE(v.segment, '')", nil
	case ValueByPeriod:
		k := "date(r.responded_at, 'start of month')"
		if db.dialect == Postgres {
			k = "to_char(r.responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01'"
		}
		return k, k, nil
	case ValueByCustomer:
		return "COALESCE(CAST(r.customer_id AS TEXT), '')", "COALESCE(c.name, '')", nil
	}
	return "", "", fmt.Errorf("value equation: unknown grouping %q", by)
}

// ValueEquation sums the index of the responses f selects by the grouping
// by, ordered by key.
func (db *DB) ValueEquation(ctx context.Context, f ResponseFilter, by string) ([]ValueEquationSums, error) {
	key, label, err := db.valueGroupKey(by)
	if err != nil {
		return nil, err
	}
	groupBy := "r.id"
	if by != ValueByAll { // PostgreSQL refuses a constant in GROUP BY
		groupBy += ", " + key + ", " + label
	}
	w := f.valueWhere()
	item := func(name string) string {
		return `AVG(CASE WHEN va.item = '` + name + `' THEN va.score END)`
	}
	inner := `SELECT ` + key + ` AS k, ` + label + ` AS label, ` + item("results") + ` AS res, ` + item("process_quality") + ` AS pq, ` +
		item("price") + ` AS price, ` + item("access_costs") + ` AS access
		FROM ` + db.valueAnswersFrom() + `
		LEFT JOIN locations l ON l.id = r.location_id
		LEFT JOIN customers c ON c.id = r.customer_id
		LEFT JOIN customer_value v ON v.customer_id = r.customer_id
		WHERE ` + w.sql() + `
		GROUP BY ` + groupBy
	q := `SELECT k, label, COUNT(*), SUM(` + valueIndexSQL + `), SUM(` + valueIndexSQL + ` * ` + valueIndexSQL + `),
		SUM(res), SUM(pq), SUM(price), SUM(access)
		FROM (` + inner + `) x
		WHERE res IS NOT NULL AND pq IS NOT NULL AND price IS NOT NULL AND access IS NOT NULL
		GROUP BY 1, 2 ORDER BY 1`
	return queryAll(ctx, db, func(row rowScanner) (ValueEquationSums, error) {
		var s ValueEquationSums
		err := row.Scan(&s.Key, &s.Label, &s.N, &s.Sum, &s.SumSq, &s.Results, &s.ProcessQuality, &s.Price, &s.AccessCosts)
		return s, err
	}, q, w.args...)
}

// ValueRepurchaseCount is how many value answers gave Item the score Score
// from customers who did (Repurchased 1) or did not (0) buy again after
// answering.
type ValueRepurchaseCount struct {
	Item               string
	Score, Repurchased int
	N                  int64
}

// ValueRepurchaseCounts counts the value answers of identified customers'
// responses f selects, answered at or before answeredBy, by item, score and
// whether the customer bought again after the response (their latest
// purchase, customer_purchase_summary.last_at, is later). Responses after
// answeredBy are left out so that every counted customer had the same
// minimum time to come back.
func (db *DB) ValueRepurchaseCounts(ctx context.Context, f ResponseFilter, answeredBy time.Time) ([]ValueRepurchaseCount, error) {
	w := f.valueWhere()
	w.add("va.responded_at <= ?", answeredBy.UTC())
	back := `CASE WHEN s.last_at > r.responded_at THEN 1 ELSE 0 END`
	q := `SELECT va.item, va.score, ` + back + `, COUNT(*) FROM ` + db.valueAnswersFrom() + `
		LEFT JOIN customer_purchase_summary s ON s.customer_id = r.customer_id
		WHERE r.customer_id IS NOT NULL AND ` + w.sql() + `
		GROUP BY va.item, va.score, ` + back + ` ORDER BY 1, 2, 3`
	return queryAll(ctx, db, func(row rowScanner) (ValueRepurchaseCount, error) {
		var c ValueRepurchaseCount
		err := row.Scan(&c.Item, &c.Score, &c.Repurchased, &c.N)
		return c, err
	}, q, w.args...)
}

// ValueDriverCounts is DriverCounts for the value items alone: the scored
// value answers of the responses f selects that carry an NPS answer, by
// item, score and NPS — read through value_answers, so the period's other
// answers are not.
func (db *DB) ValueDriverCounts(ctx context.Context, f ResponseFilter) ([]DriverCount, error) {
	w := f.valueWhere()
	return collectDriverCounts(ctx, db, `SELECT va.item, va.score, r.nps, COUNT(*) FROM `+db.valueAnswersFrom()+`
		WHERE r.nps IS NOT NULL AND `+w.sql()+`
		GROUP BY va.item, va.score, r.nps ORDER BY 1, 2, 3`, w.args...)
}

// valueAnswersFrom joins the value answers va to their responses r and the
// responses' listening posts p, which ResponseFilter's conditions name.
// SQLite keeps the order of a CROSS JOIN: value_answers first, always —
// left to choose, without a period it scanned every response (for the
// GROUP BY's order) and looked for value answers under each.
func (db *DB) valueAnswersFrom() string {
	join := "CROSS JOIN"
	if db.dialect == Postgres {
		join = "JOIN"
	}
	return `value_answers va
		` + join + ` responses r ON r.id = va.response_id
		JOIN listening_posts p ON p.id = r.post_id`
}

// valueWhere is where() with the period on the value answers' own copy of
// responded_at, so that the database walks value_answers_at, not the
// period's responses.
func (f ResponseFilter) valueWhere() *conditions {
	g := f
	g.From, g.To = time.Time{}, time.Time{}
	w := g.where()
	w.within("va.responded_at", f.From, f.To)
	return w
}
