package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// BGNBD is the beta-geometric/NBD model (Fader, Hardie & Lee 2005): while
// active a customer buys at Poisson rate λ ~ Gamma(r, α), and after each
// repeat purchase drops out with probability p ~ Beta(a, b).
type BGNBD struct {
	R, Alpha, A, B float64
	Fit            Fit
}

func (m *BGNBD) Name() string { return "bgnbd" }
func (m *BGNBD) Result() Fit  { return m.Fit }

// FitBGNBD fits BG/NBD by maximum likelihood.
func FitBGNBD(summaries []Summary) (*BGNBD, error) {
	d, err := compressRFM(eachSummary(summaries))
	if err != nil {
		return nil, err
	}
	return fitBGNBD(d)
}

func fitBGNBD(d *rfmData) (*BGNBD, error) {
	if err := checkRepeaters(d); err != nil {
		return nil, err
	}
	p := problem{
		names:   []string{"r", "alpha", "a", "b"},
		weight:  d.total,
		tuples:  d.tuples(),
		ll:      func(th, g []float64) float64 { return bgnbdLogLik(d, th, g) },
		hasGrad: true,
		hess:    func(th, g []float64, h [][]float64) float64 { return bgnbdLogLikHess(d, th, g, h) },
	}
	theta, fit, err := maximiseWarm(p, d, []float64{1, meanT(d), 1, 1}, func(sub *rfmData) problem {
		q := p
		q.weight, q.tuples = sub.total, sub.tuples()
		q.ll = func(th, g []float64) float64 { return bgnbdLogLik(sub, th, g) }
		q.hess = func(th, g []float64, h [][]float64) float64 { return bgnbdLogLikHess(sub, th, g, h) }
		q.subGradTol = 1e-6
		return q
	})
	if err != nil {
		return nil, err
	}
	return &BGNBD{R: theta[0], Alpha: theta[1], A: theta[2], B: theta[3], Fit: fit}, nil
}

// bgnbdLogLik is the total BG/NBD log-likelihood and, if grad != nil, its
// gradient in (r, α, a, b). Per customer
//
//	LL = log Γ(r+x)/Γ(r) + r log α + log B(a, b+x)/B(a, b)
//	     + log[ (α+T)^-(r+x) + 1{x>0} a/(b+x-1) (α+t_x)^-(r+x) ]
//
// with the last term as a log-sum-exp.
func bgnbdLogLik(d *rfmData, th, grad []float64) float64 {
	r, alpha, a, b := th[0], th[1], th[2], th[3]
	if !(r > 0 && alpha > 0 && a > 0 && b > 0) {
		return math.Inf(-1)
	}
	tabs := newTimeTables(d.times, alpha)
	// Terms that depend on x only.
	nx := len(d.weightByX)
	cx := make([]float64, nx)
	la4 := make([]float64, nx)
	var total, gr, gAlpha, ga, gb float64
	logAlpha := math.Log(alpha)
	psiR, psiAB, psiB := digamma(r), digamma(a+b), digamma(b)
	lgR, lgAB, lgB := lgamma(r), lgamma(a+b), lgamma(b)
	for x, w := range d.weightByX {
		if w == 0 {
			continue
		}
		xf := float64(x)
		cx[x] = lgamma(r+xf) - lgR + r*logAlpha + lgAB + lgamma(b+xf) - lgB - lgamma(a+b+xf)
		total += w * cx[x]
		if x > 0 {
			la4[x] = math.Log(a) - math.Log(b+xf-1)
		}
		if grad != nil {
			psiABX := digamma(a + b + xf)
			gr += w * (digamma(r+xf) - psiR + logAlpha)
			gAlpha += w * r / alpha
			ga += w * (psiAB - psiABX)
			gb += w * (psiAB + digamma(b+xf) - psiB - psiABX)
		}
	}
	for i, ti := range d.zeroT {
		w := d.zeroW[i]
		total -= w * r * tabs.log[ti]
		if grad != nil {
			gr -= w * tabs.log[ti]
			gAlpha -= w * r * tabs.inv[ti]
		}
	}
	sums := parallelSums(len(d.x), 5, func(lo, hi int, acc []float64) {
		var ll, dr, dAlpha, da, db float64
		for i := lo; i < hi; i++ {
			x := d.x[i]
			w := d.w[i]
			rx := r + float64(x)
			lT, lt := tabs.log[d.tT[i]], tabs.log[d.tx[i]]
			a3 := -rx * lT
			a4 := la4[x] - rx*lt
			// log(e^a3 + e^a4) and the weight of the a4 branch.
			diff := a4 - a3
			e := math.Exp(-math.Abs(diff))
			var w4 float64
			// log(1+e) rather than Log1p: e is in (0, 1], where the two
			// differ by < 1e-16 absolute, and math.Log is several times faster.
			if diff >= 0 {
				ll += w * (a4 + math.Log(1+e))
				w4 = 1 / (1 + e)
			} else {
				ll += w * (a3 + math.Log(1+e))
				w4 = e / (1 + e)
			}
			if grad == nil {
				continue
			}
			w3 := 1 - w4
			dr -= w * (w3*lT + w4*lt)
			dAlpha -= w * rx * (w3*tabs.inv[d.tT[i]] + w4*tabs.inv[d.tx[i]])
			da += w * w4 / a
			db -= w * w4 / (b + float64(x) - 1)
		}
		acc[0] += ll
		acc[1] += dr
		acc[2] += dAlpha
		acc[3] += da
		acc[4] += db
	})
	total += sums[0]
	if grad != nil {
		grad[0] = gr + sums[1]
		grad[1] = gAlpha + sums[2]
		grad[2] = ga + sums[3]
		grad[3] = gb + sums[4]
	}
	return total
}

