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
