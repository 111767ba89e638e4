package pulse

import (
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
)

func atom(team, location int64, n int) *fresco.PulseAtom {
	a := &fresco.PulseAtom{PulseID: 1, N: n}
	if team != 0 {
		a.TeamID = &team
	}
	if location != 0 {
		a.LocationID = &location
	}
	return a
}

// TestSuppress works hand-made families through the rule.
func TestSuppress(t *testing.T) {
	t.Parallel()
	type want struct {
		kind   string
		id     int64
		reason string // "" = shown
	}
	for _, tc := range []struct {
		name  string
		atoms []*fresco.PulseAtom
		want  []want
	}{
		{"a team of 6 and one of 2 in a location of 9: the 6 would give the 3 away",
			[]*fresco.PulseAtom{atom(1, 10, 6), atom(2, 10, 2), atom(0, 10, 1)},
			[]want{{UnitAll, 0, ""}, {UnitLocation, 10, ""}, {UnitTeam, 1, ReasonComplement}, {UnitTeam, 2, ReasonFewer}}},
		{"a team that is its location: nothing to subtract",
			[]*fresco.PulseAtom{atom(1, 10, 5), atom(2, 20, 7)},
			[]want{{UnitAll, 0, ""}, {UnitLocation, 10, ""}, {UnitLocation, 20, ""}, {UnitTeam, 1, ""}, {UnitTeam, 2, ""}}},
		{"all staff minus two shown locations leaves one answer without a location: the smaller location goes",
			[]*fresco.PulseAtom{atom(1, 10, 5), atom(2, 20, 8), atom(3, 0, 1)},
			[]want{{UnitAll, 0, ""}, {UnitLocation, 10, ReasonComplement}, {UnitLocation, 20, ""}, {UnitTeam, 1, ReasonComplement},
				{UnitTeam, 2, ""}, {UnitTeam, 3, ReasonFewer}}},
		{"a team at two locations is not published; the locations are",
			[]*fresco.PulseAtom{atom(1, 10, 5), atom(1, 20, 5)},
			[]want{{UnitAll, 0, ""}, {UnitLocation, 10, ""}, {UnitLocation, 20, ""}, {UnitTeam, 1, ReasonSpans}}},
		{"four in all: nothing",
			[]*fresco.PulseAtom{atom(1, 10, 4)},
			[]want{{UnitAll, 0, ReasonFewer}, {UnitLocation, 10, ReasonFewer}, {UnitTeam, 1, ReasonFewer}}},
	} {
		f := buildFamily(tc.atoms)
		f.suppress(MinN)
		for _, w := range tc.want {
			g := map[string]*group{UnitAll: f.all}[w.kind]
			switch w.kind {
			case UnitTeam:
				g = f.teams[w.id]
			case UnitLocation:
				g = f.locations[w.id]
			}
			if g.shown != (w.reason == "") || (!g.shown && g.reason != w.reason) {
				t.Errorf("%s: %s %d shown=%v reason=%q, want reason %q", tc.name, w.kind, w.id, g.shown, g.reason, w.reason)
			}
		}
	}
}

