package clv

import (
	"bytes"
	"math"
	"testing"
)

func TestTrigamma(t *testing.T) {
	for _, x := range []float64{0.05, 0.6, 1, 3.5, 19.9, 20, 150, 1e4} {
		h := 1e-5 * x
		want := (digamma(x+h) - digamma(x-h)) / (2 * h)
		if got := trigamma(x); math.Abs(got-want) > 1e-5*math.Abs(want) { // gonum's digamma is good to ~1e-10
			t.Errorf("trigamma(%v) = %v, numeric %v", x, got, want)
		}
	}
	for _, c := range []struct{ x, want float64 }{
		{1, math.Pi * math.Pi / 6},
		{0.5, math.Pi * math.Pi / 2},
		{2, math.Pi*math.Pi/6 - 1},
		{25, math.Pi*math.Pi/6 - harmonic2(24)},
	} {
		if got := trigamma(c.x); math.Abs(got-c.want) > 2e-15*c.want {
			t.Errorf("trigamma(%v) = %v, want %v", c.x, got, c.want)
		}
	}
}

// checkHessian compares an analytic gradient and Hessian with central
// differences of the log-likelihood and gradient.
func checkHessian(t *testing.T, name string, th []float64, ll func(th, g []float64) float64, hessFn func(th, g []float64, h [][]float64) float64) {
	t.Helper()
	n := len(th)
	g := make([]float64, n)
	h := newSquare(n)
	l := hessFn(th, g, h)
	g0 := make([]float64, n)
	if l0 := ll(th, g0); math.Abs(l-l0) > 1e-9*math.Abs(l0) {
		t.Errorf("%s: log-likelihood %v, want %v", name, l, l0)
	}
	for i := range n {
		if math.Abs(g[i]-g0[i]) > 1e-8*(1+math.Abs(g0[i])) {
			t.Errorf("%s: grad[%d] = %v, want %v", name, i, g[i], g0[i])
		}
		step := 1e-3 * th[i]
		tp := append([]float64(nil), th...)
		tm := append([]float64(nil), th...)
		tp[i] += step
		tm[i] -= step
		gp, gm := make([]float64, n), make([]float64, n)
		ll(tp, gp)
		ll(tm, gm)
		for j := range n {
			want := (gp[j] - gm[j]) / (2 * step)
			if math.Abs(h[i][j]-want) > 1e-4*(math.Abs(want)+math.Abs(h[i][i])+1e-3) {
				t.Errorf("%s: hess[%d][%d] = %v, numeric %v", name, i, j, h[i][j], want)
			}
		}
	}
}

func TestBGNBDHessian(t *testing.T) {
	s := cdnowFromLog(t)
	d, err := compressRFM(eachSummary(s))
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range [][]float64{{0.243, 4.414, 0.793, 2.426}, {1.3, 10, 0.4, 5}, {0.5, 2, 1, 1}} {
		checkHessian(t, "bgnbd", th,
			func(th, g []float64) float64 { return bgnbdLogLik(d, th, g) },
			func(th, g []float64, h [][]float64) float64 { return bgnbdLogLikHess(d, th, g, h) })
	}
}

func TestGammaGammaHessian(t *testing.T) {
	s := cdnowFromLog(t)
	d, err := newGGData(eachSummary(s))
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range [][]float64{{6.25, 3.74, 15.44}, {2, 5, 30}} {
		checkHessian(t, "gammagamma", th,
			func(th, g []float64) float64 { return ggLogLik(d, th, g) },
			func(th, g []float64, h [][]float64) float64 { return ggLogLikHess(d, th, g, h) })
	}
}

// harmonic2 is Σ_{k=1..n} 1/k².
func harmonic2(n int) float64 {
	s := 0.0
	for k := n; k >= 1; k-- {
		s += 1 / float64(k*k)
	}
	return s
}

func benchRFM(b *testing.B) *rfmData {
	b.Helper()
	var buf bytes.Buffer
	if _, err := Generate(&buf, DefaultGenerateOptions(100_000)); err != nil {
		b.Fatal(err)
	}
	s, err := ReadTransactionsCSV(&buf, Columns{}, Options{Unit: Week})
	if err != nil {
		b.Fatal(err)
	}
	d, err := compressRFM(eachSummary(s))
	if err != nil {
		b.Fatal(err)
	}
	return d
}

func BenchmarkBGNBDLogLik(b *testing.B) {
	d := benchRFM(b)
	th, g := []float64{0.75, 28, 0.6, 3.5}, make([]float64, 4)
	b.ResetTimer()
	for b.Loop() {
		bgnbdLogLik(d, th, g)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(d.x)), "ns/tuple")
}

func BenchmarkBGNBDLogLikHess(b *testing.B) {
	d := benchRFM(b)
	th, g, h := []float64{0.75, 28, 0.6, 3.5}, make([]float64, 4), newSquare(4)
	b.ResetTimer()
	for b.Loop() {
		bgnbdLogLikHess(d, th, g, h)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(d.x)), "ns/tuple")
}

// The Pareto/NBD gradient (exact through the tuples, numeric through the
// hypergeometric pair terms) matches central differences of the
// log-likelihood, on both hypergeometric branches (α >= β and α < β) and
// where they meet.
func TestParetoNBDGradient(t *testing.T) {
	s := cdnowFromLog(t)
	d, err := compressRFM(eachSummary(s))
	if err != nil {
		t.Fatal(err)
	}
	for _, th := range [][]float64{{0.5532, 10.5763, 0.6062, 11.6715}, {0.5532, 10.5763, 0.6062, 30}, {1.2, 20, 1.5, 4}, {0.8, 10, 0.9, 10}} {
		g := make([]float64, 4)
		l := paretoLogLik(d, th, g)
		if l0 := paretoLogLik(d, th, nil); l != l0 {
			t.Errorf("θ %v: log-likelihood %v with the gradient, %v without", th, l, l0)
		}
		for i := range th {
			// Richardson's extrapolation of two central differences
			// cancels their h² error, which at these steps is above 1e-6.
			diff := func(step float64) float64 {
				tp := append([]float64(nil), th...)
				tm := append([]float64(nil), th...)
				tp[i] += step
				tm[i] -= step
				return (paretoLogLik(d, tp, nil) - paretoLogLik(d, tm, nil)) / (2 * step)
			}
			want := (4*diff(1e-4*th[i]) - diff(2e-4*th[i])) / 3
			if math.Abs(g[i]-want) > 1e-6*(1+math.Abs(want)) {
				t.Errorf("θ %v: grad[%d] = %v, numeric %v", th, i, g[i], want)
			}
		}
	}
}
