package store

// What operators watch: the connection pools and the health of the
// background work, read at scrape time so that every replica reports the
// same shared state.

import (
	"context"
	"database/sql"
	"time"
)

// Pools names the database/sql pools behind db: "write" and "read" on
// SQLite with "dashboards" (Reports' own readers), "pool" and "keyed"
// (reads by key, reused_plans.go) on PostgreSQL, and "reports" for an
// attached read replica. For connection metrics only.
func (db *DB) Pools() map[string]*sql.DB {
	pools := map[string]*sql.DB{"write": db.write, "read": db.read}
	if db.read == db.write {
		pools = map[string]*sql.DB{"pool": db.write}
	}
	if db.keyed != nil {
		pools["keyed"] = db.keyed
	}
	if db.reports != nil {
		pools["reports"] = db.reports.read
	}
	if db.dashboards != nil {
		pools["dashboards"] = db.dashboards.read
	}
	return pools
}

// BackgroundHealth is the state of the work that happens after a request.
type BackgroundHealth struct {
	FailedJobs   int64      // jobs that ran out of attempts
	OldestDueJob *time.Time // run_at of the longest-waiting job that is due; nil when none waits
	LastRefit    *time.Time // when the lifetime-value models were last fitted; nil before the first
}

// BackgroundHealth reads the job queue and the last lifetime-value refit.
// Each query uses an index (jobs by status and run_at) or a small table.
func (db *DB) BackgroundHealth(ctx context.Context) (BackgroundHealth, error) {
	var (
		h              BackgroundHealth
		oldest, refitV any
	)
	err := db.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM jobs WHERE status = 'failed'),
		(SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND run_at <= ?),
		(SELECT MAX(computed_at) FROM clv_fits)`, now()).Scan(&h.FailedJobs, &oldest, &refitV)
	if err != nil {
		return h, err
	}
	if h.OldestDueJob, err = anyTime(oldest); err != nil {
		return h, err
	}
	h.LastRefit, err = anyTime(refitV)
	return h, err
}
