package auth

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// SharedLimiter is Limiter's token buckets kept in the database, so that
// every replica behind a load balancer draws on the same allowance: with an
// in-memory Limiter, N replicas would allow N times the limit. It costs a
// short write transaction per attempt, so it guards what is itself a write
// (the public survey form's submissions), not page views.
//
// The buckets live in the same counters table as the login limits
// (store.UpdateLoginFailures), under their own key prefix, so housekeeping
// prunes them alike and an operator finds them in one place.
type SharedLimiter struct {
	db     *store.DB
	prefix string
	rule   rule
	now    func() time.Time
}

// NewSharedLimiter returns a limiter allowing burst attempts per window per
// key, counted in db under prefix (e.g. "survey:").
func NewSharedLimiter(db *store.DB, prefix string, burst int, window time.Duration, now func() time.Time) *SharedLimiter {
	if now == nil {
		now = time.Now
	}
	return &SharedLimiter{db: db, prefix: prefix, rule: rule{burst: float64(burst), window: window}, now: now}
}

// Take takes one token from key's bucket. When the bucket is empty it takes
// nothing and reports how long until a token is back. The check and the
// count hold the counter locked, so concurrent attempts on any replica
// queue up and none beyond the allowance gets through.
func (l *SharedLimiter) Take(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error) {
	now := l.now()
	err = l.db.UpdateLoginFailures(ctx, []string{l.prefix + storableKey(key)}, now, func(c []store.LoginFailures) error {
		b := l.rule.bucketOf(c[0], now)
		if ok = b.tokens >= 1; ok {
			b.tokens--
		} else {
			retryAfter = l.rule.wait(b)
		}
		l.rule.record(b, &c[0])
		return nil
	})
	if err != nil {
		return false, 0, err
	}
	return ok, retryAfter, nil
}
