package value

// The refit's model check: before the models are fitted for the forecasts,
// the purchases are split at a calibration end, the three purchase models
// are fitted on the calibration period and scored on the holdout that
// follows (internal/clv's HoldoutData and EvaluateHoldout). The owner's
// choice of model (settings' clv_model) is used as given; "auto" takes
// the model with the lowest holdout MAE. The scores are stored with the
// refit's fits, so the calibration page reads them rather than
// recomputing them.
//
// The split is counted during the refit's one pass over the purchases
// (summariseHistory): each customer's purchase days up to the calibration
// end, and the repeat purchase days of the calibration customers by day,
// in 64 buckets of customers so that a large business can be calibrated on
// a sample of whole buckets without a second pass.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/clv"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// Model choices (settings' clv_model): automatic by holdout fit, or one
// of the purchase models.
const (
	ModelAuto      = "auto"
	ModelBGNBD     = "bgnbd"
	ModelMBGNBD    = "mbgnbd"
	ModelParetoNBD = "paretonbd"
)

// PurchaseModels are the models the refit compares, in the order ties go.
var PurchaseModels = []string{ModelBGNBD, ModelMBGNBD, ModelParetoNBD}

// ModelNames are the models as people write them.
var ModelNames = map[string]string{ModelBGNBD: "BG/NBD", ModelMBGNBD: "MBG/NBD", ModelParetoNBD: "Pareto/NBD"}

// calibrationModel is the model name of the clv_fits row that holds a
// refit's calibration (its detail is the Calibration as JSON).
const calibrationModel = "calibration"

const (
	sampleBuckets              = 64
	defaultCalibrationCustomer = 100_000 // customers calibrated at most (whole buckets)
	maxHoldoutWeeks            = 52
	minHoldoutWeeks            = 4
)

// Calibration is how well each purchase model forecast the purchases of a
// holdout period it was not fitted on, and which model the refit used.
type Calibration struct {
	ComputedAt time.Time `json:"computed_at"`
	// Choice is the owner's setting (auto, bgnbd, mbgnbd or paretonbd);
	// Model the model the refit's forecasts use, and Reason why.
	Choice    string `json:"choice"`
	Model     string `json:"model"`
	Reason    string `json:"reason"`
	Criterion string `json:"criterion" doc:"What auto minimises: holdout_mae, the mean over customers of |predicted − actual| holdout purchases."`
	// Skipped says why there is no holdout check (too little history);
	// the fields below are then empty.
	Skipped        string  `json:"skipped,omitempty"`
	CalibrationEnd string  `json:"calibration_end,omitempty" doc:"Last day of the calibration period (YYYY-MM-DD)."`
	HoldoutEnd     string  `json:"holdout_end,omitempty" doc:"Last day of the holdout (the refit's day)."`
	HoldoutWeeks   float64 `json:"holdout_weeks"`
	// Customers are those scored: customers whose first purchase falls in
	// the calibration period, all of them or, past 100,000, a random sample
	// of them (the same customers every refit).
	Customers            int                `json:"customers"`
	CalibrationCustomers int                `json:"calibration_customers"`
	Sampled              bool               `json:"sampled"`
	Models               []ModelCalibration `json:"models"`
}

// ModelCalibration is one model's holdout scores.
type ModelCalibration struct {
	Model         string             `json:"model"`
	Name          string             `json:"name"`
	InUse         bool               `json:"in_use"`
	Error         string             `json:"error,omitempty" doc:"Why the model could not be fitted on the calibration period."`
	Params        map[string]float64 `json:"params,omitempty"`
	LogLikelihood float64            `json:"log_likelihood"`
	Converged     bool               `json:"converged"`
	MAE           float64            `json:"mae" doc:"Mean over customers of |predicted − actual| purchases in the holdout."`
	Predicted     float64            `json:"predicted_purchases" doc:"Holdout repeat purchases the model expected, all customers scored."`
	Actual        float64            `json:"actual_purchases"`
	Tracking      []TrackingWeek     `json:"tracking"`
	Deciles       []CalibrationBand  `json:"deciles"`
}

// TrackingWeek is one week of the tracking plot: repeat purchases of the
// scored customers, actual and expected, in the week and cumulated.
type TrackingWeek struct {
	Start        string  `json:"start" doc:"The week's first day (YYYY-MM-DD)."`
	Holdout      bool    `json:"holdout"`
	Actual       float64 `json:"actual"`
	Predicted    float64 `json:"predicted"`
	CumActual    float64 `json:"cumulative_actual"`
	CumPredicted float64 `json:"cumulative_predicted"`
}

// CalibrationBand is a tenth of the scored customers by predicted holdout
// purchases (1: the lowest), with their mean predicted and actual purchases.
type CalibrationBand struct {
	Decile    int     `json:"decile"`
	Customers int     `json:"customers"`
	Predicted float64 `json:"predicted"`
	Actual    float64 `json:"actual"`
}

