package stats

import (
	"slices"
	"testing"
)

// TestWilson: hand-computed at z = 1.959964 (z² = 3.841459).
//
// 7 of 10: p = 0.7, d = 1.384146, centre = (0.7 + 0.192073)/d = 0.644490,
// half = (1.959964/d)·√(0.021 + 0.009604) = 1.416011·0.174939 = 0.247715,
// CI = [39.6778, 89.2209] percent.
//
// 0 of 10: centre = 0.192073/1.384146 = 0.138767, half = 1.416011·√0.009604
// = 0.138767 → [0, 27.7533]; 10 of 10 mirrors it: [72.2467, 100].
//
// 12 of 20: d = 1.192073, centre = (0.6 + 0.096036)/d = 0.583888,
// half = (1.959964/d)·√(0.012 + 0.002401) = 1.644168·0.120003 = 0.197305
// → [38.6582, 78.1193].
//
// 45 of 50: d = 1.076829, centre = (0.9 + 0.038415)/d = 0.871461,
// half = 1.820125·√(0.0018 + 0.000384) = 1.820125·0.046734 = 0.085063
// → [78.6398, 95.6524].
func TestWilson(t *testing.T) {
	t.Parallel()
	tests := []struct {
		count, n           int
		percent, low, high float64
	}{
		{7, 10, 70, 39.6778, 89.2209},
		{0, 10, 0, 0, 27.7533},
		{10, 10, 100, 72.2467, 100},
		{12, 20, 60, 38.6582, 78.1193},
		{45, 50, 90, 78.6398, 95.6524},
	}
	for _, tt := range tests {
		w, err := Wilson(tt.count, tt.n, 0)
		if err != nil {
			t.Fatal(err)
		}
		if w.N != tt.n || w.Count != tt.count || w.NoData || !near(w.Percent, tt.percent) || !near(w.CILow, tt.low) || !near(w.CIHigh, tt.high) {
			t.Errorf("Wilson(%d, %d) = %+v, want %v%% [%v, %v]", tt.count, tt.n, w, tt.percent, tt.low, tt.high)
		}
	}
	if w, err := Wilson(0, 0, 0); err != nil || !w.NoData || w.CILow != 0 || w.CIHigh != 100 {
		t.Errorf("Wilson(0, 0) = %+v, %v; want no data over [0, 100]", w, err)
	}
	for _, bad := range [][2]int{{11, 10}, {-1, 10}, {0, -1}} {
		if _, err := Wilson(bad[0], bad[1], 0); err == nil {
			t.Errorf("Wilson(%d, %d) accepted", bad[0], bad[1])
		}
	}
	if _, err := Wilson(1, 2, 1.5); err == nil {
		t.Error("confidence 1.5 accepted")
	}
}

func TestWilsonNarrowsWithN(t *testing.T) {
	t.Parallel()
	small, _ := Wilson(7, 10, 0)
	large, _ := Wilson(70, 100, 0)
	if large.CIHigh-large.CILow >= small.CIHigh-small.CILow {
		t.Errorf("70 of 100 %+v is no narrower than 7 of 10 %+v", large, small)
	}
}

func TestTiedRanks(t *testing.T) {
	t.Parallel()
	iv := func(lo, hi float64) Interval { return Interval{Estimate: (lo + hi) / 2, Low: lo, High: hi} }
	tests := []struct {
		name string
		in   []Interval
		want []int
	}{
		{"apart", []Interval{iv(10, 20), iv(50, 60), iv(30, 40)}, []int{3, 1, 2}},
		{"all overlap", []Interval{iv(10, 50), iv(40, 60), iv(45, 55)}, []int{1, 1, 1}},
		// A and C are apart, but B overlaps both: no order can be claimed.
		{"chain", []Interval{iv(60, 80), iv(45, 65), iv(30, 50)}, []int{1, 1, 1}},
		// A tie of two, then one clearly below both: competition rank 3.
		{"tie then apart", []Interval{iv(60, 80), iv(55, 75), iv(10, 30)}, []int{1, 1, 3}},
		// Touching bounds overlap.
		{"touching", []Interval{iv(50, 60), iv(40, 50)}, []int{1, 1}},
		// A long interval reaching down joins the lower group even though its
		// estimate is high: it is not separable from it.
		{"wide", []Interval{iv(70, 90), iv(20, 95), iv(10, 30), iv(0, 5)}, []int{1, 1, 1, 4}},
		{"empty", nil, []int{}},
	}
	for _, tt := range tests {
		got := TiedRanks(tt.in)
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: TiedRanks = %v, want %v", tt.name, got, tt.want)
		}
	}
}
