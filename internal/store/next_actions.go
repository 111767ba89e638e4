package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Next best actions (migration 00054): the marks staff leave on an action
// (dismissed or done, until when), the facts package anticipate works the
// actions out from for a set of customers, and the candidate queries of
// the staff list across customers. Every candidate query reads an index in
// order and stops at its limit, so the list costs the same at a million
// customers as at a thousand.

// MarkNextAction records what staff made of a kind of action for a
// customer, replacing any earlier mark of that kind.
func (tx *Tx) MarkNextAction(ctx context.Context, m *fresco.ActionMark) error {
	_, err := tx.Exec(ctx, `INSERT INTO next_action_marks (customer_id, kind, outcome, until_at, marked_by, marked_at)
		VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (customer_id, kind) DO UPDATE SET outcome = excluded.outcome, until_at = excluded.until_at,
			marked_by = excluded.marked_by, marked_at = excluded.marked_at`,
		m.CustomerID, m.Kind, m.Outcome, utc(m.Until), m.MarkedBy, utc(m.MarkedAt))
	return err
}

// ActiveMarks returns, per customer of ids, the kinds marked dismissed or
// done whose period has not ended at now.
func (db *DB) ActiveMarks(ctx context.Context, ids []int64, now time.Time) (map[int64]map[string]bool, error) {
	out := map[int64]map[string]bool{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id int64
			var kind string
			if err := row.Scan(&id, &kind); err != nil {
				return err
			}
			if out[id] == nil {
				out[id] = map[string]bool{}
			}
			out[id][kind] = true
			return nil
		}, `SELECT customer_id, kind FROM next_action_marks WHERE customer_id IN (`+placeholders(len(chunk))+`) AND until_at > ?`,
			append(chunk, utc(now))...)
	})
	return out, err
}

// PurchaseSummariesOf returns the customer_purchase_summary rows of ids.
func (db *DB) PurchaseSummariesOf(ctx context.Context, ids []int64) (map[int64]PurchaseSummary, error) {
	out := map[int64]PurchaseSummary{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			s, err := scanPurchaseSummary(row)
			out[s.CustomerID] = s
			return err
		}, `SELECT `+purchaseSummaryColumns+` FROM customer_purchase_summary WHERE customer_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}

// PAlivesOf returns the chance each customer of ids is still buying, from
// the latest lifetime-value refit (customers it has not seen are missing).
func (db *DB) PAlivesOf(ctx context.Context, ids []int64) (map[int64]float64, error) {
	out := map[int64]float64{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryMap(ctx, db, out, scanPair[int64, float64],
			`SELECT customer_id, p_alive FROM customer_value WHERE customer_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}

// ProductPurchase is one purchase of a product by a customer (bought,
// not returned: a positive quantity).
type ProductPurchase struct {
	CustomerID int64
	ProductID  int64
	Product    string // its name, else its SKU
	At         time.Time
}

// ProductPurchases returns what the customers of ids bought since since,
// one row per purchase and product, by customer, product and time — only
// the products a customer bought in at least times purchases (the rules
// read no others, and most of a history is bought once or twice).
//
// The query reads purchases in index order and joins nothing else: the
// grouping, the cut and the names are done here, over the few rows left,
// rather than by two temporary B-trees over every line (most of the cost
// of the staff list before).
func (db *DB) ProductPurchases(ctx context.Context, ids []int64, since time.Time, times int) ([]ProductPurchase, error) {
	type line struct {
		ProductPurchase
		purchaseID int64
	}
	var lines []line
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var l line
			if err := row.Scan(&l.CustomerID, &l.ProductID, &l.purchaseID, &l.At); err != nil {
				return err
			}
			l.At = l.At.UTC()
			lines = append(lines, l)
			return nil
		}, `SELECT p.customer_id, l.product_id, p.id, p.purchased_at
			FROM purchases p JOIN purchase_lines l ON l.purchase_id = p.id
			WHERE p.customer_id IN (`+placeholders(len(chunk))+`) AND p.purchased_at >= ? AND l.quantity > 0`, append(chunk, utc(since))...)
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(lines, func(a, b line) int {
		return cmp.Or(cmp.Compare(a.CustomerID, b.CustomerID), cmp.Compare(a.ProductID, b.ProductID),
			a.At.Compare(b.At), cmp.Compare(a.purchaseID, b.purchaseID))
	})
	// One row per purchase and product (a product on two lines of a
	// purchase counts once), then only the runs of at least times.
	lines = slices.CompactFunc(lines, func(a, b line) bool {
		return a.CustomerID == b.CustomerID && a.ProductID == b.ProductID && a.purchaseID == b.purchaseID
	})
	var out []ProductPurchase
	var products []int64
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j].CustomerID == lines[i].CustomerID && lines[j].ProductID == lines[i].ProductID {
			j++
		}
		if j-i >= times {
			for _, l := range lines[i:j] {
				out = append(out, l.ProductPurchase)
			}
			products = append(products, lines[i].ProductID)
		}
		i = j
	}
	names, err := db.productNames(ctx, products)
	for i := range out {
		out[i].Product = names[out[i].ProductID]
	}
	return out, err
}

