package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestAPIReference opens the interactive reference at /api/docs as an
// anonymous visitor: Swagger UI, vendored and started from a static file,
// renders the served OpenAPI document under the server's
// Content-Security-Policy, with an operation and a schema to browse, and the
// browser reports no error (a CSP violation is an error in the console).
func TestAPIReference(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, _ := browser(t, ctx)
	consoleErrors := collectConsoleErrors(bctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	srv := apptest.New(t, db).Server
	ts := httptest.NewServer(srv)
	defer ts.Close()
	defer srv.CloseStreams()

	st := steps{t, bctx}
	do, load, text := st.do, st.load, st.text
	load("open the API reference", chromedp.Navigate(ts.URL+"/api/docs"))

	// An operation, with its summary, and its details on a click. Swagger
	// UI draws only the operations in view once the document is large, so
	// the reader filters by tag, as a person looking for it would.
	batch := `#operations-Purchases-batch-purchases`
	do("filter the operations by tag", chromedp.SendKeys(chromedp.CSS(".operation-filter-input"), "Purchases"))
	do("the batch operation is listed", chromedp.WaitVisible(chromedp.CSS(batch)))
	if path := text(batch + " .opblock-summary-path"); path != "/api/v1/purchases:batch" {
		t.Errorf("batch operation path %q", path)
	}
	do("open the batch operation", chromedp.Click(chromedp.CSS(batch+" .opblock-summary-control")))
	do("its parameters are shown", chromedp.WaitVisible(chromedp.CSS(batch+` tr[data-param-name="Idempotency-Key"]`)))

	// The schemas, browsable: one opens to show its properties.
	// The schemas, browsable: one opens to show its properties. (The list
	// is virtualised; APIToken sorts first, so it is drawn.)
	token := `//section[contains(@class,"models")]//article[.//strong[contains(@class,"json-schema-2020-12__title") and text()="APIToken"]]`
	do("the schemas are listed", chromedp.WaitVisible(chromedp.Search(token)))
	do("open the APIToken schema", chromedp.Click(chromedp.Search(token+`//button[contains(@class,"json-schema-2020-12-accordion")]`)))
	do("its properties are shown", chromedp.WaitVisible(chromedp.Search(token+`//*[contains(@class,"json-schema-2020-12-property")]`)))
	props := text(`section.models article .json-schema-2020-12-body`)
	for _, want := range []string{"role", "created_at", "last_used_at"} {
		if !strings.Contains(props, want) {
			t.Errorf("APIToken schema lacks %s: %q", want, props)
		}
	}
	shot(t, bctx, filepath.Join(os.TempDir(), "fresco-e2e-api-docs.png"))

	if errs := consoleErrors(); len(errs) > 0 {
		t.Errorf("the reference wrote errors to the console:\n%s", strings.Join(errs, "\n"))
	}

	// The collector sees a violation of the policy: an inline script added
	// to the page is refused, and the refusal reaches the console.
	ran, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`(() => {
		const s = document.createElement("script");
		s.textContent = "window.inlineRan = true";
		document.body.appendChild(s);
		return window.inlineRan === true;
	})()`))
	if err != nil || ran {
		t.Errorf("inline script under the docs page's policy: ran=%v err=%v", ran, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(strings.Join(consoleErrors(), "\n"), "Content Security Policy") {
		if time.Now().After(deadline) {
			t.Fatalf("a CSP violation never reached the console: %q", consoleErrors())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// collectConsoleErrors returns a func that lists the errors the browser has
// written to the console so far: uncaught exceptions, console.error calls
// and browser-log errors, among them Content-Security-Policy violations.
func collectConsoleErrors(bctx context.Context) func() []string {
	var mu sync.Mutex
	var errs []string
	messages := chromedp.Console(bctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				mu.Lock()
				errs = append(errs, m.String()+" ("+m.URL+")")
				mu.Unlock()
			}
		}
	}()
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}
