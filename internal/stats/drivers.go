package stats

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// MinDriverN is the fewest paired answers for which a correlation is
// reported. Below it a single respondent can swing r by more than 0.3.
const MinDriverN = 10

// DriverResponse is one survey response: the 0–10 recommend score and the
// item scores answered alongside it (e.g. process-quality influences 1–5).
// Items the respondent skipped are simply absent from the map.
type DriverResponse struct {
	Score int                `json:"score"`
	Items map[string]float64 `json:"items"`
}

// Driver is how strongly one item moves together with the 0–10 score.
type Driver struct {
	Item string `json:"item"`
	// N is the number of responses that answered this item.
	N        int     `json:"n"`
	Pearson  float64 `json:"pearson"`
	Spearman float64 `json:"spearman"`
	// PearsonCILow/High is the Fisher-z 95% interval for Pearson's r; it is
	// usually wide, and that is the point of showing it.
	PearsonCILow  float64 `json:"pearson_ci_low"`
	PearsonCIHigh float64 `json:"pearson_ci_high"`
}

// SkippedDriver is an item with no correlation reported, and why.
type SkippedDriver struct {
	Item   string `json:"item"`
	N      int    `json:"n"`
	Reason string `json:"reason"`
}

// DriverAnalysis is the output of [Drivers].
type DriverAnalysis struct {
	// Drivers is ordered by |Spearman|, strongest first.
	Drivers []Driver        `json:"drivers"`
	Skipped []SkippedDriver `json:"skipped,omitempty"`
}

// Drivers correlates each item with the 0–10 score across responses.
// Spearman (rank) correlation is the headline because item scales are
// ordinal; Pearson is reported alongside. Items answered by fewer than minN
// responses (never fewer than [MinDriverN]) or with no variation (in the
// item or in the scores) are skipped with a reason instead of reported as 0.
// Scores outside 0..10 and non-finite item values are rejected.
func Drivers(responses []DriverResponse, minN int) (DriverAnalysis, error) {
	minN = max(minN, MinDriverN)
	pairs, err := pairsByItem(responses)
	if err != nil {
		return DriverAnalysis{}, err
	}
	analysis := DriverAnalysis{Drivers: []Driver{}}
	for _, item := range sortedKeys(pairs) {
		xs, ys := pairs[item].items, pairs[item].scores
		analysis.add(item, len(xs), minN, func() (r, rho float64, ok bool) {
			r, ok = pearson(xs, ys)
			rho, _ = pearson(ranks(xs), ranks(ys)) // ranks vary whenever values do
			return r, rho, ok
		})
	}
	analysis.sort()
	return analysis, nil
}

// add reports item, answered n times, with the correlations corr computes,
// or skips it with the reason.
func (a *DriverAnalysis) add(item string, n, minN int, corr func() (r, rho float64, ok bool)) {
	if n < minN {
		a.Skipped = append(a.Skipped, SkippedDriver{Item: item, N: n, Reason: fmt.Sprintf("n < %d", minN)})
		return
	}
	r, rho, ok := corr()
	if !ok {
		a.Skipped = append(a.Skipped, SkippedDriver{Item: item, N: n, Reason: "no variation"})
		return
	}
	low, high := fisherInterval(r, n)
	a.Drivers = append(a.Drivers, Driver{
		Item: item, N: n, Pearson: r, Spearman: rho, PearsonCILow: low, PearsonCIHigh: high,
	})
}

// sort orders the drivers by |Spearman|, strongest first.
func (a *DriverAnalysis) sort() {
	slices.SortStableFunc(a.Drivers, func(x, y Driver) int {
		return cmp.Compare(math.Abs(y.Spearman), math.Abs(x.Spearman))
	})
}

// PairCount is how many responses gave an item the score X and the 0–10
// question the score Y.
type PairCount struct {
	X, Y int
	N    int64
}

