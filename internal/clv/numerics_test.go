package clv

import (
	"math"
	"testing"
)

func finiteAll(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

var cdnowModels = []PurchaseModel{
	&BGNBD{R: 0.2426, Alpha: 4.4136, A: 0.7929, B: 2.4259},
	&MBGNBD{R: 0.525, Alpha: 6.183, A: 0.891, B: 1.614},
	&ParetoNBD{R: 0.5532, Alpha: 10.5763, S: 0.6062, Beta: 11.6715},
	// α < β exercises the other hypergeometric branch of Pareto/NBD.
	&ParetoNBD{R: 0.5532, Alpha: 10.5763, S: 0.6062, Beta: 30},
	// a = 1 and s = 1 are removable singularities of the formulas.
	&BGNBD{R: 0.5, Alpha: 5, A: 1, B: 2},
	&ParetoNBD{R: 0.5, Alpha: 5, S: 1, Beta: 8},
}

// Heavy buyers (x in the hundreds and thousands) and extreme histories give
// finite predictions and likelihoods, never NaN or Inf.
func TestHeavyBuyersStayFinite(t *testing.T) {
	t.Parallel()
	customers := []Summary{
		{Frequency: 300, Recency: 51.9, T: 52},
		{Frequency: 300, Recency: 1, T: 52},
		{Frequency: 2000, Recency: 100, T: 100},
		{Frequency: 5000, Recency: 10, T: 500},
		{Frequency: 0, Recency: 0, T: 0},
		{Frequency: 1, Recency: 1e-9, T: 1e4},
	}
	for _, m := range cdnowModels {
		for _, s := range customers {
			alive := m.ProbAlive(s)
			e := m.ExpectedPurchases(s, 52)
			if !finiteAll(alive, e) || alive < 0 || alive > 1 || e < 0 {
				t.Errorf("%s %+v: P(alive) %v, E %v", m.Name(), s, alive, e)
			}
		}
		d, err := compressRFM(eachSummary(customers))
		if err != nil {
			t.Fatal(err)
		}
		var ll float64
		switch m := m.(type) {
		case *BGNBD:
			ll = bgnbdLogLik(d, []float64{m.R, m.Alpha, m.A, m.B}, make([]float64, 4))
		case *MBGNBD:
			ll = mbgnbdLogLik(d, []float64{m.R, m.Alpha, m.A, m.B})
		case *ParetoNBD:
			ll = paretoLogLik(d, []float64{m.R, m.Alpha, m.S, m.Beta}, nil)
		}
		if !finiteAll(ll) {
			t.Errorf("%s: log-likelihood %v with heavy buyers", m.Name(), ll)
		}
	}
	// A Pareto/NBD customer with x in the hundreds who has clearly churned.
	p := cdnowModels[2].(*ParetoNBD)
	if a := p.ProbAlive(Summary{Frequency: 400, Recency: 10, T: 78}); !(a >= 0 && a < 1e-6) {
		t.Errorf("Pareto/NBD P(alive) of a churned heavy buyer = %v, want ~0", a)
	}
}

// P(X(t)=k) is a distribution whose mean is E[X(t)].
func TestProbPurchasesIsConsistent(t *testing.T) {
	t.Parallel()
	for _, m := range cdnowModels {
		for _, tt := range []float64{1, 10, 39} {
			total, mean := 0.0, 0.0
			for k := 0; k < 400; k++ {
				p := m.ProbPurchases(tt, k)
				if !finiteAll(p) || p < 0 {
					t.Fatalf("%s: P(X(%v)=%d) = %v", m.Name(), tt, k, p)
				}
				total += p
				mean += float64(k) * p
			}
			if math.Abs(total-1) > 1e-6 {
				t.Errorf("%s: Σ P(X(%v)=k) = %.8f", m.Name(), tt, total)
			}
			if e := m.ExpectedPurchasesNew(tt); !within(mean, e, 1e-5) {
				t.Errorf("%s: Σ k P(X(%v)=k) = %.8f, E[X] = %.8f", m.Name(), tt, mean, e)
			}
		}
	}
	bb := &BGBB{Alpha: 1.2035, Beta: 0.7497, Gamma: 0.6568, Delta: 2.7839}
	total, mean := 0.0, 0.0
	for k := 0; k <= 10; k++ {
		total += bb.ProbPurchases(10, k)
		mean += float64(k) * bb.ProbPurchases(10, k)
	}
	if math.Abs(total-1) > 1e-9 || !within(mean, bb.ExpectedPurchasesNew(10), 1e-9) {
		t.Errorf("BG/BB: Σ P = %v, mean %v, E[X(10)] %v", total, mean, bb.ExpectedPurchasesNew(10))
	}
}

// For a new customer, expected purchases in the next t equal the
// unconditional E[X(t)]; without discounting, DiscountedPurchases is the
// expectation over the horizon, and discounting lowers it.
func TestPredictionIdentities(t *testing.T) {
	t.Parallel()
	s := Summary{Frequency: 3, Recency: 20, T: 30, MonetaryValue: 40}
	gg := &GammaGamma{P: 6.25, Q: 3.74, Gamma: 15.44}
	for _, m := range cdnowModels[:3] {
		if m.Name() != "mbgnbd" {
			if got, want := m.ExpectedPurchases(Summary{T: 0}, 20), m.ExpectedPurchasesNew(20); !within(got, want, 1e-12) {
				t.Errorf("%s: new customer %v vs E[X] %v", m.Name(), got, want)
			}
		}
		flat := DiscountedPurchases(m, s, PredictOptions{Horizon: 52})
		if want := m.ExpectedPurchases(s, 52); !within(flat, want, 1e-12) {
			t.Errorf("%s: undiscounted %v, E[Y(52)] %v", m.Name(), flat, want)
		}
		disc := DiscountedPurchases(m, s, PredictOptions{Horizon: 52, DiscountRate: 0.01})
		if !(disc < flat && disc > flat/1.01/math.Pow(1.01, 52)) {
			t.Errorf("%s: discounted %v not below undiscounted %v", m.Name(), disc, flat)
		}
		preds, err := PredictAll(m, gg, []Summary{s, s}, PredictOptions{Horizon: 52, DiscountRate: 0.01})
		if err != nil {
			t.Fatal(err)
		}
		if want := CLV(m, gg, s, PredictOptions{Horizon: 52, DiscountRate: 0.01}); !within(preds[1].CLV, want, 1e-12) {
			t.Errorf("%s: PredictAll CLV %v, CLV %v", m.Name(), preds[1].CLV, want)
		}
	}
}

// The two ways betaGeoExpected computes its bracket agree where both are
// accurate, so switching at a = 2 leaves no step in the predictions.
func TestBetaGeoBracketsAgree(t *testing.T) {
	t.Parallel()
	const r, b, alpha = 0.7, 3.5, 20.0
	for _, a := range []float64{2, 2.5, 4, 11, 41} {
		for _, x := range []float64{0, 1, 7, 60, 5000} {
			for _, h := range []struct{ T, t float64 }{{0, 1}, {30, 52}, {100, 5}, {10, 400}, {10, 4000}} {
				eps, p, c := a-1, a+b-1-r, a+b+x-1
				log1mz := -math.Log1p(h.t / (alpha + h.T))
				z := -math.Expm1(log1mz)
				small := betaGeoBracketSmallA(p, eps, c, z, log1mz)
				large := betaGeoBracketLargeA(p, eps, c, z, log1mz)
				if !within(large, small, 1e-9) {
					t.Errorf("a=%v x=%v T=%v t=%v: %v by the series, %v by logarithms", a, x, h.T, h.t, small, large)
				}
			}
		}
	}
}

// As a and b grow with a/(a+b) = π fixed, the dropout probability stops
// varying between customers and the expectation tends to the fixed-p form
// (1/π)·[1 - ((1-z)/(1-(1-π)z))^(r+x)]. Fits on small files run there.
func TestBetaGeoLargeALimit(t *testing.T) {
	t.Parallel()
	const r, alpha, pi = 0.8, 240.0, 0.06
	for _, a := range []float64{2e5, 1e8} {
		m := &BGNBD{R: r, Alpha: alpha, A: a, B: a * (1 - pi) / pi}
		for _, s := range []Summary{{Frequency: 0, T: 2165}, {Frequency: 2, Recency: 1453, T: 2149}, {Frequency: 40, Recency: 300, T: 310}} {
			for _, horizon := range []float64{1, 52, 5000} {
				x := float64(s.Frequency)
				z := horizon / (alpha + s.T + horizon)
				want := (1 - math.Pow((1-z)/(1-(1-pi)*z), r+x)) / pi
				if got := m.expectedIfAlive(s.Frequency, s.T, horizon); !within(got, want, 10/a) {
					t.Errorf("a=%g %+v t=%v: %v, want about %v", a, s, horizon, got, want)
				}
			}
		}
	}
}
