package store

import (
	"context"
	"time"
)

// ScoreCountsRaw lets the tests compare the rollup with the responses.
func (db *DB) ScoreCountsRaw(ctx context.Context, f ResponseFilter, scale, groupBy string) ([]*ScoreGroup, error) {
	return db.scoreCountsRaw(ctx, f, scale, groupBy)
}

// PostActivityRaw is PostActivity over the responses, whatever the bounds.
func (db *DB) PostActivityRaw(ctx context.Context, from, to time.Time) (map[int64]*PostActivity, error) {
	return db.postActivity(ctx, from, to, false)
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
