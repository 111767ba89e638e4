package clv

import (
	"bytes"
	"testing"
)

// TestPredictorIsPredictAll: one customer at a time, the Predictor gives
// PredictAll's forecasts bit for bit, for every model, with and without
// Gamma-Gamma — the refit writes the one and the API's bulk paths the other.
func TestPredictorIsPredictAll(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if _, err := Generate(&buf, DefaultGenerateOptions(3000)); err != nil {
		t.Fatal(err)
	}
	s, err := ReadTransactionsCSV(&buf, Columns{}, Options{Unit: Week})
	if err != nil {
		t.Fatal(err)
	}
	gg, err := FitGammaGamma(s)
	if err != nil {
		t.Fatal(err)
	}
	opts := PredictOptions{Horizon: 52, DiscountRate: 0.0018}
	for _, name := range []string{"bgnbd", "mbgnbd", "paretonbd"} {
		m, err := FitModel(name, s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, spend := range []*GammaGamma{gg, nil} {
			all, err := PredictAll(m, spend, s, opts)
			if err != nil {
				t.Fatal(err)
			}
			p, err := NewPredictor(m, spend, opts)
			if err != nil {
				t.Fatal(err)
			}
			for i := range s {
				if got := p.Predict(&s[i]); got != all[i] {
					t.Fatalf("%s (spend %v): customer %+v: Predictor %+v, PredictAll %+v", name, spend != nil, s[i], got, all[i])
				}
			}
		}
	}
	if _, err := NewPredictor(nil, nil, PredictOptions{Horizon: -1}); err == nil {
		t.Fatal("a negative horizon accepted")
	}
}
