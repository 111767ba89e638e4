package text

import (
	"math"
	"runtime"
	"sync"
)

// binaryProblem is one label's logistic regression: which examples carry
// it, how much each example's loss counts, and the weights the L2 penalty
// pulls towards.
type binaryProblem struct {
	xs     packed
	y      []bool
	weight []float64
	prior  []float64
	// penalty is the L2 strength per example, 1/(C·n) in scikit-learn's
	// terms, so the objective is the mean weighted log-loss plus
	// penalty/2·‖w − prior‖².
	penalty float64
	// solver bounds the minimisation; the zero value means defaultLBFGS.
	solver lbfgsSettings
}

// fit solves the problem to convergence with L-BFGS from the given start
// and returns the weights and the intercept, which is not penalised.
func (p binaryProblem) fit(startW []float64, startBias float64) ([]float64, float64) {
	nf := len(p.prior)
	w := make([]float64, nf+1)
	copy(w, startW)
	w[nf] = startBias
	solver := p.solver
	if solver.MaxIter == 0 {
		solver = defaultLBFGS
	}
	minimise(p.objective, w, solver)
	return w[:nf], w[nf]
}

// objective is the regularised mean weighted log-loss and its gradient; the
// last coordinate of w is the intercept.
func (p binaryProblem) objective(w, grad []float64) float64 {
	nf := len(p.prior)
	bias := w[nf]
	clear(grad)
	rows := p.xs.rows()
	n := float64(rows)
	loss, gBias := 0.0, 0.0
	for i := range rows {
		z := bias + p.xs.dot(i, w[:nf])
		sign := -1.0
		if p.y[i] {
			sign = 1
		}
		l, wrong := logLoss(sign * z)
		loss += p.weight[i] * l
		r := -sign * p.weight[i] * wrong / n
		p.xs.addTo(i, r, grad)
		gBias += r
	}
	reg := 0.0
	for j := range nf {
		d := w[j] - p.prior[j]
		reg += d * d
		grad[j] += p.penalty * d
	}
	grad[nf] = gBias
	return loss/n + p.penalty/2*reg
}

// logLoss is log(1 + e^(−m)) for the margin m = sign·z, and the
// probability of the wrong answer, σ(−m), which is minus the loss's
// derivative in m: both from one exponential, of −|m|, so neither
// overflows.
func logLoss(m float64) (loss, wrong float64) {
	e := math.Exp(-math.Abs(m))
	if m >= 0 {
		return math.Log1p(e), e / (1 + e)
	}
	return -m + math.Log1p(e), 1 / (1 + e)
}

// fitLabels fits one binary problem per label, as many at once as there are
// processors; problem(l) builds label l's problem and where to start.
func fitLabels(nLabels int, problem func(l int) (binaryProblem, []float64, float64)) ([][]float64, []float64) {
	weights, bias := make([][]float64, nLabels), make([]float64, nLabels)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(nLabels, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for l := range next {
				p, startW, startBias := problem(l)
				weights[l], bias[l] = p.fit(startW, startBias)
			}
		})
	}
	for l := range nLabels {
		next <- l
	}
	close(next)
	wg.Wait()
	return weights, bias
}

// packed holds the feature vectors of a training set in one compressed
// sparse row layout: row i's indices and values are idx[start[i]:start[i+1]]
// and val[…]. Every solver iteration streams the whole set, which for the
// character n-grams (about 170 a comment) is far larger than the processor's
// caches; 32-bit indices and values in two contiguous arrays halve the bytes
// read against per-row slices of ints and float64s, and let the hardware
// prefetch. Values are TF-IDF weights in [0, 1], for which float32's seven
// digits are ample; sums stay in float64.
//
// Features denseFrom to denseFrom+width−1 (the word model's word and
// sentence vectors, 560 features nearly every comment has) are kept apart,
// as a rows × width block with no indices: row i's are
// dense[i·width : (i+1)·width]. As index/value pairs they were most of the
// word model's fitting time; read without indirection (dotDense,
// addDense) they take half the bytes and, on the NHS word model's shape,
// one objective evaluation about half the time (BenchmarkObjective).
type packed struct {
	start []int32
	idx   []int32
	val   []float32

	denseFrom, width int
	dense            []float32
}

