package stats

import (
	"math"
	"testing"
)

// Hand-computed: for x = 1…6 and y = 2,1,4,3,6,5 the deviations give
// Sxy = 14.5 and Sxx = Syy = 17.5, so r = 14.5/17.5 = 29/35; atanh(29/35)
// = ½·ln(64/6) = 1.183 56, the half-width is 1.959 96/√3 = 1.131 58, and the
// interval is tanh(0.051 98) … tanh(2.315 14) = 0.051 93 … 0.980 68: above
// 0, so significant. For x = 1…8 and y = 3,1,4,1,5,9,2,6, Sxy = 22.5,
// Sxx = 42, Syy = 52.875: r = 22.5/√2220.75 = 0.477 46, and with n = 8 the
// interval tanh(0.519 76 ± 0.876 52) = −0.342 4 … 0.884 5 holds 0.
func TestCorrelateHandComputed(t *testing.T) {
	cases := []struct {
		name         string
		xs, ys       []float64
		r, low, high float64
		significant  bool
	}{
		{"strong", []float64{1, 2, 3, 4, 5, 6}, []float64{2, 1, 4, 3, 6, 5}, 29.0 / 35, 0.05193, 0.98068, true},
		{"weak", []float64{1, 2, 3, 4, 5, 6, 7, 8}, []float64{3, 1, 4, 1, 5, 9, 2, 6}, 0.47746, -0.34243, 0.88453, false},
		{"negative", []float64{1, 2, 3, 4, 5, 6}, []float64{5, 6, 3, 4, 1, 2}, -29.0 / 35, -0.98068, -0.05193, true},
	}
	for _, c := range cases {
		got, err := Correlate(c.xs, c.ys, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !got.OK || got.N != len(c.xs) {
			t.Fatalf("%s: %+v", c.name, got)
		}
		for _, f := range []struct {
			what      string
			got, want float64
		}{{"r", got.R, c.r}, {"ci_low", got.CILow, c.low}, {"ci_high", got.CIHigh, c.high}} {
			if math.Abs(f.got-f.want) > 5e-5 {
				t.Errorf("%s: %s = %.5f, want %.5f", c.name, f.what, f.got, f.want)
			}
		}
		if got.Significant != c.significant {
			t.Errorf("%s: significant = %v, want %v", c.name, got.Significant, c.significant)
		}
	}
}

func TestCorrelateRefusesWhatItCannotCompute(t *testing.T) {
	five, err := Correlate([]float64{1, 2, 3, 4, 5}, []float64{1, 2, 3, 4, 5}, 0)
	if err != nil || five.OK || five.Reason == "" || five.N != 5 {
		t.Errorf("five pairs: %+v %v, want no r and a reason", five, err)
	}
	flat, err := Correlate([]float64{1, 2, 3, 4, 5, 6}, []float64{7, 7, 7, 7, 7, 7}, 0)
	if err != nil || flat.OK || flat.Reason == "" {
		t.Errorf("no spread: %+v %v, want no r and a reason", flat, err)
	}
	perfect, err := Correlate([]float64{1, 2, 3, 4, 5, 6}, []float64{2, 4, 6, 8, 10, 12}, 0)
	if err != nil || !perfect.OK || perfect.R != 1 || perfect.CILow != 1 || perfect.CIHigh != 1 || !perfect.Significant {
		t.Errorf("perfect line: %+v %v", perfect, err)
	}
	if _, err := Correlate([]float64{1, 2}, []float64{1}, 0); err == nil {
		t.Error("unequal lengths accepted")
	}
	if _, err := Correlate([]float64{1, 2, 3, 4, 5, math.NaN()}, []float64{1, 2, 3, 4, 5, 6}, 0); err == nil {
		t.Error("NaN accepted")
	}
}
