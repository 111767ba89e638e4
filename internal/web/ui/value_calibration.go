package ui

// The calibration page (value.Service.Calibration): how well each purchase
// model forecast a holdout of the business's own purchases it was not
// fitted on — the tracking plot of cumulative repeat purchases, the mean
// absolute error, and predicted against actual purchases by decile —
// worked out at the refit and drawn here as SVG.

import (
	"fmt"
	"math"
	"net/http"
	"strings"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/value"
)

type calibrationView struct {
	Cal       *value.Calibration
	NoRefit   bool
	CanChoose bool // owners change the model in the settings
	Tracking  *trackingChart
	Deciles   []decileChart
	format    fresco.Formatter
}

// Count formats a number of customers the business's way.
func (v calibrationView) Count(n int) string { return v.format.Integer(int64(n)) }

// ModelName names a model in words (modelWords).
func (v calibrationView) ModelName() map[string]string { return modelWords }

// Why says in words why the model in use is used.
func (v calibrationView) Why() string {
	switch {
	case v.Cal.Choice != value.ModelAuto:
		return "Chosen by the owner in the settings, whatever the check below says."
	case v.Cal.Skipped != "":
		return "Automatic, but there was no check to choose by, so the usual model (" + modelWords[value.ModelBGNBD] + ") is used."
	}
	return "Automatic: the model with the smallest error on the holdout below."
}

// modelWords name the purchase models by what tells them apart: when a
// customer may stop buying for good (the literature's BG/NBD, MBG/NBD and
// Pareto/NBD, names a manager has no use for).
var modelWords = map[string]string{
	value.ModelBGNBD:     "Stop after a purchase",
	value.ModelMBGNBD:    "Stop after any purchase, even the first",
	value.ModelParetoNBD: "Stop at any moment",
}

// Fixed formats x with d decimals.
func (v calibrationView) Fixed(x float64, d int) string { return fmt.Sprintf("%.*f", d, x) }

// Off is the model's total holdout forecast against the actual, in words.
func (v calibrationView) Off(m value.ModelCalibration) string {
	if m.Actual == 0 {
		return "–"
	}
	d := (m.Predicted - m.Actual) / m.Actual * 100
	if math.Abs(d) < 0.05 {
		return "on the mark"
	}
	if d < 0 {
		return fmt.Sprintf("%.1f%% under", -d)
	}
	return fmt.Sprintf("%.1f%% over", d)
}

// trackingChart is the tracking plot: cumulative repeat purchases week by
// week, the actual and each model's expectation, with the calibration end
// marked.
type trackingChart struct {
	Width, Height int
	Bottom        int // y of the time axis
	Split         int // x of the calibration end
	Top           string
	Ticks         []axisLabel
	Actual        string // polyline points
	Models        []series
}

// decileChart is one model's predicted and actual mean holdout purchases by
// decile of predicted purchases: a pair of bars per decile.
type decileChart struct {
	ID, Name string
	InUse    bool
	Height   int
	Bottom   int
	Top      string
	Bars     []decileBar
}

type decileBar struct {
	Label                       string
	X, PredY, PredH, ActY, ActH int
	Predicted, Actual           string
}

const calWidth, calHeight, calLeft = 640, 260, 48

// ValueCalibration is GET /value/calibration.
func (u *UI) ValueCalibration(w http.ResponseWriter, r *http.Request) {
	v := calibrationView{format: u.format(), CanChoose: auth.Allowed(viewerFrom(r.Context()).Role, auth.ManageUsers)}
	cal, err := u.value.Calibration(r.Context())
	switch {
	case fresco.ErrorCode(err) == fresco.ENOTFOUND:
		v.NoRefit = true
	case err != nil:
		u.fail(w, r, err)
		return
	default:
		v.Cal = cal
		v.Tracking = trackingPlot(cal)
		for _, m := range cal.Models {
			if c := decilePlot(m); c != nil {
				v.Deciles = append(v.Deciles, *c)
			}
		}
	}
	u.render(w, r, http.StatusOK, "value_calibration", "Can the forecasts be trusted?", v)
}

// trackingPlot draws the cumulative curves; nil when nothing was scored.
func trackingPlot(cal *value.Calibration) *trackingChart {
	var weeks []value.TrackingWeek
	for _, m := range cal.Models {
		if len(m.Tracking) > 0 {
			weeks = m.Tracking
			break
		}
	}
	if len(weeks) == 0 {
		return nil
	}
	c := &trackingChart{Width: calWidth, Height: calHeight, Bottom: calHeight - 24}
	top := weeks[len(weeks)-1].CumActual
	for _, m := range cal.Models {
		if n := len(m.Tracking); n > 0 {
			top = math.Max(top, m.Tracking[n-1].CumPredicted)
		}
	}
	top = math.Max(top, 1)
	c.Top = fmt.Sprintf("%.0f", top)
	step := float64(calWidth-calLeft-8) / math.Max(1, float64(len(weeks)-1))
	x := func(i int) int { return calLeft + int(float64(i)*step) }
	y := func(v float64) int { return c.Bottom - int(v/top*float64(c.Bottom-16)) }
	line := func(value func(value.TrackingWeek) float64, ws []value.TrackingWeek) string {
		pts := make([]string, len(ws))
		for i, w := range ws {
			pts[i] = fmt.Sprintf("%d,%d", x(i), y(value(w)))
		}
		return strings.Join(pts, " ")
	}
	c.Actual = line(func(w value.TrackingWeek) float64 { return w.CumActual }, weeks)
	for i, m := range cal.Models {
		if len(m.Tracking) == len(weeks) {
			c.Models = append(c.Models, series{Name: modelWords[m.Model], Colour: seriesColours[i%len(seriesColours)],
				Points: line(func(w value.TrackingWeek) float64 { return w.CumPredicted }, m.Tracking)})
		}
	}
	labelEvery := max(1, len(weeks)/6)
	for i, w := range weeks {
		if !w.Holdout && i+1 < len(weeks) && weeks[i+1].Holdout {
			c.Split = x(i + 1)
		}
		if i%labelEvery == 0 && x(i) <= calWidth-36 { // a date needs room either side
			c.Ticks = append(c.Ticks, axisLabel{X: x(i), Text: w.Start})
		}
	}
	return c
}

// decilePlot draws a model's deciles; nil for a model not scored.
func decilePlot(m value.ModelCalibration) *decileChart {
	if len(m.Deciles) == 0 {
		return nil
	}
	c := &decileChart{ID: "deciles-" + m.Model, Name: modelWords[m.Model], InUse: m.InUse, Height: 200, Bottom: 176}
	top := 0.0
	for _, d := range m.Deciles {
		top = math.Max(top, math.Max(d.Predicted, d.Actual))
	}
	top = math.Max(top, 0.01)
	c.Top = fmt.Sprintf("%.2f", top)
	slot := (calWidth - calLeft) / len(m.Deciles)
	h := func(v float64) int { return int(v / top * float64(c.Bottom-16)) }
	for i, d := range m.Deciles {
		b := decileBar{Label: fmt.Sprint(d.Decile), X: calLeft + i*slot, PredH: h(d.Predicted), ActH: h(d.Actual),
			Predicted: fmt.Sprintf("%.2f", d.Predicted), Actual: fmt.Sprintf("%.2f", d.Actual)}
		b.PredY, b.ActY = c.Bottom-b.PredH, c.Bottom-b.ActH
		c.Bars = append(c.Bars, b)
	}
	return c
}
