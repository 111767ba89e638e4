package processmap

// The real process of Fresco's own log on a map, kept in memory. Laying
// the own log over a map and joining its fail points to their customers'
// outcomes costs seconds at a million customers (50,000 cases: the mining,
// then reading each case's customer's cases, gestures, NPS answers and
// P(alive)); the map's page and its mined and conformance endpoints would
// each pay it on every view. An overlay is kept with what it was worked
// out from — the map's version, the period, the process marks (migration
// 00069: Log moves with every write to the own log, Outcomes with every
// write to gestures and to case customers' NPS answers) and the refit in
// customer_value — all read before the work, so an overlay kept is used
// only while none of them has moved: never stale. Concurrent views of an
// overlay not yet kept wait for one working out.

import (
	"context"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/memo"
	"github.com/fresco-cx/fresco/internal/store"
)

// overlayEntries bounds the overlays kept: a map's page in a few periods,
// for a few maps. Each holds its figures and conformance, not the cases.
const overlayEntries = 32

type overlayKey struct {
	mapID, version int64
	log, from, to  string
	marks          store.ProcessMarks
	refit          store.CustomerValueRefit
}

// overlayWork is one overlay, being worked out until its work is done.
type overlayWork struct {
	*memo.Work[*Overlay]
	seq uint64 // when it was asked for first, to drop the oldest
}

type overlayCache struct {
	mu   sync.Mutex
	seq  uint64
	kept map[overlayKey]*overlayWork
}

// ownOverlay is Overlay of Fresco's own log: from memory while nothing it
// is worked out from has changed.
func (s *Service) ownOverlay(ctx context.Context, a Actor, m *fresco.ProcessMap, q OverlayQuery) (*Overlay, error) {
	own, marks, err := s.logs.Own(ctx, a)
	if err != nil {
		return nil, err
	}
	work := func() (*Overlay, error) {
		// Fresco's own log is chosen by when the work started.
		o := Mine(m, own.Started(q.From, q.To), false, q)
		o.Log, o.Own = OwnLog, true
		if err := s.outcomes(ctx, m, o); err != nil {
			return nil, err
		}
		o.cases = nil // joined: not needed again, and the largest part
		return o, nil
	}
	if s.overlays == nil {
		return work()
	}
	refit, err := s.db.CurrentCustomerValueRefit(ctx)
	if err != nil {
		return nil, err
	}
	key := overlayKey{mapID: m.ID, version: m.Version, log: q.Log, from: timeKey(q.From), to: timeKey(q.To), marks: marks, refit: refit}
	return s.overlays.get(ctx, key, work)
}

func timeKey(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// get returns key's overlay, working it out with work unless it is kept
// or being worked out.
func (c *overlayCache) get(ctx context.Context, key overlayKey, work func() (*Overlay, error)) (*Overlay, error) {
	return memo.Share(ctx, func() (*memo.Work[*Overlay], bool) {
		w, mine := c.entry(key)
		return w.Work, mine
	}, work, func(w *memo.Work[*Overlay]) { c.finish(key, w) })
}

// entry returns key's entry, and true when the caller is to work it out.
// Making room drops first the overlays of other marks or refits — they
// will not be asked for again — then the oldest.
func (c *overlayCache) entry(key overlayKey) (*overlayWork, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if w := c.kept[key]; w != nil {
		return w, false
	}
	if len(c.kept) >= overlayEntries {
		for k := range c.kept {
			if k.marks != key.marks || k.refit != key.refit {
				delete(c.kept, k)
			}
		}
	}
	for len(c.kept) >= overlayEntries {
		var oldest overlayKey
		var at uint64 = ^uint64(0)
		for k, w := range c.kept {
			if w.seq < at {
				oldest, at = k, w.seq
			}
		}
		delete(c.kept, oldest)
	}
	c.seq++
	w := &overlayWork{Work: memo.New[*Overlay](), seq: c.seq}
	c.kept[key] = w
	return w, true
}

// finish drops a failed working out so that the next view tries again.
func (c *overlayCache) finish(key overlayKey, w *memo.Work[*Overlay]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if kept := c.kept[key]; w.Err() != nil && kept != nil && kept.Work == w {
		delete(c.kept, key)
	}
}
