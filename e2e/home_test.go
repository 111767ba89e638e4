package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// homeServer seeds the browser tests' people and customers, and gives the
// agent Sam an overdue follow-up (Ada answered 2 and wrote why) and a case
// with a refund waiting for approval.
func homeServer(t *testing.T, ctx context.Context) (*httptest.Server, *store.DB, *fresco.FollowUp, *fresco.Case) {
	t.Helper()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	s := seed(t, db)
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	a := apptest.New(t, db)
	score := 2
	resp, err := a.Feedback.Record(ctx, &feedback.Input{CustomerID: &s.ada.ID, EmployeeID: &sam.ID,
		Answers: []feedback.AnswerInput{{Type: "nps", Score: &score}}, Comment: "The frames broke in a week."})
	if err != nil {
		t.Fatal(err)
	}
	fu, err := a.Loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp.ID, Flags: feedback.Flags{Detractor: true}})
	if err != nil || fu == nil {
		t.Fatal(fu, err)
	}
	if _, err := db.Exec(ctx, `UPDATE follow_ups SET due_at = ? WHERE id = ?`, time.Now().UTC().Add(-2*time.Hour), fu.ID); err != nil {
		t.Fatal(err)
	}
	actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", sam.ID), Role: sam.Role, EmployeeID: &sam.ID}
	c, err := a.Recovery.Open(ctx, actor, recovery.OpenInput{CustomerID: s.ada.ID, Summary: "Frames broke after a week"})
	if err != nil {
		t.Fatal(err)
	}
	amount, _ := fresco.ParseMoney("500.00")
	if g, err := a.Recovery.RequestGesture(ctx, actor, c.ID, recovery.GestureInput{Kind: "refund", Amount: amount}); err != nil ||
		g.Status != recovery.GesturePending {
		t.Fatalf("gesture %+v %v", g, err)
	}
	ts := httptest.NewServer(a.Server)
	t.Cleanup(func() {
		a.Server.CloseStreams() // first: an open event stream would keep ts.Close waiting
		ts.Close()
	})
	return ts, db, fu, c
}

// homeBrowser starts the browser and the seeded server of a home test; at
// the end of the test the pages must have thrown no JavaScript exception.
func homeBrowser(t *testing.T) (steps, *httptest.Server, *store.DB, *fresco.FollowUp, *fresco.Case) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bctx, jsErrors := browser(t, ctx)
	ts, db, fu, c := homeServer(t, ctx)
	t.Cleanup(func() {
		if errs := jsErrors(); len(errs) > 0 {
			t.Errorf("JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
		}
	})
	return steps{t, bctx}, ts, db, fu, c
}

