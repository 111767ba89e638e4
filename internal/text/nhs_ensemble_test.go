package text

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// BenchmarkNHSEnsembles reproduces round five's comparison of LR + linear
// SVM ensembles with Platt-calibrated SVM scores, and of per-label
// threshold smoothing, on nhsSplit (docs/text-models.md, "Round five").
// Out-of-fold scores come from 3 folds inside the training part
// (assignFolds(…, 3, 1)), the vocabulary built on the whole training part;
// test scores from models fitted on the whole training part. Each row is
// logged as CV micro / macro, then test micro / macro. It fits 32 models,
// so it is a benchmark, not a test:
//
//	go test ./internal/text -run '^$' -bench NHSEnsembles -benchtime 1x -v
func BenchmarkNHSEnsembles(b *testing.B) {
	for b.Loop() {
		c := nhsEnsembleScores(b, nhsSplit)
		logEnsembleRows(b, c)
	}
}

// Base models, in the order nhsScores keeps them: the shipped word and
// character LRs and squared-hinge linear SVMs on the same features.
const (
	wordLR = iota
	charLR
	wordSVM
	charSVM
	nBaseModels
)

// nhsScores holds each base model's margins for both levels (0:
// subcategory, 1: label): out-of-fold on the training part and on the
// test part.
type nhsScores struct {
	oof, test     [2][nBaseModels][][]float64
	yTrain, yTest [2][]int
	labels        [2][]string
	parent        []int
	folds         []int
}

func nhsEnsembleScores(b *testing.B, split func([]Example) (train, test []Example)) *nhsScores {
	train, test := split(readNHSLevels(b, "subcategory", "label"))
	m := newModel(train, TrainOptions{WithoutWordVectors: true}.withDefaults()) // as the round ran: before word vectors
	c := &nhsScores{folds: assignFolds(len(train), 3, 1), labels: twoLevelLabels(m, train)}
	var feats [2][]sparse // words, grams of train then test
	for _, e := range slices.Concat(train, test) {
		feats[0] = append(feats[0], m.features.vector(e.Text))
		feats[1] = append(feats[1], m.features.gramVector(e.Text))
	}
	var ys [2][][]bool
	for n, e := range slices.Concat(train, test) {
		for lv, l := range []string{e.Labels[0], e.OtherLevel[0]} {
			i, _ := slices.BinarySearch(c.labels[lv], l)
			if n < len(train) {
				c.yTrain[lv] = append(c.yTrain[lv], i)
				ys[lv] = append(ys[lv], oneHot(len(c.labels[lv]), i))
			} else {
				c.yTest[lv] = append(c.yTest[lv], i)
			}
		}
	}
	c.parent = parents(ys[0], ys[1])
	nf := [2]int{m.features.wordSize(), m.features.gramSize()}
	fit := func(trIdx, scoreIdx []int, into func(lv, model, k int) []float64) {
		for lv := range 2 {
			for model := range nBaseModels {
				d := trainingData{prior: matrix(len(c.labels[lv]), nf[model%2])}
				for _, i := range trIdx {
					d.xs, d.ys = append(d.xs, feats[model%2][i]), append(d.ys, ys[lv][i])
				}
				var w [][]float64
				var bias []float64
				switch model {
				case wordLR:
					w, bias = d.fit(5, 0.75, nil, nil)
				case charLR:
					w, bias = d.fit(10, 0.75, nil, nil)
				default:
					w, bias = d.fitSVM(0.3, 0.5)
				}
				for k, i := range scoreIdx {
					copy(into(lv, model, k), margins(feats[model%2][i], w, bias))
				}
			}
		}
	}
	for lv := range 2 {
		for model := range nBaseModels {
			c.oof[lv][model] = matrix(len(train), len(c.labels[lv]))
			c.test[lv][model] = matrix(len(test), len(c.labels[lv]))
		}
	}
	for f := range 3 {
		trIdx, teIdx := foldRows(c.folds, f)
		fit(trIdx, teIdx, func(lv, model, k int) []float64 { return c.oof[lv][model][teIdx[k]] })
	}
	all, testIdx := make([]int, len(train)), make([]int, len(test))
	for i := range all {
		all[i] = i
	}
	for i := range testIdx {
		testIdx[i] = len(train) + i
	}
	fit(all, testIdx, func(lv, model, k int) []float64 { return c.test[lv][model][k] })
	return c
}

func oneHot(n, i int) []bool {
	out := make([]bool, n)
	out[i] = true
	return out
}

