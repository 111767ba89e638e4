package text

import (
	"math"
	"slices"
	"sync"
)

// trainingData is what the per-label regressions are fitted to: feature
// vectors, which labels each example carries, and the weights the penalty
// pulls towards.
type trainingData struct {
	xs    []sparse
	ys    [][]bool
	prior [][]float64
	// dense is how many of the last features nearly every row has (the
	// word and sentence vectors): packed without indices, they fit faster
	// (packed).
	dense int
}

// modelPart is one half of the model in training: its data, its inverse
// penalty strength and, once fitted, its weights.
type modelPart struct {
	data    trainingData
	c       float64
	weights [][]float64
	bias    []float64
}

// classifierSolver stops earlier than defaultLBFGS: on the NHS comments it
// changed held-out F1 by under half a point and trains twice as fast.
var classifierSolver = lbfgsSettings{History: 10, GradTol: 1e-3, RelTol: 1e-6, MaxIter: 500}

// fit trains one logistic regression per label, L2-penalised towards the
// prior with inverse strength c. startW and startBias, when not nil, are
// where the solver starts: the solution does not depend on it, only the
// number of iterations does.
func (d trainingData) fit(c, power float64, startW [][]float64, startBias []float64) ([][]float64, []float64) {
	if fitMemo != nil {
		return fitMemo(d, c, power, startW, startBias, func() ([][]float64, []float64) { return d.solve(c, power, startW, startBias) })
	}
	return d.solve(c, power, startW, startBias)
}

// fitMemo, when set, is handed every fit with the function that solves
// it. Only test harnesses set it, to reuse the fits that settings which do
// not change them (the sentence member's) would repeat.
var fitMemo func(d trainingData, c, power float64, startW [][]float64, startBias []float64, solve func() ([][]float64, []float64)) ([][]float64, []float64)

// solve is fit without the memo.
func (d trainingData) solve(c, power float64, startW [][]float64, startBias []float64) ([][]float64, []float64) {
	penalty := 1 / (c * float64(len(d.xs)))
	posWeight := positiveWeights(d.ys, power)
	if startW == nil {
		startW, startBias = d.prior, priorLogits(d.ys)
	}
	nf := len(d.prior[0])
	xs := packDense(d.xs, nf-d.dense, d.dense)
	return fitLabels(xs, len(d.prior), func(l int) (binaryProblem, []float64, float64) {
		p := binaryProblem{y: columnBool(d.ys, l), weight: make([]float64, len(d.xs)),
			prior: d.prior[l], penalty: penalty, solver: classifierSolver}
		for n, pos := range p.y {
			p.weight[n] = 1
			if pos {
				p.weight[n] = posWeight[l]
			}
		}
		return p, startW[l], startBias[l]
	})
}

// fitParts fits every part from its prior, the parts at once: each fit
// spreads its labels over the processors, but its last few labels, the
// slowest to converge, leave processors idle that the other part's fit
// can use.
func fitParts(parts []modelPart, power float64) {
	var wg sync.WaitGroup
	for k := range parts {
		wg.Go(func() { parts[k].weights, parts[k].bias = parts[k].data.fit(parts[k].c, power, nil, nil) })
	}
	wg.Wait()
}

// subset is the training data of the examples at idx.
func (d trainingData) subset(idx []int) trainingData {
	out := trainingData{prior: d.prior, dense: d.dense}
	for _, i := range idx {
		out.xs = append(out.xs, d.xs[i])
		out.ys = append(out.ys, d.ys[i])
	}
	return out
}

// keywordPrior is where each weight starts and where the L2 penalty pulls
// it back to: zero, except that a label's own keyword feature starts at
// keywordPriorWeight. The model thus begins by trusting the taxonomy and
// moves away from it only as far as staff labels push, which on a few dozen
// labelled comments beats both keywords alone and words alone.
func keywordPrior(labels []string, f featurizer) [][]float64 {
	prior := matrix(len(labels), f.wordSize())
	for k, rule := range f.keywords {
		if l, ok := slices.BinarySearch(labels, rule.slug); ok {
			prior[l][len(f.words.terms)+k] = keywordPriorWeight
		}
	}
	return prior
}

// keywordPriorWeight was chosen by 5-fold cross-validation on the training
// half of the bundled corpus.
const keywordPriorWeight = 4.0

// positiveWeights is each label's weight for its positive examples,
// (negatives/positives)^power.
func positiveWeights(ys [][]bool, power float64) []float64 {
	out := make([]float64, len(ys[0]))
	for l := range out {
		pos := 0
		for _, y := range ys {
			if y[l] {
				pos++
			}
		}
		out[l] = math.Pow(float64(len(ys)-pos)/float64(max(pos, 1)), power)
	}
	return out
}

// priorLogits starts each bias at the label's log-odds in the training data
// (smoothed), so the solver does not spend its first steps on base rates.
func priorLogits(ys [][]bool) []float64 {
	out := make([]float64, len(ys[0]))
	for l := range out {
		pos := 0.5
		for _, y := range ys {
			if y[l] {
				pos++
			}
		}
		p := pos / (float64(len(ys)) + 1)
		out[l] = logit(p)
	}
	return out
}
