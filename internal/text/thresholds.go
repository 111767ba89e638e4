package text

import (
	"slices"
)

// tuneThresholds picks each label's decision threshold from out-of-fold
// probabilities: the examples are split into opts.ThresholdFolds folds, a
// model fitted to the others scores each fold, and each label gets the
// threshold that maximises its F1 over those held-out scores. A fixed 0.5
// is wrong for almost every label: rare ones are under-predicted by it and
// broad ones over-predicted. The fold models share the full model's
// vocabulary, which uses no labels, and start from its weights, which
// only saves solver iterations; the sentence member, when there is one,
// is mixed in from its fit without the fold. Labels with too few examples
// to tune on keep 0.5.
func tuneThresholds(parts []modelPart, sentences *sentenceFit, wordShare float64, opts TrainOptions) []float64 {
	d := parts[0].data
	thresholds := constant(len(d.prior), 0.5)
	k := opts.ThresholdFolds
	if len(d.xs) < k*minExamplesPerFold {
		return thresholds
	}
	folds := assignFolds(len(d.xs), k, opts.Seed)
	scores := make([][]float64, len(d.xs))
	for f := range k {
		trainIdx, testIdx := foldRows(folds, f)
		for p, part := range parts {
			foldW, foldBias := part.data.subset(trainIdx).fit(part.c, opts.PositiveWeightPower, part.weights, part.bias)
			byFeature := newFeatureMajor(foldW)
			for _, i := range testIdx {
				probs := squash(byFeature.scores(part.data.xs[i], foldW, foldBias), nil)
				if p == 0 {
					scores[i] = probs
				} else {
					mixProbabilities(scores[i], probs, wordShare)
				}
			}
		}
		for _, i := range testIdx {
			sentences.member(f).mix(scores[i], d.xs[i])
		}
	}
	for l := range thresholds {
		thresholds[l] = bestF1Threshold(column(scores, l), columnBool(d.ys, l))
	}
	return thresholds
}

// minExamplesPerFold keeps threshold tuning from fitting folds too small to
// say anything; below it every threshold stays 0.5.
const minExamplesPerFold = 10

// bestF1Threshold returns the threshold that maximises F1 when every score
// at or above it counts as a positive: halfway between the lowest score
// taken and the highest left out, so that it sits in the gap. With fewer
// than minPositivesToTune positives the estimate would be noise, and 0.5 is
// kept.
func bestF1Threshold(scores []float64, positive []bool) float64 {
	pos := 0
	for _, p := range positive {
		if p {
			pos++
		}
	}
	if pos < minPositivesToTune {
		return 0.5
	}
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return compareScoreDesc(scores[a], scores[b]) })
	best, bestF1, tp := 0.5, -1.0, 0
	for rank, i := range order {
		if positive[i] {
			tp++
		}
		if rank+1 < len(order) && scores[order[rank+1]] == scores[i] {
			continue // a threshold cannot split equal scores
		}
		if f1 := 2 * float64(tp) / float64(pos+rank+1); f1 > bestF1 {
			bestF1 = f1
			best = scores[i]
			if rank+1 < len(order) {
				best = (scores[i] + scores[order[rank+1]]) / 2
			}
		}
	}
	return best
}

const minPositivesToTune = 3

func column(m [][]float64, j int) []float64 {
	out := make([]float64, len(m))
	for i, row := range m {
		out[i] = row[j]
	}
	return out
}

func columnBool(m [][]bool, j int) []bool {
	out := make([]bool, len(m))
	for i, row := range m {
		out[i] = row[j]
	}
	return out
}
