package e2e

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserSurveyInTheCustomersLanguage: a German customer opens their
// survey link in a browser that asks for English and reads the survey in
// German — the form's own words too; a missing German text shows in
// English; the answer, a German choice label sent as the survey's own
// choice, counts in the survey's one NPS beside an English answer.
func TestBrowserSurveyInTheCustomersLanguage(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	a := apptest.New(t, db)
	fb := a.Feedback
	post, err := db.ListeningPostBySlug(ctx, "survey")
	if err != nil {
		t.Fatal(err)
	}
	sv := &fresco.Survey{Slug: "stay", Name: "How was your stay?", PostID: post.ID, Active: true,
		Questions: []fresco.Question{{Key: "nps", Type: "nps", Text: "Would you recommend us?", Required: true},
			{Key: "room", Type: "single_choice", Text: "Which room?", Choices: []string{"Garden", "Street"}},
			{Key: "better", Type: "text", Text: "What could we do better?"}}}
	if err := fb.CreateSurvey(ctx, sv, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := fb.SetSurveyTranslation(ctx, sv.ID, "de", "en", fresco.SurveyTexts{Name: "Wie war Ihr Aufenthalt?",
		Thanks: "Danke für Ihre Antwort!", Questions: map[string]fresco.QuestionTexts{
			"nps":  {Text: "Würden Sie uns weiterempfehlen?"},
			"room": {Text: "Welches Zimmer?", Choices: map[string]string{"Garden": "Gartenseite", "Street": "Straßenseite"}}}},
		store.AnyVersion, "test"); err != nil {
		t.Fatal(err)
	}
	dieter := &fresco.Customer{Name: "Dieter", ConsentSurveys: true, Locale: "de-DE"}
	if err := db.CreateCustomer(ctx, dieter); err != nil {
		t.Fatal(err)
	}
	inv, err := fb.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID, CustomerID: &dieter.ID})
	if err != nil {
		t.Fatal(err)
	}
	// An English customer's answer to the same survey: a detractor.
	if _, err := fb.Record(ctx, &feedback.Input{SurveyID: &sv.ID, Language: "en", Source: "link",
		Answers: []feedback.AnswerInput{{Question: "nps", Score: ptr(2)}}}); err != nil {
		t.Fatal(err)
	}

	ts := httptest.NewServer(a.Server)
	defer ts.Close()
	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text

	load("open the link", chromedp.Navigate(ts.URL+inv.Path)) // chromium asks for en-US
	if h := text("h1"); h != "Wie war Ihr Aufenthalt?" {
		t.Fatalf("h1 = %q, want the German title", h)
	}
	if lang := st.get("html lang", chromedp.Evaluate[string](`document.documentElement.lang`)); lang != "de" {
		t.Errorf("<html lang> = %q", lang)
	}
	if l := text("#l_better"); l != "What could we do better?" { // not translated: English, never blank
		t.Errorf("untranslated question = %q", l)
	}
	if b := text("button[type=submit]"); b != "Senden" {
		t.Errorf("button = %q", b)
	}
	load("send without the required answer", chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	if e := text(".error"); e != "Bitte beantworten Sie diese Frage." {
		t.Fatalf("error = %q", e)
	}
	if h := text("h1"); h != "Wie war Ihr Aufenthalt?" {
		t.Fatalf("the refused form changed language: %q", h)
	}
	do("answer", chromedp.Click(chromedp.CSS(`input[name=q_nps][value="10"] + span`)),
		chromedp.Click(chromedp.CSS(`input[name=q_room][value="Garden"]`)))
	if l := text(`label:has(input[name=q_room][value="Garden"])`); l != "Gartenseite" {
		t.Errorf("choice label = %q", l)
	}
	load("send", chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	if h, p := text("h1"), text("h1 + p"); h != "Vielen Dank" || p != "Danke für Ihre Antwort!" {
		t.Fatalf("after sending: %q %q", h, p)
	}

	list, _, err := db.ListResponses(ctx, store.ResponseFilter{SurveyID: &sv.ID, CustomerID: &dieter.ID, Limit: 1})
	if err != nil || len(list) != 1 || list[0].Language != "de" || list[0].Answers[1].Choices[0] != "Garden" {
		t.Fatalf("stored answer %+v %v", list, err)
	}
	nps, err := fb.NPS(ctx, store.ResponseFilter{SurveyID: &sv.ID})
	if err != nil {
		t.Fatal(err)
	}
	if nps.N != 2 || nps.Promoters != 1 || nps.Detractors != 1 || nps.NPS != 0 {
		t.Errorf("NPS over both languages = %+v, want n 2, one promoter (German), one detractor (English)", nps)
	}
	if strings.Contains(text("body"), "{{") {
		t.Error("template residue on the page")
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
