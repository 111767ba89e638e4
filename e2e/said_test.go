package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// TestBrowserWhatTheCustomerSaid: a detractor answers a survey with free
// text; the agent who served them sees every answer on the follow-up, opens
// a case from it, and the case carries the text, the purchase, the employee
// and the location through a gesture, resolution and closing. Then cases are
// opened from the page of a customer found by searching her name, and from
// the blank form by searching a name.
func TestBrowserWhatTheCustomerSaid(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a, s := st.db, st.app, st.s
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	harbour := &fresco.Location{Name: "Harbour Street", Timezone: "Europe/London"}
	if err := db.CreateLocation(ctx, harbour); err != nil {
		t.Fatal(err)
	}
	buy := &fresco.Purchase{ExternalID: "ORD-1042", CustomerID: &s.ada.ID, PurchasedAt: time.Now().UTC().Add(-48 * time.Hour),
		LocationID: &harbour.ID, ServedBy: &sam.ID, Channel: "store",
		Lines: []fresco.PurchaseLine{{SKU: "FRAME-03", Description: "Round frames", Quantity: 1, UnitPrice: 12000}}}
	if err := db.CreatePurchase(ctx, buy); err != nil {
		t.Fatal(err)
	}
	post, err := db.ListeningPostBySlug(ctx, feedback.PostSurvey)
	if err != nil {
		t.Fatal(err)
	}
	sv := &fresco.Survey{Slug: "after-fitting", Name: "Your fitting", PostID: post.ID, Active: true,
		Questions: []fresco.Question{{Key: "nps", Type: "nps", Text: "How likely are you to recommend us?", Required: true},
			{Key: "wrong", Type: "text", Text: "What went wrong?"}}}
	if err := db.CreateSurvey(ctx, sv); err != nil {
		t.Fatal(err)
	}
	inv, err := a.Feedback.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID, PurchaseID: &buy.ID})
	if err != nil {
		t.Fatal(err)
	}
	do, load, text := st.do, st.load, st.text

	// Ada answers the survey link from her purchase: a 2, and what went wrong.
	load("open the survey link", chromedp.Navigate(st.base+inv.Path))
	do("answer as a detractor, in her own words", chromedp.Click(chromedp.CSS(`input[name=q_nps][value="2"] + span`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=q_wrong]`), "The frames pinch behind my ears"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "Nobody offered to adjust them."))
	load("send", chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	if h := text("h1"); h != "Thank you" {
		t.Fatalf("after sending: %q", h)
	}
	answered, _, err := db.ListResponses(ctx, store.ResponseFilter{Limit: 1})
	if err != nil || len(answered) != 1 || answered[0].NPS == nil || *answered[0].NPS != 2 {
		t.Fatalf("stored answer %+v %v", answered, err)
	}
	// The closed loop as the job queue runs it on a recorded response.
	resp := answered[0]
	fu, err := a.Loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp.ID, ListeningPost: resp.PostSlug,
		CustomerID: resp.CustomerID, EmployeeID: resp.EmployeeID, NPS: resp.NPS, RespondedAt: resp.RespondedAt,
		Flags: feedback.FlagsOf(resp)})
	if err != nil || fu == nil {
		t.Fatalf("follow-up %v %v", fu, err)
	}

	load("open the follow-up", chromedp.Navigate(fmt.Sprintf("%s/followups/%d", st.base, fu.ID)))
	do("log in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "sam@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	said := text("#followup-said")
	for _, want := range []string{"What went wrong?", "The frames pinch behind my ears", "Nobody offered to adjust them.", "2 out of 10"} {
		if !strings.Contains(said, want) {
			t.Errorf("follow-up lacks %q:\n%s", want, said)
		}
	}
	load("open a case from the follow-up", chromedp.Click(chromedp.ID("followup-open-case")))
	if got := text("#new-case-said"); !strings.Contains(got, "The frames pinch behind my ears") {
		t.Errorf("the new case form lacks the story: %q", got)
	}
	load("open the case", chromedp.Click(chromedp.CSS(`#form-new-case button[type=submit]`)))
	for sel, want := range map[string]string{"#case-said": "The frames pinch behind my ears", "#case-purchase": "ORD-1042",
		"#case-involved": "Sam Agent", "#case-location": "Harbour Street", "#case-title": "Nobody offered to adjust them."} {
		if got := text(sel); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q in it", sel, got, want)
		}
	}
	do("choose an apology letter", chromedp.SetValue(chromedp.ID("gesture-kind"), "apology_letter"))
	load("grant the gesture", chromedp.Click(chromedp.CSS(`#form-gesture button[type=submit]`)))
	do("write the resolution", chromedp.SendKeys(chromedp.ID("log-text"), "Frames adjusted in store"))
	load("resolve", chromedp.Click(chromedp.CSS(`#form-log button[value="resolve"]`)))
	do("give the root cause", chromedp.SendKeys(chromedp.ID("close-category"), "Fitting"),
		chromedp.SetValue(chromedp.ID("close-source"), "training"))
	load("close", chromedp.Click(chromedp.CSS(`#form-close button[type=submit]`)))
	if got := text("#case-status"); !strings.Contains(got, "Closed") {
		t.Errorf("status after closing = %q", got)
	}
	timeline := text("#case-timeline")
	for _, want := range []string{"apology letter", "Resolved: Frames adjusted in store", "Closed. Root cause: Fitting"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q:\n%s", want, timeline)
		}
	}

	// The customer's page tells the whole story, newest first.
	load("open Ada's page", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", st.base, s.ada.ID)))
	if got := text("#customer-said"); !strings.Contains(got, "The frames pinch behind my ears") {
		t.Errorf("customer page answers = %q", got)
	}
	if got := text("#customer-timeline li"); !strings.Contains(got, "Case closed") {
		t.Errorf("newest timeline entry = %q, want the case closing", got)
	}
	if got := text("#customer-cases"); !strings.Contains(got, "Nobody offered to adjust them.") || !strings.Contains(got, "Closed") ||
		!strings.Contains(got, "cause: Fitting") {
		t.Errorf("customer page cases = %q, want the closed case and its cause", got)
	}
	if got := text("#customer-gestures"); !strings.Contains(got, "Apology letter") || strings.Contains(got, "0.00") {
		t.Errorf("customer page gestures = %q, want the apology letter and no amount", got)
	}
	if got := text(fmt.Sprintf(`#customer-followups a[href="/followups/%d"]`, fu.ID)); got == "" {
		t.Error("the customer page does not list the follow-up")
	}

	// A case from Grace's page, found by searching her name in the customer
	// list: the form names her and keeps what was typed.
	load("open the customers", chromedp.Navigate(st.base+"/customers"))
	do("type her name", chromedp.SendKeys(chromedp.ID("q"), "grace"))
	load("search", chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	if got := text("#list-count"); got != "1 customer" {
		t.Errorf("searching grace found %q", got)
	}
	load("open Grace's page", chromedp.Click(chromedp.CSS(fmt.Sprintf(`main table a[href="/customers/%d"]`, s.grace.ID))))
	load("open a case for her", chromedp.Click(chromedp.ID("customer-open-case")))
	if got := text("#new-case-customer"); got != "Grace Hopper" {
		t.Errorf("new case for %q", got)
	}
	do("say what she expects but no summary", chromedp.SendKeys(chromedp.ID("case-expectation"), "a call back"))
	if _, err := chromedp.Run(st.ctx, chromedp.Evaluate[bool](`document.getElementById("form-new-case").noValidate = true`)); err != nil {
		t.Fatal(err)
	}
	load("submit without a summary", chromedp.Click(chromedp.CSS(`#form-new-case button[type=submit]`)))
	if e := text("#form-new-case .error"); !strings.Contains(e, "Summary") {
		t.Errorf("error = %q, want it to name the summary", e)
	}
	if got := st.get("expectation kept", chromedp.Value(chromedp.ID("case-expectation"))); got != "a call back" {
		t.Errorf("expectation after the error = %q", got)
	}
	do("write a summary", chromedp.SendKeys(chromedp.ID("case-summary"), "Invoice sent twice"))
	load("open it", chromedp.Click(chromedp.CSS(`#form-new-case button[type=submit]`)))
	if got := text("#case-title"); !strings.Contains(got, "Invoice sent twice") {
		t.Errorf("case title = %q", got)
	}

	// The blank form: find Charles by typing the start of his name.
	load("open the blank form", chromedp.Navigate(st.base+"/cases/new"))
	do("type a name", chromedp.SendKeys(chromedp.ID("customer-q"), "charl"))
	do("the matches appear as you type", chromedp.WaitVisible(chromedp.CSS(`#customer-choices a.choose-customer`)))
	load("choose Charles", chromedp.Click(chromedp.CSS(`#customer-choices a.choose-customer`)))
	if got := text("#new-case-customer"); got != "Charles Babbage" {
		t.Errorf("chose %q", got)
	}
	do("write a summary", chromedp.SendKeys(chromedp.ID("case-summary"), "Engine parts missing"))
	load("open it", chromedp.Click(chromedp.CSS(`#form-new-case button[type=submit]`)))
	if got := text("main"); !strings.Contains(got, "Charles Babbage") || !strings.Contains(got, "Engine parts missing") {
		t.Errorf("case page:\n%.600s", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
