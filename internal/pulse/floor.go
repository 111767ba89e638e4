package pulse

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// The anonymity floor. A pulse's answers are published only as sums over
// groups of at least MinN answers. Hiding each small cell is not enough:
// a cell can be worked out by subtracting published cells from a wider one
// (a location's answers minus those of its teams leave the few answers of
// its staff outside those teams). So every month is treated as one
// family of groups — all staff, each location, each team — whatever the
// caller asked for, and a cell is also hidden when publishing it would let
// such a difference isolate between 1 and MinN−1 answers.
//
// The family is kept laminar (any two groups are nested or disjoint):
// a team is placed under the location all its month's answers came from, or
// under all staff when they came without a location; a team whose answers
// came from several locations is not published that month. In a laminar
// family every sum an attacker can form from published cells, by any
// combination of filters, is a sum over "regions": a published group minus
// its largest published subgroups. Hence the rule this file enforces, and
// the one the tests try to break:
//
//	every published group has n ≥ MinN, and so does every region
//	(a published group minus its largest published subgroups), or
//	the region is empty.
//
// When a region holds 1 to MinN−1 answers, the smallest published subgroup
// bordering it is hidden too (complementary suppression), which merges it
// into the region, and the check runs again until nothing changes. Cells
// are whole months, so from/to choose cells but never change one, and a
// pulse's cells are published only once it has closed, so nobody can watch
// a cell change as one more person answers.

// MinN is the fewest answers a published group (and region) may hold.
const MinN = 5

// Why a cell is hidden.
const (
	ReasonFewer      = "fewer than 5 answers"
	ReasonComplement = "hidden so that no other figure minus this one reveals fewer than 5 answers"
	ReasonSpans      = "the team's answers came from several locations this month: they count in those locations only"
	ReasonOpen       = "the pulse is still open: results are shown once it closes"
)

// Unit kinds.
const (
	UnitAll      = "all"
	UnitTeam     = "team"
	UnitLocation = "location"
)

// group is one unit's answers to one pulse: a node of the month's family.
type group struct {
	kind     string
	id       int64
	n        int
	atoms    []*fresco.PulseAtom
	children []*group
	spans    bool
	shown    bool
	reason   string
	// mute: shown for its figures but not its free text (exact.go): a
	// text is one answer whose cells say which class it is in.
	mute bool
}

// family is the groups of one pulse.
type family struct {
	all       *group
	teams     map[int64]*group
	locations map[int64]*group
}

