// Package value is Fresco's server-side lifetime-value service. It reads
// per-customer aggregates from the database (the aggregation is SQL, in
// internal/store/value_inputs.go), checks the pure engine's purchase models
// on a holdout and fits the owner's or the best (calibration.go), fits the
// pure engine's models (internal/clv) and
// stores one row per customer in customer_value, from which it answers the
// lifetime-value views: the texts' calculator (an average customer against a
// loyal one), the CLV distribution, the Pareto curve of profit, RFM segments,
// mercenaries and apostles, and each customer's historical, related-sales and
// referral value. The views aggregate the whole refit; each is computed
// once per refit and kept in memory (cache.go).
//
// # Definitions
//
//   - A purchase, for the buy-till-you-die models, is a UTC day with at least
//     one purchase of positive total; refunds (negative totals) reduce value
//     but are not purchases. x = purchase days − 1; t_x and T are in weeks,
//     T up to the calibration end, which is the day of the refit.
//   - Historical value: net revenue (refunds deducted) of all the customer's
//     purchases. Historical profit: historical value − Σ quantity × unit cost.
//   - Related-sales value: net value of the lines bought after the first
//     purchase in categories the first purchase did not include.
//   - Referral value: the historical value of every customer the customer
//     referred, directly and down the chain.
//   - RFM: quintile scores 1..5 among customers with purchases — R by the last
//     purchase day (recent is 5), F by purchase days, M by mean spend per
//     purchase day; ties share a score and scores have no gaps (see
//     scoreRFM). Segments from R and F: see segmentOf.
//   - Mercenary (Options.Mercenary*): the first purchase used a promotion
//     code, every purchase was discounted (a promotion code or a line with a
//     discount), and the customer has lapsed: no purchase for
//     MercenaryLapseDays (default 180) or P(alive) < MercenaryPAlive (0.3).
//   - Apostle (Options.Apostle*): a customer for more than ApostleTenureDays
//     (default 365) who referred at least ApostleMinReferrals (2) customers.
package value

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/fresco-cx/fresco/internal/clv"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Options tune the service. Zero values mean the documented defaults.
type Options struct {
	// Model is the purchase model when ModelChoice is nil: auto (the
	// default: the lowest holdout error, calibration.go), bgnbd, mbgnbd or
	// paretonbd.
	Model string
	// ModelChoice reads the owner's choice (settings' clv_model) at each
	// refit; "" means auto.
	ModelChoice func(context.Context) string
	// HoldoutWeeks is the length of the refit's holdout check (default:
	// half the purchase history, at most 52 weeks).
	HoldoutWeeks int
	// CalibrationSample is how many customers the holdout check scores at
	// most (default 100,000): past it, a random sample of whole 1/64ths of
	// them, which keeps the three fits of a million customers' refit short.
	CalibrationSample int
	// HorizonWeeks is the CLV horizon (default 156: three years).
	HorizonWeeks int
	// AnnualDiscount is the yearly discount rate of CLV (default 0.10).
	// A negative value means no discounting.
	AnnualDiscount float64

	MercenaryLapseDays  int     // default 180
	MercenaryPAlive     float64 // default 0.3
	ApostleTenureDays   int     // default 365
	ApostleMinReferrals int     // default 2

	// ReadParts is how many ranges of customers the refit reads at once,
	// each on its own connection, all from one snapshot (default: one per
	// CPU, at most 4 — the SQLite reader pool keeps 4 connections).
	ReadParts int
	// RefitMemoryLimit, when positive, is Go's soft memory limit in bytes
	// while a refit runs (debug.SetMemoryLimit; refit_gc.go), put back
	// after it. It bounds the runtime's memory — the refit's heap, with
	// what the collector has yet to free or return — not SQLite's caches
	// nor the program's code. 0: the process's own limit (GOMEMLIMIT;
	// none by default).
	RefitMemoryLimit int64

	Logger *slog.Logger
	Now    func() time.Time // the clock; nil means time.Now
}

