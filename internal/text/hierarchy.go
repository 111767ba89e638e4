package text

import (
	"fmt"
	"math"
	"slices"
)

// OtherLevel is the second level of a two-level category hierarchy, such
// as the NHS comments' 9 broad labels and their 44 subcategories, learned
// beside the model's own labels so each level can lean on the other. A
// comment's broad label is its subcategory's parent, so the subcategory
// model's probabilities, summed per parent, are a second opinion on the
// broad label learned from finer distinctions; and the broad model, trained
// on more examples per label, tells the subcategory model which family to
// choose from. In 3-fold cross-validation inside the NHS training split this
// raised label micro-F1 from 0.720 to 0.726 and subcategory micro-F1 from
// 0.600 to 0.604 (docs/text-models.md, round four).
type OtherLevel struct {
	// Labels are the other level's labels, sorted.
	Labels []string `json:"labels"`
	// Its word and character models, over the same features as the
	// model's own.
	levelWeights
	// Finer says these labels are the finer level, the model's own the
	// broad one.
	Finer bool `json:"finer"`
	// Parent[f] is the index, among the broad level's labels, of the
	// parent of the finer level's label f: the broad label it was most often
	// given with in training.
	Parent []int `json:"parent"`
}

// Shares of the two levels, chosen by 3-fold cross-validation inside the
// NHS training split; in both, a wide plateau of values scored within 0.2 of
// a point of each other, and these sit in its middle.
const (
	// finerShare is the weight of the summed finer-level probabilities in
	// a broad label's probability.
	finerShare = 0.5
	// broadPower is the exponent of the parent's probability that a finer
	// label's probability is multiplied by.
	broadPower = 0.25
)

// hierarchyExamples checks that every labelled example carries one label
// at each level, as a two-level hierarchy needs, and returns the other
// level's labels of the labelled examples, in order. It returns nil when no
// example has an other-level label: the model then has one level. Errors
// number examples from 1 in the caller's list.
func hierarchyExamples(examples []Example) ([][]string, error) {
	if !slices.ContainsFunc(examples, func(e Example) bool { return len(e.OtherLevel) > 0 }) {
		return nil, nil
	}
	var out [][]string
	for i, e := range examples {
		if len(e.Labels) == 0 {
			continue // skipped by Train, like every unlabelled comment
		}
		if len(distinct(e.Labels)) != 1 || len(distinct(e.OtherLevel)) != 1 {
			return nil, fmt.Errorf("text: example %d has %d labels and %d other-level labels; a two-level hierarchy needs exactly one of each",
				i+1, len(distinct(e.Labels)), len(distinct(e.OtherLevel)))
		}
		out = append(out, e.OtherLevel)
	}
	return out, nil
}

// fitOtherLevel fits the other level's word and character models on the
// features of parts and links the levels; it returns the fitted parts too.
// It returns nil when both levels have as many labels, since neither is
// then the finer.
func fitOtherLevel(labels []string, ownTargets [][]bool, other [][]string, parts []modelPart, opts TrainOptions) (*OtherLevel, []modelPart) {
	o := &OtherLevel{}
	for _, ls := range other {
		o.Labels = append(o.Labels, ls...)
	}
	slices.Sort(o.Labels)
	o.Labels = slices.Compact(o.Labels)
	if len(o.Labels) == len(labels) {
		return nil, nil
	}
	ys := make([][]bool, len(other))
	for n, ls := range other {
		ys[n] = make([]bool, len(o.Labels))
		i, _ := slices.BinarySearch(o.Labels, ls[0])
		ys[n][i] = true
	}
	otherParts := slices.Clone(parts)
	for k, part := range otherParts {
		otherParts[k].data = trainingData{xs: part.data.xs, ys: ys,
			prior: matrix(len(o.Labels), len(part.data.prior[0])), dense: part.data.dense}
	}
	fitParts(otherParts, opts.PositiveWeightPower)
	o.levelWeights = fitted(otherParts)
	o.Finer = len(o.Labels) > len(labels)
	fine, broad := ownTargets, ys
	if o.Finer {
		fine, broad = ys, ownTargets
	}
	o.Parent = parents(fine, broad)
	return o, otherParts
}