func digamma(x float64) float64 { return mathext.Digamma(x) }

// timeTables holds log(α+t) and 1/(α+t) for each distinct time value.
type timeTables struct{ log, inv []float64 }

func newTimeTables(times []float64, alpha float64) timeTables {
	t := timeTables{log: make([]float64, len(times)), inv: make([]float64, len(times))}
	for i, v := range times {
		t.log[i] = math.Log(alpha + v)
		t.inv[i] = 1 / (alpha + v)
	}
	return t
}

// ProbAlive for BG/NBD: 1 for x = 0, else
// 1 / (1 + a/(b+x-1) · ((α+T)/(α+t_x))^(r+x)), evaluated as a logistic.
func (m *BGNBD) ProbAlive(s Summary) float64 {
	if s.Frequency == 0 {
		return 1
	}
	x := float64(s.Frequency)
	logOdds := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+s.T)-math.Log(m.Alpha+s.Recency))
	return sigmoid(-logOdds)
}

func (m *BGNBD) ExpectedPurchases(s Summary, t float64) float64 {
	return m.ProbAlive(s) * m.expectedIfAlive(s.Frequency, s.T, t)
}

func (m *BGNBD) ExpectedPurchasesNew(t float64) float64 {
	return m.expectedIfAlive(0, 0, t)
}

// expectedIfAlive is Fader, Hardie & Lee's eq. (10) without the P(alive)
// factor:
//
//	(a+b+x-1)/(a-1) · [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)]
//
// with z = t/(α+T+t). Euler's transformation turns the 2F1, whose terms grow
// like x^n for heavy buyers, into (1-z)^(a-1-r-x) 2F1(a+b-1-r, a-1; a+b+x-1; z),
// whose series has small parameters and converges fast; the powers of (1-z)
// cancel to (1-z)^(a-1), and the 1/(a-1) is taken inside (expm1Ratio,
// hypTail) so a = 1 is not a special case.
func (m *BGNBD) expectedIfAlive(x int, T, t float64) float64 {
	return betaGeoExpected(m.Alpha, m.A, m.A+m.B-1-m.R, m.A+m.B+float64(x)-1, T, t)
}