func logIn(st steps, base, email string) {
	st.t.Helper()
	st.load("open the login page", chromedp.Navigate(base+"/login"))
	st.do("fill in the login form as "+email, chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	st.load("log in", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
}

// TestBrowserOwnerHome: the owner lands on the home page, follows the
// overdue follow-ups' number to the list, opens the follow-up and closes
// it; back home the number is 0. At phone width the page fits and every
// section of the navigation can be reached.
func TestBrowserOwnerHome(t *testing.T) {
	st, ts, db, fu, c := homeBrowser(t)
	ctx, bctx := context.Background(), st.ctx
	do, load, text, location := st.do, st.load, st.text, st.location

	logIn(st, ts.URL, "olivia@example.com")
	if loc, h1 := location(), text("#main h1"); !strings.HasSuffix(loc, "/") || h1 != "Hello, Olivia Owner" {
		t.Fatalf("after login: %q at %s, want the home page", h1, loc)
	}
	if n := text("#count-approvals"); n != "1" {
		t.Errorf("waiting for approval = %q", n)
	}
	if got := text("#home-approvals"); !strings.Contains(got, "Refund of $500.00") {
		t.Errorf("approvals section = %q", got)
	}
	if got := text("#home-comments"); !strings.Contains(got, "The frames broke in a week.") {
		t.Errorf("comments section = %q", got)
	}
	if got := text("#home-scores"); !strings.Contains(strings.ToLower(got), "net promoter score") || !strings.Contains(got, "from 1 answer,") {
		t.Errorf("scores = %q", got)
	}
	shot(t, bctx, filepath.Join(os.TempDir(), "fresco-e2e-home-owner.png"))

	// The navigation fits a laptop's width in groups; a group's menu opens
	// on click and closes on Escape.
	navFits, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`[...document.querySelectorAll("#main-nav > ul > li")].every(li => li.getBoundingClientRect().right <= window.innerWidth)`))
	if err != nil || !navFits {
		t.Errorf("a navigation group lies beyond the 1280 px window (%v)", err)
	}
	openMenu := func() string {
		return st.get("which menu is open", chromedp.Evaluate[string](`[...document.querySelectorAll(".nav-group")].filter(g => getComputedStyle(g.querySelector(".nav-menu")).display !== "none").map(g => g.querySelector("button").textContent + ":" + g.querySelector("button").getAttribute("aria-expanded")).join()`))
	}
	do("move the pointer away from the menu", chromedp.MouseClickXY(5, 600))
	if got := openMenu(); got != "" {
		t.Errorf("menus open before a click: %q", got)
	}
	do("open the People group", chromedp.Click(chromedp.CSS(`button[aria-controls="nav-people"]`)))
	if got := openMenu(); got != "People:true" {
		t.Errorf("after clicking People the open menus are %q", got)
	}
	do("press Escape", chromedp.KeyEvent(kb.Escape))
	do("move the pointer away from the menu", chromedp.MouseClickXY(5, 600))
	if got := openMenu(); got != "" {
		t.Errorf("menus open after Escape: %q", got)
	}
	do("open the Service group", chromedp.Click(chromedp.CSS(`button[aria-controls="nav-service"]`)))
	load("choose Cases", chromedp.Click(chromedp.CSS(`#nav-service a[href="/cases"]`)))
	if loc := location(); !strings.HasSuffix(loc, "/cases") {
		t.Errorf("the Service menu's Cases link opened %s", loc)
	}
	if got := st.get("the current group", chromedp.Evaluate[string](`document.querySelector(".nav-group.active button").textContent`)); got != "Service" {
		t.Errorf("on the inbox the marked group is %q, want Service", got)
	}
	load("back home", chromedp.Navigate(ts.URL+"/"))

	if n := text("#count-overdue-followups"); n != "1" {
		t.Fatalf("overdue follow-ups = %q, want 1", n)
	}
	load("follow the overdue number", chromedp.Click(chromedp.ID("count-overdue-followups")))
	if loc := location(); !strings.HasSuffix(loc, "/followups?view=overdue") {
		t.Fatalf("the number opened %s", loc)
	}
	load("open the overdue follow-up", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#followups a[href="/followups/%d"]`, fu.ID))))
	do("say how the customer was reached", chromedp.SetValue(chromedp.ID("fu-channel"), "phone"),
		chromedp.SendKeys(chromedp.ID("fu-outcome"), "Called Ada; new frames sent."))
	load("close the follow-up", chromedp.Click(chromedp.CSS(`#form-close button[type=submit]`)))
	if closed, err := db.FollowUp(ctx, fu.ID); err != nil || closed.Status != fresco.FollowUpClosed {
		t.Fatalf("follow-up after closing: %+v %v", closed, err)
	}
	load("back home", chromedp.Click(chromedp.CSS(`a.brand`)))
	if n := text("#count-overdue-followups"); n != "0" {
		t.Errorf("overdue follow-ups after closing = %q, want 0", n)
	}

	// Phone width: nothing wider than the screen, every section reachable.
	do("phone screen", chromedp.EmulateViewport(390, 844))
	load("home on a phone", chromedp.Navigate(ts.URL+"/"))
	fits, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	if err != nil || !fits {
		t.Errorf("the home page is wider than a 390 px screen (%v)", err)
	}
	shot(t, bctx, filepath.Join(os.TempDir(), "fresco-e2e-home-phone.png"))
	do("open the menu", chromedp.Click(chromedp.ID("menu-toggle"))) // at phone width the navigation folds behind it
	do("bring the last section of the menu into view", chromedp.ScrollIntoView(chromedp.CSS(`nav.nav a[href="/audit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`nav.nav a[href="/audit"]`)))
	load("open the cases from the menu", chromedp.Click(chromedp.CSS(`nav.nav a[href="/cases"]`)))
	if loc := location(); !strings.Contains(loc, "/cases") {
		t.Errorf("the menu's Cases link opened %s", loc)
	}
	load("home again", chromedp.Navigate(ts.URL+"/"))
	load("open the case waiting for approval", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#home-approvals a[href^="/cases/%d"]`, c.ID))))
	if loc := location(); !strings.Contains(loc, fmt.Sprintf("/cases/%d", c.ID)) {
		t.Errorf("the approval opened %s", loc)
	}
}