// productNames returns the names of the products of ids (their SKU when
// unnamed).
func (db *DB) productNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	slices.Sort(ids)
	err := forChunks(asArgs(slices.Compact(ids)), func(chunk []any) error {
		return queryMap(ctx, db, out, scanPair[int64, string],
			`SELECT id, COALESCE(NULLIF(name, ''), sku) FROM products WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}

// NPSAnswer is a customer's latest answer to the recommend question.
type NPSAnswer struct {
	Score int
	At    time.Time
}

// LatestNPS returns each customer's latest NPS answer since since.
func (db *DB) LatestNPS(ctx context.Context, ids []int64, since time.Time) (map[int64]NPSAnswer, error) {
	out := map[int64]NPSAnswer{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id int64
			var a NPSAnswer
			if err := row.Scan(&id, &a.Score, &a.At); err != nil {
				return err
			}
			a.At = a.At.UTC()
			if old, ok := out[id]; !ok || a.At.After(old.At) {
				out[id] = a
			}
			return nil
		}, `SELECT customer_id, nps, responded_at FROM responses
			WHERE customer_id IN (`+placeholders(len(chunk))+`) AND nps IS NOT NULL AND responded_at >= ?`, append(chunk, utc(since))...)
	})
	return out, err
}

// Referrers returns which customers of ids have referred anyone.
func (db *DB) Referrers(ctx context.Context, ids []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryMap(ctx, db, out, scanIDSet,
			`SELECT DISTINCT referred_by FROM customers WHERE referred_by IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}

// CaseReturn is an open case whose customer has bought since it opened.
type CaseReturn struct {
	CaseID   int64
	Summary  string
	OpenedAt time.Time
	BackAt   time.Time // the first purchase after the case opened
}

// CasesReturning returns, per customer of ids, their oldest open case
// with a purchase after it opened.
func (db *DB) CasesReturning(ctx context.Context, ids []int64) (map[int64]CaseReturn, error) {
	out := map[int64]CaseReturn{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id int64
			var c CaseReturn
			var back any
			if err := row.Scan(&id, &c.CaseID, &c.Summary, &c.OpenedAt, &back); err != nil {
				return err
			}
			at, err := anyTime(back)
			if err != nil || at == nil {
				return err
			}
			c.OpenedAt, c.BackAt = c.OpenedAt.UTC(), *at
			if _, seen := out[id]; !seen {
				out[id] = c
			}
			return nil
		}, `SELECT c.customer_id, c.id, c.summary, c.opened_at,
				(SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = c.customer_id AND p.purchased_at > c.opened_at)
			FROM recovery_cases c WHERE c.customer_id IN (`+placeholders(len(chunk))+`) AND c.status = 'open'
			ORDER BY c.opened_at, c.id`, chunk...)
	})
	return out, err
}

// The candidates of the staff list, each a few customer ids read from an
// index in order and cut at limit.

// The candidate queries, each an index range read in order and cut at
// its limit (plans checked in next_actions_plan_test.go).
const (
	slippingRegularsQuery = `SELECT customer_id FROM customer_value
		WHERE purchases >= 3 AND p_alive < ? AND p_alive >= ? ORDER BY p_alive DESC, customer_id DESC LIMIT ?`
	regularsLastBuyingQuery = `SELECT customer_id FROM customer_purchase_summary
		WHERE purchases >= 3 AND last_at >= ? AND last_at < ? ORDER BY last_at DESC LIMIT ?`
	visitCountQuery = `SELECT customer_id FROM customer_purchase_summary
		WHERE purchases = ? AND last_at >= ? ORDER BY last_at DESC LIMIT ?`
	firstBoughtQuery = `SELECT customer_id FROM customer_purchase_summary
		WHERE first_positive_at >= ? AND first_positive_at < ? ORDER BY first_positive_at LIMIT ?`
	recentPromotersQuery = `SELECT r.customer_id FROM responses r
		WHERE r.responded_at >= ? AND r.nps >= 9 AND r.customer_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.referred_by = r.customer_id)
		ORDER BY r.responded_at DESC, r.id DESC LIMIT ?`
	openCaseReturnersQuery = `SELECT c.customer_id FROM recovery_cases c
		WHERE c.status = 'open' AND EXISTS (SELECT 1 FROM purchases p WHERE p.customer_id = c.customer_id AND p.purchased_at > c.opened_at)
		ORDER BY c.opened_at DESC, c.id DESC LIMIT ?`
)

