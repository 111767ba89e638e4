package auth

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/store"
)

// loginLimits limit failed logins per account and per client address with
// the same token buckets as Limiter, but kept in the database
// (store.UpdateLoginFailures), so that every replica behind a load balancer
// counts the same failures: N replicas do not give an attacker N times the
// guesses.
//
// Precision: a check and its count happen in one transaction that holds the
// account's and the address's rows locked, so concurrent logins, on any
// replica, queue up and not one attempt beyond the allowance gets through.
// The buckets refill by the clock of the replica that touches them; replica
// clocks apart by s seconds can hand back s × rate tokens early, and a
// bucket's time never moves backwards.
type loginLimits struct {
	db               *store.DB
	now              func() time.Time
	account, address rule
}

// pruneBatch bounds how many cleared counters one failed login deletes.
// Each failure creates at most two counters, so the table stays about the
// size of the failures still counting.
const pruneBatch = 100

// loginKeys name the two buckets a login attempt draws on.
type loginKeys struct {
	account, address string
}

// keysFor returns the keys of a login attempt for a normalised e-mail address
// from a client address (as ClientAddress reduces it).
func keysFor(email, clientAddress string) loginKeys {
	return loginKeys{account: "account:" + storableKey(email), address: "address:" + storableKey(clientAddress)}
}

// maxReadableKey is the longest e-mail address (RFC 5321 allows 254; the
// API allows 320).
const maxReadableKey = 320

// storableKey keeps a key readable, so that an operator can find and clear
// it (see docs/operations.md), unless it could not be stored as text in
// PostgreSQL or is longer than any e-mail address: then it is hashed.
func storableKey(s string) string {
	if len(s) <= maxReadableKey && utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	return "sha256:" + HashToken(s)
}

// take takes a token from both buckets of an attempt, before its password is
// checked, so that a flood of parallel attempts cannot all slip through
// before the first failure is counted. When either bucket is empty it takes
// from neither — a locked account does not also drain its address — and
// reports how long until both have a token again.
func (l *loginLimits) take(ctx context.Context, k loginKeys) (ok bool, retryAfter time.Duration, err error) {
	now := l.now()
	err = l.update(ctx, k, now, func(account, address *bucket) {
		ok = account.tokens >= 1 && address.tokens >= 1
		if !ok {
			retryAfter = max(l.account.wait(*account), l.address.wait(*address))
			return
		}
		account.tokens--
		address.tokens--
	})
	if err != nil {
		return false, 0, err
	}
	return ok, retryAfter, nil
}

// succeeded settles an attempt that logged in: the account's slate is wiped
// and the address gets its token back.
func (l *loginLimits) succeeded(ctx context.Context, k loginKeys) error {
	now := l.now()
	return l.update(ctx, k, now, func(account, address *bucket) {
		account.tokens = l.account.burst
		address.tokens = min(l.address.burst, address.tokens+1)
	})
}

// update runs change on the attempt's two buckets, refilled to now, while
// their counters are locked, and stores the result.
func (l *loginLimits) update(ctx context.Context, k loginKeys, now time.Time, change func(account, address *bucket)) error {
	return l.db.UpdateLoginFailures(ctx, []string{k.account, k.address}, now, func(c []store.LoginFailures) error {
		account, address := l.account.bucketOf(c[0], now), l.address.bucketOf(c[1], now)
		change(&account, &address)
		l.account.record(account, &c[0])
		l.address.record(address, &c[1])
		return nil
	})
}

// prune deletes counters that no longer count, a batch at a time.
func (l *loginLimits) prune(ctx context.Context) error {
	_, err := l.db.PruneLoginFailures(ctx, l.now(), pruneBatch)
	return err
}

// bucketOf reads a stored counter as a bucket refilled to now. The table
// keeps failures rather than tokens so that a missing row means "no
// failures" whatever the burst.
func (r rule) bucketOf(c store.LoginFailures, now time.Time) bucket {
	b := bucket{tokens: r.burst - c.Failures, at: c.UpdatedAt}
	r.refill(&b, now)
	return b
}

// record writes b back into its counter.
func (r rule) record(b bucket, c *store.LoginFailures) {
	c.Failures = max(0, r.burst-b.tokens)
	c.UpdatedAt = b.at
	c.ClearAt = r.fullAt(b)
}
