package clv

import "math"

// MBGNBD is the modified BG/NBD model (Batislam, Denizel & Filiztekin 2007):
// like BG/NBD, but a customer may also drop out right after the first
// purchase, so customers with no repeat purchases can be inactive.
type MBGNBD struct {
	R, Alpha, A, B float64
	Fit            Fit
}

func (m *MBGNBD) Name() string { return "mbgnbd" }
func (m *MBGNBD) Result() Fit  { return m.Fit }

// FitMBGNBD fits MBG/NBD by maximum likelihood.
func FitMBGNBD(summaries []Summary) (*MBGNBD, error) {
	d, err := compressRFM(eachSummary(summaries))
	if err != nil {
		return nil, err
	}
	return fitMBGNBD(d)
}

func fitMBGNBD(d *rfmData) (*MBGNBD, error) {
	if err := checkRepeaters(d); err != nil {
		return nil, err
	}
	mk := func(d *rfmData) problem {
		return problem{
			names:  []string{"r", "alpha", "a", "b"},
			weight: d.total,
			tuples: d.tuples(),
			ll:     func(th, _ []float64) float64 { return mbgnbdLogLik(d, th) },
		}
	}
	theta, fit, err := maximiseWarm(mk(d), d, []float64{1, meanT(d), 1, 1}, mk)
	if err != nil {
		return nil, err
	}
	return &MBGNBD{R: theta[0], Alpha: theta[1], A: theta[2], B: theta[3], Fit: fit}, nil
}

// mbgnbdLogLik is the total MBG/NBD log-likelihood. Per customer
//
//	LL = log Γ(r+x)/Γ(r) + r log α + log B(a, b+x+1)/B(a, b) - (r+x) log(α+T)
//	     + log(1 + a/(b+x) ((α+T)/(α+t_x))^(r+x))
func mbgnbdLogLik(d *rfmData, th []float64) float64 {
	r, alpha, a, b := th[0], th[1], th[2], th[3]
	logs := newTimeTables(d.times, alpha).log
	cx := make([]float64, len(d.weightByX))
	la := make([]float64, len(d.weightByX))
	total := 0.0
	base := -lgamma(r) + r*math.Log(alpha) + lgamma(a+b) - lgamma(b)
	for x, w := range d.weightByX {
		if w == 0 {
			continue
		}
		xf := float64(x)
		cx[x] = base + lgamma(r+xf) + lgamma(b+xf+1) - lgamma(a+b+xf+1)
		la[x] = math.Log(a) - math.Log(b+xf)
		total += w * cx[x]
	}
	one := func(x int32, lT, lt float64) float64 {
		rx := r + float64(x)
		return -rx*lT + log1pExp(la[x]+rx*(lT-lt))
	}
	for i, ti := range d.zeroT {
		total += d.zeroW[i] * one(0, logs[ti], math.Log(alpha))
	}
	sums := parallelSums(len(d.x), 1, func(lo, hi int, acc []float64) {
		for i := lo; i < hi; i++ {
			acc[0] += d.w[i] * one(d.x[i], logs[d.tT[i]], logs[d.tx[i]])
		}
	})
	return total + sums[0]
}

// log1pExp is log(1 + e^x) without overflow.
func log1pExp(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// ProbAlive for MBG/NBD: 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x)).
func (m *MBGNBD) ProbAlive(s Summary) float64 {
	x := float64(s.Frequency)
	logOdds := math.Log(m.A) - math.Log(m.B+x) + (m.R+x)*(math.Log(m.Alpha+s.T)-math.Log(m.Alpha+s.Recency))
	return sigmoid(-logOdds)
}

func (m *MBGNBD) ExpectedPurchases(s Summary, t float64) float64 {
	return m.ProbAlive(s) * m.expectedIfAlive(s.Frequency, s.T, t)
}

// ExpectedPurchasesNew is b/(a-1) · [1 - (α/(α+t))^r 2F1(r, b+1; a+b; t/(α+t))],
// i.e. P(alive at 0) · expectedIfAlive(0, 0, t).
func (m *MBGNBD) ExpectedPurchasesNew(t float64) float64 {
	return m.B / (m.A + m.B) * m.expectedIfAlive(0, 0, t)
}

// expectedIfAlive is (a+b+x)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x)
// 2F1(r+x, b+x+1; a+b+x; z)], transformed as for BG/NBD into
// 2F1(a+b-r, a-1; a+b+x; z).
func (m *MBGNBD) expectedIfAlive(x int, T, t float64) float64 {
	return betaGeoExpected(m.Alpha, m.A, m.A+m.B-m.R, m.A+m.B+float64(x), T, t)
}

// ProbPurchases is P(X(t) = k). Dropout is possible at time 0 and after each
// purchase, so given λ and p,
// P = (1-p)^(k+1) NB(k) + p (1-p)^k P(N >= k), averaged over p ~ Beta(a, b).
func (m *MBGNBD) ProbPurchases(t float64, k int) float64 {
	if p, done := trivialCount(t, k); done {
		return p
	}
	kf := float64(k)
	logP0 := math.Log(m.Alpha) - math.Log(m.Alpha+t)
	log1mP0 := math.Log(t) - math.Log(m.Alpha+t)
	lbAB := lbeta(m.A, m.B)
	p := math.Exp(lbeta(m.A, m.B+kf+1) - lbAB + logNegBinom(k, m.R, logP0, log1mP0))
	p += math.Exp(lbeta(m.A+1, m.B+kf)-lbAB) * negBinomTail(k, m.R, m.Alpha/(m.Alpha+t))
	return clampProb(p)
}
