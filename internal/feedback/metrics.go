package feedback

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// Honest statistics: every score comes with its n and its 95% interval
// (adjusted Wald for NPS, Agresti–Coull and Student t for CSAT and CES, all
// from package stats), changes between periods are flagged only when
// significant, and employee and location rankings hide groups below MinN.

// Scales that can be reported.
const (
	ScaleNPS  = "nps"
	ScaleCSAT = "csat"
	ScaleCES  = "ces"
)

// Periods for trends.
const (
	PeriodDay   = "day"
	PeriodWeek  = "week"
	PeriodMonth = "month"
)

func tallyOf(counts map[int]int) stats.Tally { return stats.TallyCounts(counts) }

func merged(groups []*store.ScoreGroup) map[int]int {
	all := map[int]int{}
	for _, g := range groups {
		for k, n := range g.Counts {
			all[k] += n
		}
	}
	return all
}

// NPS is the Net Promoter Score of the responses f selects.
func (s *Service) NPS(ctx context.Context, f store.ResponseFilter) (stats.NPSResult, error) {
	r, _, err := s.NPSWithDistribution(ctx, f)
	return r, err
}

// NPSWithDistribution is NPS and Distribution(ScaleNPS) from one read of
// the counts: the feedback dashboard shows both.
func (s *Service) NPSWithDistribution(ctx context.Context, f store.ResponseFilter) (stats.NPSResult, []int, error) {
	groups, err := s.scoreCounts(ctx, f, ScaleNPS, store.GroupNone)
	if err != nil {
		return stats.NPSResult{}, nil, err
	}
	counts := merged(groups)
	r, err := stats.NPS(tallyOf(counts), 0)
	return r, spread(counts, 0, 10), err
}

// Distribution counts answers per score of a scale (0–10, 1–5 or 1–7),
// every score present, zeros included.
func (s *Service) Distribution(ctx context.Context, f store.ResponseFilter, scale string) ([]int, error) {
	lo, hi, err := scaleRange(scale)
	if err != nil {
		return nil, err
	}
	groups, err := s.scoreCounts(ctx, f, scale, store.GroupNone)
	if err != nil {
		return nil, err
	}
	return spread(merged(groups), lo, hi), nil
}

// spread lays counts by score out as a slice from lo to hi.
func spread(counts map[int]int, lo, hi int) []int {
	out := make([]int, hi-lo+1)
	for k, n := range counts {
		if k >= lo && k <= hi {
			out[k-lo] = n
		}
	}
	return out
}

func scaleRange(scale string) (lo, hi int, err error) {
	switch scale {
	case ScaleNPS:
		return 0, 10, nil
	case ScaleCSAT:
		return 1, 5, nil
	case ScaleCES:
		return 1, 7, nil
	}
	return 0, 0, fresco.Errorf(fresco.EINVALID, "scale must be nps, csat or ces (got %q)", scale)
}

// CSAT summarises the 1–5 satisfaction answers f selects.
func (s *Service) CSAT(ctx context.Context, f store.ResponseFilter) (stats.CSATResult, error) {
	groups, err := s.scoreCounts(ctx, f, ScaleCSAT, store.GroupNone)
	if err != nil {
		return stats.CSATResult{}, err
	}
	return stats.CSATOfCounts(merged(groups), 0)
}

// CES summarises the 1–7 effort answers f selects.
func (s *Service) CES(ctx context.Context, f store.ResponseFilter) (stats.CESResult, error) {
	groups, err := s.scoreCounts(ctx, f, ScaleCES, store.GroupNone)
	if err != nil {
		return stats.CESResult{}, err
	}
	return stats.CESOfCounts(merged(groups), 0)
}

// GroupResult is one group of a breakdown: NPS, CSAT or CES with n and
// interval. Ranked breakdowns (employee, location) hide the scores of
// groups below the minimum n.
type GroupResult struct {
	Key          string            `json:"key"`
	Label        string            `json:"label"`
	N            int               `json:"n"`
	Rank         int               `json:"rank,omitempty"`
	Hidden       bool              `json:"hidden"`
	HiddenReason string            `json:"hidden_reason,omitempty"`
	NPS          *stats.NPSResult  `json:"nps,omitempty"`
	CSAT         *stats.CSATResult `json:"csat,omitempty"`
	CES          *stats.CESResult  `json:"ces,omitempty"`
}

