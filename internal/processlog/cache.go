package processlog

// Stored logs prepared for mining, kept in memory. A stored log never
// changes once stored, so the Process page's live redraws (every filter,
// every view) can mine the same prepared *mining.Log instead of reading and
// parsing up to MaxEvents rows again: a *mining.Log is read-only and its
// filters return new logs sharing its events.
//
// Nothing here can serve a stale log: each use first reads the log's row
// (Mine does, for the rights check), and an entry is used only when the row
// is the one it was read for — same id, name, size and import time — so a
// log deleted by another replica, or an id SQLite reuses after a deletion,
// is read afresh. Delete also drops its entry here, to free the memory.
// Fresco's own log is kept apart, by its process mark (owncache.go).

import (
	"container/list"
	"context"
	"sync"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/memo"
	"github.com/fresco-cx/fresco/internal/mining"
)

// CacheEvents is the default of Options.CacheEvents: one log of the largest
// size stored, or several smaller ones (about 120 bytes an event).
const CacheEvents = MaxEvents

// cacheKey is what identifies one stored log's content: its row.
type cacheKey struct {
	id             int64
	name           string
	cases, events  int
	importedAtNano int64
}

func keyOf(l *fresco.EventLog) cacheKey {
	return cacheKey{id: l.ID, name: l.Name, cases: l.Cases, events: l.Events, importedAtNano: l.ImportedAt.UnixNano()}
}

// cached is one log, loading until its work is done.
type cached struct {
	*memo.Work[*mining.Log]
	key  cacheKey
	elem *list.Element
}

// logCache keeps prepared logs, least recently used dropped first, with at
// most budget events in all. Concurrent requests for a log not yet loaded
// wait for one load rather than each reading it.
type logCache struct {
	mu     sync.Mutex
	budget int
	used   int
	lru    list.List // of *cached, most recent at the front
	byID   map[int64]*cached
}

// newLogCache returns a cache of budget events; nil, caching nothing, when
// budget is below zero.
func newLogCache(budget int) *logCache {
	if budget < 0 {
		return nil
	}
	return &logCache{budget: budget, byID: map[int64]*cached{}}
}

// get returns the prepared log of the row l, loading it with load when it
// is not held. A log bigger than the whole budget is loaded and not kept.
func (c *logCache) get(ctx context.Context, l *fresco.EventLog, load func() (*mining.Log, error)) (*mining.Log, error) {
	if c == nil || l.Events > c.budget {
		return load()
	}
	key := keyOf(l)
	return memo.Share(ctx, func() (*memo.Work[*mining.Log], bool) {
		e, mine := c.entry(key)
		return e.Work, mine
	}, load, func(w *memo.Work[*mining.Log]) { c.finish(key, w) })
}

// entry returns key's entry, and true when the caller is to load it.
func (c *logCache) entry(key cacheKey) (*cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byID[key.id]; e != nil {
		if e.key == key {
			c.lru.MoveToFront(e.elem)
			return e, false
		}
		c.remove(e) // another log that had this id
	}
	e := &cached{Work: memo.New[*mining.Log](), key: key}
	e.elem = c.lru.PushFront(e)
	c.byID[key.id] = e
	c.used += key.events
	for c.used > c.budget {
		c.remove(c.lru.Back().Value.(*cached))
	}
	return e, true
}

// finish drops a failed load so the next view loads again.
func (c *logCache) finish(key cacheKey, w *memo.Work[*mining.Log]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byID[key.id]; w.Err() != nil && e != nil && e.Work == w {
		c.remove(e)
	}
}

// evict drops log id's entry.
func (c *logCache) evict(id int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.byID[id]; e != nil {
		c.remove(e)
	}
}

// remove drops e; whoever is loading or waiting on it still gets its log.
func (c *logCache) remove(e *cached) {
	c.lru.Remove(e.elem)
	delete(c.byID, e.key.id)
	c.used -= e.key.events
}

// holds reports whether log id is held (loaded or loading), for tests.
func (c *logCache) holds(id int64) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byID[id] != nil
}