// DriversFromCounts is [Drivers] over responses given as counts: for each
// item, how often each (item score, 0–10 score) pair occurred. On integer
// scores the counts hold everything Pearson and Spearman need — the means,
// the sums of squares and products, and the average rank of every distinct
// value — so the figures equal those of [Drivers] over the responses the
// counts describe (up to the order of floating-point sums), while the work
// grows with the distinct pairs, not with the responses.
func DriversFromCounts(items map[string][]PairCount, minN int) (DriverAnalysis, error) {
	minN = max(minN, MinDriverN)
	analysis := DriverAnalysis{Drivers: []Driver{}}
	for _, item := range sortedKeys(items) {
		pairs := items[item]
		var n int64
		for i, p := range pairs {
			if p.Y < 0 || p.Y > 10 {
				return DriverAnalysis{}, npsScoreError(i, p.Y)
			}
			if p.N < 0 {
				return DriverAnalysis{}, fmt.Errorf("stats: item %q: negative count %d", item, p.N)
			}
			n += p.N
		}
		analysis.add(item, int(n), minN, func() (r, rho float64, ok bool) {
			x := func(p PairCount) float64 { return float64(p.X) }
			y := func(p PairCount) float64 { return float64(p.Y) }
			r, ok = weightedPearson(pairs, x, y)
			rx, ry := countRanks(pairs, func(p PairCount) int { return p.X }), countRanks(pairs, func(p PairCount) int { return p.Y })
			rho, _ = weightedPearson(pairs, func(p PairCount) float64 { return rx[p.X] }, func(p PairCount) float64 { return ry[p.Y] })
			return r, rho, ok
		})
	}
	analysis.sort()
	return analysis, nil
}

// weightedPearson is pearson over the pairs, each repeated N times.
func weightedPearson(pairs []PairCount, x, y func(PairCount) float64) (r float64, ok bool) {
	var n, mx, my float64
	for _, p := range pairs {
		w := float64(p.N)
		n += w
		mx += w * x(p)
		my += w * y(p)
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for _, p := range pairs {
		w, dx, dy := float64(p.N), x(p)-mx, y(p)-my
		sxy += w * dx * dy
		sxx += w * dx * dx
		syy += w * dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, false
	}
	return clamp(sxy/math.Sqrt(sxx*syy), -1, 1), true
}

// countRanks gives each distinct value of one side of the pairs its
// average 1-based rank among all the responses, as ranks does.
func countRanks(pairs []PairCount, value func(PairCount) int) map[int]float64 {
	count := map[int]int64{}
	for _, p := range pairs {
		count[value(p)] += p.N
	}
	values := make([]int, 0, len(count))
	for v := range count {
		values = append(values, v)
	}
	slices.Sort(values)
	out := make(map[int]float64, len(values))
	var below int64
	for _, v := range values {
		// Ranks below+1 … below+count share their average.
		out[v] = float64(below) + float64(count[v]+1)/2
		below += count[v]
	}
	return out
}

type pairedAnswers struct{ items, scores []float64 }

func pairsByItem(responses []DriverResponse) (map[string]*pairedAnswers, error) {
	pairs := map[string]*pairedAnswers{}
	for i, resp := range responses {
		if resp.Score < 0 || resp.Score > 10 {
			return nil, npsScoreError(i, resp.Score)
		}
		for item, v := range resp.Items {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("stats: response %d: item %q has non-finite value %v", i, item, v)
			}
			p := pairs[item]
			if p == nil {
				p = &pairedAnswers{}
				pairs[item] = p
			}
			p.items = append(p.items, v)
			p.scores = append(p.scores, float64(resp.Score))
		}
	}
	return pairs, nil
}

// pearson returns r, or ok = false when either side has zero variance and r
// is undefined.
func pearson(xs, ys []float64) (r float64, ok bool) {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx, my = mx/n, my/n
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, false
	}
	return clamp(sxy/math.Sqrt(sxx*syy), -1, 1), true
}

// ranks returns 1-based ranks with ties given their average rank, as
// Spearman's rho requires.
func ranks(values []float64) []float64 {
	order := make([]int, len(values))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(values[a], values[b]) })
	out := make([]float64, len(values))
	for start := 0; start < len(order); {
		end := start
		for end+1 < len(order) && values[order[end+1]] == values[order[start]] {
			end++
		}
		average := float64(start+end)/2 + 1
		for k := start; k <= end; k++ {
			out[order[k]] = average
		}
		start = end + 1
	}
	return out
}

// fisherInterval is the 95% interval tanh(atanh(r) ± 1.96/√(n − 3)).
func fisherInterval(r float64, n int) (low, high float64) {
	z, _ := ZForConfidence(DefaultConfidence)
	centre := math.Atanh(r)
	half := z / math.Sqrt(float64(n-3))
	return math.Tanh(centre - half), math.Tanh(centre + half)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
