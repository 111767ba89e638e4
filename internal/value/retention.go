package value

// Acquisition vs retention: what the period's acquisition spend produced
// (new customers and their predicted value) beside what its retention spend
// kept (the customers who were already there, counted by their probability
// of being alive, and their predicted value), and a what-if — move some
// acquisition spend to retention — estimated from the stored refit with
// its assumptions spelt out, because the response of retention to money is
// an assumption, not a fit. docs/value.md explains every figure.

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Where the what-if's retention lift came from.
const (
	LiftFromHistory = "history" // the slope of repurchase on retention spend, month by month
	LiftFromOwner   = "owner"   // typed by the owner
	LiftNone        = "none"    // no history to go by and none typed: no gain assumed
)

// historyMonths is how far back the lift's history reaches.
const historyMonths = 24

// WhatIfInput are the what-if's assumptions; nil takes the default.
type WhatIfInput struct {
	// Move is the acquisition spend moved to retention (cents); default a
	// tenth of the period's acquisition spend.
	Move *fresco.Money
	// Lift is the percentage points by which customers' probability of
	// being alive rises for each 1.00 of retention spend per customer;
	// default the history's (RetentionHistory).
	Lift *float64
	// CAC is what one new customer costs (cents); default the period's.
	CAC *fresco.Money
}

// ParseWhatIf reads the what-if's assumptions as typed (empty: the
// default), naming a bad one prefix + its parameter name.
func ParseWhatIf(prefix, move, lift, cac string) (WhatIfInput, error) {
	var v fresco.Validation
	var w WhatIfInput
	money := func(name, s string) *fresco.Money {
		if s = strings.TrimSpace(s); s == "" {
			return nil
		}
		m, err := fresco.ParseMoney(s)
		if err != nil {
			v.Add(prefix+name, "%q is not an amount of money like 250.00", s)
			return nil
		}
		return &m
	}
	w.Move, w.CAC = money("move", move), money("cac", cac)
	if s := strings.TrimSpace(lift); s != "" {
		x, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			v.Add(prefix+"retention_lift", "%q is not a number", s)
		} else {
			w.Lift = &x
		}
	}
	return w, v.Err()
}

// RetentionHistory is the data's own answer to "does retention spend keep
// customers?": month by month, the share of the customers who bought that
// month and bought again within 90 days (the repurchase rollup), against
// the retention spend that month per such customer, fitted by least
// squares weighted by customers.
type RetentionHistory struct {
	Months int
	// Lift is the slope in percentage points of repurchase per 1.00 of
	// retention spend per customer; SE its standard error (nil with fewer
	// than three months). Both nil when the months cannot give a slope (too
	// few, or the spend never varied).
	Lift, SE *float64
}

// WhatIf is the estimated change from moving Move of acquisition spend to
// retention. Every figure is an estimate under the assumptions it carries.
type WhatIf struct {
	Move       fresco.Money
	CAC        *fresco.Money // nil when the period brought no new customer and none was typed
	CACTyped   bool
	Lift       float64
	LiftSource string
	History    RetentionHistory
	// LostNewCustomers = Move ÷ CAC; LostCLV = that × the new customers'
	// mean predicted CLV (cents).
	LostNewCustomers, LostCLV float64
	// ExtraRetained = Lift/100 × Move (in money units), at most the
	// customers not expected to stay; GainedCLV = that × the predicted
	// value of a retained customer (cents). Capped tells the limit bit.
	ExtraRetained, GainedCLV float64
	Capped                   bool
	// Customers and CLV are the net changes (cents for CLV).
	Customers, CLV float64
}

