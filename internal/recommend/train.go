package recommend

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Options shape training.
type Options struct {
	// KFloor is the k-anonymity floor: an item pair contributes only when
	// at least KFloor distinct customers bought both. 0 means 5; 1 turns the
	// floor off.
	KFloor int
	// Lambda is EASE's L2 penalty (0 means 200).
	Lambda float64
	// Neighbours is how many neighbours each item keeps (0 means 100).
	Neighbours int
	// MinBuyers leaves out items with fewer distinct buyers (below the floor
	// an item has no pair that may contribute, so at least KFloor is used).
	MinBuyers int
	// MaxItems keeps at most this many items, the most bought (0: all):
	// EASE's solve takes time in the cube of the items.
	MaxItems int
	// FloorGramOff keeps pairs below the floor in EASE's Gram matrix (they
	// are still removed from the weights): for measuring the floor's effect.
	FloorGramOff bool
	// FloorWeightsOff keeps neighbours below the floor in the weights
	// (they are still zeroed in the Gram matrix): ditto. Never served.
	FloorWeightsOff bool
	// Negatives keeps negative weights too (the neighbours kept are then
	// the largest by size): an owned item may lower another's score.
	Negatives bool

	noCompensation bool // experiments: zero below the floor without moving counts to the diagonal
}

func (o Options) withDefaults() Options {
	if o.KFloor == 0 {
		o.KFloor = 5
	}
	if o.KFloor < 1 {
		o.KFloor = 1
	}
	if o.Lambda == 0 {
		o.Lambda = 200
	}
	if o.Neighbours == 0 {
		o.Neighbours = 100
	}
	o.MinBuyers = max(o.MinBuyers, o.KFloor, 1)
	return o
}

// Stats describe a training.
type Stats struct {
	Customers   int     `json:"customers"`
	Items       int     `json:"items"`        // items with enough buyers to be in the model
	Pairs       int     `json:"pairs"`        // item pairs bought together by anyone
	PairsKept   int     `json:"pairs_kept"`   // of those, pairs at or above the floor
	Neighbours  int     `json:"neighbours"`   // neighbour weights kept
	KFloor      int     `json:"k_floor"`      // the floor applied
	MinBuyers   int     `json:"min_buyers"`   // items with fewer buyers were left out
	MaxItems    int     `json:"max_items"`    // at most this many items were kept (0: all)
	LambdaTries int     `json:"lambda_tries"` // 1, or more when λ had to grow for the solve
	Lambda      float64 `json:"lambda"`       // the λ the solve used
}

// cooc is the item × item co-occurrence of the items kept: Count[a*n+b] for
// a < b (upper triangle) the number of customers who bought both, the
// diagonal each item's buyers.
type cooc struct {
	n     int
	items []int32 // kept item → item index
	index []int32 // item index → kept item, -1 if left out
	count []float64
}

func cooccurrence(x Matrix, minBuyers, maxItems int) *cooc {
	nb, order := buyers(x)
	c := &cooc{index: make([]int32, x.Items)}
	for i := range c.index {
		c.index[i] = -1
	}
	for _, i := range order { // most bought first
		if int(nb[i]) < minBuyers || maxItems > 0 && len(c.items) == maxItems {
			break
		}
		c.items = append(c.items, i)
	}
	slices.Sort(c.items) // kept items in index order, for a layout that does not depend on ties
	for k, i := range c.items {
		c.index[i] = int32(k)
	}
	n := len(c.items)
	c.n = n
	c.count = make([]float64, n*n)
	// Users are split between workers by rows of the matrix they write:
	// each worker owns the rows a ≡ w (mod workers), so no two write the
	// same cell.
	workers := max(1, min(runtime.GOMAXPROCS(0), 8))
	kept := make([][]int32, len(x.Users))
	for u, items := range x.Users {
		var k []int32
		for _, i := range items {
			if j := c.index[i]; j >= 0 {
				k = append(k, j)
			}
		}
		slices.Sort(k)
		kept[u] = slices.Compact(k)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, k := range kept {
				for p, a := range k {
					if int(a)%workers != w {
						continue
					}
					row := c.count[int(a)*n:]
					for _, b := range k[p:] {
						row[b]++
					}
				}
			}
		}()
	}
	wg.Wait()
	return c
}

