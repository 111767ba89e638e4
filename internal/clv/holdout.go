package clv

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"
)

// HoldoutData is a purchase history split at a calibration end: the
// calibration summaries, what each of those customers did afterwards, and
// the aggregate counts a tracking curve needs. SplitHoldout builds it from
// a transaction log; a caller that streams its purchases and cannot hold
// the log (Fresco's refit) builds the same thing with a HoldoutBuilder.
type HoldoutData struct {
	Customers []HoldoutCustomer
	// Duration is the holdout length (CalibrationEnd, HoldoutEnd] in the unit.
	Duration float64
	unit     int32 // days in the unit
	start    int32 // day of the earliest first purchase
	calEnd   int32
	holdEnd  int32
	births   map[int32]float64 // first-purchase day → calibration customers
	repeats  map[int32]float64 // day → repeat purchase periods of calibration customers
}

// HoldoutCustomer is one calibration customer with the holdout outcome.
type HoldoutCustomer struct {
	Summary
	// HoldoutPurchases is the number of distinct purchase periods in the holdout.
	HoldoutPurchases int
}

// CalibrationEnd and HoldoutEnd are the split's last days (inclusive).
func (h *HoldoutData) CalibrationEnd() time.Time { return civilDate(h.calEnd) }

// HoldoutEnd is the last day of the holdout (inclusive).
func (h *HoldoutData) HoldoutEnd() time.Time { return civilDate(h.holdEnd) }

// Summaries returns the calibration summaries, the input of the fits to
// evaluate.
func (h *HoldoutData) Summaries() []Summary {
	out := make([]Summary, len(h.Customers))
	for i := range h.Customers {
		out[i] = h.Customers[i].Summary
	}
	return out
}

// HoldoutBuilder assembles a HoldoutData from per-customer figures and
// aggregate counts, for callers that summarise purchases themselves. Days
// are day numbers: days since 1970-01-01 (DayNumber).
type HoldoutBuilder struct {
	h *HoldoutData
}

// NewHoldoutBuilder starts a split with the calibration ending on day
// calEnd and the holdout on day holdEnd (both inclusive); summaries are in
// unit (zero: Week).
func NewHoldoutBuilder(unit Unit, calEnd, holdEnd int32) (*HoldoutBuilder, error) {
	opts := Options{Unit: unit}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if holdEnd <= calEnd {
		return nil, fmt.Errorf("clv: the holdout period is empty (it ends %s, the calibration %s)",
			civilDate(holdEnd).Format(time.DateOnly), civilDate(calEnd).Format(time.DateOnly))
	}
	u := int32(opts.unit())
	return &HoldoutBuilder{h: &HoldoutData{unit: u, calEnd: calEnd, holdEnd: holdEnd, start: math.MaxInt32,
		Duration: float64(holdEnd-calEnd) / float64(u), births: map[int32]float64{}, repeats: map[int32]float64{}}}, nil
}

// AddCustomer adds a calibration customer: their summary at the
// calibration end, their purchase periods in the holdout, and the day of
// their first purchase (on or before the calibration end).
func (b *HoldoutBuilder) AddCustomer(s Summary, holdoutPurchases int, firstDay int32) {
	b.h.Customers = append(b.h.Customers, HoldoutCustomer{Summary: s, HoldoutPurchases: holdoutPurchases})
	b.h.births[firstDay]++
	b.h.start = min(b.h.start, firstDay)
}

// AddRepeats counts n repeat purchase periods (every purchase period but a
// customer's first) of calibration customers on day, calibration or
// holdout; days after the holdout are ignored.
func (b *HoldoutBuilder) AddRepeats(day int32, n float64) {
	if day <= b.h.holdEnd {
		b.h.repeats[day] += n
	}
}

// Data returns the split; the builder must not be used afterwards.
func (b *HoldoutBuilder) Data() (*HoldoutData, error) {
	if len(b.h.Customers) == 0 {
		return nil, ErrNoCustomers
	}
	return b.h, nil
}

// DayNumber is the day number of t's calendar date in t's location: days
// since 1970-01-01.
func DayNumber(t time.Time) int32 { return dayOf(t) }

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
	// Whole periods: the holdout counts purchase periods after the one
	// the calibration ends in.
	p := opts.period()
	b, err := NewHoldoutBuilder(opts.unit(), calEnd, holdEnd)
	if err != nil {
		return nil, err
	}
	b.h.Duration = float64(periodOf(holdEnd, p)-periodOf(calEnd, p)) * float64(p) / float64(opts.unit())
	for _, s := range summaries {
		days, first := distinctPeriodDays(byCustomer[s.CustomerID], p)
		held := 0
		for _, d := range days {
			if d > calEnd {
				held++
			}
			b.AddRepeats(d, 1)
		}
		b.AddCustomer(s, held, first)
	}
	return b.Data()
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
	// Deciles groups the customers by their predicted holdout purchases
	// into ten groups of equal size (the first the lowest predictions).
	Deciles []Decile
}

