package processlog

// Fresco's own log, kept in memory while it is unchanged. At a million
// customers reading it (50,000 cases, 280,000 events, their employees and
// locations) costs about two seconds of CPU, which every view of the
// Process page and of a map's real process used to pay. The log is kept
// with the process_marks Log mark (migration 00069) read before it was
// read, and used again only while the mark reads the same: the mark moves
// with every write to a case, its events, a follow-up, a call task or an
// employee's or location's name, so a kept log is never older than the
// database. One read at a time: concurrent views of a changed log wait for
// one reading rather than each reading it.

import (
	"context"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/memo"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/store"
)

// OwnWork is the whole of Fresco's own log as read once: read-only, shared
// by every view that asks while it is current.
type OwnWork struct {
	mark    int64                // the Log mark read before it
	traces  []eventlog.Trace     // cases, then follow-ups, then call tasks, each in id order
	starts  []time.Time          // per trace: when its work started (WorkTrail.Start)
	startOf map[string]time.Time // by case id, for filtering the prepared log
	log     *mining.Log          // all traces prepared for mining
	events  int
}

// Started returns the traces whose work started in [from, to) (zero
// leaves a side open), as OwnTraces would read them. They are shared:
// read-only.
func (w *OwnWork) Started(from, to time.Time) []eventlog.Trace {
	if from.IsZero() && to.IsZero() {
		return w.traces
	}
	var out []eventlog.Trace
	for i, at := range w.starts {
		if (from.IsZero() || !at.Before(from)) && (to.IsZero() || at.Before(to)) {
			out = append(out, w.traces[i])
		}
	}
	return out
}

// prepared is the work that started before to (zero: all), prepared for
// mining: it shares the kept log's cases.
func (w *OwnWork) prepared(to time.Time) *mining.Log {
	if to.IsZero() {
		return w.log
	}
	return w.log.Filter(func(t *eventlog.Trace) bool { return w.startOf[t.Case].Before(to) })
}

// Own returns Fresco's own work — from memory while the log is unchanged
// — and the process marks read before it, which any result worked out
// from it may be kept with.
func (s *Service) Own(ctx context.Context, actor Actor) (*OwnWork, store.ProcessMarks, error) {
	if err := mayRead(actor); err != nil {
		return nil, store.ProcessMarks{}, err
	}
	marks, err := s.db.ProcessMarks(ctx)
	if err != nil {
		return nil, marks, err
	}
	w, err := s.own.get(ctx, marks.Log, s.opts.CacheEvents, func() (*OwnWork, error) { return s.readOwn(ctx, marks.Log) })
	if err != nil {
		return nil, marks, err
	}
	marks.Log = w.mark // a later reading serves an earlier mark: key results by what they were worked out from
	return w, marks, nil
}

// readOwn reads the whole own log; mark is the Log mark read before.
func (s *Service) readOwn(ctx context.Context, mark int64) (*OwnWork, error) {
	var c collector
	w := &OwnWork{mark: mark, startOf: map[string]time.Time{}}
	err := s.ownLog(ctx, OwnFilter{}, func(t *eventlog.Trace, start time.Time) error {
		w.starts = append(w.starts, start)
		w.startOf[t.Case] = start
		w.events += len(t.Events)
		return c.add(t)
	})
	if err != nil {
		return nil, err
	}
	w.traces = c.traces
	w.log = prepare(w.traces)
	return w, nil
}

// ownCache keeps the own log last read and the Log mark it was read at;
// nil keeps nothing (Options.CacheEvents below zero).
type ownCache struct {
	mu  sync.Mutex
	cur *ownRead
}

// ownRead is one reading of the log, in progress until its work is done.
type ownRead struct {
	*memo.Work[*OwnWork]
	mark int64
}

// get returns the log read at mark, reading it with read unless it is kept
// or being read. A log of more than budget events is not kept.
func (c *ownCache) get(ctx context.Context, mark int64, budget int, read func() (*OwnWork, error)) (*OwnWork, error) {
	if c == nil {
		return read()
	}
	return memo.Share(ctx, func() (*memo.Work[*OwnWork], bool) {
		r, mine := c.reading(mark)
		return r.Work, mine
	}, read, func(w *memo.Work[*OwnWork]) { c.finish(w, budget) })
}

// reading returns the reading at mark or a later one, and true when the
// caller is to do it. A reading at an earlier mark is dropped: the marks
// only move forward.
func (c *ownCache) reading(mark int64) (*ownRead, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.cur; r != nil && r.mark >= mark {
		return r, false // a reading at a later mark is newer than the caller asked
	}
	c.cur = &ownRead{Work: memo.New[*OwnWork](), mark: mark}
	return c.cur, true
}

// finish drops a failed or too big reading so that the next view reads
// again.
func (c *ownCache) finish(w *memo.Work[*OwnWork], budget int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if (w.Err() != nil || w.Value().events > budget) && c.cur != nil && c.cur.Work == w {
		c.cur = nil
	}
}

// Caches reports whether the service keeps logs in memory (Options.CacheEvents
// not below zero): what is worked out from them may then be kept too.
func (s *Service) Caches() bool { return s.own != nil }