// betaGeoExpected is c·[1 - (1-z)^(a-1) 2F1(p, a-1; c; z)]/(a-1), z = t/(α+T+t),
// the shared shape of the BG/NBD and MBG/NBD conditional expectations.
//
// For a < 2 the tail series of hypTail has terms below z^n and the 1/(a-1)
// is best kept inside it. For larger a its terms grow like (a z)^n/n! while
// (1-z)^(a-1) shrinks like e^(-a z): fits that run to a in the hundreds of
// thousands (a dropout probability that barely varies) overflow the one and
// underflow the other, giving NaN. There the bracket is computed from its
// logarithm instead (betaGeoBracketLargeA), where both growths cancel exactly.
func betaGeoExpected(alpha, a, p, c, T, t float64) float64 {
	if t <= 0 {
		return 0
	}
	eps := a - 1
	log1mz := -math.Log1p(t / (alpha + T))
	z := -math.Expm1(log1mz)
	v := betaGeoBracketSmallA
	if eps >= 1 {
		v = betaGeoBracketLargeA
	}
	return max(c*v(p, eps, c, z, log1mz), 0)
}

// betaGeoBracketSmallA is [1 - (1-z)^eps 2F1(p, eps; c; z)]/eps with the
// 1/eps taken inside, exact as eps → 0.
func betaGeoBracketSmallA(p, eps, c, z, log1mz float64) float64 {
	return expm1Ratio(eps, log1mz) - math.Exp(eps*log1mz)*hypTail(p, eps, c, z)
}

// betaGeoBracketLargeA is the same bracket for eps >= 1, with
// (1-z)^eps 2F1(p, eps; c; z) kept as a logarithm, summed by logHypSeries
// so that no term overflows. Euler's transformation gives the same value as
// (1-z)^(c-p) 2F1(c-p, c-eps; c; z), where in the models c-p = r+x and
// c-eps = b+x (BG/NBD) or b+x+1 (MBG/NBD), all positive. The series whose
// terms stop growing sooner is summed: the first for heavy buyers, the
// second when a is huge.
func betaGeoBracketLargeA(p, eps, c, z, log1mz float64) float64 {
	var logBracket float64
	if p > 0 && p*eps < (c-p)*(c-eps) {
		logBracket = eps*log1mz + logHypSeries(p, eps, c, z)
	} else {
		logBracket = (c-p)*log1mz + logHypSeries(c-p, c-eps, c, z)
	}
	return -math.Expm1(logBracket) / eps
}

// ProbPurchases is P(X(t) = k) (Fader, Hardie & Lee eq. 8), with the
// negative-binomial tail as an incomplete beta function.
func (m *BGNBD) ProbPurchases(t float64, k int) float64 {
	if p, done := trivialCount(t, k); done {
		return p
	}
	kf := float64(k)
	logP0 := math.Log(m.Alpha) - math.Log(m.Alpha+t)
	log1mP0 := math.Log(t) - math.Log(m.Alpha+t)
	lbAB := lbeta(m.A, m.B)
	p := math.Exp(lbeta(m.A, m.B+kf) - lbAB + logNegBinom(k, m.R, logP0, log1mP0))
	if k > 0 {
		p += math.Exp(lbeta(m.A+1, m.B+kf-1)-lbAB) * negBinomTail(k, m.R, m.Alpha/(m.Alpha+t))
	}
	return clampProb(p)
}

func regIncBeta(a, b, x float64) float64 { return mathext.RegIncBeta(a, b, x) }

func meanT(d *rfmData) float64 {
	s, w := 0.0, 0.0
	for i, ti := range d.zeroT {
		s += d.zeroW[i] * d.times[ti]
		w += d.zeroW[i]
	}
	for i, ti := range d.tT {
		s += d.w[i] * d.times[ti]
		w += d.w[i]
	}
	if w == 0 || s <= 0 {
		return 1
	}
	return s / w
}
