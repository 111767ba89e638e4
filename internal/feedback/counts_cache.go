package feedback

// The dashboard's counts kept in memory. On PostgreSQL at a million
// customers the feedback dashboard worked out, on every view, the same
// score distributions (overall, by month, by segment) and the driver
// counts (7,400 rollup rows spread over all 1,800 pages of the driver
// rollup) — the same for every viewer until an answer changes. So, as the home page's
// headlines (headlines_cache.go), the counts of a filter that selects by
// dates only are kept with the scores mark read before them: the mark
// moves with every write to the answers (their scored items are written
// with them) and with every rebuild of a rollup. Counts whose groups are
// named after rows that change without an answer (employees, locations,
// posts) are not kept: a rename would not move the mark. The listening
// posts' delay counts of whole days are kept too (wholeDayDelays).

import (
	"context"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/memo"
	"github.com/fresco-cx/fresco/internal/store"
)

// countsKey is what kept counts were worked out from, beside the mark.
type countsKey struct {
	from, to time.Time
	scale    string // "" for the driver counts
	by       string
}

// maxKept bounds a mark's entries: the dashboard asks for a dozen per
// filter, and each dates asked for is a filter.
const maxKept = 256

// keptByMark keeps what was worked out at the latest scores mark, by key:
// the home page's headlines (headlines_cache.go) and the counts here.
type keptByMark[K comparable, T any] struct {
	mu      sync.Mutex
	mark    int64
	entries map[K]*memo.Work[T]
}

// get returns what key gives at mark, working it out with work unless it
// is kept or being worked out.
func (c *keptByMark[K, T]) get(ctx context.Context, mark int64, key K, work func() (T, error)) (T, error) {
	return memo.Share(ctx, func() (*memo.Work[T], bool) { return c.claim(mark, key) }, work, func(w *memo.Work[T]) { c.finish(key, w) })
}

// claim returns the work for key and true when the caller is to do it.
// A later mark drops every entry (the marks only move forward); work at
// an earlier mark than the kept ones is done but not kept.
func (c *keptByMark[K, T]) claim(mark int64, key K) (*memo.Work[T], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if mark < c.mark {
		return memo.New[T](), true
	}
	if mark > c.mark || c.entries == nil || len(c.entries) >= maxKept {
		c.mark, c.entries = mark, map[K]*memo.Work[T]{}
	}
	if w, ok := c.entries[key]; ok {
		return w, false
	}
	w := memo.New[T]()
	c.entries[key] = w
	return w, true
}

// finish drops failed work so that the next view works it out again.
func (c *keptByMark[K, T]) finish(key K, w *memo.Work[T]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.Err() != nil && c.entries[key] == w {
		delete(c.entries, key)
	}
}

// liveKey marks a context whose counts are read from the database, never
// from memory: the tests' figures that kept ones must equal.
type liveKey struct{}

// keepable reports whether counts of f may be kept under ctx.
func keepable(ctx context.Context, f store.ResponseFilter) bool {
	return datesOnly(f) && ctx.Value(liveKey{}) == nil
}

// scoreCounts is the store's ScoreCounts, kept for a filter by dates only
// and a grouping whose groups are not named after other rows. The groups
// are shared: callers only read them.
func (s *Service) scoreCounts(ctx context.Context, f store.ResponseFilter, scale, by string) ([]*store.ScoreGroup, error) {
	read := func() ([]*store.ScoreGroup, error) { return s.db.Reports().ScoreCounts(ctx, f, scale, by) }
	switch by {
	case store.GroupNone, store.GroupSegment, store.GroupDay, store.GroupMonth:
	default:
		return read()
	}
	if !keepable(ctx, f) {
		return read()
	}
	mark, err := s.db.ScoresMark(ctx)
	if err != nil {
		return nil, err
	}
	return s.scores.get(ctx, mark, countsKey{from: f.From, to: f.To, scale: scale, by: by}, read)
}

// driverCounts is the store's DriverCounts, kept for a filter by dates
// only.
func (s *Service) driverCounts(ctx context.Context, f store.ResponseFilter) ([]store.DriverCount, error) {
	read := func() ([]store.DriverCount, error) { return s.db.Reports().DriverCounts(ctx, f) }
	if !keepable(ctx, f) {
		return read()
	}
	mark, err := s.db.ScoresMark(ctx)
	if err != nil {
		return nil, err
	}
	return s.drivers.get(ctx, mark, countsKey{from: f.From, to: f.To}, read)
}

// wholeDayDelays is the store's WholeDayDelays, kept: the listening posts
// page and /feedback read them for the same days on every view, from
// feedback_delay_daily rows spread over many pages (most of those pages'
// database time on PostgreSQL at a million customers). The delay rollup
// changes with an insert or delete of a response and an update of its
// time, purchase time or post, which move the scores mark (00074, 00079),
// and with a rebuild, which moves it too.
func (s *Service) wholeDayDelays(ctx context.Context, d1, d2 time.Time) ([]store.DelayCount, error) {
	read := func() ([]store.DelayCount, error) { return s.db.WholeDayDelays(ctx, d1, d2) }
	if ctx.Value(liveKey{}) != nil {
		return read()
	}
	mark, err := s.db.ScoresMark(ctx)
	if err != nil {
		return nil, err
	}
	return s.delays.get(ctx, mark, countsKey{from: d1, to: d2}, read)
}
