package clv

import (
	"math"
	"testing"
)

// TestLogHypNextCMatchesSeries holds logHypNextC to a long, compensated
// sum of the Gauss series across the shapes Pareto/NBD fits produce. The
// tolerance is the direct series' own: its stopping rule leaves a tail of
// up to 1e-11 at z = 0.9999, which the 1-z form does not have.
func TestLogHypNextCMatchesSeries(t *testing.T) {
	for _, a := range []float64{0.05, 0.6, 1, 3.7, 25, 400} {
		for _, b := range []float64{0.01, 0.24, 0.5, 0.9, 0.985, 0.995} {
			for _, z := range []float64{0.3, 0.51, 0.8, 0.99, 0.9999} {
				want := math.Log(longGaussSeries(a, b, a+1, z))
				got := logHypNextC(a, b, z)
				if math.Abs(got-want) > 1e-11*math.Max(1, math.Abs(want)) {
					t.Errorf("a %g b %g z %g: log 2F1 %.16g, want %.16g", a, b, z, got, want)
				}
			}
		}
	}
}

// longGaussSeries sums the Gauss series until the whole tail left, which
// is below term·z/(1-z) because the term ratio stays under z, is under
// 1e-18 of the sum, with compensated addition: slow, and a reference.
func longGaussSeries(a, b, c, z float64) float64 {
	term, sum, carry := 1.0, 1.0, 0.0
	for n := 0.0; term*z/(1-z) > 1e-18*sum; n++ {
		term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
		y := term - carry
		t := sum + y
		carry = (t - sum) - y
		sum = t
	}
	return sum
}

// BenchmarkLogHypNextC is the slow case the 1-z form is for: β a
// thousand times α, so z = 0.999 at t = 0.
func BenchmarkLogHypNextC(b *testing.B) {
	for _, f := range []struct {
		name string
		fn   func(a, b, z float64) float64
	}{
		{"series", func(a, b, z float64) float64 { return logHypSeries(a, b, a+1, z) }},
		{"nextC", logHypNextC},
	} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				f.fn(1.3, 0.55, 0.999)
			}
		})
	}
}
