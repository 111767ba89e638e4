package recommend

import (
	"math"
	"slices"
	"testing"
	"time"
)

// tiny: customers {0,1}, {1,2}, {0,1,2}, {0}. XᵀX = [[3,2,1],[2,3,2],[1,2,2]].
var tiny = Matrix{Items: 3, Users: [][]int32{{0, 1}, {1, 2}, {0, 1, 2}, {0}}}

func weights(m *Model) map[[2]int32]float64 {
	w := map[[2]int32]float64{}
	for j := range int32(m.Items) {
		to, ws := m.Neighbours(j)
		for k, i := range to {
			w[[2]int32{j, i}] = float64(ws[k])
		}
	}
	return w
}

func sameWeights(t *testing.T, got map[[2]int32]float64, want map[[2]int32]float64) {
	t.Helper()
	for k, w := range want {
		if math.Abs(got[k]-w) > 1e-6 {
			t.Errorf("B%v = %v, want %v", k, got[k], w)
		}
	}
	for k, w := range got {
		if _, ok := want[k]; !ok && math.Abs(w) > 1e-9 {
			t.Errorf("B%v = %v, want none", k, w)
		}
	}
}

// TestEASEKnownAnswer: with λ = 1, G = [[4,2,1],[2,4,2],[1,2,3]] and
// B = −P/diag(P) (worked out in exact fractions) is
// [[0, 4/11, 0], [1/2, 0, 1/2], [0, 6/11, 0]].
func TestEASEKnownAnswer(t *testing.T) {
	m, st, err := EASE(tiny, Options{Lambda: 1, KFloor: 1, Negatives: true})
	if err != nil {
		t.Fatal(err)
	}
	sameWeights(t, weights(m), map[[2]int32]float64{{0, 1}: 4.0 / 11, {1, 0}: 0.5, {1, 2}: 0.5, {2, 1}: 6.0 / 11})
	if st.Items != 3 || st.Pairs != 3 || st.PairsKept != 3 || st.Lambda != 1 {
		t.Errorf("stats %+v", st)
	}
}

// TestEASEFloor: with k = 2 the pair (0, 2), bought together once, is
// zeroed in G and its count moved to both diagonals: G = [[5,2,0],
// [2,4,2],[0,2,4]], B = [[0, 2/5, −1/4], [2/3, 0, 5/8], [−1/3, 1/2, 0]];
// and the pair gets no weight either way.
func TestEASEFloor(t *testing.T) {
	m, st, err := EASE(tiny, Options{Lambda: 1, KFloor: 2, Negatives: true})
	if err != nil {
		t.Fatal(err)
	}
	sameWeights(t, weights(m), map[[2]int32]float64{{0, 1}: 2.0 / 5, {1, 0}: 2.0 / 3, {1, 2}: 5.0 / 8, {2, 1}: 0.5})
	if st.PairsKept != 2 || st.Pairs != 3 {
		t.Errorf("stats %+v", st)
	}
	// Owning item 0 alone suggests 1, never 2 (their pair is below k).
	got := m.Recommend([]Owned{{Item: 0, Weight: 1}}, 5, nil)
	if len(got) != 1 || got[0].Item != 1 || got[0].Because != 0 {
		t.Errorf("owning 0: %+v", got)
	}
	// Without the floor item 2 is not suggested from 0 either (B[0,2] is
	// 0 here), but with the floor off in the weights only, the pair
	// would count: the check that the weights' floor does something.
	loose, _, err := EASE(tiny, Options{Lambda: 1, KFloor: 2, Negatives: true, FloorWeightsOff: true})
	if err != nil {
		t.Fatal(err)
	}
	if w := weights(loose); w[[2]int32{0, 2}] >= 0 || w[[2]int32{2, 0}] >= 0 {
		t.Errorf("pair (0,2) without the weights' floor: %v", w)
	}
}

func TestRecommendExcludesOwnedAndSkipped(t *testing.T) {
	m := &Model{Items: 4, Start: []int32{0, 3, 3, 3, 3}, To: []int32{1, 2, 3}, W: []float32{0.5, 0.9, 0.1},
		Buyers: []int32{1, 1, 1, 1}}
	got := m.Recommend([]Owned{{Item: 0, Weight: 1}, {Item: 3, Weight: 1}}, 5, func(i int32) bool { return i == 2 })
	if len(got) != 1 || got[0].Item != 1 || got[0].Because != 0 {
		t.Errorf("got %+v, want item 1 because of 0 (2 skipped, 3 owned)", got)
	}
	// Weight 0: owned, so never suggested, but suggesting nothing.
	if got := m.Recommend([]Owned{{Item: 0, Weight: 0}}, 5, nil); len(got) != 0 {
		t.Errorf("a weightless item suggests %+v", got)
	}
	if got := m.Recommend([]Owned{{Item: 0, Weight: 1}}, 1, nil); len(got) != 1 || got[0].Item != 2 {
		t.Errorf("top 1: %+v", got)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	m, _, err := EASE(tiny, Options{Lambda: 1, KFloor: 1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Encode(m, []int64{10, 20, 30})
	if err != nil {
		t.Fatal(err)
	}
	back, keys, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(keys, []int64{10, 20, 30}) || !slices.Equal(back.To, m.To) || !slices.Equal(back.W, m.W) ||
		!slices.Equal(back.Start, m.Start) || back.Name != "ease" {
		t.Errorf("decoded %+v %v, want %+v", back, keys, m)
	}
	for _, cut := range []int{0, 3, 10, len(b) - 1} {
		if _, _, err := Decode(b[:cut]); err == nil {
			t.Errorf("a model cut at %d bytes decoded", cut)
		}
	}
	bad := slices.Clone(b)
	bad[len(bad)-1] = 0x7f // a popular item far out of range
	if _, _, err := Decode(bad); err == nil {
		t.Error("a corrupt model decoded")
	}
}

// TestSplitScores: one customer bought 0 and 1 before the split and 2
// and 3 after (3 never sold before: not relevant); popularity offers 2
// first, so recall@1 = 1 and NDCG@1 = 1.
func TestSplitScores(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2024, 1, d, 0, 0, 0, 0, time.UTC) }
	lines := []Bought{{"a", "i0", day(1)}, {"a", "i1", day(1)}, {"b", "i2", day(2)}, {"c", "i2", day(2)},
		{"a", "i2", day(10)}, {"a", "i3", day(10)}, {"b", "i2", day(11)}}
	s, err := NewSplit(lines, EvalOptions{TestFrom: day(5), K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Scored) != 1 || len(s.Scored[0].Relevant) != 1 {
		t.Fatalf("scored %+v", s.Scored)
	}
	if sc := s.Evaluate(Popularity(s.Train)); sc.Recall != 1 || sc.NDCG != 1 {
		t.Errorf("popularity %+v", sc)
	}
	if _, err := NewSplit(lines, EvalOptions{TestFrom: day(5), TestTo: day(4)}); err == nil {
		t.Error("test-to before test-from accepted")
	}
}

func TestKNNFloor(t *testing.T) {
	m, _, err := KNN(tiny, Options{KFloor: 2})
	if err != nil {
		t.Fatal(err)
	}
	w := weights(m)
	if _, ok := w[[2]int32{0, 2}]; ok {
		t.Errorf("kNN keeps the pair below the floor: %v", w)
	}
	if got, want := w[[2]int32{0, 1}], 2/math.Sqrt(9); math.Abs(got-want) > 1e-6 {
		t.Errorf("sim(0,1) = %v, want %v", got, want)
	}
}
