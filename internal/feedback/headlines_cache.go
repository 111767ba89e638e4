package feedback

// The home page's headlines kept in memory. At a million customers
// working them out reads a few thousand rows of the score rollups, about
// 20 ms of CPU, on every view of the home page of an owner, a manager or
// an analyst (and of /login, which sends a signed-in person there). They
// are the same for every viewer and change only when an answer does, so
// the last ones worked out are kept with the scores mark (migration
// 00074) read before: the mark moves with every write to the answers the
// rollups count and with every rebuild of a rollup, so kept headlines are
// never older than the database. Concurrent views of changed headlines
// wait for one working out rather than each doing it.

import (
	"context"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/memo"
)

// headlinesKey is what kept headlines were worked out from: the scores
// mark read before, and the two periods.
type headlinesKey struct {
	mark        int64
	now, before [2]time.Time
}

// headlinesCache keeps the headlines last worked out.
type headlinesCache struct {
	mu  sync.Mutex
	cur *headlinesWork
}

// headlinesWork is one working out of the headlines, in progress until
// its work is done.
type headlinesWork struct {
	*memo.Work[Headlines]
	key headlinesKey
}

// get returns the headlines of key, working them out with work unless
// they are kept or being worked out.
func (c *headlinesCache) get(ctx context.Context, key headlinesKey, work func() (Headlines, error)) (Headlines, error) {
	return memo.Share(ctx, func() (*memo.Work[Headlines], bool) {
		w, mine := c.claim(key)
		return w.Work, mine
	}, work, c.finish)
}

// claim returns the work for key — kept, or at a later mark of the same
// periods — and true when the caller is to do it. Work at an earlier mark
// or of other periods (yesterday's) is dropped: the marks only move
// forward, and the periods with the days.
func (c *headlinesCache) claim(key headlinesKey) (*headlinesWork, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w := c.cur; w != nil && w.key.now == key.now && w.key.before == key.before && w.key.mark >= key.mark {
		return w, false
	}
	c.cur = &headlinesWork{Work: memo.New[Headlines](), key: key}
	return c.cur, true
}

// finish drops failed work so that the next view works them out again.
func (c *headlinesCache) finish(w *memo.Work[Headlines]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.Err() != nil && c.cur != nil && c.cur.Work == w {
		c.cur = nil
	}
}
