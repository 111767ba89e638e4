package processmap_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/processmap"
)

// smallMap: Case opened → First response (30 min) → Case resolved.
func smallMap() *fresco.ProcessMap {
	return &fresco.ProcessMap{ID: 1, Name: "Small", TimeUnit: fresco.UnitHours,
		Lanes: []fresco.MapLane{{Key: "desk", Name: "Desk", CustomerFacing: true}},
		Activities: []fresco.MapActivity{
			{Key: "opened", Number: 1, Name: "Case opened", Lane: "desk", Duration: 5, DurationUnit: fresco.UnitMinutes},
			{Key: "first", Number: 2, Name: "First response", Lane: "desk", Duration: 30, DurationUnit: fresco.UnitMinutes, Position: fresco.MapPosition{X: 1}},
			{Key: "resolved", Number: 3, Name: "Case resolved", Lane: "desk", Duration: 4, DurationUnit: fresco.UnitHours, Position: fresco.MapPosition{X: 2}},
			{Key: "spare", Number: 4, Name: "Escalated", Lane: "desk", Duration: 1, DurationUnit: fresco.UnitHours, Position: fresco.MapPosition{X: 6}},
		},
		Arrows: []fresco.MapArrow{{Key: "a1", From: "opened", To: "first"}, {Key: "a2", From: "first", To: "resolved"},
			{Key: "a3", From: "first", To: "spare"}},
	}
}

func trace(id string, t0 time.Time, steps ...any) eventlog.Trace {
	t := eventlog.Trace{Case: id}
	for i := 0; i < len(steps); i += 2 {
		t.Events = append(t.Events, eventlog.Event{Activity: steps[i].(string), Time: t0.Add(steps[i+1].(time.Duration))})
	}
	return t
}

// target names what a real fail is on: an arrow's or activity's key, or
// an extra arc's "From→To".
func target(f processmap.RealFail) string {
	if f.Extra != nil {
		return f.Extra.From + "→" + f.Extra.To
	}
	return f.Arrow + f.Activity
}

