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
	// Doubt is, for a model that gives a comment several labels, the label
	// it is least sure to give or not (its probability nearest its
	// threshold), with that probability and threshold; nil when the doubt
	// is which label comes first.
	Doubt *Doubt `json:"doubt,omitempty"`
}

// Doubt is a label whose assignment the model is unsure of.
type Doubt struct {
	Label     string  `json:"label"`
	Score     float64 `json:"score"`
	Threshold float64 `json:"threshold"`
}

// MostUncertain ranks comments by how unsure the model is of their labels
// and returns the n most uncertain, most uncertain first; ties keep input
// order. A model that gives one label a comment is judged by margin
// sampling: the smaller the gap between the top two probabilities, the
// more a staff label would teach. One that gives several (thresholds tuned
// on multi-label data) gives the top label and every other that reaches its
// threshold, so two labels both at 99% are no doubt at all: it is judged
// by the label whose probability lies nearest its threshold, and by the
// top two's gap only when the runner-up is not given too.
func MostUncertain(m *Model, comments []string, n int) []Uncertain {
	out := make([]Uncertain, len(comments))
	for i, c := range comments {
		ranked := m.Suggest(c)
		out[i] = Uncertain{Index: i, Suggestions: ranked[:min(uncertainSuggestions, len(ranked))]}
		out[i].Uncertainty, out[i].Doubt = m.uncertainty(ranked)
	}
	slices.SortStableFunc(out, func(a, b Uncertain) int { return compareScoreDesc(a.Uncertainty, b.Uncertainty) })
	return out[:min(max(n, 0), len(out))]
}

const uncertainSuggestions = 3

// uncertainty is how unsure m is of the labels ranked (m.Suggest's), in
// [0, 1], with the label in doubt when m gives several.
func (m *Model) uncertainty(ranked []Suggestion) (float64, *Doubt) {
	margin := marginUncertainty(ranked)
	if m.MaxLabels <= 1 || len(ranked) < 2 {
		return margin, nil
	}
	var best float64
	if ranked[1].Score < m.Threshold(ranked[1].Label) {
		best = margin // which of the two comes first decides the one label given
	}
	var doubt *Doubt
	for _, s := range ranked[1:] {
		t := m.Threshold(s.Label)
		if near := nearness(s.Score, t); near > best {
			best, doubt = near, &Doubt{Label: s.Label, Score: s.Score, Threshold: t}
		}
	}
	return best, doubt
}

// nearness is how close probability p lies to threshold t, on the log-odds
// scale the model works in: exp(−|logit p − logit t|), 1 at t. On the
// probability scale a label with a low threshold (0.10) would look as
// doubtful at 0.51, far above it, as at 0.05 just under it.
func nearness(p, t float64) float64 {
	return math.Exp(-math.Abs(logit(p) - logit(t)))
}

func marginUncertainty(ranked []Suggestion) float64 {
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
