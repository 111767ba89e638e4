package text

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/fresco-cx/fresco/internal/text/sentenc"
)

// The sentence member: a third member of each level's blend beside the
// word and character LRs, reading only the comment's sentence vector. The
// word LR reads the same vector, but beside thousands of sparse
// word features under one penalty, where the words dominate what it
// learns; a model of the vector alone, regularised for its 512 dense
// dimensions, errs differently, which is what a blend member needs.
//
// It is one-vs-rest ridge regression (least squares on the labels'
// 0/1 indicators, rows weighted by their class's rarity), solved in
// closed form: one 512×512 system for all labels, so it costs a
// fraction of a second where an LR per label over the same block would
// cost seconds, and its out-of-fold scores come from the same sums
// (each fold's system is the total minus that fold's share). Its scores
// become probabilities by one Platt scale fitted on those out-of-fold
// scores, and are mixed into the level's word/character probabilities
// at a fixed share.

// sentenceMember is the fitted sentence member of one level.
type sentenceMember struct {
	// Weights[l] are label l's weights over the sentence vector as the
	// word features carry it (scaled by sentenceScale); Bias[l] its
	// intercept.
	Weights [][]float64 `json:"weights"`
	Bias    []float64   `json:"bias"`
	// Scale is the Platt scale [a, b]: a score s becomes σ(a·s + b).
	Scale []float64 `json:"scale"`
	// Share is the member's weight in the level's probabilities.
	Share float64 `json:"share"`
}

// sentenceMemberSettings are the sentence member's settings; the zero
// value means the defaults (withDefaults), Off leaves the member out.
type sentenceMemberSettings struct {
	Off bool
	// Share is the member's weight in the blend.
	Share float64
	// Ridge is the penalty as a multiple of the mean eigenvalue of the
	// training rows' (weighted, centred) covariance.
	Ridge float64
	// Power weighs each training row by (n / (K·n_k))^Power, n_k the count
	// of its class: higher powers make the rare classes' indicators count
	// more. Zero means the default; a negative power means 0, every
	// comment alike.
	Power float64
}

func (s sentenceMemberSettings) withDefaults() sentenceMemberSettings {
	if s.Share <= 0 {
		s.Share = defaultSentenceShare
	}
	if s.Ridge <= 0 {
		s.Ridge = defaultSentenceRidge
	}
	switch {
	case s.Power == 0:
		s.Power = defaultSentencePower
	case s.Power < 0:
		s.Power = 0
	}
	return s
}

// Defaults, chosen by 3-fold cross-validation inside the NHS README
// split's training part (docs/text-models.md, round sixteen).
const (
	defaultSentenceShare = 0.4
	defaultSentenceRidge = 0.1
	defaultSentencePower = 0.5
)

// probabilities are the member's probabilities of every label for word
// feature vector x, whose last sentenc.Dims features are the sentence
// vector.
func (s *sentenceMember) probabilities(x sparse) []float64 {
	z := sentenceBlock(x)
	out := make([]float64, len(s.Weights))
	for l, w := range s.Weights {
		v := s.Bias[l]
		for j, e := range z {
			v += w[j] * e
		}
		out[l] = sigmoid(s.Scale[0]*v + s.Scale[1])
	}
	return out
}

// sentenceBlock is the sentence vector at the end of word feature vector
// x: its last sentenc.Dims values (appendSentence writes all of them).
func sentenceBlock(x sparse) []float64 {
	if len(x.val) < sentenc.Dims {
		return make([]float64, sentenc.Dims)
	}
	return x.val[len(x.val)-sentenc.Dims:]
}

// mix sets probs to (1 − share)·probs + share·member's, when the level
// has a member.
func (s *sentenceMember) mix(probs []float64, x sparse) {
	if s == nil {
		return
	}
	own := s.probabilities(x)
	for l := range probs {
		probs[l] = (1-s.Share)*probs[l] + s.Share*own[l]
	}
}

func (s *sentenceMember) validate(what string, nRows int) error {
	if s == nil {
		return nil
	}
	switch {
	case len(s.Weights) != nRows || len(s.Bias) != nRows:
		return fmt.Errorf("text: %s's sentence member has %d weight rows and %d biases for %d labels", what, len(s.Weights), len(s.Bias), nRows)
	case len(s.Scale) != 2:
		return fmt.Errorf("text: %s's sentence member has a scale of %d numbers, want 2", what, len(s.Scale))
	case !(s.Share > 0 && s.Share < 1):
		return fmt.Errorf("text: %s's sentence member has share %v", what, s.Share)
	}
	for _, row := range s.Weights {
		if len(row) != sentenc.Dims {
			return fmt.Errorf("text: %s's sentence member has %d weights for %d dimensions", what, len(row), sentenc.Dims)
		}
	}
	return nil
}

