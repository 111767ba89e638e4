// Package mining computes what process mining shows of an event log: the directly-follows
// graph with counts and waiting times, start and end activities, activity frequencies,
// variants, throughput times, handovers between people and roles, rework, filters by period
// and case attribute, and the conformance of cases to a designed flow.
//
// It is a pure engine (no database, no HTTP). Use it in three steps:
//
//	raw, err := eventlog.ReadFile("log.xes.gz", eventlog.Options{})
//	l := mining.New(raw)                         // prepare once: lifecycle filter, order by time
//	l = l.FilterPeriod(from, to, mining.Intersecting).FilterAttr("region", "north")
//	dfg := l.DFG(mining.DFGOptions{})             // or Stats, Variants, Activities, …
//
// The semantics follow PM4Py, the reference implementation, so that counts agree with it:
//
//   - When any event of the log has lifecycle:transition, only events whose transition is
//     "complete" are used (events without one count as complete); otherwise every event is.
//   - A complete event gets the time of its activity's matching start event (the first one
//     not yet taken, before it in the case) as Event.Start, unless the log gave one (a CSV
//     start_timestamp column).
//   - A case's events are ordered by timestamp with a stable sort: ties keep file order, and
//     events without a timestamp go after those with one, in file order.
//   - Cases left without events are dropped.
//   - A variant is a case's activity sequence in that order; the directly-follows graph counts
//     every consecutive pair of each case; start and end activities are counted per case.
//   - Waiting on an arc runs from the first event's time to the second's start when it has one
//     (start_timestamp), else to its time; a wait below zero (overlapping work) counts as 0.
//   - Median and p90 are numpy's (linear interpolation between the closest ranks).
//
// A *Log is read-only after New: every method and filter may be called concurrently, and
// filters return a new *Log sharing the events.
package mining

import (
	"math"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
)

// Log is an event log prepared for mining.
type Log struct {
	// Cases are the cases mined, in file order, each with its events in mining order
	// (see the package comment). Read-only.
	Cases []eventlog.Trace
	names []string         // activity id → name
	ids   map[string]int32 // name → activity id
	seqs  [][]int32        // per case: activity ids in order

	variantsOnce sync.Once
	variants     [][]int // case indexes per variant, by first appearance (variantGroups)
}

// New prepares a log read by internal/eventlog for mining. It takes the log over: events are
// filtered and reordered in place, so do not use raw's traces afterwards.
func New(raw *eventlog.Log) *Log {
	return FromTraces(raw.Traces, raw.HasLifecycle)
}

// FromTraces prepares traces for mining, as New does; hasLifecycle says whether the log
// carries lifecycle:transition (then only complete events are kept). Fresco's own log (cases,
// follow-ups) comes this way. The traces' events are filtered and reordered in place.
func FromTraces(traces []eventlog.Trace, hasLifecycle bool) *Log {
	cases := make([]eventlog.Trace, 0, len(traces))
	for _, t := range traces {
		evs := t.Events
		if hasLifecycle {
			pairStarts(evs)
			evs = completeOnly(evs)
		}
		if len(evs) == 0 {
			continue
		}
		if !sortedByTime(evs) {
			slices.SortStableFunc(evs, compareTime)
		}
		t.Events = evs
		cases = append(cases, t)
	}
	return encode(cases)
}

// pairStarts gives each complete event without a Start the time of the first start event of
// the same activity before it in the case not yet taken (first in, first out), as PM4Py pairs
// lifecycle events into intervals. Events are in file order here.
func pairStarts(evs []eventlog.Event) {
	var open map[string][]time.Time
	for i := range evs {
		e := &evs[i]
		switch e.Lifecycle {
		case "start":
			if e.Time.IsZero() {
				continue
			}
			if open == nil {
				open = map[string][]time.Time{}
			}
			open[e.Activity] = append(open[e.Activity], e.Time)
		case "", "complete":
			if q := open[e.Activity]; len(q) > 0 {
				if e.Start.IsZero() {
					e.Start = q[0]
				}
				open[e.Activity] = q[1:]
			}
		}
	}
}

