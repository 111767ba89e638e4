package clv

import (
	"math"
	"reflect"
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
	// Ten deciles of 235 or 236 customers, predictions ascending, adding up
	// to the totals; the top decile buys most in the holdout.
	var n int
	var dp, da float64
	for k, d := range ev.Deciles {
		n += d.Customers
		dp += d.Predicted * float64(d.Customers)
		da += d.Actual * float64(d.Customers)
		if d.Customers < 235 || d.Customers > 236 || (k > 0 && d.Predicted < ev.Deciles[k-1].Predicted) {
			t.Errorf("decile %d: %+v", k, d)
		}
	}
	if len(ev.Deciles) != 10 || n != 2357 || !closeTo(dp, ev.PredictedTotal, 6) || !closeTo(da, ev.ActualTotal, 6) ||
		ev.Deciles[9].Actual < 5*ev.Deciles[4].Actual {
		t.Errorf("deciles %+v: %d customers, %v predicted, %v actual", ev.Deciles, n, dp, da)
	}
}

// A split built from counts, as a caller streaming its purchases does,
// evaluates exactly as one SplitHoldout makes from the log.
func TestHoldoutBuilderMatchesSplit(t *testing.T) {
	t.Parallel()
	txns := readCDNOW(t)
	end := time.Date(1998, 6, 30, 0, 0, 0, 0, time.UTC)
	h, err := SplitHoldout(values(txns), Options{Unit: Week, CalibrationEnd: cdnowCalibrationEnd}, end)
	if err != nil {
		t.Fatal(err)
	}
	calEnd, holdEnd := DayNumber(cdnowCalibrationEnd), DayNumber(end)
	days := map[string][]int32{}
	for _, tx := range txns {
		days[tx.CustomerID] = append(days[tx.CustomerID], DayNumber(tx.At))
	}
	b, err := NewHoldoutBuilder(Week, calEnd, holdEnd)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range h.Customers {
		rest, first := distinctPeriodDays(days[c.CustomerID], Day)
		for _, d := range rest {
			b.AddRepeats(d, 1)
		}
		b.AddCustomer(c.Summary, c.HoldoutPurchases, first)
	}
	built, err := b.Data()
	if err != nil {
		t.Fatal(err)
	}
	m, err := FitBGNBD(h.Summaries())
	if err != nil {
		t.Fatal(err)
	}
	a, z := EvaluateHoldout(m, h), EvaluateHoldout(m, built)
	if !reflect.DeepEqual(a, z) || !built.CalibrationEnd().Equal(cdnowCalibrationEnd) || !built.HoldoutEnd().Equal(end) {
		t.Errorf("from the log %+v\nfrom counts %+v", a, z)
	}
	if _, err := NewHoldoutBuilder(Week, calEnd, calEnd); err == nil {
		t.Error("an empty holdout was accepted")
	}
}
