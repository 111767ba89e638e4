package store

// What the recovery reports read: the facts of each case with the customer's
// purchases around it, and the retention of customers who never had a case.

import (
	"context"
	"database/sql"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// CaseFacts is what the recovery reports need about one case.
type CaseFacts struct {
	CaseID           int64
	CustomerID       int64
	Status           string
	Category         string
	OpenedAt         time.Time
	FirstResponseAt  *time.Time
	ResolvedAt       *time.Time
	ReopenCount      int
	SLAStatus        string
	SLABreached      bool
	FollowThrough    string
	RevenueBefore    fresco.Money // the customer's net purchases in the 365 days before opening
	RevenueAfter     fresco.Money // … in the 365 days after opening (up to the report's as-of time)
	BoughtWithin90d  bool         // a purchase in (opened, opened + 90 days]
	GesturesGranted  fresco.Money
	Observable90Days bool // opened at least 90 days before as-of
}

// CaseReportFacts returns the facts of every case (not merged) opened in [from, to).
func (db *DB) CaseReportFacts(ctx context.Context, from, to, asOf time.Time) ([]CaseFacts, error) {
	list, err := queryAll(ctx, db, scanCaseFacts, `SELECT id, customer_id, status, CASE WHEN root_cause_category <> '' THEN root_cause_category ELSE category END,
		opened_at, first_response_at, resolved_at, reopen_count, sla_status, sla_breached, follow_through_outcome
		FROM recovery_cases WHERE status <> 'merged' AND opened_at >= ? AND opened_at < ? ORDER BY id`, utc(from), utc(to))
	if err != nil {
		return nil, err
	}
	for i := range list {
		f := &list[i]
		yearBefore, yearAfter := f.OpenedAt.AddDate(-1, 0, 0), f.OpenedAt.AddDate(1, 0, 0)
		if asOf.Before(yearAfter) {
			yearAfter = asOf
		}
		var before, after, within int64
		err := db.QueryRow(ctx, `SELECT
				COALESCE(SUM(CASE WHEN purchased_at >= ? AND purchased_at < ? THEN total ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN purchased_at > ? AND purchased_at <= ? THEN total ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN purchased_at > ? AND purchased_at <= ? AND total > 0 THEN 1 ELSE 0 END), 0)
			FROM purchases WHERE customer_id = ?`,
			utc(yearBefore), utc(f.OpenedAt), utc(f.OpenedAt), utc(yearAfter), utc(f.OpenedAt), utc(f.OpenedAt.AddDate(0, 0, 90)),
			f.CustomerID).Scan(&before, &after, &within)
		if err != nil {
			return nil, err
		}
		f.RevenueBefore, f.RevenueAfter, f.BoughtWithin90d = fresco.Money(before), fresco.Money(after), within > 0
		f.Observable90Days = !asOf.Before(f.OpenedAt.AddDate(0, 0, 90))
		var g int64
		if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM gestures WHERE case_id = ? AND status = 'granted'`,
			f.CaseID).Scan(&g); err != nil {
			return nil, err
		}
		f.GesturesGranted = fresco.Money(g)
	}
	return list, nil
}

// scanCaseFacts scans what the case row itself says; CaseReportFacts adds
// the purchases and gestures around it.
func scanCaseFacts(row rowScanner) (CaseFacts, error) {
	var f CaseFacts
	var first, resolved sql.NullTime
	if err := row.Scan(&f.CaseID, &f.CustomerID, &f.Status, &f.Category, &f.OpenedAt, &first, &resolved,
		&f.ReopenCount, &f.SLAStatus, &f.SLABreached, &f.FollowThrough); err != nil {
		return f, err
	}
	f.OpenedAt, f.FirstResponseAt, f.ResolvedAt = f.OpenedAt.UTC(), ptrTime(first), ptrTime(resolved)
	return f, nil
}

// BaselineRetention is the comparison group of the recovery rate: customers
// with a positive purchase in [from, to) and no case ever, and how many of
// them bought again within 90 days of their first purchase in the window.
// Only purchases at least 90 days before asOf count, so every customer had
// the same chance to come back.
func (db *DB) BaselineRetention(ctx context.Context, from, to, asOf time.Time) (customers, retained int, err error) {
	cut := asOf.AddDate(0, 0, -90)
	if cut.Before(to) {
		to = cut
	}
	if !from.Before(to) {
		return 0, 0, nil
	}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var firstV, nextV any
		if err := row.Scan(&firstV, &nextV); err != nil {
			return err
		}
		first, err := anyTime(firstV)
		if err != nil || first == nil {
			return err
		}
		next, err := anyTime(nextV)
		if err != nil {
			return err
		}
		customers++
		if next != nil && !next.After(first.AddDate(0, 0, 90)) {
			retained++
		}
		return nil
	}, `WITH firsts AS (
			SELECT customer_id, MIN(purchased_at) AS first_at FROM purchases
			WHERE customer_id IS NOT NULL AND total > 0 AND purchased_at >= ? AND purchased_at < ?
			  AND customer_id NOT IN (SELECT customer_id FROM recovery_cases)
			GROUP BY customer_id)
		SELECT f.first_at, (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = f.customer_id
			AND p.total > 0 AND p.purchased_at > f.first_at)
		FROM firsts f`, utc(from), utc(to))
	if err != nil {
		return 0, 0, err
	}
	return customers, retained, nil
}
