package stats

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

const tolerance = 1e-4

func near(a, b float64) bool { return math.Abs(a-b) <= tolerance }

// TestNPSWorkedExamples checks the adjusted-Wald interval against values
// computed by hand with z = 1.959964.
//
// P = 50, D = 20, n = 100 (30 passives):
//
//	NPS  = 100·(50 − 20)/100                  = 30
//	n′   = 100 + 3                            = 103
//	p′   = (50 + 0.75)/103 = 50.75/103        = 0.492718
//	d′   = (20 + 0.75)/103 = 20.75/103        = 0.201456
//	NPS′ = p′ − d′ = 30/103                   = 0.291262
//	p′ + d′ = 71.5/103                        = 0.694175
//	NPS′²                                     = 0.084834
//	SE′  = √((0.694175 − 0.084834)/103)
//	     = √0.00591593                        = 0.076915
//	z·SE′ = 1.959964 · 0.076915               = 0.150751
//	CI   = 100·(0.291262 ∓ 0.150751)          = [14.0511, 44.2013]
//
// P = 30, D = 30, n = 100: n′ = 103, p′ = d′ = 30.75/103 = 0.298544,
// NPS′ = 0, SE′ = √(0.597087/103) = 0.076138, CI = ±100·1.959964·0.076138
// = [−14.9227, 14.9227].
//
// All promoters, P = 10, n = 10: n′ = 13, p′ = 10.75/13 = 0.826923,
// d′ = 0.75/13 = 0.057692, NPS′ = 0.769231, SE′ = √((0.884615 − 0.591716)/13)
// = 0.150102, CI = [47.5036, 106.3426] → upper clamped to 100.
// All detractors mirrors it: [−100 (clamped from −106.3426), −47.5036].
//
// P = 1, n = 1: n′ = 4, p′ = 1.75/4 = 0.4375, d′ = 0.1875, NPS′ = 0.25,
// SE′ = √((0.625 − 0.0625)/4) = 0.375, CI = 100·(0.25 ∓ 0.735) = [−48.4986, 98.4986].
func TestNPSWorkedExamples(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		tally         Tally
		nps, adjusted float64
		se, low, high float64
	}{
		{"P50 D20 n100", Tally{50, 30, 20}, 30, 29.1262, 7.6915, 14.0511, 44.2013},
		{"balanced", Tally{30, 40, 30}, 0, 0, 7.6138, -14.9227, 14.9227},
		{"all promoters", Tally{Promoters: 10}, 100, 76.9231, 15.0102, 47.5036, 100},
		{"all detractors", Tally{Detractors: 10}, -100, -76.9231, 15.0102, -100, -47.5036},
		{"single promoter", Tally{Promoters: 1}, 100, 25, 37.5, -48.4986, 98.4986},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NPS(tt.tally, 0)
			if err != nil {
				t.Fatal(err)
			}
			if r.N != tt.tally.N() || r.NoData {
				t.Errorf("n = %d, no_data = %v", r.N, r.NoData)
			}
			got := []float64{r.NPS, r.Adjusted, r.SE, r.CILow, r.CIHigh}
			want := []float64{tt.nps, tt.adjusted, tt.se, tt.low, tt.high}
			for i, field := range []string{"nps", "adjusted", "se", "ci_low", "ci_high"} {
				if !near(got[i], want[i]) {
					t.Errorf("%s = %.4f, want %.4f", field, got[i], want[i])
				}
			}
			if r.CILow < -100 || r.CIHigh > 100 || r.CILow > r.CIHigh {
				t.Errorf("interval [%v, %v] escapes [-100, 100]", r.CILow, r.CIHigh)
			}
		})
	}
}

func TestNPSNoData(t *testing.T) {
	t.Parallel()
	r, err := NPS(Tally{}, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := NPSResult{NoData: true, CILow: -100, CIHigh: 100, Confidence: 0.95, Z: r.Z}
	if r != want {
		t.Errorf("got %+v, want %+v", r, want)
	}
	for _, v := range []float64{r.NPS, r.Adjusted, r.SE, r.CILow, r.CIHigh, r.Z} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("non-finite value in %+v", r)
		}
	}
}

