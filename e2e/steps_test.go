package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// steps drives the browser for one test. Every step has its own time limit
// (the browser outlives them), and a failing step reports where the browser
// was and what the page said.
type steps struct {
	t   *testing.T
	ctx context.Context // the browser's
}

func (s steps) fail(step string, err error) {
	s.t.Helper()
	lctx, cancel := context.WithTimeout(s.ctx, 5*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(lctx, chromedp.Location())
	body, _ := chromedp.Run(lctx, chromedp.Text(chromedp.CSS("body")))
	s.t.Fatalf("%s: %v\nat %s\n%.2000s", step, err, loc, body)
}

// stepTimeout bounds one step: it only turns a hang into a failure, so it is
// generous — a busy two-core machine running the whole suite has taken over
// 20 s to render the API reference's large document.
const stepTimeout = 60 * time.Second

// do runs actions on the current page.
func (s steps) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	sctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		s.fail(step, err)
	}
}

// load runs an action that leads to a new page and waits for that page.
func (s steps) load(step string, trigger chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	sctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Run(sctx, chromedp.WaitEvent(page.LoadEventFired, nil, trigger)); err != nil {
		s.fail(step, err)
	}
}

// fromMenu opens the page the main navigation links to href, as a person
// would: the link's group first when it sits in one.
func (s steps) fromMenu(step, href string) {
	s.t.Helper()
	group := s.get(step+": find the menu group", chromedp.Evaluate[string](fmt.Sprintf(
		`(function () { var a = document.querySelector('#main-nav a[href="%s"]'); var g = a && a.closest(".nav-group");
		  return g ? g.querySelector(".nav-group-toggle").getAttribute("aria-controls") : ""; })()`, href)))
	if group != "" {
		s.do(step+": open its group", chromedp.Click(chromedp.CSS(`button[aria-controls="`+group+`"]`)))
	}
	s.load(step, chromedp.Click(chromedp.CSS(`#main-nav a[href="`+href+`"]`)))
}

// get runs an action that reads a string, trimmed.
func (s steps) get(step string, a chromedp.Action[string]) string {
	s.t.Helper()
	sctx, cancel := context.WithTimeout(s.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		s.fail(step, err)
	}
	return strings.TrimSpace(v)
}

// text is the visible text of the first element matching sel. It is read
// in one script once the element is there: a page that redraws a section
// (the case thread does, on every change) can replace the element between
// finding its node and reading it, which a node-based read reports as
// "No node with given id found".
func (s steps) text(sel string) string {
	s.t.Helper()
	s.do("wait for "+sel, chromedp.WaitReady(chromedp.CSS(sel)))
	return s.get("read "+sel, chromedp.Evaluate[string](fmt.Sprintf(
		`(function () { var e = document.querySelector(%q); return e ? e.innerText : ""; })()`, sel)))
}

// location is the page's URL.
func (s steps) location() string {
	s.t.Helper()
	return s.get("location", chromedp.Location())
}

// login fills in and sends the login form the browser is on.
func (s steps) login(email string) {
	s.t.Helper()
	s.do("log in as "+email, chromedp.WaitVisible(chromedp.ID("email")),
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), "a fine long password"))
	s.load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
}

// fits checks that the page needs no sideways scrolling on a 390 px phone.
func (s steps) fits(where string) {
	s.t.Helper()
	dims := s.get("measure "+where, chromedp.Evaluate[string](
		`document.scrollingElement.scrollWidth + " " + window.innerWidth`))
	var scroll, width int
	if _, err := fmt.Sscan(dims, &scroll, &width); err != nil || width != 390 || scroll > width {
		s.t.Errorf("%s: scroll width and window width = %s, want the page within 390 px", where, dims)
	}
}
