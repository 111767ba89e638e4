package feedback

// The Customer Value Equation (seed 002): (results + process quality) ÷
// (price + access costs), from the four "value" survey items. The store
// computes each response's index and sums it per group (see
// store/value_equation.go for the scale); this file turns the sums into
// means with Student-t intervals, the month-by-month trend with the test of
// the last month against the one before, and the drivers — which of the
// four items moves NPS and repurchase most.

import (
	"context"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// RepurchaseWindow is the least time a customer had to come back for their
// answer to count in the repurchase drivers: responses younger than it are
// left out, so a recent answer is not read as "did not come back".
const RepurchaseWindow = 90 * 24 * time.Hour

// ValueIndex is the index of a group of responses: the mean of the
// per-response index with its 95% Student-t interval, and the mean of each
// item as answered (1–5, 5 the good end).
type ValueIndex struct {
	Key   string     `json:"key"`
	Label string     `json:"label"`
	Index stats.Mean `json:"index"`
	// Items: results, process_quality, price, access_costs (answer means).
	Items map[string]float64 `json:"items"`
}

// ValueDrivers says which of the four items moves NPS and repurchase most:
// rank correlation with n and its interval for each; items with fewer than
// stats.MinDriverN paired answers are listed under skipped with the reason.
type ValueDrivers struct {
	NPS        stats.DriverAnalysis `json:"nps"`
	Repurchase stats.DriverAnalysis `json:"repurchase"`
	// RepurchaseAnsweredBy: only answers up to this time count for
	// repurchase (RepurchaseWindow before now).
	RepurchaseAnsweredBy time.Time `json:"repurchase_answered_by"`
}

// ValueEquationReport is the value equation over a period.
type ValueEquationReport struct {
	By      string       `json:"by"`
	Overall ValueIndex   `json:"overall"`
	Groups  []ValueIndex `json:"groups"`
	// Trend is the index month by month (UTC); Change compares the last
	// month with the one before (Welch), significant at 95% or not.
	Trend   []ValueIndex      `json:"trend"`
	Change  *stats.Comparison `json:"change,omitempty"`
	Drivers ValueDrivers      `json:"drivers"`
}

// ValueEquation reports the index of the responses f selects, grouped by
// by (one of store.ValueEquationGroups, or "" for none).
func (s *Service) ValueEquation(ctx context.Context, f store.ResponseFilter, by string) (*ValueEquationReport, error) {
	if by != store.ValueByAll && !slices.Contains(store.ValueEquationGroups, by) {
		var v fresco.Validation
		v.Add("by", "must be one of location, segment, rfm, period, customer")
		return nil, v.Err()
	}
	db := s.db.Reports()
	out := &ValueEquationReport{By: by, Groups: []ValueIndex{}, Trend: []ValueIndex{}}
	overall, err := db.ValueEquation(ctx, f, store.ValueByAll)
	if err != nil {
		return nil, err
	}
	out.Overall = valueIndexOf(store.ValueEquationSums{Key: "-", Label: "-"})
	if len(overall) == 1 {
		out.Overall = valueIndexOf(overall[0])
	}
	months, err := db.ValueEquation(ctx, f, store.ValueByPeriod)
	if err != nil {
		return nil, err
	}
	for _, m := range months {
		out.Trend = append(out.Trend, valueIndexOf(m))
	}
	if n := len(out.Trend); n >= 2 {
		c, err := stats.CompareMeans(out.Trend[n-2].Index, out.Trend[n-1].Index, 0)
		if err != nil {
			return nil, err
		}
		out.Change = &c
	}
	switch by {
	case store.ValueByAll:
	case store.ValueByPeriod:
		out.Groups = out.Trend
	default:
		groups, err := db.ValueEquation(ctx, f, by)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			out.Groups = append(out.Groups, valueIndexOf(g))
		}
	}
	if out.Drivers, err = s.valueDrivers(ctx, f); err != nil {
		return nil, err
	}
	return out, nil
}

func valueIndexOf(g store.ValueEquationSums) ValueIndex {
	v := ValueIndex{Key: g.Key, Label: g.Label, Index: stats.MeanOfSums(g.N, g.Sum, g.SumSq, 0), Items: map[string]float64{}}
	if g.N > 0 {
		n := float64(g.N)
		v.Items["results"], v.Items["process_quality"] = g.Results/n, g.ProcessQuality/n
		v.Items["price"], v.Items["access_costs"] = g.Price/n, g.AccessCosts/n
	}
	return v
}

// valueDrivers correlates each value item with NPS and with coming back
// (1) or not (0), from the period's value answers alone.
func (s *Service) valueDrivers(ctx context.Context, f store.ResponseFilter) (ValueDrivers, error) {
	db := s.db.Reports()
	out := ValueDrivers{RepurchaseAnsweredBy: s.opts.Now().UTC().Add(-RepurchaseWindow)}
	counts, err := db.ValueDriverCounts(ctx, f)
	if err != nil {
		return out, err
	}
	nps := map[string][]stats.PairCount{}
	for _, c := range counts {
		if slices.Contains(ValueItems, c.Item) {
			nps[c.Item] = append(nps[c.Item], stats.PairCount{X: c.Score, Y: c.NPS, N: c.N})
		}
	}
	back, err := db.ValueRepurchaseCounts(ctx, f, out.RepurchaseAnsweredBy)
	if err != nil {
		return out, err
	}
	repurchase := map[string][]stats.PairCount{}
	for _, c := range back {
		repurchase[c.Item] = append(repurchase[c.Item], stats.PairCount{X: c.Score, Y: c.Repurchased, N: c.N})
	}
	if out.NPS, err = stats.DriversFromCounts(nps, 0); err != nil {
		return out, err
	}
	out.Repurchase, err = stats.DriversFromCounts(repurchase, 0)
	return out, err
}

// ValueIndexOf is one response's index, the formula the store sums
// (store/value_equation.go): (results + process_quality) ÷ ((6 − price) +
// (6 − access_costs)) over the item means; ok is false unless the response
// answers all four items.
func ValueIndexOf(answers []fresco.Answer) (index float64, ok bool) {
	var sum, n [4]float64
	for _, a := range answers {
		if a.Type != TypeValue || a.Score == nil {
			continue
		}
		if i := slices.Index(ValueItems, a.Item); i >= 0 {
			sum[i] += float64(*a.Score)
			n[i]++
		}
	}
	var mean [4]float64
	for i := range mean {
		if n[i] == 0 {
			return 0, false
		}
		mean[i] = sum[i] / n[i]
	}
	return (mean[0] + mean[1]) / ((6 - mean[2]) + (6 - mean[3])), true
}