func TestZForConfidence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		confidence, z float64
		wantErr       bool
	}{
		{0, 1.959964, false},
		{0.95, 1.959964, false},
		{0.90, 1.644854, false},
		{0.99, 2.575829, false},
		{1, 0, true},
		{-0.5, 0, true},
		{math.NaN(), 0, true},
	}
	for _, tt := range tests {
		z, err := ZForConfidence(tt.confidence)
		if (err != nil) != tt.wantErr {
			t.Errorf("ZForConfidence(%v) error = %v, wantErr %v", tt.confidence, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && math.Abs(z-tt.z) > 1e-6 {
			t.Errorf("ZForConfidence(%v) = %.7f, want %.6f", tt.confidence, z, tt.z)
		}
	}
}

func TestNPSConfidenceLevelWidensInterval(t *testing.T) {
	t.Parallel()
	tally := Tally{50, 30, 20}
	r95, _ := NPS(tally, 0.95)
	r99, err := NPS(tally, 0.99)
	if err != nil {
		t.Fatal(err)
	}
	if !(r99.CILow < r95.CILow && r99.CIHigh > r95.CIHigh) {
		t.Errorf("99%% interval [%v, %v] should contain 95%% [%v, %v]", r99.CILow, r99.CIHigh, r95.CILow, r95.CIHigh)
	}
	if _, err := NPS(tally, 1.5); err == nil || !strings.Contains(err.Error(), "1.5") {
		t.Errorf("confidence 1.5: error %v should name the value", err)
	}
}

func TestTallyScores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		scores    []int
		want      Tally
		wantValue int // offending value when an error is expected, else -99
		wantIndex int
	}{
		{"boundaries", []int{0, 6, 7, 8, 9, 10}, Tally{Promoters: 2, Passives: 2, Detractors: 2}, -99, 0},
		{"empty", nil, Tally{}, -99, 0},
		{"eleven", []int{9, 11}, Tally{}, 11, 1},
		{"negative", []int{-1}, Tally{}, -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := TallyScores(tt.scores)
			if tt.wantValue == -99 {
				if err != nil || got != tt.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
				}
				return
			}
			var scoreErr *ScoreError
			if !errors.As(err, &scoreErr) || scoreErr.Value != tt.wantValue || scoreErr.Index != tt.wantIndex {
				t.Fatalf("error = %v, want ScoreError for %d at %d", err, tt.wantValue, tt.wantIndex)
			}
			if !strings.Contains(err.Error(), "score "+strconv.Itoa(tt.wantValue)) {
				t.Errorf("error %q does not name the value", err)
			}
		})
	}
}

func TestTallyMerge(t *testing.T) {
	t.Parallel()
	got := Tally{1, 2, 3}.Merge(Tally{10, 20, 30})
	if got != (Tally{11, 22, 33}) || got.N() != 66 {
		t.Errorf("got %+v", got)
	}
	if _, err := NPS(Tally{Promoters: -1}, 0); err == nil {
		t.Error("negative tally accepted")
	}
}

// TestCompare: from the worked examples, SE′(50/30/20) = 0.076915 and
// SE′(30/40/30) = 0.076138, pooled √(0.076915² + 0.076138²) = 0.108226.
// NPS′ 0.291262 vs 0 → z = 0.291262/0.108226 = 2.6912 > 1.96: significant.
// For 45/30/25: NPS′ = 20/103 = 0.194175, SE′ = 0.079834, pooled 0.110866,
// z = (0.291262 − 0.194175)/0.110866 = 0.8758: not significant, although the
// raw NPS moved 10 points.
func TestCompare(t *testing.T) {
	t.Parallel()
	base := mustNPS(t, Tally{50, 30, 20})
	tests := []struct {
		name        string
		a, b        NPSResult
		difference  float64
		z           float64
		significant bool
		comparable  bool
	}{
		{"significant drop", base, mustNPS(t, Tally{30, 40, 30}), -30, -2.6912, true, true},
		{"significant rise", mustNPS(t, Tally{30, 40, 30}), base, 30, 2.6912, true, true},
		{"not significant", base, mustNPS(t, Tally{45, 30, 25}), -10, -0.8758, false, true},
		{"same", base, base, 0, 0, false, true},
		{"no data", base, mustNPS(t, Tally{}), 0, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := Compare(tt.a, tt.b)
			if !near(c.Difference, tt.difference) || !near(c.Z, tt.z) ||
				c.Significant != tt.significant || c.Comparable != tt.comparable {
				t.Errorf("got %+v, want difference %v z %v significant %v comparable %v",
					c, tt.difference, tt.z, tt.significant, tt.comparable)
			}
		})
	}
}

func mustNPS(t *testing.T, tally Tally) NPSResult {
	t.Helper()
	r, err := NPS(tally, 0)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
