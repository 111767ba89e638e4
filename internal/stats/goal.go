package stats

import (
	"fmt"
	"math"
)

// MeanOfValues is the mean of measurements on no fixed scale (hours to
// close a follow-up, say) with its Student-t interval (df = n − 1), as
// [CSAT] and [CES] give for their scales but unclamped except at lo (a
// duration is never negative; pass math.Inf(-1) for no bound). n = 0 is
// NoData; n = 1 has no spread to estimate, so its interval is
// [lo, +Inf) and says nothing.
func MeanOfValues(values []float64, lo, confidence float64) (Mean, error) {
	if _, err := ZForConfidence(confidence); err != nil {
		return Mean{}, err
	}
	if confidence == 0 {
		confidence = DefaultConfidence
	}
	m := Mean{N: len(values), CILow: lo, CIHigh: math.Inf(1)}
	if m.N == 0 {
		m.NoData = true
		return m, nil
	}
	var sum float64
	for _, v := range values {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Mean{}, fmt.Errorf("stats: value %v is not a number", v)
		}
		sum += v
	}
	m.Mean = sum / float64(m.N)
	if m.N == 1 {
		return m, nil
	}
	var squares float64
	for _, v := range values {
		squares += (v - m.Mean) * (v - m.Mean)
	}
	m.SD = math.Sqrt(squares / float64(m.N-1))
	half := studentHalf(m.SD, m.N, confidence)
	m.CILow, m.CIHigh = math.Max(m.Mean-half, lo), m.Mean+half
	return m, nil
}

// Which way a target points.
const (
	AtLeast = "at_least" // the value should be ≥ the target (NPS, CSAT, attainment)
	AtMost  = "at_most"  // the value should be ≤ the target (hours to close)
)

// Progress towards a target, judged against the interval, never the point.
const (
	OnTrack  = "on_track"  // the whole interval is on the target's side
	OffTrack = "off_track" // the whole interval is on the wrong side
	CantTell = "cant_tell" // the interval straddles the target, or too few answers
)

// GoalMinN is the fewest observations a goal is judged on: below it the
// interval of a proportion or a mean is too rough to trust at its edges,
// and the status is [CantTell] whatever it says.
const GoalMinN = 5

// GoalStatus judges a value's interval [low, high] from n observations
// against target in direction (AtLeast or AtMost). A value that meets the
// target exactly is on target, so an interval that only touches the
// target from the right side is on track: for AtLeast, on track when
// low ≥ target, off track when high < target; for AtMost, on track when
// high ≤ target, off track when low > target. n < GoalMinN is CantTell.
func GoalStatus(n int, low, high, target float64, direction string) string {
	if n < GoalMinN || math.IsNaN(low) || math.IsNaN(high) {
		return CantTell
	}
	switch direction {
	case AtLeast:
		if low >= target {
			return OnTrack
		}
		if high < target {
			return OffTrack
		}
	case AtMost:
		if high <= target {
			return OnTrack
		}
		if low > target {
			return OffTrack
		}
	}
	return CantTell
}

// NeededN estimates how many observations in all would tell a value from
// its target, assuming the value stays where it is and the interval
// narrows as 1/√n: n·(half-width / distance)², rounded up. It returns 0
// when there is nothing to estimate from (n < 2, an unbounded interval)
// or the value sits on the target (no n would tell).
func NeededN(n int, value, low, high, target float64) int {
	distance := math.Abs(value - target)
	half := (high - low) / 2
	if n < 2 || distance == 0 || math.IsInf(half, 0) || math.IsNaN(half) || half <= 0 {
		return 0
	}
	need := math.Ceil(float64(n) * (half / distance) * (half / distance))
	if need > 1e9 {
		return 0
	}
	return max(int(need), n)
}