// at is the co-occurrence of kept items a and b.
func (c *cooc) at(a, b int) float64 {
	if a > b {
		a, b = b, a
	}
	return c.count[a*c.n+b]
}

// EASE trains Steck's "Embarrassingly Shallow Autoencoder" (WWW 2019) in
// closed form: G = XᵀX + λI, P = G⁻¹, B = −P / diag(P) with a zero
// diagonal; owning item j adds B[j,i] to item i's score. With the floor,
// entries of G for pairs bought together by fewer than k customers are
// zeroed before the solve (their counts moved to the diagonal, which keeps
// G positive definite), and such pairs get no weight after it (the solve
// spreads weight through chains of pairs, so both are needed for "a pair
// contributes only when k customers bought both").
func EASE(x Matrix, o Options) (*Model, Stats, error) {
	o = o.withDefaults()
	e, st, err := solveEASE(x, o)
	if err != nil {
		return nil, st, err
	}
	m := e.model(x, o)
	st.Neighbours = len(m.To)
	return m, st, nil
}

// easeSolve is EASE's solved system: P in the upper triangle of p, and
// the pairs below the floor.
type easeSolve struct {
	c     *cooc
	p     []float64
	pd    []float64 // diag(P)
	below []bool
}

// weight is B[j,i], what owning kept item j adds to kept item i.
func (e *easeSolve) weight(j, i int) float64 {
	a, b := j, i
	if a > b {
		a, b = b, a
	}
	return -e.p[a*e.c.n+b] / e.pd[i]
}

func (e *easeSolve) model(x Matrix, o Options) *Model {
	n := e.c.n
	rows := make([][]nb, n)
	parallel(n, func(j int) {
		var row []nb
		for i := range n {
			if i == j || (e.below[j*n+i] && !o.FloorWeightsOff) {
				continue
			}
			if w := e.weight(j, i); w > 0 || o.Negatives && w < 0 {
				row = append(row, nb{int32(i), w})
			}
		}
		rows[j] = topN(row, o.Neighbours, o.Negatives)
	})
	return e.c.model("ease", x, rows)
}

func solveEASE(x Matrix, o Options) (*easeSolve, Stats, error) {
	c := cooccurrence(x, o.MinBuyers, o.MaxItems)
	n := c.n
	st := Stats{Customers: len(x.Users), Items: n, KFloor: o.KFloor, MinBuyers: o.MinBuyers, MaxItems: o.MaxItems}
	floor := float64(o.KFloor)
	// below marks the pairs under the floor, before the solve overwrites
	// the counts.
	below := make([]bool, n*n)
	removed := map[int]float64{}
	for a := range n {
		for b := a + 1; b < n; b++ {
			v := c.count[a*n+b]
			if v > 0 {
				st.Pairs++
			}
			if v < floor {
				below[a*n+b], below[b*n+a] = true, true
				if !o.FloorGramOff && v > 0 {
					removed[a*n+b] = v
					c.count[a*n+b] = 0
				}
			} else {
				st.PairsKept++
			}
		}
	}
	// Zeroing entries of XᵀX can leave it indefinite. Adding each removed
	// entry to the diagonal of both its items keeps it positive
	// semi-definite (what is removed, E − diag(E·1), is minus a diagonally
	// dominant matrix); the diagonal then holds per-item sums only, no
	// pair. In effect an item loses the co-purchases below the floor and
	// gets that much more of EASE's penalty.
	diag := make([]float64, n)
	for a := range n {
		diag[a] = c.count[a*n+a]
	}
	if !o.FloorGramOff && !o.noCompensation {
		for a := range n {
			for b := a + 1; b < n; b++ {
				if below[a*n+b] {
					v := removed[a*n+b]
					diag[a] += v
					diag[b] += v
				}
			}
		}
	}
	g := c.count
	lambda := o.Lambda
	for st.LambdaTries = 1; n > 0; st.LambdaTries++ {
		for a := range n {
			g[a*n+a] = diag[a] + lambda
		}
		sym := mat.NewSymDense(n, g) // the upper triangle holds G
		saved := slices.Clone(g)     // Potrf works in place; a failure needs G again
		if t, ok := lapack64.Potrf(sym.RawSymmetric()); ok {
			if _, ok := lapack64.Potri(t); !ok {
				return nil, st, errors.New("recommend: EASE: the inverse failed")
			}
			break
		}
		// Zeroing pairs below the floor can leave G + λI not positive
		// definite; a larger λ restores it.
		if st.LambdaTries >= 8 {
			return nil, st, fmt.Errorf("recommend: EASE: Gram matrix not positive definite up to λ = %g", lambda)
		}
		copy(g, saved)
		lambda *= 2
	}
	st.Lambda = lambda
	e := &easeSolve{c: c, p: g, pd: make([]float64, n), below: below}
	for a := range n {
		e.pd[a] = g[a*n+a]
	}
	return e, st, nil
}