// parents maps each finer label to the broad label it co-occurs with most.
func parents(fine, broad [][]bool) []int {
	counts := matrix(len(fine[0]), len(broad[0]))
	for n := range fine {
		for f, yes := range fine[n] {
			for b, also := range broad[n] {
				if yes && also {
					counts[f][b]++
				}
			}
		}
	}
	out := make([]int, len(counts))
	for f, row := range counts {
		for b, c := range row {
			if c > row[out[f]] {
				out[f] = b
			}
		}
	}
	return out
}

// combine turns the model's own probabilities and the other level's into
// the own labels' scores, a distribution summing to 1 (see broadScores and
// fineScores). It normalises both in place.
func (o *OtherLevel) combine(own, other []float64) []float64 {
	if o.Finer {
		return broadScores(own, other, o.Parent)
	}
	return fineScores(own, other, o.Parent)
}

// broadScores mixes the broad labels' normalised probabilities with their
// children's, summed per parent.
func broadScores(broad, fine []float64, parent []int) []float64 {
	normalise(broad)
	normalise(fine)
	for l := range broad {
		broad[l] *= 1 - finerShare
	}
	for f, p := range fine {
		broad[parent[f]] += finerShare * p
	}
	return broad
}

// fineScores multiplies the finer labels' normalised probabilities by
// their parent's to the power broadPower, renormalised.
func fineScores(fine, broad []float64, parent []int) []float64 {
	normalise(fine)
	normalise(broad)
	for f := range fine {
		fine[f] *= math.Pow(broad[parent[f]], broadPower)
	}
	normalise(fine)
	return fine
}

func normalise(p []float64) {
	sum := 0.0
	for _, v := range p {
		sum += v
	}
	if sum <= 0 {
		return
	}
	for i := range p {
		p[i] /= sum
	}
}

// validate checks that the other level fits a model with nOwn labels, nWord
// word features and nGram character n-grams.
func (o *OtherLevel) validate(nOwn, nWord, nGram int) error {
	n := len(o.Labels)
	nFine, nBroad := nOwn, n
	if o.Finer {
		nFine, nBroad = n, nOwn
	}
	switch {
	case !slices.IsSorted(o.Labels) || firstDuplicate(o.Labels) != "":
		return fmt.Errorf("text: other-level labels are not sorted and distinct")
	case len(o.Parent) != nFine:
		return fmt.Errorf("text: other level has %d parents for %d finer labels", len(o.Parent), nFine)
	}
	for _, p := range o.Parent {
		if p < 0 || p >= nBroad {
			return fmt.Errorf("text: other level's parent %d is not one of %d broad labels", p, nBroad)
		}
	}
	return o.levelWeights.validateShape("other level", n, nWord, nGram)
}

// validateShape checks that w has nRows rows of nWord word weights and,
// when nGram > 0, as many rows of nGram character weights, and a bias per
// row; what names the part in errors.
func (w levelWeights) validateShape(what string, nRows, nWord, nGram int) error {
	switch {
	case len(w.Weights) != nRows || len(w.Bias) != nRows:
		return fmt.Errorf("text: %s has %d labels but %d weight rows and %d biases", what, nRows, len(w.Weights), len(w.Bias))
	case (nGram > 0) != (len(w.GramWeights) > 0):
		return fmt.Errorf("text: %s's character model does not match the model's", what)
	case len(w.GramWeights) > 0 && (len(w.GramWeights) != nRows || len(w.GramBias) != nRows):
		return fmt.Errorf("text: %s has %d labels but %d character weight rows and %d biases", what, nRows, len(w.GramWeights), len(w.GramBias))
	case len(w.WordScale) != 0 && len(w.WordScale) != 2, len(w.GramScale) != 0 && len(w.GramScale) != 2:
		return fmt.Errorf("text: %s has calibration scales of %d and %d numbers, want 2", what, len(w.WordScale), len(w.GramScale))
	}
	if err := w.Sentence.validate(what, nRows); err != nil {
		return err
	}
	for _, row := range w.Weights {
		if len(row) != nWord {
			return fmt.Errorf("text: %s has %d weights for %d word features", what, len(row), nWord)
		}
	}
	for _, row := range w.GramWeights {
		if len(row) != nGram {
			return fmt.Errorf("text: %s has %d character weights for %d n-grams", what, len(row), nGram)
		}
	}
	return nil
}
