package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// DefaultMaxAttempts is how often a job runs before it is marked failed when
// Job.MaxAttempts is zero.
const DefaultMaxAttempts = 10

// Job is work to be done later by the handler registered for Kind.
type Job struct {
	Kind        string
	Payload     any       // marshalled to JSON; nil is stored as {}
	RunAt       time.Time // zero means now
	MaxAttempts int       // zero means DefaultMaxAttempts
	// UniqueKey, when set, makes Enqueue a no-op if a job with the same key
	// exists (in any status, until done jobs are pruned); Enqueue then
	// returns the existing job's id.
	UniqueKey string
}

// Enqueue adds job within tx, so the job exists if and only if tx commits.
// Call Queue.Notify after the commit to have a local worker start it without
// waiting for the next poll.
func Enqueue(ctx context.Context, tx *store.Tx, job Job) (int64, error) {
	if job.Kind == "" {
		return 0, fresco.Errorf(fresco.EINVALID, "jobs: a job needs a kind")
	}
	payload, err := encodePayload(job.Payload)
	if err != nil {
		return 0, fresco.Errorf(fresco.EINVALID, "jobs: payload of %s: %v", job.Kind, err)
	}
	runAt := now()
	if !job.RunAt.IsZero() {
		runAt = job.RunAt.UTC().Truncate(time.Microsecond)
	}
	maxAttempts := job.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = DefaultMaxAttempts
	}
	uniqueKey := sql.NullString{String: job.UniqueKey, Valid: job.UniqueKey != ""}

	var id int64
	err = tx.QueryRow(ctx, `INSERT INTO jobs (kind, payload, status, run_at, max_attempts, unique_key, created_at)
		VALUES (?, ?, 'queued', ?, ?, ?, ?)
		ON CONFLICT (unique_key) DO NOTHING
		RETURNING id`,
		job.Kind, payload, runAt, maxAttempts, uniqueKey, now()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) && uniqueKey.Valid {
		// The key is taken: the job already exists, which is what the
		// caller asked for.
		err = tx.QueryRow(ctx, `SELECT id FROM jobs WHERE unique_key = ?`, job.UniqueKey).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", job.Kind, err)
	}
	return id, nil
}

func encodePayload(payload any) (string, error) {
	if payload == nil {
		return "{}", nil
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Handler does the work of one kind of job. Returning an error schedules a
// retry (see Options.Backoff) unless the error is wrapped with Cancel or the
// job has used all its attempts.
type Handler func(ctx context.Context, job *Running) error

// Running is a job being worked on.
type Running struct {
	ID          int64
	Kind        string
	Payload     json.RawMessage
	Attempt     int // 1 on the first run
	MaxAttempts int

	runAt     time.Time // when the job became due, for the pickup-latency metric
	leaseEnds time.Time // when another worker may claim the job
}

// Decode unmarshals the payload into v. Its error is already permanent
// (see Cancel): a payload that does not decode now never will.
func (r *Running) Decode(v any) error {
	if err := json.Unmarshal(r.Payload, v); err != nil {
		return Cancel(fmt.Errorf("decode %s payload: %w", r.Kind, err))
	}
	return nil
}

// LastAttempt reports whether a failure now marks the job failed.
func (r *Running) LastAttempt() bool { return r.Attempt >= r.MaxAttempts }

// Cancel marks err as permanent: the job is marked failed at once instead of
// being retried. Use it for errors that retrying cannot fix, such as a
// customer that no longer exists or a receiver that answered 410 Gone.
func Cancel(err error) error {
	if err == nil {
		err = errors.New("cancelled")
	}
	return &permanentError{err: err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// IsPermanent reports whether err was marked by Cancel.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// now is the queue's clock: UTC, truncated to the microsecond that
// PostgreSQL keeps, so that every timestamp compares the same way on both
// engines (SQLite compares the stored text).
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
