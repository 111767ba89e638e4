package processmap

// Real fail points (issue 14, item 5): where waiting is long, work comes
// back or changes hands too often on the real process laid over a map,
// and what that cost the customers of the cases through it.

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/store"
)

// Outcomes are what happened to the customers of the Fresco cases
// through a real fail point, and (Rest…) to those of the other cases
// mined, for comparison.
type Outcomes struct {
	Cases         int
	Reopened      int          // cases re-opened
	RepeatContact int          // cases whose customer opened another case within 90 days
	GestureCost   fresco.Money // gestures granted on the cases
	// NPSAfter is the NPS (promoters' share minus detractors', −100 to
	// 100) of the customers' first answers within 180 days after each
	// case was settled; RestNPSAfter the same over the other cases mined.
	NPSAfter, RestNPSAfter Figure
	// PAliveNow is the mean P(alive) today, from the latest lifetime-value
	// refit, of the customers of the cases through; RestPAliveNow that of
	// the customers of the other cases mined who had no case through it.
	// It is measured now, not before and after the case: no history of
	// P(alive) is kept.
	PAliveNow, RestPAliveNow Figure
}

// Figure is a measure over N cases or customers; Value is nil when N is 0.
type Figure struct {
	Value *float64
	N     int
}

// PAliveGap is how much lower the P(alive) now of the customers through
// is than the others' (rest − through, in 0–1); nil unless both are known.
func (o *Outcomes) PAliveGap() *float64 {
	if o.PAliveNow.Value == nil || o.RestPAliveNow.Value == nil {
		return nil
	}
	g := *o.RestPAliveNow.Value - *o.PAliveNow.Value
	return &g
}

// NPSGap is how much lower the NPS after the case is through it than for
// the rest (rest − through, in points); nil unless both are known.
func (o *Outcomes) NPSGap() *float64 {
	if o.NPSAfter.Value == nil || o.RestNPSAfter.Value == nil {
		return nil
	}
	g := *o.RestNPSAfter.Value - *o.NPSAfter.Value
	return &g
}

// ReopenedShare is the share of the cases re-opened (0 for none).
func (o *Outcomes) ReopenedShare() float64 { return share(o.Reopened, o.Cases) }

// RepeatShare is the share of the cases with a repeat contact.
func (o *Outcomes) RepeatShare() float64 { return share(o.RepeatContact, o.Cases) }

func share(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) / float64(of)
}

// loopsBack finds the arcs of a case that lead back to an activity already
// done in it: to itself, or to one done before.
func loopsBack(evs []eventlog.Event) map[mining.Pair]bool {
	var out map[mining.Pair]bool
	done := map[string]bool{}
	for j, e := range evs {
		if j > 0 && done[e.Activity] {
			if out == nil {
				out = map[mining.Pair]bool{}
			}
			out[mining.Pair{From: evs[j-1].Activity, To: e.Activity}] = true
		}
		done[e.Activity] = true
	}
	return out
}

// handovers finds where a case's work changes hands: each pair of
// consecutive events both done by someone (Worker), by different people.
// arcs holds the pairs of activities it changed hands between; touched
// counts per activity the handovers into or out of its events (a
// handover between two events of the same activity counts once).
func handovers(evs []eventlog.Event) (arcs map[mining.Pair]bool, touched map[string]int) {
	for j := 1; j < len(evs); j++ {
		a, b := Worker(evs[j-1]), Worker(evs[j])
		if a == "" || b == "" || a == b {
			continue
		}
		if arcs == nil {
			arcs, touched = map[mining.Pair]bool{}, map[string]int{}
		}
		from, to := evs[j-1].Activity, evs[j].Activity
		arcs[mining.Pair{From: from, To: to}] = true
		touched[from]++
		if to != from {
			touched[to]++
		}
	}
	return arcs, touched
}

