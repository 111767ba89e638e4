package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserCaseJourney: an agent finds a case in the inbox, sees the
// customer flagged, responds, asks for an over-limit refund (pending) and
// sees it all in the timeline; the customer's profile carries the banner.
func TestBrowserCaseJourney(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := newCaseStage(t, ctx)
	bctx, jsErrors, s, c, ts := cs.browser, cs.jsErrors, cs.s, cs.c, cs.ts

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text

	load("open the inbox", chromedp.Navigate(ts.URL+"/cases"))
	do("log in", chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), "sam@example.com"),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	if inbox := text("#case-inbox"); !strings.Contains(inbox, "Varifocals give her headaches") || !strings.Contains(inbox, "Special attention") {
		t.Fatalf("inbox = %q", inbox)
	}
	load("open the case", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#case-inbox a[href="/cases/%d"]`, c.ID))))
	if got := text("#special-attention"); got != "Needs special attention" {
		t.Errorf("flag = %q", got)
	}
	do("write a response", chromedp.SendKeys(chromedp.ID("log-text"), "New lenses are on order"))
	load("respond", chromedp.Click(chromedp.CSS(`#form-log button[value="respond"]`)))
	do("fill in a refund", chromedp.SetValue(chromedp.ID("gesture-kind"), "refund"),
		chromedp.SendKeys(chromedp.ID("gesture-amount"), "80.00"))
	load("ask for the refund", chromedp.Click(chromedp.CSS(`#form-gesture button[type=submit]`)))
	timeline := text("#case-timeline")
	for _, want := range []string{"Opened: Varifocals give her headaches", "Responded: New lenses are on order", "Gesture requested: Refund of $80.00"} {
		if !strings.Contains(timeline, want) {
			t.Errorf("timeline lacks %q:\n%s", want, timeline)
		}
	}
	if g := text("#gestures-heading + ul"); !strings.Contains(g, "Waiting for approval") {
		t.Errorf("gestures = %q, want the agent's 80.00 refund pending approval", g)
	}
	load("open the customer", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/customers/%d"]`, s.ada.ID))))
	if banner := text("#attention-heading"); banner != "Needs special attention" {
		t.Errorf("profile banner = %q", banner)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// caseStage is a browser and a running Fresco with the seeded shop, in
// which Sam, an agent, has opened a case for Ada.
type caseStage struct {
	browser  context.Context
	jsErrors func() []string
	db       *store.DB
	app      *app.App
	s        seeded
	sam      *fresco.Employee
	c        *fresco.Case
	ts       *httptest.Server
	// inboundAddr is the SMTP listener's address when the edits set
	// Config.Inbound.Listen, as `fresco serve --smtp-listen` runs it.
	inboundAddr string
}

func newCaseStage(t *testing.T, ctx context.Context, edits ...func(*app.Config)) caseStage {
	t.Helper()
	var cs caseStage
	cs.browser, cs.jsErrors = browser(t, ctx)
	cs.db = storetest.Open(t, storetest.SQLiteURL(t))
	cs.s = seed(t, cs.db)
	var err error
	if cs.sam, err = cs.db.EmployeeByEmail(ctx, "sam@example.com"); err != nil {
		t.Fatal(err)
	}
	cs.app = apptest.New(t, cs.db, edits...)
	sam := cs.sam
	cs.c, err = cs.app.Recovery.Open(ctx, recovery.Actor{Ref: fmt.Sprintf("employee:%d", sam.ID), Role: sam.Role, EmployeeID: &sam.ID},
		recovery.OpenInput{CustomerID: cs.s.ada.ID, Summary: "Varifocals give her headaches", Expectation: "new lenses"})
	if err != nil {
		t.Fatal(err)
	}
	cs.ts = httptest.NewServer(cs.app.Server)
	t.Cleanup(func() {
		cs.ts.CloseClientConnections() // the page's live-event stream stays open while the browser lives
		cs.ts.Close()
	})
	if cs.app.InboundSMTP != nil {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		cs.inboundAddr = l.Addr().String()
		go cs.app.InboundSMTP.Serve(l)
		t.Cleanup(func() { cs.app.InboundSMTP.Close() })
	}
	return cs
}

// TestBrowserCaseCollision: Sam and Olivia have the same case open in two
// sessions. Olivia resolves it; Sam, on his page from before, logs a
// response. It is refused with who did what, his page shows the case as
// it is now, and what he typed is still in the form.
func TestBrowserCaseCollision(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cs := newCaseStage(t, ctx)
	casePage := fmt.Sprintf("%s/cases/%d", cs.ts.URL, cs.c.ID)

	// Olivia's session is a browser of its own: its own cookies.
	octx, oliviaErrors := browser(t, ctx)
	sam, olivia := steps{t, cs.browser}, steps{t, octx}

	for _, s := range []struct {
		steps
		email string
	}{{sam, "sam@example.com"}, {olivia, "olivia@example.com"}} {
		s.load("open the case as "+s.email, chromedp.Navigate(casePage))
		s.login(s.email)
		if title := s.text("#case-title"); !strings.Contains(title, "Varifocals give her headaches") {
			t.Fatalf("%s sees %q", s.email, title)
		}
	}

	olivia.do("write a resolution", chromedp.SendKeys(chromedp.ID("log-text"), "Replaced the lenses"))
	olivia.load("resolve", chromedp.Click(chromedp.CSS(`#form-log button[value="resolve"]`)))
	if status := olivia.text("#case-status"); !strings.HasPrefix(status, "Resolved") {
		t.Fatalf("after resolving, Olivia sees status %q", status)
	}

	const typed = "New lenses are on order"
	sam.do("write a response on the old page", chromedp.SendKeys(chromedp.ID("log-text"), typed))
	sam.load("respond", chromedp.Click(chromedp.CSS(`#form-log button[value="respond"]`)))
	if msg := sam.text("#case-error"); !strings.Contains(msg, "This case changed after you loaded the page") ||
		!strings.Contains(msg, "Olivia Owner resolved the case") {
		t.Errorf("Sam's refusal = %q, want who resolved it", msg)
	}
	if status := sam.text("#case-status"); !strings.HasPrefix(status, "Resolved") {
		t.Errorf("after the refusal Sam sees status %q, want the case as it is now", status)
	}
	kept := sam.get("read the kept text", chromedp.Evaluate[string](`document.getElementById("log-text").value`))
	if kept != typed {
		t.Errorf("the form holds %q, want what Sam typed, %q", kept, typed)
	}
	if timeline := sam.text("#case-timeline"); strings.Contains(timeline, "Responded: "+typed) {
		t.Errorf("the refused response is in the timeline:\n%s", timeline)
	}
	if errs := append(cs.jsErrors(), oliviaErrors()...); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
