package text

import (
	"math"
	"runtime"
	"sync"
)

// binaryProblem is one label's logistic regression over rows it shares
// with the other labels of its fitLabels call: which rows carry the label,
// how much each row's loss counts, and the weights the L2 penalty pulls
// towards. Its objective is the mean weighted log-loss plus
// penalty/2·‖w − prior‖², the intercept (the last coordinate of the
// solver's vector) unpenalised; lockstep.evaluate computes it.
type binaryProblem struct {
	y      []bool
	weight []float64
	prior  []float64
	// penalty is the L2 strength per example, 1/(C·n) in scikit-learn's
	// terms.
	penalty float64
	// solver bounds the minimisation; the zero value means defaultLBFGS.
	solver lbfgsSettings
}

func (p binaryProblem) solverOrDefault() lbfgsSettings {
	if p.solver.MaxIter == 0 {
		return defaultLBFGS
	}
	return p.solver
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

// fitLabels fits one binary problem per label on the rows xs, to
// convergence with L-BFGS; problem(l) builds label l's problem and where
// to start (a nil start is all zeros). The labels' objectives are
// evaluated in shared passes over the rows, as many passes at once as
// there are processors (lockstep): splitting labels rather than rows
// needs no reduction of gradients across processors, and a label's result
// does not depend on which labels share its passes.
func fitLabels(xs packed, nLabels int, problem func(l int) (binaryProblem, []float64, float64)) ([][]float64, []float64) {
	if nLabels == 0 {
		return [][]float64{}, []float64{}
	}
	problems, startW, startBias := make([]binaryProblem, nLabels), make([][]float64, nLabels), make([]float64, nLabels)
	eachIndex(nLabels, func(l int) { problems[l], startW[l], startBias[l] = problem(l) })
	return newLockstep(xs, problems).fit(startW, startBias, min(nLabels, runtime.GOMAXPROCS(0)))
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
// word model's fitting time; read without indirection (denseDot,
// denseAdd in block.go) they take half the bytes and half the time.
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
	outside := 0 // sized first: growing idx and val by appends was 5% of a warm training's CPU
	for _, x := range xs {
		for _, j := range x.idx {
			if j < denseFrom || j >= denseFrom+width {
				outside++
			}
		}
	}
	p := packed{start: make([]int32, 1, len(xs)+1), denseFrom: denseFrom, width: width,
		dense: make([]float32, len(xs)*width), idx: make([]int32, 0, outside), val: make([]float32, 0, outside)}
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

// sparseRow is row i's indices and values outside the dense block.
func (p packed) sparseRow(i int) ([]int32, []float32) {
	lo, hi := p.start[i], p.start[i+1]
	return p.idx[lo:hi], p.val[lo:hi]
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