// TrackingPoint is one time unit of the tracking curve.
type TrackingPoint struct {
	Start     time.Time // first day of the unit period
	Holdout   bool      // the period lies after the calibration end
	Actual    float64   // repeat purchases made in the period
	Predicted float64   // Σ over customers of E[X(end-birth)] - E[X(start-birth)]
}

// Decile is one tenth of the customers ranked by predicted holdout
// purchases, with the mean predicted and actual purchases in it.
type Decile struct {
	Customers int
	Predicted float64 // mean E[holdout purchases]
	Actual    float64 // mean holdout purchases
}

// EvaluateHoldout scores m (fitted on the calibration summaries of h).
func EvaluateHoldout(m PurchaseModel, h *HoldoutData) Evaluation {
	ev := Evaluation{Customers: len(h.Customers)}
	pred := h.predictions(m)
	for i := range h.Customers {
		actual := float64(h.Customers[i].HoldoutPurchases)
		ev.PredictedTotal += pred[i]
		ev.ActualTotal += actual
		ev.MAE += math.Abs(pred[i] - actual)
	}
	ev.MAE /= float64(len(h.Customers))
	ev.Deciles = h.deciles(pred)
	ev.Tracking = h.tracking(m)
	return ev
}

// predictions is each customer's E[holdout purchases], computed once per
// distinct (x, t_x, T): a business's customers share a handful of ages
// and recencies, counted in days.
func (h *HoldoutData) predictions(m PurchaseModel) []float64 {
	type key struct {
		x    int
		r, t float64
	}
	seen := map[key]float64{}
	out := make([]float64, len(h.Customers))
	for i := range h.Customers {
		s := &h.Customers[i].Summary
		k := key{s.Frequency, s.Recency, s.T}
		p, ok := seen[k]
		if !ok {
			p = m.ExpectedPurchases(*s, h.Duration)
			seen[k] = p
		}
		out[i] = p
	}
	return out
}

// deciles ranks customers by prediction (ties in input order) and cuts
// the ranking into ten groups whose sizes differ by at most one.
func (h *HoldoutData) deciles(pred []float64) []Decile {
	n := len(pred)
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return cmp.Or(cmp.Compare(pred[a], pred[b]), cmp.Compare(a, b)) })
	groups := min(10, n)
	out := make([]Decile, groups)
	for rank, i := range idx {
		d := &out[rank*groups/n]
		d.Customers++
		d.Predicted += pred[i]
		d.Actual += float64(h.Customers[i].HoldoutPurchases)
	}
	for k := range out {
		out[k].Predicted /= float64(out[k].Customers)
		out[k].Actual /= float64(out[k].Customers)
	}
	return out
}

// tracking builds the curve per time unit from the first purchase to the
// holdout end. Customers are grouped by first-purchase day, since the
// expectation depends only on time since birth; it is worked out once per
// number of days since birth.
func (h *HoldoutData) tracking(m PurchaseModel) []TrackingPoint {
	unit := h.unit
	n := int((h.holdEnd-h.start)/unit) + 1
	points := make([]TrackingPoint, n)
	for day, c := range h.repeats {
		if day >= h.start {
			points[(day-h.start)/unit].Actual += c
		}
	}
	u := float64(unit)
	byAge := make([]float64, h.holdEnd-h.start+1)
	for age := range byAge {
		byAge[age] = m.ExpectedPurchasesNew(float64(age) / u)
	}
	expectedBy := func(day, birth int32) float64 { // E[X] for purchases on days <= day
		if day < birth {
			return 0
		}
		return byAge[day-birth]
	}
	// Sorted, so the sums do not depend on map order.
	births := make([]int32, 0, len(h.births))
	for b := range h.births {
		births = append(births, b)
	}
	slices.Sort(births)
	for k := range points {
		from := h.start + int32(k)*unit
		to := min(from+unit-1, h.holdEnd)
		points[k].Start = civilDate(from)
		points[k].Holdout = from > h.calEnd
		for _, b := range births {
			points[k].Predicted += h.births[b] * (expectedBy(to, b) - expectedBy(from-1, b))
		}
	}
	return points
}