// pack packs xs with no dense block.
func pack(xs []sparse) packed { return packDense(xs, 0, 0) }

// packDense packs xs, storing features denseFrom to denseFrom+width−1 in
// the dense block (a feature a row lacks is a zero there, which adds
// nothing to a dot product) and the others as index/value pairs.
func packDense(xs []sparse, denseFrom, width int) packed {
	p := packed{start: make([]int32, 1, len(xs)+1), denseFrom: denseFrom, width: width,
		dense: make([]float32, len(xs)*width)}
	for i, x := range xs {
		row := p.denseRow(i)
		for k, j := range x.idx {
			if j >= denseFrom && j < denseFrom+width {
				row[j-denseFrom] = float32(x.val[k])
				continue
			}
			p.idx = append(p.idx, int32(j))
			p.val = append(p.val, float32(x.val[k]))
		}
		p.start = append(p.start, int32(len(p.idx)))
	}
	return p
}

func (p packed) rows() int { return len(p.start) - 1 }

func (p packed) denseRow(i int) []float32 { return p.dense[i*p.width : (i+1)*p.width] }

// dot is row i's dot product with w.
func (p packed) dot(i int, w []float64) float64 {
	lo, hi := p.start[i], p.start[i+1]
	idx, val := p.idx[lo:hi], p.val[lo:hi]
	s := 0.0
	for k, j := range idx {
		s += w[j] * float64(val[k])
	}
	if p.width > 0 {
		s += dotDense(p.denseRow(i), w[p.denseFrom:])
	}
	return s
}

// addTo adds a·(row i) to grad.
func (p packed) addTo(i int, a float64, grad []float64) {
	lo, hi := p.start[i], p.start[i+1]
	idx, val := p.idx[lo:hi], p.val[lo:hi]
	for k, j := range idx {
		grad[j] += a * float64(val[k])
	}
	if p.width > 0 {
		addDense(a, p.denseRow(i), grad[p.denseFrom:])
	}
}

// dotDenseGo is x·w[:len(x)]. Four sums break the chain of dependent
// additions, which otherwise bounds the loop at one element per addition
// latency; taking four elements a step as fixed-size slices lets the
// compiler drop the bounds checks.
func dotDenseGo(x []float32, w []float64) float64 {
	var s0, s1, s2, s3 float64
	for len(x) >= 4 && len(w) >= 4 {
		x4, w4 := x[:4:4], w[:4:4]
		s0 += w4[0] * float64(x4[0])
		s1 += w4[1] * float64(x4[1])
		s2 += w4[2] * float64(x4[2])
		s3 += w4[3] * float64(x4[3])
		x, w = x[4:], w[4:]
	}
	for k, v := range x {
		s0 += w[k] * float64(v)
	}
	return (s0 + s1) + (s2 + s3)
}

// addDenseGo adds a·x to y[:len(x)], four elements a step for the same
// reason.
func addDenseGo(a float64, x []float32, y []float64) {
	for len(x) >= 4 && len(y) >= 4 {
		x4, y4 := x[:4:4], y[:4:4]
		y4[0] += a * float64(x4[0])
		y4[1] += a * float64(x4[1])
		y4[2] += a * float64(x4[2])
		y4[3] += a * float64(x4[3])
		x, y = x[4:], y[4:]
	}
	for k, v := range x {
		y[k] += a * float64(v)
	}
}

// eachIndex calls f(0), …, f(n−1), spread over as many goroutines as there
// are processors, each taking a contiguous run: reading features from
// text is a serial tenth of training otherwise. f must only write to
// index i's own slots.
func eachIndex(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w * n / workers; i < (w+1)*n/workers; i++ {
				f(i)
			}
		})
	}
	wg.Wait()
}
