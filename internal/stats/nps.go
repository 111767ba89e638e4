package stats

import (
	"fmt"
	"math"
)

// DefaultConfidence is used whenever a caller passes a confidence level of 0.
const DefaultConfidence = 0.95

// ScoreError reports an answer outside its scale. It names the offending
// value and its position so the caller can point at the bad row.
type ScoreError struct {
	Scale string // "NPS", "CSAT" or "CES"
	Index int    // position in the input slice, -1 when not from a slice
	Value int
	Min   int
	Max   int
}

func (e *ScoreError) Error() string {
	where := ""
	if e.Index >= 0 {
		where = fmt.Sprintf(" at index %d", e.Index)
	}
	return fmt.Sprintf("stats: %s score %d%s is outside %d..%d", e.Scale, e.Value, where, e.Min, e.Max)
}

// ZForConfidence returns the two-sided standard-normal critical value for a
// confidence level in (0, 1): 1.959964 for 0.95. A level of 0 means
// [DefaultConfidence].
func ZForConfidence(confidence float64) (float64, error) {
	if confidence == 0 {
		confidence = DefaultConfidence
	}
	if !(confidence > 0 && confidence < 1) {
		return 0, fmt.Errorf("stats: confidence %v must be in (0, 1)", confidence)
	}
	return math.Sqrt2 * math.Erfinv(confidence), nil
}

// Tally counts answers to a 0–10 "how likely are you to recommend" question.
// Tallies are additive, so callers can tally per day and merge into any
// period or segment.
type Tally struct {
	Promoters  int `json:"promoters"`
	Passives   int `json:"passives"`
	Detractors int `json:"detractors"`
}

// N is the number of answers in the tally.
func (t Tally) N() int { return t.Promoters + t.Passives + t.Detractors }

// Merge returns the sum of two tallies.
func (t Tally) Merge(other Tally) Tally {
	return Tally{
		Promoters:  t.Promoters + other.Promoters,
		Passives:   t.Passives + other.Passives,
		Detractors: t.Detractors + other.Detractors,
	}
}

// Add counts one 0–10 answer; anything else is rejected with a *ScoreError.
func (t *Tally) Add(score int) error {
	if score < 0 || score > 10 {
		return npsScoreError(-1, score)
	}
	switch {
	case score >= 9:
		t.Promoters++
	case score >= 7:
		t.Passives++
	default:
		t.Detractors++
	}
	return nil
}

// TallyCounts tallies answers given as how many gave each score (the
// rollups' shape). Scores are taken as they come: 9 and above promote, 7–8
// are passive, the rest detract.
func TallyCounts(counts map[int]int) Tally {
	var t Tally
	for score, n := range counts {
		switch {
		case score >= 9:
			t.Promoters += n
		case score >= 7:
			t.Passives += n
		default:
			t.Detractors += n
		}
	}
	return t
}

// TallyScores counts 0–10 answers. It rejects the whole input on the first
// invalid score rather than silently dropping it, because a bad score means
// a bug upstream.
func TallyScores(scores []int) (Tally, error) {
	var t Tally
	for i, s := range scores {
		if t.Add(s) != nil {
			return Tally{}, npsScoreError(i, s)
		}
	}
	return t, nil
}

func npsScoreError(index, score int) *ScoreError {
	return &ScoreError{Scale: "NPS", Index: index, Value: score, Min: 0, Max: 10}
}

// NPSResult is an NPS with everything needed to read it honestly.
// Scores are in NPS points (−100..100).
type NPSResult struct {
	N          int `json:"n"`
	Promoters  int `json:"promoters"`
	Passives   int `json:"passives"`
	Detractors int `json:"detractors"`
	// NoData is true when n = 0; NPS is then 0 and the interval is the
	// whole scale, so nothing downstream has to handle NaN.
	NoData bool `json:"no_data"`
	// NPS is the plain 100·(P − D)/n that people expect to see.
	NPS float64 `json:"nps"`
	// Adjusted is 100·NPS′, the centre of the adjusted-Wald interval; it is
	// pulled slightly towards 0 and is what significance tests use.
	Adjusted float64 `json:"adjusted"`
	// SE is the adjusted-Wald standard error, in NPS points.
	SE         float64 `json:"se"`
	CILow      float64 `json:"ci_low"`
	CIHigh     float64 `json:"ci_high"`
	Confidence float64 `json:"confidence"`
	Z          float64 `json:"z"`
}

