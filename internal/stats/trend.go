package stats

import "fmt"

// Period is one step of a trend, e.g. a week or a month.
type Period struct {
	Label string `json:"label"`
	Tally Tally  `json:"tally"`
}

// TrendPoint is one period's NPS and, from the second period on, its change
// against the previous period.
type TrendPoint struct {
	Label  string    `json:"label"`
	Result NPSResult `json:"result"`
	// Change is nil for the first period.
	Change *Comparison `json:"change,omitempty"`
	// SignificantChange is Change.Significant, lifted out so a chart can
	// flag the point without digging: only these changes deserve comment.
	SignificantChange bool `json:"significant_change"`
}

// Trend computes each period's NPS and tests every period against the one
// before it. A period with no answers breaks the chain honestly: both the
// change into it and the change out of it are not comparable, rather than
// silently comparing across the gap.
func Trend(periods []Period, confidence float64) ([]TrendPoint, error) {
	points := make([]TrendPoint, len(periods))
	for i, p := range periods {
		r, err := NPS(p.Tally, confidence)
		if err != nil {
			return nil, fmt.Errorf("stats: period %q: %w", p.Label, err)
		}
		points[i] = TrendPoint{Label: p.Label, Result: r}
		if i > 0 {
			change := Compare(points[i-1].Result, r)
			points[i].Change = &change
			points[i].SignificantChange = change.Significant
		}
	}
	return points, nil
}
