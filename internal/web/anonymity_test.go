package web_test

// Issue 13, item 10: no pulse answer can be attributed through any
// endpoint or filter combination. TestAnonymityAcrossEndpoints builds
// random organisations, has their staff answer a quarter's three monthly
// pulses (someone leaving, someone moving team), then calls every pulse
// and latitude endpoint with every combination of by, period, from/to
// narrowing and unit filters as every role, and every other GET endpoint
// of the API (the people ones for every employee) as every role. It checks,
// independently of the rules the server implements:
//   - agents read no staff aggregate;
//   - a cell is the same whatever query published it, and a hidden one
//     carries no figure;
//   - no set of 1 to 4 answers is a linear combination of the published
//     cells, months and quarters together (so no difference of overlapping
//     filters isolates fewer than 5 people);
//   - every published text could have come from at least 5 people, and
//     carries no author and no date;
//   - the latitude audit counts and quotes only texts the pulse results
//     publish for the same unit and months, quotes only from 5 answers;
//   - no other endpoint shows a pulse text at all.

import (
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/latitude"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// answerAtom is the finest grouping of an answer across a quarter: its
// month, team and location.
type answerAtom struct {
	month string
	atomKey
}

// quarterTruth is what the test knows and the server must not tell.
type quarterTruth struct {
	quarter string
	months  []string
	answers map[answerAtom]int
	texts   map[string]answerAtom // text → its writer's atom
	units   map[string][]int64    // "team"/"location" → the round's ids
}

func TestAnonymityAcrossEndpoints(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newPulseWorld(t, db)
		for round := range 2 {
			start := time.Date(2025, time.Month(1+3*round), 1, 9, 0, 0, 0, time.UTC)
			truth := w.answerQuarter(t, rand.New(rand.NewPCG(uint64(round), 10)), start)
			w.clock.Set(start.AddDate(0, 3, 2)) // the quarter is over
			published := w.publishedCells(t, truth)
			w.checkSpan(t, truth, published)
			w.checkTexts(t, truth, published)
			w.checkLatitude(t, truth, published)
		}
		w.checkOtherEndpoints(t)
	})
}

// answerQuarter builds a random organisation and has it answer the three
// pulses of the quarter starting at start.
func (w *pulseWorld) answerQuarter(t *testing.T, r *rand.Rand, start time.Time) *quarterTruth {
	tr := &quarterTruth{answers: map[answerAtom]int{}, texts: map[string]answerAtom{}, units: map[string][]int64{}}
	org := w.randomOrg(t, r, start.Format("0601"), 3, 7, 2)
	tr.units[pulse.UnitLocation], tr.units[pulse.UnitTeam] = org.locs, org.teams
	tr.quarter = fmt.Sprintf("%d-Q%d", start.Year(), (int(start.Month())-1)/3+1)
	for mi := range 3 {
		at := start.AddDate(0, mi, 0)
		month := at.Format("2006-01")
		tr.months = append(tr.months, month)
		p := w.open(t, at)
		if mi == 1 { // one leaves, one moves to another team
			org.leaveAndMove(t, w)
		}
		for i, m := range org.staff {
			if !m.e.Active || r.IntN(6) == 0 {
				continue
			}
			text := ""
			if r.IntN(2) == 0 {
				text = fmt.Sprintf("refund idea %s of %d", month, m.e.ID) // a refund theme, so the audit quotes it
			}
			w.answer(t, p, m.e, 1+(i+mi)%5, text)
			a := answerAtom{month, m.atom}
			tr.answers[a]++
			if text != "" {
				tr.texts[text] = a
			}
		}
	}
	return tr
}

// publishedCells calls the results endpoint with every filter combination
// as every role and collects the cells of the quarter and its months.
func (w *pulseWorld) publishedCells(t *testing.T, tr *quarterTruth) map[string]pulse.Cell {
	published := map[string]pulse.Cell{}
	m1, m2, m3 := tr.months[0], tr.months[1], tr.months[2]
	spans := [][2]string{{m1, m1}, {m2, m2}, {m3, m3}, {m1, m2}, {m2, m3}, {m1, m3}, {"", m3},
		{m1 + "-15", m3 + "-02"}, {m2, m2 + "-28"}, {"2024-11", "2026-02"}}
	for _, role := range fresco.Roles {
		for _, by := range []string{"team", "location"} {
			for _, period := range []string{"month", "quarter"} {
				for _, span := range spans {
					q := "by=" + by + "&period=" + period + "&to=" + span[1]
					if span[0] != "" {
						q += "&from=" + span[0]
					}
					var r pulse.Results
					if !w.aggregateAs(t, role, "/api/v1/pulses/results?"+q, &r) {
						continue
					}
					collect(t, published, &r, append([]string{tr.quarter}, tr.months...)...)
				}
			}
		}
	}
	return published
}

