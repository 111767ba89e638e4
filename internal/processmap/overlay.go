package processmap

// The real process laid over the designed one (issue 14, items 4 and 5):
// an event log — Fresco's own work or a stored log — mined for the period
// asked, its figures hung on the map's arrows and activities (matched by
// activity name, case and surrounding spaces ignored), the arcs reality
// takes that the design has not, the arrows never taken, the conformance
// of the cases to the map, and the real fail points: long waits against
// the design's expected duration, frequent rework and handovers piling
// up, each joined to what it cost the customers who went through it —
// re-opened, repeat contact, gestures paid, NPS after the case and
// P(alive) now — beside the other cases mined.

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/processlog"
)

// OwnLog is the source name of Fresco's own work as an event log.
const OwnLog = "own"

// Thresholds of a real fail point.
const (
	// SlowFactor: an arrow is flagged when the median wait on it is more
	// than this many times the expected duration of the activity it leads
	// to (the time the design gives that step).
	SlowFactor = 1.5
	// ReworkShare: an activity is flagged when it is repeated within at
	// least this share of the cases that reach it.
	ReworkShare = 0.2
	// HandoverShare: an arrow is flagged when the work changes hands on
	// it (one person does the step it leaves, another the step it leads
	// to) in at least this share of the cases taking it.
	HandoverShare = 0.5
	// BounceShare: an activity is flagged when, in at least this share of
	// the cases that reach it, the work changes hands twice or more into
	// or out of it: handed to it and on again, or back and forth.
	BounceShare = 0.2
)

// The kinds of real fail point.
const (
	RealSlow     = "slow"     // a long wait on an arrow
	RealRework   = "rework"   // an activity done again in a case
	RealHandover = "handover" // work changing hands on an arrow, or piling up around an activity
)

// OverlayQuery chooses the log and the period to mine.
type OverlayQuery struct {
	// Log is OwnLog ("" too) or a stored log's id.
	Log string
	// From and To bound the period: the cases that started in [From, To)
	// for Fresco's own log, the cases with any event in it for a stored
	// one. Zero leaves a side open.
	From, To time.Time
}

// ArcFigures are the real figures of one directly-follows arc.
type ArcFigures struct {
	From, To    string // activity names, as the map names them when it has them
	Count       int
	Cases       int
	MedianWaitS *float64
	P90WaitS    *float64
	// HandoverCases: the cases in which the work changed hands on the
	// arc (see Worker).
	HandoverCases int
	// LoopCases: the cases in which the arc leads back to an activity
	// already done in the case (its target done again: rework).
	LoopCases int
}

// ActivityFigures are the real figures of one activity of the map.
type ActivityFigures struct {
	Count       int // events
	Cases       int // cases with it
	ReworkCases int // cases in which it happens more than once
	// BounceCases: cases in which the work changed hands twice or more
	// into or out of it.
	BounceCases int
}

// RealFail is a place where reality fails the customer: an arrow (by key),
// an activity (by key) or an arc not in the design (Extra, by activity
// names), with the reason in words and what the cases through it cost.
type RealFail struct {
	Arrow, Activity string
	Extra           *mining.Pair // an arc of Overlay.Extras; Arrow and Activity are then ""
	Kind            string       // RealSlow, RealRework or RealHandover
	Reason          string
	Outcomes        *Outcomes // nil unless the log is Fresco's own
}

// Overlay is the real process on a designed map.
type Overlay struct {
	Log    string // OwnLog or the stored log's id
	Own    bool
	Period OverlayQuery
	// Cases mined: those with at least one activity of the map; Skipped
	// the others (a follow-up is not a complaint).
	Cases, Skipped int
	Activities     map[string]ActivityFigures // by activity key
	Arrows         map[string]ArcFigures      // by arrow key; Count 0: never taken
	// Extras are the arcs that happen but the design has no arrow for.
	Extras      []ArcFigures
	Conformance mining.Conformance
	Fails       []RealFail

	cases []eventlog.Trace // the cases mined, for joining to outcomes
}

