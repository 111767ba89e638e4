package stats

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// Wilson returns count/n with the Wilson score interval, in percent:
//
//	p = count/n, d = 1 + z²/n
//	centre = (p + z²/2n)/d
//	half   = (z/d)·√(p(1 − p)/n + z²/4n²)
//	CI     = [centre − half, centre + half]
//
// Unlike the Wald interval it never leaves [0, 100] and keeps a sensible
// width at 0% and 100% and at the small n of one person's scorecard, where
// "7 of 10" must not read as a precise 70%. n = 0 gives NoData with the
// interval [0, 100].
func Wilson(count, n int, confidence float64) (Proportion, error) {
	if n < 0 || count < 0 || count > n {
		return Proportion{}, fmt.Errorf("stats: proportion count %d of n %d is impossible", count, n)
	}
	z, err := ZForConfidence(confidence)
	if err != nil {
		return Proportion{}, err
	}
	w := Proportion{N: n, Count: count}
	if n == 0 {
		w.NoData, w.CIHigh = true, 100
		return w, nil
	}
	nf := float64(n)
	p := float64(count) / nf
	z2 := z * z
	d := 1 + z2/nf
	centre := (p + z2/(2*nf)) / d
	half := z / d * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	w.Percent = 100 * p
	w.CILow = clamp(100*(centre-half), 0, 100)
	w.CIHigh = clamp(100*(centre+half), 0, 100)
	return w, nil
}

// Interval is one estimate with its confidence interval, for [TiedRanks].
type Interval struct {
	Estimate, Low, High float64
}

// TiedRanks ranks estimates, best (highest) first, without claiming an
// order the intervals cannot support: intervals that overlap share a rank,
// and so do intervals linked through a chain of overlaps (A overlaps B, B
// overlaps C: all three tie even when A and C are apart), because ranking A
// above C but level with B would say more than the data does. Two items get
// different ranks only when every interval of the better group lies wholly
// above every interval of the worse one. Ranks are competition ranks ("1,
// 1, 3"); touching intervals overlap. ranks[i] is the rank of in[i].
func TiedRanks(in []Interval) []int {
	order := make([]int, len(in))
	for i := range order {
		order[i] = i
	}
	// By upper bound, highest first: a later interval overlaps the group so
	// far exactly when its upper bound reaches the group's lowest lower bound.
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(in[b].High, in[a].High) })
	ranks := make([]int, len(in))
	groupLow, rank := math.Inf(1), 0
	for pos, i := range order {
		if pos == 0 || in[i].High < groupLow {
			rank, groupLow = pos+1, in[i].Low
		}
		groupLow = min(groupLow, in[i].Low)
		ranks[i] = rank
	}
	return ranks
}