// buildFamily groups a pulse's atoms into all staff, locations and teams,
// nesting each team under its location.
func buildFamily(atoms []*fresco.PulseAtom) *family {
	f := &family{all: &group{kind: UnitAll}, teams: map[int64]*group{}, locations: map[int64]*group{}}
	teamLocations := map[int64]map[int64]bool{} // team → locations of its answers (0: none)
	at := func(m map[int64]*group, kind string, id int64) *group {
		if m[id] == nil {
			m[id] = &group{kind: kind, id: id}
		}
		return m[id]
	}
	add := func(g *group, a *fresco.PulseAtom) { g.n += a.N; g.atoms = append(g.atoms, a) }
	for _, a := range atoms {
		add(f.all, a)
		var loc int64
		if a.LocationID != nil {
			loc = *a.LocationID
			add(at(f.locations, UnitLocation, loc), a)
		}
		if a.TeamID != nil {
			add(at(f.teams, UnitTeam, *a.TeamID), a)
			if teamLocations[*a.TeamID] == nil {
				teamLocations[*a.TeamID] = map[int64]bool{}
			}
			teamLocations[*a.TeamID][loc] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(f.locations)) {
		f.all.children = append(f.all.children, f.locations[id])
	}
	for _, id := range slices.Sorted(maps.Keys(f.teams)) {
		t := f.teams[id]
		if len(teamLocations[id]) > 1 {
			t.spans = true
			continue
		}
		parent := f.all
		for loc := range teamLocations[id] {
			if loc != 0 {
				parent = f.locations[loc]
			}
		}
		parent.children = append(parent.children, t)
	}
	return f
}

// groups lists every group, all staff first, then locations and teams by id.
func (f *family) groups() []*group {
	out := []*group{f.all}
	for _, id := range slices.Sorted(maps.Keys(f.locations)) {
		out = append(out, f.locations[id])
	}
	for _, id := range slices.Sorted(maps.Keys(f.teams)) {
		out = append(out, f.teams[id])
	}
	return out
}

// suppress decides which groups are published, by the rule above.
func (f *family) suppress(minN int) {
	for _, g := range f.groups() {
		g.shown = g.n >= minN && !g.spans
		switch {
		case g.spans:
			g.reason = ReasonSpans
		case !g.shown:
			g.reason = ReasonFewer
		}
	}
	for f.hideOneComplement(minN) {
	}
}

// hideOneComplement finds a published group whose region holds 1 to
// minN−1 answers and hides the smallest published subgroup bordering that
// region; it reports whether it hid one.
func (f *family) hideOneComplement(minN int) bool {
	for _, g := range f.groups() {
		if !g.shown {
			continue
		}
		subs := g.largestShownSubgroups()
		region := g.n
		for _, s := range subs {
			region -= s.n
		}
		if region == 0 || region >= minN || len(subs) == 0 {
			continue
		}
		smallest := slices.MinFunc(subs, func(a, b *group) int { return a.n - b.n })
		smallest.shown, smallest.reason = false, ReasonComplement
		return true
	}
	return false
}

// largestShownSubgroups are the published groups inside g that no other
// published group inside g contains.
func (g *group) largestShownSubgroups() []*group {
	var out []*group
	for _, c := range g.children {
		if c.shown {
			out = append(out, c)
		} else {
			out = append(out, c.largestShownSubgroups()...)
		}
	}
	return out
}

// Quarters. A quarter's cells are sums of its months' atoms, published
// beside the months' own cells, so the two together are no longer a
// laminar family: a team's quarter minus its two shown months is its
// third month, a location's quarter minus a team's quarter crosses the
// months. The rule generalises to any family: call two atoms alike when
// every published cell holds both or neither. Any figure an attacker
// can form from published cells, with any filters and any differences,
// weighs alike atoms alike, so the fewest answers it can isolate is the
// size of a class of alike atoms. Hence, for a quarter:
//
//	every class of alike atoms (over the quarter's cells and its
//	months' published cells) that some published cell holds has at
//	least MinN answers.
//
// The months' cells are decided first, by the month rule, and never
// change; a class of 1 to MinN−1 answers hides the smallest published
// quarter cell that holds it, and the check runs again. With every
// quarter cell hidden the classes are the months' regions, which the
// month rule keeps at 0 or ≥ MinN, so the loop ends with the rule kept.
// A quarter is published only once it is over and all its pulses have
// closed.

// ReasonQuarterOpen is why a quarter that has not ended shows nothing.
const ReasonQuarterOpen = "the quarter is not over: results are shown once all its pulses have closed"

// quarterFamily is the groups of one quarter over its months' families.
type quarterFamily struct {
	months []*family // each suppressed by the month rule
	family           // the quarter's own groups: all staff, locations, teams (none spans)
}

// buildQuarter groups the atoms of a quarter's months (one family each,
// suppressed) into quarter groups.
func buildQuarter(months []*family) *quarterFamily {
	q := &quarterFamily{months: months, family: family{all: &group{kind: UnitAll}, teams: map[int64]*group{}, locations: map[int64]*group{}}}
	at := func(m map[int64]*group, kind string, id int64) *group {
		if m[id] == nil {
			m[id] = &group{kind: kind, id: id}
		}
		return m[id]
	}
	for _, m := range months {
		for _, a := range m.all.atoms {
			add := func(g *group) { g.n += a.N; g.atoms = append(g.atoms, a) }
			add(q.all)
			if a.LocationID != nil {
				add(at(q.locations, UnitLocation, *a.LocationID))
			}
			if a.TeamID != nil {
				add(at(q.teams, UnitTeam, *a.TeamID))
			}
		}
	}
	return q
}

// suppress decides which quarter groups are published, by the rule above.
func (q *quarterFamily) suppress(minN int) {
	for _, g := range q.groups() {
		g.shown, g.reason = g.n >= minN, ""
		if !g.shown {
			g.reason = ReasonFewer
		}
	}
	for {
		g := q.smallestAroundASmallClass(minN)
		if g == nil {
			break
		}
		g.shown, g.reason = false, ReasonComplement
	}
	q.reshow(minN) // exact.go: what the rule hid that no combination could take apart
}

// smallestAroundASmallClass finds a class of alike atoms with 1 to minN−1
// answers held by some published cell and returns the smallest published
// quarter group that either holds it or splits the atoms alike by the
// months' cells alone (its month region) that it belongs to; nil when
// there is no such class. One of them exists: a class that is a whole
// month region held by a month cell has 0 or ≥ minN answers by the month
// rule.
func (q *quarterFamily) smallestAroundASmallClass(minN int) *group {
	type class struct {
		n       int
		held    bool     // some published cell holds it
		holders []*group // the published quarter groups that hold it
		regions []string // the month regions its atoms lie in
	}
	classes := map[string]*class{}
	regions := map[string][]*fresco.PulseAtom{}
	var order []string
	shownIn := func(gs []*group) []*group { return slices.DeleteFunc(gs, func(g *group) bool { return !g.shown }) }
	quarter := shownIn(q.groups())
	for mi, m := range q.months {
		month := shownIn(m.groups()) // the month's published cells
		for _, a := range m.all.atoms {
			var sig strings.Builder
			for _, g := range month {
				if g.holdsAtom(a) {
					sig.WriteString("m" + strconv.Itoa(mi) + "/" + g.kind + "/" + strconv.FormatInt(g.id, 10) + ";")
				}
			}
			region := "m" + strconv.Itoa(mi) + ":" + sig.String()
			regions[region] = append(regions[region], a)
			var holders []*group
			for _, g := range quarter {
				if g.holdsAtom(a) {
					sig.WriteString("q/" + g.kind + "/" + strconv.FormatInt(g.id, 10) + ";")
					holders = append(holders, g)
				}
			}
			key := sig.String() // the months' cells name their month: alike atoms may come from several
			if classes[key] == nil {
				classes[key] = &class{holders: holders, held: key != ""}
				order = append(order, key)
			}
			classes[key].n += a.N
			if !slices.Contains(classes[key].regions, region) {
				classes[key].regions = append(classes[key].regions, region)
			}
		}
	}
	for _, key := range order {
		c := classes[key]
		if c.n == 0 || c.n >= minN || !c.held {
			continue
		}
		candidates := append([]*group{}, c.holders...)
		for _, g := range quarter {
			for _, r := range c.regions {
				if splits(g, regions[r]) && !slices.Contains(candidates, g) {
					candidates = append(candidates, g)
				}
			}
		}
		if len(candidates) > 0 {
			return slices.MinFunc(candidates, func(a, b *group) int { return a.n - b.n })
		}
	}
	return nil
}

// splits reports whether g holds some of atoms but not all.
func splits(g *group, atoms []*fresco.PulseAtom) bool {
	in := 0
	for _, a := range atoms {
		if g.holdsAtom(a) {
			in++
		}
	}
	return in > 0 && in < len(atoms)
}

// holdsAtom reports whether atom a counts in g (a team that spans
// locations holds its atoms too; it is simply never shown).
func (g *group) holdsAtom(a *fresco.PulseAtom) bool {
	return g.holds(a.TeamID, a.LocationID)
}
