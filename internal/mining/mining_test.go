package mining

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/sla"
)

// testdata/hand.csv, worked by hand (times on 1 March 2024, UTC):
//
//	case 1: A 10:00, B start 10:30 (not complete: only gives B its start), B 11:00, C 11:00
//	        (tie: file order) → A B C
//	case 2: A 09:00, C 09:20, B 09:10 (out of file order: sorted) → A B C
//	case 3: A 12:00, C (no time: last), B 12:45 → A B C
//	case 4: A 08:00, B 08:10, B 09:10, D 10:10 → A B B D
//	case 5: only a start event → dropped
func handLog(t *testing.T) *Log {
	t.Helper()
	raw, err := eventlog.ReadFile("testdata/hand.csv", eventlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return New(raw)
}

func at(h, m int) time.Time { return time.Date(2024, 3, 1, h, m, 0, 0, time.UTC) }

func TestStatsAndVariants(t *testing.T) {
	l := handLog(t)
	got := l.Stats()
	want := Stats{Cases: 4, Events: 13, Activities: 4, Variants: 2, Start: at(8, 0), End: at(12, 45)}
	if got != want {
		t.Errorf("stats = %+v, want %+v", got, want)
	}
	vs := l.Variants(0)
	if len(vs) != 2 {
		t.Fatalf("variants = %+v", vs)
	}
	if vs[0].Key() != "A,B,C" || vs[0].Count != 3 || vs[0].Share != 0.75 || !reflect.DeepEqual(vs[0].CaseIDs, []string{"1", "2", "3"}) {
		t.Errorf("variant 1 = %+v", vs[0])
	}
	if vs[1].Key() != "A,B,B,D" || vs[1].Count != 1 || vs[1].Share != 0.25 || !reflect.DeepEqual(vs[1].CaseIDs, []string{"4"}) {
		t.Errorf("variant 2 = %+v", vs[1])
	}
	if top := l.Variants(1); len(top) != 1 || top[0].Key() != "A,B,C" {
		t.Errorf("top 1 = %+v", top)
	}
}

func f(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

func TestDFGCountsAndWaits(t *testing.T) {
	g := handLog(t).DFG(DFGOptions{})
	type arc struct {
		from, to          string
		count, cases      int
		median, p90, mean float64
	}
	// A→B waits 1800 (to B's start at 10:30), 600, 2700, 600: median (600+1800)/2, p90 at
	// rank 2.7 = 1800+0.7·900. B→C waits 0 and 600 (case 3's C has no time); B→B and B→D
	// one hour each.
	want := []arc{
		{"A", "B", 4, 4, 1200, 2430, 1425},
		{"B", "C", 3, 3, 300, 540, 300},
		{"B", "B", 1, 1, 3600, 3600, 3600},
		{"B", "D", 1, 1, 3600, 3600, 3600},
	}
	if len(g.Arcs) != len(want) {
		t.Fatalf("arcs = %+v", g.Arcs)
	}
	for i, w := range want {
		a := g.Arcs[i]
		got := arc{a.From, a.To, a.Count, a.Cases, f(a.MedianWaitS), f(a.P90WaitS), f(a.MeanWaitS)}
		if got != w {
			t.Errorf("arc %d = %+v, want %+v", i, got, w)
		}
	}
	if !reflect.DeepEqual(g.Start, map[string]int{"A": 4}) || !reflect.DeepEqual(g.End, map[string]int{"C": 3, "D": 1}) {
		t.Errorf("start %v end %v", g.Start, g.End)
	}
	if !reflect.DeepEqual(g.Activities, map[string]int{"A": 4, "B": 5, "C": 3, "D": 1}) {
		t.Errorf("activities %v", g.Activities)
	}
}

func TestDFGBusinessHours(t *testing.T) {
	cal, err := BusinessHours(sla.Weekdays(time.UTC, sla.Interval{Start: sla.TimeOf(9, 0), End: sla.TimeOf(17, 0)}))
	if err != nil {
		t.Fatal(err)
	}
	// Friday 16:00 → Monday 10:00: 66 hours of wall clock, 2 of business.
	fri, mon := time.Date(2024, 3, 1, 16, 0, 0, 0, time.UTC), time.Date(2024, 3, 4, 10, 0, 0, 0, time.UTC)
	tr := []eventlog.Trace{{Case: "w", Events: []eventlog.Event{{Activity: "A", Time: fri}, {Activity: "B", Time: mon}}}}
	a := FromTraces(tr, false).DFG(DFGOptions{Calendar: cal}).Arcs[0]
	if f(a.MedianWaitS) != 66*3600 || f(a.BusinessMedianS) != 2*3600 || f(a.BusinessP90S) != 2*3600 {
		t.Errorf("arc = wall %v, business %v", f(a.MedianWaitS), f(a.BusinessMedianS))
	}
	// The hand log: every wait but A→B of case 4 (08:00 → 08:10, before opening: 0) is within
	// hours, so A→B's business waits are 0, 600, 1800, 2700.
	g := handLog(t).DFG(DFGOptions{Calendar: cal})
	if a := g.Arcs[0]; a.From != "A" || f(a.BusinessMedianS) != (600+1800)/2.0 {
		t.Errorf("A→B business median = %v", f(a.BusinessMedianS))
	}
	if _, err := BusinessHours(sla.Calendar{}); err == nil {
		t.Error("a calendar without a zone accepted")
	}
}

func TestPercentileIsNumpys(t *testing.T) {
	xs := []float64{1, 2, 3, 4}
	// numpy.percentile([1,2,3,4], [50, 90, 0, 100]) = 2.5, 3.7, 1, 4
	for q, want := range map[float64]float64{0.5: 2.5, 0.9: 3.7, 0: 1, 1: 4} {
		if got := Percentile(xs, q); math.Abs(got-want) > 1e-12 {
			t.Errorf("q %v = %v, want %v", q, got, want)
		}
	}
	if !math.IsNaN(Percentile(nil, 0.5)) || Percentile([]float64{7}, 0.9) != 7 {
		t.Error("edge cases")
	}
}

func TestActivitiesThroughputHandoversRework(t *testing.T) {
	l := handLog(t)
	acts := l.Activities()
	// Only case 1's B has a start (10:30 → 11:00).
	wantActs := []Activity{{"B", 5, 4, 1, Summary{1, 1800, 1800, 1800, 1800}}, {"A", 4, 4, 1, Summary{}}, {"C", 3, 3, 0.75, Summary{}}, {"D", 1, 1, 0.25, Summary{}}}
	if !reflect.DeepEqual(acts, wantActs) {
		t.Errorf("activities = %+v", acts)
	}
	tp := l.Throughput()
	secs := []float64{}
	for _, c := range tp.Cases {
		secs = append(secs, c.Seconds)
	}
	if !reflect.DeepEqual(secs, []float64{3600, 1200, 2700, 7800}) || tp.Summary.Median != 3150 || tp.Summary.Max != 7800 || tp.Summary.Mean != 3825 {
		t.Errorf("throughput = %v, %+v", secs, tp.Summary)
	}
	hs := l.Handovers(ByResource)
	type ho struct {
		from, to     string
		count, cases int
	}
	var got []ho
	for _, h := range hs {
		got = append(got, ho{h.From, h.To, h.Count, h.Cases})
	}
	// Case 1 ann→bob; case 2 ann→carl→bob (sorted by time); case 3 ann→bob (C has no
	// resource); case 4 ann→bob, bob→bob (no handover), bob→ann.
	wantHo := []ho{{"ann", "bob", 3, 3}, {"ann", "carl", 1, 1}, {"bob", "ann", 1, 1}, {"carl", "bob", 1, 1}}
	if !reflect.DeepEqual(got, wantHo) {
		t.Errorf("handovers = %+v", got)
	}
	if f(hs[0].MedianWaitS) != 1800 { // 1800 (case 1, to B's start), 2700 (case 3), 600 (case 4)
		t.Errorf("ann→bob median wait = %v", f(hs[0].MedianWaitS))
	}
	roles := l.Handovers(ByRole)
	if len(roles) != 2 || roles[0].From != "desk" || roles[0].To != "agent" || roles[0].Count != 4 || roles[1].From != "agent" || roles[1].Count != 1 {
		t.Errorf("role handovers = %+v", roles)
	}
	rw := l.Rework()
	if len(rw) != 1 || rw[0].Activity != "B" || rw[0].Cases != 1 || rw[0].Repeats != 1 || rw[0].Share != 0.25 || !reflect.DeepEqual(rw[0].CaseIDs, []string{"4"}) {
		t.Errorf("rework = %+v", rw)
	}
}

func TestFilters(t *testing.T) {
	l := handLog(t)
	ids := func(l *Log) string {
		var s []string
		for _, c := range l.Cases {
			s = append(s, c.Case)
		}
		return strings.Join(s, " ")
	}
	cases := map[string]*Log{
		"1 2":     l.FilterPeriod(at(9, 0), at(11, 0), Contained),
		"1 2 4":   l.FilterPeriod(at(9, 0), at(11, 0), Intersecting),
		"1 2 3":   l.FilterPeriod(at(9, 0), time.Time{}, StartedIn),
		"2":       l.FilterPeriod(time.Time{}, at(9, 30), CompletedIn),
		"1 3":     l.FilterAttr("region", "north"),
		"1 2 3 4": l.FilterAttr("region", "north", "south"),
		"2 4":     l.FilterAttr("region", "south").FilterPeriod(at(7, 0), at(10, 30), Contained),
		"4":       l.FilterAttr("region", "south").FilterPeriod(at(7, 0), at(8, 30), Intersecting),
	}
	for want, got := range cases {
		if ids(got) != want {
			t.Errorf("want cases %q, got %q", want, ids(got))
		}
	}
	trim := l.FilterPeriod(at(9, 0), at(10, 0), TrimEvents)
	if ids(trim) != "1 2 4" || trim.Stats().Events != 1+3+1 || trim.Variants(0)[0].Key() != "A" {
		t.Errorf("trim = %q, %+v, %+v", ids(trim), trim.Stats(), trim.Variants(0))
	}
	if s := l.FilterAttr("region", "none").Stats(); s.Cases != 0 || s.Variants != 0 || !s.Start.IsZero() {
		t.Errorf("empty = %+v", s)
	}
	if g := l.FilterAttr("region", "none").DFG(DFGOptions{}); len(g.Arcs) != 0 {
		t.Errorf("empty dfg = %+v", g)
	}
}

func TestConformance(t *testing.T) {
	d := Design{Arcs: []Pair{{"A", "B"}, {"B", "C"}}, Start: []string{"A"}, End: []string{"C"}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	c := handLog(t).Conform(d)
	// Case 4, A B B D: start ok, A→B ok, B→B and B→D not in the design, ends with D: 3 of 5 steps bad.
	wantFit := []CaseFit{{"1", 1, 0}, {"2", 1, 0}, {"3", 1, 0}, {"4", 0.4, 3}}
	if !reflect.DeepEqual(c.Cases, wantFit) || c.Fitting != 3 || math.Abs(c.Fitness-0.85) > 1e-12 {
		t.Errorf("fitness = %+v, mean %v, fitting %d", c.Cases, c.Fitness, c.Fitting)
	}
	var got []string
	for _, dv := range c.Deviations {
		got = append(got, dv.Kind+":"+dv.Activity+dv.From+">"+dv.To+":"+strings.Join(dv.CaseIDs, ","))
	}
	want := []string{"activity:D>:4", "arc:B>B:4", "arc:B>D:4", "end:D>:4"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("deviations = %v, want %v", got, want)
	}
	if err := (Design{}).Validate(); err == nil {
		t.Error("empty design accepted")
	}
}

func TestNoLifecycleKeepsAllEvents(t *testing.T) {
	tr := []eventlog.Trace{{Case: "x", Events: []eventlog.Event{{Activity: "A"}, {Activity: "B"}, {Activity: "A"}}}}
	l := FromTraces(tr, false)
	if s := l.Stats(); s.Events != 3 || !s.Start.IsZero() || l.Variants(0)[0].Key() != "A,B,A" {
		t.Errorf("stats %+v variants %+v", s, l.Variants(0))
	}
	// No timestamps at all: file order, no waits.
	if a := l.DFG(DFGOptions{}).Arcs[0]; a.MedianWaitS != nil {
		t.Errorf("wait without times: %v", *a.MedianWaitS)
	}
}

// testdata/hand.xes is hand.csv as XES (with an unknown extension's nested attribute): the
// two readers must give the same mining.
func TestXESAndCSVMineAlike(t *testing.T) {
	raw, err := eventlog.ReadFile("testdata/hand.xes", eventlog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x, c := New(raw), handLog(t)
	if x.Stats() != c.Stats() {
		t.Errorf("stats: xes %+v, csv %+v", x.Stats(), c.Stats())
	}
	if !reflect.DeepEqual(x.DFG(DFGOptions{}), c.DFG(DFGOptions{})) {
		t.Error("DFGs differ")
	}
	if !reflect.DeepEqual(x.Variants(0), c.Variants(0)) {
		t.Error("variants differ")
	}
	if !reflect.DeepEqual(x.Handovers(ByRole), c.Handovers(ByRole)) {
		t.Error("role handovers differ")
	}
}

func TestStartsPairedFirstInFirstOut(t *testing.T) {
	tm := func(h int) time.Time { return at(h, 0) }
	tr := []eventlog.Trace{{Case: "p", Events: []eventlog.Event{
		{Activity: "A", Time: tm(8), Lifecycle: "start"},
		{Activity: "A", Time: tm(9), Lifecycle: "start"},
		{Activity: "B", Time: tm(9), Lifecycle: "complete"}, // no start of its own
		{Activity: "A", Time: tm(10), Lifecycle: "complete"},
		{Activity: "A", Time: tm(12), Lifecycle: "complete"},
		{Activity: "C", Time: tm(13), Lifecycle: "complete", Start: tm(11)}, // given (a CSV start column)
	}}}
	l := FromTraces(tr, true)
	evs := l.Cases[0].Events
	var starts []time.Time
	for _, e := range evs {
		starts = append(starts, e.Start)
	}
	if want := []time.Time{{}, tm(8), tm(9), tm(11)}; !reflect.DeepEqual(starts, want) {
		t.Errorf("starts = %v", starts)
	}
	// A(10:00, started 8:00) → A(12:00, started 9:00): it started before the first ended, so
	// no wait; A(12:00) → C started 11:00: no wait either; B(9:00) → A started 8:00: none.
	for _, a := range l.DFG(DFGOptions{}).Arcs {
		if f(a.MedianWaitS) != 0 {
			t.Errorf("%s→%s wait %v", a.From, a.To, f(a.MedianWaitS))
		}
	}
	acts := l.Activities()
	if acts[0].Name != "A" || acts[0].Duration.N != 2 || acts[0].Duration.Median != 2.5*3600 {
		t.Errorf("A durations = %+v", acts[0].Duration)
	}
}

func TestManyActivitiesUseTheSparseIndex(t *testing.T) {
	var evs []eventlog.Event
	for i := 0; i < 1500; i++ {
		evs = append(evs, eventlog.Event{Activity: fmt.Sprintf("a%04d", i), Time: at(0, 0).Add(time.Duration(i) * time.Minute)})
	}
	evs = append(evs, eventlog.Event{Activity: "a0000", Time: at(0, 0).Add(2000 * time.Minute)})
	g := FromTraces([]eventlog.Trace{{Case: "x", Events: evs}}, false).DFG(DFGOptions{})
	if len(g.Arcs) != 1500 || g.Arcs[0].Count != 1 || g.Start["a0000"] != 1 || g.End["a0000"] != 1 {
		t.Fatalf("%d arcs, first %+v", len(g.Arcs), g.Arcs[0])
	}
	last := g.Arcs[len(g.Arcs)-1]
	if last.From != "a1499" || last.To != "a0000" || f(last.MedianWaitS) != 501*60 {
		t.Errorf("last arc = %+v (wait %v)", last, f(last.MedianWaitS))
	}
}
