package ui

// The acquisition-vs-retention page (value.Service.AcquisitionRetention):
// what the period's acquisition spend won beside what its retention spend
// kept, and the what-if with its assumptions editable and printed in words.

import (
	"fmt"
	"math"
	"net/http"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

type retentionView struct {
	From, To        string
	Move, Lift, CAC string // the what-if's assumptions as typed
	Problem         string
	Report          *value.AcquisitionRetention
	Assumptions     []string
	money           func(fresco.Money) string
}

// Money formats cents, "–" for none.
func (v retentionView) Money(m *fresco.Money) string {
	if m == nil {
		return "–"
	}
	return v.money(*m)
}

// Cents formats a figure in cents, "–" for none.
func (v retentionView) Cents(x *float64) string {
	if x == nil {
		return "–"
	}
	return v.money(fresco.Money(math.Round(*x)))
}

// Total formats a sum of cents.
func (v retentionView) Total(x float64) string { return v.Cents(&x) }

// Signed formats a change in cents with its sign.
func (v retentionView) Signed(x float64) string {
	s := v.Total(x)
	if math.Round(x) > 0 {
		s = "+" + s
	}
	return s
}

// Count formats an expected number of customers.
func (v retentionView) Count(x float64) string { return fmt.Sprintf("%.1f", x) }

// SignedCount formats a change in customers with its sign.
func (v retentionView) SignedCount(x float64) string { return fmt.Sprintf("%+.1f", x) }

// HistoryLift says what the history suggests, in words.
func (v retentionView) HistoryLift() string {
	h := v.Report.WhatIf.History
	switch {
	case h.Lift == nil:
		return fmt.Sprintf("%d months of history cannot give a slope (too few, or retention spend never varied).", h.Months)
	case h.SE != nil:
		return fmt.Sprintf("The history (%d months) suggests %.4g percentage points (standard error %.2g).", h.Months, *h.Lift, *h.SE)
	}
	return fmt.Sprintf("The history (%d months) suggests %.4g percentage points.", h.Months, *h.Lift)
}

// ValueAcquisitionRetention is GET /value/acquisition-retention.
func (u *UI) ValueAcquisitionRetention(w http.ResponseWriter, r *http.Request) {
	format := u.format()
	q := r.URL.Query()
	v := retentionView{money: format.Money, Move: q.Get("move"), Lift: q.Get("retention_lift"), CAC: q.Get("cac")}
	from, to, err := u.reportPeriod(r, &v.From, &v.To)
	var in value.WhatIfInput
	if err == nil {
		in, err = value.ParseWhatIf("", v.Move, v.Lift, v.CAC)
	}
	if err == nil {
		v.Report, err = u.value.AcquisitionRetention(r.Context(), from, to, in)
	}
	const title = "Acquisition vs retention"
	if fresco.ErrorCode(err) == fresco.EINVALID {
		v.Problem = invalidMessage(err)
		u.render(w, r, http.StatusUnprocessableEntity, "value_retention", title, v)
		return
	} else if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Assumptions = v.Report.Assumptions(format.Money)
	u.render(w, r, http.StatusOK, "value_retention", title, v)
}

// Neg is -x, for the customers a what-if gives up.
func (retentionView) Neg(x float64) float64 { return -x }