// aggregateAs reads a staff aggregate as role into out; an agent must be
// refused (403), and then it reports false.
func (w *pulseWorld) aggregateAs(t *testing.T, role fresco.Role, path string, out any) bool {
	t.Helper()
	res := w.f.do(request{method: "GET", path: path, role: role})
	if role == fresco.RoleAgent {
		if res.Code != http.StatusForbidden {
			t.Fatalf("agent: %s = %d, want 403", path, res.Code)
		}
		return false
	}
	if res.Code != http.StatusOK || json.Unmarshal(res.Body, out) != nil {
		t.Fatalf("%s as %s = %s", path, role, res)
	}
	return true
}

// holds reports whether a published cell holds an answer of atom a.
func (tr *quarterTruth) holds(c pulse.Cell, a answerAtom) bool {
	if c.Period != a.month && c.Period != tr.quarter {
		return false
	}
	return inUnit(c.Unit, a.atomKey)
}

// atoms lists the quarter's atoms in a fixed order.
func (tr *quarterTruth) atoms() []answerAtom {
	out := make([]answerAtom, 0, len(tr.answers))
	for a := range tr.answers {
		out = append(out, a)
	}
	slices.SortFunc(out, func(x, y answerAtom) int {
		return strings.Compare(fmt.Sprint(x), fmt.Sprint(y))
	})
	return out
}

// checkSpan: every published n is the answers it holds, at least 5, and
// no set of atoms with 1 to 4 answers is a linear combination of the
// published cells — the differences of overlapping filters included.
func (w *pulseWorld) checkSpan(t *testing.T, tr *quarterTruth, published map[string]pulse.Cell) {
	atoms := tr.atoms()
	var rows [][]int
	quarterShown := 0
	for key, c := range published {
		if c.Hidden {
			continue
		}
		row := make([]int, len(atoms))
		n := 0
		for i, a := range atoms {
			if tr.holds(c, a) {
				row[i], n = 1, n+tr.answers[a]
			}
		}
		if *c.N != n || n < pulse.MinN {
			t.Errorf("%s: n = %d, the answers in it %d", key, *c.N, n)
		}
		if c.Period == tr.quarter {
			quarterShown++
		}
		rows = append(rows, row)
	}
	t.Logf("%s: %d atoms, %d cells published (%d of the quarter)", tr.quarter, len(atoms), len(rows), quarterShown)
	null := nullSpace(rows, len(atoms))
	// Every set of atoms holding 1 to 4 answers (at most 4 atoms).
	var walk func(from, answers int, set []int)
	walk = func(from, answers int, set []int) {
		if answers >= 1 && orthogonal(null, set) {
			var which []answerAtom
			for _, i := range set {
				which = append(which, atoms[i])
			}
			t.Errorf("%s: %d answers (%v) can be isolated from the published cells", tr.quarter, answers, which)
		}
		for i := from; i < len(atoms); i++ {
			if n := answers + tr.answers[atoms[i]]; n < pulse.MinN {
				walk(i+1, n, append(set, i))
			}
		}
	}
	walk(0, 0, nil)
}

// nullSpace returns a basis of the vectors x with row·x = 0 for every row:
// a target is a combination of the rows exactly when it is orthogonal to
// all of them.
func nullSpace(rows [][]int, cols int) [][]*big.Rat {
	a := make([][]*big.Rat, len(rows))
	for i, row := range rows {
		a[i] = make([]*big.Rat, cols)
		for j, v := range row {
			a[i][j] = big.NewRat(int64(v), 1)
		}
	}
	pivotOf := map[int]int{} // column → row of the reduced echelon form
	r := 0
	for col := 0; col < cols && r < len(a); col++ {
		p := -1
		for i := r; i < len(a); i++ {
			if a[i][col].Sign() != 0 {
				p = i
				break
			}
		}
		if p < 0 {
			continue
		}
		a[r], a[p] = a[p], a[r]
		inv := new(big.Rat).Inv(a[r][col])
		for j := range cols {
			a[r][j] = new(big.Rat).Mul(a[r][j], inv)
		}
		for i := range a {
			if i == r || a[i][col].Sign() == 0 {
				continue
			}
			f := new(big.Rat).Set(a[i][col])
			for j := range cols {
				a[i][j] = new(big.Rat).Sub(a[i][j], new(big.Rat).Mul(f, a[r][j]))
			}
		}
		pivotOf[col] = r
		r++
	}
	var basis [][]*big.Rat
	for free := range cols {
		if _, pivot := pivotOf[free]; pivot {
			continue
		}
		v := make([]*big.Rat, cols)
		for j := range v {
			v[j] = new(big.Rat)
		}
		v[free].SetInt64(1)
		for col, row := range pivotOf {
			v[col] = new(big.Rat).Neg(a[row][free])
		}
		basis = append(basis, v)
	}
	return basis
}

