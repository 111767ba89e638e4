package store

// Idempotency keys: the response to a write request, replayed when a client
// repeats the request with the same Idempotency-Key.

import (
	"context"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// IdempotencyKeyTTL is how long the response to an Idempotency-Key is
// replayed; older keys are forgotten (and pruned by the housekeeping job).
const IdempotencyKeyTTL = 24 * time.Hour

// StoredAnswer is a stored response: the one an operation gave, or the one it
// gave the first time, replayed.
type StoredAnswer struct {
	Status   int
	Body     []byte
	Replayed bool // the work did not run now: this is the first run's answer
}

// ErrKeyReused is Once's error when a key comes back with another request.
var ErrKeyReused = fresco.Errorf(fresco.EINVALID, "this Idempotency-Key was already used with a different request body")

// Once runs work exactly once per key. The key is claimed, the work done and
// its answer stored in one transaction, so a concurrent caller with the same
// key waits for the first and gets its answer, and a caller who retries
// after losing the answer (a dropped connection, a server killed between
// commit and reply) gets it replayed instead of a second execution. An
// answer that is not a success (status outside 2xx) or an error rolls
// everything back and stores nothing, so the request may be retried.
func (db *DB) Once(ctx context.Context, key, requestHash string, work func(tx *Tx) (StoredAnswer, error)) (StoredAnswer, error) {
	var answer StoredAnswer
	err := db.InTx(ctx, func(tx *Tx) error {
		at := now()
		res, err := tx.Exec(ctx, `INSERT INTO idempotency_keys (key, request_hash, status, response, created_at)
			VALUES (?, ?, 0, '', ?)
			ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status = 0, response = '',
				created_at = excluded.created_at
			WHERE idempotency_keys.created_at < ?`, key, requestHash, at, at.Add(-IdempotencyKeyTTL))
		if err != nil {
			return err
		}
		if claimed, _ := res.RowsAffected(); claimed == 0 {
			answer, err = storedAnswer(ctx, tx, key, requestHash)
			return err
		}
		if answer, err = work(tx); err != nil {
			return err
		}
		if answer.Status < 200 || answer.Status > 299 {
			return errNotStored
		}
		_, err = tx.Exec(ctx, `UPDATE idempotency_keys SET status = ?, response = ? WHERE key = ?`, answer.Status, string(answer.Body), key)
		return err
	})
	if errors.Is(err, errNotStored) {
		return answer, nil
	}
	return answer, err
}

// errNotStored rolls back a failed operation's claim of its key.
var errNotStored = errors.New("answer not stored")

func storedAnswer(ctx context.Context, tx *Tx, key, requestHash string) (StoredAnswer, error) {
	var storedHash, body string
	a := StoredAnswer{Replayed: true}
	if err := tx.QueryRow(ctx, `SELECT request_hash, status, response FROM idempotency_keys WHERE key = ?`, key).Scan(&storedHash, &a.Status, &body); err != nil {
		return a, err
	}
	if storedHash != requestHash {
		return a, ErrKeyReused
	}
	a.Body = []byte(body)
	return a, nil
}

// DeleteIdempotencyKeysBefore forgets keys older than t (see IdempotencyKeyTTL).
func (db *DB) DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, t.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