// NPS computes the score and its adjusted-Wald interval for a tally at the
// given confidence level (0 means 95%).
func NPS(t Tally, confidence float64) (NPSResult, error) {
	if t.Promoters < 0 || t.Passives < 0 || t.Detractors < 0 {
		return NPSResult{}, fmt.Errorf("stats: tally has a negative count: %+v", t)
	}
	z, err := ZForConfidence(confidence)
	if err != nil {
		return NPSResult{}, err
	}
	if confidence == 0 {
		confidence = DefaultConfidence
	}
	r := NPSResult{
		N: t.N(), Promoters: t.Promoters, Passives: t.Passives, Detractors: t.Detractors,
		Confidence: confidence, Z: z,
	}
	if r.N == 0 {
		r.NoData, r.CILow, r.CIHigh = true, -100, 100
		return r, nil
	}
	n := float64(r.N)
	r.NPS = 100 * float64(t.Promoters-t.Detractors) / n

	adjusted, se := adjustedWald(t)
	r.Adjusted, r.SE = 100*adjusted, 100*se
	r.CILow = clamp(100*(adjusted-z*se), -100, 100)
	r.CIHigh = clamp(100*(adjusted+z*se), -100, 100)
	return r, nil
}

// adjustedWald returns NPS′ and SE′ on the −1..1 scale. Adding ¾ of a
// promoter and ¾ of a detractor (3 pseudo-answers in all) keeps the
// interval from collapsing to zero width at 0% or 100% promoters.
func adjustedWald(t Tally) (nps, se float64) {
	nAdj := float64(t.N()) + 3
	p := (float64(t.Promoters) + 0.75) / nAdj
	d := (float64(t.Detractors) + 0.75) / nAdj
	nps = p - d
	// p′+d′ ≥ |NPS′| ≥ NPS′², so the variance is never negative; max guards
	// against rounding only.
	return nps, math.Sqrt(math.Max(0, p+d-nps*nps) / nAdj)
}

// Comparison is the result of testing whether two NPS results differ.
type Comparison struct {
	// Difference is b.NPS − a.NPS in plain NPS points.
	Difference float64 `json:"difference"`
	// AdjustedDifference is b.Adjusted − a.Adjusted, the quantity tested.
	AdjustedDifference float64 `json:"adjusted_difference"`
	// Z is the test statistic; its sign follows AdjustedDifference.
	Z float64 `json:"z"`
	// Critical is the z the statistic must exceed in absolute value.
	Critical    float64 `json:"critical"`
	Significant bool    `json:"significant"`
	// Comparable is false when either side has no data; Significant is
	// then false too.
	Comparable bool `json:"comparable"`
}

// Compare tests b against a (for a trend: a is the earlier period). Two
// results differ when |NPS′₁ − NPS′₂| / √(SE′₁² + SE′₂²) exceeds z. If the
// two results were computed at different confidence levels, the stricter
// (larger) z is used.
func Compare(a, b NPSResult) Comparison {
	c := Comparison{Critical: math.Max(a.Z, b.Z)}
	if a.NoData || b.NoData {
		return c
	}
	c.Comparable = true
	c.Difference = b.NPS - a.NPS
	c.AdjustedDifference = b.Adjusted - a.Adjusted
	pooled := math.Hypot(a.SE, b.SE)
	if pooled > 0 { // SE′ > 0 whenever n is finite; guard anyway
		c.Z = c.AdjustedDifference / pooled
	}
	c.Significant = math.Abs(c.Z) > c.Critical
	return c
}

func clamp(x, lo, hi float64) float64 { return math.Min(hi, math.Max(lo, x)) }
