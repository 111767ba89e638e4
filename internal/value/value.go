// Package value is Fresco's server-side lifetime-value service. It reads
// per-customer aggregates from the database (the aggregation is SQL, in
// internal/store/value_inputs.go), fits the pure engine's models (internal/clv) and
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
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/clv"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Options tune the service. Zero values mean the documented defaults.
type Options struct {
	// Model is the purchase model: bgnbd (default), mbgnbd or paretonbd.
	Model string
	// HorizonWeeks is the CLV horizon (default 156: three years).
	HorizonWeeks int
	// AnnualDiscount is the yearly discount rate of CLV (default 0.10).
	// A negative value means no discounting.
	AnnualDiscount float64

	MercenaryLapseDays  int     // default 180
	MercenaryPAlive     float64 // default 0.3
	ApostleTenureDays   int     // default 365
	ApostleMinReferrals int     // default 2

	Logger *slog.Logger
	Now    func() time.Time // the clock; nil means time.Now
}

func (o Options) withDefaults() Options {
	if o.Model == "" {
		o.Model = "bgnbd"
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
}

// New returns a service over db.
func New(db *store.DB, opts Options) *Service {
	return &Service{db: db, opts: opts.withDefaults(), views: newViewCache(db.CurrentCustomerValueRefit, maxCachedViews)}
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
	Customers   int       `json:"customers"`
	Model       string    `json:"model"`
	Converged   bool      `json:"converged"`
	FitError    string    `json:"fit_error,omitempty"`
	Mercenaries int       `json:"mercenaries"`
	Apostles    int       `json:"apostles"`
	ComputedAt  time.Time `json:"computed_at"`
	// Timings in milliseconds: the SQL aggregation, the fits, the
	// predictions and the write.
	AggregateMS float64 `json:"aggregate_ms"`
	FitMS       float64 `json:"fit_ms"`
	PredictMS   float64 `json:"predict_ms"`
	WriteMS     float64 `json:"write_ms"`
	TotalMS     float64 `json:"total_ms"`
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
	start := time.Now()
	now := s.opts.Now().UTC().Truncate(time.Microsecond)
	endDay := dayNum(now)
	res := &RefitResult{Model: s.opts.Model, ComputedAt: now}

	summaries, days, err := s.Summaries(ctx, now)
	if err != nil {
		return nil, err
	}
	periods, err := s.db.CustomerPeriods(ctx, time.Time{}, time.Unix((endDay+1)*86400, 0).UTC())
	if err != nil {
		return nil, err
	}
	firsts, err := s.db.FirstPurchases(ctx)
	if err != nil {
		return nil, err
	}
	related, err := s.db.RelatedSales(ctx)
	if err != nil {
		return nil, err
	}
	links, err := s.db.ReferralLinks(ctx)
	if err != nil {
		return nil, err
	}
	res.AggregateMS = ms(time.Since(start))

	// Fit. A failed fit (too little data) still gives historical values,
	// segments and flags; the predictions stay zero.
	t0 := time.Now()
	var fits []*fresco.CLVFit
	var model clv.PurchaseModel
	var spend *clv.GammaGamma
	if len(summaries) > 0 {
		model, err = clv.FitModel(s.opts.Model, summaries)
		if err != nil {
			res.FitError = err.Error()
			model = nil
		} else {
			fits = append(fits, fitRow(s.opts.Model, model.Result(), now))
			res.Converged = model.Result().Converged
		}
		if model != nil {
			spend, err = clv.FitGammaGamma(summaries)
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
		fits = append(fits, &fresco.CLVFit{Model: s.opts.Model, Params: "{}", Detail: mustJSON(map[string]string{"error": res.FitError}),
			Customers: len(summaries), ComputedAt: now})
	}
	res.FitMS = ms(time.Since(t0))

	t0 = time.Now()
	var preds []clv.Prediction
	if model != nil {
		preds, err = clv.PredictAll(model, spend, summaries, clv.PredictOptions{Horizon: s.opts.HorizonWeeks, DiscountRate: s.weeklyDiscount()})
		if err != nil {
			return nil, err
		}
	}
	res.PredictMS = ms(time.Since(t0))

	byPeriod := make(map[int64]*store.CustomerPeriod, len(periods))
	for i := range periods {
		byPeriod[periods[i].CustomerID] = &periods[i]
	}
	values := make([]*fresco.CustomerValue, len(days))
	byID := make(map[int64]*fresco.CustomerValue, len(days))
	for i, d := range days {
		sm := summaries[i]
		v := &fresco.CustomerValue{
			CustomerID: d.CustomerID, Frequency: sm.Frequency, Recency: sm.Recency, T: sm.T,
			Monetary:      sm.MonetaryValue * 100,
			FirstPurchase: time.Unix(d.FirstDay*86400, 0).UTC(), LastPurchase: time.Unix(d.LastDay*86400, 0).UTC(),
			RelatedSalesValue: related[d.CustomerID],
			ComputedAt:        now,
		}
		if p := byPeriod[d.CustomerID]; p != nil {
			v.Purchases = p.Purchases
			v.HistoricalValue = p.Revenue
			v.HistoricalProfit = p.Profit()
			if !p.First.IsZero() {
				v.FirstPurchase, v.LastPurchase = p.First, p.Last
			}
		}
		if preds != nil {
			p := preds[i]
			v.PAlive, v.ExpectedPurchases, v.ExpectedSpend, v.CLV = finite(p.ProbAlive), finite(p.ExpectedPurchases), finite(p.ExpectedSpend)*100, finite(p.CLV)*100
		}
		values[i] = v
		byID[v.CustomerID] = v
	}

	// Referral value down the chain: the historical value of every
	// descendant in the referral forest. Referrers are always earlier
	// customers and the store refuses cycles; seen guards anyway.
	children := map[int64][]int64{}
	revenue := map[int64]fresco.Money{}
	for _, p := range periods {
		revenue[p.CustomerID] = p.Revenue
	}
	for _, l := range links {
		if l.ReferredBy != 0 {
			children[l.ReferredBy] = append(children[l.ReferredBy], l.CustomerID)
		}
	}
	for _, v := range values {
		v.Referrals = len(children[v.CustomerID])
		seen := map[int64]bool{v.CustomerID: true}
		stack := slices.Clone(children[v.CustomerID])
		for len(stack) > 0 {
			c := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if seen[c] {
				continue
			}
			seen[c] = true
			v.ReferralsTotal++
			v.ReferralValue += revenue[c]
			stack = append(stack, children[c]...)
		}
	}

	scoreRFM(values, days)
	for i, v := range values {
		v.Segment = segmentOf(v.R, v.F)
		p := byPeriod[v.CustomerID]
		fi := firsts[v.CustomerID]
		lapsed := endDay-days[i].LastDay > int64(s.opts.MercenaryLapseDays) || (preds != nil && v.PAlive < s.opts.MercenaryPAlive)
		v.Mercenary = fi != nil && fi.PromotionCode != "" && p != nil && p.Purchases > 0 && p.Discounted == p.Purchases && lapsed
		v.Apostle = endDay-days[i].FirstDay > int64(s.opts.ApostleTenureDays) && v.Referrals >= s.opts.ApostleMinReferrals
		if v.Mercenary {
			res.Mercenaries++
		}
		if v.Apostle {
			res.Apostles++
		}
	}

	t0 = time.Now()
	if err := s.db.ReplaceCustomerValues(ctx, values, fits); err != nil {
		return nil, err
	}
	res.WriteMS = ms(time.Since(t0))
	res.Customers = len(values)
	res.TotalMS = ms(time.Since(start))
	s.opts.Logger.InfoContext(ctx, "clv refit", "customers", res.Customers, "model", res.Model, "converged", res.Converged,
		"fit_error", res.FitError, "mercenaries", res.Mercenaries, "apostles", res.Apostles, "total_ms", res.TotalMS)
	return res, nil
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

// scoreRFM sets R, F and M quintile scores: R by last purchase day, F by
// purchase days, M by mean spend per purchase day. Tied customers share the
// score of the first of them in ascending order, and the next tie group gets
// at most the next score (so with 40% one-time buyers, F runs 1..4).
func scoreRFM(values []*fresco.CustomerValue, days []store.CustomerDays) {
	n := len(values)
	if n == 0 {
		return
	}
	score := func(key func(i int) float64, set func(i, s int)) {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		sort.SliceStable(idx, func(a, b int) bool { return key(idx[a]) < key(idx[b]) })
		prev := 0
		for pos := 0; pos < n; {
			end := pos
			for end < n && key(idx[end]) == key(idx[pos]) {
				end++
			}
			// A tie group spanning quintile boundaries (40% of customers
			// buying once) would leave a gap after it; the next group then
			// takes the next score, so scores run 1, 2, 3… without holes.
			sc := min(1+pos*5/n, prev+1)
			prev = sc
			for _, i := range idx[pos:end] {
				set(i, sc)
			}
			pos = end
		}
	}
	score(func(i int) float64 { return float64(days[i].LastDay) }, func(i, s int) { values[i].R = s })
	score(func(i int) float64 { return float64(days[i].Days) }, func(i, s int) { values[i].F = s })
	score(func(i int) float64 { return float64(days[i].Total) / float64(max(days[i].Days, 1)) }, func(i, s int) { values[i].M = s })
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
