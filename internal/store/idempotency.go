package store

// Idempotency keys: the response to a write request, replayed when a client
// repeats the request with the same Idempotency-Key.

import (
	"context"
	"database/sql"
	"time"
)

// IdempotencyKeyTTL is how long the response to an Idempotency-Key is
// replayed; older keys are forgotten (and pruned by the housekeeping job).
const IdempotencyKeyTTL = 24 * time.Hour

// IdempotentResponse returns the response stored for an Idempotency-Key
// within IdempotencyKeyTTL.
func (db *DB) IdempotentResponse(ctx context.Context, key string) (requestHash string, status int, body []byte, found bool, err error) {
	var response string
	err = db.QueryRow(ctx, `SELECT request_hash, status, response FROM idempotency_keys WHERE key = ? AND created_at >= ?`,
		key, now().Add(-IdempotencyKeyTTL)).Scan(&requestHash, &status, &response)
	if err == sql.ErrNoRows {
		return "", 0, nil, false, nil
	}
	if err != nil {
		return "", 0, nil, false, err
	}
	return requestHash, status, []byte(response), true, nil
}

// SaveIdempotentResponse stores the response to replay for an Idempotency-Key.
// The first response stored for a key wins, until it is older than
// IdempotencyKeyTTL: then the key is free for a new request.
func (db *DB) SaveIdempotentResponse(ctx context.Context, key, requestHash string, status int, body []byte) error {
	at := now()
	_, err := db.Exec(ctx, `INSERT INTO idempotency_keys (key, request_hash, status, response, created_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET request_hash = excluded.request_hash, status = excluded.status,
			response = excluded.response, created_at = excluded.created_at
		WHERE idempotency_keys.created_at < ?`, key, requestHash, status, string(body), at, at.Add(-IdempotencyKeyTTL))
	return err
}

// DeleteIdempotencyKeysBefore forgets keys older than t (see IdempotencyKeyTTL).
func (db *DB) DeleteIdempotencyKeysBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM idempotency_keys WHERE created_at < ?`, t.UTC())
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