// wantFails checks o's real fail points, in order, each as "kind
// target: reason".
func wantFails(t *testing.T, o *processmap.Overlay, want ...string) {
	t.Helper()
	var got []string
	for _, f := range o.Fails {
		got = append(got, f.Kind+" "+target(f)+": "+f.Reason)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("real fail points:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestMine checks the overlay's figures against hand-computed ones.
func TestMine(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h := time.Hour
	traces := []eventlog.Trace{
		trace("case-1", t0, "Case opened", 0*h, "First response", 1*h, "Case resolved", 3*h),
		trace("case-2", t0, " case OPENED ", 0*h, "Case resolved", 5*h),                                             // skips the first response
		trace("case-3", t0, "Case opened", 0*h, "First response", 2*h, "First response", 4*h, "Case resolved", 6*h), // rework
		trace("follow-up-4", t0, "Follow-up opened", 0*h, "Follow-up closed", 1*h),                                  // nothing of the map
	}
	m := smallMap()
	o := processmap.Mine(m, traces, false, processmap.OverlayQuery{Log: "own"})
	if o.Cases != 3 || o.Skipped != 1 {
		t.Fatalf("cases %d skipped %d, want 3 and 1", o.Cases, o.Skipped)
	}
	a1 := o.Arrows["a1"]
	if a1.Count != 2 || a1.MedianWaitS == nil || *a1.MedianWaitS != 1.5*3600 || *a1.P90WaitS != 1.9*3600 {
		t.Errorf("a1 %+v median %v p90 %v, want 2 taken, median 1.5 h, p90 1.9 h", a1, a1.MedianWaitS, a1.P90WaitS)
	}
	if a3 := o.Arrows["a3"]; a3.Count != 0 || fmt.Sprint(o.NeverTaken()) != "[a3]" {
		t.Errorf("never taken: %v (a3 %+v)", o.NeverTaken(), a3)
	}
	if f := o.Activities["opened"]; f.Count != 3 || f.Cases != 3 {
		t.Errorf("opened %+v: the name matched without case or spaces?", f)
	}
	if f := o.Activities["first"]; f.Count != 3 || f.Cases != 2 || f.ReworkCases != 1 {
		t.Errorf("first %+v", f)
	}
	var extras []string
	for _, x := range o.Extras {
		extras = append(extras, fmt.Sprintf("%s→%s %d", x.From, x.To, x.Count))
	}
	if got := strings.Join(extras, "; "); got != "Case opened→Case resolved 1; First response→First response 1" {
		t.Errorf("extras %q", got)
	}
	c := o.Conformance
	// case-1 fits; case-2: start, end ok, one bad arc of 3 steps; case-3: 1 bad of 5.
	if c.Fitting != 1 || len(c.Cases) != 3 || fmt.Sprintf("%.4f", c.Fitness) != fmt.Sprintf("%.4f", (1+2.0/3+4.0/5)/3) {
		t.Errorf("conformance %+v", c)
	}
	found := false
	for _, d := range c.Deviations {
		if d.Kind == mining.DeviationArc && d.From == "Case opened" && d.To == "Case resolved" && fmt.Sprint(d.CaseIDs) == "[case-2]" {
			found = true
		}
	}
	if !found {
		t.Errorf("no deviation Case opened → Case resolved for case-2: %+v", c.Deviations)
	}
	// Real fail points: a1's median 1.5 h against 30 min expected; First response reworked in 1 of 2.
	if f := o.FailOn("r", "a1"); f == nil || !strings.Contains(f.Reason, "median wait 1 h 30 min against 30 min expected") {
		t.Errorf("a1 not flagged slow: %+v", o.Fails)
	}
	if f := o.FailOn("r", "a2"); f != nil {
		t.Errorf("a2 flagged: %+v (2 h median against 4 h expected)", f)
	}
	if f := o.FailOn("a", "first"); f == nil || !strings.Contains(f.Reason, "1 of 2 cases") {
		t.Errorf("rework not flagged: %+v", o.Fails)
	}
	svg := processmap.SVG(m, nil, processmap.SVGOptions{Overlay: o})
	for _, want := range []string{"2× · median 1 h 30 min · p90 1 h 54 min", "never taken", "not in the design · 1×", "REAL FAIL POINT", "3× in 3 cases"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// A period keeps the cases with an event in it (stored logs).
	o = processmap.Mine(smallMap(), []eventlog.Trace{trace("x", t0, "Case opened", 0*h), trace("y", t0.AddDate(0, 1, 0), "Case opened", 0*h)},
		true, processmap.OverlayQuery{From: t0.AddDate(0, 0, 10)})
	if o.Cases != 1 {
		t.Errorf("period: %d cases, want 1", o.Cases)
	}
}

func TestParseOverlayQuery(t *testing.T) {
	for _, tc := range []struct{ log, from, to, field string }{
		{"abc", "", "", "log"}, {"-2", "", "", "log"}, {"own", "2026-13-01", "", "from"}, {"", "", "yesterday", "to"},
		{"", "2026-03-05", "2026-03-01", "to"},
	} {
		_, err := processmap.ParseOverlayQuery(tc.log, tc.from, tc.to)
		if fs := fresco.ErrorFields(err); len(fs) != 1 || fs[0].Field != tc.field {
			t.Errorf("%+v: %v, want %s named", tc, fs, tc.field)
		}
	}
	q, err := processmap.ParseOverlayQuery("", "2026-03-01", "2026-03-01")
	if err != nil || q.Log != "own" || !q.To.Equal(q.From.Add(24*time.Hour)) {
		t.Errorf("%+v %v", q, err)
	}
}

// ev is an event done by a person (resource) or, with no resource, a role.
func ev(activity string, at time.Time, resource, role string) eventlog.Event {
	return eventlog.Event{Activity: activity, Time: at, Resource: resource, Role: role}
}

// TestMineHandovers checks the handover flags against hand-counted
// handovers: an arrow the work changes hands on in half or more of its
// cases, an activity the work changes hands into and out of in a fifth
// or more of its cases; the customer's own events hand nothing over; a
// role stands in for a missing person.
func TestMineHandovers(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := func(n int) time.Time { return t0.Add(time.Duration(n) * 10 * time.Minute) }
	traces := []eventlog.Trace{
		// Ann → Bob → Ann: a handover on a1 and on a2, two around "First response".
		{Case: "c1", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("First response", m(1), "Bob", "agent"), ev("Case resolved", m(2), "Ann", "agent")}},
		// The customer's reply between Ann's two responses hands nothing over (were it counted, twice around "First response").
		{Case: "c2", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("First response", m(1), "Ann", "agent"),
			ev("Customer replied", m(2), "Customer", "customer"), ev("First response", m(3), "Ann", "agent"), ev("Case resolved", m(4), "Ann", "agent")}},
		// No people, only roles: desk → back office on a2.
		{Case: "c3", Events: []eventlog.Event{ev("Case opened", m(0), "", "desk"), ev("First response", m(1), "", "desk"), ev("Case resolved", m(2), "", "back office")}},
	}
	o := processmap.Mine(smallMap(), traces, false, processmap.OverlayQuery{Log: "x"})
	if a1, a2 := o.Arrows["a1"], o.Arrows["a2"]; a1.Cases != 3 || a1.HandoverCases != 1 || a2.Cases != 3 || a2.HandoverCases != 2 {
		t.Errorf("a1 %+v a2 %+v: want a1 handed over in 1 of 3 cases, a2 in 2 of 3", a1, a2)
	}
	if f := o.Activities["first"]; f.Cases != 3 || f.BounceCases != 1 {
		t.Errorf("first %+v, want 1 of 3 cases changing hands twice around it", f)
	}
	if f := o.Activities["resolved"]; f.BounceCases != 0 {
		t.Errorf("resolved %+v: one handover into it is not two", f)
	}
	wantFails(t, o,
		"handover a2: the work changes hands here in 2 of 3 cases (67%): a handover",
		"rework first: done more than once in 1 of 3 cases (33%): rework",
		"handover first: the work changes hands twice or more into or out of it in 1 of 3 cases (33%): handovers pile up",
		// c2: the customer's reply leads back to "First response" (not in the design).
		`rework Customer replied→First response: not in the design: it leads back to "First response", done again this way in 1 of the 3 cases with it (33%): rework`,
	)
	svg := processmap.SVG(smallMap(), nil, processmap.SVGOptions{Overlay: o})
	if !strings.Contains(svg, "handovers pile up") || !strings.Contains(svg, `class="pm-arrow fail"`) {
		t.Errorf("SVG lacks the handover fail points")
	}
}

// TestMineExtraArcFailPoints: the arcs not in the design are flagged by
// the arrows' rules less the long wait, hand-counted on smallMap.
func TestMineExtraArcFailPoints(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	m := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Minute) }
	traces := []eventlog.Trace{
		// Opened → resolved skips the response (not in the design): Ann to
		// Bob in c1 and c2, Ann alone in c3 — 2 of 3 change hands.
		{Case: "c1", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("Case resolved", m(1), "Bob", "agent")}},
		{Case: "c2", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("Case resolved", m(1), "Bob", "agent")}},
		{Case: "c3", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("Case resolved", m(1), "Ann", "agent")}},
		// Resolved → first response leads back: 1 of the 2 cases with a response.
		{Case: "c4", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("First response", m(1), "Ann", "agent"),
			ev("Case resolved", m(2), "Ann", "agent"), ev("First response", m(3), "Ann", "agent"), ev("Case resolved", m(4), "Ann", "agent")}},
		{Case: "c5", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("First response", m(1), "Ann", "agent"), ev("Case resolved", m(2), "Ann", "agent")}},
		// Opened → escalated: not in the design, but neither handed over nor a loop.
		{Case: "c6", Events: []eventlog.Event{ev("Case opened", m(0), "Ann", "agent"), ev("Escalated", m(1), "Ann", "agent")}},
	}
	o := processmap.Mine(smallMap(), traces, false, processmap.OverlayQuery{Log: "x"})
	var extras []string
	for _, x := range o.Extras {
		extras = append(extras, fmt.Sprintf("%s→%s %d cases %d handed %d looped", x.From, x.To, x.Cases, x.HandoverCases, x.LoopCases))
	}
	slices.Sort(extras)
	if got, want := strings.Join(extras, "; "), "Case opened→Case resolved 3 cases 2 handed 0 looped; Case opened→Escalated 1 cases 0 handed 0 looped; "+
		"Case resolved→First response 1 cases 0 handed 1 looped"; got != want {
		t.Errorf("extras\n%s\nwant\n%s", got, want)
	}
	wantFails(t, o,
		"rework first: done more than once in 1 of 2 cases (50%): rework",
		"rework resolved: done more than once in 1 of 5 cases (20%): rework",
		"handover Case opened→Case resolved: not in the design, and the work changes hands here in 2 of 3 cases (67%): a handover",
		`rework Case resolved→First response: not in the design: it leads back to "First response", done again this way in 1 of the 2 cases with it (50%): rework`,
	)
	if f := o.FailsOnExtra("Case opened", "Escalated"); f != nil {
		t.Errorf("opened → escalated flagged: %+v", f)
	}
	if f := o.FailsOnExtra("Case opened", "Case resolved"); len(f) != 1 || f[0].Kind != processmap.RealHandover {
		t.Errorf("opened → resolved: %+v", f)
	}
	svg := processmap.SVG(smallMap(), nil, processmap.SVGOptions{Overlay: o})
	if n := strings.Count(svg, `class="pm-extra fail"`); n != 2 || strings.Count(svg, `class="pm-extra"`) != 1 {
		t.Errorf("SVG: %d extras in the fail colour, want 2 (and 1 plain)", n)
	}
	if !strings.Contains(svg, "a handover</title>") && !strings.Contains(svg, "(67%): a handover") {
		t.Errorf("SVG lacks the extra's reason")
	}
}