// Breakdown reports a scale by employee, location, post or segment. For
// employees and locations it is a ranking (best first, ties shared) in which
// a group with fewer than minN answers (≤ 0: the service's MinN) shows only
// its n.
func (s *Service) Breakdown(ctx context.Context, f store.ResponseFilter, scale, by string, minN int) ([]GroupResult, error) {
	if _, _, err := scaleRange(scale); err != nil {
		return nil, err
	}
	switch by {
	case store.GroupEmployee, store.GroupLocation, store.GroupPost, store.GroupSegment:
	default:
		return nil, fresco.Errorf(fresco.EINVALID, "by must be employee, location, post or segment (got %q)", by)
	}
	if minN <= 0 {
		minN = s.opts.MinN
	}
	ranked := by == store.GroupEmployee || by == store.GroupLocation
	groups, err := s.scoreCounts(ctx, f, scale, by)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, g := range groups {
		labels[g.Key] = g.Label
		if g.Key == "" {
			labels[g.Key] = "(none)"
		}
	}
	if scale == ScaleNPS {
		in := make([]stats.Group, len(groups))
		for i, g := range groups {
			in[i] = stats.Group{Key: g.Key, Tally: tallyOf(g.Counts)}
		}
		n := minN
		if !ranked {
			n = 1 // post and segment breakdowns are shown whole, each with its n and interval
		}
		rows, err := stats.Rank(in, n, 0)
		if err != nil {
			return nil, err
		}
		out := make([]GroupResult, len(rows))
		for i, r := range rows {
			out[i] = GroupResult{Key: r.Key, Label: labels[r.Key], N: r.N, Hidden: r.Hidden, HiddenReason: r.HiddenReason, NPS: r.Result}
			if ranked {
				out[i].Rank = r.Rank
			}
		}
		return out, nil
	}
	out := make([]GroupResult, 0, len(groups))
	for _, g := range groups {
		n := 0
		for _, c := range g.Counts {
			n += c
		}
		gr := GroupResult{Key: g.Key, Label: labels[g.Key], N: n}
		if ranked && gr.N < minN {
			gr.Hidden, gr.HiddenReason = true, stats.HiddenInsufficientN
			out = append(out, gr)
			continue
		}
		if scale == ScaleCSAT {
			r, err := stats.CSATOfCounts(g.Counts, 0)
			if err != nil {
				return nil, err
			}
			gr.CSAT = &r
		} else {
			r, err := stats.CESOfCounts(g.Counts, 0)
			if err != nil {
				return nil, err
			}
			gr.CES = &r
		}
		out = append(out, gr)
	}
	mean := func(g GroupResult) float64 {
		switch {
		case g.CSAT != nil:
			return g.CSAT.Mean.Mean
		case g.CES != nil:
			return g.CES.Mean.Mean
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Hidden != out[j].Hidden {
			return !out[i].Hidden
		}
		if out[i].Hidden {
			return out[i].Key < out[j].Key
		}
		return mean(out[i]) > mean(out[j])
	})
	if ranked {
		for i := range out {
			if !out[i].Hidden {
				out[i].Rank = i + 1
				if i > 0 && mean(out[i]) == mean(out[i-1]) {
					out[i].Rank = out[i-1].Rank
				}
			}
		}
	}
	return out, nil
}

// TrendPeriod is one period of a trend.
type TrendPeriod struct {
	Label string `json:"label"`
	Start string `json:"start"` // first day of the period, YYYY-MM-DD
	N     int    `json:"n"`
	// NPS trends carry the stats.TrendPoint (result, change, significance).
	NPS  *stats.TrendPoint `json:"nps,omitempty"`
	CSAT *stats.CSATResult `json:"csat,omitempty"`
	CES  *stats.CESResult  `json:"ces,omitempty"`
	// Change is the test against the previous period for CSAT (its top-2-box
	// share, Agresti–Caffo) and CES (its mean, Welch); NPS carries its own.
	Change *stats.Comparison `json:"change,omitempty"`
	// SignificantChange is true only when the change from the previous
	// period is statistically significant (NPS: the adjusted-Wald test).
	SignificantChange bool `json:"significant_change"`
}