func (o Options) withDefaults() Options {
	if o.Model == "" {
		o.Model = ModelAuto
	}
	if o.CalibrationSample <= 0 {
		o.CalibrationSample = defaultCalibrationCustomer
	}
	if o.HorizonWeeks <= 0 {
		o.HorizonWeeks = 156
	}
	if o.AnnualDiscount == 0 {
		o.AnnualDiscount = 0.10
	}
	if o.AnnualDiscount < 0 {
		o.AnnualDiscount = 0
	}
	if o.MercenaryLapseDays <= 0 {
		o.MercenaryLapseDays = 180
	}
	if o.MercenaryPAlive <= 0 {
		o.MercenaryPAlive = 0.3
	}
	if o.ApostleTenureDays <= 0 {
		o.ApostleTenureDays = 365
	}
	if o.ApostleMinReferrals <= 0 {
		o.ApostleMinReferrals = 2
	}
	if o.ReadParts <= 0 {
		o.ReadParts = runtime.GOMAXPROCS(0)
	}
	o.ReadParts = min(o.ReadParts, maxReadParts)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Service answers the lifetime-value questions from one database.
type Service struct {
	db    *store.DB
	opts  Options
	views *viewCache // the summary, Pareto curves and segment table of the current refit

	progressEvery int                           // customers between progress reports
	liveProgress  atomic.Pointer[RefitProgress] // the refit running in this process, if any
}

// New returns a service over db. The views read db's read replica, if it
// has one, and so does the cache's refit check: a view is then never newer
// nor older than the refit it is cached under.
func New(db *store.DB, opts Options) *Service {
	currentRefit := func(ctx context.Context) (store.CustomerValueRefit, error) {
		return db.Reports().CurrentCustomerValueRefit(ctx)
	}
	return &Service{db: db, opts: opts.withDefaults(), views: newViewCache(currentRefit, maxCachedViews),
		progressEvery: defaultProgressEvery}
}

// Options returns the options in effect, defaults filled in.
func (s *Service) Options() Options { return s.opts }

// HorizonText describes the CLV horizon in words, e.g. "next 3 years,
// discounted at 10% a year".
func (s *Service) HorizonText() string {
	w := s.opts.HorizonWeeks
	h := fmt.Sprintf("next %d weeks", w)
	if w%52 == 0 {
		h = fmt.Sprintf("next %d year", w/52)
		if w/52 != 1 {
			h += "s"
		}
	}
	if s.opts.AnnualDiscount > 0 {
		h += fmt.Sprintf(", discounted at %g%% a year", math.Round(s.opts.AnnualDiscount*1000)/10)
	}
	return h
}

// weeklyDiscount converts the annual rate to the per-week rate PredictAll wants.
func (s *Service) weeklyDiscount() float64 {
	return math.Pow(1+s.opts.AnnualDiscount, 1.0/52) - 1
}

// RefitResult says what a refit did.
type RefitResult struct {
	Customers   int    `json:"customers"`
	Model       string `json:"model"`
	ModelChoice string `json:"model_choice"` // the owner's: auto, bgnbd, mbgnbd or paretonbd
	ModelReason string `json:"model_reason"`
	Converged   bool   `json:"converged"`
	FitError    string `json:"fit_error,omitempty"`
	Mercenaries int    `json:"mercenaries"`
	Apostles    int    `json:"apostles"`
	// Skipped are the customers left out because their purchases are
	// beyond the limits (see fresco doctor); everyone else is refitted.
	Skipped    Skipped   `json:"skipped"`
	ComputedAt time.Time `json:"computed_at"`
	// Timings in milliseconds: the read of the purchases, the fits, and
	// the write (with the forecasts, made as each row is written).
	AggregateMS float64 `json:"aggregate_ms"`
	FitMS       float64 `json:"fit_ms"`
	// CalibrationMS is the holdout check: the three models fitted on the
	// calibration period and scored (part of FitMS).
	CalibrationMS float64 `json:"calibration_ms"`
	WriteMS       float64 `json:"write_ms"`
	TotalMS       float64 `json:"total_ms"`
}

func ms(d time.Duration) float64 { return math.Round(float64(d.Microseconds())/10) / 100 }

// dayNum is the UTC day number of t.
func dayNum(t time.Time) int64 {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// Summaries reads the per-customer purchase days from the database (SQL
// aggregation) and turns them into the engine's summaries, with the
// calibration end at the UTC day of end. Amounts are in currency units.
func (s *Service) Summaries(ctx context.Context, end time.Time) ([]clv.Summary, []store.CustomerDays, error) {
	days, err := s.db.PurchaseDays(ctx, end)
	if err != nil {
		return nil, nil, err
	}
	endDay := dayNum(end)
	out := make([]clv.Summary, len(days))
	for i, d := range days {
		x := d.Days - 1
		sm := clv.Summary{
			CustomerID: strconv.FormatInt(d.CustomerID, 10),
			Frequency:  x,
			Recency:    float64(d.LastDay-d.FirstDay) / 7,
			T:          float64(endDay-d.FirstDay) / 7,
		}
		if x > 0 {
			sm.MonetaryValue = float64(d.RepeatValue()) / 100 / float64(x)
		}
		out[i] = sm
	}
	return out, days, nil
}

// Refit recomputes customer_value from the purchases and records the fits.
func (s *Service) Refit(ctx context.Context) (*RefitResult, error) {
	return s.refit(ctx, func(RefitProgress) {})
}

func finite(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func fitRow(model string, f clv.Fit, at time.Time) *fresco.CLVFit {
	params := map[string]float64{}
	for _, p := range f.Params {
		params[p.Name] = p.Value
	}
	detail := map[string]any{"tuples": f.Tuples, "iterations": f.Iterations, "evaluations": f.Evaluations,
		"status": f.Status, "gradient_norm": finite(f.GradientNorm), "warning": f.Warning}
	se := map[string]float64{}
	for _, p := range f.Params {
		se[p.Name] = finite(p.StdErr)
	}
	detail["std_errors"] = se
	return &fresco.CLVFit{Model: model, Params: mustJSON(params), LogLikelihood: finite(f.LogLikelihood), Customers: f.Customers,
		Converged: f.Converged, Detail: mustJSON(detail), ComputedAt: at}
}

// Segment names, in the order the segment table lists them.
const (
	SegChampions          = "champions"
	SegLoyal              = "loyal"
	SegPotentialLoyalists = "potential loyalists"
	SegNew                = "new"
	SegAtRisk             = "at risk"
	SegCantLose           = "can't lose them"
	SegHibernating        = "hibernating"
	SegLost               = "lost"
)

// Segments lists every segment name in display order.
var Segments = []string{SegChampions, SegLoyal, SegPotentialLoyalists, SegNew, SegAtRisk, SegCantLose, SegHibernating, SegLost}

// segmentOf names the RFM segment of recency score r and frequency score f:
//
//	champions            R ≥ 4, F ≥ 4   bought recently, buy often
//	loyal                R ≥ 3, F ≥ 3   (the rest of them)
//	potential loyalists  R ≥ 3, F = 2
//	new                  R ≥ 4, F = 1
//	can't lose them      R ≤ 2, F ≥ 4   were frequent, not seen lately
//	at risk              R ≤ 2, F = 3
//	hibernating          R = 3, F = 1, or R = 2, F ≤ 2
//	lost                 R = 1, F ≤ 2
func segmentOf(r, f int) string {
	switch {
	case r >= 4 && f >= 4:
		return SegChampions
	case r >= 3 && f >= 3:
		return SegLoyal
	case r >= 3 && f == 2:
		return SegPotentialLoyalists
	case r >= 4:
		return SegNew
	case f >= 4:
		return SegCantLose
	case f == 3:
		return SegAtRisk
	case r >= 2:
		return SegHibernating
	}
	return SegLost
}

// ErrNoRefit is returned by views that need a refit before there has been one.
var ErrNoRefit = errors.New("value: no lifetime-value refit yet")
