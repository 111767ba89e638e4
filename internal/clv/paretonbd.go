package clv

import "math"

// ParetoNBD is the Pareto/NBD model (Schmittlein, Morrison & Colombo 1987):
// while active a customer buys at Poisson rate λ ~ Gamma(r, α) and stays
// active for an exponential lifetime with rate μ ~ Gamma(s, β).
type ParetoNBD struct {
	R, Alpha, S, Beta float64
	Fit               Fit
}

func (m *ParetoNBD) Name() string { return "paretonbd" }
func (m *ParetoNBD) Result() Fit  { return m.Fit }

// FitParetoNBD fits Pareto/NBD by maximum likelihood. The likelihood is
// nearly flat in β on data like CDNOW, so β is the least precise parameter.
func FitParetoNBD(summaries []Summary) (*ParetoNBD, error) {
	d, err := compressRFM(summaries)
	if err != nil {
		return nil, err
	}
	if err := checkRepeaters(d); err != nil {
		return nil, err
	}
	mk := func(d *rfmData) problem {
		return problem{
			names:  []string{"r", "alpha", "s", "beta"},
			weight: d.total,
			tuples: d.tuples(),
			ll:     func(th, _ []float64) float64 { return paretoLogLik(d, th) },
		}
	}
	mt := meanT(d)
	theta, fit, err := maximiseWarm(mk(d), d, []float64{1, mt, 1, mt}, mk)
	if err != nil {
		return nil, err
	}
	return &ParetoNBD{R: theta[0], Alpha: theta[1], S: theta[2], Beta: theta[3], Fit: fit}, nil
}

// paretoLogLik is the total Pareto/NBD log-likelihood (Fader & Hardie, "A
// note on deriving the Pareto/NBD model and related expressions", eq. 22):
//
//	L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^-(r+x) (β+T)^-s + s/(r+s+x) A0 ]
//
// with A0 from paretoLogA0, all in logs. A0 is a difference of two
// hypergeometric terms, one of (x, t_x) and one of (x, T); customers share
// these pairs far more than whole (x, t_x, T) tuples (at 1M generated
// customers: 63k pairs against 757k tuples), so each pair's 2F1 series is
// summed once per evaluation (paretoLogF, on all cores) and the tuples only
// combine them. The values are the same, bit for bit, as paretoLogA0's.
func paretoLogLik(d *rfmData, th []float64) float64 {
	r, alpha, s, beta := th[0], th[1], th[2], th[3]
	base := -lgamma(r) + r*math.Log(alpha) + s*math.Log(beta)
	total := 0.0
	logS := math.Log(s)
	// log s - log(r+s+x) by x
	logShare := make([]float64, len(d.weightByX))
	for x, w := range d.weightByX {
		logShare[x] = logS - math.Log(r+s+float64(x))
		if w > 0 {
			total += w * (base + lgamma(r+float64(x)))
		}
	}
	for i, ti := range d.zeroT {
		T := d.times[ti]
		survive := -r*math.Log(alpha+T) - s*math.Log(beta+T)
		die := logShare[0] + paretoLogA0(r, alpha, s, beta, 0, 0, T)
		total += d.zeroW[i] * logAddExp(survive, die)
	}
	if len(d.x) == 0 {
		return total
	}
	pp := d.paretoPairs()
	logF := make([]float64, len(pp.x))
	parallelFor(len(pp.x), func(lo, hi int) {
		for k := lo; k < hi; k++ {
			logF[k] = paretoLogF(r, alpha, s, beta, int(pp.x[k]), d.times[pp.t[k]])
		}
	})
	logAlphaT, logBetaT := make([]float64, len(d.times)), make([]float64, len(d.times))
	for i, t := range d.times {
		logAlphaT[i], logBetaT[i] = math.Log(alpha+t), math.Log(beta+t)
	}
	sums := parallelSums(len(d.x), 1, func(lo, hi int, acc []float64) {
		for i := lo; i < hi; i++ {
			x := d.x[i]
			survive := -(r+float64(x))*logAlphaT[d.tT[i]] - s*logBetaT[d.tT[i]]
			die := logShare[x] + logSubExpFast(logF[pp.tx[i]], logF[pp.tT[i]])
			acc[0] += d.w[i] * logAddExpFast(survive, die)
		}
	})
	return total + sums[0]
}

// paretoPairIndex maps the repeat buyers' tuples to their distinct (x, t_x)
// and (x, T) pairs: pair k is (x[k], times[t[k]]), and tuple i uses pairs
// tx[i] and tT[i].
type paretoPairIndex struct {
	x, t   []int32
	tx, tT []int32
}

// paretoPairs builds the pair index on first use and keeps it with d.
func (d *rfmData) paretoPairs() *paretoPairIndex {
	if d.pairs != nil {
		return d.pairs
	}
	pp := &paretoPairIndex{tx: make([]int32, len(d.x)), tT: make([]int32, len(d.x))}
	idx := newU64Index(1 << 12)
	pair := func(x, ti int32) int32 {
		k, isNew := idx.lookup(uint64(x)<<32|uint64(ti), int32(len(pp.x)))
		if isNew {
			pp.x = append(pp.x, x)
			pp.t = append(pp.t, ti)
		}
		return k
	}
	for i, x := range d.x {
		pp.tx[i] = pair(x, d.tx[i])
		pp.tT[i] = pair(x, d.tT[i])
	}
	d.pairs = pp
	return pp
}

