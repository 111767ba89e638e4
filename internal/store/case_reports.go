package store

// What the recovery reports read: the facts of each case with the customer's
// purchases around it, and the retention of customers who never had a case.

import (
	"context"
	"database/sql"
	"strings"
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
//
// It reads set by set, not case by case: the cases in one query, then the
// purchases around them and their gestures for a chunk of cases at a time.
// Each case's windows (a year before opening, a year after it up to asOf, 90
// days after it) are computed here with time.AddDate and sent as parameters,
// so both engines count exactly what Go's calendar arithmetic says.
func (db *DB) CaseReportFacts(ctx context.Context, from, to, asOf time.Time) ([]CaseFacts, error) {
	return db.caseReportFacts(ctx, from, to, asOf, caseFactsChunk)
}

func (db *DB) caseReportFacts(ctx context.Context, from, to, asOf time.Time, chunk int) ([]CaseFacts, error) {
	list, err := queryAll(ctx, db, scanCaseFacts, `SELECT id, customer_id, status, CASE WHEN root_cause_category <> '' THEN root_cause_category ELSE category END,
		opened_at, first_response_at, resolved_at, reopen_count, sla_status, sla_breached, follow_through_outcome
		FROM recovery_cases WHERE status <> 'merged' AND opened_at >= ? AND opened_at < ? ORDER BY id`, utc(from), utc(to))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*CaseFacts, len(list))
	for i := range list {
		f := &list[i]
		f.Observable90Days = !asOf.Before(f.OpenedAt.AddDate(0, 0, 90))
		byID[f.CaseID] = f
	}
	for start := 0; start < len(list); start += chunk {
		if err := db.addPurchaseFacts(ctx, list[start:min(start+chunk, len(list))], asOf, byID); err != nil {
			return nil, err
		}
	}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var id, g int64
		if err := row.Scan(&id, &g); err != nil {
			return err
		}
		if f := byID[id]; f != nil {
			f.GesturesGranted = fresco.Money(g)
		}
		return nil
	}, `SELECT g.case_id, SUM(g.amount) FROM gestures g JOIN recovery_cases c ON c.id = g.case_id
		WHERE g.status = 'granted' AND c.status <> 'merged' AND c.opened_at >= ? AND c.opened_at < ?
		GROUP BY g.case_id`, utc(from), utc(to))
	if err != nil {
		return nil, err
	}
	return list, nil
}

// caseFactsChunk is how many cases one purchases query covers: 7 parameters
// a case stays well under SQLite's 32,766 and PostgreSQL's 65,535.
const caseFactsChunk = 1000

