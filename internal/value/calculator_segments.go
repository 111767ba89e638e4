package value

// The calculator per segment (seed step 8: repeat the lifetime-value
// calculation for each group of target customers): every figure of the
// calculator, average customer against loyal customer, for each
// acquisition source, location, lifetime-value segment, or for the
// customers a customer-list filter selects. It answers the calculator's
// default question — every purchase up to the last refit — from
// customer_value in one statement (store.GroupPurchases), and keeps the
// answer until the next refit, so a view after the first costs a map
// lookup.

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// SegmentCalcInput asks for the calculator per segment.
type SegmentCalcInput struct {
	By     string                   // store.CalcBySource, CalcByLocation, CalcByRFM or CalcByFilter
	Filter store.CustomerListFilter // the customers, for CalcByFilter
	// LoyalTop and LoyalMinTenureDays as in CalcInput (defaults 20 and 365).
	LoyalTop           float64
	LoyalMinTenureDays int
}

// SegmentColumn is the calculator for one segment.
type SegmentColumn struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// Average and Loyal are the calculator's two customers within the
	// segment; LoyalMultiple is loyal ÷ average lifetime value (0 when
	// the average is not positive).
	Average       Economics `json:"average"`
	Loyal         Economics `json:"loyal"`
	LoyalMultiple float64   `json:"loyal_multiple"`
	// AcquisitionCostBasis says where acquisition_cost comes from:
	// "source" (the spend mapped to the source ÷ its customers first seen
	// in the period) or "business" (all spend ÷ all new customers).
	AcquisitionCostBasis string `json:"acquisition_cost_basis"`
}

// SegmentCalculation is the calculator per segment.
type SegmentCalculation struct {
	By                 string            `json:"by"`
	Refitted           bool              `json:"refitted" doc:"false until the first lifetime-value refit: there is nothing to split yet"`
	Period             CalcPeriod        `json:"period"`
	LoyalTop           float64           `json:"loyal_top"`
	LoyalMinTenureDays int               `json:"loyal_min_tenure_days"`
	Segments           []SegmentColumn   `json:"segments"`
	Definitions        map[string]string `json:"definitions"`
}

// SegmentCalculator runs the calculator for every segment of in.By.
func (s *Service) SegmentCalculator(ctx context.Context, in SegmentCalcInput) (*SegmentCalculation, error) {
	var v fresco.Validation
	v.Check(slices.Contains(store.CalcGroupings, in.By), "by", "must be one of %s", strings.Join(store.CalcGroupings, ", "))
	v.Check(in.LoyalTop >= 0 && in.LoyalTop <= 100, "loyal_top", "must be a percentage between 0 and 100")
	v.Check(in.LoyalMinTenureDays >= 0, "loyal_min_tenure_days", "must not be negative")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if in.LoyalTop == 0 {
		in.LoyalTop = 20
	}
	if in.LoyalMinTenureDays == 0 {
		in.LoyalMinTenureDays = 365
	}
	return cached(ctx, s.views, segmentCalcView(in), func(ctx context.Context) (*SegmentCalculation, error) {
		return s.segmentCalculator(ctx, in)
	})
}

// segmentCalcView is the cache key of a question.
func segmentCalcView(in SegmentCalcInput) string {
	q := url.Values{"by": {in.By}, "top": {strconv.FormatFloat(in.LoyalTop, 'g', -1, 64)}, "tenure": {strconv.Itoa(in.LoyalMinTenureDays)}}
	if in.By == store.CalcByFilter {
		f := in.Filter
		q.Set("q", f.Search)
		q.Set("source", f.Source)
		q.Set("segment", f.Segment)
		q.Set("attention", strconv.FormatBool(f.Attention))
		q.Set("from", f.From.UTC().Format(time.RFC3339Nano))
		q.Set("to", f.To.UTC().Format(time.RFC3339Nano))
	}
	return "calculator-segments?" + q.Encode()
}

