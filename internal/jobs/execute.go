package jobs

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"
)

// maxErrorLength bounds last_error; a panic stack or an HTML error page is
// useful in its first few kilobytes and harmful in its megabytes.
const maxErrorLength = 4000

// leaseMargin is how long before an unrenewed lease ends the handler's
// context ends: a tenth of the lease, at most 30s.
func leaseMargin(lease time.Duration) time.Duration { return min(lease/10, 30*time.Second) }

// execute runs one claimed job and records the outcome.
func (q *Queue) execute(ctx context.Context, job *Running) {
	started := time.Now()
	q.metrics.pickedUp(job, started)
	err := q.call(ctx, job)
	q.metrics.ran(job, time.Since(started))
	q.record(job, err)
}

// call runs the job's handler, turning a panic into an error so that one bad
// job cannot take the process down.
func (q *Queue) call(ctx context.Context, job *Running) (err error) {
	h := q.handler(job.Kind)
	if h == nil {
		// Not reachable through claim, which selects registered kinds only.
		return Cancel(fmt.Errorf("no handler registered for job kind %q", job.Kind))
	}
	// The lease is renewed while the handler runs; if it is lost, another
	// worker may start the job, so the handler's context ends.
	ctx, cancel := context.WithCancelCause(ctx)
	stopRenewing := q.keepLease(ctx, job, cancel)
	defer func() {
		cancel(nil)
		stopRenewing()
	}()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	return h(ctx, job)
}

// record writes the outcome of an attempt. It uses a context of its own:
// the result of a job that finished during shutdown must still be saved.
func (q *Queue) record(job *Running, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	result, retryAt := q.decide(job, err)
	lastError := ""
	if err != nil {
		lastError = errorText(err)
	}
	owned, dbErr := q.finish(ctx, job, result, retryAt, lastError)
	log := q.log.With("job_id", job.ID, "kind", job.Kind, "attempt", job.Attempt)
	switch {
	case dbErr != nil:
		// The lease will expire and the job will run again.
		log.Error("recording job outcome", "outcome", result, "err", dbErr)
		return
	case !owned:
		log.Warn("job outcome dropped: the lease expired and another worker took the job over", "outcome", result)
		return
	}
	q.metrics.finished(job, result)
	switch result {
	case outcomeDone:
		log.Debug("job done")
	case outcomeRetry:
		log.Warn("job failed; will retry", "err", err, "retry_at", retryAt)
	case outcomeFailed:
		log.Error("job failed for good", "err", err)
	}
}

// decide turns a handler's result into an outcome.
func (q *Queue) decide(job *Running, err error) (outcome, time.Time) {
	switch {
	case err == nil:
		return outcomeDone, time.Time{}
	case IsPermanent(err) || job.LastAttempt():
		return outcomeFailed, time.Time{}
	default:
		return outcomeRetry, now().Add(q.opts.Backoff(job.Attempt))
	}
}

// errorText makes err fit for last_error: bounded, valid UTF-8 and free of
// NUL bytes, which PostgreSQL TEXT rejects.
func errorText(err error) string {
	s := err.Error()
	if len(s) > maxErrorLength {
		s = s[:maxErrorLength] + "…"
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}
