package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// claim marks the oldest due job of a registered kind as running under a
// fresh lease and returns it, or nil if no job is due.
//
// The query walks the (status, run_at) index and stops at the first row, so
// its cost does not grow with the backlog; jobs whose lease expired are put
// back into the queue separately by rescueExpired, because an OR of the two
// conditions makes both engines scan and sort the whole backlog.
//
// On PostgreSQL, FOR UPDATE SKIP LOCKED lets concurrent claimers (workers,
// replicas) pass over each other's rows instead of queueing behind them. On
// SQLite the transaction holds the single write lock, which serialises
// claimers just as well.
func (q *Queue) claim(ctx context.Context) (*Running, error) {
	kinds := q.kinds()
	if len(kinds) == 0 {
		return nil, nil
	}
	t := now()
	leaseEnds := t.Add(q.opts.Lease)
	args := make([]any, 0, len(kinds)+2)
	args = append(args, leaseEnds, t)
	for _, k := range kinds {
		args = append(args, k)
	}

	if due, err := q.anyDue(ctx, args[1:]); err != nil || !due {
		return nil, err
	}
	var job *Running
	err := q.db.InTx(ctx, func(tx *store.Tx) (err error) {
		if err := skipFlushWait(ctx, tx); err != nil {
			return err
		}
		job, err = scanRunning(tx.QueryRow(ctx, claimQuery(tx.Dialect(), len(kinds)), args...))
		return err
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	job.leaseEnds = leaseEnds
	return job, nil
}

// anyDue looks, on SQLite, whether a job is due before a claim takes a turn
// of the one writer connection: every wake fans out until a claim finds
// nothing, so under a stream of responses every other claim was empty and
// made the writers behind it wait. A reader sees every job committed
// before the Notify that woke this worker. args are the claim's from the
// due time on.
func (q *Queue) anyDue(ctx context.Context, args []any) (bool, error) {
	if q.db.Dialect() != store.SQLite {
		return true, nil // claimers do not queue there: SKIP LOCKED
	}
	var one int
	err := q.db.QueryRow(ctx, `SELECT 1 FROM jobs WHERE status = 'queued' AND run_at <= ?
		AND kind IN (`+placeholders(len(args)-1)+`) LIMIT 1`, args...).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("jobs: claim: %w", err)
	}
	return true, nil
}

// placeholders is "?, ?, …" for n values.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func claimQuery(dialect store.Dialect, kinds int) string {
	skipLocked := ""
	if dialect == store.Postgres {
		skipLocked = " FOR UPDATE SKIP LOCKED"
	}
	return `UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = ?
		WHERE id = (
			SELECT id FROM jobs
			WHERE status = 'queued' AND run_at <= ?
			  AND kind IN (` + placeholders(kinds) + `)
			ORDER BY run_at, id
			LIMIT 1` + skipLocked + `)
		RETURNING id, kind, payload, attempts, max_attempts, run_at`
}

// expiredLeaseError is the last_error of a job whose worker vanished.
const expiredLeaseError = "lease expired: the worker stopped (crash, kill or restart) or overran its lease"

