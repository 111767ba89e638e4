package stats

import (
	"math"
	"testing"
)

// TestMeanOfValues: 2, 4, 6, 8 hours → mean 5,
// SD = √((9 + 1 + 1 + 9)/3) = √6.666667 = 2.581989, t(0.975, df 3) = 3.182446,
// half = 3.182446·2.581989/√4 = 4.108530, CI = [0.891470, 9.108530].
// 1 and 2 hours: mean 1.5, SD 0.707107, t(0.975, df 1) = 12.706205,
// half = 12.706205·0.707107/√2 = 6.353102 → [−4.853102, 7.853102], the
// lower end clamped to 0.
func TestMeanOfValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		values          []float64
		mean, low, high float64
		noData          bool
	}{
		{"four", []float64{2, 4, 6, 8}, 5, 0.891470, 9.108530, false},
		{"two, clamped at 0", []float64{1, 2}, 1.5, 0, 7.853102, false},
		{"one: no spread", []float64{3}, 3, 0, math.Inf(1), false},
		{"none", nil, 0, 0, math.Inf(1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m, err := MeanOfValues(tt.values, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			highOK := near(m.CIHigh, tt.high) || math.IsInf(tt.high, 1) && math.IsInf(m.CIHigh, 1)
			if !near(m.Mean, tt.mean) || !near(m.CILow, tt.low) || !highOK || m.NoData != tt.noData || m.N != len(tt.values) {
				t.Errorf("got %+v, want mean %v [%v, %v] noData %v", m, tt.mean, tt.low, tt.high, tt.noData)
			}
		})
	}
	if _, err := MeanOfValues([]float64{1, math.NaN()}, 0, 0); err == nil {
		t.Error("NaN accepted")
	}
	if _, err := MeanOfValues([]float64{1, 2}, 0, 1.5); err == nil {
		t.Error("confidence 1.5 accepted")
	}
}

// TestGoalStatusBoundaries judges known counts through their known
// intervals. 40 satisfied of 50 is 80% with the Agresti–Coull interval
// [66.7694, 88.9498] (TestProportionInterval): a target just under the low
// end is met, one just over it can't be told, one above the high end is
// missed. NPS of 60 promoters, 30 passives, 10 detractors (n 100) is 50
// with the adjusted-Wald interval [35.4666, 61.6208]
// (n′ = 103, p′ = 60.75/103 = 0.589806, d′ = 10.75/103 = 0.104369,
// NPS′ = 0.485437, SE′ = √((0.694175 − 0.235649)/103) = 0.066721,
// CI = 100·(0.485437 ± 1.959964·0.066721)).
func TestGoalStatusBoundaries(t *testing.T) {
	t.Parallel()
	csat, err := ProportionInterval(40, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	tally := TallyCounts(map[int]int{10: 45, 9: 15, 8: 20, 7: 10, 6: 4, 3: 5, 0: 1})
	if tally != (Tally{Promoters: 60, Passives: 30, Detractors: 10}) {
		t.Fatalf("TallyCounts = %+v, want 60 promoters, 30 passives, 10 detractors", tally)
	}
	nps, err := NPS(tally, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !near(nps.NPS, 50) || !near(nps.CILow, 35.4666) || !near(nps.CIHigh, 61.6208) {
		t.Fatalf("NPS %+v, want 50 [35.4666, 61.6208]", nps)
	}
	tests := []struct {
		name      string
		n         int
		low, high float64
		target    float64
		direction string
		want      string
	}{
		{"csat ≥ 66.7: whole interval above", csat.N, csat.CILow, csat.CIHigh, 66.7, AtLeast, OnTrack},
		{"csat ≥ low end exactly: touches, on track", csat.N, csat.CILow, csat.CIHigh, csat.CILow, AtLeast, OnTrack},
		{"csat ≥ 66.8: straddles", csat.N, csat.CILow, csat.CIHigh, 66.8, AtLeast, CantTell},
		{"csat ≥ 88.9: straddles", csat.N, csat.CILow, csat.CIHigh, 88.9, AtLeast, CantTell},
		{"csat ≥ 89: whole interval below", csat.N, csat.CILow, csat.CIHigh, 89, AtLeast, OffTrack},
		{"csat ≤ 89: whole interval below", csat.N, csat.CILow, csat.CIHigh, 89, AtMost, OnTrack},
		{"csat ≤ 66.7: whole interval above", csat.N, csat.CILow, csat.CIHigh, 66.7, AtMost, OffTrack},
		{"csat ≤ 80: straddles", csat.N, csat.CILow, csat.CIHigh, 80, AtMost, CantTell},
		{"nps ≥ 30", nps.N, nps.CILow, nps.CIHigh, 30, AtLeast, OnTrack},
		{"nps ≥ 40", nps.N, nps.CILow, nps.CIHigh, 40, AtLeast, CantTell},
		{"nps ≥ 65", nps.N, nps.CILow, nps.CIHigh, 65, AtLeast, OffTrack},
		{"tiny n never judged", 4, 90, 95, 10, AtLeast, CantTell},
		{"n at the minimum is judged", GoalMinN, 90, 95, 10, AtLeast, OnTrack},
		{"unknown direction", 50, 90, 95, 10, "sideways", CantTell},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := GoalStatus(tt.n, tt.low, tt.high, tt.target, tt.direction); got != tt.want {
				t.Errorf("GoalStatus(%d, %v, %v, %v, %s) = %s, want %s", tt.n, tt.low, tt.high, tt.target, tt.direction, got, tt.want)
			}
		})
	}
}

// TestNeededN: 40 of 50 (80%, half-width (88.9498 − 66.7694)/2 = 11.0902)
// against 75: 50·(11.0902/5)² = 245.97 → 246 answers in all.
func TestNeededN(t *testing.T) {
	t.Parallel()
	csat, err := ProportionInterval(40, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := NeededN(csat.N, csat.Percent, csat.CILow, csat.CIHigh, 75); got != 246 {
		t.Errorf("NeededN = %d, want 246", got)
	}
	if got := NeededN(csat.N, csat.Percent, csat.CILow, csat.CIHigh, 80); got != 0 {
		t.Errorf("on the target: NeededN = %d, want 0", got)
	}
	if got := NeededN(1, 3, 0, math.Inf(1), 2); got != 0 {
		t.Errorf("one observation: NeededN = %d, want 0", got)
	}
	if got := NeededN(50, 80, 79, 81, 60); got != 50 {
		t.Errorf("already decisive: NeededN = %d, want the n it has (50)", got)
	}
}
