package mining

import (
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
)

// PeriodMode says which cases a period keeps (PM4Py's filter_time_range modes, Disco's
// timeframe filter).
type PeriodMode int

// Period modes.
const (
	// Contained keeps the cases that start and end within the period.
	Contained PeriodMode = iota
	// Intersecting keeps the cases with any part in the period (start ≤ to and end ≥ from).
	Intersecting
	// StartedIn keeps the cases whose first event falls in the period.
	StartedIn
	// CompletedIn keeps the cases whose last event falls in the period.
	CompletedIn
	// TrimEvents keeps only the events within the period (and the cases left with any).
	TrimEvents
)

// FilterPeriod keeps the cases (or events, TrimEvents) of the period [from, to], both ends
// included; a zero from or to leaves that side open. Cases without a timed event are dropped.
func (l *Log) FilterPeriod(from, to time.Time, mode PeriodMode) *Log {
	in := func(t time.Time) bool {
		return !t.IsZero() && (from.IsZero() || !t.Before(from)) && (to.IsZero() || !t.After(to))
	}
	if mode == TrimEvents {
		var cases []eventlog.Trace
		for _, c := range l.Cases {
			var evs []eventlog.Event
			for _, e := range c.Events {
				if in(e.Time) {
					evs = append(evs, e)
				}
			}
			if len(evs) > 0 {
				c.Events = evs
				cases = append(cases, c)
			}
		}
		return encode(cases)
	}
	return l.Filter(func(c *eventlog.Trace) bool {
		first, last := timedSpan(c.Events)
		if first.IsZero() {
			return false
		}
		switch mode {
		case Contained:
			return in(first) && in(last)
		case Intersecting:
			return (to.IsZero() || !first.After(to)) && (from.IsZero() || !last.Before(from))
		case StartedIn:
			return in(first)
		case CompletedIn:
			return in(last)
		}
		return false
	})
}

// FilterAttr keeps the cases whose attribute key has one of values.
func (l *Log) FilterAttr(key string, values ...string) *Log {
	set := make(map[string]bool, len(values))
	for _, v := range values {
		set[v] = true
	}
	return l.Filter(func(c *eventlog.Trace) bool {
		v, ok := c.Attrs[key]
		return ok && set[v]
	})
}

// Filter keeps the cases keep says yes to.
func (l *Log) Filter(keep func(*eventlog.Trace) bool) *Log {
	var idx []int
	for i := range l.Cases {
		if keep(&l.Cases[i]) {
			idx = append(idx, i)
		}
	}
	return l.subset(idx)
}

// timedSpan is the first and last event time of a case's events in mining order (untimed
// events last); zero when none has a time.
func timedSpan(evs []eventlog.Event) (first, last time.Time) {
	for i := range evs {
		if t := evs[i].Time; !t.IsZero() {
			if first.IsZero() {
				first = t
			}
			last = t
		}
	}
	return first, last
}
