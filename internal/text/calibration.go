package text

import (
	"math"
	"slices"
	"sync"
)

// Calibration of the broad level of a two-level hierarchy. A one-vs-rest
// LR weighted towards each label's positives ((negatives/positives)^0.75)
// is not calibrated, and the word and character models are miscalibrated
// differently (the character model, with more features and a weaker
// penalty, is the more confident), so their average and its combination
// with the finer level's summed probabilities weigh the members unevenly
// from label to label. Each member's probabilities p are mapped to
// σ(a·logit(p) + b) (Platt scaling), one a and b for all of a member's
// labels, fitted by maximum likelihood on out-of-fold scores. In 3-fold
// cross-validation inside the NHS README split's training part it raised
// label micro-F1 from 0.725 to 0.726 and macro-F1 from 0.584 to 0.592, and
// in the whole file's 5-fold from 0.735 to 0.7375 (macro 0.600 to 0.611);
// for the finer level's own decision it cost subcategory micro-F1, so that
// is left uncalibrated (docs/text-models.md, round ten).

// calibrateBroad fits the Platt scales of the broad model's members, own
// (the model's own parts) and other (the finer level's), on out-of-fold
// scores: each part refitted on the other folds, warm-started from its full
// fit, which only saves solver iterations, scores the fold. It sets the
// scales in ownW and otherW; with too few examples to fold it leaves them
// unset, which means uncalibrated.
func calibrateBroad(ownW, otherW *levelWeights, own, other []modelPart, opts TrainOptions) {
	n := len(own[0].data.xs)
	if n < jointFolds*minExamplesPerFold {
		return
	}
	parts := slices.Concat(own, other)
	logits := make([][][]float64, len(parts)) // [part][example][label]
	for k := range parts {
		logits[k] = make([][]float64, n)
	}
	folds := assignFolds(n, jointFolds, opts.Seed)
	var wg sync.WaitGroup
	for f := range jointFolds {
		wg.Go(func() {
			trainIdx, scored := foldRows(folds, f)
			for k, part := range parts {
				w, b := part.data.subset(trainIdx).fit(part.c, opts.PositiveWeightPower, part.weights, part.bias)
				byFeature := newFeatureMajor(w)
				for _, i := range scored {
					logits[k][i] = byFeature.scores(part.data.xs[i], w, b)
				}
			}
		})
	}
	wg.Wait()
	scales := make([][]float64, len(parts))
	eachIndex(len(parts), func(k int) {
		var ms []float64
		var pos []bool
		for i, row := range logits[k] {
			for l, z := range row {
				ms, pos = append(ms, z), append(pos, parts[k].data.ys[i][l])
			}
		}
		a, b := plattFit(ms, pos)
		scales[k] = []float64{a, b}
	})
	ownW.WordScale, otherW.WordScale = scales[0], scales[len(own)]
	if len(own) > 1 {
		ownW.GramScale, otherW.GramScale = scales[1], scales[len(own)+1]
	}
}

// featureMajor holds a weight matrix feature by feature: t[j·labels + l]
// is label l's weight for feature j.
type featureMajor struct {
	t      []float64
	labels int
}

func newFeatureMajor(weights [][]float64) *featureMajor {
	if len(weights) == 0 {
		return nil
	}
	f := &featureMajor{t: make([]float64, len(weights)*len(weights[0])), labels: len(weights)}
	for l, w := range weights {
		for j, v := range w {
			f.t[j*f.labels+l] = v
		}
	}
	return f
}

// scores are linearScores(x, weights, bias), the same sums in the same
// order, read from f when there is one: one pass over x's nonzeros for
// every label instead of one per label.
func (f *featureMajor) scores(x sparse, weights [][]float64, bias []float64) []float64 {
	if f == nil {
		return linearScores(x, weights, bias)
	}
	out := make([]float64, f.labels)
	for k, j := range x.idx {
		v := x.val[k]
		for l, w := range f.t[j*f.labels : (j+1)*f.labels] {
			out[l] += w * v
		}
	}
	for l := range out {
		out[l] = bias[l] + out[l]
	}
	return out
}

// linearScores are the labels' log-odds for feature vector x.
func linearScores(x sparse, weights [][]float64, bias []float64) []float64 {
	out := make([]float64, len(weights))
	for l := range weights {
		out[l] = bias[l] + x.dot(weights[l])
	}
	return out
}

// plattFit fits σ(a·m + b) to the outcomes pos of the scores ms by maximum
// likelihood, with Platt's targets (N₊+1)/(N₊+2) and 1/(N₋+2) in place of
// 1 and 0, which keep a finite when the scores separate the outcomes.
func plattFit(ms []float64, pos []bool) (a, b float64) {
	nPos := 0
	for _, p := range pos {
		if p {
			nPos++
		}
	}
	hi, lo := float64(nPos+1)/float64(nPos+2), 1/float64(len(pos)-nPos+2)
	w := []float64{1, 0}
	minimise(func(w, g []float64) float64 {
		g[0], g[1] = 0, 0
		loss := 0.0
		for i, m := range ms {
			z, t := w[0]*m+w[1], lo
			if pos[i] {
				t = hi
			}
			// Cross-entropy against a soft target t.
			loss += t*softplus(-z) + (1-t)*softplus(z)
			g[0] += (sigmoid(z) - t) * m
			g[1] += sigmoid(z) - t
		}
		// The mean, so the solver's gradient tolerance means the same
		// whatever the number of scores.
		n := float64(len(ms))
		g[0], g[1] = g[0]/n, g[1]/n
		return loss / n
	}, w, defaultLBFGS)
	return w[0], w[1]
}

// softplus is log(1 + e^z), finite for large z.
func softplus(z float64) float64 {
	if z > 30 {
		return z
	}
	return math.Log1p(math.Exp(z))
}
