package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserClosedLoop: an agent is signed in when a customer they served
// answers as a detractor. The bell on the page they are reading lights up
// without a reload; the follow-up is theirs, and it closes only once they
// have recorded how they reached the customer and what came of it.
func TestBrowserClosedLoop(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	s := seed(t, db)
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	// The closed loop as serve runs it: the job workers and the web server
	// share one notifier and loop; a stored response wakes the workers.
	a := apptest.New(t, db, func(c *app.Config) { c.QueuePollInterval, c.DisableDigest = 100*time.Millisecond, true })
	fb, srv := a.Feedback, a.Server
	queueCtx, stopQueue := context.WithCancel(ctx)
	queueDone := make(chan error, 1)
	go func() { queueDone <- a.Queue.Run(queueCtx) }()
	defer func() { stopQueue(); <-queueDone }()
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.CloseStreams() // first: the bell's event stream would keep ts.Close waiting

	st := steps{t, bctx}
	step, load, text, location := st.do, st.load, st.text, st.location

	load("open the login page", chromedp.Navigate(ts.URL+"/login"))
	step("fill in the login form", chromedp.SendKeys(chromedp.ID("email"), "sam@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("log in", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	load("read a customer", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", ts.URL, s.ada.ID)))
	step("the bell is quiet", chromedp.WaitReady(chromedp.CSS(`.notif-count[hidden]`)))

	score := 2
	if _, err := fb.Record(ctx, &feedback.Input{CustomerID: &s.ada.ID, EmployeeID: &sam.ID, RespondedAt: time.Now().UTC(),
		Answers: []feedback.AnswerInput{{Type: "nps", Score: &score}}, Comment: "Nobody came to fix the shower."}); err != nil {
		t.Fatal(err)
	}
	step("the bell lights up without a reload", chromedp.WaitVisible(chromedp.CSS(`.notif-count:not([hidden])`)))
	if n := text(".notif-count"); n != "1" {
		t.Errorf("bell count %q, want 1", n)
	}
	list, _, err := db.ListFollowUps(ctx, store.FollowUpFilter{})
	if err != nil || len(list) != 1 || list[0].OwnerID == nil || *list[0].OwnerID != sam.ID {
		t.Fatalf("follow-ups %+v %v: want one, owned by the agent who served", list, err)
	}
	fu := list[0]

	load("open the notification centre", chromedp.Click(chromedp.CSS(`a.notif-bell`)))
	if body := text("#notifications"); !strings.Contains(body, "Ada Lovelace") {
		t.Fatalf("the notification centre does not tell of Ada:\n%.800s", body)
	}
	load("open the notification", chromedp.Click(chromedp.CSS(`#notifications li.unread .notif-open button`)))
	if loc := location(); !strings.HasSuffix(loc, fmt.Sprintf("/followups/%d", fu.ID)) {
		t.Fatalf("the notification opened %s, want the follow-up", loc)
	}
	step("the bell is quiet again", chromedp.WaitReady(chromedp.CSS(`a.notif-bell[data-unread="0"]`)))
	if c := text("main"); !strings.Contains(c, "Nobody came to fix the shower.") {
		t.Fatalf("the follow-up does not carry the comment:\n%.800s", c)
	}
	step("write the outcome but no channel", chromedp.SendKeys(chromedp.ID("fu-outcome"), "Called, apologised, plumber booked for 9am."))
	// The browser's own check would stop the form; a demanding user's
	// browser may not, so the server must refuse it too.
	if _, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.getElementById("form-close").noValidate = true`)); err != nil {
		t.Fatalf("skip the browser's check: %v", err)
	}
	load("close without saying how", chromedp.Click(chromedp.CSS(`#form-close button[type=submit]`)))
	if e := text("#form-close .error"); !strings.Contains(e, "required") {
		t.Fatalf("missing channel error = %q", e)
	}
	step("choose the channel", chromedp.SetValue(chromedp.ID("fu-channel"), "phone"))
	load("close", chromedp.Click(chromedp.CSS(`#form-close button[type=submit]`)))
	if body := text("main"); !strings.Contains(body, "Closed") {
		t.Fatalf("after closing:\n%.800s", body)
	}
	closed, err := db.FollowUp(ctx, fu.ID)
	if err != nil || closed.Status != fresco.FollowUpClosed || closed.ContactChannel != "phone" || !strings.Contains(closed.Outcome, "plumber") {
		t.Fatalf("stored follow-up %+v %v", closed, err)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}