// holdoutPlan is where the split lies, fixed before the read: day numbers,
// both ends inclusive. A plan with skip set has no split.
type holdoutPlan struct {
	calEnd, holdEnd int32
	skip            string
}

// planHoldout puts the holdout at the end of the history: the weeks the
// owner set (Options.HoldoutWeeks), else half the history from the first
// purchase to the refit's day, in whole weeks, at most 52. CDNOW's 78
// weeks split 39 + 39, as the published analyses do.
func (s *Service) planHoldout(first time.Time, found bool, endDay int64) holdoutPlan {
	if !found {
		return holdoutPlan{skip: "there are no purchases yet"}
	}
	spanDays := endDay - dayNum(first)
	weeks := s.opts.HoldoutWeeks
	if weeks <= 0 {
		weeks = min(maxHoldoutWeeks, int(math.Round(float64(spanDays)/14)))
	}
	if spanDays < 2*minHoldoutWeeks*7 || weeks < minHoldoutWeeks || int64(weeks)*7 >= spanDays {
		return holdoutPlan{skip: fmt.Sprintf("the purchases cover %d days; a holdout check needs at least %d weeks (half to fit the models, half to check them)",
			spanDays, 2*minHoldoutWeeks)}
	}
	return holdoutPlan{calEnd: int32(endDay) - int32(weeks)*7, holdEnd: int32(endDay)}
}

// holdoutCounts are one read part's repeat purchase days of calibration
// customers, by bucket and by days before the holdout end.
type holdoutCounts struct {
	plan    *holdoutPlan
	repeats [sampleBuckets][]int32
}

// sampleBucket spreads customer ids evenly over the buckets (Fibonacci
// hashing): a bucket is a random 1/64 of the customers, the same ones
// every refit.
func sampleBucket(id int64) int { return int(uint64(id) * 0x9E3779B97F4A7C15 >> 58) }

// purchaseDay records a customer's purchase day for the split (first: the
// customer's first). Customers first buying in the holdout are not
// calibration customers.
func (h *holdoutCounts) purchaseDay(c *customerInputs, day int32, first bool) {
	if h == nil || c.firstDay > h.plan.calEnd {
		return
	}
	if day <= h.plan.calEnd {
		c.calDays++
		c.calLastDay = day
	}
	if !first {
		r := &h.repeats[sampleBucket(c.id)]
		off := int(h.plan.holdEnd - day)
		if off >= len(*r) {
			*r = append(*r, make([]int32, off+1-len(*r))...)
		}
		(*r)[off]++
	}
}

// merge adds o's counts to h's.
func (h *holdoutCounts) merge(o *holdoutCounts) {
	for b := range o.repeats {
		r := &h.repeats[b]
		if len(o.repeats[b]) > len(*r) {
			*r = append(*r, make([]int32, len(o.repeats[b])-len(*r))...)
		}
		for off, n := range o.repeats[b] {
			(*r)[off] += n
		}
	}
}

// holdoutData builds the split from the inputs and counts: every
// calibration customer, or whole buckets of them when there are more than
// the sample's size.
func (s *Service) holdoutData(inputs *inputList, counts *holdoutCounts, cal *Calibration) (*clv.HoldoutData, error) {
	plan := counts.plan
	for _, c := range inputs.all() {
		if c.firstDay <= plan.calEnd {
			cal.CalibrationCustomers++
		}
	}
	buckets := sampleBuckets
	if limit := s.opts.CalibrationSample; cal.CalibrationCustomers > limit {
		buckets = max(1, int(math.Ceil(float64(sampleBuckets)*float64(limit)/float64(cal.CalibrationCustomers))))
		cal.Sampled = buckets < sampleBuckets
	}
	b, err := clv.NewHoldoutBuilder(clv.Week, plan.calEnd, plan.holdEnd)
	if err != nil {
		return nil, err
	}
	for _, c := range inputs.all() {
		if c.firstDay > plan.calEnd || sampleBucket(c.id) >= buckets {
			continue
		}
		sm := clv.Summary{Frequency: int(c.calDays) - 1, Recency: float64(c.calLastDay-c.firstDay) / 7, T: float64(plan.calEnd-c.firstDay) / 7}
		b.AddCustomer(sm, int(c.days-c.calDays), c.firstDay)
	}
	for k := range buckets {
		for off, n := range counts.repeats[k] {
			if n > 0 {
				b.AddRepeats(plan.holdEnd-int32(off), float64(n))
			}
		}
	}
	return b.Data()
}

