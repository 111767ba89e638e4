package jobs

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// Ways for other capabilities to manage waiting jobs, so that the jobs table
// is read and written only by this package.

// Withdraw deletes job id within tx if no worker has claimed it yet, and
// reports whether it did. A safety-net job whose work got done another way
// is withdrawn in the transaction that records that work.
func Withdraw(ctx context.Context, tx *store.Tx, id int64) (bool, error) {
	res, err := tx.Exec(ctx, `DELETE FROM jobs WHERE id = ? AND status = 'queued'`, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// QueuedID returns the id of the oldest job of kind still waiting to run, so
// that an on-demand request can reuse it instead of queueing a second one.
func QueuedID(ctx context.Context, tx *store.Tx, kind string) (int64, bool, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM jobs WHERE kind = ? AND status = 'queued' ORDER BY id LIMIT 1`, kind).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// EnqueueOnce queues a job of kind for an on-demand request ("Refresh
// now"), or returns the one of that kind already waiting to run, so that
// impatient clicks queue one job, not one each.
func EnqueueOnce(ctx context.Context, tx *store.Tx, kind string, maxAttempts int) (int64, error) {
	queued, found, err := QueuedID(ctx, tx, kind)
	if err != nil || found {
		return queued, err
	}
	return Enqueue(ctx, tx, Job{Kind: kind, MaxAttempts: maxAttempts})
}

// Retire marks the waiting jobs whose kind starts with kindPrefix and that
// were due before dueBefore (zero: whenever) as done without running them.
// Loading history (the demo, an import of old feedback) uses it so that the
// past does not set off today's alerts.
func Retire(ctx context.Context, db *store.DB, kindPrefix string, dueBefore time.Time) (int64, error) {
	query := `UPDATE jobs SET status = 'done', finished_at = ? WHERE kind LIKE ? AND status = 'queued'`
	args := []any{time.Now().UTC(), kindPrefix + "%"}
	if !dueBefore.IsZero() {
		query += ` AND run_at < ?`
		args = append(args, dueBefore.UTC())
	}
	res, err := db.Exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
