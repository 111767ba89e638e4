package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserCalibration: the owner goes from the lifetime-value page to
// the calibration page, sees the tracking plot (actual and three models'
// cumulative repeat purchases, the calibration end marked) and a decile
// chart per model, with the model in use chosen automatically; follows
// "Choose the model" to the settings, picks "Stop at any moment", and
// after the next refit the page names it as the owner's choice.
func TestBrowserCalibration(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	if _, err := demo.Generate(ctx, db, demo.Options{Customers: 200, End: time.Now().UTC(), Seed: 11}); err != nil {
		t.Fatal(err)
	}
	seed(t, db)
	a := apptest.New(t, db)
	if _, err := a.Value.Refit(ctx); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(a.Server)
	defer func() {
		ts.CloseClientConnections()
		ts.Close()
	}()

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(ts.URL+"/"))
	st.login("olivia@example.com")
	load("open the lifetime-value page", chromedp.Navigate(ts.URL+"/value"))
	load("follow the link to the calibration page", chromedp.Click(chromedp.ID("value-calibration-link")))

	if got := text("#model-in-use"); !strings.Contains(got, "Automatic: the model with the smallest error") {
		t.Errorf("model in use: %q", got)
	}
	drawn := st.get("measure the charts", chromedp.Evaluate[string](`[
		document.querySelectorAll("#chart-tracking polyline").length,
		document.querySelectorAll("#chart-tracking #calibration-end").length,
		document.querySelectorAll("svg.deciles").length,
		document.querySelectorAll("svg.deciles rect").length,
		Math.round(document.getElementById("chart-tracking").getBoundingClientRect().height) > 100,
		document.querySelectorAll("#calibration-table tr.in-use").length].join("/")`))
	if drawn != "4/1/3/60/true/1" {
		t.Errorf("tracking lines / calibration end / decile charts / bars / drawn / in use = %s, want 4/1/3/60/true/1", drawn)
	}
	// The curves end where the data does: the actual line's last point is
	// at the top of its range, on the chart.
	if got := st.get("read the actual curve", chromedp.Evaluate[string](`document.querySelector("#chart-tracking polyline.actual").getAttribute("points").split(" ").length + ""`)); got == "0" || got == "1" {
		t.Errorf("the actual curve has %s points", got)
	}

	load("choose the model", chromedp.Click(chromedp.ID("choose-model")))
	do("pick: stop at any moment", chromedp.SetValue(chromedp.ID("clv_model"), "paretonbd"))
	load("save the settings", chromedp.Click(chromedp.ID("settings-save")))
	if _, err := a.Value.Refit(ctx); err != nil { // the nightly refit
		t.Fatal(err)
	}
	load("back to the calibration page", chromedp.Navigate(ts.URL+"/value/calibration"))
	if got := text("#model-in-use"); !strings.Contains(got, "Model in use: Stop at any moment") || !strings.Contains(got, "Chosen by the owner") {
		t.Errorf("after the owner's choice: %q", got)
	}
	if got := text(`#calibration-table tr.in-use`); !strings.Contains(strings.ToLower(got), "stop at any moment") { // th may be upper case
		t.Errorf("the table's model in use: %q", got)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