// calibrate fits and scores the three models on the split. It fails only
// when there is nothing to score; a model that cannot be fitted is
// recorded with its error.
func (s *Service) calibrate(inputs *inputList, counts *holdoutCounts, cal *Calibration) {
	if counts == nil {
		return
	}
	h, err := s.holdoutData(inputs, counts, cal)
	if err != nil {
		cal.Skipped = "no customer bought before the calibration end"
		return
	}
	cal.CalibrationEnd = h.CalibrationEnd().Format(time.DateOnly)
	cal.HoldoutEnd = h.HoldoutEnd().Format(time.DateOnly)
	cal.HoldoutWeeks = h.Duration
	cal.Customers = len(h.Customers)
	summaries := h.Summaries()
	for _, name := range PurchaseModels {
		mc := ModelCalibration{Model: name, Name: ModelNames[name]}
		m, err := clv.FitModel(name, summaries)
		if err != nil {
			mc.Error = err.Error()
			cal.Models = append(cal.Models, mc)
			continue
		}
		f := m.Result()
		mc.Params, mc.LogLikelihood, mc.Converged = map[string]float64{}, finite(f.LogLikelihood), f.Converged
		for _, p := range f.Params {
			mc.Params[p.Name] = finite(p.Value)
		}
		ev := clv.EvaluateHoldout(m, h)
		mc.MAE, mc.Predicted, mc.Actual = finite(ev.MAE), finite(ev.PredictedTotal), ev.ActualTotal
		mc.Tracking = trackingWeeks(ev.Tracking)
		for k, d := range ev.Deciles {
			mc.Deciles = append(mc.Deciles, CalibrationBand{Decile: k + 1, Customers: d.Customers, Predicted: finite(d.Predicted), Actual: d.Actual})
		}
		cal.Models = append(cal.Models, mc)
	}
}

func trackingWeeks(points []clv.TrackingPoint) []TrackingWeek {
	out := make([]TrackingWeek, len(points))
	var ca, cp float64
	for i, p := range points {
		ca += p.Actual
		cp += finite(p.Predicted)
		out[i] = TrackingWeek{Start: p.Start.Format(time.DateOnly), Holdout: p.Holdout, Actual: p.Actual, Predicted: finite(p.Predicted),
			CumActual: ca, CumPredicted: cp}
	}
	return out
}

// best is the scored model with the lowest holdout MAE ("" when none was
// scored); ties go to the earlier in PurchaseModels.
func (c *Calibration) best() string {
	best, mae := "", math.Inf(1)
	for _, m := range c.Models {
		if m.Error == "" && m.Tracking != nil && m.MAE < mae {
			best, mae = m.Model, m.MAE
		}
	}
	return best
}

// chooseModel settles the refit's model from the owner's choice and the
// calibration, and says why in words.
func (c *Calibration) chooseModel() {
	switch best := c.best(); {
	case c.Choice != ModelAuto:
		c.Model, c.Reason = c.Choice, "chosen by the owner in the settings"
	case best != "":
		c.Model = best
		c.Reason = fmt.Sprintf("automatic: the lowest holdout error (MAE %.3f purchases a customer)", c.model(best).MAE)
	default:
		c.Model = ModelBGNBD
		why := c.Skipped
		if why == "" {
			why = "no model could be fitted on the calibration period"
		}
		c.Reason = "automatic, but there is no holdout check (" + why + "): BG/NBD, the default"
	}
	for i := range c.Models {
		c.Models[i].InUse = c.Models[i].Model == c.Model
	}
}

func (c *Calibration) model(name string) *ModelCalibration {
	for i := range c.Models {
		if c.Models[i].Model == name {
			return &c.Models[i]
		}
	}
	return nil
}

// fitRow is the calibration as the clv_fits row stored with the refit.
func (c *Calibration) fitRow() *fresco.CLVFit {
	return &fresco.CLVFit{Model: calibrationModel, Params: "{}", Customers: c.Customers, Converged: c.Skipped == "",
		Detail: mustJSON(c), ComputedAt: c.ComputedAt}
}

// modelChoice is the owner's choice, or auto when it cannot be read or is
// not one of the choices (the settings validate it; a bad one is logged).
func (s *Service) modelChoice(ctx context.Context) string {
	choice := s.opts.Model
	if s.opts.ModelChoice != nil {
		choice = s.opts.ModelChoice(ctx)
	}
	if choice == "" {
		return ModelAuto
	}
	if choice != ModelAuto && !slices.Contains(PurchaseModels, choice) {
		s.opts.Logger.WarnContext(ctx, "clv refit: unknown model choice, using auto", "choice", choice)
		return ModelAuto
	}
	return choice
}

// Calibration returns the holdout check of the last refit: ENOTFOUND
// before the first refit, and a Calibration with only Skipped set for a
// refit written before calibrations were stored.
func (s *Service) Calibration(ctx context.Context) (*Calibration, error) {
	rows, err := s.db.Reports().LatestCLVFits(ctx)
	if err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "no lifetime-value refit yet: the models are checked at the first refit (nightly, or POST /api/v1/clv/refit)")
	}
	for _, f := range slices.Backward(rows) { // the latest, should two refits share an instant
		if f.Model == calibrationModel {
			var c Calibration
			if err := json.Unmarshal([]byte(f.Detail), &c); err != nil {
				return nil, fmt.Errorf("value: stored calibration: %w", err)
			}
			return &c, nil
		}
	}
	return &Calibration{ComputedAt: rows[0].ComputedAt, Models: []ModelCalibration{},
		Skipped: "the last refit predates holdout checks; the next refit adds one"}, nil
}
