package clv

import (
	"errors"
	"fmt"
	"iter"
	"maps"
	"math"
	"slices"
	"time"
)

// HoldoutData is a transaction log split at Options.CalibrationEnd: the
// calibration summaries, what each of those customers did afterwards, and
// the purchase days needed for a tracking curve.
type HoldoutData struct {
	Customers []HoldoutCustomer
	// Duration is the holdout length (CalibrationEnd, HoldoutEnd] in the unit.
	Duration float64
	opts     Options
	start    int32 // day of the earliest first purchase
	calEnd   int32
	holdEnd  int32
}

// HoldoutCustomer is one calibration customer with the holdout outcome.
type HoldoutCustomer struct {
	Summary
	// HoldoutPurchases is the number of distinct purchase periods in the holdout.
	HoldoutPurchases int
	firstDay         int32
	days             []int32 // distinct purchase periods' days, first purchase excluded
}

// SplitHoldout summarises txns up to opts.CalibrationEnd (required) and
// counts each calibration customer's purchases in (CalibrationEnd,
// holdoutEnd]; a zero holdoutEnd means the last transaction day.
// Customers whose first purchase falls in the holdout are left out, as the
// models say nothing about them.
func SplitHoldout(txns iter.Seq[Transaction], opts Options, holdoutEnd time.Time) (*HoldoutData, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	calEnd, ok := calibrationEndDay(opts)
	if !ok {
		return nil, errors.New("clv: a holdout split needs Options.CalibrationEnd")
	}
	byCustomer := map[string][]int32{}
	var amounts []Transaction
	holdEnd := int32(math.MinInt32)
	if !holdoutEnd.IsZero() {
		holdEnd = dayOf(holdoutEnd)
	}
	for t := range txns {
		day := dayOf(t.At)
		if !holdoutEnd.IsZero() && day > holdEnd {
			continue
		}
		if holdoutEnd.IsZero() {
			holdEnd = max(holdEnd, day)
		}
		byCustomer[t.CustomerID] = append(byCustomer[t.CustomerID], day)
		if day <= calEnd {
			amounts = append(amounts, t)
		}
	}
	if holdEnd <= calEnd {
		return nil, fmt.Errorf("clv: the holdout period is empty (no transactions after %s)", opts.CalibrationEnd.Format(time.DateOnly))
	}
	summaries, err := Summarise(slices.Values(amounts), opts)
	if err != nil {
		return nil, err
	}
	h := &HoldoutData{opts: opts, calEnd: calEnd, holdEnd: holdEnd, start: math.MaxInt32}
	h.Duration = float64(periodOf(holdEnd, opts.period())-periodOf(calEnd, opts.period())) * float64(opts.period()) / float64(opts.unit())
	for _, s := range summaries {
		c := HoldoutCustomer{Summary: s}
		c.days, c.firstDay = distinctPeriodDays(byCustomer[s.CustomerID], opts.period())
		for _, d := range c.days {
			if d > calEnd {
				c.HoldoutPurchases++
			}
		}
		h.start = min(h.start, c.firstDay)
		h.Customers = append(h.Customers, c)
	}
	if len(h.Customers) == 0 {
		return nil, ErrNoCustomers
	}
	return h, nil
}

// distinctPeriodDays sorts days, keeps one per period and splits off the first.
func distinctPeriodDays(days []int32, period Unit) (rest []int32, first int32) {
	slices.Sort(days)
	var out []int32
	for i, d := range days {
		if i > 0 && periodOf(d, period) == periodOf(days[i-1], period) {
			continue
		}
		out = append(out, d)
	}
	return out[1:], out[0]
}

// Evaluation compares a model's holdout forecasts with what happened.
type Evaluation struct {
	Customers int
	// MAE is the mean over customers of |E[holdout purchases] - actual|.
	MAE            float64
	PredictedTotal float64
	ActualTotal    float64
	// Tracking is the aggregate repeat purchases per time unit, calibration
	// and holdout, against the model's unconditional expectation.
	Tracking []TrackingPoint
}

// TrackingPoint is one time unit of the tracking curve.
type TrackingPoint struct {
	Start     time.Time // first day of the unit period
	Holdout   bool      // the period lies after the calibration end
	Actual    float64   // repeat purchases made in the period
	Predicted float64   // Σ over customers of E[X(end-birth)] - E[X(start-birth)]
}

// EvaluateHoldout scores m (fitted on the calibration summaries of h).
func EvaluateHoldout(m PurchaseModel, h *HoldoutData) Evaluation {
	ev := Evaluation{Customers: len(h.Customers)}
	for _, c := range h.Customers {
		pred := m.ExpectedPurchases(c.Summary, h.Duration)
		ev.PredictedTotal += pred
		ev.ActualTotal += float64(c.HoldoutPurchases)
		ev.MAE += math.Abs(pred - float64(c.HoldoutPurchases))
	}
	ev.MAE /= float64(len(h.Customers))
	ev.Tracking = h.tracking(m)
	return ev
}

// tracking builds the curve per time unit from the first purchase to the
// holdout end. Customers are grouped by first-purchase day, since the
// expectation depends only on time since birth.
func (h *HoldoutData) tracking(m PurchaseModel) []TrackingPoint {
	unit := int32(h.opts.unit())
	n := int((h.holdEnd-h.start)/unit) + 1
	points := make([]TrackingPoint, n)
	birthCount := map[int32]float64{}
	for _, c := range h.Customers {
		birthCount[c.firstDay]++
		for _, d := range c.days {
			points[(d-h.start)/unit].Actual++
		}
	}
	u := float64(unit)
	expectedBy := func(day, birth int32) float64 { // E[X] for purchases on days <= day
		if day < birth {
			return 0
		}
		return m.ExpectedPurchasesNew(float64(day-birth) / u)
	}
	// Sorted, so the sums do not depend on map order.
	births := slices.Sorted(maps.Keys(birthCount))
	for k := range points {
		from := h.start + int32(k)*unit
		to := min(from+unit-1, h.holdEnd)
		points[k].Start = civilDate(from)
		points[k].Holdout = from > h.calEnd
		for _, b := range births {
			points[k].Predicted += birthCount[b] * (expectedBy(to, b) - expectedBy(from-1, b))
		}
	}
	return points
}
