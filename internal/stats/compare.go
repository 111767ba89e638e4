package stats

import "math"

// Period-over-period tests for the other two scales, so that a CSAT or CES
// trend, like an NPS trend, flags only the changes that are more than noise.
// Both return a Comparison whose Difference is b − a in the scale's own
// units (percentage points for a share, points for a mean).

// CompareProportions tests share b against share a (for a trend: a is the
// earlier period) with the Agresti–Caffo adjusted two-proportion z test: one
// success and one failure are added to each group, which keeps the test
// honest for small n and for shares near 0% or 100%.
func CompareProportions(a, b Proportion, confidence float64) (Comparison, error) {
	z, err := ZForConfidence(confidence)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Critical: z}
	if a.NoData || b.NoData || a.N == 0 || b.N == 0 {
		return c, nil
	}
	c.Comparable = true
	c.Difference = b.Percent - a.Percent
	pa := float64(a.Count+1) / float64(a.N+2)
	pb := float64(b.Count+1) / float64(b.N+2)
	c.AdjustedDifference = 100 * (pb - pa)
	se := math.Sqrt(pa*(1-pa)/float64(a.N+2) + pb*(1-pb)/float64(b.N+2))
	if se > 0 {
		c.Z = (pb - pa) / se
	}
	c.Significant = math.Abs(c.Z) > c.Critical
	return c, nil
}

// CompareMeans tests mean b against mean a with Welch's z statistic,
// (b − a) / √(s²ₐ/nₐ + s²ᵦ/nᵦ). Each side needs two answers for a standard
// deviation; with fewer the means are not comparable.
func CompareMeans(a, b Mean, confidence float64) (Comparison, error) {
	z, err := ZForConfidence(confidence)
	if err != nil {
		return Comparison{}, err
	}
	c := Comparison{Critical: z}
	if a.NoData || b.NoData || a.N < 2 || b.N < 2 {
		return c, nil
	}
	c.Comparable = true
	c.Difference = b.Mean - a.Mean
	c.AdjustedDifference = c.Difference
	se := math.Sqrt(a.SD*a.SD/float64(a.N) + b.SD*b.SD/float64(b.N))
	switch {
	case se > 0:
		c.Z = c.Difference / se
	case c.Difference != 0: // no spread on either side and different means
		c.Z = math.Copysign(math.Inf(1), c.Difference)
	}
	c.Significant = math.Abs(c.Z) > c.Critical
	return c, nil
}
