package stats

import (
	"testing"
)

func TestRank(t *testing.T) {
	t.Parallel()
	groups := []Group{
		{"ana", Tally{20, 10, 10}}, // n 40, NPS 25
		{"ben", Tally{5, 0, 0}},    // n 5, hidden despite NPS 100
		{"cai", Tally{30, 10, 0}},  // n 40, NPS 75
		{"dee", Tally{15, 10, 5}},  // n 30 exactly, NPS 33.3
		{"eli", Tally{10, 15, 4}},  // n 29, hidden
		{"fay", Tally{20, 10, 10}}, // n 40, NPS 25, ties with ana
	}
	got, err := Rank(groups, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		key    string
		rank   int
		hidden bool
	}{
		{"cai", 1, false}, {"dee", 2, false}, {"ana", 3, false}, {"fay", 3, false},
		{"ben", 0, true}, {"eli", 0, true},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d rows", len(got))
	}
	for i, w := range want {
		g := got[i]
		if g.Key != w.key || g.Rank != w.rank || g.Hidden != w.hidden {
			t.Errorf("row %d = %s rank %d hidden %v, want %+v", i, g.Key, g.Rank, g.Hidden, w)
		}
		if g.Hidden && (g.Result != nil || g.HiddenReason != HiddenInsufficientN) {
			t.Errorf("hidden row %s leaks a score or lacks a reason: %+v", g.Key, g)
		}
		if !g.Hidden && (g.Result == nil || g.Result.N != g.N) {
			t.Errorf("ranked row %s lacks its result", g.Key)
		}
	}
}

func TestRankCustomMinN(t *testing.T) {
	t.Parallel()
	got, err := Rank([]Group{{"small", Tally{Promoters: 5}}}, 5, 0)
	if err != nil || len(got) != 1 || got[0].Hidden || got[0].Rank != 1 {
		t.Errorf("got %+v, %v", got, err)
	}
}

func TestTrend(t *testing.T) {
	t.Parallel()
	periods := []Period{
		{"2026-01", Tally{50, 30, 20}}, // NPS 30
		{"2026-02", Tally{45, 30, 25}}, // NPS 20: z −0.88, not significant
		{"2026-03", Tally{20, 30, 50}}, // NPS −30: significant drop
		{"2026-04", Tally{}},           // no data: not comparable
		{"2026-05", Tally{50, 30, 20}}, // not compared across the gap
	}
	points, err := Trend(periods, 0)
	if err != nil {
		t.Fatal(err)
	}
	wantSignificant := []bool{false, false, true, false, false}
	for i, p := range points {
		if p.SignificantChange != wantSignificant[i] {
			t.Errorf("%s significant = %v, want %v (change %+v)", p.Label, p.SignificantChange, wantSignificant[i], p.Change)
		}
		if (i == 0) != (p.Change == nil) {
			t.Errorf("%s change presence wrong", p.Label)
		}
	}
	if points[4].Change.Comparable {
		t.Error("compared across a period with no data")
	}
	if !near(points[1].Result.NPS, 20) || points[1].Result.N != 100 {
		t.Errorf("period 2 result %+v", points[1].Result)
	}
}
