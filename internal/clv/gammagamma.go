package clv

import (
	"fmt"
	"iter"
	"math"
)

// GammaGamma is the Gamma-Gamma model of spend per transaction (Fader,
// Hardie & Lee 2005, "RFM and CLV"): a customer's transaction values are
// Gamma(p, ν) with ν ~ Gamma(q, γ) across customers, independent of the
// purchase process.
type GammaGamma struct {
	P, Q, Gamma float64
	Fit         Fit
}

func (m *GammaGamma) Name() string { return "gammagamma" }

// ggData is the repeat buyers' (x, mean spend) with the sums that do not
// depend on the parameters precomputed.
type ggData struct {
	x, xm     []float64 // x and x·m per customer
	weightByX []float64
	total     float64
	sumLogM   float64 // Σ log m
	sumXLogM  float64 // Σ x log m
	sumXLogX  float64 // Σ x log x
	skipped   int     // repeat buyers left out for a non-positive mean spend
}

func newGGData(summaries iter.Seq[*Summary]) (*ggData, error) {
	d := &ggData{}
	repeat := 0
	for s := range summaries {
		if s.Frequency > 0 {
			repeat++
		}
	}
	d.x, d.xm = make([]float64, 0, repeat), make([]float64, 0, repeat)
	for s := range summaries {
		if s.Frequency <= 0 {
			continue
		}
		m := s.MonetaryValue
		if !finite(m) {
			return nil, fmt.Errorf("clv: customer %q has mean spend %v", s.CustomerID, m)
		}
		if m <= 0 {
			d.skipped++
			continue
		}
		d.add(float64(s.Frequency), m)
	}
	if d.total < 2 {
		return nil, fmt.Errorf("%w: Gamma-Gamma needs repeat buyers with a positive mean spend; the data have %d", ErrUnfittable, int(d.total))
	}
	return d, nil
}

func (d *ggData) add(x, m float64) {
	if d.x == nil {
		d.x, d.xm = make([]float64, 0, 1024), make([]float64, 0, 1024)
	}
	d.x = append(d.x, x)
	d.xm = append(d.xm, x*m)
	xi := int(x)
	if xi >= len(d.weightByX) {
		d.weightByX = append(d.weightByX, make([]float64, xi+1-len(d.weightByX))...)
	}
	d.weightByX[xi]++
	d.total++
	d.sumLogM += math.Log(m)
	d.sumXLogM += x * math.Log(m)
	d.sumXLogX += x * math.Log(x)
}

// subsample keeps every k-th customer.
func (d *ggData) subsample(k int) *ggData {
	s := &ggData{}
	for i := 0; i < len(d.x); i += max(k, 1) {
		s.add(d.x[i], d.xm[i]/d.x[i])
	}
	return s
}

// FitGammaGamma fits Gamma-Gamma on the customers with Frequency > 0 (the
// others carry no repeat-spend information); repeat buyers with a
// non-positive mean spend are left out and counted in Fit.Warning.
func FitGammaGamma(summaries []Summary) (*GammaGamma, error) {
	return FitGammaGammaSeq(eachSummary(summaries))
}

