package web

import (
	"context"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

// AcquisitionRetentionReport compares what acquisition and retention spend
// produced in a period, with a what-if.
type AcquisitionRetentionReport struct {
	From             string    `json:"from"`
	To               string    `json:"to"`
	AcquisitionSpend Money     `json:"acquisition_spend" doc:"Spend tagged acquisition (and the acquisition part of split records), each record pro rata by its days in the period."`
	RetentionSpend   Money     `json:"retention_spend" doc:"Spend tagged retention (and the retention part of split records), pro rata by days."`
	NewCustomers     int       `json:"new_customers" doc:"Customers first seen in the period."`
	NewValued        int       `json:"new_valued" doc:"How many of them the last refit valued."`
	NewCLV           Money     `json:"new_clv" doc:"Their predicted lifetime value, summed."`
	NewCLVMean       *Money    `json:"new_clv_mean" doc:"Per valued new customer; null when none was valued."`
	CostPerNew       *Money    `json:"cost_per_new_customer" doc:"acquisition_spend ÷ new_customers; null when there are none."`
	Base             int       `json:"base_customers" doc:"Customers first seen before the period whom the last refit valued."`
	Retained         float64   `json:"expected_retained" doc:"The sum of their P(alive) at the last refit: the customers expected to have stayed (an estimate)."`
	RetainedCLV      Money     `json:"retained_clv" doc:"Their predicted lifetime value, summed (each already weighted by P(alive))."`
	ValuePerRetained *Money    `json:"value_per_retained" doc:"retained_clv ÷ expected_retained: what a customer kept is predicted to be worth."`
	CostPerRetained  *Money    `json:"cost_per_retained_customer" doc:"retention_spend ÷ expected_retained; null when it is 0."`
	WhatIf           WhatIfOut `json:"what_if"`
}

// WhatIfOut is the estimated effect of moving acquisition spend to
// retention, with the assumptions it rests on.
type WhatIfOut struct {
	Move             Money    `json:"move" doc:"Acquisition spend moved to retention (default: a tenth of the period's)."`
	CAC              *Money   `json:"cac" doc:"Cost per new customer assumed (the period's unless typed); null when the period had no new customer."`
	CACSource        string   `json:"cac_source" enum:"period,owner"`
	RetentionLift    float64  `json:"retention_lift" doc:"Percentage points by which P(alive) rises per 1.00 of retention spend per customer."`
	LiftSource       string   `json:"retention_lift_source" enum:"history,owner,none" doc:"history: the slope of 90-day repurchase on retention spend per customer, month by month; owner: typed; none: no history shows a rise and none was typed (no gain assumed)."`
	HistoryMonths    int      `json:"history_months" doc:"Months the history's slope was fitted on."`
	HistoryLift      *float64 `json:"history_lift" doc:"The history's slope (percentage points per 1.00 per customer); null when it cannot be fitted."`
	HistoryLiftSE    *float64 `json:"history_lift_se" doc:"Its standard error; null with fewer than three months."`
	LostNewCustomers float64  `json:"lost_new_customers" doc:"move ÷ cac (an estimate)."`
	LostCLV          Money    `json:"lost_clv" doc:"lost_new_customers × new_clv_mean."`
	ExtraRetained    float64  `json:"extra_retained" doc:"retention_lift ÷ 100 × move, at most the customers expected to leave (an estimate)."`
	GainedCLV        Money    `json:"gained_clv" doc:"extra_retained × value_per_retained."`
	Capped           bool     `json:"capped" doc:"extra_retained stopped at the customers expected to leave."`
	Customers        float64  `json:"change_customers" doc:"extra_retained − lost_new_customers."`
	CLV              Money    `json:"change_clv" doc:"gained_clv − lost_clv."`
	Assumptions      []string `json:"assumptions" doc:"The assumptions in words."`
}

type acquisitionRetentionInput struct {
	From          string `query:"from" doc:"The period's first day, YYYY-MM-DD (default: a year before to)."`
	To            string `query:"to" doc:"Its last day, inclusive (default: today, UTC)."`
	Move          string `query:"move" doc:"What-if: acquisition spend moved to retention, money (default: a tenth of the period's acquisition spend)."`
	RetentionLift string `query:"retention_lift" doc:"What-if: percentage points by which P(alive) rises per 1.00 of retention spend per customer, 0..100 (default: the history's slope)."`
	CAC           string `query:"cac" doc:"What-if: cost per new customer, money (default: the period's)."`
}

func (s *Server) acquisitionRetention(ctx context.Context, in *acquisitionRetentionInput) (*One[AcquisitionRetentionReport], error) {
	from, to, err := reportDates(in.From, in.To, s.now())
	if err != nil {
		return nil, err
	}
	w, err := value.ParseWhatIf("query.", in.Move, in.RetentionLift, in.CAC)
	if err != nil {
		return nil, err
	}
	r, err := s.value.AcquisitionRetention(ctx, from, to, w)
	if err != nil {
		return nil, err
	}
	return &One[AcquisitionRetentionReport]{Body: acquisitionRetentionOut(r)}, nil
}

func acquisitionRetentionOut(r *value.AcquisitionRetention) AcquisitionRetentionReport {
	cents := centsOut
	optCents := func(x *float64) *Money {
		if x == nil {
			return nil
		}
		m := cents(*x)
		return &m
	}
	optMoney := func(m *fresco.Money) *Money {
		if m == nil {
			return nil
		}
		o := moneyOut(*m)
		return &o
	}
	w := r.WhatIf
	out := AcquisitionRetentionReport{From: r.From.Format(time.DateOnly), To: r.To.Format(time.DateOnly),
		AcquisitionSpend: moneyOut(r.AcquisitionSpend), RetentionSpend: moneyOut(r.RetentionSpend),
		NewCustomers: r.NewCustomers, NewValued: r.NewValued, NewCLV: cents(r.NewCLV), NewCLVMean: optCents(r.NewCLVMean),
		CostPerNew: optMoney(r.CostPerNew), Base: r.Base, Retained: round4(r.Retained), RetainedCLV: cents(r.RetainedCLV),
		ValuePerRetained: optCents(r.ValuePerRetained), CostPerRetained: optMoney(r.CostPerRetained),
		WhatIf: WhatIfOut{Move: moneyOut(w.Move), CAC: optMoney(w.CAC), CACSource: "period", RetentionLift: w.Lift, LiftSource: w.LiftSource,
			HistoryMonths: w.History.Months, HistoryLift: w.History.Lift, HistoryLiftSE: w.History.SE,
			LostNewCustomers: round4(w.LostNewCustomers), LostCLV: cents(w.LostCLV), ExtraRetained: round4(w.ExtraRetained),
			GainedCLV: cents(w.GainedCLV), Capped: w.Capped, Customers: round4(w.Customers), CLV: cents(w.CLV),
			Assumptions: r.Assumptions(fresco.Money.String)}}
	if w.CACTyped {
		out.WhatIf.CACSource = "owner"
	}
	return out
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
