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
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserLabellingFromTheQueue: the owner opens the comments page,
// finds the comment the classifier is least sure about at the top of the
// queue, ticks its category and saves; the label is stored and the page
// comes back to the queue.
func TestBrowserLabellingFromTheQueue(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	seed(t, db)
	a := apptest.New(t, db)
	fb := a.Feedback
	record := func(comment string, cats ...string) *store.Response {
		r, err := fb.Record(ctx, &feedback.Input{Comment: comment, ListeningPost: "web_form", RespondedAt: time.Now().Add(-time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if len(cats) > 0 {
			if err := fb.Categorise(ctx, r.ID, cats, "employee:1"); err != nil {
				t.Fatal(err)
			}
		}
		return r
	}
	for i := range 12 {
		record(fmt.Sprintf("The delivery was late again, waited %d hours", i+2), "waiting-delivery")
		record(fmt.Sprintf("Far too expensive, charged %d pounds twice", i+2), "price-billing")
	}
	if _, err := fb.TrainClassifier(ctx); err != nil {
		t.Fatal(err)
	}
	doubtful := record("Late refund for the expensive delivery")
	queue, err := fb.LabellingQueue(ctx, 1)
	if err != nil || len(queue) != 1 || queue[0].ResponseID != doubtful.ID {
		t.Fatalf("queue %+v, %v: want the doubtful comment first", queue, err)
	}

	ts := httptest.NewServer(a.Server)
	defer func() { // the notification bell keeps an event stream open
		ts.CloseClientConnections()
		ts.Close()
	}()
	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text

	load("open the comments", chromedp.Navigate(ts.URL+"/feedback/comments"))
	do("log in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "olivia@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	shots := os.Getenv("FRESCO_E2E_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	shot(t, bctx, filepath.Join(shots, "fresco-e2e-comments.png"))
	first := fmt.Sprintf("#q%d", doubtful.ID)
	if q := text(first); !strings.Contains(q, "Late refund for the expensive delivery") || !strings.Contains(q, "hesitates") {
		t.Fatalf("first in the queue: %q", q)
	}
	do("tick Price and billing", chromedp.Click(chromedp.CSS(first+` input[value="price-billing"]`)))
	load("save", chromedp.Click(chromedp.CSS(first+` button[type=submit]`)))
	if loc := st.location(); !strings.HasSuffix(loc, "/feedback/comments#queue") {
		t.Errorf("after saving: %s", loc)
	}
	got, err := db.Response(ctx, doubtful.ID)
	if err != nil || !slices.Equal(got.Categories, []string{"price-billing"}) || got.CategorisedBy == "" {
		t.Errorf("stored categories %v by %q, %v", got.Categories, got.CategorisedBy, err)
	}
	if q := text("#queue"); strings.Contains(q, "Late refund for the expensive delivery") {
		t.Errorf("the labelled comment is still in the queue: %q", q)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