// sentenceMember fits a level's sentence member on its word data, with
// out-of-fold fits on nFolds folds dealt as joint decoding and the
// thresholds deal theirs; nil for a model without sentence vectors.
func (m *Model) sentenceMember(d trainingData, nFolds int, opts TrainOptions) *sentenceFit {
	if !m.SentenceVectors {
		return nil
	}
	n := len(d.xs)
	if n < nFolds*minExamplesPerFold {
		return fitSentenceMember(d, nil, 0, opts.sentenceMember)
	}
	return fitSentenceMember(d, assignFolds(n, nFolds, opts.Seed), nFolds, opts.sentenceMember)
}

// sentenceFit is the sentence member of one level fitted on all training
// rows, and on all but each fold's for scoring that fold out of fold.
type sentenceFit struct {
	full   *sentenceMember
	byFold []*sentenceMember
}

// member is the member fitted without fold f's rows, or on all rows for
// f < 0 or when it was fitted without folds; nil for a level without one.
func (s *sentenceFit) member(f int) *sentenceMember {
	if s == nil {
		return nil
	}
	if f < 0 || s.byFold == nil {
		return s.full
	}
	return s.byFold[f]
}

// ridgeSums are the weighted sums a ridge fit needs over a set of rows:
// Σω, Σω·z, Σω·y, Σω·z zᵀ and Σω·z yᵀ.
type ridgeSums struct {
	weight float64
	z, y   []float64
	zz     *mat.SymDense
	zy     *mat.Dense
}

func newRidgeSums(k int) *ridgeSums {
	d := sentenc.Dims
	return &ridgeSums{z: make([]float64, d), y: make([]float64, k),
		zz: mat.NewSymDense(d, nil), zy: mat.NewDense(d, k, nil)}
}

// add accumulates rows of z (the sentence blocks) with targets ys and
// row weights w.
func (r *ridgeSums) add(z [][]float64, ys [][]bool, w []float64, rows []int) {
	d, k, n := sentenc.Dims, len(r.y), len(rows)
	// Dimension-major, so that each entry of Σω·z zᵀ is one contiguous
	// dot product.
	zw := make([]float64, d*n) // rows scaled by √ω
	yw := mat.NewDense(n, k, nil)
	for c, i := range rows {
		sq := math.Sqrt(w[i])
		r.weight += w[i]
		for j, v := range z[i] {
			zw[j*n+c] = sq * v
			r.z[j] += w[i] * v
		}
		for l, yes := range ys[i] {
			if yes {
				yw.Set(c, l, sq)
				r.y[l] += w[i]
			}
		}
	}
	a := mat.NewDense(d, n, zw)
	r.zz.SymRankK(r.zz, 1, a)
	var zy mat.Dense
	zy.Mul(a, yw)
	r.zy.Add(r.zy, &zy)
}

// minus is r less o's rows.
func (r *ridgeSums) minus(o *ridgeSums) *ridgeSums {
	out := newRidgeSums(len(r.y))
	out.weight = r.weight - o.weight
	for j := range r.z {
		out.z[j] = r.z[j] - o.z[j]
	}
	for l := range r.y {
		out.y[l] = r.y[l] - o.y[l]
	}
	out.zz.ScaleSym(-1, o.zz)
	out.zz.AddSym(r.zz, out.zz)
	out.zy.Sub(r.zy, o.zy)
	return out
}

// solve is the ridge fit of the rows summed: weights [label][dim] and
// biases, the penalty ridge times the mean eigenvalue of the centred
// covariance.
func (r *ridgeSums) solve(ridge float64) ([][]float64, []float64, error) {
	d, k := sentenc.Dims, len(r.y)
	mz, my := make([]float64, d), make([]float64, k)
	for j := range mz {
		mz[j] = r.z[j] / r.weight
	}
	for l := range my {
		my[l] = r.y[l] / r.weight
	}
	a := mat.NewSymDense(d, nil)
	trace := 0.0
	for i := range d {
		for j := i; j < d; j++ {
			a.SetSym(i, j, r.zz.At(i, j)-r.weight*mz[i]*mz[j])
		}
		trace += a.At(i, i)
	}
	lambda := ridge * trace / float64(d)
	for i := range d {
		a.SetSym(i, i, a.At(i, i)+lambda)
	}
	b := mat.NewDense(d, k, nil)
	for i := range d {
		for l := range k {
			b.Set(i, l, r.zy.At(i, l)-r.weight*mz[i]*my[l])
		}
	}
	var chol mat.Cholesky
	if !chol.Factorize(a) {
		return nil, nil, fmt.Errorf("text: sentence member's system is not positive definite")
	}
	var sol mat.Dense
	if err := chol.SolveTo(&sol, b); err != nil {
		return nil, nil, err
	}
	weights, bias := matrix(k, d), make([]float64, k)
	for l := range k {
		bias[l] = my[l]
		for j := range d {
			weights[l][j] = sol.At(j, l)
			bias[l] -= weights[l][j] * mz[j]
		}
	}
	return weights, bias, nil
}

