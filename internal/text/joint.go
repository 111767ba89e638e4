package text

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"sync"
)

// JointDecoding is how a model trained on the finer level of a two-level
// hierarchy (the NHS comments' 44 subcategories under their 9 labels)
// decides between its labels. Two things beside the hierarchy combination
// of [OtherLevel]:
//
//   - a conditional model per broad label, one-vs-rest over its children
//     and fitted on its comments only, which learns the distinctions inside
//     a family ("Staff: General" against "Attitude Of Staff") without the
//     rest of the file outvoting them; a finer label's joint score is
//     p(parent) · p(label | parent), mixed geometrically with the
//     hierarchy-combined score;
//   - an additive offset per finer label on that log score, tuned on
//     out-of-fold scores of the whole model to raise micro- plus macro-F1
//     without lowering micro-F1 there: one-vs-rest fits under-predict rare
//     labels, and the offsets give them back the comments they nearly won.
//
// In 3-fold cross-validation inside the NHS README split's training part
// (offsets cross-fitted: each fold decided by offsets tuned on the other
// folds) this raised subcategory macro-F1 from 0.338 to 0.378 at equal
// micro-F1 (docs/text-models.md, rounds six and seven).
type JointDecoding struct {
	// The conditional word and character models: row f holds finer label
	// f's weights in its parent's model. Rows of a parent's only child
	// stay zero: its conditional probability is 1 whatever they are.
	levelWeights
	// Offsets[f] is added to finer label f's log score.
	Offsets []float64 `json:"offsets"`
}

// Settings of joint decoding, chosen by cross-validation in round six:
// jointShare weighs the joint score against the hierarchy-combined one;
// offsets are tuned in offsetSweeps sweeps over a grid of ±offsetRange in
// steps of offsetStep, for micro-F1 + offsetMacroWeight·macro-F1, refusing
// any change that lowers micro-F1 below where tuning started.
const (
	jointShare        = 0.5
	jointFolds        = 3
	offsetStep        = 0.25
	offsetRange       = 3.0
	offsetSweeps      = 3
	offsetMacroWeight = 1.0
)

// scores are the finer labels' joint scores, a distribution summing to 1,
// from the finer level's own probabilities, the broad level's and the
// conditional models' for the same comment.
func (j *JointDecoding) scores(fine, broad, cond []float64, parent []int) []float64 {
	out := jointLogScores(fine, broad, cond, parent)
	for f := range out {
		out[f] += j.Offsets[f]
	}
	return softmax(out)
}

// jointLogScores is the log of the joint score before offsets. It
// normalises fine and broad in place.
func jointLogScores(fine, broad, cond []float64, parent []int) []float64 {
	return jointLogScoresAt(fine, broad, cond, parent, jointShare)
}

// jointLogScoresAt is jointLogScores with the joint score weighed by
// share: 1 is the plain two-stage p(parent) · p(label | parent).
func jointLogScoresAt(fine, broad, cond []float64, parent []int, share float64) []float64 {
	label := broadScores(slices.Clone(broad), slices.Clone(fine), parent)
	sub := fineScores(fine, broad, parent)
	out := make([]float64, len(sub))
	for f := range sub {
		out[f] = (1-share)*math.Log(sub[f]+1e-12) + share*math.Log(label[parent[f]]*cond[f]+1e-12)
	}
	return out
}

func softmax(logs []float64) []float64 {
	top := slices.Max(logs)
	for i, v := range logs {
		logs[i] = math.Exp(v - top)
	}
	normalise(logs)
	return logs
}

// conditional is each finer label's probability given its parent, from
// the conditional models.
func (j *JointDecoding) conditional(x, g sparse, wordShare float64, parent []int) []float64 {
	p := j.levelWeights.probabilities(x, g, wordShare)
	normaliseWithin(p, parent)
	return p
}

// normaliseWithin divides each finer label's probability by the sum over
// its parent's children.
func normaliseWithin(p []float64, parent []int) {
	sums := make([]float64, slices.Max(parent)+1)
	for f, v := range p {
		sums[parent[f]] += v
	}
	for f := range p {
		if s := sums[parent[f]]; s > 0 {
			p[f] /= s
		}
	}
}

