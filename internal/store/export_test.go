package store

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// ScoreCountsRaw lets the tests compare the rollup with the responses.
func (db *DB) ScoreCountsRaw(ctx context.Context, f ResponseFilter, scale, groupBy string) ([]*ScoreGroup, error) {
	return db.scoreCountsRaw(ctx, f, scale, groupBy)
}

// PostActivityRaw is PostActivity over the responses, whatever the bounds.
func (db *DB) PostActivityRaw(ctx context.Context, from, to time.Time) (map[int64]*PostActivity, error) {
	return db.postActivity(ctx, from, to, nil)
}

// RollupAnswers lets the tests see which path a filter takes.
func (f ResponseFilter) RollupAnswers() bool { return f.rollupAnswers() }

// MonthlyAnswers says whether a report grouped by groupBy over f reads
// whole months from feedback_score_monthly.
func (f ResponseFilter) MonthlyAnswers(groupBy string) bool {
	_, _, whole := monthSpan(f.From, f.To)
	return f.rollupAnswers() && f.monthlyDim(groupBy) != "" && whole
}

// DriverCountsRaw lets the tests compare the driver rollup with the answers.
func (db *DB) DriverCountsRaw(ctx context.Context, f ResponseFilter) ([]DriverCount, error) {
	return db.driverCountsRaw(ctx, f)
}

// AcquisitionReportRaw lets the tests compare the acquisition rollup with
// the customers and purchases.
func (db *DB) AcquisitionReportRaw(ctx context.Context) ([]AcquisitionSource, error) {
	return db.acquisitionReportRaw(ctx)
}

// CaseReportFactsChunked is CaseReportFacts with chunk cases a purchases
// query, so a small test crosses chunk boundaries.
func (db *DB) CaseReportFactsChunked(ctx context.Context, from, to, asOf time.Time, chunk int) ([]CaseFacts, error) {
	return db.caseReportFacts(ctx, from, to, asOf, chunk)
}

// acquisitionReportRaw is AcquisitionReport over the customers and their
// purchases: what the rollup must equal.
func (db *DB) acquisitionReportRaw(ctx context.Context) ([]AcquisitionSource, error) {
	return queryAll(ctx, db, scanAcquisitionSource, `SELECT c.acquisition_source, COUNT(*),
			COALESCE(SUM(CASE WHEN COALESCE(t.n, 0) > 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(t.total), 0)
		FROM customers c
		LEFT JOIN (SELECT customer_id, COUNT(*) AS n, SUM(total) AS total FROM purchases
			WHERE customer_id IS NOT NULL AND total > 0 GROUP BY customer_id) t ON t.customer_id = c.id
		WHERE c.acquisition_source <> ''
		GROUP BY c.acquisition_source ORDER BY 2 DESC, 1`)
}

// BaselineRetentionRaw is BaselineRetention over the purchases and cases
// themselves, month by month: what the rollup must equal. Each month's
// cohort is read as the report read its whole period before the rollup,
// and "within 90 days" is Go's calendar arithmetic, not the triggers' SQL.
func (db *DB) BaselineRetentionRaw(ctx context.Context, from, to, asOf time.Time) (Baseline, error) {
	m1, m2, ok := BaselineMonths(from, to, asOf)
	if !ok {
		return Baseline{}, nil
	}
	b := Baseline{From: m1, To: m2}
	for m := m1; m.Before(m2); m = m.AddDate(0, 1, 0) {
		err := queryEach(ctx, db, func(row rowScanner) error {
			var firstV, nextV any
			if err := row.Scan(&firstV, &nextV); err != nil {
				return err
			}
			first, err := anyTime(firstV)
			if err != nil {
				return err
			}
			next, err := anyTime(nextV)
			if err != nil {
				return err
			}
			b.Customers++
			if next != nil && !next.After(first.AddDate(0, 0, 90)) {
				b.Retained++
			}
			return nil
		}, `WITH firsts AS (
				SELECT customer_id, MIN(purchased_at) AS first_at FROM purchases
				WHERE customer_id IS NOT NULL AND total > 0 AND purchased_at >= ? AND purchased_at < ?
				  AND customer_id NOT IN (SELECT customer_id FROM recovery_cases)
				GROUP BY customer_id)
			SELECT f.first_at, (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = f.customer_id
				AND p.total > 0 AND p.purchased_at > f.first_at)
			FROM firsts f`, utc(m), utc(m.AddDate(0, 1, 0)))
		if err != nil {
			return Baseline{}, err
		}
	}
	return b, nil
}