// TestCheckQuestions refuses sets that lose a core question or mix kinds.
func TestCheckQuestions(t *testing.T) {
	t.Parallel()
	if err := CheckQuestions(DefaultQuestions); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	extra := append(append([]fresco.PulseQuestion{}, DefaultQuestions...), fresco.PulseQuestion{Key: "mood", Kind: fresco.PulseENPS, Text: "?"})
	for name, qs := range map[string][]fresco.PulseQuestion{
		"no enps":     DefaultQuestions[:4],
		"second enps": extra,
		"bad key":     append([]fresco.PulseQuestion{{Key: "Bad Key", Kind: fresco.PulseScale, Text: "x"}}, DefaultQuestions...),
		"empty text":  append([]fresco.PulseQuestion{{Key: "x", Kind: fresco.PulseScale}}, DefaultQuestions...),
		"twice":       append([]fresco.PulseQuestion{DefaultQuestions[0]}, DefaultQuestions...),
	} {
		if err := CheckQuestions(qs); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
}

func monthAtom(pulse, team, location int64, n int) *fresco.PulseAtom {
	a := atom(team, location, n)
	a.PulseID = pulse
	return a
}

// TestSuppressQuarter works hand-made quarters through the quarter rule:
// with the months' own cells published, no quarter cell may single out
// 1 to 4 answers.
func TestSuppressQuarter(t *testing.T) {
	t.Parallel()
	months := func(atoms ...[]*fresco.PulseAtom) []*family {
		var out []*family
		for _, as := range atoms {
			f := buildFamily(as)
			f.suppress(MinN)
			out = append(out, f)
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		months []*family
		team   map[int64]string // team → reason ("" = shown)
		all    string
	}{
		{"a team of 6 and 5 shown in two months and 2 in the third: its quarter would give the 2 away",
			months([]*fresco.PulseAtom{monthAtom(1, 1, 10, 6), monthAtom(1, 2, 20, 7)},
				[]*fresco.PulseAtom{monthAtom(2, 1, 10, 5), monthAtom(2, 2, 20, 7)},
				[]*fresco.PulseAtom{monthAtom(3, 1, 10, 2), monthAtom(3, 2, 20, 7)}),
			// and so would the other team's: its quarter minus its two months is
			// its third, which all staff's third month less gives the 2 away
			map[int64]string{1: ReasonComplement, 2: ReasonComplement}, ""},
		{"a team of 3 a month while all staff's months are shown: alike by the rule, yet no combination takes its months apart",
			months([]*fresco.PulseAtom{monthAtom(1, 1, 10, 3), monthAtom(1, 2, 20, 6)},
				[]*fresco.PulseAtom{monthAtom(2, 1, 10, 3), monthAtom(2, 2, 20, 6)},
				[]*fresco.PulseAtom{monthAtom(3, 1, 10, 3), monthAtom(3, 2, 20, 6)}),
			map[int64]string{1: "", 2: ""}, ""},
		{"…but a team shown in two months gives its third away by its quarter, and then the first team's too",
			months([]*fresco.PulseAtom{monthAtom(1, 1, 10, 3), monthAtom(1, 2, 20, 6), monthAtom(1, 3, 30, 3)},
				[]*fresco.PulseAtom{monthAtom(2, 1, 10, 3), monthAtom(2, 2, 20, 6), monthAtom(2, 3, 30, 7)},
				[]*fresco.PulseAtom{monthAtom(3, 1, 10, 3), monthAtom(3, 2, 20, 6), monthAtom(3, 3, 30, 7)}),
			map[int64]string{1: ReasonComplement, 2: "", 3: ReasonComplement}, ""},
		{"two teams of 3 and 4 a month, nothing shown monthly: the quarter shows both",
			months([]*fresco.PulseAtom{monthAtom(1, 1, 10, 2), monthAtom(1, 2, 20, 2)},
				[]*fresco.PulseAtom{monthAtom(2, 1, 10, 2), monthAtom(2, 2, 20, 1)},
				[]*fresco.PulseAtom{monthAtom(3, 1, 10, 2), monthAtom(3, 2, 20, 2)}),
			map[int64]string{1: "", 2: ""}, ""},
		{"a month of 3 in all: the quarter minus the two shown months is that month",
			months([]*fresco.PulseAtom{monthAtom(1, 1, 10, 6)},
				[]*fresco.PulseAtom{monthAtom(2, 1, 10, 6)},
				[]*fresco.PulseAtom{monthAtom(3, 1, 10, 3)}),
			map[int64]string{1: ReasonComplement}, ReasonComplement},
		{"two in the quarter: nothing",
			months([]*fresco.PulseAtom{monthAtom(1, 1, 10, 1)}, []*fresco.PulseAtom{monthAtom(2, 1, 10, 1)}),
			map[int64]string{1: ReasonFewer}, ReasonFewer},
	} {
		q := buildQuarter(tc.months)
		q.suppress(MinN)
		budget := exactBudget
		if ok, checked := q.isolatesNone(MinN, &budget); !ok || !checked {
			t.Errorf("%s: a set of fewer than 5 answers can be isolated (checked %v)", tc.name, checked)
		}
		for id, reason := range tc.team {
			if g := q.teams[id]; g.shown != (reason == "") || (!g.shown && g.reason != reason) {
				t.Errorf("%s: team %d shown=%v reason=%q, want reason %q", tc.name, id, g.shown, g.reason, reason)
			}
		}
		if q.all.shown != (tc.all == "") || (!q.all.shown && q.all.reason != tc.all) {
			t.Errorf("%s: all staff shown=%v reason=%q, want %q", tc.name, q.all.shown, q.all.reason, tc.all)
		}
	}
}

func TestQuarterNames(t *testing.T) {
	t.Parallel()
	for month, want := range map[string][3]string{"2025-01": {"2025-Q1", "2025-01", "2025-03"},
		"2025-06": {"2025-Q2", "2025-04", "2025-06"}, "2025-12": {"2025-Q4", "2025-10", "2025-12"}} {
		if got := [3]string{quarterOf(month), quarterStart(month), quarterEnd(month)}; got != want {
			t.Errorf("%s: %v, want %v", month, got, want)
		}
	}
}

// BenchmarkQuarter is a quarter of a business with 40 teams of 2 to 7 at
// 8 locations: the rule and the exact checks within their budget.
func BenchmarkQuarter(b *testing.B) {
	var months [][]*fresco.PulseAtom
	for m := range 3 {
		var atoms []*fresco.PulseAtom
		for team := range int64(40) {
			atoms = append(atoms, monthAtom(int64(m+1), team+1, 100+team%8, 2+int(team*7+int64(m)*3)%6))
		}
		months = append(months, atoms)
	}
	for b.Loop() {
		var fams []*family
		for _, atoms := range months {
			f := buildFamily(atoms)
			f.suppress(MinN)
			fams = append(fams, f)
		}
		q := buildQuarter(fams)
		q.suppress(MinN)
	}
}
