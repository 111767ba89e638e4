package web

import (
	"context"
	"strings"

	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// The service-profit chain (package chain): its six measures per unit and
// period and how strongly each link moves together.

// ChainInput asks for the chain.
type ChainInput struct {
	By     string `query:"by" enum:"team,location" default:"team" doc:"The unit: team or location."`
	Period string `query:"period" enum:"month,quarter" default:"month"`
	From   string `query:"from" doc:"The first period: a month (2025-01), a date (its month) or a quarter (2025-Q1). Default: a year (months) or two (quarters) before to."`
	To     string `query:"to" doc:"The last period, inclusive, in the same forms. Default: this period."`
	Lag    int    `query:"lag" minimum:"0" maximum:"3" default:"0" doc:"Pair each \"from\" value with the \"to\" value this many periods later in the same unit."`
	Pairs  string `query:"pairs" maxLength:"500" doc:"More links to compute beside the chain's consecutive ones: comma-separated from:to measure names, e.g. employee_satisfaction:profit,employee_capability:customer_satisfaction."`
}

func (s *Server) chainMeasure(ctx context.Context, in *ChainInput) (*One[*chain.Measured], error) {
	if s.chain == nil {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "the service-profit chain is not available")
	}
	q := chain.Query{By: in.By, Period: in.Period, From: in.From, To: in.To, Lag: in.Lag}
	var v fresco.Validation
	for _, p := range strings.Split(in.Pairs, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		from, to, ok := strings.Cut(p, ":")
		if !ok {
			v.Add("pairs", "%q is not from:to", p)
			continue
		}
		q.Pairs = append(q.Pairs, [2]string{strings.TrimSpace(from), strings.TrimSpace(to)})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.chain.Measure(ctx, q)
	if err != nil {
		return nil, err
	}
	return &One[*chain.Measured]{Body: r}, nil
}
