package clv

import (
	"fmt"
	"math"
)

// BGBB is the beta-geometric/beta-Bernoulli model for discrete purchase
// opportunities (Fader, Hardie & Shang 2010): while active a customer buys
// at each opportunity with probability p ~ Beta(α, β) and drops out before
// each opportunity with probability θ ~ Beta(γ, δ).
type BGBB struct {
	Alpha, Beta, Gamma, Delta float64
	Fit                       Fit
}

func (m *BGBB) Name() string { return "bgbb" }

// FitBGBB fits BG/BB by maximum likelihood; identical rows are merged and
// weighted first.
func FitBGBB(data []DiscreteSummary) (*BGBB, error) {
	tuples, total, err := compressDiscrete(data)
	if err != nil {
		return nil, err
	}
	p := problem{
		names:  []string{"alpha", "beta", "gamma", "delta"},
		weight: total,
		tuples: len(tuples),
		ll: func(th, _ []float64) float64 {
			m := BGBB{Alpha: th[0], Beta: th[1], Gamma: th[2], Delta: th[3]}
			ll := 0.0
			for _, t := range tuples {
				ll += t.Weight * m.logLik(t.Frequency, t.Recency, t.Periods)
			}
			return ll
		},
	}
	theta, fit, err := maximise(p, []float64{1, 1, 1, 1})
	if err != nil {
		return nil, err
	}
	return &BGBB{Alpha: theta[0], Beta: theta[1], Gamma: theta[2], Delta: theta[3], Fit: fit}, nil
}

func compressDiscrete(data []DiscreteSummary) ([]DiscreteSummary, float64, error) {
	type key struct{ x, tx, n int }
	index := map[key]int{}
	var out []DiscreteSummary
	total, repeaters := 0.0, 0.0
	for i, d := range data {
		if err := d.check(); err != nil {
			return nil, 0, fmt.Errorf("clv: row %d: %w", i+1, err)
		}
		if d.Weight == 0 {
			continue
		}
		total += d.Weight
		if d.Frequency > 0 {
			repeaters += d.Weight
		}
		k := key{d.Frequency, d.Recency, d.Periods}
		if j, ok := index[k]; ok {
			out[j].Weight += d.Weight
			continue
		}
		index[k] = len(out)
		out = append(out, d)
	}
	if total == 0 {
		return nil, 0, ErrNoCustomers
	}
	if repeaters == 0 {
		return nil, 0, fmt.Errorf("%w: none of the %v customers made a purchase after the first period, so purchase and dropout probabilities cannot be estimated", ErrUnfittable, total)
	}
	return out, total, nil
}

// logLik is the log of Fader, Hardie & Shang's eq. (5):
//
//	B(α+x, β+n-x)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	+ Σ_{i=0}^{n-t_x-1} B(α+x, β+t_x-x+i)/B(α,β) · B(γ+1, δ+t_x+i)/B(γ,δ)
func (m *BGBB) logLik(x, tx, n int) float64 {
	lbAB, lbGD := lbeta(m.Alpha, m.Beta), lbeta(m.Gamma, m.Delta)
	xf, txf, nf := float64(x), float64(tx), float64(n)
	ll := lbeta(m.Alpha+xf, m.Beta+nf-xf) - lbAB + lbeta(m.Gamma, m.Delta+nf) - lbGD
	for i := 0; i < n-tx; i++ {
		fi := float64(i)
		ll = logAddExp(ll, lbeta(m.Alpha+xf, m.Beta+txf-xf+fi)-lbAB+lbeta(m.Gamma+1, m.Delta+txf+fi)-lbGD)
	}
	return ll
}

// ProbAlive is P(active at the next opportunity, n+1 | x, t_x, n):
// B(α+x, β+n-x)/B(α,β) · B(γ, δ+n+1)/B(γ,δ) / L.
func (m *BGBB) ProbAlive(x, tx, n int) float64 {
	xf, nf := float64(x), float64(n)
	l := lbeta(m.Alpha+xf, m.Beta+nf-xf) - lbeta(m.Alpha, m.Beta) + lbeta(m.Gamma, m.Delta+nf+1) - lbeta(m.Gamma, m.Delta)
	return clampProb(math.Exp(l - m.logLik(x, tx, n)))
}