// flag finds the real fail points, in map order: slow arrows, arrows
// the work changes hands on, then reworked activities and those
// handovers pile up around.
func (o *Overlay) flag(m *fresco.ProcessMap) {
	for _, r := range m.Arrows {
		f, ok := o.Arrows[r.Key]
		to := m.Activity(r.To)
		if !ok || f.MedianWaitS == nil || to == nil {
			continue
		}
		expected := to.DurationMinutes() * 60
		if expected > 0 && *f.MedianWaitS > SlowFactor*expected {
			o.Fails = append(o.Fails, RealFail{Arrow: r.Key, Kind: RealSlow, Reason: fmt.Sprintf("median wait %s against %s expected for %q (%.1f× as long)",
				SecondsWords(*f.MedianWaitS), SecondsWords(expected), to.Name, *f.MedianWaitS/expected)})
		}
	}
	for _, r := range m.Arrows {
		if f := o.Arrows[r.Key]; f.Cases > 0 && share(f.HandoverCases, f.Cases) >= HandoverShare {
			o.Fails = append(o.Fails, RealFail{Arrow: r.Key, Kind: RealHandover, Reason: fmt.Sprintf("the work changes hands here in %d of %d cases (%s): a handover",
				f.HandoverCases, f.Cases, percent(share(f.HandoverCases, f.Cases)))})
		}
	}
	for _, x := range m.Activities {
		f := o.Activities[x.Key]
		if f.Cases > 0 && share(f.ReworkCases, f.Cases) >= ReworkShare {
			o.Fails = append(o.Fails, RealFail{Activity: x.Key, Kind: RealRework, Reason: fmt.Sprintf("done more than once in %d of %d cases (%s): rework",
				f.ReworkCases, f.Cases, percent(share(f.ReworkCases, f.Cases)))})
		}
		if f.Cases > 0 && share(f.BounceCases, f.Cases) >= BounceShare {
			o.Fails = append(o.Fails, RealFail{Activity: x.Key, Kind: RealHandover, Reason: fmt.Sprintf("the work changes hands twice or more into or out of it in %d of %d cases (%s): handovers pile up",
				f.BounceCases, f.Cases, percent(share(f.BounceCases, f.Cases)))})
		}
	}
}

// flagExtras finds the real fail points on the arcs not in the design, by
// the arrows' rules less the long wait (the design gives an extra arc no
// expected duration): the work changing hands on it in HandoverShare or
// more of the cases taking it, and — when it leads back to an activity
// already done — that activity done again through it in ReworkShare or
// more of the cases that reach it (withName: cases by activity name).
func (o *Overlay) flagExtras(withName map[string]int) {
	for _, x := range o.Extras {
		p := &mining.Pair{From: x.From, To: x.To}
		if x.Cases > 0 && share(x.HandoverCases, x.Cases) >= HandoverShare {
			o.Fails = append(o.Fails, RealFail{Extra: p, Kind: RealHandover, Reason: fmt.Sprintf("not in the design, and the work changes hands here in %d of %d cases (%s): a handover",
				x.HandoverCases, x.Cases, percent(share(x.HandoverCases, x.Cases)))})
		}
		if n := withName[x.To]; n > 0 && share(x.LoopCases, n) >= ReworkShare {
			o.Fails = append(o.Fails, RealFail{Extra: p, Kind: RealRework, Reason: fmt.Sprintf("not in the design: it leads back to %q, done again this way in %d of the %d cases with it (%s): rework",
				x.To, x.LoopCases, n, percent(share(x.LoopCases, n)))})
		}
	}
}

// OutcomeWords says what the cases through a real fail point cost their
// customers, beside the other cases mined; money writes an amount.
// P(alive) is said as the pages say it, "chance still buying", with
// "now" and why: it is today's figure, not a drop over the case.
func OutcomeWords(oc *Outcomes, money func(fresco.Money) string) string {
	nps := func(f Figure) string {
		if f.Value == nil {
			return "no answer"
		}
		return fmt.Sprintf("%+.0f (%s)", *f.Value, count(f.N, "answer"))
	}
	alive := func(f Figure) string {
		if f.Value == nil {
			return "unknown"
		}
		return fmt.Sprintf("%s (%s)", percent(*f.Value), count(f.N, "customer"))
	}
	return fmt.Sprintf("%s through it: %s re-opened, %s with a repeat contact within 90 days, %s in gestures granted; "+
		"NPS after the case %s against %s for the other cases; chance still buying now (today's figure, not a drop measured over the case) %s against %s for the other customers",
		count(oc.Cases, "case"), percent(oc.ReopenedShare()), percent(oc.RepeatShare()), money(oc.GestureCost),
		nps(oc.NPSAfter), nps(oc.RestNPSAfter), alive(oc.PAliveNow), alive(oc.RestPAliveNow))
}

