package value

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"sync/atomic"

	"github.com/fresco-cx/fresco/internal/store"
)

// The views (summary, Pareto curve, segment table) aggregate the whole of
// customer_value, which changes only when a refit replaces it, so each
// result is kept until the next refit. Every request first reads the
// identity of the refit in the database (store.CurrentCustomerValueRefit:
// two index lookups) and is served from memory when it matches; reading it
// each time, rather than clearing the cache when this process refits, is
// what makes a refit on another replica show at once.
//
// Results are kept in memory, per process, per view and parameters; the
// parameters come from the query string, so the number of entries is
// bounded and the least recently used entry goes first. Identical requests
// arriving while a view is being computed wait for that computation instead
// of running the same aggregates again.
//
// One figure is not purely the refit's: the summary's referral value joins
// customers.referred_by, which editing a customer can change between
// refits. Cached, it is as of the first request after the refit — until
// the next refit, like the per-customer referral figures, which are as of
// the refit itself.

// maxCachedViews bounds the cache. The /value page asks for three entries;
// API clients choosing their own bins, points and top get the rest.
const maxCachedViews = 64

// errViewPanicked is what waiting requests get when the computation they
// waited for panicked (the panic itself goes up the computing request).
var errViewPanicked = errors.New("value: computing the view panicked")

// viewCache holds view results of one refit each.
type viewCache struct {
	currentRefit func(context.Context) (store.CustomerValueRefit, error)
	max          int

	mu      sync.Mutex
	entries map[string]*list.Element // view → element of recent, holding a *cachedView
	recent  *list.List               // most recently used first
	flights map[flightKey]*flight    // views being computed

	// computed and joined count views computed and requests that waited
	// for another's computation; tests read them (export_test.go).
	computed atomic.Int64
	joined   atomic.Int64
	// beforeCompute, when set (by tests only), runs before each computation.
	beforeCompute func()
}

// cachedView is one view's result for one refit.
type cachedView struct {
	view   string
	refit  store.CustomerValueRefit
	result any
}

// flightKey names a computation: a view of one refit. The refit is part of
// it so that a request that has seen a new refit never waits for, and is
// never given, a result computed for the old one.
type flightKey struct {
	view  string
	refit store.CustomerValueRefit
}

// flight is one computation in progress; done is closed when result and
// err are set.
type flight struct {
	done   chan struct{}
	result any
	err    error
}

func newViewCache(currentRefit func(context.Context) (store.CustomerValueRefit, error), max int) *viewCache {
	return &viewCache{currentRefit: currentRefit, max: max,
		entries: map[string]*list.Element{}, recent: list.New(), flights: map[flightKey]*flight{}}
}

// cached returns view's result for the current refit: from the cache,
// from a computation already under way, or from compute. view must name the
// view and every parameter that changes its result. The result is shared:
// callers hand out copies.
func cached[T any](ctx context.Context, c *viewCache, view string, compute func(context.Context) (T, error)) (T, error) {
	result, err := c.get(ctx, view, func(ctx context.Context) (any, error) { return compute(ctx) })
	if err != nil {
		var zero T
		return zero, err
	}
	return result.(T), nil
}

func (c *viewCache) get(ctx context.Context, view string, compute func(context.Context) (any, error)) (any, error) {
	// Read before computing: the result then comes from this refit or a
	// later one, never an earlier one, so an entry can only be newer than
	// its key says.
	refit, err := c.currentRefit(ctx)
	if err != nil {
		return nil, err
	}
	key := flightKey{view, refit}
	for {
		c.mu.Lock()
		if result, ok := c.lookup(key); ok {
			c.mu.Unlock()
			return result, nil
		}
		if f, ok := c.flights[key]; ok {
			c.mu.Unlock()
			c.joined.Add(1)
			result, retry, err := f.wait(ctx)
			if retry {
				continue
			}
			return result, err
		}
		f := &flight{done: make(chan struct{})}
		c.flights[key] = f
		c.mu.Unlock()
		return c.lead(ctx, key, f, compute)
	}
}

// lookup returns the cached result of key's view if it is of key's refit,
// marking it recently used. c.mu must be held.
func (c *viewCache) lookup(key flightKey) (any, bool) {
	e, ok := c.entries[key.view]
	if !ok {
		return nil, false
	}
	v := e.Value.(*cachedView)
	if v.refit != key.refit {
		return nil, false
	}
	c.recent.MoveToFront(e)
	return v.result, true
}

// lead computes key's view for the requests waiting on f, and keeps the
// result unless it is an error. Deferred so that a panic still releases
// the waiting requests (with errViewPanicked, which stays in f.err because
// the assignment from compute never happens).
func (c *viewCache) lead(ctx context.Context, key flightKey, f *flight, compute func(context.Context) (any, error)) (any, error) {
	defer func() {
		c.mu.Lock()
		delete(c.flights, key)
		if f.err == nil {
			c.store(key, f.result)
		}
		c.mu.Unlock()
		close(f.done)
	}()
	c.computed.Add(1)
	if c.beforeCompute != nil {
		c.beforeCompute()
	}
	f.err = errViewPanicked
	f.result, f.err = compute(ctx)
	return f.result, f.err
}

// store keeps result as key's view, replacing the view's entry of another
// refit, and drops the least recently used entries beyond the bound. A slow
// computation of an earlier refit may so replace a later refit's entry: the
// next request computes again, a wasted computation but never a stale
// answer, since lookup compares the refit. c.mu must be held.
func (c *viewCache) store(key flightKey, result any) {
	v := &cachedView{view: key.view, refit: key.refit, result: result}
	if e, ok := c.entries[key.view]; ok {
		e.Value = v
		c.recent.MoveToFront(e)
		return
	}
	c.entries[key.view] = c.recent.PushFront(v)
	for c.recent.Len() > c.max {
		oldest := c.recent.Back()
		c.recent.Remove(oldest)
		delete(c.entries, oldest.Value.(*cachedView).view)
	}
}

// wait returns f's outcome, or ctx's error if ctx ends first. retry is true
// when the computing request gave up because its own context ended while
// this one's is still live: this request then computes the view itself
// rather than fail for somebody else's disconnect.
func (f *flight) wait(ctx context.Context) (result any, retry bool, err error) {
	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, false, ctx.Err()
	}
	if isContextError(f.err) && ctx.Err() == nil {
		return nil, true, nil
	}
	return f.result, false, f.err
}

func isContextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// len is the number of entries, for tests.
func (c *viewCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.recent.Len()
}