// fitSVM fits one squared-hinge linear SVM per label, positives weighted
// (negatives/positives)^power and the penalty 1/(c·n) as in fit.
func (d trainingData) fitSVM(c, power float64) ([][]float64, []float64) {
	penalty := 1 / (c * float64(len(d.xs)))
	posWeight := positiveWeights(d.ys, power)
	nl, nf := len(d.prior), len(d.prior[0])
	weights, bias := make([][]float64, nl), make([]float64, nl)
	xs := pack(d.xs)
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for l := range nl {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			p := svmProblem{xs: xs, binaryProblem: binaryProblem{y: columnBool(d.ys, l), weight: make([]float64, len(d.xs)), prior: d.prior[l], penalty: penalty}}
			for n, pos := range p.y {
				p.weight[n] = 1
				if pos {
					p.weight[n] = posWeight[l]
				}
			}
			w := make([]float64, nf+1)
			w[nf] = -1
			minimise(p.squaredHinge, w, classifierSolver)
			weights[l], bias[l] = w[:nf], w[nf]
		})
	}
	wg.Wait()
	return weights, bias
}

// svmProblem is a label's SVM: a binaryProblem's labels, weights and
// penalty with its own rows.
type svmProblem struct {
	xs packed
	binaryProblem
}

// squaredHinge is the SVM's mean weighted squared hinge loss plus the L2
// penalty, and its gradient; the last coordinate of w is the intercept.
func (p svmProblem) squaredHinge(w, grad []float64) float64 {
	nf := len(p.prior)
	clear(grad)
	n := float64(p.xs.rows())
	loss := 0.0
	for i := range p.xs.rows() {
		sign := -1.0
		if p.y[i] {
			sign = 1
		}
		slack := 1 - sign*(w[nf]+p.xs.dot(i, w[:nf]))
		if slack <= 0 {
			continue
		}
		loss += p.weight[i] * slack * slack
		r := -2 * p.weight[i] * sign * slack / n
		p.xs.addTo(i, r, grad)
		grad[nf] += r
	}
	reg := 0.0
	for j := range nf {
		reg += w[j] * w[j]
		grad[j] += p.penalty * w[j]
	}
	return loss/n + p.penalty/2*reg
}

func margins(x sparse, weights [][]float64, bias []float64) []float64 {
	out := make([]float64, len(weights))
	for l := range weights {
		out[l] = bias[l] + x.dot(weights[l])
	}
	return out
}

// logEnsembleRows logs, for SVM shares 0 (the shipped model) to 1 and
// threshold smoothing λ 0 (none), 0.25, 0.5 and 1, each level's figures
// after the hierarchy combination the shipped model uses.
func logEnsembleRows(b *testing.B, c *nhsScores) {
	var lrOOF, lrTest, svOOF, svTest [2][][]float64
	for lv := range 2 {
		lrOOF[lv] = blend(sigmoids(c.oof[lv][wordLR]), sigmoids(c.oof[lv][charLR]), 0.6)
		lrTest[lv] = blend(sigmoids(c.test[lv][wordLR]), sigmoids(c.test[lv][charLR]), 0.6)
		wo, wt := plattScores(c.oof[lv][wordSVM], c.test[lv][wordSVM], c.yTrain[lv], c.folds)
		co, ct := plattScores(c.oof[lv][charSVM], c.test[lv][charSVM], c.yTrain[lv], c.folds)
		svOOF[lv], svTest[lv] = blend(wo, co, 0.6), blend(wt, ct, 0.6)
	}
	for _, share := range []float64{0, 0.25, 0.5, 0.75, 1} {
		var ownOOF, ownTest [2][][]float64
		for lv := range 2 {
			ownOOF[lv] = blend(lrOOF[lv], svOOF[lv], 1-share)
			ownTest[lv] = blend(lrTest[lv], svTest[lv], 1-share)
		}
		for lv, column := range []string{"subcategory", "label"} {
			o := &OtherLevel{Finer: lv == 1, Parent: c.parent}
			cv, test := make([][]float64, len(ownOOF[lv])), make([][]float64, len(ownTest[lv]))
			for i := range cv {
				cv[i] = o.combine(slices.Clone(ownOOF[lv][i]), slices.Clone(ownOOF[1-lv][i]))
			}
			for i := range test {
				test[i] = o.combine(slices.Clone(ownTest[lv][i]), slices.Clone(ownTest[1-lv][i]))
			}
			for _, lambda := range []float64{0, 0.25, 0.5, 1} {
				cvMicro, cvMacro := argmaxF1(smoothThresholds(cv, cv, c.yTrain[lv], c.folds, lambda, false), c.yTrain[lv], c.labels[lv])
				testMicro, testMacro := argmaxF1(smoothThresholds(test, cv, c.yTrain[lv], c.folds, lambda, true), c.yTest[lv], c.labels[lv])
				b.Logf("%s, SVM share %.2f, threshold smoothing λ %.2f: CV %.4f / %.4f, test %.4f / %.4f",
					column, share, lambda, cvMicro, cvMacro, testMicro, testMacro)
			}
		}
	}
}