func percent(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" }

// SecondsWords writes a wait for people: "2 d 3 h", "45 min", "12 s".
func SecondsWords(s float64) string {
	switch {
	case s < 60:
		return strconv.Itoa(int(math.Round(s))) + " s"
	case s < 3600:
		return strconv.Itoa(int(math.Round(s/60))) + " min"
	case s < 86400:
		h := int(s / 3600)
		if m := int(math.Round((s - float64(h)*3600) / 60)); m > 0 && h < 10 {
			return fmt.Sprintf("%d h %d min", h, m)
		}
		return strconv.Itoa(int(math.Round(s/3600))) + " h"
	}
	d := int(s / 86400)
	if h := int(math.Round((s - float64(d)*86400) / 3600)); h > 0 && h < 24 {
		return fmt.Sprintf("%d d %d h", d, h)
	}
	return strconv.Itoa(int(math.Round(s/86400))) + " d"
}

// outcomes joins each real fail to the outcomes of the Fresco cases
// through it, beside those of the other cases mined.
func (s *Service) outcomes(ctx context.Context, m *fresco.ProcessMap, o *Overlay) error {
	if len(o.Fails) == 0 {
		return nil
	}
	var all []int64
	for _, c := range o.cases {
		if n := CaseNumber(c.Case); n > 0 {
			all = append(all, n)
		}
	}
	costs, err := s.db.CustomerCosts(ctx, all)
	if err != nil {
		return err
	}
	for i, f := range o.Fails {
		o.Fails[i].Outcomes = joinOutcomes(costs, all, o.casesThrough(m, f))
	}
	return nil
}

// joinOutcomes sums the outcomes of the cases through (ids among all)
// and sets the NPS after the case and P(alive) now beside the rest's.
func joinOutcomes(costs map[int64]store.CaseCost, all, through []int64) *Outcomes {
	out := &Outcomes{}
	in := map[int64]bool{}
	inCustomer := map[int64]bool{}
	var minor int64
	var nps, restNPS []int
	for _, id := range through {
		c, ok := costs[id]
		if !ok {
			continue
		}
		in[id], inCustomer[c.Customer] = true, true
		out.Cases++
		if c.Reopened {
			out.Reopened++
		}
		if c.RepeatContact {
			out.RepeatContact++
		}
		minor += c.Gestures
		if c.NPSAfter != nil {
			nps = append(nps, *c.NPSAfter)
		}
	}
	out.GestureCost = fresco.Money(minor)
	alive, restAlive := map[int64]float64{}, map[int64]float64{} // customer → P(alive) now
	for _, id := range all {
		c, ok := costs[id]
		if !ok {
			continue
		}
		if !in[id] && c.NPSAfter != nil {
			restNPS = append(restNPS, *c.NPSAfter)
		}
		if c.PAliveNow == nil {
			continue
		}
		if inCustomer[c.Customer] {
			alive[c.Customer] = *c.PAliveNow
		} else {
			restAlive[c.Customer] = *c.PAliveNow
		}
	}
	out.NPSAfter, out.RestNPSAfter = npsOf(nps), npsOf(restNPS)
	out.PAliveNow, out.RestPAliveNow = meanOf(alive), meanOf(restAlive)
	return out
}

// npsOf is the NPS of 0–10 answers: promoters (9–10) less detractors
// (0–6), as a share of all, in points.
func npsOf(scores []int) Figure {
	if len(scores) == 0 {
		return Figure{}
	}
	var net int
	for _, s := range scores {
		switch {
		case s >= 9:
			net++
		case s <= 6:
			net--
		}
	}
	v := 100 * float64(net) / float64(len(scores))
	return Figure{Value: &v, N: len(scores)}
}

func meanOf(by map[int64]float64) Figure {
	if len(by) == 0 {
		return Figure{}
	}
	vals := make([]float64, 0, len(by))
	for _, v := range by {
		vals = append(vals, v)
	}
	sort.Float64s(vals) // summed in one order: the same figure every time
	var sum float64
	for _, v := range vals {
		sum += v
	}
	v := sum / float64(len(vals))
	return Figure{Value: &v, N: len(by)}
}

// casesThrough returns the Fresco case numbers of the cases in which the
// fail's arrow (its pair of names) or activity occurs — for a handover,
// those in which the work changed hands there: on the arrow, or twice or
// more around the activity.
func (o *Overlay) casesThrough(m *fresco.ProcessMap, f RealFail) []int64 {
	var ids []int64
	for _, c := range o.cases {
		if n := CaseNumber(c.Case); n > 0 && through(m, c.Events, f) {
			ids = append(ids, n)
		}
	}
	return ids
}

func through(m *fresco.ProcessMap, evs []eventlog.Event, f RealFail) bool {
	if x := f.Extra; x != nil {
		if f.Kind == RealHandover {
			arcs, _ := handovers(evs)
			return arcs[*x]
		}
		return loopsBack(evs)[*x] // RealRework
	}
	if f.Kind == RealHandover {
		arcs, touched := handovers(evs)
		if f.Activity != "" {
			return touched[m.Activity(f.Activity).Name] >= 2
		}
		r := m.Arrow(f.Arrow)
		return arcs[mining.Pair{From: m.Activity(r.From).Name, To: m.Activity(r.To).Name}]
	}
	if f.Activity != "" {
		name := m.Activity(f.Activity).Name
		for _, e := range evs {
			if e.Activity == name {
				return true
			}
		}
		return false
	}
	r := m.Arrow(f.Arrow)
	from, to := m.Activity(r.From).Name, m.Activity(r.To).Name
	for j := 1; j < len(evs); j++ {
		if evs[j-1].Activity == from && evs[j].Activity == to {
			return true
		}
	}
	return false
}