// orthogonal reports whether the indicator of set is orthogonal to every
// vector of null.
func orthogonal(null [][]*big.Rat, set []int) bool {
	for _, v := range null {
		sum := new(big.Rat)
		for _, i := range set {
			sum.Add(sum, v[i])
		}
		if sum.Sign() != 0 {
			return false
		}
	}
	return true
}

// signatureOf is the published cells listing free text that hold atom
// a: where a text of a shows up, and so all it tells of its writer.
func signatureOf(tr *quarterTruth, published map[string]pulse.Cell, a answerAtom) string {
	var in []string
	for key, c := range published {
		if !c.Hidden && !c.TextsHidden && tr.holds(c, a) {
			in = append(in, key)
		}
	}
	slices.Sort(in)
	return strings.Join(in, ";")
}

// checkTexts: each published text lies in a cell that holds its writer,
// and at least 5 answers lie in exactly the same published cells.
func (w *pulseWorld) checkTexts(t *testing.T, tr *quarterTruth, published map[string]pulse.Cell) {
	for key, c := range published {
		for _, cm := range c.Comments {
			for _, text := range cm.Texts {
				a, ok := tr.texts[text]
				if !ok || !tr.holds(c, a) {
					t.Errorf("text %q listed in %s", text, key)
					continue
				}
				mine, alike := signatureOf(tr, published, a), 0
				for b, n := range tr.answers {
					if signatureOf(tr, published, b) == mine {
						alike += n
					}
				}
				if alike < pulse.MinN {
					t.Errorf("text %q (in %s) can be narrowed down to %d people", text, key, alike)
				}
			}
		}
	}
}

var preciseTime = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// checkLatitude calls the audit for every unit and every span of months as
// every role: it counts and quotes only texts the results publish.
func (w *pulseWorld) checkLatitude(t *testing.T, tr *quarterTruth, published map[string]pulse.Cell) {
	m1, m2, m3 := tr.months[0], tr.months[1], tr.months[2]
	type unit struct {
		by string
		id int64
	}
	units := []unit{{}}
	for _, by := range []string{pulse.UnitTeam, pulse.UnitLocation} {
		for _, id := range tr.units[by] {
			units = append(units, unit{by, id})
		}
	}
	for _, u := range units {
		for _, span := range [][2]string{{m1, m1}, {m2, m2}, {m3, m3}, {m1, m2}, {m1, m3}, {m1 + "-10", m3 + "-20"}} {
			q := "from=" + span[0] + "&to=" + span[1]
			cellKind, cellID := pulse.UnitAll, int64(0)
			if u.by != "" {
				q += fmt.Sprintf("&by=%s&unit=%d", u.by, u.id)
				cellKind, cellID = u.by, u.id
			}
			// What the results publish for this unit and these months.
			var want []string
			from, to := span[0][:7], span[1][:7]
			for _, month := range tr.months {
				c, ok := published[fmt.Sprintf("%s/%d %s", cellKind, cellID, month)]
				if !ok || c.Hidden || month < from || month > to {
					continue
				}
				for _, cm := range c.Comments {
					if cm.Key == pulse.KeyDecisions {
						want = append(want, cm.Texts...)
					}
				}
			}
			for _, role := range fresco.Roles {
				var r latitude.Report
				if !w.aggregateAs(t, role, "/api/v1/latitude?"+q, &r) {
					continue
				}
				asks, _ := json.Marshal(r.Asks)
				if preciseTime.Match(asks) {
					t.Errorf("latitude?%s: the asks carry a date: %s", q, asks)
				}
				if r.Asks.Answers != len(want) {
					t.Errorf("latitude?%s: %d answers counted, the results publish %d", q, r.Asks.Answers, len(want))
				}
				for _, th := range r.Asks.Themes {
					if th.Quotes != nil && r.Asks.Answers < pulse.MinN {
						t.Errorf("latitude?%s: quotes from %d answers", q, r.Asks.Answers)
					}
					for _, quote := range th.Quotes {
						if !slices.Contains(want, quote) {
							t.Errorf("latitude?%s: quote %q is not published for the unit", q, quote)
						}
					}
				}
			}
		}
	}
}

