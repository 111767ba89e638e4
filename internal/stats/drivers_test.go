package stats

import (
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
)

func TestDrivers(t *testing.T) {
	t.Parallel()
	var responses []DriverResponse
	for i := range 20 {
		score := i % 11
		items := map[string]float64{
			"speed":    float64(score), // moves exactly with the score
			"friction": float64(10 - score),
			"constant": 3,
		}
		if i < 9 {
			items["rare"] = float64(score)
		}
		if i%2 == 0 {
			items["staff"] = float64(score * score) // monotone but curved: Spearman 1, Pearson < 1
		}
		responses = append(responses, DriverResponse{Score: score, Items: items})
	}
	got, err := Drivers(responses, 0)
	if err != nil {
		t.Fatal(err)
	}
	byItem := map[string]Driver{}
	for _, d := range got.Drivers {
		byItem[d.Item] = d
	}
	check := func(item string, n int, pearson, spearman float64) {
		t.Helper()
		d, ok := byItem[item]
		if !ok {
			t.Fatalf("%s missing from %+v", item, got)
		}
		if d.N != n || math.Abs(d.Pearson-pearson) > 1e-3 || math.Abs(d.Spearman-spearman) > 1e-3 {
			t.Errorf("%s = %+v, want n %d r %.3f rho %.3f", item, d, n, pearson, spearman)
		}
		if d.PearsonCILow > d.Pearson || d.PearsonCIHigh < d.Pearson || math.IsNaN(d.PearsonCILow) {
			t.Errorf("%s interval [%v, %v] does not contain r", item, d.PearsonCILow, d.PearsonCIHigh)
		}
	}
	check("speed", 20, 1, 1)
	check("friction", 20, -1, -1)
	if d := byItem["staff"]; d.N != 10 || math.Abs(d.Spearman-1) > 1e-9 || d.Pearson >= 1 || d.Pearson < 0.9 {
		t.Errorf("staff = %+v", d)
	}
	wantSkipped := []SkippedDriver{
		{Item: "constant", N: 20, Reason: "no variation"},
		{Item: "rare", N: 9, Reason: "n < 10"},
	}
	if !reflect.DeepEqual(got.Skipped, wantSkipped) {
		t.Errorf("skipped = %+v, want %+v", got.Skipped, wantSkipped)
	}
}

func TestDriversRejectsBadInput(t *testing.T) {
	t.Parallel()
	_, err := Drivers([]DriverResponse{{Score: 12}}, 0)
	var scoreErr *ScoreError
	if !errors.As(err, &scoreErr) || scoreErr.Value != 12 {
		t.Errorf("error = %v", err)
	}
	if _, err := Drivers([]DriverResponse{{Score: 5, Items: map[string]float64{"x": math.NaN()}}}, 0); err == nil {
		t.Error("NaN item accepted")
	}
}

func TestRanksAverageTies(t *testing.T) {
	t.Parallel()
	got := ranks([]float64{30, 10, 20, 20})
	if want := []float64{4, 1, 2.5, 2.5}; !reflect.DeepEqual(got, want) {
		t.Errorf("ranks = %v, want %v", got, want)
	}
}

// DriversFromCounts over the counts of (item score, NPS) pairs gives the
// figures Drivers gives over the responses themselves, to 1e-12, with ties
// everywhere (integer scores), skipped items and a constant item.
func TestDriversFromCountsEqualsDrivers(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	for trial := range 30 {
		var responses []DriverResponse
		counts := map[string]map[[2]int]int64{}
		for range 20 + r.IntN(2000) {
			resp := DriverResponse{Score: r.IntN(11), Items: map[string]float64{}}
			for _, item := range []string{"empathy", "speed", "price", "rare", "flat"} {
				if r.IntN(3) == 0 || (item == "rare" && r.IntN(30) > 0) {
					continue
				}
				x := 1 + (resp.Score/3+r.IntN(3))%5 // related to the score, with noise
				if item == "flat" {
					x = 3
				}
				resp.Items[item] = float64(x)
				if counts[item] == nil {
					counts[item] = map[[2]int]int64{}
				}
				counts[item][[2]int{x, resp.Score}]++
			}
			responses = append(responses, resp)
		}
		items := map[string][]PairCount{}
		for item, m := range counts {
			for k, n := range m {
				items[item] = append(items[item], PairCount{X: k[0], Y: k[1], N: n})
			}
		}
		want, err := Drivers(responses, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DriversFromCounts(items, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got.Skipped, want.Skipped) || len(got.Drivers) != len(want.Drivers) || len(want.Drivers) == 0 {
			t.Fatalf("trial %d: from counts %+v\nfrom responses %+v", trial, got, want)
		}
		for i, w := range want.Drivers {
			g := got.Drivers[i]
			near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-12 }
			if g.Item != w.Item || g.N != w.N || !near(g.Pearson, w.Pearson) || !near(g.Spearman, w.Spearman) ||
				!near(g.PearsonCILow, w.PearsonCILow) || !near(g.PearsonCIHigh, w.PearsonCIHigh) {
				t.Fatalf("trial %d, %s: from counts %+v, from responses %+v", trial, w.Item, g, w)
			}
		}
	}
}

func TestDriversFromCountsRejectsBadInput(t *testing.T) {
	t.Parallel()
	var se *ScoreError
	if _, err := DriversFromCounts(map[string][]PairCount{"x": {{X: 1, Y: 11, N: 1}}}, 0); !errors.As(err, &se) {
		t.Errorf("NPS 11: %v", err)
	}
	if _, err := DriversFromCounts(map[string][]PairCount{"x": {{X: 1, Y: 3, N: -1}}}, 0); err == nil {
		t.Error("a negative count was accepted")
	}
}