// FitGammaGammaSeq is FitGammaGamma on the summaries a sequence yields,
// walked twice and not kept (FitModelSeq).
func FitGammaGammaSeq(summaries iter.Seq[*Summary]) (*GammaGamma, error) {
	d, err := newGGData(summaries)
	if err != nil {
		return nil, err
	}
	mean := 0.0
	for i := range d.x {
		mean += d.xm[i] / d.x[i]
	}
	mean /= d.total
	p := problem{
		names:   []string{"p", "q", "gamma"},
		weight:  d.total,
		tuples:  len(d.x),
		ll:      func(th, g []float64) float64 { return ggLogLik(d, th, g) },
		hasGrad: true,
		hess:    func(th, g []float64, h [][]float64) float64 { return ggLogLikHess(d, th, g, h) },
	}
	start := []float64{1, 2, mean}
	var theta []float64
	var fit Fit
	if len(d.x) > warmStartTuples {
		// Warm start on a 1-in-k sample, as maximiseWarm does for purchases.
		sub := d.subsample(len(d.x) / warmSubsampleExact)
		q := p
		q.weight, q.tuples = sub.total, len(sub.x)
		q.ll = func(th, g []float64) float64 { return ggLogLik(sub, th, g) }
		q.hess = func(th, g []float64, h [][]float64) float64 { return ggLogLikHess(sub, th, g, h) }
		q.subGradTol = 1e-6
		theta, fit, err = maximiseFrom(p, q, start)
	} else {
		theta, fit, err = maximise(p, start)
	}
	if err != nil {
		return nil, err
	}
	if d.skipped > 0 {
		fit.Warning = joinWarnings(fit.Warning, fmt.Sprintf("%d repeat buyers with a non-positive mean spend were left out", d.skipped))
	}
	return &GammaGamma{P: theta[0], Q: theta[1], Gamma: theta[2], Fit: fit}, nil
}

// ggLogLik is the total Gamma-Gamma log-likelihood of the mean spends:
//
//	log Γ(px+q) - log Γ(px) - log Γ(q) + q log γ + (px-1) log m + px log x
//	- (px+q) log(x m + γ)
//
// Only the last term needs a logarithm per customer; the rest are sums over
// distinct x or precomputed.
func ggLogLik(d *ggData, th, grad []float64) float64 {
	p, q, g := th[0], th[1], th[2]
	ll := p*d.sumXLogM - d.sumLogM + p*d.sumXLogX + d.total*(q*math.Log(g)-lgamma(q))
	var dp, dq, dg float64
	if grad != nil {
		dp = d.sumXLogM + d.sumXLogX
		dq = d.total * (math.Log(g) - digamma(q))
		dg = d.total * q / g
	}
	for x, w := range d.weightByX {
		if w == 0 {
			continue
		}
		px := p * float64(x)
		ll += w * (lgamma(px+q) - lgamma(px))
		if grad != nil {
			dp += w * float64(x) * (digamma(px+q) - digamma(px))
			dq += w * digamma(px+q)
		}
	}
	sums := parallelSums(len(d.x), 4, func(lo, hi int, acc []float64) {
		var s, sx, sw, sinv float64
		for i := lo; i < hi; i++ {
			l := math.Log(d.xm[i] + g)
			s += (p*d.x[i] + q) * l
			if grad != nil {
				sx += d.x[i] * l
				sw += l
				sinv += (p*d.x[i] + q) / (d.xm[i] + g)
			}
		}
		acc[0] += s
		acc[1] += sx
		acc[2] += sw
		acc[3] += sinv
	})
	ll -= sums[0]
	if grad != nil {
		grad[0] = dp - sums[1]
		grad[1] = dq - sums[2]
		grad[2] = dg - sums[3]
	}
	return ll
}

// ExpectedSpend is E[mean spend | x, m]: a credibility-weighted average of
// the population mean pγ/(q-1) and the customer's own mean m,
// (γ + x m) p / (p x + q - 1). Customers with no repeat purchase get the
// population mean.
func (m *GammaGamma) ExpectedSpend(s Summary) float64 {
	if s.Frequency <= 0 || s.MonetaryValue <= 0 {
		return m.PopulationMeanSpend()
	}
	x := float64(s.Frequency)
	return (m.Gamma + x*s.MonetaryValue) * m.P / (m.P*x + m.Q - 1)
}

// PopulationMeanSpend is pγ/(q-1), the expected spend of a customer we know
// nothing about. It is infinite in theory when q <= 1; 0 is returned then
// rather than Inf, and Fit.Warning says so.
func (m *GammaGamma) PopulationMeanSpend() float64 {
	if m.Q <= 1 {
		return 0
	}
	return m.P * m.Gamma / (m.Q - 1)
}