// AcquisitionRetention compares what the period's acquisition and retention
// spend produced. Money is in cents.
type AcquisitionRetention struct {
	From, To                         time.Time // dates, both inclusive
	AcquisitionSpend, RetentionSpend fresco.Money
	// The customers first seen in the period; NewValued of them have a
	// predicted CLV (NewCLV in all, NewCLVMean each, nil when none).
	NewCustomers, NewValued int
	NewCLV                  float64
	NewCLVMean              *float64
	CostPerNew              *fresco.Money // AcquisitionSpend ÷ NewCustomers; nil without any
	// Base are the customers first seen before From that the last refit
	// valued; Retained the sum of their P(alive) (the customers expected to
	// have stayed), RetainedCLV the sum of their predicted CLV.
	Base                  int
	Retained, RetainedCLV float64
	// ValuePerRetained is RetainedCLV ÷ Retained: what one kept customer
	// is predicted to be worth; nil when Retained is 0.
	ValuePerRetained *float64
	CostPerRetained  *fresco.Money // RetentionSpend ÷ Retained; nil when Retained is 0
	WhatIf           WhatIf
}

// AcquisitionRetention reports the dates from..to (both inclusive). It
// reads the spend records overlapping the period, the count of the
// period's new customers from acquisition_daily, the valued customers'
// sums per day of first_seen kept per refit (valuedByDay), and the
// repurchase rollup's months: never the purchases, and not the customers
// one by one.
func (s *Service) AcquisitionRetention(ctx context.Context, from, to time.Time, in WhatIfInput) (*AcquisitionRetention, error) {
	from, to = day(from), day(to)
	var v fresco.Validation
	v.Check(!to.Before(from), "to", "must not be before from")
	if in.Lift != nil {
		v.Check(*in.Lift >= 0 && *in.Lift <= 100, "retention_lift", "must be between 0 and 100 (percentage points per 1.00 per customer)")
	}
	if in.CAC != nil {
		v.Check(*in.CAC > 0, "cac", "must be more than 0")
	}
	if in.Move != nil {
		v.Check(*in.Move >= 0, "move", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	db := s.db.Reports()
	r := &AcquisitionRetention{From: from, To: to}
	if err := s.periodSpend(ctx, r); err != nil {
		return nil, err
	}
	// The valued customers by the day they were first seen, once per
	// refit: the new customers' and the base's sums come from it.
	days, err := s.valuedByFirstSeenDay(ctx)
	if err != nil {
		return nil, err
	}
	if err := s.newCustomers(ctx, days, r); err != nil {
		return nil, err
	}
	r.base(days)
	if in.Move != nil && *in.Move > r.AcquisitionSpend {
		v.Add("move", "must be at most the period's acquisition spend (%s)", r.AcquisitionSpend)
		return nil, v.Err()
	}
	hist, err := s.retentionHistory(ctx, db, to)
	if err != nil {
		return nil, err
	}
	r.whatIf(in, hist)
	return r, nil
}

// periodSpend splits the spend overlapping the period into its acquisition
// and retention parts, each pro rata by days, summed exactly.
func (s *Service) periodSpend(ctx context.Context, r *AcquisitionRetention) error {
	spend, err := s.db.Reports().SpendOverlapping(ctx, r.From, r.To)
	if err != nil {
		return err
	}
	acq, ret := new(big.Rat), new(big.Rat)
	for _, sp := range spend {
		if a := proRata(sp.AcquisitionPart(), sp, dayNum(r.From), dayNum(r.To)); a != nil {
			acq.Add(acq, a)
			ret.Add(ret, proRata(sp.RetentionPart(), sp, dayNum(r.From), dayNum(r.To)))
		}
	}
	r.AcquisitionSpend, r.RetentionSpend = roundMoney(acq), roundMoney(ret)
	return nil
}

// newCustomers counts the customers first seen in the period and sums
// those of them the last refit valued (valuedBetween).
func (s *Service) newCustomers(ctx context.Context, days []store.ValuedSums, r *AcquisitionRetention) error {
	end := r.To.AddDate(0, 0, 1)
	n, err := s.db.Reports().CountFirstSeen(ctx, r.From, end)
	if err != nil {
		return err
	}
	valued := valuedBetween(days, r.From, end)
	r.NewCustomers, r.NewValued, r.NewCLV = n, valued.Customers, valued.CLV
	if r.NewValued > 0 {
		r.NewCLVMean = ptr(r.NewCLV / float64(r.NewValued))
	}
	if r.NewCustomers > 0 {
		cpn := fresco.Money(math.Round(float64(r.AcquisitionSpend) / float64(r.NewCustomers)))
		r.CostPerNew = &cpn
	}
	return nil
}

// base sums the valued customers first seen before From.
func (r *AcquisitionRetention) base(days []store.ValuedSums) {
	b := valuedBetween(days, time.Time{}, r.From)
	r.Base, r.Retained, r.RetainedCLV = b.Customers, b.PAlive, b.CLV
	if r.Retained > 0 {
		r.ValuePerRetained = ptr(r.RetainedCLV / r.Retained)
		cpr := fresco.Money(math.Round(float64(r.RetentionSpend) / r.Retained))
		r.CostPerRetained = &cpr
	}
}

// valuedBetween sums the valued customers first seen in [from, to) (UTC
// days; a zero from is the beginning of time) from the per-day sums.
func valuedBetween(days []store.ValuedSums, from, to time.Time) store.ValuedSums {
	var out store.ValuedSums
	for _, d := range days {
		if !d.Day.Before(from) && d.Day.Before(to) {
			out.Customers += d.Customers
			out.PAlive += d.PAlive
			out.CLV += d.CLV
		}
	}
	return out
}

// retentionHistory fits the repurchase rate of each month's buyers on the
// retention spend per buyer that month, over the historyMonths before to
// whose 90 days have passed.
func (s *Service) retentionHistory(ctx context.Context, db *store.DB, to time.Time) (RetentionHistory, error) {
	first := time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -historyMonths+1, 0)
	m1, m2, ok := store.BaselineMonths(first, to.AddDate(0, 0, 1), s.opts.Now())
	if !ok {
		return RetentionHistory{}, nil
	}
	months, err := db.RepurchaseMonths(ctx, m1, m2)
	if err != nil {
		return RetentionHistory{}, err
	}
	spend, err := db.SpendOverlapping(ctx, m1, m2.AddDate(0, 0, -1))
	if err != nil {
		return RetentionHistory{}, err
	}
	var xs, ys, ws []float64
	for _, m := range months {
		if m.Customers <= 0 {
			continue
		}
		ret := new(big.Rat)
		for _, sp := range spend {
			if p := proRata(sp.RetentionPart(), sp, dayNum(m.Month), dayNum(m.Month.AddDate(0, 1, -1))); p != nil {
				ret.Add(ret, p)
			}
		}
		cents, _ := ret.Float64()
		n := float64(m.Customers)
		xs, ys, ws = append(xs, cents/100/n), append(ys, float64(m.Retained)/n), append(ws, n)
	}
	h := RetentionHistory{Months: len(xs)}
	slope, se, ok := weightedSlope(xs, ys, ws)
	if ok {
		h.Lift = ptr(100 * slope)
		if se != nil {
			h.SE = ptr(100 * *se)
		}
	}
	return h, nil
}

// weightedSlope is the least-squares slope of ys on xs weighted by ws, and
// its standard error (weights as counts of observations; nil with fewer
// than three points). ok is false with fewer than two points or xs that do
// not vary.
func weightedSlope(xs, ys, ws []float64) (slope float64, se *float64, ok bool) {
	var w, mx, my float64
	for i := range xs {
		w += ws[i]
		mx += ws[i] * xs[i]
		my += ws[i] * ys[i]
	}
	if len(xs) < 2 || w <= 0 {
		return 0, nil, false
	}
	mx, my = mx/w, my/w
	var sxx, sxy float64
	for i := range xs {
		sxx += ws[i] * (xs[i] - mx) * (xs[i] - mx)
		sxy += ws[i] * (xs[i] - mx) * (ys[i] - my)
	}
	if sxx <= 0 {
		return 0, nil, false
	}
	slope = sxy / sxx
	if len(xs) >= 3 && w > 2 {
		var sse float64
		for i := range xs {
			e := ys[i] - my - slope*(xs[i]-mx)
			sse += ws[i] * e * e
		}
		se = ptr(math.Sqrt(sse / (w - 2) / sxx))
	}
	return slope, se, true
}

// whatIf estimates moving in.Move of acquisition spend to retention.
func (r *AcquisitionRetention) whatIf(in WhatIfInput, hist RetentionHistory) {
	w := WhatIf{History: hist, CAC: r.CostPerNew, LiftSource: LiftNone}
	w.Move = fresco.Money(math.Round(float64(r.AcquisitionSpend) / 10))
	if in.Move != nil {
		w.Move = *in.Move
	}
	if in.CAC != nil {
		w.CAC, w.CACTyped = in.CAC, true
	}
	switch {
	case in.Lift != nil:
		w.Lift, w.LiftSource = *in.Lift, LiftFromOwner
	case hist.Lift != nil && *hist.Lift > 0:
		w.Lift, w.LiftSource = *hist.Lift, LiftFromHistory
	}
	if w.CAC != nil && *w.CAC > 0 {
		w.LostNewCustomers = float64(w.Move) / float64(*w.CAC)
		if r.NewCLVMean != nil {
			w.LostCLV = w.LostNewCustomers * *r.NewCLVMean
		}
	}
	if r.Base > 0 {
		w.ExtraRetained = w.Lift / 100 * w.Move.Float()
		if atRisk := float64(r.Base) - r.Retained; w.ExtraRetained > atRisk {
			w.ExtraRetained, w.Capped = max(atRisk, 0), true
		}
		if r.ValuePerRetained != nil {
			w.GainedCLV = w.ExtraRetained * *r.ValuePerRetained
		}
	}
	w.Customers = w.ExtraRetained - w.LostNewCustomers
	w.CLV = w.GainedCLV - w.LostCLV
	r.WhatIf = w
}

// Assumptions are the what-if's assumptions in words, money through money.
func (r *AcquisitionRetention) Assumptions(money func(fresco.Money) string) []string {
	w := r.WhatIf
	var out []string
	switch {
	case w.CAC == nil:
		out = append(out, "The period's acquisition spend brought no new customer, so moving some of it is assumed to lose none (type a cost per new customer to assume otherwise).")
	case w.CACTyped:
		out = append(out, fmt.Sprintf("Each new customer given up would have cost %s (typed).", money(*w.CAC)))
	default:
		out = append(out, fmt.Sprintf("Acquisition money buys new customers at the period's cost per new customer, %s, however much is spent (in truth the last money spent usually buys fewer).", money(*w.CAC)))
	}
	if r.NewCLVMean != nil {
		out = append(out, fmt.Sprintf("Each new customer given up would have been worth the period's new customers' mean predicted lifetime value, %s.", money(fresco.Money(math.Round(*r.NewCLVMean)))))
	} else {
		out = append(out, "The period's new customers have no predicted value yet (no refit since they came), so the new customers given up are counted at no value.")
	}
	switch w.LiftSource {
	case LiftFromOwner:
		out = append(out, fmt.Sprintf("Each 1.00 of retention spend per customer raises their probability of staying by %s percentage points (typed).", fmtLift(w.Lift)))
	case LiftFromHistory:
		out = append(out, fmt.Sprintf("Each 1.00 of retention spend per customer raises their probability of staying by %s percentage points: the slope of the 90-day repurchase rate on retention spend over %d months of this business's history, used as a stand-in for the probability of being alive.", fmtLift(w.Lift), w.History.Months))
	default:
		out = append(out, fmt.Sprintf("This business's history (%d months) does not show retention spend raising repurchase, so no customer is assumed kept by it; type a lift to try one.", w.History.Months))
	}
	if r.ValuePerRetained != nil {
		out = append(out, fmt.Sprintf("Each customer kept is worth what a customer expected to stay is predicted to be worth today, %s (their predicted lifetime value ÷ their probability of being alive, over the customers there before the period).", money(fresco.Money(math.Round(*r.ValuePerRetained)))))
	}
	if w.Capped {
		out = append(out, "No more customers can be kept than are expected to leave: the estimate stops there.")
	}
	out = append(out, "Both sides are estimates from the last refit's models, not forecasts of what will happen.")
	return out
}

func fmtLift(x float64) string { return fmt.Sprintf("%.4g", x) }