// addPurchaseFacts sets the revenue around each case of chunk in one query:
// a VALUES table of the cases' windows, each case reading its customer's
// purchases from a year before opening up to the later of its windows'
// ends, a range of purchases_customer (customer_id, purchased_at, total)
// that the index answers alone.
//
// On PostgreSQL each case sums its purchases in a LATERAL subquery: as a
// join, the planner hashed the cases and scanned every purchase (870 ms at
// 300k purchases, growing with history), where a range per case reads only
// that customer's (235 ms, growing with the cases). SQLite, which has no
// LATERAL, already plans the join as a range per case.
func (db *DB) addPurchaseFacts(ctx context.Context, chunk []CaseFacts, asOf time.Time, byID map[int64]*CaseFacts) error {
	// PostgreSQL types the first row's parameters for the whole VALUES list;
	// SQLite must get them uncast, as the driver's own timestamp text.
	first := "(?, ?, ?, ?, ?, ?, ?)"
	if db.dialect == Postgres {
		first = "(CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ))"
	}
	var rows strings.Builder
	args := make([]any, 0, 7*len(chunk))
	for i, f := range chunk {
		if i == 0 {
			rows.WriteString(first)
		} else {
			rows.WriteString(", (?, ?, ?, ?, ?, ?, ?)")
		}
		yearBefore, yearAfter, day90 := f.OpenedAt.AddDate(-1, 0, 0), f.OpenedAt.AddDate(1, 0, 0), f.OpenedAt.AddDate(0, 0, 90)
		if asOf.Before(yearAfter) {
			yearAfter = asOf
		}
		upTo := yearAfter // the later of the two windows' ends
		if day90.After(upTo) {
			upTo = day90
		}
		args = append(args, f.CaseID, f.CustomerID, utc(yearBefore), utc(f.OpenedAt), utc(yearAfter), utc(day90), utc(upTo))
	}
	windows := `WITH w (case_id, customer_id, year_before, opened, year_after, day90, up_to) AS (VALUES ` + rows.String() + `)`
	sums := `COALESCE(SUM(CASE WHEN p.purchased_at >= w.year_before AND p.purchased_at < w.opened THEN p.total ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN p.purchased_at > w.opened AND p.purchased_at <= w.year_after THEN p.total ELSE 0 END), 0),
			COALESCE(SUM(CASE WHEN p.purchased_at > w.opened AND p.purchased_at <= w.day90 AND p.total > 0 THEN 1 ELSE 0 END), 0)`
	around := `p.customer_id = w.customer_id AND p.purchased_at >= w.year_before AND p.purchased_at <= w.up_to`
	q := windows + ` SELECT w.case_id, ` + sums + ` FROM w LEFT JOIN purchases p ON ` + around + ` GROUP BY w.case_id`
	if db.dialect == Postgres {
		q = windows + ` SELECT w.case_id, s.* FROM w CROSS JOIN LATERAL (SELECT ` + sums + ` FROM purchases p WHERE ` + around + `) s`
	}
	return queryEach(ctx, db, func(row rowScanner) error {
		var id, before, after, within int64
		if err := row.Scan(&id, &before, &after, &within); err != nil {
			return err
		}
		f := byID[id]
		f.RevenueBefore, f.RevenueAfter, f.BoughtWithin90d = fresco.Money(before), fresco.Money(after), within > 0
		return nil
	}, q, args...)
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

// ClosedCaseCauses counts the cases closed in [from, to) by root cause
// (the source of the problem in the recovery process and the category)
// and UTC month of closing. It reads the closed cases' index on status,
// closing time and cause (migration 00072) and nothing else: a year's
// cases at a million customers are counted in the database, not carried
// into Go one by one.
type ClosedCaseCauses struct {
	Source, Category string
	Month            string // YYYY-MM
	Cases            int
}

// ClosedCaseCauseCounts returns the counts of ClosedCaseCauses, by source,
// category and month.
func (db *DB) ClosedCaseCauseCounts(ctx context.Context, from, to time.Time) ([]ClosedCaseCauses, error) {
	return queryAll(ctx, db, func(row rowScanner) (ClosedCaseCauses, error) {
		var c ClosedCaseCauses
		err := row.Scan(&c.Source, &c.Category, &c.Month, &c.Cases)
		return c, err
	}, closedCaseCausesQuery(db.dialect), utc(from), utc(to))
}

// closedCaseCausesQuery is ClosedCaseCauseCounts' statement. On
// PostgreSQL the cases are grouped by the month as a time and only the
// groups' months spelled out: grouping by the spelled month sorted every
// case by three texts (PostgreSQL chose a sort, not a hash, for a year's
// cases) and formatted each case's month, 30,000 of them at a million
// customers.
func closedCaseCausesQuery(d Dialect) string {
	if d == Postgres {
		return `SELECT root_cause_source, root_cause_category, to_char(month, 'YYYY-MM'), n FROM (
			SELECT root_cause_source, root_cause_category, date_trunc('month', closed_at AT TIME ZONE 'UTC') AS month, COUNT(*) AS n
			FROM recovery_cases WHERE status = 'closed' AND closed_at >= ? AND closed_at < ? GROUP BY 1, 2, 3) g
		ORDER BY 1, 2, 3`
	}
	// closing times are stored in UTC as text: 2025-03-14 …
	return `SELECT root_cause_source, root_cause_category, substr(closed_at, 1, 7), COUNT(*) FROM recovery_cases
		WHERE status = 'closed' AND closed_at >= ? AND closed_at < ? GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`
}
