package mining

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/sla"
)

// Calendar gives the working time between two instants (from ≤ to): business-hours waiting
// is measured with it. BusinessHours makes one from an SLA calendar.
type Calendar func(from, to time.Time) time.Duration

// BusinessHours is a Calendar counting only the open hours of cal (weekly hours, holidays,
// time zone) — the same clock as the SLA timers.
func BusinessHours(cal sla.Calendar) (Calendar, error) {
	clock, err := sla.NewBusinessClock(cal)
	if err != nil {
		return nil, fmt.Errorf("business-hours calendar: %w", err)
	}
	return func(from, to time.Time) time.Duration {
		d, err := clock.Between(from, to)
		if err != nil {
			return 0
		}
		return d
	}, nil
}

// DFGOptions tunes DFG.
type DFGOptions struct {
	// Calendar, when set, adds business-hours waiting (BusinessMedianS, BusinessP90S) to arcs.
	Calendar Calendar
}

// Arc is a directly-follows relation: To came right after From in Count places (over all
// cases). Waiting is the time from From's event to To's start (Event.Start) when known, else
// to To's event, over the pairs where both have a time; nil when none has.
type Arc struct {
	From, To        string
	Count           int
	Cases           int      // cases in which the pair occurs at least once
	MedianWaitS     *float64 // wall clock, seconds
	P90WaitS        *float64
	MeanWaitS       *float64
	BusinessMedianS *float64 // working time by DFGOptions.Calendar; nil without one
	BusinessP90S    *float64
}

// DFG is the directly-follows graph of a log.
type DFG struct {
	Arcs []Arc // by count descending, then from, then to
	// Activities counts events per activity (the nodes).
	Activities map[string]int
	// Start and End count the cases starting and ending with each activity.
	Start map[string]int
	End   map[string]int
}

type arcAcc struct {
	count, cases int
	lastCase     int
	waits        []float64
	business     []float64
}

// DFG computes the directly-follows graph: every consecutive pair of events within each case.
func (l *Log) DFG(opt DFGOptions) DFG {
	g := DFG{Activities: map[string]int{}, Start: map[string]int{}, End: map[string]int{}}
	nActs := len(l.names)
	acts := make([]int, nActs)
	starts := make([]int, nActs)
	ends := make([]int, nActs)
	// Dense index when the activity table is small (the common case), a map otherwise.
	var dense []*arcAcc
	var sparse map[int64]*arcAcc
	if nActs <= 1024 {
		dense = make([]*arcAcc, nActs*nActs)
	} else {
		sparse = map[int64]*arcAcc{}
	}
	get := func(a, b int32) *arcAcc {
		if dense != nil {
			k := int(a)*nActs + int(b)
			if dense[k] == nil {
				dense[k] = &arcAcc{lastCase: -1}
			}
			return dense[k]
		}
		k := int64(a)<<32 | int64(b)
		acc := sparse[k]
		if acc == nil {
			acc = &arcAcc{lastCase: -1}
			sparse[k] = acc
		}
		return acc
	}
	for i, seq := range l.seqs {
		evs := l.Cases[i].Events
		starts[seq[0]]++
		ends[seq[len(seq)-1]]++
		for j, a := range seq {
			acts[a]++
			if j == 0 {
				continue
			}
			acc := get(seq[j-1], a)
			acc.count++
			if acc.lastCase != i {
				acc.cases++
				acc.lastCase = i
			}
			t0, t1, ok := waitSpan(&evs[j-1], &evs[j])
			if !ok {
				continue
			}
			acc.waits = append(acc.waits, t1.Sub(t0).Seconds())
			if opt.Calendar != nil {
				acc.business = append(acc.business, opt.Calendar(t0, t1).Seconds())
			}
		}
	}
	for a, n := range acts {
		if n > 0 {
			g.Activities[l.names[a]] = n
		}
		if starts[a] > 0 {
			g.Start[l.names[a]] = starts[a]
		}
		if ends[a] > 0 {
			g.End[l.names[a]] = ends[a]
		}
	}
	add := func(a, b int32, acc *arcAcc) {
		arc := Arc{From: l.names[a], To: l.names[b], Count: acc.count, Cases: acc.cases}
		if s := summarize(acc.waits); s.N > 0 {
			arc.MedianWaitS, arc.P90WaitS, arc.MeanWaitS = ptr(s.Median), ptr(s.P90), ptr(s.Mean)
		}
		if s := summarize(acc.business); s.N > 0 {
			arc.BusinessMedianS, arc.BusinessP90S = ptr(s.Median), ptr(s.P90)
		}
		g.Arcs = append(g.Arcs, arc)
	}
	if dense != nil {
		for k, acc := range dense {
			if acc != nil {
				add(int32(k/nActs), int32(k%nActs), acc)
			}
		}
	} else {
		for k, acc := range sparse {
			add(int32(k>>32), int32(k&math.MaxUint32), acc)
		}
	}
	sort.Slice(g.Arcs, func(i, j int) bool {
		a, b := g.Arcs[i], g.Arcs[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return g
}

func ptr(f float64) *float64 { return &f }

// waitSpan is the wait between consecutive events a and b: from a's time to b's start when
// known, else b's time; never negative (b started before a ended: no wait). ok is false when
// either time is missing.
func waitSpan(a, b *eventlog.Event) (from, to time.Time, ok bool) {
	from, to = a.Time, b.Start
	if to.IsZero() {
		to = b.Time
	}
	if from.IsZero() || to.IsZero() {
		return from, to, false
	}
	if to.Before(from) {
		to = from
	}
	return from, to, true
}
