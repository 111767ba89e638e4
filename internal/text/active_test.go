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
