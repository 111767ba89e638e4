package ui

// The sources page (value.Service.Sources): what each acquisition source
// cost and returned in a period — CAC, CLV ÷ CAC and payback by source and
// month, drawn on the server as SVG — and the sources that lose money, in
// words.

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

type sourcesView struct {
	From, To string
	Problem  string
	Report   *value.SourceEconomics
	Losing   []string
	Charts   []barChart // CAC, CLV ÷ CAC and payback by source
	Trend    *lineChart // CAC by source and month
	money    func(fresco.Money) string
}

// Money formats cents the business's way.
func (v sourcesView) Money(m *fresco.Money) string {
	if m == nil {
		return "–"
	}
	return v.money(*m)
}

// Spend formats a source's spend.
func (v sourcesView) Spend(f value.SourceFigures) string { return v.money(f.Spend) }

// Cents formats an interval's value in cents.
func (v sourcesView) Cents(in *value.Interval) string {
	if in == nil {
		return "–"
	}
	s := v.money(fresco.Money(math.Round(in.Value)))
	if in.Low != nil && in.High != nil {
		s += fmt.Sprintf(" (%s to %s)", v.money(fresco.Money(math.Round(*in.Low))), v.money(fresco.Money(math.Round(*in.High))))
	}
	return s
}

// Ratio formats an interval's value as a number.
func (v sourcesView) Ratio(in *value.Interval) string {
	if in == nil {
		return "–"
	}
	s := fmt.Sprintf("%.2f", in.Value)
	switch {
	case in.Low != nil && in.High != nil:
		s += fmt.Sprintf(" (%.2f to %.2f)", *in.Low, *in.High)
	case in.Low != nil:
		s += fmt.Sprintf(" (%.2f or more)", *in.Low)
	}
	return s
}

// barChart is one horizontal bar chart: a bar per source.
type barChart struct {
	ID, Title, Note string
	Height          int
	Bars            []bar
	Line            *float64 // x of a reference line (CLV ÷ CAC = 1), nil when none
}

type bar struct {
	Label, Text                 string
	TextY, RectY, Width, ValueX int
	Bad, Empty                  bool
}

// lineChart is CAC over months, a polyline per source.
type lineChart struct {
	Width, Height int
	Months        []axisLabel
	Series        []series
	Max           string
}

type axisLabel struct {
	X    int
	Text string
}

type series struct {
	Name, Points, Colour string
}

const chartWidth, labelWidth, barRow = 480, 140, 22

// ValueSources is GET /value/sources.
func (u *UI) ValueSources(w http.ResponseWriter, r *http.Request) {
	format := u.format()
	v := sourcesView{money: format.Money}
	from, to, err := u.reportPeriod(r, &v.From, &v.To)
	if err == nil {
		v.Report, err = u.value.Sources(r.Context(), from, to)
	}
	if fresco.ErrorCode(err) == fresco.EINVALID {
		v.Problem = invalidMessage(err)
		u.render(w, r, http.StatusUnprocessableEntity, "value_sources", "Sources of customers", v)
		return
	} else if err != nil {
		u.fail(w, r, err)
		return
	}
	v.Losing = v.Report.Losing(format.Money)
	v.Charts = sourceCharts(v.Report, format.Money)
	v.Trend = cacTrend(v.Report, format.Money)
	u.render(w, r, http.StatusOK, "value_sources", "Sources of customers", v)
}

