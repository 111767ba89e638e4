package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/feedback/feedbacktest"
)

// TestBrowserLabellingFromTheQueue: the owner opens the comments page,
// finds the comment the classifier is least sure about at the top of the
// queue, ticks its category and saves; the label is stored and the page
// comes back to the queue.
func TestBrowserLabellingFromTheQueue(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a := st.db, st.app
	fb := a.Feedback
	feedbacktest.Train(t, fb, 1)
	doubtful := feedbacktest.Record(t, fb, feedbacktest.Doubtful, time.Now().Add(-time.Hour))
	queue, err := fb.LabellingQueue(ctx, 1)
	if err != nil || len(queue) != 1 || queue[0].ResponseID != doubtful.ID {
		t.Fatalf("queue %+v, %v: want the doubtful comment first", queue, err)
	}

	do, load, text := st.do, st.load, st.text

	load("open the comments", chromedp.Navigate(st.base+"/feedback/comments"))
	do("log in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "olivia@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	shots := os.Getenv("FRESCO_E2E_SHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-comments.png"))
	first := fmt.Sprintf("#q%d", doubtful.ID)
	if q := text(first); !strings.Contains(q, feedbacktest.Doubtful) || !strings.Contains(q, "hesitates") {
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
	if q := text("#queue"); strings.Contains(q, feedbacktest.Doubtful) {
		t.Errorf("the labelled comment is still in the queue: %q", q)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