// fitSentenceMember fits the sentence member of the level whose word
// data is d (its rows ending with the sentence vector) on all rows and,
// for folds (nil for none), on all but each fold's; the Platt scale is
// fitted on the out-of-fold scores, or on the training scores without
// folds. It returns nil when the settings leave the member out or the
// system cannot be solved.
func fitSentenceMember(d trainingData, folds []int, nFolds int, s sentenceMemberSettings) *sentenceFit {
	if s.Off {
		return nil
	}
	z := make([][]float64, len(d.xs))
	for i, x := range d.xs {
		z[i] = sentenceBlock(x)
	}
	w := classRarityWeights(d.ys, s.Power)
	k := len(d.ys[0])
	parts := make([]*ridgeSums, max(nFolds, 1))
	eachIndex(len(parts), func(f int) {
		var rows []int
		for i := range d.xs {
			if folds == nil || folds[i] == f {
				rows = append(rows, i)
			}
		}
		parts[f] = newRidgeSums(k)
		parts[f].add(z, d.ys, w, rows)
	})
	total := parts[0]
	for _, p := range parts[1:] {
		total = total.plus(p)
	}
	out := &sentenceFit{}
	weights, bias, err := total.solve(s.Ridge)
	if err != nil {
		return nil
	}
	out.full = &sentenceMember{Weights: weights, Bias: bias, Share: s.Share}
	// The Platt scale's two numbers are fitted on the out-of-fold scores
	// of at most plattRows rows (every label's score of each), which
	// pins them down as well as all rows would, at a fraction of the cost.
	step := max(1, len(z)/plattRows)
	var ms []float64
	var pos []bool
	if folds == nil {
		for i := 0; i < len(z); i += step {
			ms, pos = appendScores(ms, pos, z[i], d.ys[i], weights, bias)
		}
	} else {
		out.byFold = make([]*sentenceMember, nFolds)
		failed := false
		eachIndex(nFolds, func(f int) {
			fw, fb, err := total.minus(parts[f]).solve(s.Ridge)
			if err != nil {
				failed = true
				return
			}
			out.byFold[f] = &sentenceMember{Weights: fw, Bias: fb, Share: s.Share}
		})
		if failed {
			return nil
		}
		for i := 0; i < len(z); i += step {
			m := out.byFold[folds[i]]
			ms, pos = appendScores(ms, pos, z[i], d.ys[i], m.Weights, m.Bias)
		}
	}
	a, b := plattFit(ms, pos)
	out.full.Scale = []float64{a, b}
	for _, m := range out.byFold {
		m.Scale = out.full.Scale
	}
	return out
}

// plattRows is how many rows' scores the sentence member's Platt scale is
// fitted on, at most.
const plattRows = 2000

// plus is r and o's rows together.
func (r *ridgeSums) plus(o *ridgeSums) *ridgeSums {
	out := newRidgeSums(len(r.y))
	out.weight = r.weight + o.weight
	for j := range r.z {
		out.z[j] = r.z[j] + o.z[j]
	}
	for l := range r.y {
		out.y[l] = r.y[l] + o.y[l]
	}
	out.zz.AddSym(r.zz, o.zz)
	out.zy.Add(r.zy, o.zy)
	return out
}

// appendScores appends row z's ridge score for every label, and whether
// the row carries it.
func appendScores(ms []float64, pos []bool, z []float64, y []bool, weights [][]float64, bias []float64) ([]float64, []bool) {
	for l, w := range weights {
		v := bias[l]
		for j, e := range z {
			v += w[j] * e
		}
		ms, pos = append(ms, v), append(pos, y[l])
	}
	return ms, pos
}

// classRarityWeights weighs each row by (n / (K·n_k))^power, n_k the
// count of its rarest label's rows (1 for a row without one).
func classRarityWeights(ys [][]bool, power float64) []float64 {
	counts := make([]int, len(ys[0]))
	for _, y := range ys {
		for l, yes := range y {
			if yes {
				counts[l]++
			}
		}
	}
	out := make([]float64, len(ys))
	for i, y := range ys {
		out[i] = 1
		if power == 0 {
			continue
		}
		rarest := 0
		for l, yes := range y {
			if yes && (rarest == 0 || counts[l] < rarest) {
				rarest = counts[l]
			}
		}
		if rarest > 0 {
			out[i] = math.Pow(float64(len(ys))/(float64(len(counts))*float64(rarest)), power)
		}
	}
	return out
}
