package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// Failed logins are counted in login_failures, one row per limited key
// ("account:ada@example.com", "address:192.0.2.7"), so that every replica
// behind a load balancer sees the same count. How many failures are allowed
// and how fast they are forgiven is internal/auth's business; the store keeps
// the counters and makes each check-and-count atomic. The public survey
// form's submission limits (auth.SharedLimiter) keep their counters here too,
// under keys of their own ("survey:192.0.2.7").

// LoginFailures is the failed-login counter of one key.
type LoginFailures struct {
	Key string
	// Failures is how many failed logins still count against the key. They
	// are forgiven continuously, so the count is fractional.
	Failures float64
	// UpdatedAt is when Failures was last brought up to date.
	UpdatedAt time.Time
	// ClearAt is when Failures will have decayed to zero. After it the row
	// says nothing a missing row would not, and PruneLoginFailures deletes it.
	ClearAt time.Time
}

// UpdateLoginFailures locks the counters of the distinct keys — a missing
// counter is created with no failures as of now — hands them to change in
// the order of keys, and stores what change leaves in them, all in one write
// transaction. Until it commits no other transaction, on any replica, can
// lock or change those counters, so two logins never both pass a check that
// only one of them should. If change returns an error nothing is stored.
// change runs while the rows are locked: it must not wait on anything.
func (db *DB) UpdateLoginFailures(ctx context.Context, keys []string, now time.Time, change func(counters []LoginFailures) error) error {
	return db.InTx(ctx, func(tx *Tx) error {
		counters := make([]LoginFailures, len(keys))
		for _, i := range lockOrder(keys) {
			c, err := lockLoginFailures(ctx, tx, keys[i], now)
			if err != nil {
				return err
			}
			counters[i] = c
		}
		if err := change(counters); err != nil {
			return err
		}
		for _, c := range counters {
			if err := saveLoginFailures(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// lockOrder returns the indexes of keys in sorted key order. Every
// transaction takes its row locks in that order, so two logins that share
// an account or an address queue up instead of deadlocking on PostgreSQL.
func lockOrder(keys []string) []int {
	order := make([]int, len(keys))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	return order
}

// lockLoginFailures returns key's counter, creating it if need be, and locks
// it until the transaction ends. DO UPDATE rather than DO NOTHING: it takes
// the row lock on PostgreSQL (SQLite's transaction already holds the one
// write lock) and makes RETURNING answer for an existing row too.
func lockLoginFailures(ctx context.Context, tx *Tx, key string, now time.Time) (LoginFailures, error) {
	now = loginTime(now)
	c := LoginFailures{Key: key}
	err := tx.QueryRow(ctx, `INSERT INTO login_failures (key, failures, updated_at, clear_at) VALUES (?, 0, ?, ?)
		ON CONFLICT (key) DO UPDATE SET failures = login_failures.failures
		RETURNING failures, updated_at, clear_at`, key, now, now).
		Scan(&c.Failures, &c.UpdatedAt, &c.ClearAt)
	c.UpdatedAt, c.ClearAt = c.UpdatedAt.UTC(), c.ClearAt.UTC()
	return c, err
}

func saveLoginFailures(ctx context.Context, tx *Tx, c LoginFailures) error {
	_, err := tx.Exec(ctx, `UPDATE login_failures SET failures = ?, updated_at = ?, clear_at = ? WHERE key = ?`,
		c.Failures, loginTime(c.UpdatedAt), loginTime(c.ClearAt), c.Key)
	return err
}

// loginTime is t as stored: UTC, to the microsecond that PostgreSQL keeps, so
// that a counter reads back as it was written on either engine.
func loginTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// PruneLoginFailures deletes up to limit counters that had decayed to zero
// by now and returns how many it deleted. It is cheap enough to call after
// every failed login: the clear_at index finds the rows, and the limit keeps
// SQLite's write lock short. On PostgreSQL it skips counters that a login
// holds locked (that login is about to rewrite them anyway), so a prune
// never waits on a login and the two cannot deadlock.
func (db *DB) PruneLoginFailures(ctx context.Context, now time.Time, limit int) (int64, error) {
	query := `DELETE FROM login_failures WHERE key IN (
		SELECT key FROM login_failures WHERE clear_at <= ? LIMIT ?)`
	if db.dialect == Postgres {
		query = `DELETE FROM login_failures WHERE key IN (
			SELECT key FROM login_failures WHERE clear_at <= ? LIMIT ? FOR UPDATE SKIP LOCKED)`
	}
	res, err := db.Exec(ctx, query, loginTime(now), limit)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