// checkOtherEndpoints calls every other GET operation of the API (the
// employee ones for every employee) as every role: none shows a pulse text.
func (w *pulseWorld) checkOtherEndpoints(t *testing.T) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	raw := w.f.do(request{method: "GET", path: "/api/openapi.json", role: fresco.RoleOwner})
	if err := json.Unmarshal(raw.Body, &doc); err != nil {
		t.Fatal(err)
	}
	var employees []int64
	for _, staff := range w.staff {
		for _, e := range staff {
			employees = append(employees, e.ID)
		}
	}
	var paths []string
	for path, ops := range doc.Paths {
		path = "/" + strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1"), "/")
		if _, ok := ops["get"]; !ok || path == "/pulses/results" || path == "/latitude" {
			continue
		}
		switch {
		case !strings.Contains(path, "{"):
			paths = append(paths, path)
		case strings.HasPrefix(path, "/employees/{id}") && strings.Count(path, "{") == 1:
			for _, id := range employees {
				paths = append(paths, strings.Replace(path, "{id}", fmt.Sprint(id), 1))
			}
		}
	}
	slices.Sort(paths)
	called := 0
	for _, path := range paths {
		for _, role := range fresco.Roles {
			res := w.f.do(request{method: "GET", path: "/api/v1" + path, role: role})
			if res.Code >= 500 {
				t.Errorf("GET %s as %s = %s", path, role, res)
			}
			if res.Code == http.StatusOK {
				called++
			}
			if strings.Contains(string(res.Body), "refund idea ") {
				t.Errorf("GET %s as %s shows a pulse answer: %.300s", path, role, res.Body)
			}
		}
	}
	t.Logf("%d GET operations, %d calls answered 200", len(paths), called)
}

// TestDifferencingAttacks tries the subtractions an attacker would: a
// team's quarter minus its two published months (leaving a third month of
// 2), and a location's quarter minus its published teams' quarters. The
// complementary suppression must leave at least one term of each hidden.
func TestDifferencingAttacks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newPulseWorld(t, db)
		north, south := w.location(t, "North"), w.location(t, "South")
		alpha, bravo := w.team(t, "Alpha", &north), w.team(t, "Bravo", &south)
		w.hire(t, "a", 6, &alpha, nil)
		w.hire(t, "b", 7, &bravo, nil)
		for month, alphas := range []int{6, 5, 2} {
			p := w.open(t, time.Date(2025, time.Month(1+month), 1, 9, 0, 0, 0, time.UTC))
			for i, e := range w.staff["a"][:alphas] {
				w.answer(t, p, e, 1+i%5, "")
			}
			w.answerAll(t, p, "b", 4, "")
		}
		w.clock.Set(time.Date(2025, 4, 3, 0, 0, 0, 0, time.UTC))
		months := w.results(t, "by=team&period=month&from=2025-01&to=2025-03")
		quarter := w.results(t, "by=team&period=quarter&from=2025-01&to=2025-03")
		byLoc := w.results(t, "by=location&period=quarter&from=2025-02&to=2025-02")
		jan, feb, mar := cellOf(months, alpha, "2025-01"), cellOf(months, alpha, "2025-02"), cellOf(months, alpha, "2025-03")
		q := cellOf(quarter, alpha, "2025-Q1")
		if jan.Hidden || feb.Hidden || !mar.Hidden {
			t.Fatalf("Alpha's months: %v %v %v, want Jan and Feb shown, March (2) hidden", jan.Hidden, feb.Hidden, mar.Hidden)
		}
		if !q.Hidden || q.Reason != pulse.ReasonComplement {
			t.Errorf("Alpha's quarter = %+v: its %d answers minus January's %d and February's %d would give March's 2 away",
				q, deref(q.N), *jan.N, *feb.N)
		}
		// North is Alpha: its quarter minus Alpha's months is March too.
		if n := cellOf(byLoc, north, "2025-Q1"); !n.Hidden {
			t.Errorf("North's quarter = %+v, want hidden for the same reason", n)
		}
		// All staff's quarter minus its three months (all shown) is nothing
		// new, and minus Bravo's quarter is Alpha's: hidden too, or Bravo's.
		all, b := quarter.All[0], cellOf(quarter, bravo, "2025-Q1")
		if !all.Hidden && !b.Hidden {
			t.Errorf("all staff's quarter (%d) and Bravo's (%d) both shown: their difference is Alpha's quarter", *all.N, *b.N)
		}
	})
}

func deref(n *int) int {
	if n == nil {
		return -1
	}
	return *n
}
