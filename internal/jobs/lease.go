package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// ErrLeaseLost is the cause (context.Cause) of a handler's context ending
// because its worker no longer holds the job's lease: another worker took
// the job over, or the lease could not be renewed before it ran out. Either
// way another worker may now run the job, so the handler should stop.
var ErrLeaseLost = errors.New("jobs: the job's lease was lost; another worker may run it")

// The two ways of losing a lease, as context causes that wrap ErrLeaseLost.
var (
	errTakenOver  = fmt.Errorf("%w: another worker took the job over", ErrLeaseLost)
	errNotRenewed = fmt.Errorf("%w: it could not be renewed before it ran out", ErrLeaseLost)
)

// renewEvery is how often a running job's lease is renewed: a third of the
// lease, so that one late or failed renewal still leaves time for another.
func renewEvery(lease time.Duration) time.Duration { return lease / 3 }

// keepLease renews job's lease while its handler runs, so that the lease
// bounds how long a dead worker's job waits for another worker, not how
// long a job may take. It cancels ctx with ErrLeaseLost when the job's row
// has moved on (another worker claimed it) or when renewals kept failing
// until the lease was nearly over. The returned stop ends the renewals and
// waits for them; call it after cancelling ctx.
func (q *Queue) keepLease(ctx context.Context, job *Running, cancel context.CancelCauseFunc) (stop func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		every := renewEvery(q.opts.Lease)
		leaseEnds := job.leaseEnds
		timer := time.NewTimer(every)
		defer timer.Stop()
		wait := every
		for {
			// The handler is stopped a margin before the lease ends, leaving
			// time to record its outcome before anyone may take the job.
			deadline := leaseEnds.Add(-leaseMargin(q.opts.Lease))
			timer.Reset(min(wait, time.Until(deadline)))
			select {
			case <-ctx.Done():
				return
			case <-timer.C:
			}
			if !time.Now().Before(deadline) {
				q.leaseLost(job, errNotRenewed)
				cancel(errNotRenewed)
				return
			}
			until, held, err := q.renew(ctx, job, deadline)
			switch {
			case ctx.Err() != nil:
				return
			case err != nil:
				// Try again soon; the deadline above stops the handler if
				// the database stays out of reach.
				q.log.Warn("renewing a job's lease", "job_id", job.ID, "kind", job.Kind, "err", err)
				wait = every / 4
			case !held:
				q.leaseLost(job, errTakenOver)
				cancel(errTakenOver)
				return
			default:
				leaseEnds, wait = until, every
			}
		}
	}()
	return func() { <-done }
}

// renew extends job's lease by a full lease from now, fenced like finish on
// the attempt number, and reports whether the row was still this worker's.
// It gives up at deadline, when the handler is stopped anyway.
func (q *Queue) renew(ctx context.Context, job *Running, deadline time.Time) (time.Time, bool, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	until := now().Add(q.opts.Lease)
	var held bool
	err := q.db.InTx(ctx, func(tx *store.Tx) error {
		if err := skipFlushWait(ctx, tx); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `UPDATE jobs SET locked_until = ?
			WHERE id = ? AND status = 'running' AND attempts = ?`, until, job.ID, job.Attempt)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		held = n == 1
		return err
	})
	return until, held, err
}

func (q *Queue) leaseLost(job *Running, cause error) {
	q.log.Warn("asking a job's handler to stop", "job_id", job.ID, "kind", job.Kind,
		"attempt", job.Attempt, "why", cause)
}