// ExpectedPurchasesNew is E[X(n)], purchases in the first n opportunities
// (eq. 7): α/(α+β) · δ/(γ-1) · [1 - Γ(γ+δ)Γ(1+δ+n) / (Γ(γ+δ+n)Γ(1+δ))].
func (m *BGBB) ExpectedPurchasesNew(n int) float64 {
	nf := float64(n)
	g := lgamma(m.Gamma+m.Delta) - lgamma(m.Gamma+m.Delta+nf) + lgamma(1+m.Delta+nf) - lgamma(1+m.Delta)
	slope := digamma(m.Gamma+m.Delta) - digamma(m.Gamma+m.Delta+nf) // d g / d γ, for γ → 1
	return m.Alpha / (m.Alpha + m.Beta) * m.Delta * ratioMinusOne(g, m.Gamma-1, slope)
}

// ratioMinusOne is (1 - e^g)/eps where g → 0 as eps → 0 with dg/deps = slope.
func ratioMinusOne(g, eps, slope float64) float64 {
	if math.Abs(eps) < 1e-9 {
		return -slope
	}
	return -math.Expm1(g) / eps
}

// ExpectedPurchases is E[purchases in the next nStar opportunities | x, t_x, n]
// (eq. 13):
//
//	1/L · B(α+x+1, β+n-x)/B(α,β) · δ/(γ-1) · Γ(γ+δ)/Γ(1+δ)
//	    · [Γ(1+δ+n)/Γ(γ+δ+n) - Γ(1+δ+n+n*)/Γ(γ+δ+n+n*)]
func (m *BGBB) ExpectedPurchases(x, tx, n, nStar int) float64 {
	xf, nf, sf := float64(x), float64(n), float64(nStar)
	a, b, g, d := m.Alpha, m.Beta, m.Gamma, m.Delta
	lead := lbeta(a+xf+1, b+nf-xf) - lbeta(a, b) - m.logLik(x, tx, n) + lgamma(g+d) - lgamma(1+d)
	g1 := lgamma(1+d+nf) - lgamma(g+d+nf)
	g2 := lgamma(1+d+nf+sf) - lgamma(g+d+nf+sf)
	slope := digamma(g+d+nf) - digamma(g+d+nf+sf)
	return math.Exp(lead+g1) * d * ratioMinusOne(g2-g1, g-1, slope)
}

// ProbPurchases is P(X(n) = k) for a new customer (eq. 6):
//
//	C(n,k) B(α+k, β+n-k)/B(α,β) · B(γ, δ+n)/B(γ,δ)
//	+ Σ_{i=k}^{n-1} C(i,k) B(α+k, β+i-k)/B(α,β) · B(γ+1, δ+i)/B(γ,δ)
func (m *BGBB) ProbPurchases(n, k int) float64 {
	if k < 0 || k > n {
		return 0
	}
	lbAB, lbGD := lbeta(m.Alpha, m.Beta), lbeta(m.Gamma, m.Delta)
	kf, nf := float64(k), float64(n)
	l := lchoose(nf, kf) + lbeta(m.Alpha+kf, m.Beta+nf-kf) - lbAB + lbeta(m.Gamma, m.Delta+nf) - lbGD
	for i := k; i < n; i++ {
		fi := float64(i)
		l = logAddExp(l, lchoose(fi, kf)+lbeta(m.Alpha+kf, m.Beta+fi-kf)-lbAB+lbeta(m.Gamma+1, m.Delta+fi)-lbGD)
	}
	return clampProb(math.Exp(l))
}

func lchoose(n, k float64) float64 { return lgamma(n+1) - lgamma(k+1) - lgamma(n-k+1) }
