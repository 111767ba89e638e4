package stats

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Proportion is a share of answers with its interval, in percent (0–100).
type Proportion struct {
	N      int  `json:"n"`
	Count  int  `json:"count"`
	NoData bool `json:"no_data"`
	// Percent is the plain 100·count/n.
	Percent float64 `json:"percent"`
	CILow   float64 `json:"ci_low"`
	CIHigh  float64 `json:"ci_high"`
}

// ProportionInterval returns count/n with the Agresti–Coull ("adjusted
// Wald") interval:
//
//	ñ = n + z², p̃ = (count + z²/2)/ñ, CI = p̃ ± z·√(p̃(1 − p̃)/ñ)
//
// clamped to [0, 100] percent. Unlike the plain Wald interval it keeps a
// sensible width at 0% and 100% and at small n, which is exactly where survey
// cuts by employee or location live. n = 0 gives NoData with the interval
// [0, 100].
func ProportionInterval(count, n int, confidence float64) (Proportion, error) {
	if n < 0 || count < 0 || count > n {
		return Proportion{}, fmt.Errorf("stats: proportion count %d of n %d is impossible", count, n)
	}
	z, err := ZForConfidence(confidence)
	if err != nil {
		return Proportion{}, err
	}
	p := Proportion{N: n, Count: count}
	if n == 0 {
		p.NoData, p.CIHigh = true, 100
		return p, nil
	}
	p.Percent = 100 * float64(count) / float64(n)
	z2 := z * z
	nAdj := float64(n) + z2
	centre := (float64(count) + z2/2) / nAdj
	half := z * math.Sqrt(centre*(1-centre)/nAdj)
	p.CILow = clamp(100*(centre-half), 0, 100)
	p.CIHigh = clamp(100*(centre+half), 0, 100)
	return p, nil
}

// Mean is an average score with its interval, on the scale's own units.
type Mean struct {
	N      int     `json:"n"`
	NoData bool    `json:"no_data"`
	Mean   float64 `json:"mean"`
	// SD is the sample standard deviation (n − 1 denominator); 0 when n < 2.
	SD     float64 `json:"sd"`
	CILow  float64 `json:"ci_low"`
	CIHigh float64 `json:"ci_high"`
}

// scaleMean computes the mean with a Student-t interval (df = n − 1), which
// for survey-sized n is indistinguishable from the normal one but is not
// overconfident for a handful of answers. The interval is clamped to the
// scale. With n = 1 there is no spread to estimate, so the interval is the
// whole scale; with n = 0 the result is NoData. counts[i] is how many
// answers gave score lo+i: the sums come from the counts, so a dashboard's
// cost does not grow with the answers behind it.
func scaleMean(counts []int, lo, hi int, confidence float64) (Mean, error) {
	if _, err := ZForConfidence(confidence); err != nil { // validates the level
		return Mean{}, err
	}
	if confidence == 0 {
		confidence = DefaultConfidence
	}
	m := Mean{CILow: float64(lo), CIHigh: float64(hi)}
	var sum float64
	for i, n := range counts {
		m.N += n
		sum += float64(n) * float64(lo+i)
	}
	if m.N == 0 {
		m.NoData = true
		return m, nil
	}
	m.Mean = sum / float64(m.N)
	if m.N == 1 {
		return m, nil
	}
	var squares float64
	for i, n := range counts {
		d := float64(lo+i) - m.Mean
		squares += float64(n) * d * d
	}
	m.SD = math.Sqrt(squares / float64(m.N-1))
	half := studentHalf(m.SD, m.N, confidence)
	m.CILow = clamp(m.Mean-half, float64(lo), float64(hi))
	m.CIHigh = clamp(m.Mean+half, float64(lo), float64(hi))
	return m, nil
}

// studentHalf is the half-width of the Student-t interval (df = n − 1) of
// a mean of n ≥ 2 values with sample standard deviation sd.
func studentHalf(sd float64, n int, confidence float64) float64 {
	return studentT(n-1, confidence) * sd / math.Sqrt(float64(n))
}

// tQuantiles keeps the Student-t quantiles worked out so far, by degrees of
// freedom and confidence: a report of many groups (the acquisition report's
// sources × months) asks for the same ones on every view, and each costs
// tens of microseconds of incomplete-beta iterations. Bounded: past
// maxTQuantiles entries new ones are worked out and not kept.
var tQuantiles = struct {
	sync.Mutex
	m map[[2]float64]float64
}{m: map[[2]float64]float64{}}

const maxTQuantiles = 1 << 14

// studentT is the two-sided Student-t critical value of df degrees of
// freedom at confidence.
func studentT(df int, confidence float64) float64 {
	key := [2]float64{float64(df), confidence}
	tQuantiles.Lock()
	t, ok := tQuantiles.m[key]
	tQuantiles.Unlock()
	if ok {
		return t
	}
	t = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(1 - (1-confidence)/2)
	tQuantiles.Lock()
	if len(tQuantiles.m) < maxTQuantiles {
		tQuantiles.m[key] = t
	}
	tQuantiles.Unlock()
	return t
}

// CSATResult summarises 1–5 satisfaction answers.
type CSATResult struct {
	N int `json:"n"`
	// Counts[i] is the number of answers with score i+1.
	Counts [5]int `json:"counts"`
	// TopTwoBox is the share of 4s and 5s ("satisfied"), the usual CSAT.
	TopTwoBox Proportion `json:"top_two_box"`
	Mean      Mean       `json:"mean"`
}

