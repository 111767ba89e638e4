package clv

import (
	"math"
	"testing"
	"time"
)

// CDNOW: calibrate to 1997-09-30, hold out to 1998-06-30 (39 weeks).
func TestHoldoutEvaluationOnCDNOW(t *testing.T) {
	t.Parallel()
	h, err := SplitHoldout(values(readCDNOW(t)), Options{Unit: Week, CalibrationEnd: cdnowCalibrationEnd}, time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Customers) != 2357 || !closeTo(h.Duration, 39, 0) {
		t.Fatalf("%d customers, holdout %.3f weeks", len(h.Customers), h.Duration)
	}
	summaries := make([]Summary, len(h.Customers))
	for i, c := range h.Customers {
		summaries[i] = c.Summary
	}
	m, err := FitBGNBD(summaries)
	if err != nil {
		t.Fatal(err)
	}
	ev := EvaluateHoldout(m, h)
	// BG/NBD tracks the CDNOW holdout closely in aggregate.
	if !(ev.MAE > 0 && ev.MAE < 1) || math.Abs(ev.PredictedTotal-ev.ActualTotal)/ev.ActualTotal > 0.2 {
		t.Errorf("MAE %.3f, predicted %.1f vs actual %.1f holdout purchases", ev.MAE, ev.PredictedTotal, ev.ActualTotal)
	}
	// The tracking curve covers Jan 1997 – Jun 1998 week by week and adds up.
	if n := len(ev.Tracking); n < 77 || n > 79 {
		t.Errorf("%d tracking weeks", n)
	}
	var actual, predicted, holdoutActual float64
	for _, p := range ev.Tracking {
		actual += p.Actual
		predicted += p.Predicted
		if p.Holdout {
			holdoutActual += p.Actual
		}
	}
	if holdoutActual != ev.ActualTotal {
		t.Errorf("tracking holdout purchases %v, per-customer total %v", holdoutActual, ev.ActualTotal)
	}
	if math.Abs(predicted-actual)/actual > 0.1 {
		t.Errorf("tracking curve: %.0f predicted vs %.0f actual repeat purchases", predicted, actual)
	}
}
