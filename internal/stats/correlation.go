package stats

import (
	"fmt"
	"math"
)

// MinCorrelationN is the fewest pairs Correlate computes r from: with
// fewer, the Fisher-z interval (which needs n > 3) is so wide that r says
// nothing, so callers report "too few" instead of a number.
const MinCorrelationN = 6

// Correlation is Pearson's r between two paired series with its Fisher-z
// interval. When r cannot be computed (too few pairs, or one side does not
// vary) OK is false and Reason says why in words; the other figures are 0.
type Correlation struct {
	N           int     `json:"n"`
	OK          bool    `json:"ok"`
	Reason      string  `json:"reason,omitempty"`
	R           float64 `json:"r"`
	CILow       float64 `json:"ci_low"`
	CIHigh      float64 `json:"ci_high"`
	Significant bool    `json:"significant"`
}

// Correlate returns Pearson's r of xs and ys (the same length) and its
// interval at the confidence level (0 means 95%):
//
//	z = atanh(r), CI = tanh(z ± z_crit/√(n − 3))
//
// r differs from 0 (Significant) when the interval leaves 0 out, which is
// the same as |atanh(r)|·√(n − 3) > z_crit. It needs MinCorrelationN pairs
// and some spread on both sides. r = ±1 gives the interval [r, r].
func Correlate(xs, ys []float64, confidence float64) (Correlation, error) {
	if len(xs) != len(ys) {
		return Correlation{}, fmt.Errorf("stats: correlate %d values with %d", len(xs), len(ys))
	}
	zc, err := ZForConfidence(confidence)
	if err != nil {
		return Correlation{}, err
	}
	for i := range xs {
		if math.IsNaN(xs[i]) || math.IsInf(xs[i], 0) || math.IsNaN(ys[i]) || math.IsInf(ys[i], 0) {
			return Correlation{}, fmt.Errorf("stats: pair %d is not finite: (%v, %v)", i, xs[i], ys[i])
		}
	}
	c := Correlation{N: len(xs)}
	if c.N < MinCorrelationN {
		c.Reason = fmt.Sprintf("fewer than %d pairs (%d)", MinCorrelationN, c.N)
		return c, nil
	}
	r, ok := pearson(xs, ys)
	if !ok {
		c.Reason = "one of the two measures does not vary"
		return c, nil
	}
	c.OK, c.R = true, r
	c.CILow, c.CIHigh = fisherIntervalAt(r, c.N, zc)
	c.Significant = c.CILow > 0 || c.CIHigh < 0
	return c, nil
}

// fisherIntervalAt is tanh(atanh(r) ± z/√(n − 3)); ±1 stays ±1.
func fisherIntervalAt(r float64, n int, z float64) (low, high float64) {
	if math.Abs(r) >= 1 {
		return r, r
	}
	centre := math.Atanh(r)
	half := z / math.Sqrt(float64(n-3))
	return math.Tanh(centre - half), math.Tanh(centre + half)
}
