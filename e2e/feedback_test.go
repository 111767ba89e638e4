package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserFeedbackJourney: a customer answers a survey link on a phone-
// sized screen; the link then refuses a second answer; the widget's one
// script tag puts the survey on another site; the owner sees the dashboard
// with its charts drawn.
func TestBrowserFeedbackJourney(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	s := seed(t, db)
	a := apptest.New(t, db)
	fb := a.Feedback
	post, err := db.ListeningPostBySlug(ctx, "survey")
	if err != nil {
		t.Fatal(err)
	}
	sv := &fresco.Survey{Slug: "after-visit", Name: "How was your visit?", PostID: post.ID, Active: true, WidgetEnabled: true,
		Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}, {Key: "empathy", Type: "process_quality", Item: "empathy"},
			{Key: "heard", Type: "acquisition_source"}}}
	if err := feedback.ValidateSurvey(sv); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateSurvey(ctx, sv); err != nil {
		t.Fatal(err)
	}
	inv, err := fb.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID, CustomerID: &s.ada.ID})
	if err != nil {
		t.Fatal(err)
	}
	// Six months of answers, so the trend has a band to draw.
	start := time.Now().UTC().AddDate(0, -6, 0)
	for i := range 180 {
		score := []int{10, 9, 8, 3, 10, 6, 9}[i%7]
		_, err := fb.Record(ctx, &feedback.Input{RespondedAt: start.Add(time.Duration(i) * 24 * time.Hour),
			Answers: []feedback.AnswerInput{{Type: "nps", Score: &score}, {Type: "process_quality", Item: "empathy", Score: ptr(max(1, score/2))}},
			Comment: []string{"Lovely staff", "The wait was far too long", "Fine"}[i%3]})
		if err != nil {
			t.Fatal(err)
		}
	}
	srv := a.Server
	ts := httptest.NewServer(srv)
	defer func() { // the notification bell keeps an event stream open
		ts.CloseClientConnections()
		ts.Close()
	}()
	// Another site that embeds the widget with one script tag.
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><title>Shop</title><h1>Our shop</h1><script src="%s/widget.js" data-survey="after-visit" async></script>`, ts.URL)
	}))
	defer site.Close()

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	shots := os.Getenv("FRESCO_E2E_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}

	// The customer answers on a phone-sized screen.
	do("phone screen", chromedp.EmulateViewport(390, 844))
	load("open the survey link", chromedp.Navigate(ts.URL+inv.Path))
	if h := text("h1"); h != "How was your visit?" {
		t.Fatalf("survey page h1 = %q", h)
	}
	load("send without the required answer", chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	if e := text(".error"); !strings.Contains(e, "required") {
		t.Fatalf("error = %q", e)
	}
	do("answer", chromedp.Click(chromedp.CSS(`input[name=q_nps][value="9"] + span`)),
		chromedp.Click(chromedp.CSS(`input[name=q_heard][value="Friend or family"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=comment]`), "Kind and quick, thank you"))
	shot(t, bctx, filepath.Join(shots, "fresco-e2e-survey.png"))
	load("send", chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	if h := text("h1"); h != "Thank you" {
		t.Fatalf("after sending: %q", h)
	}
	load("open the link again", chromedp.Navigate(ts.URL+inv.Path))
	if h := text("h1"); h != "Already answered" {
		t.Fatalf("reused link: %q", h)
	}
	load("open a forged link", chromedp.Navigate(ts.URL+forge(inv.Path)))
	if h := text("h1"); h != "Survey not found" {
		t.Fatalf("forged link: %q", h)
	}
	resp, _, err := db.ListResponses(ctx, store.ResponseFilter{Limit: 1})
	if err != nil || len(resp) != 1 || resp[0].Source != "link" || *resp[0].NPS != 9 || *resp[0].CustomerID != s.ada.ID {
		t.Fatalf("stored answer %+v %v", resp, err)
	}

	// The widget on another site.
	do("desktop screen", chromedp.EmulateViewport(1280, 900))
	load("open the shop", chromedp.Navigate(site.URL))
	do("wait for the widget", chromedp.WaitVisible(chromedp.CSS("iframe")))
	sctx, scancel := context.WithTimeout(bctx, 20*time.Second)
	src, err := chromedp.Run(sctx, chromedp.Evaluate[string](`document.querySelector("iframe").src`))
	scancel()
	if err != nil {
		st.fail("read the iframe", err)
	}
	if src != ts.URL+"/w/after-visit" {
		t.Fatalf("widget iframe src = %q", src)
	}

	// The owner's dashboard.
	load("open the dashboard", chromedp.Navigate(ts.URL+"/feedback"))
	do("log in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "olivia@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	for _, id := range []string{"nps-trend", "nps-distribution", "nps-drivers"} {
		do("chart "+id+" drawn", chromedp.WaitVisible(chromedp.CSS("#"+id+`[data-rendered="true"] canvas`)))
	}
	// The NPS axis runs from −100: its labels carry a true minus sign, as
	// the server's figures do.
	lctx, lcancel := context.WithTimeout(bctx, 20*time.Second)
	axis, err := chromedp.Run(lctx, chromedp.Evaluate[string](
		`echarts.getInstanceByDom(document.getElementById("nps-trend")).getOption().yAxis[0].axisLabel.formatter(-50)`))
	lcancel()
	if err != nil || axis != "−50" {
		t.Errorf("the NPS axis writes −50 as %q (%v)", axis, err)
	}
	if v := text("#nps-value"); !strings.Contains(v, "181 answers") || !strings.Contains(v, "likely range") {
		t.Errorf("headline = %q", v)
	}
	if acq := strings.ToLower(text("#acquisition-table")); !strings.Contains(acq, "a friend recommended us") || !strings.Contains(acq, "100%") {
		t.Errorf("acquisition report = %q", acq)
	}
	shot(t, bctx, filepath.Join(shots, "fresco-e2e-feedback.png"))
	load("open the comments", chromedp.Navigate(ts.URL+"/feedback/comments"))
	if c := text("#comments"); !strings.Contains(c, "The wait was far too long") || !strings.Contains(c, "Positive") {
		t.Errorf("comments = %.300q", c)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

func ptr(v int) *int { return &v }

// forge changes one character inside a link's signature, always to a
// different one, so the result is never the original link.
func forge(path string) string {
	b := []byte(path)
	i := len(b) - 6
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}
