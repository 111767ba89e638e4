package clv

import (
	"fmt"
	"math"
)

// PredictOptions sets the horizon and discounting of PredictAll. Both are in
// the model's time unit (the Options.Unit the summaries were built with).
type PredictOptions struct {
	// Horizon is the number of whole time units ahead, e.g. 52 weeks.
	Horizon int
	// DiscountRate is the discount rate per time unit, e.g. 0.0018 per week
	// (about 10% a year). 0 means no discounting.
	DiscountRate float64
}

func (o PredictOptions) validate() error {
	if o.Horizon < 0 || o.Horizon > 100_000 {
		return fmt.Errorf("clv: horizon %d out of range (0..100000 time units)", o.Horizon)
	}
	if !(o.DiscountRate >= 0) || math.IsInf(o.DiscountRate, 0) {
		return fmt.Errorf("clv: discount rate %v must be a non-negative number", o.DiscountRate)
	}
	return nil
}

// Prediction is one customer's forecast.
type Prediction struct {
	ProbAlive         float64 // P(active at T)
	ExpectedPurchases float64 // E[purchases in (T, T+Horizon]]
	ExpectedSpend     float64 // E[mean spend per purchase], Gamma-Gamma
	CLV               float64 // discounted value of the purchases in the horizon
}

// DiscountedPurchases is the expected number of purchases in the next
// Horizon time units, each discounted to the end of the calibration period:
//
//	DP = Σ_{k=1..H} (E[Y(k)] - E[Y(k-1)]) / (1+d)^k
//
// where E[Y(k)] is the conditional expected number of purchases in (T, T+k]
// and d the discount rate per unit. Purchases made during unit period k are
// discounted as if they all happened at its end: the same discrete scheme as
// lifetimes' customer_lifetime_value, with the period set by the time unit.
// The CLV of PredictAll is DP × the Gamma-Gamma expected spend, which treats
// spend as independent of the purchase process, as Gamma-Gamma assumes.
func DiscountedPurchases(m PurchaseModel, s Summary, opts PredictOptions) float64 {
	return m.ProbAlive(s) * discountedIfAlive(m, s.Frequency, s.T, opts)
}

// CLV is DiscountedPurchases × spend.ExpectedSpend(s).
func CLV(m PurchaseModel, spend *GammaGamma, s Summary, opts PredictOptions) float64 {
	return DiscountedPurchases(m, s, opts) * spend.ExpectedSpend(s)
}

// discountedIfAlive is DiscountedPurchases without the P(alive) factor.
func discountedIfAlive(m PurchaseModel, x int, T float64, opts PredictOptions) float64 {
	sum, prev, disc := 0.0, 0.0, 1.0
	factor := 1 / (1 + opts.DiscountRate)
	for k := 1; k <= opts.Horizon; k++ {
		cur := m.expectedIfAlive(x, T, float64(k))
		disc *= factor
		sum += (cur - prev) * disc
		prev = cur
	}
	return sum
}

// PredictAll forecasts every customer on all cores. spend may be nil, in
// which case ExpectedSpend and CLV are 0. The expensive part of each forecast
// depends on (x, T) only, which customers share in bulk, so it is computed
// once per distinct pair.
func PredictAll(m PurchaseModel, spend *GammaGamma, summaries []Summary, opts PredictOptions) ([]Prediction, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	out := make([]Prediction, len(summaries))
	parallelFor(len(summaries), func(lo, hi int) {
		p := newPredictor(m, spend, opts)
		for i := lo; i < hi; i++ {
			out[i] = p.predict(&summaries[i])
		}
	})
	return out, nil
}

// Predictor forecasts customers one at a time, as PredictAll does each of
// them, for a caller that streams its customers instead of holding every
// summary and forecast at once. One goroutine only. It is fastest when
// customers with the same T come together.
type Predictor struct{ p *predictor }

// NewPredictor is a Predictor for m and spend (which may be nil, as for
// PredictAll).
func NewPredictor(m PurchaseModel, spend *GammaGamma, opts PredictOptions) (*Predictor, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	return &Predictor{newPredictor(m, spend, opts)}, nil
}

// Predict is the forecast of s: PredictAll's, bit for bit.
func (p *Predictor) Predict(s *Summary) Prediction { return p.p.predict(s) }

type curveKey struct {
	x int
	T float64
}

type curve struct{ horizon, discounted float64 }

// predictor caches the (x, T) curves for one goroutine. Summaries come in
// runs with the same T (customers acquired on the same day), so the curves of
// the current T are kept in a slice by x in front of the map, and for BG/NBD
// the logarithms that depend on T or x only are reused as well.
type predictor struct {
	m      PurchaseModel
	spend  *GammaGamma
	opts   PredictOptions
	curves map[curveKey]curve

	haveT bool
	lastT float64
	byX   []curve // curves at lastT by x; ok marks the filled ones
	ok    []bool

	bg    *BGNBD
	logA  float64   // log a
	logT  float64   // log(α + lastT)
	logBx []float64 // log(b + x - 1) by x, NaN until computed
}

func newPredictor(m PurchaseModel, spend *GammaGamma, opts PredictOptions) *predictor {
	p := &predictor{m: m, spend: spend, opts: opts, curves: make(map[curveKey]curve)}
	if bg, ok := m.(*BGNBD); ok {
		p.bg, p.logA = bg, math.Log(bg.A)
	}
	return p
}

func (p *predictor) curve(x int, T float64) curve {
	if !p.haveT || T != p.lastT {
		p.haveT, p.lastT = true, T
		clear(p.ok)
		if p.bg != nil {
			p.logT = math.Log(p.bg.Alpha + T)
		}
	}
	if x < len(p.ok) && p.ok[x] {
		return p.byX[x]
	}
	k := curveKey{x, T}
	c, ok := p.curves[k]
	if !ok {
		c.horizon = p.m.expectedIfAlive(x, T, float64(p.opts.Horizon))
		c.discounted = discountedIfAlive(p.m, x, T, p.opts)
		p.curves[k] = c
	}
	if x < 1<<16 {
		for x >= len(p.ok) {
			p.ok = append(p.ok, false)
			p.byX = append(p.byX, curve{})
		}
		p.byX[x], p.ok[x] = c, true
	}
	return c
}

// probAlive is m.ProbAlive(*s), computed for BG/NBD from cached logarithms
// (bit for bit the same value).
func (p *predictor) probAlive(s *Summary) float64 {
	if p.bg == nil || s.T != p.lastT || !p.haveT {
		return p.m.ProbAlive(*s)
	}
	x := s.Frequency
	if x == 0 {
		return 1
	}
	if x >= 1<<16 {
		return p.m.ProbAlive(*s)
	}
	for x >= len(p.logBx) {
		p.logBx = append(p.logBx, math.NaN())
	}
	lb := p.logBx[x]
	if math.IsNaN(lb) {
		lb = math.Log(p.bg.B + float64(x) - 1)
		p.logBx[x] = lb
	}
	m := p.bg
	xf := float64(x)
	logOdds := p.logA - lb + (m.R+xf)*(p.logT-math.Log(m.Alpha+s.Recency))
	return sigmoid(-logOdds)
}

func (p *predictor) predict(s *Summary) Prediction {
	c := p.curve(s.Frequency, s.T)
	alive := p.probAlive(s)
	pr := Prediction{ProbAlive: alive, ExpectedPurchases: alive * c.horizon}
	if p.spend != nil {
		pr.ExpectedSpend = p.spend.ExpectedSpend(*s)
		pr.CLV = alive * c.discounted * pr.ExpectedSpend
	}
	return pr
}