// periodStart maps a day to the first day of its period.
func periodStart(day time.Time, period string) time.Time {
	switch period {
	case PeriodWeek:
		wd := (int(day.Weekday()) + 6) % 7 // Monday = 0
		return day.AddDate(0, 0, -wd)
	case PeriodMonth:
		return time.Date(day.Year(), day.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	return day
}

func nextPeriod(start time.Time, period string) time.Time {
	switch period {
	case PeriodWeek:
		return start.AddDate(0, 0, 7)
	case PeriodMonth:
		return start.AddDate(0, 1, 0)
	}
	return start.AddDate(0, 0, 1)
}

func periodLabel(start time.Time, period string) string {
	switch period {
	case PeriodWeek:
		y, w := start.ISOWeek()
		return fmt.Sprintf("%d-W%02d", y, w)
	case PeriodMonth:
		return start.Format("2006-01")
	}
	return start.Format(time.DateOnly)
}

// Trend reports a scale per period, from the first period with answers to
// the last, empty periods included (an empty period breaks the chain of
// comparisons rather than hiding a gap).
func (s *Service) Trend(ctx context.Context, f store.ResponseFilter, scale, period string) ([]TrendPeriod, error) {
	if _, _, err := scaleRange(scale); err != nil {
		return nil, err
	}
	switch period {
	case PeriodDay, PeriodWeek, PeriodMonth:
	case "":
		period = PeriodMonth
	default:
		return nil, fresco.Errorf(fresco.EINVALID, "period must be day, week or month (got %q)", period)
	}
	// A monthly trend asks for months, which the monthly rollup answers
	// without reading a row per day.
	by := store.GroupDay
	if period == PeriodMonth {
		by = store.GroupMonth
	}
	groups, err := s.scoreCounts(ctx, f, scale, by)
	if err != nil {
		return nil, err
	}
	buckets := map[time.Time]map[int]int{}
	var first, last time.Time
	for _, g := range groups {
		day, err := time.Parse(time.DateOnly, g.Key)
		if err != nil {
			return nil, fmt.Errorf("feedback: day %q: %w", g.Key, err)
		}
		start := periodStart(day, period)
		if buckets[start] == nil {
			buckets[start] = map[int]int{}
		}
		for k, n := range g.Counts {
			buckets[start][k] += n
		}
		if first.IsZero() || start.Before(first) {
			first = start
		}
		if start.After(last) {
			last = start
		}
	}
	if len(buckets) == 0 {
		return []TrendPeriod{}, nil
	}
	const maxPoints = 1000
	var points []TrendPeriod
	var periods []stats.Period
	for start := first; !start.After(last) && len(points) < maxPoints; start = nextPeriod(start, period) {
		counts := buckets[start]
		p := TrendPeriod{Label: periodLabel(start, period), Start: start.Format(time.DateOnly)}
		switch scale {
		case ScaleNPS:
			t := tallyOf(counts)
			p.N = t.N()
			periods = append(periods, stats.Period{Label: p.Label, Tally: t})
		case ScaleCSAT:
			r, err := stats.CSATOfCounts(counts, 0)
			if err != nil {
				return nil, err
			}
			p.N, p.CSAT = r.N, &r
			if len(points) > 0 {
				c, err := stats.CompareProportions(points[len(points)-1].CSAT.TopTwoBox, r.TopTwoBox, 0)
				if err != nil {
					return nil, err
				}
				p.Change, p.SignificantChange = &c, c.Significant
			}
		case ScaleCES:
			r, err := stats.CESOfCounts(counts, 0)
			if err != nil {
				return nil, err
			}
			p.N, p.CES = r.N, &r
			if len(points) > 0 {
				c, err := stats.CompareMeans(points[len(points)-1].CES.Mean, r.Mean, 0)
				if err != nil {
					return nil, err
				}
				p.Change, p.SignificantChange = &c, c.Significant
			}
		}
		points = append(points, p)
	}
	if scale == ScaleNPS {
		tr, err := stats.Trend(periods, 0)
		if err != nil {
			return nil, err
		}
		for i := range points {
			tp := tr[i]
			points[i].NPS = &tp
			points[i].SignificantChange = tp.SignificantChange
		}
	}
	return points, nil
}

// Drivers reports which survey items (process-quality influences, value
// items, ratings, CSAT, CES) move together with the NPS answer. It works
// from the counts of each (item score, NPS) pair, which the store reads
// mostly from a rollup, so a view does not grow with history.
func (s *Service) Drivers(ctx context.Context, f store.ResponseFilter) (stats.DriverAnalysis, error) {
	counts, err := s.driverCounts(ctx, f)
	if err != nil {
		return stats.DriverAnalysis{}, err
	}
	items := map[string][]stats.PairCount{}
	for _, c := range counts {
		items[c.Item] = append(items[c.Item], stats.PairCount{X: c.Score, Y: c.NPS, N: c.N})
	}
	a, err := stats.DriversFromCounts(items, 0)
	if a.Drivers == nil {
		a.Drivers = []stats.Driver{}
	}
	return a, err
}
