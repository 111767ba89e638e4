package mining

import (
	"fmt"
	"sort"
)

// Design is a designed flow to check cases against: the arcs allowed (one activity directly
// followed by another) and the activities a case may start and end with. An empty Start (or
// End) allows any.
// In JSON: {"arcs":[{"from":"A","to":"B"}],"start":["A"],"end":["B"]}.
type Design struct {
	Arcs  []Pair   `json:"arcs"`
	Start []string `json:"start"`
	End   []string `json:"end"`
}

// Pair is an arc of a design.
type Pair struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Validate reports a design that allows nothing.
func (d Design) Validate() error {
	for i, a := range d.Arcs {
		if a.From == "" || a.To == "" {
			return fmt.Errorf("design arc %d: from and to are required", i+1)
		}
	}
	if len(d.Arcs) == 0 && len(d.Start) == 0 {
		return fmt.Errorf("design: no arcs and no start activities")
	}
	return nil
}

// Deviation kinds.
const (
	DeviationStart    = "start"    // the case starts with an activity not allowed to start
	DeviationEnd      = "end"      // the case ends with an activity not allowed to end
	DeviationArc      = "arc"      // a directly-follows pair that the design has no arc for
	DeviationActivity = "activity" // an activity the design does not have at all
)

// Deviation is one way the real flow departs from the design, with the cases that did so.
type Deviation struct {
	Kind     string
	Activity string   // start, end, activity
	From, To string   // arc
	Count    int      // occurrences over all cases
	CaseIDs  []string // the cases, in file order, each once
}

// CaseFit is one case's conformance.
type CaseFit struct {
	Case string
	// Fitness is the share of the case's steps the design allows: its start, each
	// directly-follows pair and its end (start/end not counted when the design leaves them open).
	Fitness    float64
	Deviations int // steps not allowed
}

// Conformance is how the cases of a log fit a design.
type Conformance struct {
	Cases      []CaseFit   // file order
	Deviations []Deviation // by cases descending, then kind, names
	Fitness    float64     // mean case fitness (1 for no cases)
	Fitting    int         // cases with fitness 1
}

// Conform checks every case against the design (token-free, on the directly-follows
// relation: a case fits when each step it takes is an arc of the design).
func (l *Log) Conform(d Design) Conformance {
	allowed := map[Pair]bool{}
	known := map[string]bool{}
	for _, a := range d.Arcs {
		allowed[a] = true
		known[a.From], known[a.To] = true, true
	}
	starts, ends := map[string]bool{}, map[string]bool{}
	for _, a := range d.Start {
		starts[a], known[a] = true, true
	}
	for _, a := range d.End {
		ends[a], known[a] = true, true
	}
	type key struct{ kind, a, b string }
	devs := map[key]*Deviation{}
	note := func(k key, c string) {
		dv := devs[k]
		if dv == nil {
			dv = &Deviation{Kind: k.kind}
			if k.kind == DeviationArc {
				dv.From, dv.To = k.a, k.b
			} else {
				dv.Activity = k.a
			}
			devs[k] = dv
		}
		dv.Count++
		if n := len(dv.CaseIDs); n == 0 || dv.CaseIDs[n-1] != c {
			dv.CaseIDs = append(dv.CaseIDs, c)
		}
	}
	out := Conformance{Cases: make([]CaseFit, 0, len(l.Cases))}
	sum := 0.0
	for _, c := range l.Cases {
		evs := c.Events
		steps, bad := len(evs)-1, 0
		if len(starts) > 0 {
			steps++
			if a := evs[0].Activity; !starts[a] {
				bad++
				note(key{DeviationStart, a, ""}, c.Case)
			}
		}
		if len(ends) > 0 {
			steps++
			if a := evs[len(evs)-1].Activity; !ends[a] {
				bad++
				note(key{DeviationEnd, a, ""}, c.Case)
			}
		}
		for j, e := range evs {
			if !known[e.Activity] {
				note(key{DeviationActivity, e.Activity, ""}, c.Case)
			}
			if j > 0 && !allowed[Pair{evs[j-1].Activity, e.Activity}] {
				bad++
				note(key{DeviationArc, evs[j-1].Activity, e.Activity}, c.Case)
			}
		}
		fit := 1.0
		if steps > 0 {
			fit = 1 - float64(bad)/float64(steps)
		}
		sum += fit
		if bad == 0 {
			out.Fitting++
		}
		out.Cases = append(out.Cases, CaseFit{Case: c.Case, Fitness: fit, Deviations: bad})
	}
	out.Fitness = 1
	if len(l.Cases) > 0 {
		out.Fitness = sum / float64(len(l.Cases))
	}
	for _, dv := range devs {
		out.Deviations = append(out.Deviations, *dv)
	}
	sort.Slice(out.Deviations, func(i, j int) bool {
		a, b := out.Deviations[i], out.Deviations[j]
		if len(a.CaseIDs) != len(b.CaseIDs) {
			return len(a.CaseIDs) > len(b.CaseIDs)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Activity != b.Activity {
			return a.Activity < b.Activity
		}
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return out
}
