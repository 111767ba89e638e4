package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

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
