package processlog

import (
	"context"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
)

// Query chooses a log to mine and the part of it: the mining API and the
// Process page read through it.
type Query struct {
	Own bool  // Fresco's own work (OwnLog) rather than a stored log
	ID  int64 // the stored log, when not Own
	// From and To keep the cases with any event in [From, To] (Disco's
	// "intersecting" timeframe); zero leaves that side open.
	From, To time.Time
	// Where keeps the cases whose attribute has the value: "location:Harbour".
	// Several keep the cases matching all.
	Where []string
	// BusinessHours, "09:00-17:00" Monday to Friday in TZ, adds business-hours
	// waits to the arcs; "" measures wall-clock time only.
	BusinessHours, TZ string
}

// Mined is a log ready to mine, with the DFG options the query asked for.
type Mined struct {
	Log *mining.Log
	DFG mining.DFGOptions
	// Kept: Log is a log kept in memory, unfiltered, the same pointer for
	// every view while the log is unchanged — what is worked out from it
	// may be kept with it (the Process page's drawing).
	Kept bool
}

// Mine reads the log q names, filtered. Bad filters are a 422 naming the
// query field (where, business_hours).
func (s *Service) Mine(ctx context.Context, actor Actor, q Query) (*Mined, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	var v fresco.Validation
	type cond struct{ key, value string }
	var conds []cond
	for _, w := range q.Where {
		k, val, ok := strings.Cut(w, ":")
		if !ok || strings.TrimSpace(k) == "" {
			v.Add("where", "%q: want attribute:value, e.g. location:Harbour", w)
			continue
		}
		conds = append(conds, cond{strings.TrimSpace(k), strings.TrimSpace(val)})
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		v.Add("to", "is before from")
	}
	var opt mining.DFGOptions
	if q.BusinessHours != "" {
		cal, err := mining.WeekdayHours(q.BusinessHours, q.TZ)
		if err != nil {
			v.Add("business_hours", "%v", err)
		}
		opt.Calendar = cal
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var l *mining.Log
	var err error
	if q.Own {
		l, err = s.ownPrepared(ctx, actor, q.To)
	} else {
		l, err = s.storedPrepared(ctx, actor, q.ID)
	}
	if err != nil {
		return nil, err
	}
	kept := s.Caches()
	if !q.From.IsZero() || !q.To.IsZero() {
		l, kept = l.FilterPeriod(q.From, q.To, mining.Intersecting), false
	}
	for _, c := range conds {
		l, kept = l.FilterAttr(c.key, c.value), false
	}
	return &Mined{Log: l, DFG: opt, Kept: kept}, nil
}

// storedPrepared is stored log id prepared for mining, from the cache when
// it holds the log (cache.go).
func (s *Service) storedPrepared(ctx context.Context, actor Actor, id int64) (*mining.Log, error) {
	row, err := s.Get(ctx, actor, id)
	if err != nil {
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			s.cache.evict(id) // deleted by another replica
		}
		return nil, err
	}
	return s.cache.get(ctx, row, func() (*mining.Log, error) {
		traces, err := s.StoredTraces(ctx, actor, id)
		if err != nil {
			return nil, err
		}
		return prepare(traces), nil
	})
}

// ownPrepared is Fresco's own work that started by to, prepared for
// mining: from memory while the log is unchanged (owncache.go).
func (s *Service) ownPrepared(ctx context.Context, actor Actor, to time.Time) (*mining.Log, error) {
	w, _, err := s.Own(ctx, actor)
	if err != nil {
		return nil, err
	}
	// Work that started by To; Mine's FilterPeriod keeps what touches [From, To].
	return w.prepared(endOfQuery(to)), nil
}

// prepare makes traces a log to mine, complete events only when any event
// has a lifecycle transition.
func prepare(traces []eventlog.Trace) *mining.Log {
	hasLifecycle := false
	for i := range traces {
		for _, e := range traces[i].Events {
			if e.Lifecycle != "" {
				hasLifecycle = true
				break
			}
		}
	}
	return mining.FromTraces(traces, hasLifecycle)
}

func endOfQuery(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(time.Nanosecond)
}
