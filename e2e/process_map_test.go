package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// TestBrowserProcessMap: the owner starts a map from the menu, draws it in
// the swimlane editor — a lane added and named, two activities added and
// named, one moved with the keyboard, dragged with the pointer and the drag
// undone with Ctrl+Z, an arrow between them — and saves it (version 2).
// On the map's page the server's SVG has both cards and the arrow; the
// owner marks the second activity a fail point and sees it drawn in the
// fail colour with its legend line, looks from the customer's shoes, and
// exports PNG and SVG. The agent reads the map without the editor or the
// fail-point form.
func TestBrowserProcessMap(t *testing.T) {
	st := newStage(t)
	do, load, text, get := st.do, st.load, st.text, st.get
	// set types into a field of the editor as a person would, and leaves
	// it (the editor applies a field when it changes).
	set := func(id, value string) {
		t.Helper()
		do("set "+id, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`(function(){var e=document.getElementById(%q); e.focus(); e.value=%q; e.dispatchEvent(new Event("change"))})()`, id, value)))
	}
	// rectX is where an activity's card is drawn.
	rectX := func(key string) string {
		t.Helper()
		return get("where is "+key, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector("#activity-%s rect").getAttribute("x")`, key)))
	}
	waitStatus := func(want string) {
		t.Helper()
		do("wait for "+want, chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.getElementById("editor-status").textContent.includes(%q)`, want)))
	}

	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	st.fromMenu("open the process maps from the menu", "/process-maps")
	if got := text("#maps-list"); !strings.Contains(got, "No process maps yet") {
		t.Fatalf("maps before any: %q", got)
	}
	do("name the process", chromedp.SendKeys(chromedp.ID("map-name"), "Complaint to resolution"), chromedp.SetValue(chromedp.ID("map-unit"), "hours"))
	load("start the map", chromedp.Click(chromedp.ID("map-create")))
	if loc := st.location(); !strings.HasSuffix(loc, "/process-maps/1/edit") {
		t.Fatalf("after starting: at %s", loc)
	}

	// A fourth lane, named.
	do("add a lane", chromedp.Click(chromedp.ID("add-lane")))
	do("name it", chromedp.Evaluate[chromedp.Void](
		`(function(){var e=document.querySelector("#lane-list li:last-child .lane-name"); e.value="Duty manager"; e.dispatchEvent(new Event("change"))})()`))
	if got := get("read the drawing", chromedp.TextContent(chromedp.CSS("#editor-canvas"))); !strings.Contains(got, "Duty manager") {
		t.Errorf("the drawing lacks the new lane: %q", got)
	}

	// Two activities: the first in the customer's lane, the second moved to the front line.
	do("add an activity", chromedp.Click(chromedp.ID("add-activity")))
	set("act-name", "Case opened")
	set("act-duration", "15")
	set("act-unit", "minutes")
	do("add another", chromedp.Click(chromedp.ID("add-activity")))
	set("act-name", "First response")
	set("act-lane", "front-line")
	set("act-duration", "2")
	if got := get("read the second card", chromedp.TextContent(chromedp.CSS("#activity-activity-2"))); !strings.Contains(got, "First response") || !strings.Contains(got, "2 hours") {
		t.Errorf("second card: %q", got)
	}

	// The keyboard moves a card one unit along the time axis.
	x0 := rectX("activity-2")
	do("move it right with the keyboard", chromedp.Focus(chromedp.ID("activity-activity-2")), chromedp.KeyEvent(kb.ArrowRight))
	x1 := rectX("activity-2")
	if diff := atof(t, x1) - atof(t, x0); diff != 120 {
		t.Errorf("ArrowRight moved the card from %s to %s, want 120 px (one hour)", x0, x1)
	}
	// The pointer drags it one more hour; Ctrl+Z takes the drag back.
	box := get("the card's place on screen", chromedp.Evaluate[string](
		`(function(){var r=document.querySelector("#activity-activity-2 rect").getBoundingClientRect(); return (r.x+r.width/2)+" "+(r.y+r.height/2)})()`))
	var cx, cy float64
	if _, err := fmt.Sscan(box, &cx, &cy); err != nil {
		t.Fatalf("card's centre %q: %v", box, err)
	}
	do("drag it one hour right",
		chromedp.MouseEvent(chromedp.MousePressed, cx, cy, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(chromedp.MouseMoved, cx+60, cy, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseMoved, cx+120, cy, chromedp.ButtonLeft),
		chromedp.MouseEvent(chromedp.MouseReleased, cx+120, cy, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	waitStatus("Moved 2 First response")
	if x2 := rectX("activity-2"); atof(t, x2)-atof(t, x1) != 120 {
		t.Errorf("the drag moved the card from %s to %s, want 120 px", x1, x2)
	}
	do("undo the drag", chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl)))
	waitStatus("Undone")
	if x3 := rectX("activity-2"); x3 != x1 {
		t.Errorf("after Ctrl+Z the card is at %s, want %s", x3, x1)
	}

	// An arrow from the first activity to the second.
	do("select the first activity", chromedp.Focus(chromedp.ID("activity-activity-1")), chromedp.KeyEvent(kb.Enter))
	do("point an arrow at the second", chromedp.SetValue(chromedp.ID("arrow-to"), "activity-2"), chromedp.Click(chromedp.ID("add-arrow")))
	if got := text("#arrow-list"); !strings.Contains(got, "1 Case opened → 2 First response") {
		t.Errorf("arrows: %q", got)
	}
	do("save the map", chromedp.Click(chromedp.ID("save-map")))
	waitStatus("Saved: version 2")

	// The server draws what was saved.
	load("view the map", chromedp.Click(chromedp.ID("view-map")))
	svg := get("the drawing", chromedp.OuterHTML(chromedp.CSS("#process-map-figure svg")))
	for _, want := range []string{`id="activity-activity-1"`, `id="activity-activity-2"`, `class="pm-arrow" id="arrow-arrow-1"`, "Duty manager",
		"1. Case opened — Customer, 15 minutes", "2. First response — Front line, 2 hours"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the map's SVG lacks %q", want)
		}
	}
	if got := text("#map-versions"); !strings.Contains(got, "Version 2") || !strings.Contains(got, `added activity 2 "First response"`) ||
		!strings.Contains(got, "Olivia Owner") {
		t.Errorf("versions: %q", got)
	}

	// Mark the second activity a fail point.
	do("choose where and what fails", chromedp.SetValue(chromedp.ID("fail-target"), "activity:activity-2"),
		chromedp.SetValue(chromedp.ID("fail-kind"), "lost_time"), chromedp.SetValue(chromedp.ID("fail-influence"), "responsiveness"),
		chromedp.SendKeys(chromedp.ID("fail-note"), "The customer waits all morning for a call back."))
	load("mark the fail point", chromedp.Click(chromedp.ID("fail-add")))
	if got := text(".flash"); got != "Fail point marked." {
		t.Fatalf("after marking: flash %q", got)
	}
	stroke := get("the failing card's outline", chromedp.Evaluate[string](
		`(function(){var g=document.querySelector("#process-map-figure g.pm-activity.fail#activity-activity-2"); return g ? g.querySelector("rect").getAttribute("stroke") : "none"})()`))
	if stroke != "#c0392b" {
		t.Errorf("the fail point's card is outlined %q, want the fail colour", stroke)
	}
	if svg := get("the drawing again", chromedp.OuterHTML(chromedp.CSS("#process-map-figure svg"))); !strings.Contains(svg, "F1. Lost time on activity 2 First response — Responsiveness; fix: open") {
		t.Errorf("the legend lacks the fail point: %.600s", svg)
	}
	if got := text("#fail-points tbody"); !strings.Contains(got, "Lost time") || !strings.Contains(got, "Responsiveness") {
		t.Errorf("fail points table: %q", got)
	}
	// Its fix moves on.
	do("the fix is under way", chromedp.SetValue(chromedp.CSS("#fail-points tbody select[name=status]"), "in_progress"))
	load("save the fix's status", chromedp.Click(chromedp.CSS("#fail-points tbody button")))
	if got := text(".flash"); got != "Fail point saved." {
		t.Errorf("after the status: flash %q", got)
	}

	// Exports: the PNG made in the page, the SVG from the server.
	do("catch the download link", chromedp.Evaluate[chromedp.Void](`HTMLAnchorElement.prototype.click = function(){ window.__download = this.href + "|" + this.download }`))
	do("download the PNG", chromedp.Click(chromedp.ID("export-png")),
		chromedp.Poll[chromedp.Void](`window.__download && window.__download.startsWith("data:image/png;base64,")`))
	if name := get("its name", chromedp.Evaluate[string](`window.__download.split("|")[1]`)); name != "process-map-1-v2.png" {
		t.Errorf("PNG named %q", name)
	}
	svgFile := get("download the SVG", chromedp.Evaluate[string](`fetch("/process-maps/1/map.svg").then(r => r.text().then(body => r.headers.get("Content-Type") + "\n" + r.headers.get("Content-Disposition") + "\n" + body))`, chromedp.EvalAwaitPromise))
	if !strings.HasPrefix(svgFile, "image/svg+xml") || !strings.Contains(svgFile, `attachment; filename="process-map-1-v2.svg"`) ||
		!strings.Contains(svgFile, `class="pm-activity fail" id="activity-activity-2"`) {
		t.Errorf("SVG download: %.400s", svgFile)
	}

	// From the customer's shoes: only the lanes the customer sees.
	load("look from the customer's shoes", chromedp.Click(chromedp.ID("view-customer")))
	if got := text("#customer-wait"); !strings.Contains(got, "The customer waits 2 hours 15 minutes") {
		t.Errorf("customer's waiting: %q", got)
	}
	if svg := get("the customer's drawing", chromedp.OuterHTML(chromedp.CSS("#process-map-figure svg"))); strings.Contains(svg, "Back office") || !strings.Contains(svg, "Front line") {
		t.Errorf("the customer's view shows the wrong lanes")
	}

	// Printed: the map and its legend alone, scaled to the page.
	load("back to the whole map", chromedp.Click(chromedp.ID("view-whole")))
	do("print", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	}))
	shown := get("what prints", chromedp.Evaluate[string](`["header.topbar", "#fail-points", "#map-versions", "#process-map-figure svg"].map(s => getComputedStyle(document.querySelector(s)).display).join(" ")`))
	if shown != "none none none block" {
		t.Errorf("printed (topbar, fail points, versions, map): %s, want only the map", shown)
	}
	do("back to the screen", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		return err
	}))

	load("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	st.login("sam@example.com")
	if n := get("the agent's menu", chromedp.Evaluate[string](`String(document.querySelectorAll('nav a[href="/process-maps"]').length)`)); n != "0" {
		t.Errorf("the agent's menu links the process maps")
	}
	load("the agent opens the map", chromedp.Navigate(st.base+"/process-maps/1"))
	if n := get("the agent's forms", chromedp.Evaluate[string](`String(document.querySelectorAll("#fail-new, #map-edit, #fail-points form").length)`)); n != "0" {
		t.Errorf("the agent is offered %s forms or the editor", n)
	}
	if got := text("#fail-points tbody"); !strings.Contains(got, "In progress") {
		t.Errorf("the agent's fail points: %q", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

func atof(t *testing.T, s string) float64 {
	t.Helper()
	var f float64
	if _, err := fmt.Sscan(s, &f); err != nil {
		t.Fatalf("%q is not a number", s)
	}
	return f
}