// NeverTaken lists the keys of the arrows no case took.
func (o *Overlay) NeverTaken() []string {
	var out []string
	for k, f := range o.Arrows {
		if f.Count == 0 {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// FailOn returns the real fail on an arrow or activity key ("r:KEY",
// "a:KEY"), or nil.
func (o *Overlay) FailOn(kind, key string) *RealFail {
	if o == nil {
		return nil
	}
	for i := range o.Fails {
		f := &o.Fails[i]
		if kind == "r" && f.Arrow == key || kind == "a" && f.Activity == key {
			return f
		}
	}
	return nil
}

// FailsOn returns every real fail on an arrow or activity key (see
// FailOn): an activity can be both reworked and a place handovers pile up.
func (o *Overlay) FailsOn(kind, key string) []*RealFail {
	if o == nil {
		return nil
	}
	var out []*RealFail
	for i := range o.Fails {
		f := &o.Fails[i]
		if kind == "r" && f.Arrow == key || kind == "a" && f.Activity == key {
			out = append(out, f)
		}
	}
	return out
}

// FailsOnExtra returns every real fail on the arc not in the design
// from → to (by activity name).
func (o *Overlay) FailsOnExtra(from, to string) []*RealFail {
	if o == nil {
		return nil
	}
	var out []*RealFail
	for i := range o.Fails {
		if x := o.Fails[i].Extra; x != nil && x.From == from && x.To == to {
			out = append(out, &o.Fails[i])
		}
	}
	return out
}

// Worker is who did an event's work, for handovers: its resource (the
// person), else its role; "" for the customer's and Fresco's own events
// and for events that name nobody, which hand nothing over.
func Worker(e eventlog.Event) string {
	if e.Role == processlog.RoleCustomer || e.Role == processlog.RoleSystem {
		return ""
	}
	if e.Resource != "" {
		return e.Resource
	}
	return e.Role
}

// CaseNumber is the Fresco case number of a case id of the own log
// ("case-12" → 12), or 0.
func CaseNumber(id string) int64 {
	rest, ok := strings.CutPrefix(id, "case-")
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(rest, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

func norm(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ParseOverlayQuery reads the log and the period as a page or the API
// takes them: log "own" (or "") or a stored log's id; from and to dates
// (2024-05-01, to included) or RFC 3339 times. A bad one is named
// (field "log", "from" or "to").
func ParseOverlayQuery(log, from, to string) (OverlayQuery, error) {
	var v fresco.Validation
	q := OverlayQuery{Log: strings.TrimSpace(log)}
	if q.Log == "" {
		q.Log = OwnLog
	}
	if q.Log != OwnLog {
		if id, err := strconv.ParseInt(q.Log, 10, 64); err != nil || id <= 0 {
			v.Add("log", "must be %q or a stored event log's id (got %q)", OwnLog, q.Log)
		}
	}
	at := func(field, s string, day time.Duration) time.Time {
		s = strings.TrimSpace(s)
		if s == "" {
			return time.Time{}
		}
		if d, err := time.Parse(time.DateOnly, s); err == nil {
			return d.Add(day)
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil && t.Year() >= 1 && t.Year() <= 9999 {
			return t.UTC()
		}
		v.Add(field, "%q is not a date such as 2024-05-01 or a time such as 2024-05-01T09:00:00Z", s)
		return time.Time{}
	}
	q.From = at("from", from, 0)
	q.To = at("to", to, 24*time.Hour) // a date is included whole
	if !q.From.IsZero() && !q.To.IsZero() && !q.To.After(q.From) {
		v.Add("to", "must be after from")
	}
	return q, v.Err()
}

// Design is the map's flow as mining checks it, by activity name.
func Design(m *fresco.ProcessMap) mining.Design {
	f := m.Flow()
	d := mining.Design{Start: f.Start, End: f.End}
	for _, a := range f.Arcs {
		d.Arcs = append(d.Arcs, mining.Pair{From: a[0], To: a[1]})
	}
	return d
}

// Overlay mines the log asked for over the map.
func (s *Service) Overlay(ctx context.Context, a Actor, m *fresco.ProcessMap, q OverlayQuery) (*Overlay, error) {
	if q.Log == "" || q.Log == OwnLog {
		return s.ownOverlay(ctx, a, m, q) // overlaycache.go
	}
	id, err := strconv.ParseInt(q.Log, 10, 64)
	if err != nil || id <= 0 {
		var v fresco.Validation
		v.Add("log", "must be %q or a stored event log's id (got %q)", OwnLog, q.Log)
		return nil, v.Err()
	}
	// Unfiltered, Mine hands out the cached log itself: Mine below copies
	// the cases before renaming their activities.
	mined, err := s.logs.Mine(ctx, a, processlog.Query{ID: id})
	if err != nil {
		return nil, err
	}
	return Mine(m, mined.Log.Cases, true, q), nil
}

// Mine lays traces over m (pure: no database). Activity names are matched
// to the map's without regard to case or surrounding spaces; cases with no
// activity of the map are skipped. filterPeriod keeps only the cases with
// an event in q's period (Fresco's own log is chosen by period as it is
// read). traces are left as they are — they may be a cached log's cases
// (processlog's cache): the cases kept are copied, renamed in the copy.
func Mine(m *fresco.ProcessMap, traces []eventlog.Trace, filterPeriod bool, q OverlayQuery) *Overlay {
	o := &Overlay{Log: q.Log, Period: q, Activities: map[string]ActivityFigures{}, Arrows: map[string]ArcFigures{}}
	byName := map[string]string{} // normalised → the map's name
	for _, x := range m.Activities {
		byName[norm(x.Name)] = x.Name
	}
	kept := traces[:0:0]
	lifecycle := false
	for _, t := range traces {
		hit := false
		for _, e := range t.Events {
			_, ok := byName[norm(e.Activity)]
			hit = hit || ok
			lifecycle = lifecycle || e.Lifecycle != ""
		}
		if !hit {
			o.Skipped++
			continue
		}
		t.Events = slices.Clone(t.Events) // FromTraces reorders too
		for i := range t.Events {
			if n, ok := byName[norm(t.Events[i].Activity)]; ok {
				t.Events[i].Activity = n
			}
		}
		kept = append(kept, t)
	}
	l := mining.FromTraces(kept, lifecycle)
	if filterPeriod && (!q.From.IsZero() || !q.To.IsZero()) {
		to := q.To
		if !to.IsZero() {
			to = to.Add(-time.Nanosecond) // [From, To)
		}
		l = l.FilterPeriod(q.From, to, mining.Intersecting)
	}
	o.Cases, o.cases = len(l.Cases), l.Cases
	g := l.DFG(mining.DFGOptions{})
	// Activities: events, cases, rework.
	for _, x := range m.Activities {
		o.Activities[x.Key] = ActivityFigures{Count: g.Activities[x.Name]}
	}
	keyOf := map[string]string{}
	for _, x := range m.Activities {
		keyOf[x.Name] = x.Key
	}
	handedOn := map[mining.Pair]int{} // arc → cases in which it changed hands
	looped := map[mining.Pair]int{}   // arc → cases in which it led back
	withName := map[string]int{}      // activity name → cases with it
	for _, c := range l.Cases {
		seen := map[string]int{}
		for _, e := range c.Events {
			seen[e.Activity]++
		}
		arcs, touched := handovers(c.Events)
		for p := range arcs {
			handedOn[p]++
		}
		for p := range loopsBack(c.Events) {
			looped[p]++
		}
		for name, n := range seen {
			withName[name]++
			k, ok := keyOf[name]
			if !ok {
				continue
			}
			f := o.Activities[k]
			f.Cases++
			if n > 1 {
				f.ReworkCases++
			}
			if touched[name] >= 2 {
				f.BounceCases++
			}
			o.Activities[k] = f
		}
	}
	// Arrows and extras.
	arcs := map[mining.Pair]mining.Arc{}
	for _, arc := range g.Arcs {
		arcs[mining.Pair{From: arc.From, To: arc.To}] = arc
	}
	designed := map[mining.Pair]bool{}
	for _, r := range m.Arrows {
		from, to := m.Activity(r.From), m.Activity(r.To)
		if from == nil || to == nil {
			continue
		}
		p := mining.Pair{From: from.Name, To: to.Name}
		designed[p] = true
		arc := arcs[p]
		o.Arrows[r.Key] = ArcFigures{From: p.From, To: p.To, Count: arc.Count, Cases: arc.Cases, MedianWaitS: arc.MedianWaitS, P90WaitS: arc.P90WaitS,
			HandoverCases: handedOn[p], LoopCases: looped[p]}
	}
	for _, arc := range g.Arcs {
		p := mining.Pair{From: arc.From, To: arc.To}
		if !designed[p] {
			o.Extras = append(o.Extras, ArcFigures{From: arc.From, To: arc.To, Count: arc.Count, Cases: arc.Cases, MedianWaitS: arc.MedianWaitS, P90WaitS: arc.P90WaitS,
				HandoverCases: handedOn[p], LoopCases: looped[p]})
		}
	}
	o.Conformance = l.Conform(Design(m))
	o.flag(m)
	o.flagExtras(withName)
	return o
}
