package ui

// The Customer Value Equation (feedback.ValueEquation) in the UI: a card
// on the Lifetime value page and the Feedback dashboard (the index with its
// interval, its trend and what moves it), and the page /value/equation with
// the index by location, segment, RFM segment, month or customer.

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// veCard is the value-equation card and, with Groups, the page.
type veCard struct {
	Report *feedback.ValueEquationReport
	Link   string // the full page for the same period
	Change string // the last month against the one before, in words
	// TopNPS and TopRepurchase name the item that moves each most, or say
	// why none can be named yet.
	TopNPS, TopRepurchase string
}

// Interval is an index with its interval and n, for the template.
func (veCard) Interval(m stats.Mean) string {
	switch {
	case m.NoData:
		return "–"
	case m.N < 2:
		return fmt.Sprintf("%.2f (one answer)", m.Mean)
	}
	return fmt.Sprintf("%.2f (%.2f to %.2f)", m.Mean, m.CILow, m.CIHigh)
}

// valueEquationCard reads the report for f.
func (u *UI) valueEquationCard(ctx context.Context, f store.ResponseFilter, by string) (*veCard, error) {
	r, err := u.feedback.ValueEquation(ctx, f, by)
	if err != nil {
		return nil, err
	}
	q := url.Values{}
	if !f.From.IsZero() {
		q.Set("from", f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		q.Set("to", f.To.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	c := &veCard{Report: r, Link: "/value/equation?" + q.Encode(),
		TopNPS: strongest(r.Drivers.NPS, "NPS"), TopRepurchase: strongest(r.Drivers.Repurchase, "buying again")}
	if ch := r.Change; ch != nil && ch.Comparable {
		word := "no significant change"
		if ch.Significant {
			word = "a significant change"
		}
		c.Change = fmt.Sprintf("Last month against the one before: %+.2f, %s at 95%%.", ch.Difference, word)
	}
	return c, nil
}

// strongest names the item that moves the outcome most, in words: the
// rank correlation is the "link" and Pearson's r the "straight-line
// link", as the feedback page's drivers table names them.
func strongest(a stats.DriverAnalysis, outcome string) string {
	if len(a.Drivers) == 0 {
		return fmt.Sprintf("Too few answers yet to tell which item moves %s (at least %d per item).", outcome, stats.MinDriverN)
	}
	d := a.Drivers[0]
	return fmt.Sprintf("%s moves %s most: a link of %.2f over %d answers (straight-line link %.2f, likely between %.2f and %.2f).",
		label(d.Item), outcome, d.Spearman, d.N, d.Pearson, d.PearsonCILow, d.PearsonCIHigh)
}

// veGroupings are the page's groupings, in the order offered.
var veGroupings = []fbOption{{Value: "location", Label: "Location"}, {Value: "segment", Label: "New or repeat"},
	{Value: "rfm", Label: "Lifetime-value segment"}, {Value: "period", Label: "Month"}, {Value: "customer", Label: "Customer"}}

type vePage struct {
	From, To, By string
	ByLabel      string // the grouping in words
	Problem      string
	Groupings    []fbOption
	Card         *veCard
}

// ValueEquation is GET /value/equation.
func (u *UI) ValueEquation(w http.ResponseWriter, r *http.Request) {
	v := vePage{By: r.URL.Query().Get("by")}
	if v.By == "" {
		v.By = store.ValueByLocation
	}
	for _, g := range veGroupings {
		g.Selected = g.Value == v.By
		if g.Selected {
			v.ByLabel = g.Label
		}
		v.Groupings = append(v.Groupings, g)
	}
	from, to, err := u.reportPeriod(r, &v.From, &v.To)
	if err == nil {
		v.Card, err = u.valueEquationCard(r.Context(), store.ResponseFilter{From: from, To: to.AddDate(0, 0, 1)}, v.By)
	}
	if fresco.ErrorCode(err) == fresco.EINVALID {
		v.Problem = invalidMessage(err)
		u.render(w, r, http.StatusUnprocessableEntity, "value_equation", "Customer Value Equation", v)
		return
	} else if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "value_equation", "Customer Value Equation", v)
}