// CSAT summarises 1–5 answers: the top-2-box share (4–5) with an
// Agresti–Coull interval (see [ProportionInterval]) and the mean with a
// Student-t interval. Any score outside 1..5 is rejected with a *ScoreError.
func CSAT(scores []int, confidence float64) (CSATResult, error) {
	counts, err := countScale("CSAT", scores, 1, 5)
	if err != nil {
		return CSATResult{}, err
	}
	return csatOf(counts, confidence)
}

// CSATOfCounts is CSAT of the answers given as how many gave each score
// (a rollup's counts): the same figures, without a slice of every answer.
func CSATOfCounts(counts map[int]int, confidence float64) (CSATResult, error) {
	c, err := scaleCounts("CSAT", counts, 1, 5)
	if err != nil {
		return CSATResult{}, err
	}
	return csatOf(c, confidence)
}

func csatOf(counts []int, confidence float64) (CSATResult, error) {
	var r CSATResult
	copy(r.Counts[:], counts)
	for _, n := range counts {
		r.N += n
	}
	var err error
	if r.TopTwoBox, err = ProportionInterval(counts[3]+counts[4], r.N, confidence); err != nil {
		return CSATResult{}, err
	}
	if r.Mean, err = scaleMean(counts, 1, 5, confidence); err != nil {
		return CSATResult{}, err
	}
	return r, nil
}

// CESResult summarises 1–7 customer-effort answers (7 = very easy).
type CESResult struct {
	N int `json:"n"`
	// Counts[i] is the number of answers with score i+1.
	Counts [7]int `json:"counts"`
	// Easy is the share of 5–7 answers.
	Easy Proportion `json:"easy"`
	Mean Mean       `json:"mean"`
}

// CES summarises 1–7 answers (higher = easier): the mean with a Student-t
// interval and the share of 5–7 ("easy") with an Agresti–Coull interval.
// Any score outside 1..7 is rejected with a *ScoreError.
func CES(scores []int, confidence float64) (CESResult, error) {
	counts, err := countScale("CES", scores, 1, 7)
	if err != nil {
		return CESResult{}, err
	}
	return cesOf(counts, confidence)
}

// CESOfCounts is CES of the answers given as how many gave each score.
func CESOfCounts(counts map[int]int, confidence float64) (CESResult, error) {
	c, err := scaleCounts("CES", counts, 1, 7)
	if err != nil {
		return CESResult{}, err
	}
	return cesOf(c, confidence)
}

func cesOf(counts []int, confidence float64) (CESResult, error) {
	var r CESResult
	copy(r.Counts[:], counts)
	for _, n := range counts {
		r.N += n
	}
	var err error
	if r.Easy, err = ProportionInterval(counts[4]+counts[5]+counts[6], r.N, confidence); err != nil {
		return CESResult{}, err
	}
	if r.Mean, err = scaleMean(counts, 1, 7, confidence); err != nil {
		return CESResult{}, err
	}
	return r, nil
}

// scaleCounts checks counts by score against the scale lo..hi and returns
// them indexed by score − lo.
func scaleCounts(scale string, counts map[int]int, lo, hi int) ([]int, error) {
	out := make([]int, hi-lo+1)
	for score, n := range counts {
		if n == 0 {
			continue
		}
		if score < lo || score > hi || n < 0 {
			return nil, &ScoreError{Scale: scale, Index: -1, Value: score, Min: lo, Max: hi}
		}
		out[score-lo] = n
	}
	return out, nil
}

// countScale validates every score and returns counts indexed by score − lo.
func countScale(scale string, scores []int, lo, hi int) ([]int, error) {
	counts := make([]int, hi-lo+1)
	for i, s := range scores {
		if s < lo || s > hi {
			return nil, &ScoreError{Scale: scale, Index: i, Value: s, Min: lo, Max: hi}
		}
		counts[s-lo]++
	}
	return counts, nil
}

// MeanOfCounts is the mean of scores on the scale lo..hi given as how many
// answers gave each score, with its Student-t interval (as for CSAT and
// CES). A score outside the scale is rejected with a *ScoreError.
func MeanOfCounts(counts map[int]int, lo, hi int, confidence float64) (Mean, error) {
	c, err := scaleCounts("scale", counts, lo, hi)
	if err != nil {
		return Mean{}, err
	}
	return scaleMean(c, lo, hi, confidence)
}

// MeanOfSums is the mean of n values given their sum and the sum of their
// squares, with a Student-t interval (df = n − 1) at confidence (0: 95%).
// The interval is unbounded (not clamped to a scale); with n < 2 it is the
// mean itself and SD is 0; with n = 0 the result is NoData. Reports that
// aggregate in SQL send the two sums rather than every value.
func MeanOfSums(n int, sum, sumSquares, confidence float64) Mean {
	if confidence == 0 {
		confidence = DefaultConfidence
	}
	m := Mean{N: n}
	if n == 0 {
		m.NoData = true
		return m
	}
	m.Mean = sum / float64(n)
	m.CILow, m.CIHigh = m.Mean, m.Mean
	if n < 2 {
		return m
	}
	// Σ(x − mean)² = Σx² − n·mean², never below 0 after rounding.
	squares := max(0, sumSquares-float64(n)*m.Mean*m.Mean)
	m.SD = math.Sqrt(squares / float64(n-1))
	half := studentHalf(m.SD, n, confidence)
	m.CILow, m.CIHigh = m.Mean-half, m.Mean+half
	return m
}
