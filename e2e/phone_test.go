package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/store"
)

// TestBrowserPhoneCaseJourney runs the case journey on a 390×844 phone: the
// agent signs in, opens the folded menu, goes to the inbox (rows stacked and
// labelled), opens a case, responds, resolves and closes it, after which the
// case offers only Reopen; closes a follow-up; and meets the styled 404
// page. No page is wider than the screen.
func TestBrowserPhoneCaseJourney(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := newCaseStage(t, ctx)
	bctx, jsErrors, db, a, s, sam, c, ts := cs.browser, cs.jsErrors, cs.db, cs.app, cs.s, cs.sam, cs.c, cs.ts
	var resp int64
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO responses (post_id, customer_id, employee_id, source, responded_at, nps, comment, created_at)
			VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, ?, 'api', ?, 2, 'Nobody called me back', ?) RETURNING id`,
			s.ada.ID, sam.ID, time.Now().UTC(), time.Now().UTC()).Scan(&resp)
	}); err != nil {
		t.Fatal(err)
	}
	fu, err := a.Loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp, Flags: feedback.Flags{Detractor: true}})
	if err != nil || fu == nil {
		t.Fatalf("follow-up %v, %v", fu, err)
	}

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	visible := func(sel string) bool {
		return st.get("is "+sel+" shown", chromedp.Evaluate[string](fmt.Sprintf(
			`(function(){var e=document.querySelector(%q);return String(!!e && e.getClientRects().length>0)})()`, sel))) == "true"
	}
	fits := st.fits

	do("take a phone's screen", chromedp.EmulateViewport(390, 844))
	load("open the inbox", chromedp.Navigate(ts.URL+"/cases"))
	fits("the sign-in page")
	do("sign in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "sam@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the sign-in form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))

	// The navigation folds behind the menu button.
	if visible("#main-nav") || !visible("#menu-toggle") {
		t.Fatalf("at phone width the navigation is shown = %v, the menu button = %v", visible("#main-nav"), visible("#menu-toggle"))
	}
	do("open the menu", chromedp.Click(chromedp.ID("menu-toggle")))
	if !visible(`#main-nav a[href="/cases"]`) {
		t.Fatal("the menu does not open")
	}
	fits("the open menu")
	load("go to the inbox from the menu", chromedp.Click(chromedp.CSS(`#main-nav a[href="/cases"]`)))

	// The inbox: one block per case, each cell labelled by its column.
	if visible("#case-inbox thead") {
		t.Error("the inbox's column headers still show at phone width")
	}
	if got := text(`#case-inbox tbody tr td[data-label="Summary"]`); got != "Varifocals give her headaches" {
		t.Errorf("the summary cell, labelled Summary, says %q", got)
	}
	fits("the inbox")
	load("open the case", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#case-inbox a[href="/cases/%d"]`, c.ID))))
	fits("the case page")

	do("write a response", chromedp.SendKeys(chromedp.ID("log-text"), "New lenses are on order"))
	load("respond", chromedp.Click(chromedp.CSS(`#form-log button[value="respond"]`)))
	do("write the resolution", chromedp.SendKeys(chromedp.ID("log-text"), "New lenses fitted"))
	load("resolve", chromedp.Click(chromedp.CSS(`#form-log button[value="resolve"]`)))
	if got := text("#case-status"); !strings.HasPrefix(strings.ToLower(got), "resolved") {
		t.Fatalf("status after resolving = %q", got)
	}
	fits("the resolved case")
	do("name the root cause", chromedp.SendKeys(chromedp.ID("close-category"), "lenses"),
		chromedp.SetValue(chromedp.ID("close-source"), "training"))
	load("close", chromedp.Click(chromedp.CSS(`#form-close button[type=submit]`)))
	if got := text("#case-status"); !strings.HasPrefix(strings.ToLower(got), "closed") {
		t.Fatalf("status after closing = %q", got)
	}
	// A closed case offers Reopen and nothing else.
	offered := st.get("read the offered actions", chromedp.Evaluate[string](
		`Array.from(document.querySelectorAll("#case-actions button")).map(function(b){return b.value||b.textContent.trim()}).join(" ")`))
	if offered != "reopen" {
		t.Errorf("a closed case offers %q, want only reopen", offered)
	}
	timeline := text("#case-timeline")
	for _, want := range []string{"Responded: New lenses are on order", "Resolved: New lenses fitted", "Closed. Root cause: lenses", "Sam Agent"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q:\n%s", want, timeline)
		}
	}
	if strings.Contains(timeline, "employee:") {
		t.Errorf("the timeline shows an audit reference:\n%s", timeline)
	}
	fits("the closed case")

	// A follow-up's form works on the phone too.
	load("open the follow-up", chromedp.Navigate(fmt.Sprintf("%s/followups/%d", ts.URL, fu.ID)))
	fits("the follow-up")
	do("record the contact", chromedp.SetValue(chromedp.ID("fu-channel"), "phone"),
		chromedp.SendKeys(chromedp.ID("fu-outcome"), "Called; she is happy with the new lenses."))
	load("close the follow-up", chromedp.Click(chromedp.CSS(`#form-close button[type=submit]`)))
	if got := text("#followup-closed-by"); !strings.HasPrefix(got, "Sam Agent") {
		t.Errorf("closed by %q, want the agent's name", got)
	}
	fits("the closed follow-up")

	// Every list an agent reads stacks its rows and fits the screen.
	for _, list := range []string{"/customers", "/purchases", "/responses", "/followups?view=closed", "/cases?view=all"} {
		load("open "+list, chromedp.Navigate(ts.URL+list))
		if visible("main table thead") {
			t.Errorf("%s: the column headers still show at phone width", list)
		}
		if st.get("count the labelled cells of "+list, chromedp.Evaluate[string](
			`String(document.querySelectorAll("main table tbody td[data-label]:not([data-label=''])").length)`)) == "0" {
			t.Errorf("%s: no cell is labelled with its column", list)
		}
		fits(list)
	}

	// An unknown page: the styled 404, with the menu still there.
	load("open an unknown page", chromedp.Navigate(ts.URL+"/cases/999999"))
	if h := text("main h1"); h != "Page not found" {
		t.Errorf("unknown case heading = %q", h)
	}
	load("open an unknown address", chromedp.Navigate(ts.URL+"/no/such/page"))
	if h := text("main h1"); h != "Page not found" {
		t.Errorf("unknown address heading = %q", h)
	}
	if !visible("#menu-toggle") {
		t.Error("the 404 page has no menu")
	}
	fits("the 404 page")
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// TestBrowserPhoneCommentsAndSurveyAdmin: at phone width the comments page
// (its filter bar, the bulk-label bar, each comment's categories) and the
// survey admin (the list with its actions, the new survey form) need no
// sideways scrolling, as the owner, who sees every control.
func TestBrowserPhoneCommentsAndSurveyAdmin(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)
	cs := newCommentsStage(t, ctx)
	sv, ts := cs.survey, cs.ts
	st := steps{t, bctx}
	st.do("take a phone's screen", chromedp.EmulateViewport(390, 844))
	st.load("open the comments", chromedp.Navigate(ts.URL+"/feedback/comments"))
	st.login("olivia@example.com")
	for _, sel := range []string{"form.filters", "#bulk"} {
		if st.get("is "+sel+" there", chromedp.Evaluate[string](fmt.Sprintf(`String(!!document.querySelector(%q))`, sel))) != "true" {
			t.Errorf("the comments page has no %s", sel)
		}
	}
	st.fits("the comments page")
	st.load("open the survey admin", chromedp.Navigate(ts.URL+"/feedback/surveys"))
	if st.get("is the survey listed", chromedp.Evaluate[string](fmt.Sprintf(`String(!!document.querySelector("#survey-%d"))`, sv.ID))) != "true" {
		t.Error("the survey admin does not list the survey")
	}
	st.fits("the survey admin")
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
