package web

// Lifetime value (internal/value): the calculator, CLV summary, Pareto
// curve, segments, per-customer value and the on-demand refit.

import (
	"context"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

type calculatorInput struct {
	From               string `query:"from" doc:"Start of the period: a date (2024-05-01) or an RFC 3339 time. Default: the first purchase."`
	To                 string `query:"to" doc:"End of the period (a date includes the whole day). Default: now."`
	LoyalTop           string `query:"loyal_top" doc:"The loyal customer is the top loyal_top% of the period's customers by purchases (default 20)…"`
	LoyalMinTenureDays string `query:"loyal_min_tenure_days" doc:"…among those who first bought at least this many days before the period's end (default 365)."`
	AcquisitionCost    string `query:"acquisition_cost" doc:"Override: acquisition cost per new customer (both customers)."`
	Margin             string `query:"margin" doc:"Override: gross margin 0..1 (both customers); 1 gives the texts' revenue formula."`
	Purchases          string `query:"purchases_per_lifetime" doc:"Override for the average customer."`
	Items              string `query:"items_per_purchase" doc:"Override for the average customer."`
	Price              string `query:"average_price" doc:"Override for the average customer."`
	LoyalPurchases     string `query:"loyal_purchases_per_lifetime" doc:"Override for the loyal customer."`
	LoyalItems         string `query:"loyal_items_per_purchase" doc:"Override for the loyal customer."`
	LoyalPrice         string `query:"loyal_average_price" doc:"Override for the loyal customer."`
}

// CalcInputFromQuery turns the calculator's query parameters into a
// value.CalcInput, recording bad values in v. The UI's override form uses
// the same names.
func calcInputFromQuery(v *fresco.Validation, in *calculatorInput) value.CalcInput {
	num := func(name, s string, lo, hi float64) *float64 {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || !(f >= lo && f <= hi) { // so written, NaN is out of range too
			v.Add("query."+name, "%q must be a number from %g to %g", s, lo, hi)
			return nil
		}
		return &f
	}
	c := value.CalcInput{
		From: parseTimeParam(v, "from", in.From, false), To: parseTimeParam(v, "to", in.To, true),
		AcquisitionCost: num("acquisition_cost", in.AcquisitionCost, 0, 1e9), Margin: num("margin", in.Margin, -1, 1),
		PurchasesPerLifetime: num("purchases_per_lifetime", in.Purchases, 0, 1e6), ItemsPerPurchase: num("items_per_purchase", in.Items, 0, 1e6),
		AveragePrice: num("average_price", in.Price, 0, 1e9), LoyalPurchasesPerLifetime: num("loyal_purchases_per_lifetime", in.LoyalPurchases, 0, 1e6),
		LoyalItemsPerPurchase: num("loyal_items_per_purchase", in.LoyalItems, 0, 1e6), LoyalAveragePrice: num("loyal_average_price", in.LoyalPrice, 0, 1e9),
	}
	if p := num("loyal_top", in.LoyalTop, 0.01, 100); p != nil {
		c.LoyalTop = *p
	}
	if d := num("loyal_min_tenure_days", in.LoyalMinTenureDays, 1, 36500); d != nil {
		c.LoyalMinTenureDays = int(*d)
	}
	return c
}

type clvSummaryInput struct {
	Bins int `query:"bins" minimum:"0" maximum:"200" default:"20" doc:"Bars of the CLV histogram."`
}

type paretoInput struct {
	Points int     `query:"points" minimum:"0" maximum:"1000" default:"20" doc:"Points of the curve (shares of customers)."`
	Top    float64 `query:"top" minimum:"0" maximum:"100" default:"20" doc:"The headline: the share made by the top top% of customers."`
	Metric string  `query:"metric" enum:"profit,revenue,clv" default:"profit"`
}

type clvListInput struct {
	Segment string `query:"segment" doc:"An RFM segment: champions, loyal, potential loyalists, new, at risk, can't lose them, hibernating, lost."`
	Flag    string `query:"flag" enum:"mercenary,apostle," doc:"Only mercenaries or apostles."`
	Sort    string `query:"sort" enum:"clv,historical_value,referral_value,p_alive,last_purchase,profit," default:"clv"`
	Cursor  string `query:"cursor" doc:"The next_cursor of the previous page, asked with the same sort."`
	Limit   int    `query:"limit" minimum:"0" maximum:"1000" default:"100" doc:"Items per page (at most 1000)."`
}

// CLVList is a page of customers' values, like every list (Page).
type CLVList struct {
	Items      []value.CustomerValue `json:"items"`
	NextCursor string                `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

// RefitQueued is a queued job: the answer to POST /clv/refit and POST
// /loop/satisfied-leaving/refresh.
type RefitQueued struct {
	JobID int64  `json:"job_id"`
	Kind  string `json:"kind"`
}

type refitOutput struct {
	Body RefitQueued
}

func (s *Server) clvCalculator(ctx context.Context, in *calculatorInput) (*One[*value.Calculation], error) {
	var v fresco.Validation
	c := calcInputFromQuery(&v, in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	out, err := s.value.Calculator(ctx, c)
	if err != nil {
		return nil, err
	}
	return &One[*value.Calculation]{Body: out}, nil
}

func (s *Server) clvSummary(ctx context.Context, in *clvSummaryInput) (*One[*value.Summary], error) {
	out, err := s.value.Summary(ctx, in.Bins)
	if err != nil {
		return nil, err
	}
	return &One[*value.Summary]{Body: out}, nil
}

func (s *Server) clvCalibration(ctx context.Context, _ *struct{}) (*One[*value.Calibration], error) {
	out, err := s.value.Calibration(ctx)
	if err != nil {
		return nil, err
	}
	return &One[*value.Calibration]{Body: out}, nil
}

func (s *Server) clvPareto(ctx context.Context, in *paretoInput) (*One[*value.Pareto], error) {
	out, err := s.value.Pareto(ctx, in.Metric, in.Points, in.Top)
	if err != nil {
		return nil, err
	}
	return &One[*value.Pareto]{Body: out}, nil
}

func (s *Server) clvSegments(ctx context.Context, _ *struct{}) (*One[*value.SegmentTable], error) {
	out, err := s.value.Segments(ctx)
	if err != nil {
		return nil, err
	}
	return &One[*value.SegmentTable]{Body: out}, nil
}

func (s *Server) clvCustomers(ctx context.Context, in *clvListInput) (*One[CLVList], error) {
	items, next, err := s.value.ListPage(ctx, value.ListFilter{Segment: in.Segment, Flag: in.Flag, Sort: in.Sort,
		Limit: in.Limit, Cursor: in.Cursor})
	if err != nil {
		return nil, err
	}
	return &One[CLVList]{Body: CLVList{Items: items, NextCursor: next}}, nil
}

func (s *Server) customerValue(ctx context.Context, in *IDParam) (*One[*value.CustomerDetail], error) {
	out, err := s.value.Customer(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[*value.CustomerDetail]{Body: out}, nil
}

func (s *Server) clvRefit(ctx context.Context, _ *struct{}) (*refitOutput, error) {
	id, err := s.value.EnqueueRefit(ctx, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &refitOutput{Body: RefitQueued{JobID: id, Kind: value.RefitKind}}, nil
}
