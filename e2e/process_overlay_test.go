package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processmap"
	"github.com/fresco-cx/fresco/internal/recovery"
)

type overlayClock struct{ t time.Time }

func (c *overlayClock) Now() time.Time { return c.t }

// TestBrowserProcessOverlay: two recovery cases played on a clock — one
// answered three hours late (against the map's 30 minutes), given a
// refund and re-opened; one resolved without a first response — and a map
// whose activities are named as Fresco's own log names them. The owner
// opens the map: the arrow to the first response carries its mined
// waiting time and is marked a real fail point with what it cost the
// customer; the conformance view lists the skipped response with a link
// to the case that skipped it, which opens the case. A third case, for
// Charles, is handed to Sam and back (the work changes hands twice around
// "Handed over"): the arrow from it and the card are real fail points of
// handovers, on the page, on the map and in the API's numbers.
func TestBrowserProcessOverlay(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, s := st.db, st.s
	emps, err := db.EmployeeByEmail(ctx, "olivia@example.com")
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().UTC().AddDate(0, 0, -20).Truncate(time.Hour)
	clock := &overlayClock{t: t0}
	rec, err := recovery.New(recovery.Options{DB: db, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	olivia := recovery.Actor{Ref: fmt.Sprintf("employee:%d", emps.ID), Name: emps.Name, Role: emps.Role, EmployeeID: &emps.ID}
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	at := func(d time.Duration) { clock.t = t0.Add(d) }
	k1, err := rec.Open(ctx, olivia, recovery.OpenInput{CustomerID: s.ada.ID, OwnerID: &emps.ID, Summary: "Scratched lenses", Source: "complaint", OpenedAt: t0})
	must(k1, err)
	at(3 * time.Hour)
	must(rec.Respond(ctx, olivia, k1.ID, "So sorry", "phone"))
	must(rec.RequestGesture(ctx, olivia, k1.ID, recovery.GestureInput{Kind: "refund", Amount: 4550}))
	at(4 * time.Hour)
	must(rec.Resolve(ctx, olivia, k1.ID, "New lenses"))
	at(5 * time.Hour)
	must(rec.Reopen(ctx, olivia, k1.ID, "Scratched again"))
	at(6 * time.Hour)
	must(rec.Resolve(ctx, olivia, k1.ID, "Replaced the frames too"))
	at(48 * time.Hour)
	k2, err := rec.Open(ctx, olivia, recovery.OpenInput{CustomerID: s.ada.ID, OwnerID: &emps.ID, Summary: "Late delivery", Source: "complaint", OpenedAt: clock.t})
	must(k2, err)
	at(49 * time.Hour)
	must(rec.Resolve(ctx, olivia, k2.ID, "Apologised"))
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	samActor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", sam.ID), Name: sam.Name, Role: sam.Role, EmployeeID: &sam.ID}
	at(72 * time.Hour)
	k3, err := rec.Open(ctx, olivia, recovery.OpenInput{CustomerID: s.charles.ID, OwnerID: &emps.ID, Summary: "Wrong size", Source: "complaint", OpenedAt: clock.t})
	must(k3, err)
	at(73 * time.Hour)
	must(rec.Transfer(ctx, olivia, k3.ID, sam.ID, "Can you swap it?"))
	at(74 * time.Hour)
	must(rec.Transfer(ctx, samActor, k3.ID, emps.ID, "Not in stock here: back to you"))
	at(75 * time.Hour)
	must(rec.Resolve(ctx, olivia, k3.ID, "Swapped it"))
	owner := processmap.Actor{Ref: olivia.Ref, Role: fresco.RoleOwner, EmployeeID: &emps.ID}
	if _, err := processmap.New(db, nil).Create(ctx, owner, processmap.Draft{Name: "Complaint to resolution", TimeUnit: fresco.UnitHours,
		Lanes: []fresco.MapLane{{Key: "desk", Name: "Front desk", CustomerFacing: true}},
		Activities: []fresco.MapActivity{
			{Key: "opened", Name: "Case opened", Lane: "desk", Duration: 5, DurationUnit: fresco.UnitMinutes},
			{Key: "first", Name: "Responded to customer", Lane: "desk", Duration: 30, DurationUnit: fresco.UnitMinutes, Position: fresco.MapPosition{X: 1}},
			{Key: "resolved", Name: "Case resolved", Lane: "desk", Duration: 1, Position: fresco.MapPosition{X: 2.5}},
			{Key: "handed", Name: "Handed over", Lane: "desk", Duration: 1, DurationUnit: fresco.UnitDays, Position: fresco.MapPosition{X: 1, Y: 1}},
		},
		Arrows: []fresco.MapArrow{{Key: "a1", From: "opened", To: "first"}, {Key: "a2", From: "first", To: "resolved"},
			{Key: "a3", From: "opened", To: "handed"}, {Key: "a4", From: "handed", To: "resolved"}}}); err != nil {
		t.Fatal(err)
	}

	load, text, get := st.load, st.text, st.get
	// svgText is the text of the first SVG element matching sel (SVG has no innerText).
	svgText := func(sel string) string {
		t.Helper()
		return get("read "+sel, chromedp.Evaluate[string](fmt.Sprintf(
			`(function () { var e = document.querySelector(%q); return e ? e.textContent : ""; })()`, sel)))
	}

	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	load("open the map", chromedp.Navigate(st.base+"/process-maps/1"))
	if got := text("#overlay-summary"); !strings.Contains(got, "3 cases mined") {
		t.Errorf("summary %q", got)
	}
	if got := svgText("#arrow-a1 .pm-real"); got != "1× · median 3 h · p90 3 h" {
		t.Errorf("mined waiting on the arrow: %q", got)
	}
	if cls := get("is the arrow a fail point", chromedp.Evaluate[string](`document.getElementById("arrow-a1").getAttribute("class")`)); !strings.Contains(cls, "fail") {
		t.Errorf("arrow a1's class %q, want a fail point", cls)
	}
	if got := svgText("#arrow-a1 .pm-real-fail"); !strings.Contains(got, "REAL FAIL POINT") || !strings.Contains(got, "45.50") {
		t.Errorf("fail mark on the arrow, with what it cost: %q", got)
	}
	// The handover: Sam hands the case back on the arrow to "Case resolved";
	// the work changes hands twice around "Handed over".
	if cls := get("is the handover arrow a fail point", chromedp.Evaluate[string](`document.getElementById("arrow-a4").getAttribute("class")`)); !strings.Contains(cls, "fail") {
		t.Errorf("arrow a4's class %q, want a fail point", cls)
	}
	if got := svgText("#arrow-a4 .pm-real-fail title"); !strings.Contains(got, "changes hands here in 1 of 1 cases") {
		t.Errorf("handover mark on the arrow: %q", got)
	}
	if got := svgText("#activity-handed .pm-real-fail title"); !strings.Contains(got, "handovers pile up") || !strings.Contains(got, "NPS after the case") {
		t.Errorf("handover mark on the card: %q", got)
	}
	if got := text("#real-fail-points"); !strings.Contains(got, "changes hands twice or more into or out of it in 1 of 1 cases (100%): handovers pile up") ||
		!strings.Contains(got, "chance still buying now") {
		t.Errorf("handover fail points: %q", got)
	}
	// The API carries the numbers.
	api := get("read the mined overlay", chromedp.Evaluate[string](`fetch("/api/v1/process-maps/1/mined").then(r => r.text())`, chromedp.EvalAwaitPromise))
	for _, want := range []string{`"handover_cases":1`, `"bounce_cases":1`, `"kind":"handover"`, `"p_alive_now_n":`, `"nps_after":`} {
		if !strings.Contains(api, want) {
			t.Errorf("the mined overlay's JSON lacks %s: %s", want, api)
		}
	}
	if got := text("#real-fail-points"); !strings.Contains(got, "median wait 3 h against 30 min expected") ||
		!strings.Contains(got, "1 case through it: 100% re-opened, 100% with a repeat contact") || !strings.Contains(got, "45.50") {
		t.Errorf("real fail points: %q", got)
	}
	if got := svgText("svg .pm-extra"); !strings.Contains(got, "not in the design · 1×") {
		t.Errorf("the extra arc: %q", got)
	}
	if got := text("#fitness"); !strings.Contains(got, "0% of cases (0 of 3)") {
		t.Errorf("fitness: %q", got)
	}
	if got := text("#deviations"); !strings.Contains(got, `"Case opened" straight to "Case resolved": no arrow on the map`) ||
		regexp.MustCompile(`\b1 (times|cases)\b`).MatchString(got) { // "1 time in 1 case"
		t.Errorf("deviations: %q", got)
	}
	// Open the skipped response's cases and follow the link to the case.
	link := fmt.Sprintf(`#deviations details a[href="/cases/%d"]`, k2.ID)
	st.do("open the deviation's cases", chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
		`Array.from(document.querySelectorAll("#deviations details")).filter(d => d.querySelector(%q)).forEach(d => d.open = true)`, fmt.Sprintf(`a[href="/cases/%d"]`, k2.ID))))
	load("follow the case link", chromedp.Click(chromedp.CSS(link)))
	if loc := st.location(); !strings.HasSuffix(loc, fmt.Sprintf("/cases/%d", k2.ID)) {
		t.Errorf("after the link: at %s", loc)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
