package pulse

import (
	"math/big"
	"slices"
)

// The quarter rule (floor.go) is sufficient, not exact: a class of 1 to
// MinN−1 alike answers is out of reach unless some combination of the
// published cells equals exactly it, and often none does (a team of 3 a
// month whose months are hidden: its quarter and all staff's months weigh
// its months alike but cannot take one apart). After the rule has run,
// reshow tries each quarter cell it hid, largest first, and keeps it shown
// when exact rational arithmetic finds no set of 1 to MinN−1 answers in the
// span of the published cells — months and quarter together. The work of
// each check is about cells × classes × rank; once a quarter's checks have
// spent exactBudget, the cells left keep the rule's answer, which is safe
// (a business of hundreds of small teams gets fewer quarter cells, never a
// slow page).
//
// A cell shown again this way shows its figures but not its free text:
// sums cannot be taken apart, but a text is one answer, and the cells that
// list it say which class of alike answers it came from — which the rule
// keeps at MinN or more only over the cells it publishes. So texts are
// listed by the months' cells and the quarter cells the rule itself shows.

// exactBudget bounds a quarter's exact checks: the sum over them of cells ×
// classes × min(cells, classes), rational operations.
const exactBudget = 1_000_000

// reshow shows again, where exact arithmetic allows, the quarter groups
// that suppress hid to protect a class.
func (q *quarterFamily) reshow(minN int) {
	hidden := slices.DeleteFunc(q.groups(), func(g *group) bool { return g.shown || g.reason != ReasonComplement })
	slices.SortStableFunc(hidden, func(a, b *group) int { return b.n - a.n })
	budget := exactBudget
	for _, g := range hidden {
		g.shown = true
		ok, checked := q.isolatesNone(minN, &budget)
		if !checked {
			g.shown = false
			return
		}
		if ok {
			g.reason, g.mute = "", true
		} else {
			g.shown = false
		}
	}
}

// cell is a published group with the month it belongs to (-1: the quarter).
type cell struct {
	g     *group
	month int
}

// isolatesNone reports whether no union of classes of alike atoms holding
// 1 to minN−1 answers is a rational combination of the published cells;
// checked is false when the budget could not pay for finding out (what it
// spends is taken from it).
func (q *quarterFamily) isolatesNone(minN int, budget *int) (ok, checked bool) {
	var cells []cell
	for mi, m := range q.months {
		for _, g := range m.groups() {
			if g.shown {
				cells = append(cells, cell{g, mi})
			}
		}
	}
	for _, g := range q.groups() {
		if g.shown {
			cells = append(cells, cell{g, -1})
		}
	}
	// Alike atoms are one column: every cell weighs them alike.
	type class struct {
		n  int
		in []bool // per cell
	}
	byKey := map[string]*class{}
	var classes []*class
	for mi, m := range q.months {
		for _, a := range m.all.atoms {
			in := make([]bool, len(cells))
			key := make([]byte, len(cells))
			for ci, c := range cells {
				in[ci] = (c.month == -1 || c.month == mi) && c.g.holdsAtom(a)
				key[ci] = '0'
				if in[ci] {
					key[ci] = '1'
				}
			}
			k := string(key)
			if byKey[k] == nil {
				byKey[k] = &class{in: in}
				classes = append(classes, byKey[k])
			}
			byKey[k].n += a.N
		}
	}
	work := len(cells) * len(classes) * min(len(cells), len(classes))
	if work > *budget {
		return false, false
	}
	*budget -= work
	rows := make([][]*big.Rat, len(cells))
	for ci := range cells {
		rows[ci] = make([]*big.Rat, len(classes))
		for j, c := range classes {
			rows[ci][j] = new(big.Rat)
			if c.in[ci] {
				rows[ci][j].SetInt64(1)
			}
		}
	}
	basis, pivots := echelon(rows, len(classes))
	var small []int // the classes a set of fewer than minN answers can be made of
	for j, c := range classes {
		if c.n < minN {
			small = append(small, j)
		}
	}
	// Every union of small classes with 1 to minN−1 answers.
	var found bool
	var walk func(from, n int, set []int)
	walk = func(from, n int, set []int) {
		if found {
			return
		}
		if n > 0 && inRowSpace(basis, pivots, set, len(classes)) {
			found = true
			return
		}
		for i := from; i < len(small); i++ {
			if m := n + classes[small[i]].n; m < minN {
				walk(i+1, m, append(set, small[i]))
			}
		}
	}
	walk(0, 0, nil)
	return !found, true
}

// echelon reduces rows to reduced row echelon form, returning the non-zero
// rows and each one's pivot column.
func echelon(rows [][]*big.Rat, cols int) (basis [][]*big.Rat, pivots []int) {
	for col := 0; col < cols; col++ {
		p := slices.IndexFunc(rows, func(r []*big.Rat) bool { return r[col].Sign() != 0 })
		if p < 0 {
			continue
		}
		pivot := rows[p]
		rows = slices.Delete(rows, p, p+1)
		scale := new(big.Rat).Inv(pivot[col])
		for j := range pivot {
			pivot[j].Mul(pivot[j], scale)
		}
		eliminate := func(r []*big.Rat) {
			if f := new(big.Rat).Set(r[col]); f.Sign() != 0 {
				for j := range r {
					r[j].Sub(r[j], new(big.Rat).Mul(f, pivot[j]))
				}
			}
		}
		for _, r := range rows {
			eliminate(r)
		}
		for _, r := range basis {
			eliminate(r)
		}
		basis, pivots = append(basis, pivot), append(pivots, col)
	}
	return basis, pivots
}

// inRowSpace reports whether the indicator of set is a combination of the
// reduced rows: subtracting, for each pivot, the target's entry times its
// row must leave nothing.
func inRowSpace(basis [][]*big.Rat, pivots []int, set []int, cols int) bool {
	t := make([]*big.Rat, cols)
	for j := range t {
		t[j] = new(big.Rat)
	}
	for _, j := range set {
		t[j].SetInt64(1)
	}
	for i, row := range basis {
		if f := new(big.Rat).Set(t[pivots[i]]); f.Sign() != 0 {
			for j := range t {
				t[j].Sub(t[j], new(big.Rat).Mul(f, row[j]))
			}
		}
	}
	return !slices.ContainsFunc(t, func(x *big.Rat) bool { return x.Sign() != 0 })
}
