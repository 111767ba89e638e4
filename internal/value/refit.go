package value

// The refit: one streamed pass over the purchases (refit_inputs.go), the
// fits on summaries made from the inputs as the fits walk them, and the
// rows of customer_value — forecasts included — built one at a time as
// they are written. Nothing holds a record per customer but the compact
// inputs: a million customers cost about 150 MB of live heap at the peak.

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/clv"
	"github.com/fresco-cx/fresco/internal/fresco"
)

func (s *Service) refit(ctx context.Context, report func(RefitProgress)) (*RefitResult, error) {
	defer holdRefitGC(s.opts.RefitMemoryLimit)()
	start := time.Now()
	now := s.opts.Now().UTC().Truncate(time.Microsecond)
	endDay := dayNum(now)
	bound := time.Unix((endDay+1)*86400, 0).UTC()
	res := &RefitResult{ComputedAt: now}
	progress := RefitProgress{Phase: PhaseReading, StartedAt: start.UTC()}
	step := func(phase string, done int) {
		progress.Phase, progress.Done = phase, done
		report(progress)
	}

	step(PhaseReading, 0)
	read, err := s.readInputs(ctx, bound, func(done int) { step(PhaseReading, done) })
	if err != nil {
		return nil, err
	}
	inputs, unvalued, links := read.inputs, read.unvalued, read.links
	res.Skipped = *read.skipped
	progress.Total = inputs.len()
	res.AggregateMS = ms(time.Since(start))

	// The holdout check first, then the model it settles: the calibration
	// summaries are let go before the full ones are built.
	step(PhaseFitting, 0)
	t0 := time.Now()
	cal := &Calibration{ComputedAt: now, Choice: s.modelChoice(ctx), Criterion: "holdout_mae", Skipped: read.plan.skip, Models: []ModelCalibration{}}
	s.calibrate(inputs, read.holdout, cal)
	cal.chooseModel()
	res.Model, res.ModelChoice, res.ModelReason = cal.Model, cal.Choice, cal.Reason
	res.CalibrationMS = ms(time.Since(t0))

	// Fit, on each customer's summary made from their inputs as the fit
	// walks them: no array of a million summaries. A failed fit (too little
	// data) still gives historical values, segments and flags; the
	// predictions stay zero.
	summaries := func(yield func(*clv.Summary) bool) {
		var sm clv.Summary
		for _, c := range inputs.all() {
			if sm = summaryOf(c, endDay); !yield(&sm) {
				return
			}
		}
	}
	var fits []*fresco.CLVFit
	var model clv.PurchaseModel
	var spend *clv.GammaGamma
	if inputs.len() > 0 {
		model, err = clv.FitModelSeq(res.Model, summaries)
		if err != nil {
			res.FitError = err.Error()
			model = nil
		} else {
			fits = append(fits, fitRow(res.Model, model.Result(), now))
			res.Converged = model.Result().Converged
		}
		if model != nil {
			spend, err = clv.FitGammaGammaSeq(summaries)
			if err != nil {
				res.FitError = "gamma-gamma: " + err.Error()
				spend = nil
			} else {
				fits = append(fits, fitRow("gammagamma", spend.Fit, now))
				res.Converged = res.Converged && spend.Fit.Converged
			}
		}
	}
	if res.FitError != "" {
		fits = append(fits, &fresco.CLVFit{Model: res.Model, Params: "{}", Detail: mustJSON(map[string]string{"error": res.FitError}),
			Customers: inputs.len(), ComputedAt: now})
	}
	if inputs.len() > 0 {
		fits = append(fits, cal.fitRow())
	}
	res.FitMS = ms(time.Since(t0))

	var predictor *clv.Predictor
	if model != nil {
		predictor, err = clv.NewPredictor(model, spend, clv.PredictOptions{Horizon: s.opts.HorizonWeeks, DiscountRate: s.weeklyDiscount()})
		if err != nil {
			return nil, err
		}
	}

	referrals := referralValues(inputs, unvalued, links)
	rfm := scoreRFM(inputs)

	step(PhaseWriting, 0)
	t0 = time.Now()
	rows := func(yield func(*fresco.CustomerValue) bool) {
		var v fresco.CustomerValue // one row at a time: the store copies it out
		for i, c := range inputs.all() {
			sm := summaryOf(c, endDay)
			ref := referrals.of(c.id)
			v = fresco.CustomerValue{
				CustomerID: c.id, Frequency: sm.Frequency, Recency: sm.Recency, T: sm.T,
				Monetary:  sm.MonetaryValue * 100,
				Purchases: int(c.purchases), Items: c.items,
				FirstPurchase: time.Unix(0, c.first).UTC(), LastPurchase: time.Unix(0, c.last).UTC(),
				HistoricalValue: fresco.Money(c.revenue), HistoricalProfit: fresco.Money(c.revenue - c.cost),
				RelatedSalesValue: fresco.Money(c.related),
				ReferralValue:     ref.value, Referrals: ref.direct, ReferralsTotal: ref.total,
				R: int(rfm[i][0]), F: int(rfm[i][1]), M: int(rfm[i][2]),
				ComputedAt: now,
			}
			if predictor != nil { // forecast as written: no array of a million forecasts
				p := predictor.Predict(&sm)
				v.PAlive, v.ExpectedPurchases, v.ExpectedSpend, v.CLV = finite(p.ProbAlive), finite(p.ExpectedPurchases), finite(p.ExpectedSpend)*100, finite(p.CLV)*100
			}
			v.Segment = segmentOf(v.R, v.F)
			lapsed := endDay-int64(c.lastDay) > int64(s.opts.MercenaryLapseDays) || (predictor != nil && v.PAlive < s.opts.MercenaryPAlive)
			v.Mercenary = c.firstPromo && c.purchases > 0 && c.discounted == c.purchases && lapsed
			v.Apostle = endDay-int64(c.firstDay) > int64(s.opts.ApostleTenureDays) && v.Referrals >= s.opts.ApostleMinReferrals
			if v.Mercenary {
				res.Mercenaries++
			}
			if v.Apostle {
				res.Apostles++
			}
			if (i+1)%s.progressEvery == 0 {
				step(PhaseWriting, i+1)
			}
			if !yield(&v) {
				return
			}
		}
	}
	if err := s.db.ReplaceCustomerValuesSeq(ctx, rows, fits); err != nil {
		return nil, err
	}
	res.WriteMS = ms(time.Since(t0))
	res.Customers = inputs.len()
	res.TotalMS = ms(time.Since(start))
	s.opts.Logger.InfoContext(ctx, "clv refit", "customers", res.Customers, "model", res.Model, "model_choice", res.ModelChoice, "converged", res.Converged,
		"fit_error", res.FitError, "mercenaries", res.Mercenaries, "apostles", res.Apostles, "skipped", res.Skipped.Count, "total_ms", res.TotalMS)
	return res, nil
}

