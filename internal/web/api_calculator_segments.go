package web

// The lifetime-value calculator per segment (value.SegmentCalculator) and
// its read-only share links (value.ShareToken): GET
// /api/v1/clv/calculator/segments and POST /api/v1/clv/calculator/share.

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

// SegmentCalcQuery is the question: the grouping, the loyal customer and,
// for by=filter, the customer list's filter.
type SegmentCalcQuery struct {
	By                 string  `query:"by" json:"by" enum:"source,location,rfm,filter" default:"source" doc:"Acquisition source, location of the latest purchase, lifetime-value (RFM) segment, or one column for the customers the filter selects."`
	LoyalTop           float64 `query:"loyal_top" json:"loyal_top,omitempty" minimum:"0" maximum:"100" doc:"Loyal: the top loyal_top% of each segment's customers by purchases (default 20)."`
	LoyalMinTenureDays int     `query:"loyal_min_tenure_days" json:"loyal_min_tenure_days,omitempty" minimum:"0" maximum:"36500" doc:"…among those who first bought at least this many days before the refit (default 365)."`
	Q                  string  `query:"q" json:"q,omitempty" maxLength:"200" doc:"by=filter: name, e-mail or customer number contains it (as the customer list)."`
	Source             string  `query:"source" json:"source,omitempty" doc:"by=filter: how they heard of us."`
	Segment            string  `query:"segment" json:"segment,omitempty" doc:"by=filter: lifetime-value segment."`
	Attention          bool    `query:"attention" json:"attention,omitempty" doc:"by=filter: only customers with an open or resolved case."`
	CustomersFrom      string  `query:"customers_from" json:"customers_from,omitempty" doc:"by=filter: customer since, from this date (YYYY-MM-DD)."`
	CustomersTo        string  `query:"customers_to" json:"customers_to,omitempty" doc:"by=filter: customer since, up to this date (inclusive)."`
}

// input reads the question through the same parser as the share page, so
// an API question and its link are spelt alike.
func (q SegmentCalcQuery) input() (value.SegmentCalcInput, error) {
	v := url.Values{"by": {q.By}, "q": {q.Q}, "source": {q.Source}, "segment": {q.Segment},
		"customers_from": {q.CustomersFrom}, "customers_to": {q.CustomersTo}}
	if q.LoyalTop != 0 {
		v.Set("loyal_top", strconv.FormatFloat(q.LoyalTop, 'g', -1, 64))
	}
	if q.LoyalMinTenureDays != 0 {
		v.Set("loyal_min_tenure_days", strconv.Itoa(q.LoyalMinTenureDays))
	}
	if q.Attention {
		v.Set("attention", "1")
	}
	return value.ParseSegmentQuery(v)
}

func (s *Server) clvCalculatorSegments(ctx context.Context, in *SegmentCalcQuery) (*One[*value.SegmentCalculation], error) {
	q, err := in.input()
	if err != nil {
		return nil, err
	}
	out, err := s.value.SegmentCalculator(ctx, q)
	if err != nil {
		return nil, err
	}
	return &One[*value.SegmentCalculation]{Body: out}, nil
}

// ShareCalculatorInput asks for a share link.
type ShareCalculatorInput struct {
	Body struct {
		SegmentCalcQuery
		ExpiresInDays int `json:"expires_in_days,omitempty" minimum:"0" maximum:"365" doc:"How long the link works (default 30 days, at most 365)."`
	}
}

// CalculatorShare is a read-only link to the calculator per segment.
type CalculatorShare struct {
	Path      string    `json:"path" doc:"The link's path and query; prepend Fresco's address. Anyone with it sees the figures, read only, without signing in."`
	ExpiresAt time.Time `json:"expires_at"`
}

func (s *Server) shareCalculator(ctx context.Context, in *ShareCalculatorInput) (*One[CalculatorShare], error) {
	q, err := in.Body.input()
	if err != nil {
		return nil, err
	}
	days := in.Body.ExpiresInDays
	if days == 0 {
		days = 30
	}
	var v fresco.Validation
	v.Check(days > 0 && days <= value.MaxShareDays, "expires_in_days", "must be from 1 to %d", value.MaxShareDays)
	if err := v.Err(); err != nil {
		return nil, err
	}
	expires := s.now().UTC().Truncate(time.Second).AddDate(0, 0, days)
	token, err := value.ShareToken(s.db.SecretKeys(), q, expires)
	if err != nil {
		return nil, err
	}
	return &One[CalculatorShare]{Body: CalculatorShare{Path: value.SharePath(token, q), ExpiresAt: expires}}, nil
}
