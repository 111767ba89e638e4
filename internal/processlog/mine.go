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
	var traces []eventlog.Trace
	var err error
	if q.Own {
		// Work that started by To; FilterPeriod below keeps what touches [From, To].
		traces, err = s.OwnTraces(ctx, actor, OwnFilter{To: endOfQuery(q.To)})
	} else {
		if _, err = s.Get(ctx, actor, q.ID); err != nil {
			return nil, err
		}
		traces, err = s.StoredTraces(ctx, actor, q.ID)
	}
	if err != nil {
		return nil, err
	}
	hasLifecycle := false
	for i := range traces {
		for _, e := range traces[i].Events {
			if e.Lifecycle != "" {
				hasLifecycle = true
				break
			}
		}
	}
	l := mining.FromTraces(traces, hasLifecycle)
	if !q.From.IsZero() || !q.To.IsZero() {
		l = l.FilterPeriod(q.From, q.To, mining.Intersecting)
	}
	for _, c := range conds {
		l = l.FilterAttr(c.key, c.value)
	}
	return &Mined{Log: l, DFG: opt}, nil
}

func endOfQuery(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(time.Nanosecond)
}
