package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// KindStats counts the jobs of one kind by status.
type KindStats struct {
	Kind    string `json:"kind"`
	Queued  int64  `json:"queued"` // waiting, including those scheduled for later
	Running int64  `json:"running"`
	Failed  int64  `json:"failed"`
	// Done24h counts jobs done in the last 24 hours. Done jobs are the bulk
	// of the table (200/s is 17 million a day), so they are counted over a
	// range the (status, run_at) index can serve rather than all of them.
	Done24h int64 `json:"done_24h"`
}

// Stats counts jobs by kind and status, sorted by kind, for the admin page.
func (q *Queue) Stats(ctx context.Context) ([]KindStats, error) {
	rows, err := q.db.Query(ctx, `SELECT kind, status, COUNT(*) FROM jobs
		WHERE status IN ('queued', 'running', 'failed') OR (status = 'done' AND run_at >= ?)
		GROUP BY kind, status`, now().Add(-24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("jobs: stats: %w", err)
	}
	defer rows.Close()
	byKind := map[string]*KindStats{}
	for rows.Next() {
		var (
			kind, status string
			n            int64
		)
		if err := rows.Scan(&kind, &status, &n); err != nil {
			return nil, fmt.Errorf("jobs: stats: %w", err)
		}
		s := byKind[kind]
		if s == nil {
			s = &KindStats{Kind: kind}
			byKind[kind] = s
		}
		*s.count(status) += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("jobs: stats: %w", err)
	}
	stats := make([]KindStats, 0, len(byKind))
	for _, s := range byKind {
		stats = append(stats, *s)
	}
	sort.Slice(stats, func(i, j int) bool { return stats[i].Kind < stats[j].Kind })
	return stats, nil
}

func (s *KindStats) count(status string) *int64 {
	switch status {
	case "queued":
		return &s.Queued
	case "running":
		return &s.Running
	case "failed":
		return &s.Failed
	default:
		return &s.Done24h
	}
}

// Retry queues a failed job to run now with a fresh set of attempts. Its
// last_error is kept until the next attempt overwrites it.
func (q *Queue) Retry(ctx context.Context, id int64) error {
	res, err := q.db.Exec(ctx, `UPDATE jobs
		SET status = 'queued', attempts = 0, run_at = ?, locked_until = NULL, finished_at = NULL
		WHERE id = ? AND status = 'failed'`, now(), id)
	if err != nil {
		return fmt.Errorf("jobs: retry %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return q.notRetryable(ctx, id)
	}
	q.Notify()
	return nil
}

// notRetryable explains why Retry changed nothing.
func (q *Queue) notRetryable(ctx context.Context, id int64) error {
	var status string
	err := q.db.QueryRow(ctx, `SELECT status FROM jobs WHERE id = ?`, id).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fresco.Errorf(fresco.ENOTFOUND, "job %d not found", id)
	case err != nil:
		return fmt.Errorf("jobs: retry %d: %w", id, err)
	default:
		return fresco.Errorf(fresco.ECONFLICT, "job %d is %s; only failed jobs can be retried", id, status)
	}
}

// pruneKind is the housekeeping job that deletes old done jobs. It is an
// ordinary periodic job, so one replica does it per hour.
const pruneKind = "jobs.prune"

// pruneBatch bounds each DELETE: on SQLite a statement holds the only write
// lock, and a day of done jobs deleted at once would stall every writer.
const pruneBatch = 5000

// pruneDone deletes done jobs finished more than Options.KeepDone ago.
// Because a job runs after it is due, run_at <= finished_at, so the run_at
// condition is implied; it is there to let the (status, run_at) index find
// the rows.
func (q *Queue) pruneDone(ctx context.Context, _ *Running) error {
	cutoff := now().Add(-q.opts.KeepDone)
	total := int64(0)
	for {
		res, err := q.db.Exec(ctx, `DELETE FROM jobs WHERE id IN (
			SELECT id FROM jobs WHERE status = 'done' AND run_at < ? AND finished_at < ? LIMIT ?)`,
			cutoff, cutoff, pruneBatch)
		if err != nil {
			return fmt.Errorf("prune done jobs: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		total += n
		if n < pruneBatch {
			if total > 0 {
				q.log.Info("pruned done jobs", "deleted", total, "finished_before", cutoff)
			}
			return nil
		}
	}
}
