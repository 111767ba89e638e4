package text

import "testing"

func TestMostUncertain(t *testing.T) {
	t.Parallel()
	m, err := Train(multiLabelExamples(), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	comments := []string{
		"Parking cost 4 pounds",           // clearly parking
		"nurse parking",                   // torn between two labels
		"Lovely kind nurse on visit 3",    // clearly staff
		"completely unrelated words here", // nothing known
	}
	got := MostUncertain(m, comments, 2)
	if len(got) != 2 {
		t.Fatalf("got %d, want 2", len(got))
	}
	for _, u := range got {
		if u.Index == 0 || u.Index == 2 {
			t.Errorf("a clear comment ranked among the most uncertain: %+v", got)
		}
		if u.Uncertainty < 0 || u.Uncertainty > 1 || len(u.Suggestions) == 0 {
			t.Errorf("entry %+v", u)
		}
	}
	if all := MostUncertain(m, comments, 10); len(all) != len(comments) || all[0].Uncertainty < all[len(all)-1].Uncertainty {
		t.Errorf("full ranking %+v", all)
	}
}

func TestLabelsNeeded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f1     float64
		have   int
		target float64
		want   int
	}{
		{0.8, 50, 0.7, 0},     // already there
		{0.4, 25, 0.7, 75},    // error 0.6 → 0.3 takes 4× the examples
		{0, 5, 0.7, 15},       // never right: get to 20
		{0.01, 2, 0.99, 1000}, // capped
	}
	for _, tt := range tests {
		if got := LabelsNeeded(tt.f1, tt.have, tt.target); got != tt.want {
			t.Errorf("LabelsNeeded(%v, %d, %v) = %d, want %d", tt.f1, tt.have, tt.target, got, tt.want)
		}
	}
}

// TestUncertaintyRespectsThresholds: a model that gives several labels is
// sure of a comment whose two labels are both far above their thresholds,
// and unsure of one whose second label sits at its threshold; a model that
// gives one label judges by the gap between the top two.
func TestUncertaintyRespectsThresholds(t *testing.T) {
	t.Parallel()
	multi := &Model{Labels: []string{"a", "b", "c"}, Thresholds: []float64{0.4, 0.4, 0.4}, MaxLabels: 3}
	ranked := func(ps ...float64) []Suggestion {
		var out []Suggestion
		for i, p := range ps {
			out = append(out, Suggestion{Label: multi.Labels[i], Score: p})
		}
		return out
	}
	both, _ := multi.uncertainty(ranked(0.99, 0.99, 0.01))
	edge, doubt := multi.uncertainty(ranked(0.9, 0.41, 0.02))
	if both > 0.05 || edge < 0.95 || doubt == nil || doubt.Label != "b" || doubt.Threshold != 0.4 || doubt.Score != 0.41 {
		t.Errorf("two sure labels: %.3f; a label at its threshold: %.3f, doubt %+v", both, edge, doubt)
	}
	// The runner-up under its threshold: which label comes first matters.
	if u, d := multi.uncertainty(ranked(0.3, 0.29, 0.0)); u < 0.99 || d != nil {
		t.Errorf("top two 0.30 / 0.29, runner-up not given: %.3f, doubt %+v", u, d)
	}
	single := &Model{Labels: []string{"a", "b", "c"}, Thresholds: []float64{0.5, 0.5, 0.5}, MaxLabels: 1}
	if u, d := single.uncertainty(ranked(0.99, 0.99, 0.01)); u != 1 || d != nil {
		t.Errorf("single-label model, top two equal: %.3f, doubt %+v", u, d)
	}
}
