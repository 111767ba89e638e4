package text

import (
	"fmt"
	"slices"
	"testing"
)

func TestBestF1Threshold(t *testing.T) {
	t.Parallel()
	scores := []float64{0.9, 0.8, 0.35, 0.3, 0.2, 0.1}
	positive := []bool{true, true, true, false, false, false}
	// Taking the top three gives F1 1: the cut falls between 0.35 and 0.3.
	if got := bestF1Threshold(scores, positive); !near(got, 0.325) {
		t.Errorf("threshold = %v, want 0.325", got)
	}
	if got := bestF1Threshold(scores, []bool{true, false, false, false, false, false}); got != 0.5 {
		t.Errorf("threshold with one positive = %v, want the untuned 0.5", got)
	}
}

// multiLabelExamples: every comment about the wait also says whether staff
// were rude or kind, so a good model gives the wait comments two labels.
func multiLabelExamples() []Example {
	var out []Example
	for i := range 40 {
		out = append(out,
			Example{Text: fmt.Sprintf("We waited %d hours and the nurse was rude", i+2), Labels: []string{"waiting", "staff"}},
			Example{Text: fmt.Sprintf("Lovely kind nurse on visit %d", i), Labels: []string{"staff"}},
			Example{Text: fmt.Sprintf("Parking cost %d pounds", i+3), Labels: []string{"parking"}},
			Example{Text: fmt.Sprintf("Waited %d weeks for the referral", i+1), Labels: []string{"waiting"}},
		)
	}
	return out
}

func TestMultiLabelPrediction(t *testing.T) {
	t.Parallel()
	m, err := Train(multiLabelExamples(), TrainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.MaxLabels != 2 {
		t.Errorf("MaxLabels = %d, want 2", m.MaxLabels)
	}
	if slices.Contains(m.Thresholds, 0) {
		t.Errorf("thresholds %v", m.Thresholds)
	}
	got := m.Predict("We waited five hours and the doctor was rude")
	slices.Sort(got)
	if !slices.Equal(got, []string{"staff", "waiting"}) {
		t.Errorf("Predict = %v (suggestions %v, thresholds %v)", got, m.Suggest("We waited five hours and the doctor was rude"), m.Thresholds)
	}
	if got := m.Predict("Parking cost far too much"); !slices.Equal(got, []string{"parking"}) {
		t.Errorf("Predict(parking) = %v", got)
	}
	// Falls back to the top label when no label reaches its threshold.
	if got := m.Predict("zzz"); len(got) != 1 {
		t.Errorf("Predict(unknown words) = %v, want the top label alone", got)
	}
}