// completeOnly drops the events whose lifecycle transition is other than complete, in place
// (copying nothing when there is none to drop).
func completeOnly(evs []eventlog.Event) []eventlog.Event {
	for i := range evs {
		if l := evs[i].Lifecycle; l != "" && l != "complete" {
			kept := evs[:i]
			for _, e := range evs[i+1:] {
				if e.Lifecycle == "" || e.Lifecycle == "complete" {
					kept = append(kept, e)
				}
			}
			return kept
		}
	}
	return evs
}

// compareTime orders events by time, missing times last.
func compareTime(a, b eventlog.Event) int {
	az, bz := a.Time.IsZero(), b.Time.IsZero()
	switch {
	case az && bz:
		return 0
	case az:
		return 1
	case bz:
		return -1
	}
	return a.Time.Compare(b.Time)
}

func sortedByTime(evs []eventlog.Event) bool {
	for i := 1; i < len(evs); i++ {
		if compareTime(evs[i-1], evs[i]) > 0 {
			return false
		}
	}
	return true
}

// encode builds the activity table and each case's sequence of activity ids.
func encode(cases []eventlog.Trace) *Log {
	l := &Log{Cases: cases, ids: map[string]int32{}}
	total := 0
	for i := range cases {
		total += len(cases[i].Events)
	}
	flat := make([]int32, 0, total)
	l.seqs = make([][]int32, len(cases))
	for i := range cases {
		start := len(flat)
		for j := range cases[i].Events {
			a := cases[i].Events[j].Activity
			id, ok := l.ids[a]
			if !ok {
				id = int32(len(l.names))
				l.ids[a] = id
				l.names = append(l.names, a)
			}
			flat = append(flat, id)
		}
		l.seqs[i] = flat[start:len(flat):len(flat)]
	}
	return l
}

// subset is the log of the cases at the given indexes (their sequences reused).
func (l *Log) subset(keep []int) *Log {
	n := &Log{Cases: make([]eventlog.Trace, len(keep)), seqs: make([][]int32, len(keep)), names: l.names, ids: l.ids}
	for k, i := range keep {
		n.Cases[k], n.seqs[k] = l.Cases[i], l.seqs[i]
	}
	return n
}

// Stats is a log's size and span.
type Stats struct {
	Cases      int
	Events     int
	Activities int
	Variants   int
	Start, End time.Time // first and last event time; zero when no event has one
}

// Stats counts cases, events, distinct activities and variants, and finds the time span.
func (l *Log) Stats() Stats {
	s := Stats{Cases: len(l.Cases)}
	seen := make([]bool, len(l.names))
	for i, c := range l.Cases {
		s.Events += len(c.Events)
		for _, a := range l.seqs[i] {
			if !seen[a] {
				seen[a] = true
				s.Activities++
			}
		}
		for _, e := range c.Events {
			if e.Time.IsZero() {
				continue
			}
			if s.Start.IsZero() || e.Time.Before(s.Start) {
				s.Start = e.Time
			}
			if e.Time.After(s.End) {
				s.End = e.Time
			}
		}
	}
	s.Variants = len(l.variantGroups())
	return s
}

// Percentile is numpy's percentile with linear interpolation (q in [0, 1]) of sorted values;
// NaN for none.
func Percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	if lo >= n-1 {
		return sorted[n-1]
	}
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[lo+1]-sorted[lo])
}

// Summary is the distribution of durations, in seconds.
type Summary struct {
	N                      int
	Mean, Median, P90, Max float64
}

// summarize sorts xs in place and describes it; zero Summary for none.
func summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	sort.Float64s(xs)
	sum := 0.0
	for _, x := range xs {
		sum += x
	}
	return Summary{N: len(xs), Mean: sum / float64(len(xs)), Median: Percentile(xs, 0.5), P90: Percentile(xs, 0.9), Max: xs[len(xs)-1]}
}

// Count is a name with how often it happened.
type Count struct {
	Name  string
	Count int
}
