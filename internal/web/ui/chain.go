package ui

// The service-profit chain page: the six measures as linked boxes with each
// link's strength and likely range, a sentence per link that says what the
// data shows (never that one causes the other), a scatter per link drawn
// here as SVG, and the teams the cycle-of-mediocrity check has flagged.
// Package chain computes everything; this file lays it out.

import (
	"fmt"
	"math"
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/fresco"
)

type chainView struct {
	By, Period, From, To string
	Lag                  int
	Lags                 []option
	Problem              string
	Result               *chain.Measured
	Boxes                []chainBox
	Links                []chainLinkView
	Alerts               []chain.Alert
}

// chainBox is one measure of the chain and the link that leads on from it.
type chainBox struct {
	Key, Label, Definition string
	Next                   *chainLinkView
}

type chainLinkView struct {
	chain.ChainLink
	FromLabel, ToLabel string
	Plot               *scatter
}

// Figures is the link's r and range as a page shows them.
func (l chainLinkView) Figures() string {
	if l.R == nil {
		return "not enough data"
	}
	return fmt.Sprintf("r = %s (%s to %s)", chain.Decimal(*l.R), chain.Decimal(*l.CILow), chain.Decimal(*l.CIHigh))
}

// definitions say what each measure is, on its box.
var chainDefinitions = map[string]string{
	chain.EmployeeCapability:   "Staff's mean answer (1–5) to “I have the skills, tools and support to deliver what customers want”",
	chain.EmployeeSatisfaction: "Staff's mean answer (1–5) to the pulse's job-satisfaction question",
	chain.EmployeeRetention:    "Share of the staff employed at the start of the period who did not leave in it",
	chain.CustomerSatisfaction: "NPS of the customers' answers in the period (from 10 answers)",
	chain.CustomerLoyalty:      "Share of the period's customers who bought again in the next period",
	chain.Profit:               "Gross profit per customer: net sales minus the cost of goods, over the period's customers",
}

// Chain is the service-profit chain page.
func (u *UI) Chain(w http.ResponseWriter, r *http.Request) {
	if u.chain == nil {
		u.NotFound(w, r)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	view := chainView{By: q.Get("by"), Period: q.Get("period"), From: q.Get("from"), To: q.Get("to")}
	if view.By != chain.ByLocation {
		view.By = chain.ByTeam
	}
	if view.Period != chain.Quarter {
		view.Period = chain.Month
	}
	status := http.StatusOK
	var v fresco.Validation
	if s := q.Get("lag"); s != "" {
		lag, err := strconv.Atoi(s)
		v.Check(err == nil && lag >= 0 && lag <= chain.MaxLag, "lag", "must be 0 to 3 periods")
		view.Lag = lag
	}
	for i := 0; i <= chain.MaxLag; i++ {
		label := "The same " + view.Period
		if i > 0 {
			label = fmt.Sprintf("%d %s%s later", i, view.Period, map[bool]string{true: "s", false: ""}[i > 1])
		}
		view.Lags = append(view.Lags, option{Value: strconv.Itoa(i), Label: label, Selected: i == view.Lag})
	}
	err := v.Err()
	if err == nil {
		view.Result, err = u.chain.Measure(ctx, chain.Query{By: view.By, Period: view.Period, From: view.From, To: view.To, Lag: view.Lag})
	}
	if code := fresco.ErrorCode(err); code == fresco.EINVALID {
		view.Problem, status = invalidMessage(err), http.StatusUnprocessableEntity
	} else if err != nil {
		u.fail(w, r, err)
		return
	}
	if view.Result != nil {
		view.From, view.To = view.Result.From, view.Result.To
		for _, l := range view.Result.Links {
			view.Links = append(view.Links, chainLinkView{ChainLink: l, FromLabel: chain.Label(l.From), ToLabel: chain.Label(l.To),
				Plot: scatterOf(l, u.format().Money)})
		}
	}
	for i, m := range chain.Measures {
		b := chainBox{Key: m, Label: chain.Label(m), Definition: chainDefinitions[m]}
		if i < len(view.Links) && i+1 < len(chain.Measures) {
			b.Next = &view.Links[i]
		}
		view.Boxes = append(view.Boxes, b)
	}
	if view.Alerts, err = u.chain.Alerts(ctx); err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, status, "chain", "The service-profit chain", view)
}

// scatter is a link's points laid out in a 320 × 220 plot.
type scatter struct {
	Points                 []scatterPoint
	XMin, XMax, YMin, YMax string
	XLabel, YLabel         string
}

type scatterPoint struct {
	X, Y  float64
	Title string
}

const (
	plotLeft, plotRight, plotTop, plotBottom = 44.0, 312.0, 10.0, 180.0
)

// scatterOf lays out a link's points; nil when it has none.
func scatterOf(l chain.ChainLink, money func(fresco.Money) string) *scatter {
	if len(l.Points) == 0 {
		return nil
	}
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, p := range l.Points {
		xmin, xmax, ymin, ymax = math.Min(xmin, p.X), math.Max(xmax, p.X), math.Min(ymin, p.Y), math.Max(ymax, p.Y)
	}
	pad := func(lo, hi float64) (float64, float64) {
		if hi-lo < 1e-9 {
			return lo - 1, hi + 1
		}
		d := (hi - lo) * 0.05
		return lo - d, hi + d
	}
	x0, x1 := pad(xmin, xmax)
	y0, y1 := pad(ymin, ymax)
	s := &scatter{XMin: axisNumber(l.From, xmin, money), XMax: axisNumber(l.From, xmax, money), YMin: axisNumber(l.To, ymin, money), YMax: axisNumber(l.To, ymax, money),
		XLabel: chain.Label(l.From), YLabel: chain.Label(l.To)}
	for _, p := range l.Points {
		s.Points = append(s.Points, scatterPoint{
			X:     math.Round((plotLeft+(p.X-x0)/(x1-x0)*(plotRight-plotLeft))*10) / 10,
			Y:     math.Round((plotBottom-(p.Y-y0)/(y1-y0)*(plotBottom-plotTop))*10) / 10,
			Title: fmt.Sprintf("%s, %s: %s and %s", p.Unit, p.Period, axisNumber(l.From, p.X, money), axisNumber(l.To, p.Y, money)),
		})
	}
	return s
}

// axisNumber writes a measure's value as people read it: profit as an
// amount in the business's currency, not "392.13".
func axisNumber(measure string, v float64, money func(fresco.Money) string) string {
	switch measure {
	case chain.EmployeeRetention, chain.CustomerLoyalty:
		return strconv.FormatFloat(100*v, 'f', 0, 64) + "%"
	case chain.CustomerSatisfaction:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case chain.Profit:
		return money(fresco.Money(math.Round(v * 100)))
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}
