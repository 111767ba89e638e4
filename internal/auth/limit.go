package auth

import (
	"math"
	"net"
	"strings"
	"sync"
	"time"
)

// Limiter is a set of token buckets keyed by string (an account, an
// address). Each bucket holds up to Burst tokens and refills Burst tokens per
// Window; an attempt takes a token up front, so that a flood of parallel
// attempts cannot all slip through before the first failure is counted.
//
// The state is in memory: with several replicas behind a load balancer each
// one limits on its own, which multiplies the allowance by the replica count.
// That is fine for flood control (the public survey form); failed logins,
// where the allowance is a handful of password guesses, are counted in the
// database instead, with the same buckets (see loginLimits).
type Limiter struct {
	Burst  float64
	Window time.Duration
	Now    func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

// bucket is a token bucket: tokens left as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

// rule is a limit of burst attempts per window: a bucket holds up to burst
// tokens and regains them continuously, burst per window. The in-memory
// Limiter and the shared login limits run the same rule.
type rule struct {
	burst  float64
	window time.Duration
}

func (r rule) rate() float64 { return r.burst / r.window.Seconds() } // tokens per second

// refill brings b up to now. A clock behind b.at (another replica's, for a
// shared bucket) neither refills nor moves b.at back.
func (r rule) refill(b *bucket, now time.Time) {
	if elapsed := now.Sub(b.at).Seconds(); elapsed > 0 {
		b.tokens = math.Min(r.burst, b.tokens+elapsed*r.rate())
		b.at = now
	}
}

// wait is how long until b has a whole token again: 0 if it has one now,
// else whole seconds, rounded up, as a Retry-After header wants them.
func (r rule) wait(b bucket) time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration(math.Ceil((1-b.tokens)/r.rate())) * time.Second
}

// fullAt is when b will be full again: from then on it is as good as new.
func (r rule) fullAt(b bucket) time.Time {
	missing := max(0, r.burst-b.tokens)
	return b.at.Add(time.Duration(missing / r.rate() * float64(time.Second)))
}

// maxBuckets bounds memory; above it, full (idle) buckets are dropped.
const maxBuckets = 100_000

// NewLimiter returns a limiter allowing burst attempts per window per key.
func NewLimiter(burst int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{Burst: float64(burst), Window: window, Now: now, buckets: map[string]*bucket{}}
}

func (l *Limiter) rule() rule { return rule{burst: l.Burst, window: l.Window} }

// refill returns key's bucket brought up to date; the lock must be held.
func (l *Limiter) refill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now)
		}
		b = &bucket{tokens: l.Burst, at: now}
		l.buckets[key] = b
		return b
	}
	l.rule().refill(b, now)
	return b
}

func (l *Limiter) prune(now time.Time) {
	r := l.rule()
	for k, b := range l.buckets {
		if !r.fullAt(*b).After(now) {
			delete(l.buckets, k)
		}
	}
}

// Take takes one token from key's bucket. When the bucket is empty it takes
// nothing and reports how long until a token is back.
func (l *Limiter) Take(key string) (ok bool, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.Now())
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, l.rule().wait(*b)
}

// Give returns one token to key's bucket (after an attempt that succeeded).
func (l *Limiter) Give(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.Now())
	b.tokens = math.Min(l.Burst, b.tokens+1)
}

// Reset fills key's bucket.
func (l *Limiter) Reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

// ClientAddress reduces a RemoteAddr ("1.2.3.4:5678", "[2001:db8::1]:443")
// to the key that address-based limits use: the IPv4 address, or the /64 of
// an IPv6 address, since one IPv6 host usually holds a whole /64.
func ClientAddress(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	host = strings.Trim(host, "[]")
	ip := net.ParseIP(host)
	if ip == nil {
		return host
	}
	if v4 := ip.To4(); v4 != nil {
		return v4.String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}