// SlippingRegulars returns customers with at least three purchases whose
// chance of still buying is below below (and at least floor), the highest
// first: those just slipping away before those long gone.
func (db *DB) SlippingRegulars(ctx context.Context, floor, below float64, limit int) ([]int64, error) {
	return queryAll(ctx, db, scanValue[int64], slippingRegularsQuery, below, floor, limit)
}

// RegularsLastBuying returns customers with at least three purchases
// whose last was in [from, to), the latest first.
func (db *DB) RegularsLastBuying(ctx context.Context, from, to time.Time, limit int) ([]int64, error) {
	return queryAll(ctx, db, scanValue[int64], regularsLastBuyingQuery, utc(from), utc(to), limit)
}

// VisitCountsReached returns customers whose purchase count is one of
// counts and whose last purchase was at or after since, the latest first
// within each count.
func (db *DB) VisitCountsReached(ctx context.Context, counts []int, since time.Time, limit int) ([]int64, error) {
	args := make([][]any, len(counts))
	for i, n := range counts {
		args[i] = []any{n, utc(since), limit}
	}
	return eachLimited(ctx, db, visitCountQuery, args)
}

// FirstBoughtWithin returns customers whose first positive purchase fell
// in one of the ranges [from, to), for anniversaries.
func (db *DB) FirstBoughtWithin(ctx context.Context, ranges [][2]time.Time, limit int) ([]int64, error) {
	args := make([][]any, len(ranges))
	for i, r := range ranges {
		args[i] = []any{utc(r[0]), utc(r[1]), limit}
	}
	return eachLimited(ctx, db, firstBoughtQuery, args)
}

// eachLimited runs a candidate query (one customer_id column, its own
// order and limit) once for each set of args, as one statement: each run
// a subquery of a UNION ALL. Ten anniversaries and seven visit counts were
// seventeen round trips of the staff list, each planned afresh on
// PostgreSQL; each subquery keeps its own plan, an index range read in
// order up to its limit (next_actions_plan_test.go). The callers do not
// depend on the order of the runs' rows.
func eachLimited(ctx context.Context, db *DB, query string, args [][]any) ([]int64, error) {
	if len(args) == 0 {
		return nil, nil
	}
	return queryAll(ctx, db, scanValue[int64], eachLimitedQuery(query, len(args)), slices.Concat(args...)...)
}

// eachLimitedQuery is the statement of eachLimited: query n times, each
// a subquery of a UNION ALL.
func eachLimitedQuery(query string, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("SELECT customer_id FROM (%s) c%d", query, i)
	}
	return strings.Join(parts, " UNION ALL ")
}

// RecentPromoters returns customers who answered the recommend question
// 9 or 10 since since and have referred nobody, the latest answers first
// (a customer may come more than once).
func (db *DB) RecentPromoters(ctx context.Context, since time.Time, limit int) ([]int64, error) {
	return queryAll(ctx, db, scanValue[int64], recentPromotersQuery, utc(since), limit)
}

// OpenCaseReturners returns the customers of open cases who have bought
// since their case opened, the newest cases first.
func (db *DB) OpenCaseReturners(ctx context.Context, limit int) ([]int64, error) {
	return queryAll(ctx, db, scanValue[int64], openCaseReturnersQuery, limit)
}

// CustomersOf returns the customers of ids, by id (missing ones left out).
func (db *DB) CustomersOf(ctx context.Context, ids []int64) (map[int64]*fresco.Customer, error) {
	out := map[int64]*fresco.Customer{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			c, err := scanCustomer(row)
			if err == nil {
				out[c.ID] = c
			}
			return err
		}, `SELECT `+customerColumns+` FROM customers WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}