func sigmoids(m [][]float64) [][]float64 {
	out := matrix(len(m), len(m[0]))
	for i, row := range m {
		for l, v := range row {
			out[i][l] = sigmoid(v)
		}
	}
	return out
}

// blend is share·a + (1 − share)·b, row by row.
func blend(a, b [][]float64, share float64) [][]float64 {
	out := matrix(len(a), len(a[0]))
	for i := range a {
		for l := range a[i] {
			out[i][l] = share*a[i][l] + (1-share)*b[i][l]
		}
	}
	return out
}

// plattScores turns SVM margins into probabilities σ(a·m + b), a and b
// fitted per label by maximum likelihood (Platt scaling), cross-fitted:
// out-of-fold rows of fold f use a and b fitted on the other folds' rows,
// test rows those fitted on all out-of-fold rows.
func plattScores(oof, test [][]float64, y []int, folds []int) (pOOF, pTest [][]float64) {
	pOOF, pTest = matrix(len(oof), len(oof[0])), matrix(len(test), len(oof[0]))
	for l := range oof[0] {
		for f := -1; f < 3; f++ {
			var ms []float64
			var pos []bool
			for i := range oof {
				if folds[i] != f {
					ms, pos = append(ms, oof[i][l]), append(pos, y[i] == l)
				}
			}
			a, b := plattFit(ms, pos)
			for i := range oof {
				if folds[i] == f {
					pOOF[i][l] = sigmoid(a*oof[i][l] + b)
				}
			}
			if f < 0 {
				for i := range test {
					pTest[i][l] = sigmoid(a*test[i][l] + b)
				}
			}
		}
	}
	return pOOF, pTest
}

// smoothThresholds divides each label's score by its F1-best threshold on
// out-of-fold scores (of the other folds for out-of-fold rows, of all for
// test rows), shrunk toward the labels' geometric mean threshold:
// t^λ · mean^(1−λ). λ 0 leaves the argmax unchanged.
func smoothThresholds(scores, oof [][]float64, y []int, folds []int, lambda float64, test bool) [][]float64 {
	nl := len(scores[0])
	var perFold [4][]float64 // all folds, then without fold 0, 1, 2
	for f := -1; f < 3; f++ {
		t, logMean := make([]float64, nl), 0.0
		for l := range nl {
			var s []float64
			var pos []bool
			for i := range oof {
				if folds[i] != f {
					s, pos = append(s, oof[i][l]), append(pos, y[i] == l)
				}
			}
			t[l] = bestF1Threshold(s, pos)
			logMean += math.Log(t[l]) / float64(nl)
		}
		for l := range t {
			t[l] = math.Exp(lambda*math.Log(t[l]) + (1-lambda)*logMean)
		}
		perFold[f+1] = t
	}
	out := matrix(len(scores), nl)
	for i, row := range scores {
		t := perFold[0]
		if !test {
			t = perFold[folds[i]+1]
		}
		for l, v := range row {
			out[i][l] = v / t[l]
		}
	}
	return out
}

// argmaxF1 is the micro- and macro-F1 of each row's top label.
func argmaxF1(scores [][]float64, y []int, labels []string) (micro, macro float64) {
	examples, predicted := make([]Example, len(scores)), make([][]string, len(scores))
	for i, row := range scores {
		best := 0
		for l, v := range row {
			if v > row[best] {
				best = l
			}
		}
		examples[i] = Example{Labels: []string{labels[y[i]]}}
		predicted[i] = []string{labels[best]}
	}
	ev := score(labels, len(scores), examples, predicted)
	return ev.MicroF1, ev.MacroF1
}

// dot is row i's dot product with w.
func (p packed) dot(i int, w []float64) float64 {
	lo, hi := p.start[i], p.start[i+1]
	s := 0.0
	for k, j := range p.idx[lo:hi] {
		s += w[j] * float64(p.val[lo+int32(k)])
	}
	for k, v := range p.denseRow(i) {
		s += w[p.denseFrom+k] * float64(v)
	}
	return s
}

// addTo adds a·(row i) to grad.
func (p packed) addTo(i int, a float64, grad []float64) {
	lo, hi := p.start[i], p.start[i+1]
	for k, j := range p.idx[lo:hi] {
		grad[j] += a * float64(p.val[lo+int32(k)])
	}
	for k, v := range p.denseRow(i) {
		grad[p.denseFrom+k] += a * float64(v)
	}
}