// summaryOf is the models' summary of a valued customer, with the
// calibration end at endDay, without the customer's id (which only the
// models' errors need). Amounts are in currency units.
func summaryOf(c *customerInputs, endDay int64) clv.Summary {
	x := int(c.days) - 1
	sm := clv.Summary{
		Frequency: x,
		Recency:   float64(c.lastDay-c.firstDay) / 7,
		T:         float64(endDay-int64(c.firstDay)) / 7,
	}
	if x > 0 {
		sm.MonetaryValue = float64(c.total-c.firstAmount) / 100 / float64(x)
	}
	return sm
}

// scoreRFM returns the R, F and M quintile scores of each customer: R by
// last purchase day, F by purchase days, M by mean spend per purchase day.
// Tied customers share the score of the first of them in ascending order,
// and the next tie group gets at most the next score (so with 40% one-time
// buyers, F runs 1..4).
func scoreRFM(inputs *inputList) [][3]uint8 {
	n := inputs.len()
	out := make([][3]uint8, n)
	if n == 0 {
		return out
	}
	idx := make([]int32, n)
	keys := make([]float64, n)
	score := func(slot int, key func(c *customerInputs) float64) {
		for i, c := range inputs.all() {
			idx[i], keys[i] = int32(i), key(c)
		}
		// By key, ties in input order: what a stable sort gives, faster.
		slices.SortFunc(idx, func(a, b int32) int { return cmp.Or(cmp.Compare(keys[a], keys[b]), cmp.Compare(a, b)) })
		prev := 0
		for pos := 0; pos < n; {
			end := pos
			k := keys[idx[pos]]
			for end < n && keys[idx[end]] == k {
				end++
			}
			// A tie group spanning quintile boundaries (40% of customers
			// buying once) would leave a gap after it; the next group then
			// takes the next score, so scores run 1, 2, 3… without holes.
			sc := min(1+pos*5/n, prev+1)
			prev = sc
			for _, i := range idx[pos:end] {
				out[i][slot] = uint8(sc)
			}
			pos = end
		}
	}
	score(0, func(c *customerInputs) float64 { return float64(c.lastDay) })
	score(1, func(c *customerInputs) float64 { return float64(c.days) })
	score(2, func(c *customerInputs) float64 { return float64(c.total) / float64(max(c.days, 1)) })
	return out
}