// sourceCharts draws CAC, CLV ÷ CAC and payback, a bar per source.
func sourceCharts(r *value.SourceEconomics, money func(fresco.Money) string) []barChart {
	type metric struct {
		id, title, note string
		value           func(value.SourceFigures) (float64, string, bool)
		line            float64
	}
	metrics := []metric{
		{"chart-cac", "Cost per new customer (CAC)", "Spend ÷ new customers in the period.", func(f value.SourceFigures) (float64, string, bool) {
			if f.CAC == nil {
				return 0, "no new customer", false
			}
			return float64(*f.CAC), money(*f.CAC), true
		}, 0},
		{"chart-clv-cac", "Lifetime value ÷ CAC", "Below 1 (the line) the customers are expected to be worth less than they cost.", func(f value.SourceFigures) (float64, string, bool) {
			if f.CLVToCAC == nil {
				return 0, "–", false
			}
			return f.CLVToCAC.Value, fmt.Sprintf("%.2f", f.CLVToCAC.Value), true
		}, 1},
		{"chart-payback", "Payback (months)", "Months of the new customers' gross profit that repay their CAC.", func(f value.SourceFigures) (float64, string, bool) {
			if f.PaybackMonths == nil {
				return 0, "–", false
			}
			return f.PaybackMonths.Value, fmt.Sprintf("%.1f", f.PaybackMonths.Value), true
		}, 0},
	}
	var out []barChart
	for _, m := range metrics {
		c := barChart{ID: m.id, Title: m.title, Note: m.note, Height: len(r.Sources)*barRow + 4}
		top := m.line
		for _, f := range r.Sources {
			if x, _, ok := m.value(f); ok {
				top = math.Max(top, x)
			}
		}
		scale := 0.0
		if top > 0 {
			scale = float64(chartWidth-labelWidth-90) / top
		}
		for i, f := range r.Sources {
			x, text, ok := m.value(f)
			width := int(math.Max(0, x) * scale)
			c.Bars = append(c.Bars, bar{Label: f.Source, Text: text, TextY: i*barRow + 15, RectY: i*barRow + 4, Width: width,
				ValueX: labelWidth + 4 + width, Bad: f.LosesMoney(), Empty: !ok})
		}
		if m.line > 0 {
			x := float64(labelWidth) + m.line*scale
			c.Line = &x
		}
		out = append(out, c)
	}
	return out
}

var seriesColours = []string{"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4d7c0f", "#be185d"}

// cacTrend draws each source's CAC month by month; a month without new
// customers (no CAC) has no point.
func cacTrend(r *value.SourceEconomics, money func(fresco.Money) string) *lineChart {
	if len(r.Months) == 0 {
		return nil
	}
	c := &lineChart{Width: chartWidth, Height: 200}
	top := fresco.Money(0)
	for _, m := range r.Months {
		for _, f := range m.Sources {
			if f.CAC != nil && *f.CAC > top {
				top = *f.CAC
			}
		}
	}
	c.Max = money(top)
	step := float64(chartWidth-60) / math.Max(1, float64(len(r.Months)-1))
	for i, m := range r.Months {
		if len(r.Months) <= 12 || i%3 == 0 {
			c.Months = append(c.Months, axisLabel{X: 40 + int(float64(i)*step), Text: m.Month.Format("Jan 06")})
		}
	}
	for s, f := range r.Sources {
		var pts []string
		for i, m := range r.Months {
			if cac := m.Sources[s].CAC; cac != nil && top > 0 {
				y := 180 - int(float64(*cac)/float64(top)*160)
				pts = append(pts, fmt.Sprintf("%d,%d", 40+int(float64(i)*step), y))
			}
		}
		c.Series = append(c.Series, series{Name: f.Source, Points: strings.Join(pts, " "), Colour: seriesColours[s%len(seriesColours)]})
	}
	return c
}

// reportPeriod reads a report page's from and to dates (YYYY-MM-DD, to
// inclusive; by default the year up to today, UTC), and sets the form's
// texts to the dates used.
func (u *UI) reportPeriod(r *http.Request, fromText, toText *string) (from, to time.Time, err error) {
	q := r.URL.Query()
	today := u.now().UTC()
	to = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	var v fresco.Validation
	if s := strings.TrimSpace(q.Get("to")); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		v.Check(err == nil, "to", "%q is not a date like 2025-12-31", s)
		to = t
	}
	from = to.AddDate(-1, 0, 1)
	if s := strings.TrimSpace(q.Get("from")); s != "" {
		t, err := time.Parse(time.DateOnly, s)
		v.Check(err == nil, "from", "%q is not a date like 2025-01-01", s)
		from = t
	}
	v.Check(!to.After(from.AddDate(10, 0, 0)), "from", "the period is longer than ten years")
	*fromText, *toText = from.Format(time.DateOnly), to.Format(time.DateOnly)
	return from, to, v.Err()
}