// BaselineCustomerMonthDrift counts the rows in which baseline_customer_month
// differs from what a rebuild would write there, either way.
func (db *DB) BaselineCustomerMonthDrift(ctx context.Context) (n int, err error) {
	kept := `SELECT customer_id, month, first_at, next_at FROM baseline_customer_month`
	rebuilt := baselineCustomerMonthSelect(db.Dialect(), allCustomers)
	err = db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM (`+kept+` EXCEPT `+rebuilt+`) a) + (SELECT COUNT(*) FROM (`+rebuilt+` EXCEPT `+kept+`) b)`).Scan(&n)
	return n, err
}

// AcquisitionCustomerDrift is BaselineCustomerMonthDrift for
// acquisition_customer.
func (db *DB) AcquisitionCustomerDrift(ctx context.Context) (n int, err error) {
	kept := `SELECT customer_id, positive, revenue FROM acquisition_customer`
	rebuilt := acquisitionCustomerSelect(allCustomers)
	err = db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM (`+kept+` EXCEPT `+rebuilt+`) a) + (SELECT COUNT(*) FROM (`+rebuilt+` EXCEPT `+kept+`) b)`).Scan(&n)
	return n, err
}

// ParseStoredTime is the refit's parse of SQLite's stored times.
var ParseStoredTime = parseStoredTime

// CountQueries are the count queries of the case and response lists with
// no filter, by list, for the tests to read their plans.
func (db *DB) CountQueries() map[string]string {
	cases, _ := caseList(db.dialect).countQuery(conditions{})
	responses, _ := responseList.countQuery(conditions{})
	return map[string]string{"cases": cases, "responses": responses}
}

// CaseTimelineQuery is the statement of a case's timeline, for its plan.
const CaseTimelineQuery = caseTimelineQuery

// CaseEmailsQuery is the statement of a case's e-mails, for its plan.
const CaseEmailsQuery = caseEmailsQuery

// FollowUpTabQuery is the statement of the first page of a tab of the
// follow-up list (a status), newest first, for its plan.
func FollowUpTabQuery() string {
	by, _ := followUpList.sortOf("newest")
	return `SELECT ` + followUpList.columns + ` FROM ` + followUpList.from + ` WHERE f.status = ?` + followUpList.order(by, true) + ` LIMIT ?`
}

// CallTaskListQuery is the statement of a page of call tasks under f, for
// its plan.
func CallTaskListQuery(f CallTaskFilter) (string, []any) {
	w := callTaskWhere(f, 0)
	return `SELECT t.id` + callTaskFrom + ` WHERE ` + w.sql() + ` ORDER BY t.id`, w.args
}

// The candidate queries of the next best actions across customers, for their plans.
const (
	SlippingRegularsQuery   = slippingRegularsQuery
	RegularsLastBuyingQuery = regularsLastBuyingQuery
	VisitCountQuery         = visitCountQuery
	FirstBoughtQuery        = firstBoughtQuery
	RecentPromotersQuery    = recentPromotersQuery
	OpenCaseReturnersQuery  = openCaseReturnersQuery
)

// EachLimitedQuery is a candidate query run n times in one statement, for
// its plan.
func EachLimitedQuery(query string, n int) string { return eachLimitedQuery(query, n) }

// LockLineProducts lets the tests lock the products the lines of ps name,
// as the batch path does on PostgreSQL before it writes them.
func (tx *Tx) LockLineProducts(ctx context.Context, ps []*fresco.Purchase) error {
	indexes := make([]int, len(ps))
	for i := range ps {
		indexes[i] = i
	}
	return tx.lockLineProducts(ctx, &purchasePlan{batch: ps}, indexes)
}

// KeptWriteStatements counts the statements SQLite's writer keeps prepared
// between transactions (write_statements.go); 0 on PostgreSQL.
func (db *DB) KeptWriteStatements() int {
	if db.writeStatements == nil {
		return 0
	}
	db.writeStatements.mu.Lock()
	defer db.writeStatements.mu.Unlock()
	return len(db.writeStatements.kept)
}

// MaxWriteStatements is the bound on KeptWriteStatements.
const MaxWriteStatements = maxWriteStatements

// RefitRowsPerTx and StagingValues let the tests watch a SQLite refit's
// short transactions.
const (
	RefitRowsPerTx = refitRowsPerTx
	StagingValues  = stagingValues
)

// SwapIndexName is the name a customer_value index takes in the next refit.
func SwapIndexName(name string) string { return swapIndexName(name) }

// CopyEveryRollupFromScratch computes every rollup on RebuildRollupsBeside's
// other connection and copies each into its table, as that does for those
// the writer leaves to it, then rebuilds baseline_month last (SQLite).
func (db *DB) CopyEveryRollupFromScratch(ctx context.Context, dir string) ([]RollupCount, error) {
	units, last, err := rollupUnits()
	if err != nil {
		return nil, err
	}
	scratch := dir + "/rollups.db"
	computed, err := db.computeRollups(ctx, scratch, queueOf(units...))
	if err != nil {
		return nil, err
	}
	copied, err := db.copyRollups(ctx, scratch, computed)
	if err != nil {
		return nil, err
	}
	after, err := db.rebuildQueued(ctx, queueOf(last))
	return append(copied, after...), err
}
