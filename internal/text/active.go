package text

import (
	"math"
	"slices"
)

// Uncertain is a comment the model is unsure about, for the active
// learning queue: labelling these teaches the model most per label.
type Uncertain struct {
	// Index is the comment's position in the input.
	Index int `json:"index"`
	// Uncertainty is 1 minus the gap between the two most probable labels,
	// in [0, 1]: 1 when the model cannot tell them apart.
	Uncertainty float64 `json:"uncertainty"`
	// Suggestions are the model's top labels for it, best first.
	Suggestions []Suggestion `json:"suggestions"`
}

// MostUncertain ranks comments by how unsure the model is of their label
// (margin sampling: the smaller the gap between the top two
// probabilities, the more a staff label would teach) and returns the n most
// uncertain, most uncertain first; ties keep input order.
func MostUncertain(m *Model, comments []string, n int) []Uncertain {
	out := make([]Uncertain, len(comments))
	for i, c := range comments {
		ranked := m.Suggest(c)
		out[i] = Uncertain{Index: i, Uncertainty: uncertainty(ranked), Suggestions: ranked[:min(uncertainSuggestions, len(ranked))]}
	}
	slices.SortStableFunc(out, func(a, b Uncertain) int { return compareScoreDesc(a.Uncertainty, b.Uncertainty) })
	return out[:min(max(n, 0), len(out))]
}

const uncertainSuggestions = 3

func uncertainty(ranked []Suggestion) float64 {
	switch len(ranked) {
	case 0:
		return 1
	case 1:
		return 1 - math.Abs(2*ranked[0].Score-1) // a lone label is surest near 0 or 1
	}
	return 1 - (ranked[0].Score - ranked[1].Score)
}

// LabelsNeeded estimates how many more labelled comments a category needs
// for its held-out F1 to reach target, from its current F1 and how many
// training comments carry it. It assumes the error 1 − F1 shrinks like
// 1/√n, the usual shape of a linear text classifier's learning curve, so
// halving the error takes four times the examples. The estimate is rough
// and meant for ranking which categories to label next; it is 0 when the
// target is met and capped at maxLabelsNeeded.
func LabelsNeeded(f1 float64, have int, target float64) int {
	if f1 >= target {
		return 0
	}
	if have < 1 || f1 <= 0 {
		return max(minLabelsForEstimate-have, minLabelsForEstimate/2)
	}
	ratio := (1 - f1) / (1 - target)
	need := float64(have)*ratio*ratio - float64(have)
	return min(maxLabelsNeeded, int(math.Ceil(need)))
}

const (
	// minLabelsForEstimate: a category never predicted right has no
	// learning curve to extrapolate; this many examples usually give one.
	minLabelsForEstimate = 20
	maxLabelsNeeded      = 1000
)