// rescueExpired puts jobs whose lease has expired back into the queue — their
// worker died, and this is what makes jobs survive kill -9 — or marks them
// failed if that was their last attempt, so that a job that kills its worker
// every time is not retried forever. It touches only running jobs, of which
// there are few.
func (q *Queue) rescueExpired(ctx context.Context) error {
	t := now()
	err := q.db.InTx(ctx, func(tx *store.Tx) error {
		if err := skipFlushWait(ctx, tx); err != nil {
			return err
		}
		failed, err := updatedKinds(ctx, tx, `UPDATE jobs
			SET status = 'failed', finished_at = ?, locked_until = NULL, last_error = ?
			WHERE status = 'running' AND locked_until < ? AND attempts >= max_attempts
			RETURNING kind`, t, expiredLeaseError, t)
		if err != nil {
			return err
		}
		back, err := updatedKinds(ctx, tx, `UPDATE jobs
			SET status = 'queued', locked_until = NULL, last_error = ?
			WHERE status = 'running' AND locked_until < ?
			RETURNING kind`, expiredLeaseError, t)
		if err != nil {
			return err
		}
		for _, kind := range failed {
			q.metrics.processed.WithLabelValues(kind, string(outcomeFailed)).Inc()
		}
		for _, kind := range back {
			q.metrics.processed.WithLabelValues(kind, string(outcomeLeaseExpired)).Inc()
		}
		if len(failed)+len(back) > 0 {
			q.log.Warn("jobs with expired leases rescued", "requeued", len(back), "failed", len(failed))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("jobs: rescue expired leases: %w", err)
	}
	return nil
}

// updatedKinds runs an UPDATE … RETURNING kind and collects the kinds.
func updatedKinds(ctx context.Context, tx *store.Tx, query string, args ...any) ([]string, error) {
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var kinds []string
	for rows.Next() {
		var kind string
		if err := rows.Scan(&kind); err != nil {
			return nil, err
		}
		kinds = append(kinds, kind)
	}
	return kinds, rows.Err()
}

func scanRunning(row *sql.Row) (*Running, error) {
	var (
		job     Running
		payload string
		runAt   dbTime
	)
	if err := row.Scan(&job.ID, &job.Kind, &payload, &job.Attempt, &job.MaxAttempts, &runAt); err != nil {
		return nil, err
	}
	job.Payload = []byte(payload)
	job.runAt = runAt.Time
	return &job, nil
}

// outcome is what became of one attempt; it is also the metrics label.
type outcome string

const (
	outcomeDone   outcome = "done"
	outcomeRetry  outcome = "retry"
	outcomeFailed outcome = "failed"
	// outcomeLeaseExpired counts attempts whose worker vanished.
	outcomeLeaseExpired outcome = "lease_expired"
)

// finish records the result of an attempt. Every update is fenced on the
// attempt number: if this worker's lease ran out and another worker claimed
// the job again, attempts has moved on and the stale result is dropped.
// It reports whether the row was still this worker's to update.
func (q *Queue) finish(ctx context.Context, job *Running, result outcome, retryAt time.Time, lastError string) (bool, error) {
	const fence = ` WHERE id = ? AND status = 'running' AND attempts = ?`
	var res sql.Result
	err := q.db.InTx(ctx, func(tx *store.Tx) (err error) {
		if err := skipFlushWait(ctx, tx); err != nil {
			return err
		}
		switch result {
		case outcomeDone:
			res, err = tx.Exec(ctx, `UPDATE jobs SET status = 'done', finished_at = ?, locked_until = NULL`+fence,
				now(), job.ID, job.Attempt)
		case outcomeRetry:
			res, err = tx.Exec(ctx, `UPDATE jobs SET status = 'queued', run_at = ?, locked_until = NULL, last_error = ?`+fence,
				retryAt, lastError, job.ID, job.Attempt)
		case outcomeFailed:
			res, err = tx.Exec(ctx, `UPDATE jobs SET status = 'failed', finished_at = ?, locked_until = NULL, last_error = ?`+fence,
				now(), lastError, job.ID, job.Attempt)
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("jobs: record %s of job %d: %w", result, job.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// skipFlushWait lets a PostgreSQL transaction commit without waiting for its
// WAL to reach disk, which is most of a commit's cost. It is safe for the
// queue's own bookkeeping: if the server crashes within the flush delay, a
// claim or an outcome is lost and the job runs again, which at-least-once
// delivery already allows. Enqueue never does this — it runs in the
// caller's transaction, whose durability is the caller's. SQLite in WAL mode
// with synchronous=NORMAL does not wait for the disk anyway.
func skipFlushWait(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, `SET LOCAL synchronous_commit = off`)
	return err
}

// dbTime scans a timestamp from either engine. SQLite hands back text where
// the driver cannot see the column type (RETURNING, aggregates).
type dbTime struct{ time.Time }

var sqliteTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05",
	time.RFC3339Nano,
}

func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		t.Time = v.UTC()
		return nil
	case nil:
		t.Time = time.Time{}
		return nil
	case []byte:
		return t.parse(string(v))
	case string:
		return t.parse(v)
	default:
		return fmt.Errorf("jobs: cannot scan %T as a time", v)
	}
}

func (t *dbTime) parse(s string) error {
	for _, layout := range sqliteTimeLayouts {
		if parsed, err := time.Parse(layout, s); err == nil {
			t.Time = parsed.UTC()
			return nil
		}
	}
	return fmt.Errorf("jobs: unrecognised time %q", s)
}