// TestBrowserAgentHome: the agent's home is their own work.
func TestBrowserAgentHome(t *testing.T) {
	st, ts, _, fu, c := homeBrowser(t)
	text := st.text

	logIn(st, ts.URL, "sam@example.com")
	for sel, want := range map[string]string{
		"#count-my-followups": "1", "#count-my-cases": "1", "#count-approvals": "1", "#count-my-calls": "0",
	} {
		if got := text(sel); got != want {
			t.Errorf("%s = %q, want %q", sel, got, want)
		}
	}
	if got := text("#home-followups"); !strings.Contains(got, "Ada Lovelace") || !strings.Contains(got, "overdue") {
		t.Errorf("my follow-ups = %q", got)
	}
	if got := text("#home-cases"); !strings.Contains(got, "Frames broke after a week") {
		t.Errorf("my cases = %q", got)
	}
	if got := text("#home-approvals"); !strings.Contains(got, "Refund of $500.00") {
		t.Errorf("my approvals = %q", got)
	}
	if body := text("main"); strings.Contains(body, "How customers feel") || strings.Contains(body, "Satisfied but leaving") {
		t.Errorf("the agent's home shows the managers' sections:\n%s", body)
	}
	st.load("open my follow-up", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#home-followups a[href="/followups/%d"]`, fu.ID))))
	st.load("home", chromedp.Navigate(ts.URL+"/"))
	st.load("follow my approvals' number", chromedp.Click(chromedp.ID("count-approvals")))
	if got := text("#case-inbox"); !strings.Contains(got, fmt.Sprintf("#%d", c.ID)) {
		t.Errorf("approvals I asked for = %q", got)
	}
}

// TestBrowserNotificationCentre: the bell counts the unread and opens the
// centre; opening an item goes to what it is about and marks it read;
// "Mark all read" brings the bell to 0.
func TestBrowserNotificationCentre(t *testing.T) {
	st, ts, db, _, c := homeBrowser(t)
	ctx, bctx := context.Background(), st.ctx
	do, load, text, location := st.do, st.load, st.text, st.location
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertNotification(ctx, &fresco.Notification{Event: "case.approved", EmployeeID: &sam.ID,
			Subject: fmt.Sprintf("Case %d: approved", c.ID), Body: "Refund of 500.00 approved.", Link: fmt.Sprintf("/cases/%d", c.ID)})
	}); err != nil {
		t.Fatal(err)
	}
	unread, err := db.UnreadNotifications(ctx, sam.ID)
	if err != nil || unread < 2 {
		t.Fatalf("Sam has %d unread notifications (%v); want the follow-up's and the approval", unread, err)
	}

	logIn(st, ts.URL, "sam@example.com")
	do("the bell counts the unread", chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`a.notif-bell[data-unread="%d"]`, unread))))
	load("open the centre from the bell", chromedp.Click(chromedp.CSS(`a.notif-bell`)))
	if loc := location(); !strings.HasSuffix(loc, "/notifications") {
		t.Fatalf("the bell opened %s", loc)
	}
	list := text("#notifications")
	if !strings.Contains(list, "Ada Lovelace") || strings.Count(list, "Unread") < unread {
		t.Errorf("centre = %q", list)
	}
	shot(t, bctx, filepath.Join(os.TempDir(), "fresco-e2e-notifications.png"))
	load("open the approval", chromedp.Click(chromedp.CSS(`#notifications li.unread .notif-open button`)))
	if loc := location(); !strings.HasSuffix(loc, fmt.Sprintf("/cases/%d", c.ID)) {
		t.Errorf("the notification opened %s, want its case", loc)
	}
	do("the bell counts one fewer", chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`a.notif-bell[data-unread="%d"]`, unread-1))))
	load("back to the centre", chromedp.Click(chromedp.CSS(`a.notif-bell`)))
	if got := text("#notifications li.read"); got == "" {
		t.Error("no item reads as read")
	}
	load("mark all read", chromedp.Click(chromedp.CSS(`#form-read-all button`)))
	do("the bell reads 0", chromedp.WaitReady(chromedp.CSS(`a.notif-bell[data-unread="0"]`)),
		chromedp.WaitReady(chromedp.CSS(`.notif-count[hidden]`)))
	if n, err := db.UnreadNotifications(ctx, sam.ID); err != nil || n != 0 {
		t.Errorf("unread after mark all = %d %v", n, err)
	}
}