func (s *Service) segmentCalculator(ctx context.Context, in SegmentCalcInput) (*SegmentCalculation, error) {
	out := &SegmentCalculation{By: in.By, LoyalTop: in.LoyalTop, LoyalMinTenureDays: in.LoyalMinTenureDays, Segments: []SegmentColumn{},
		Definitions: map[string]string{
			"segment":          segmentDefinitions[in.By],
			"average":          "every customer of the segment valued by the last refit (each with a purchase)",
			"loyal":            "the top loyal_top% of the segment's customers by purchases, among those who first bought at least loyal_min_tenure_days before the refit",
			"acquisition_cost": "by source: the spend mapped to the source ÷ its customers first seen in the period; otherwise all spend ÷ all customers",
			"lifetime_value":   "purchases_per_lifetime × items_per_purchase × average_price × margin − acquisition_cost",
			"as_of":            "every purchase up to the last refit",
		}}
	var groups []store.GroupPurchaseSums
	var all *store.RefitPurchases
	err := s.db.Reports().ReadCustomerValues(ctx, func(r *store.CustomerValueSnapshot) error {
		var err error
		if all, err = r.RefitPurchases(ctx); err != nil || all.All.Customers == 0 {
			return err
		}
		first := store.FirstBy{At: all.ComputedAt.AddDate(0, 0, -in.LoyalMinTenureDays), Top: in.LoyalTop}
		groups, err = r.GroupPurchases(ctx, in.By, in.Filter, first)
		return err
	})
	if err != nil || all == nil || all.All.Customers == 0 {
		return out, err
	}
	out.Refitted = true
	from, to := all.FirstPurchase, all.ComputedAt
	out.Period = CalcPeriod{From: from, To: to, Days: int(to.Sub(from).Hours()/24 + 0.999)}
	spend, err := s.db.Reports().MarketingSpendTotal(ctx, time.Time{}, to.Add(-time.Nanosecond))
	if err != nil {
		return nil, err
	}
	business := 0.0
	if all.All.Customers > 0 {
		business = round2(spend.Float() / float64(all.All.Customers))
	}
	bySource := map[string]float64{}
	if in.By == store.CalcBySource {
		econ, err := s.Sources(ctx, from, to)
		if err != nil {
			return nil, err
		}
		for _, f := range econ.Sources {
			if f.CAC != nil {
				bySource[strings.ToLower(f.Source)] = f.CAC.Float()
			} else {
				bySource[strings.ToLower(f.Source)] = 0
			}
		}
	}
	for _, g := range groups {
		col := SegmentColumn{Key: g.Key, Label: g.Label, Average: economicsOf(g.All), Loyal: economicsOf(g.Loyal), AcquisitionCostBasis: "business"}
		acq := business
		if cac, ok := bySource[strings.ToLower(strings.TrimSpace(g.Key))]; ok && strings.TrimSpace(g.Key) != "" {
			acq, col.AcquisitionCostBasis = round2(cac), "source"
		} else if in.By == store.CalcBySource && strings.TrimSpace(g.Key) != "" {
			acq, col.AcquisitionCostBasis = 0, "source" // no spend maps to it and nobody new came from it
		}
		col.Average.AcquisitionCost, col.Loyal.AcquisitionCost = acq, acq
		col.Average.compute()
		col.Loyal.compute()
		if col.Average.LifetimeValue > 0 {
			col.LoyalMultiple = round2(col.Loyal.LifetimeValue / col.Average.LifetimeValue)
		}
		out.Segments = append(out.Segments, col)
	}
	return out, nil
}

var segmentDefinitions = map[string]string{
	store.CalcBySource:   "the customer's answer to “How did you hear about us?” (empty: not known)",
	store.CalcByLocation: "the location of the customer's latest purchase (empty: none recorded)",
	store.CalcByRFM:      "the customer's lifetime-value (RFM) segment at the last refit",
	store.CalcByFilter:   "the customers the customer-list filter selects",
}