// fitJoint fits the conditional models on fine's data, then scores every
// training comment out of fold — the finer and broad levels' models and
// the conditional ones refitted on the other folds, each warm-started from
// its full fit, which only saves solver iterations — and tunes the offsets
// on those scores.
//
// sentences are the fine and broad levels' sentence members (nil without
// them), whose fold fits score each fold beside the refitted LRs.
func fitJoint(fine, broad []modelPart, sentences [2]*sentenceFit, parent []int, wordShare float64, opts TrainOptions) *JointDecoding {
	cond := slices.Clone(fine)
	for k := range cond {
		cond[k].weights, cond[k].bias = fitConditional(cond[k].data, parent, cond[k].c, opts.PositiveWeightPower, nil, nil)
	}
	n := len(fine[0].data.xs)
	j := &JointDecoding{levelWeights: fitted(cond), Offsets: make([]float64, len(parent))}
	if n < jointFolds*minExamplesPerFold {
		return j // too few comments to score out of fold: no offsets
	}
	folds := assignFolds(n, jointFolds, opts.Seed)
	logs := make([][]float64, n)
	// The folds are fitted at once: each fit spreads its labels over the
	// processors, but a parent's conditional model has only a few, and
	// scoring a fold is serial, so one fold alone would leave cores idle.
	var wg sync.WaitGroup
	for f := range jointFolds {
		wg.Go(func() {
			trainIdx, scored := foldRows(folds, f)
			refit := func(parts []modelPart, conditional bool) levelWeights {
				out := slices.Clone(parts)
				for k, part := range parts {
					d := part.data.subset(trainIdx)
					if conditional {
						out[k].weights, out[k].bias = fitConditional(d, parent, part.c, opts.PositiveWeightPower, part.weights, part.bias)
					} else {
						out[k].weights, out[k].bias = d.fit(part.c, opts.PositiveWeightPower, part.weights, part.bias)
					}
				}
				return fitted(out)
			}
			fineW, broadW, condW := refit(fine, false).forScoring(), refit(broad, false).forScoring(), refit(cond, true).forScoring()
			fineW.Sentence, broadW.Sentence = sentences[0].member(f), sentences[1].member(f)
			for _, i := range scored {
				x, g := partVectors(fine, i)
				c := condW.probabilities(x, g, wordShare)
				normaliseWithin(c, parent)
				logs[i] = jointLogScores(fineW.probabilities(x, g, wordShare), broadW.probabilities(x, g, wordShare), c, parent)
			}
		})
	}
	wg.Wait()
	y := make([]int, n)
	for i, row := range fine[0].data.ys {
		y[i] = slices.Index(row, true)
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	j.Offsets = tuneOffsets(logs, y, all, cmp.Or(opts.offsetMacroWeight, offsetMacroWeight), offsetStep, 0)
	return j
}

// partVectors are example i's word and character vectors; the latter empty
// for a words-only model.
func partVectors(parts []modelPart, i int) (x, g sparse) {
	x = parts[0].data.xs[i]
	if len(parts) > 1 {
		g = parts[1].data.xs[i]
	}
	return x, g
}

// fitConditional fits, for each parent with more than one child, a
// one-vs-rest model over its children on the examples of d that carry one
// of them, and returns the rows of every finer label; startW and startBias,
// when not nil, are full-width rows to start from.
func fitConditional(d trainingData, parent []int, c, power float64, startW [][]float64, startBias []float64) ([][]float64, []float64) {
	nf := len(d.ys[0])
	weights, bias := make([][]float64, nf), make([]float64, nf)
	for f := range weights {
		weights[f] = make([]float64, len(d.prior[f]))
	}
	for p := range slices.Max(parent) + 1 {
		var children []int
		for f, pf := range parent {
			if pf == p {
				children = append(children, f)
			}
		}
		if len(children) < 2 {
			continue
		}
		td := trainingData{dense: d.dense}
		for _, f := range children {
			td.prior = append(td.prior, d.prior[f])
		}
		for i, row := range d.ys {
			y := make([]bool, len(children))
			for k, f := range children {
				y[k] = row[f]
			}
			if slices.Contains(y, true) {
				td.xs, td.ys = append(td.xs, d.xs[i]), append(td.ys, y)
			}
		}
		if len(td.xs) == 0 {
			continue
		}
		var sw [][]float64
		var sb []float64
		if startW != nil {
			for _, f := range children {
				sw, sb = append(sw, startW[f]), append(sb, startBias[f])
			}
		}
		w, b := td.fit(c, power, sw, sb)
		for k, f := range children {
			weights[f], bias[f] = w[k], b[k]
		}
	}
	return weights, bias
}

// foldRows are the rows outside fold f, which fit, and those in it, which
// are scored.
func foldRows(folds []int, f int) (train, scored []int) {
	for i, fold := range folds {
		if fold == f {
			scored = append(scored, i)
		} else {
			train = append(train, i)
		}
	}
	return train, scored
}

// tuneOffsets is coordinate ascent, offsetSweeps sweeps, on per-label
// additive offsets to log scores s, maximising micro-F1 +
// macroWeight·macro-F1 of the argmax over rows (y[i] is row i's label),
// keeping micro-F1 within tolerance of where it started, each label's
// offset searched on a grid of ±offsetRange in the given step.
//
// Trying label l's offsets only moves rows into l (those whose score for
// l overtakes their top one) or out of it to their runner-up, and a row's
// score for l grows with the offset, so each row changes side once along
// the grid: the grid index where it does is found by bisection, and the
// F1 counts are updated row by row as the scan passes it, instead of
// deciding every row at every grid point.
func tuneOffsets(s [][]float64, y []int, rows []int, macroWeight, step, tolerance float64) []float64 {
	nl := len(s[0])
	off := make([]float64, nl)
	pred, second := make([]int, len(rows)), make([]int, len(rows))
	top1, top2 := make([]float64, len(rows)), make([]float64, len(rows))
	decide := func(k int) {
		best, next, a, bb := 0, -1, math.Inf(-1), math.Inf(-1)
		for l, v := range s[rows[k]] {
			v += off[l]
			if v > a {
				next, bb, a, best = best, a, v, l
			} else if v > bb {
				next, bb = l, v
			}
		}
		pred[k], second[k], top1[k], top2[k] = best, next, a, bb
	}
	// redecide re-decides the rows that label l's new offset can change:
	// those it led or came second in, and those it now reaches.
	redecide := func(l int) {
		for k, i := range rows {
			if pred[k] == l || second[k] == l || s[i][l]+off[l] >= top2[k] {
				decide(k)
			}
		}
	}
	for k := range rows {
		decide(k)
	}
	var grid []float64
	for d := -offsetRange; d <= offsetRange+1e-9; d += step {
		grid = append(grid, d)
	}
	c := newF1Counts(nl)
	for k, i := range rows {
		c.add(pred[k], y[i], 1)
	}
	start := c.accuracy()
	minAccuracy := start - tolerance
	best := c.objective(macroWeight, minAccuracy)
	// at[k] is the first grid index at which row k is decided l; runnerUp[k]
	// the label a row predicted l goes to below it.
	at, runnerUp := make([]int, len(rows)), make([]int, len(rows))
	byIndex := make([][]int, len(grid)+1)
	for range offsetSweeps {
		for l := range nl {
			for g := range byIndex {
				byIndex[g] = byIndex[g][:0]
			}
			trial := c.clone()
			for k, i := range rows {
				other := top1[k]
				if pred[k] == l {
					other = top2[k]
					runnerUp[k] = secondBest(s[i], off, l)
				}
				at[k], _ = slices.BinarySearchFunc(grid, 0, func(d float64, _ int) int {
					if s[i][l]+d > other {
						return 1
					}
					return -1
				})
				byIndex[at[k]] = append(byIndex[at[k]], k)
				// The trial starts at the grid's first point.
				if pred[k] == l && at[k] > 0 {
					trial.move(l, runnerUp[k], y[i])
				} else if pred[k] != l && at[k] == 0 {
					trial.move(pred[k], l, y[i])
				}
			}
			bestDelta := off[l]
			for g, d := range grid {
				if g > 0 {
					for _, k := range byIndex[g] {
						from := pred[k]
						if from == l {
							from = runnerUp[k]
						}
						trial.move(from, l, y[rows[k]])
					}
				}
				if v := trial.objective(macroWeight, minAccuracy); v > best+1e-12 {
					best, bestDelta = v, d
				}
			}
			off[l] = bestDelta
			redecide(l)
			c = newF1Counts(nl)
			for k, i := range rows {
				c.add(pred[k], y[i], 1)
			}
		}
	}
	return off
}

// f1Counts are the per-label true positives, false positives and false
// negatives of single-label decisions, and how many were right.
type f1Counts struct {
	tp, fp, fn     []int
	correct, total int
}

func newF1Counts(nl int) *f1Counts {
	return &f1Counts{tp: make([]int, nl), fp: make([]int, nl), fn: make([]int, nl)}
}

func (c *f1Counts) clone() *f1Counts {
	return &f1Counts{tp: slices.Clone(c.tp), fp: slices.Clone(c.fp), fn: slices.Clone(c.fn), correct: c.correct, total: c.total}
}

// add counts (sign 1) or uncounts (sign −1) a row of label truth decided
// pred.
func (c *f1Counts) add(pred, truth, sign int) {
	c.total += sign
	if pred == truth {
		c.tp[truth] += sign
		c.correct += sign
		return
	}
	c.fp[pred] += sign
	c.fn[truth] += sign
}

// move re-decides a row of label truth from one label to another.
func (c *f1Counts) move(from, to, truth int) {
	c.add(from, truth, -1)
	c.add(to, truth, 1)
}

func (c *f1Counts) accuracy() float64 { return float64(c.correct) / float64(c.total) }

// objective is micro-F1 (accuracy) + macroWeight·macro-F1 over all
// labels, or −∞ when accuracy is below minAccuracy.
func (c *f1Counts) objective(macroWeight, minAccuracy float64) float64 {
	accuracy := c.accuracy()
	if accuracy < minAccuracy {
		return math.Inf(-1)
	}
	macro := 0.0
	for l := range c.tp {
		macro += ratio(2*c.tp[l], 2*c.tp[l]+c.fp[l]+c.fn[l])
	}
	return accuracy + macroWeight*macro/float64(len(c.tp))
}

// secondBest is the label other than skip with the highest offset score.
func secondBest(row, off []float64, skip int) int {
	best := -1
	for l, v := range row {
		if l != skip && (best < 0 || v+off[l] > row[best]+off[best]) {
			best = l
		}
	}
	return best
}

// validate checks that joint decoding fits a model with nOwn labels, nWord
// word features and nGram character n-grams.
func (j *JointDecoding) validate(nOwn, nWord, nGram int) error {
	if len(j.Offsets) != nOwn {
		return fmt.Errorf("text: joint decoding has %d offsets for %d labels", len(j.Offsets), nOwn)
	}
	return j.levelWeights.validateShape("joint decoding", nOwn, nWord, nGram)
}
