package text

import (
	"cmp"
	"math"
	"slices"
)

// Spearman is the rank correlation of a and b (equal lengths), ties given
// their average rank: how well one orders comments as the other does,
// whatever the scales. It is 0 when either side is constant.
func Spearman(a, b []float64) float64 {
	return pearson(ranks(a), ranks(b))
}

// ranks are the 1-based ranks of x, ties sharing their average rank.
func ranks(x []float64) []float64 {
	order := make([]int, len(x))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	out := make([]float64, len(x))
	for start := 0; start < len(order); {
		end := start + 1
		for end < len(order) && x[order[end]] == x[order[start]] {
			end++
		}
		avg := float64(start+end+1) / 2 // mean of ranks start+1 … end
		for _, i := range order[start:end] {
			out[i] = avg
		}
		start = end
	}
	return out
}

func pearson(a, b []float64) float64 {
	n := float64(len(a))
	if n == 0 {
		return 0
	}
	ma, mb := mean(a), mean(b)
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}

func mean(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}
