package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
)

// miningCSV: three cases Register→Decide→Pay (Decide→Pay waits 2 hours),
// one Register→Pay, the rare path.
const miningCSV = "case:concept:name,concept:name,time:timestamp\n" +
	"c1,Register,2025-01-06T08:00:00Z\nc1,Decide,2025-01-06T09:00:00Z\nc1,Pay,2025-01-06T11:00:00Z\n" +
	"c2,Register,2025-01-07T08:00:00Z\nc2,Decide,2025-01-07T09:00:00Z\nc2,Pay,2025-01-07T11:00:00Z\n" +
	"c3,Register,2025-01-08T08:00:00Z\nc3,Decide,2025-01-08T09:00:00Z\nc3,Pay,2025-01-08T11:00:00Z\n" +
	"c4,Register,2025-01-09T08:00:00Z\nc4,Pay,2025-01-09T08:30:00Z\n"

// TestBrowserProcessMining: the owner opens the Process page from the
// menu, chooses an imported log and sees its map with an arc's count; the
// performance view shows the median wait; moving the slider to 50% hides
// the rare arc Register→Pay. Then, with no Show, dragging the slider back
// and choosing the frequency view redraw the map in place.
func TestBrowserProcessMining(t *testing.T) {
	st := newStage(t)
	a := st.app
	l, err := a.ProcessLog.Import(context.Background(), processlog.Actor{Ref: "cli", Role: fresco.RoleOwner},
		processlog.ImportInput{Name: "claims", Format: "csv", Body: strings.NewReader(miningCSV)})
	if err != nil {
		t.Fatal(err)
	}
	do, load, get := st.do, st.load, st.get
	arc := func(from, to string) string {
		t.Helper()
		return get("read arc "+from+"→"+to, chromedp.Evaluate[string](fmt.Sprintf(
			`(function(){var g=document.querySelector('#process-map g.process-arc[data-from=%q][data-to=%q]'); return g ? g.querySelector("text").textContent : "none"})()`, from, to)))
	}

	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	st.fromMenu("open the Process page from the menu", "/process")
	do("choose the claims log", chromedp.SetValue(chromedp.ID("process-log"), fmt.Sprint(l.ID)))
	load("show it", chromedp.Click(chromedp.ID("process-show")))
	if got := arc("Register", "Decide"); got != "3" {
		t.Errorf("Register→Decide reads %q, want 3", got)
	}
	if got := arc("Register", "Pay"); got != "1" {
		t.Errorf("the rare arc Register→Pay reads %q, want 1", got)
	}
	do("the performance view", chromedp.Click(chromedp.ID("process-view-performance")))
	load("show it", chromedp.Click(chromedp.ID("process-show")))
	if got := arc("Decide", "Pay"); got != "2 h" {
		t.Errorf("Decide→Pay waits %q, want 2 h", got)
	}
	do("move the slider to 50%", chromedp.SetValue(chromedp.ID("process-paths"), "50"))
	load("show it", chromedp.Click(chromedp.ID("process-show")))
	if got := arc("Register", "Pay"); got != "none" {
		t.Errorf("at 50%% the rare arc Register→Pay still reads %q", got)
	}
	if got := arc("Decide", "Pay"); got != "2 h" {
		t.Errorf("at 50%% Decide→Pay reads %q, want 2 h", got)
	}
	// Live: the slider and the view redraw the map with no Show.
	do("drag the slider back to 0", chromedp.Evaluate[chromedp.Void](
		`(function(){var p=document.getElementById("process-paths"); p.value="0"; p.dispatchEvent(new Event("input",{bubbles:true}))})()`))
	do("the rare arc comes back without Show", chromedp.WaitReady(chromedp.CSS(`#process-map g.process-arc[data-from="Register"][data-to="Pay"]`)))
	if got := arc("Register", "Pay"); got != "30 min" {
		t.Errorf("at 0%% the rare arc Register→Pay reads %q, want its median wait 30 min", got)
	}
	if got := get("the slider's value shown", chromedp.Evaluate[string](`document.getElementById("process-paths-value").textContent`)); got != "0" {
		t.Errorf("the slider says %q, want 0", got)
	}
	do("back to the frequency view", chromedp.Click(chromedp.ID("process-view-frequency")))
	do("the counts come back without Show", chromedp.Poll[chromedp.Void](
		`(function(){var g=document.querySelector('#process-map g.process-arc[data-from="Register"][data-to="Decide"]'); return g && g.querySelector("text").textContent === "3"})()`))
	if loc := st.location(); !strings.Contains(loc, "view=frequency") || !strings.Contains(loc, "paths=0") {
		t.Errorf("the address %s does not say what is shown", loc)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
