package stats

import (
	"errors"
	"math"
	"testing"
)

// TestProportionInterval: Agresti–Coull for 40 of 50 at z = 1.959964:
//
//	z²  = 3.841459, ñ = 53.841459
//	p̃   = (40 + 1.920729)/53.841459 = 0.778596
//	half = 1.959964·√(0.778596·0.221404/53.841459) = 0.110902
//	CI   = [66.7694, 88.9498] percent
//
// All 10 of 10: ñ = 13.841459, p̃ = 11.920729/13.841459 = 0.861234,
// half = 1.959964·√(0.861234·0.138766/13.841459) = 0.182121 → [67.9113, 104.3355],
// upper clamped to 100. None of 10 mirrors it: [−4.3355 → 0, 32.0887].
func TestProportionInterval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name               string
		count, n           int
		percent, low, high float64
		noData             bool
		wantErr            bool
	}{
		{"40 of 50", 40, 50, 80, 66.7694, 88.9498, false, false},
		{"all", 10, 10, 100, 67.9113, 100, false, false},
		{"none", 0, 10, 0, 0, 32.0887, false, false},
		{"no data", 0, 0, 0, 0, 100, true, false},
		{"count above n", 11, 10, 0, 0, 0, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := ProportionInterval(tt.count, tt.n, 0)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v", err)
			}
			if tt.wantErr {
				return
			}
			if !near(p.Percent, tt.percent) || !near(p.CILow, tt.low) || !near(p.CIHigh, tt.high) || p.NoData != tt.noData {
				t.Errorf("got %+v, want %v%% [%v, %v] noData %v", p, tt.percent, tt.low, tt.high, tt.noData)
			}
		})
	}
}

// TestCSAT: scores 4 5 3 5 4 → top-2-box 4 of 5 = 80%.
// Mean 4.2, SD = √((0.04+0.64+1.44+0.64+0.04)/4) = √0.7 = 0.836660,
// t(0.975, df 4) = 2.776445, half = 2.776445·0.836660/√5 = 1.038851,
// CI = [3.161149, 5.238851] → upper clamped to the scale maximum 5.
func TestCSAT(t *testing.T) {
	t.Parallel()
	r, err := CSAT([]int{4, 5, 3, 5, 4}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.N != 5 || r.Counts != [5]int{0, 0, 1, 2, 2} {
		t.Errorf("n %d counts %v", r.N, r.Counts)
	}
	if r.TopTwoBox.Count != 4 || !near(r.TopTwoBox.Percent, 80) {
		t.Errorf("top-2-box %+v", r.TopTwoBox)
	}
	if !near(r.Mean.Mean, 4.2) || !near(r.Mean.SD, 0.836660) || !near(r.Mean.CILow, 3.161149) || r.Mean.CIHigh != 5 {
		t.Errorf("mean %+v", r.Mean)
	}
}

func TestCES(t *testing.T) {
	t.Parallel()
	r, err := CES([]int{7, 6, 5, 2, 4, 7, 1, 5}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Easy.Count != 5 || !near(r.Easy.Percent, 62.5) {
		t.Errorf("easy %+v", r.Easy)
	}
	if !near(r.Mean.Mean, 4.625) || !near(r.Mean.SD, 2.199838) || r.Mean.CILow >= 4.625 || r.Mean.CIHigh <= 4.625 {
		t.Errorf("mean %+v", r.Mean)
	}
}

func TestScaleEdgeCases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		run       func() (Mean, error)
		want      Mean
		badValue  int
		wantError bool
	}{
		{"CSAT no data", func() (Mean, error) { r, err := CSAT(nil, 0); return r.Mean, err },
			Mean{NoData: true, CILow: 1, CIHigh: 5}, 0, false},
		{"CES one answer spans the scale", func() (Mean, error) { r, err := CES([]int{3}, 0); return r.Mean, err },
			Mean{N: 1, Mean: 3, CILow: 1, CIHigh: 7}, 0, false},
		{"CSAT all the same", func() (Mean, error) { r, err := CSAT([]int{5, 5, 5}, 0); return r.Mean, err },
			Mean{N: 3, Mean: 5, CILow: 5, CIHigh: 5}, 0, false},
		{"CSAT rejects 0", func() (Mean, error) { r, err := CSAT([]int{3, 0}, 0); return r.Mean, err },
			Mean{}, 0, true},
		{"CSAT rejects 6", func() (Mean, error) { r, err := CSAT([]int{6}, 0); return r.Mean, err },
			Mean{}, 6, true},
		{"CES rejects 8", func() (Mean, error) { r, err := CES([]int{1, 2, 8}, 0); return r.Mean, err },
			Mean{}, 8, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.run()
			if tt.wantError {
				var scoreErr *ScoreError
				if !errors.As(err, &scoreErr) || scoreErr.Value != tt.badValue {
					t.Fatalf("error = %v, want ScoreError naming %d", err, tt.badValue)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

// CSAT and CES of counts are the figures of the answers themselves, and
// are worked out from the counts: a rollup of four hundred billion answers
// (which as a slice of scores would not fit in memory) summarises at once.
func TestScalesOfCounts(t *testing.T) {
	counts := map[int]int{1: 3, 2: 1, 4: 7, 5: 11}
	var scores []int
	for s := 1; s <= 5; s++ {
		for range counts[s] {
			scores = append(scores, s)
		}
	}
	want, err := CSAT(scores, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := CSATOfCounts(counts, 0)
	if err != nil || got.N != want.N || got.Counts != want.Counts || got.TopTwoBox != want.TopTwoBox ||
		math.Abs(got.Mean.Mean-want.Mean.Mean) > 1e-12 || math.Abs(got.Mean.CILow-want.Mean.CILow) > 1e-12 || math.Abs(got.Mean.SD-want.Mean.SD) > 1e-12 {
		t.Errorf("CSAT of counts = %+v, %v; of the scores %+v", got, err, want)
	}
	counts[6] = 2
	wantCES, err := CES(append(scores, 6, 6), 0)
	if err != nil {
		t.Fatal(err)
	}
	gotCES, err := CESOfCounts(counts, 0)
	if err != nil || gotCES.N != wantCES.N || gotCES.Counts != wantCES.Counts || gotCES.Easy != wantCES.Easy ||
		math.Abs(gotCES.Mean.Mean-wantCES.Mean.Mean) > 1e-12 || math.Abs(gotCES.Mean.SD-wantCES.Mean.SD) > 1e-12 {
		t.Errorf("CES of counts = %+v, %v; of the scores %+v", gotCES, err, wantCES)
	}
	if _, err := CSATOfCounts(counts, 0); !errors.As(err, new(*ScoreError)) {
		t.Errorf("a 6 on the CSAT scale: %v, want a ScoreError", err)
	}
	big, err := CSATOfCounts(map[int]int{2: 100_000_000_000, 4: 300_000_000_000}, 0)
	if err != nil || big.N != 400_000_000_000 || big.TopTwoBox.Percent != 75 || big.Mean.Mean != 3.5 {
		t.Errorf("CSAT of 4e11 answers = %+v, %v", big, err)
	}
	m, err := MeanOfCounts(map[int]int{1: 200_000_000_000, 7: 200_000_000_000}, 1, 7, 0)
	if err != nil || m.N != 400_000_000_000 || m.Mean != 4 {
		t.Errorf("mean of 4e11 answers = %+v, %v", m, err)
	}
}
