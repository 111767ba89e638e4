package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/feedback/feedbacktest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserBulkLabellingAndSurveyAdmin: the owner filters the comments to
// the negative ones, ticks them all at once, adds a category to every one
// and lands back on the filtered list; then copies a survey, previews it as
// the customer sees it, and archives it, after which its widget says it is
// closed.
func TestBrowserBulkLabellingAndSurveyAdmin(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	cs := newCommentsStage(t, ctx)
	db, negative, positive, sv, ts := cs.db, cs.negative, cs.positive, cs.survey, cs.ts
	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	shots := os.Getenv("FRESCO_E2E_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}

	load("open the comments", chromedp.Navigate(ts.URL+"/feedback/comments"))
	do("log in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "olivia@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	do("choose negative comments", chromedp.SetValue(chromedp.CSS(`form.filters select[name="sentiment"]`), "negative"))
	load("filter", chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)))
	if n := text("#list-count"); n != "3 comments" {
		t.Fatalf("negative comments: %q", n)
	}
	if c := text("#comments"); strings.Contains(c, "Lovely") || !strings.Contains(c, "Negative") {
		t.Errorf("filtered list = %.300q", c)
	}
	do("tick every comment on the page", chromedp.Click(chromedp.CSS(`input[data-select-all="bulk"]`)))
	do("choose Staff manner", chromedp.Click(chromedp.CSS(`#bulk input[name="category"][value="staff-manner"]`)))
	shot(t, bctx, filepath.Join(shots, "fresco-e2e-bulk-labelling.png"))
	load("add the category", chromedp.Click(chromedp.CSS(`#bulk button[type=submit]`)))
	if loc := st.location(); !strings.Contains(loc, "sentiment=negative") || !strings.Contains(loc, "done=comments-labelled") {
		t.Errorf("after labelling: %s", loc)
	}
	for _, r := range negative {
		got, err := db.Response(ctx, r.ID)
		if err != nil || !slices.Contains(got.Categories, "staff-manner") {
			t.Errorf("negative comment %d: %v %v", r.ID, got.Categories, err)
		}
	}
	for _, r := range positive {
		if got, _ := db.Response(ctx, r.ID); slices.Contains(got.Categories, "staff-manner") {
			t.Errorf("a positive comment outside the filter was labelled")
		}
	}

	// Surveys: copy, preview, archive.
	load("open the surveys", chromedp.Navigate(ts.URL+"/feedback/surveys"))
	row := fmt.Sprintf("#survey-%d", sv.ID)
	if r := text(row); !strings.Contains(r, "after-your-visit") || !strings.Contains(r, "Open") {
		t.Errorf("survey row = %q", r)
	}
	load("copy it", chromedp.Click(chromedp.CSS(row+` form[action$="/copy"] button`)))
	if name := text("#survey-name"); name != "After your visit (copy)" {
		t.Errorf("copy's page: %q", name)
	}
	href, err := chromedp.Run(bctx, chromedp.Evaluate[string](`document.querySelector("#preview-link").href`))
	if err != nil {
		t.Fatal(err)
	}
	load("preview the copy", chromedp.Navigate(href))
	if note := text("#preview-note"); !strings.Contains(note, "Nothing you choose here is sent") {
		t.Errorf("preview note = %q", note)
	}
	if q := text("legend"); !strings.Contains(q, "Would you recommend our harbour café?") {
		t.Errorf("preview question = %q", q)
	}
	disabled, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector("button[type=submit]").disabled`))
	if err != nil || !disabled {
		t.Errorf("the preview's Send button is live (%v)", err)
	}
	shot(t, bctx, filepath.Join(shots, "fresco-e2e-survey-preview.png"))

	load("back to the surveys", chromedp.Navigate(ts.URL+"/feedback/surveys"))
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(window.confirm = () => true, true)`)); err != nil {
		t.Fatal(err)
	}
	load("archive the original", chromedp.Click(chromedp.CSS(row+` form[action$="/archive"] button`)))
	if r := text(row); !strings.Contains(r, "Archived") || !strings.Contains(r, "Bring back") {
		t.Errorf("archived row = %q", r)
	}
	load("open its widget", chromedp.Navigate(ts.URL+"/w/after-your-visit"))
	if msg := text("main"); !strings.Contains(msg, "no longer taking answers") {
		t.Errorf("archived survey's widget = %q", msg)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// commentsStage is a served Fresco with three negative and three positive
// comments and an active survey offered in the widget.
type commentsStage struct {
	db                 *store.DB
	negative, positive []*fresco.Response
	survey             *fresco.Survey
	ts                 *httptest.Server
}

func newCommentsStage(t *testing.T, ctx context.Context) commentsStage {
	t.Helper()
	cs := commentsStage{db: storetest.Open(t, storetest.SQLiteURL(t))}
	seed(t, cs.db)
	a := apptest.New(t, cs.db)
	now := time.Now()
	for i := range 3 {
		cs.negative = append(cs.negative, feedbacktest.Record(t, a.Feedback, fmt.Sprintf("Terrible and rude, the worst visit %d", i), now.Add(-time.Duration(i)*time.Hour)))
		cs.positive = append(cs.positive, feedbacktest.Record(t, a.Feedback, fmt.Sprintf("Lovely, wonderful, thank you %d", i), now.Add(-time.Duration(i)*time.Minute)))
	}
	post, err := cs.db.ListeningPostBySlug(ctx, feedback.PostSurvey)
	if err != nil {
		t.Fatal(err)
	}
	cs.survey = &fresco.Survey{Name: "After your visit", PostID: post.ID, Active: true, WidgetEnabled: true,
		Questions: []fresco.Question{{Key: "nps", Type: feedback.TypeNPS, Text: "Would you recommend our harbour café?"}}}
	if err := a.Feedback.CreateSurvey(ctx, cs.survey, "test"); err != nil {
		t.Fatal(err)
	}
	cs.ts = httptest.NewServer(a.Server)
	t.Cleanup(func() { // the notification bell keeps an event stream open
		cs.ts.CloseClientConnections()
		cs.ts.Close()
	})
	return cs
}
