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
	d, err := compressRFM(eachSummary(summaries))
	if err != nil {
		return nil, err
	}
	return fitParetoNBD(d)
}

func fitParetoNBD(d *rfmData) (*ParetoNBD, error) {
	if err := checkRepeaters(d); err != nil {
		return nil, err
	}
	mk := func(d *rfmData) problem {
		return problem{
			names:   []string{"r", "alpha", "s", "beta"},
			weight:  d.total,
			tuples:  d.tuples(),
			ll:      func(th, grad []float64) float64 { return paretoLogLik(d, th, grad) },
			hasGrad: true,
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
// combine them.
//
// When grad is non-nil it receives dL/dθ, exact by the chain rule through
// the tuples and the pairs' series (only the few x = 0 groups are
// differentiated numerically), so a gradient costs one pass over the tuples
// instead of the eight of central differences on the whole likelihood.
func paretoLogLik(d *rfmData, th, grad []float64) float64 {
	r, alpha, s, beta := th[0], th[1], th[2], th[3]
	total := paretoBaseLogLik(d, th, grad)
	total += paretoZeroLogLik(d, th, grad)
	if len(d.x) == 0 {
		return total
	}
	pp := d.paretoPairs()
	logF, dLogF := paretoPairTerms(d, pp, th, grad != nil)
	at, bt := newTimeTables(d.times, alpha), newTimeTables(d.times, beta)
	logShare := paretoLogShares(d, r, s)
	// Sums: the log-likelihood, dL/dθ through log(α+T) and log(β+T), then
	// one coefficient per x (of d log-share) and one per pair (of d log F).
	const perX = 5
	perPair := perX + len(logShare)
	k := 1
	if grad != nil {
		k = perPair + len(pp.x)
	}
	sums := parallelSums(len(d.x), k, func(lo, hi int, acc []float64) {
		for i := lo; i < hi; i++ {
			x, tT := d.x[i], d.tT[i]
			survive := -(r+float64(x))*at.log[tT] - s*bt.log[tT]
			// die = log(e^b - e^c): b, c are the (x, t_x) and (x, T)
			// terms; c <= b since F falls with t.
			b, c := logShare[x]+logF[pp.tx[i]], logShare[x]+logF[pp.tT[i]]
			ll, wa, wb, wc := logSumDiff(survive, b, c)
			w := d.w[i]
			acc[0] += w * ll
			if grad == nil {
				continue
			}
			wa, wb, wc = w*wa, w*wb, w*wc
			acc[1] -= wa * at.log[tT]
			acc[2] -= wa * (r + float64(x)) * at.inv[tT]
			acc[3] -= wa * bt.log[tT]
			acc[4] -= wa * s * bt.inv[tT]
			acc[perX+int(x)] += wb - wc
			acc[perPair+int(pp.tx[i])] += wb
			acc[perPair+int(pp.tT[i])] -= wc
		}
	})
	if grad != nil {
		for j := range 4 {
			grad[j] += sums[1+j]
		}
		for x, coef := range sums[perX:perPair] {
			grad[0] -= coef / (r + s + float64(x))
			grad[2] += coef * (1/s - 1/(r+s+float64(x)))
		}
		for p, coef := range sums[perPair:] {
			for j := range 4 {
				grad[j] += coef * dLogF[4*p+j]
			}
		}
	}
	return total + sums[0]
}

// logSumDiff is ll = log(e^a + e^b - e^c) for c <= b, and the weights
// e^a, e^b, e^c over that sum, which carry ll's derivatives. It works in
// linear space scaled by max(a, b), two exponentials and one logarithm a
// tuple, and falls back to logs if the sum underflows.
func logSumDiff(a, b, c float64) (ll, wa, wb, wc float64) {
	m := max(a, b)
	ea, eb, ec := math.Exp(a-m), math.Exp(b-m), math.Exp(c-m)
	sum := ea + eb - ec
	if sum > 1e-290 {
		return m + math.Log(sum), ea / sum, eb / sum, ec / sum
	}
	ll = logAddExp(a, logSubExp(b, c))
	return ll, math.Exp(a - ll), math.Exp(b - ll), math.Exp(c - ll)
}

// paretoBaseLogLik is the customers' common factor Γ(r+x) α^r β^s / Γ(r), in
// logs, summed over customers; grad (if non-nil) is set to its gradient.
func paretoBaseLogLik(d *rfmData, th, grad []float64) float64 {
	r, alpha, s, beta := th[0], th[1], th[2], th[3]
	base := -lgamma(r) + r*math.Log(alpha) + s*math.Log(beta)
	total, dr := 0.0, 0.0
	psiR := digamma(r)
	for x, w := range d.weightByX {
		if w > 0 {
			total += w * (base + lgamma(r+float64(x)))
			if grad != nil {
				dr += w * (digamma(r+float64(x)) - psiR)
			}
		}
	}
	if grad != nil {
		grad[0] = dr + d.total*math.Log(alpha)
		grad[1] = d.total * r / alpha
		grad[2] = d.total * math.Log(beta)
		grad[3] = d.total * s / beta
	}
	return total
}

// paretoLogShares is log s - log(r+s+x) for each x.
func paretoLogShares(d *rfmData, r, s float64) []float64 {
	logShare := make([]float64, len(d.weightByX))
	for x := range logShare {
		logShare[x] = math.Log(s) - math.Log(r+s+float64(x))
	}
	return logShare
}

// paretoZeroLogLik is the bracket of paretoLogLik, in logs, summed over the
// customers with x = 0 (one group per T, a few hundred at most); its
// gradient, by central differences, is added to grad if non-nil.
func paretoZeroLogLik(d *rfmData, th, grad []float64) float64 {
	ll := func(th []float64) float64 {
		r, alpha, s, beta := th[0], th[1], th[2], th[3]
		logShare := math.Log(s) - math.Log(r+s)
		logF0 := paretoLogF(r, alpha, s, beta, 0, 0)
		total := 0.0
		for i, ti := range d.zeroT {
			T := d.times[ti]
			survive := -r*math.Log(alpha+T) - s*math.Log(beta+T)
			die := logShare + logSubExp(logF0, paretoLogF(r, alpha, s, beta, 0, T))
			total += d.zeroW[i] * logAddExp(survive, die)
		}
		return total
	}
	if grad != nil {
		for j, g := range centralDiff(th, ll) {
			grad[j] += g
		}
	}
	return ll(th)
}

// paretoPairTerms is paretoLogF for every (x, t) pair of pp and, if
// withGrad, its derivatives in the four parameters (4 per pair).
func paretoPairTerms(d *rfmData, pp *paretoPairIndex, th []float64, withGrad bool) (logF, dLogF []float64) {
	logF = make([]float64, len(pp.x))
	if withGrad {
		dLogF = make([]float64, 4*len(pp.x))
	}
	parallelFor(len(pp.x), func(lo, hi int) {
		var g *[4]float64
		for k := lo; k < hi; k++ {
			if withGrad {
				g = (*[4]float64)(dLogF[4*k : 4*k+4])
			}
			logF[k] = paretoLogFGrad(th[0], th[1], th[2], th[3], int(pp.x[k]), d.times[pp.t[k]], g)
		}
	})
	return logF, dLogF
}

// centralDiff is the gradient of f at th by central differences, with
// steps relative to each parameter (all are positive).
func centralDiff(th []float64, f func([]float64) float64) []float64 {
	const h = 1e-5
	g := make([]float64, len(th))
	p := append([]float64(nil), th...)
	for j, v := range th {
		up, down := v*math.Exp(h), v*math.Exp(-h)
		p[j] = up
		fu := f(p)
		p[j] = down
		fd := f(p)
		p[j] = v
		g[j] = (fu - fd) / (up - down)
	}
	return g
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
	return paretoLogFGrad(r, alpha, s, beta, x, t, nil)
}

// paretoLogFGrad is paretoLogF and, if grad is non-nil, its derivatives in
// (r, α, s, β). With a = r+s+x and c = a+1, b > 1 (always so for x >= 1)
// puts 2F1 on Euler's branch of log2F1,
//
//	2F1(a, b; a+1; z) = (1-z)^(1-b) H,  H = Σ_n (a+1-b)_n/(a+1)_n z^n,
//
// whose terms fall, so H and its derivatives are summed in one pass.
func paretoLogFGrad(r, alpha, s, beta float64, x int, t float64, grad *[4]float64) float64 {
	// The formula is symmetric under (r+x, α) <-> (s, β), once "hi" is the
	// larger of α and β: write it for α >= β and swap the results back.
	a := r + s + float64(x)
	hi, lo, b := alpha, beta, s+1
	swap := alpha < beta
	if swap {
		hi, lo, b = beta, alpha, r+float64(x)
	}
	z := (hi - lo) / (hi + t)
	logHi := math.Log(hi + t)
	if b <= 1 {
		v := logHypNextC(a, b, z) - a*logHi
		if grad != nil {
			*grad = [4]float64(centralDiff([]float64{r, alpha, s, beta}, func(th []float64) float64 {
				return paretoLogF(th[0], th[1], th[2], th[3], x, t)
			}))
		}
		return v
	}
	log1mz := math.Log1p(-z)
	logH, dE, dC, dZ := eulerSeries(a+1-b, a+1, z, grad != nil)
	v := (1-b)*log1mz + logH - a*logHi
	if grad == nil {
		return v
	}
	// On the α >= β side: e = r+x, c = r+s+x+1, b = s+1, z = (α-β)/(α+t).
	dz := (b-1)/(1-z) + dZ
	dShapeHi := dE + dC - logHi // d/dr
	dShapeLo := -log1mz + dC - logHi
	dHi := dz*(lo+t)/((hi+t)*(hi+t)) - a/(hi+t)
	dLo := -dz / (hi + t)
	if swap {
		*grad = [4]float64{dShapeLo, dLo, dShapeHi, dHi}
	} else {
		*grad = [4]float64{dShapeHi, dHi, dShapeLo, dLo}
	}
	return v
}

// maxEulerTerms caps eulerSeries. Its terms fall about as z^n, so near
// z = 1 — α far from β, which an optimiser tries on a small or young
// history — the sum needs ~35/(1-z) terms: with the general cap of 2^20 a
// refit of a 150-customer demo spent 86 s in it. Where the fits converge
// (CDNOW: z < 0.1) a few dozen terms do; past the cap the likelihood is
// only a lower bound, far from any optimum.
const maxEulerTerms = 1 << 13

// eulerSeries is log H for H = Σ_n (e)_n/(c)_n z^n (e < c, 0 <= z < 1) and,
// if withGrad, d log H / de, dc and dz.
func eulerSeries(e, c, z float64, withGrad bool) (logH, dE, dC, dZ float64) {
	if z == 0 {
		return 0, 0, 0, e / c
	}
	term, sum := 1.0, 1.0
	var sumE, sumC, sumZ, invE, invC float64 // Σ t_n ∂log t_n/∂e, ... and those partial sums
	for n := 0.0; n < maxEulerTerms; n++ {
		term *= (e + n) / (c + n) * z
		sum += term
		if withGrad {
			invE += 1 / (e + n)
			invC += 1 / (c + n)
			sumE += term * invE
			sumC += term * invC
			sumZ += term * (n + 1)
		}
		if term <= seriesTol*sum {
			break
		}
	}
	return math.Log(sum), sumE / sum, -sumC / sum, sumZ / (z * sum)
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