// KNN is item-item cosine kNN: sim(i,j) = C[i,j] / √(C[i,i]·C[j,j]), the
// Neighbours most similar kept per item, pairs below the floor left out.
func KNN(x Matrix, o Options) (*Model, Stats, error) {
	o = o.withDefaults()
	c := cooccurrence(x, o.MinBuyers, o.MaxItems)
	n := c.n
	st := Stats{Customers: len(x.Users), Items: n, KFloor: o.KFloor, MinBuyers: o.MinBuyers, MaxItems: o.MaxItems}
	rows := make([][]nb, n)
	parallel(n, func(j int) {
		var row []nb
		for i := range n {
			v := c.at(i, j)
			if i == j || v == 0 || v < float64(o.KFloor) {
				continue
			}
			row = append(row, nb{int32(i), v / math.Sqrt(c.at(i, i)*c.at(j, j))})
		}
		rows[j] = topN(row, o.Neighbours, false)
	})
	for a := range n {
		for b := a + 1; b < n; b++ {
			if v := c.count[a*n+b]; v > 0 {
				st.Pairs++
				if v >= float64(o.KFloor) {
					st.PairsKept++
				}
			}
		}
	}
	m := c.model("knn", x, rows)
	st.Neighbours = len(m.To)
	return m, st, nil
}

type nb struct {
	i int32
	w float64
}

// topN keeps the n largest weights (by size when abs).
func topN(row []nb, n int, abs bool) []nb {
	slices.SortFunc(row, func(a, b nb) int {
		wa, wb := a.w, b.w
		if abs {
			wa, wb = math.Abs(wa), math.Abs(wb)
		}
		if c := cmp.Compare(wb, wa); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	return row[:min(n, len(row))]
}

// model lays out rows (by kept item) as a Model over all of x's items.
func (c *cooc) model(name string, x Matrix, rows [][]nb) *Model {
	nbuy, order := buyers(x)
	m := &Model{Name: name, Items: x.Items, Start: make([]int32, x.Items+1), Buyers: nbuy, Popular: order}
	for item := range x.Items {
		m.Start[item] = int32(len(m.To))
		if k := c.index[item]; k >= 0 {
			for _, e := range rows[k] {
				m.To = append(m.To, c.items[e.i])
				m.W = append(m.W, float32(e.w))
			}
		}
	}
	m.Start[x.Items] = int32(len(m.To))
	return m
}

// parallel runs f(0..n-1) on the available cores.
func parallel(n int, f func(int)) {
	workers := max(1, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	next := make(chan int, 64)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				f(j)
			}
		}()
	}
	for j := range n {
		next <- j
	}
	close(next)
	wg.Wait()
}
