package mining

import (
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
)

// Activity is how often an activity happens.
type Activity struct {
	Name   string
	Events int     // occurrences over all cases
	Cases  int     // cases with at least one
	Share  float64 // Cases / cases in the log
	// Duration is the time the activity took (Event.Start to its time), over the events with
	// both; zero N when none has a start.
	Duration Summary
}

// Activities lists activity frequencies by events descending, then name.
func (l *Log) Activities() []Activity {
	events := make([]int, len(l.names))
	cases := make([]int, len(l.names))
	last := make([]int, len(l.names))
	for i := range last {
		last[i] = -1
	}
	var durations map[int32][]float64
	for i, seq := range l.seqs {
		for j, a := range seq {
			events[a]++
			if last[a] != i {
				last[a] = i
				cases[a]++
			}
			if e := &l.Cases[i].Events[j]; !e.Start.IsZero() && !e.Time.IsZero() {
				if durations == nil {
					durations = map[int32][]float64{}
				}
				durations[a] = append(durations[a], max(0, e.Time.Sub(e.Start).Seconds()))
			}
		}
	}
	var out []Activity
	for a, n := range events {
		if n > 0 {
			out = append(out, Activity{Name: l.names[a], Events: n, Cases: cases[a], Share: float64(cases[a]) / float64(len(l.Cases)),
				Duration: summarize(durations[int32(a)])})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Events != out[j].Events {
			return out[i].Events > out[j].Events
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// CaseTime is one case's throughput time: from its first event to its last.
type CaseTime struct {
	Case       string
	Start, End time.Time
	Seconds    float64
	Events     int
}

// Throughput is the throughput time of every case with at least one timed event, in file
// order, and their summary.
type Throughput struct {
	Cases   []CaseTime
	Summary Summary
}

// Throughput measures each case from its first timed event to its last (PM4Py's case
// duration). Cases without a timed event are left out.
func (l *Log) Throughput() Throughput {
	var out Throughput
	secs := make([]float64, 0, len(l.Cases))
	for _, c := range l.Cases {
		first, last := timedSpan(c.Events)
		if first.IsZero() {
			continue
		}
		s := last.Sub(first).Seconds()
		out.Cases = append(out.Cases, CaseTime{Case: c.Case, Start: first, End: last, Seconds: s, Events: len(c.Events)})
		secs = append(secs, s)
	}
	out.Summary = summarize(secs)
	return out
}

// Dimension picks who did an event, for handovers.
type Dimension func(eventlog.Event) string

// The dimensions handovers are counted in.
var (
	ByResource Dimension = func(e eventlog.Event) string { return e.Resource }
	ByRole     Dimension = func(e eventlog.Event) string { return e.Role }
)

// Handover is work passed from one person (or role) to another: consecutive events of a case
// done by From then To.
type Handover struct {
	From, To string
	Count    int // handovers over all cases
	Cases    int // cases with at least one
	// MedianWaitS is the median time between the two events, over the timed pairs.
	MedianWaitS *float64
}

// Handovers counts the handovers of work (PM4Py's handover-of-work social network, as counts):
// each pair of consecutive events of a case whose dimension differs, both known (not "").
// Sorted by count descending, then from, to.
func (l *Log) Handovers(by Dimension) []Handover {
	type acc struct {
		count, cases, last int
		waits              []float64
	}
	m := map[[2]string]*acc{}
	for i, c := range l.Cases {
		for j := 1; j < len(c.Events); j++ {
			a, b := by(c.Events[j-1]), by(c.Events[j])
			if a == "" || b == "" || a == b {
				continue
			}
			k := [2]string{a, b}
			h := m[k]
			if h == nil {
				h = &acc{last: -1}
				m[k] = h
			}
			h.count++
			if h.last != i {
				h.last = i
				h.cases++
			}
			if t0, t1, ok := waitSpan(&c.Events[j-1], &c.Events[j]); ok {
				h.waits = append(h.waits, t1.Sub(t0).Seconds())
			}
		}
	}
	out := make([]Handover, 0, len(m))
	for k, h := range m {
		ho := Handover{From: k[0], To: k[1], Count: h.count, Cases: h.cases}
		if s := summarize(h.waits); s.N > 0 {
			ho.MedianWaitS = ptr(s.Median)
		}
		out = append(out, ho)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if out[i].From != out[j].From {
			return out[i].From < out[j].From
		}
		return out[i].To < out[j].To
	})
	return out
}

// Rework is an activity done more than once in a case.
type Rework struct {
	Activity string
	Cases    int      // cases doing it more than once
	Repeats  int      // occurrences beyond the first, over those cases
	Share    float64  // Cases / cases with the activity at all
	CaseIDs  []string // the cases, in file order
}

// Rework lists the activities repeated within a case, by cases descending, then name.
func (l *Log) Rework() []Rework {
	n := len(l.names)
	seen := make([]int, n) // occurrences in the current case
	withAct := make([]int, n)
	res := make([]*Rework, n)
	for i, seq := range l.seqs {
		for _, a := range seq {
			seen[a]++
		}
		for _, a := range seq {
			k := seen[a]
			if k == 0 {
				continue // already counted in this case
			}
			seen[a] = 0
			withAct[a]++
			if k > 1 {
				if res[a] == nil {
					res[a] = &Rework{Activity: l.names[a]}
				}
				res[a].Cases++
				res[a].Repeats += k - 1
				res[a].CaseIDs = append(res[a].CaseIDs, l.Cases[i].Case)
			}
		}
	}
	var out []Rework
	for a, r := range res {
		if r != nil {
			r.Share = float64(r.Cases) / float64(withAct[a])
			out = append(out, *r)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Cases != out[j].Cases {
			return out[i].Cases > out[j].Cases
		}
		return out[i].Activity < out[j].Activity
	})
	return out
}