// paretoLogA0 is log A0, where (for α >= β; α < β swaps the roles and uses
// 2F1(r+s+x, r+x; ...))
//
//	A0 = 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+t_x)) / (α+t_x)^(r+s+x)
//	   - 2F1(r+s+x, s+1; r+s+x+1; (α-β)/(α+T))   / (α+T)^(r+s+x).
//
// The argument (max-min)/(max+t) is always in [0, 1), the stable branch;
// log2F1 applies Euler's transformation so heavy buyers (x in the hundreds)
// do not overflow, and the difference is taken in logs.
func paretoLogA0(r, alpha, s, beta float64, x int, tx, T float64) float64 {
	return logSubExp(paretoLogF(r, alpha, s, beta, x, tx), paretoLogF(r, alpha, s, beta, x, T))
}

// paretoLogF is the logarithm of one of A0's two terms,
// 2F1(r+s+x, b; r+s+x+1; (hi-lo)/(hi+t)) / (hi+t)^(r+s+x).
func paretoLogF(r, alpha, s, beta float64, x int, t float64) float64 {
	rsx := r + s + float64(x)
	hi, lo, b := alpha, beta, s+1
	if alpha < beta {
		hi, lo, b = beta, alpha, r+float64(x)
	}
	return log2F1(rsx, b, rsx+1, (hi-lo)/(hi+t)) - rsx*math.Log(hi+t)
}

// ProbAlive is 1 / (1 + s/(r+s+x) (α+T)^(r+x) (β+T)^s A0), as a logistic of
// its log-odds so that it stays finite for any x.
func (m *ParetoNBD) ProbAlive(s Summary) float64 {
	x := float64(s.Frequency)
	logA0 := paretoLogA0(m.R, m.Alpha, m.S, m.Beta, s.Frequency, s.Recency, s.T)
	logOdds := math.Log(m.S) - math.Log(m.R+m.S+x) + (m.R+x)*math.Log(m.Alpha+s.T) + m.S*math.Log(m.Beta+s.T) + logA0
	return sigmoid(-logOdds)
}

func (m *ParetoNBD) ExpectedPurchases(s Summary, t float64) float64 {
	return m.ProbAlive(s) * m.expectedIfAlive(s.Frequency, s.T, t)
}

// ExpectedPurchasesNew is rβ/(α(s-1)) · [1 - (β/(β+t))^(s-1)].
func (m *ParetoNBD) ExpectedPurchasesNew(t float64) float64 {
	return m.expectedIfAlive(0, 0, t)
}

// expectedIfAlive is (r+x)(β+T)/((α+T)(s-1)) · [1 - ((β+T)/(β+T+t))^(s-1)],
// with the s → 1 limit handled by expm1Ratio.
func (m *ParetoNBD) expectedIfAlive(x int, T, t float64) float64 {
	if t <= 0 {
		return 0
	}
	return (m.R + float64(x)) * (m.Beta + T) / (m.Alpha + T) * expm1Ratio(m.S-1, -math.Log1p(t/(m.Beta+T)))
}

// ProbPurchases is P(X(t) = k) (Fader & Hardie, "Deriving an expression for
// P(X(t) = x) under the Pareto/NBD model", 2006):
//
//	Γ(r+k)/(Γ(r) k!) (α/(α+t))^r (t/(α+t))^k (β/(β+t))^s
//	+ α^r β^s B(r+k, s+1)/B(r, s) · [B1 - Σ_{j=0..k} Γ(r+s+j)/(Γ(r+s) j!) t^j B2_j]
//
// with B1 and B2_j Gauss hypergeometric terms on the stable branch.
func (m *ParetoNBD) ProbPurchases(t float64, k int) float64 {
	if p, done := trivialCount(t, k); done {
		return p
	}
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	kf := float64(k)
	first := lgamma(r+kf) - lgamma(r) - lgamma(kf+1) + r*math.Log(alpha/(alpha+t)) + kf*math.Log(t/(alpha+t)) + s*math.Log(beta/(beta+t))
	hi, lo, b := alpha, beta, s+1
	if alpha < beta {
		hi, lo, b = beta, alpha, r+kf
	}
	c := r + s + kf + 1
	logB1 := log2F1(r+s, b, c, (hi-lo)/hi) - (r+s)*math.Log(hi)
	logSum := math.Inf(-1)
	for j := 0; j <= k; j++ {
		jf := float64(j)
		term := lgamma(r+s+jf) - lgamma(r+s) - lgamma(jf+1) + jf*math.Log(t) +
			log2F1(r+s+jf, b, c, (hi-lo)/(hi+t)) - (r+s+jf)*math.Log(hi+t)
		logSum = logAddExp(logSum, term)
	}
	second := r*math.Log(alpha) + s*math.Log(beta) + lbeta(r+kf, s+1) - lbeta(r, s) + logSubExp(logB1, logSum)
	return clampProb(math.Exp(first) + math.Exp(second))
}

// logAddExpFast is logAddExp with log(1+e) for Log1p: e is in (0, 1], where
// the two differ by under 1e-16 absolute, and math.Log is about twice as
// fast. For the per-tuple loop of paretoLogLik.
func logAddExpFast(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log(1+math.Exp(b-a))
}

// logSubExpFast is logSubExp with log(1-e) for Log1p(-e): where e is small
// the two differ by under 1e-16 absolute, and where e is near 1, 1-e is
// exact (Sterbenz), so only the rounding of the logarithm remains.
func logSubExpFast(a, b float64) float64 {
	if b >= a {
		return math.Inf(-1)
	}
	if math.IsInf(b, -1) {
		return a
	}
	return a + math.Log(1-math.Exp(b-a))
}
