package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// chromiumPath finds the browser, or skips the test (fails it under CI).
func chromiumPath(t *testing.T) string {
	t.Helper()
	candidates := []string{"/usr/bin/chromium", "chromium", "chromium-browser"}
	if env := os.Getenv("FRESCO_CHROMIUM"); env != "" {
		candidates = []string{env} // an explicit choice is not second-guessed
	}
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	msg := fmt.Sprintf("chromium not found (looked for %s); install it with: apt-get install -y chromium",
		strings.Join(candidates, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal("browser tests cannot run: " + msg)
	}
	t.Skip(msg)
	return ""
}

// browser starts a headless chromium with a fresh profile and returns a
// browser context, and a func that returns the JavaScript exceptions the
// pages have thrown so far.
func browser(t *testing.T, ctx context.Context) (context.Context, func() []string) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless, // --headless, and no scrollbars or audio
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(bctx); err != nil { // start the browser now, so that a failure to start is clear
		t.Fatalf("start chromium: %v", err)
	}

	var mu sync.Mutex
	var errs []string
	messages := chromedp.Console(bctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() {
				mu.Lock()
				errs = append(errs, m.String())
				mu.Unlock()
			}
		}
	}()
	return bctx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), errs...)
	}
}

// stage is how most browser tests begin: a browser, a seeded SQLite
// database with the test's own world built on it, and the app serving it —
// no page opened yet, so a test may still add data through the app first.
// Everything is torn down with t.Cleanup.
type stage struct {
	steps
	db       *store.DB
	app      *app.App
	s        seeded
	base     string // the server's URL
	jsErrors func() []string
}

// newStage builds the stage; worlds run after the seed and before the app
// is built, as data an app must find at its start would be.
func newStage(t *testing.T, worlds ...func(*testing.T, *store.DB)) stage {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bctx, jsErrors := browser(t, ctx)
	db := storetest.Open(t, storetest.SQLiteURL(t))
	s := seed(t, db)
	for _, world := range worlds {
		world(t, db)
	}
	a := apptest.New(t, db)
	ts := httptest.NewServer(a.Server)
	t.Cleanup(func() {
		// The browser goes first: the notification bell keeps an event
		// stream open and reconnects it (retry: 3000) to a server that is
		// closing, which Close then waits for for ever.
		cancel()
		ts.CloseClientConnections()
		ts.Close()
	})
	return stage{steps: steps{t, bctx}, db: db, app: a, s: s, base: ts.URL, jsErrors: jsErrors}
}

type seeded struct {
	ada, grace, charles *fresco.Customer
	total               string // Ada's total spend as the profile shows it
}

func seed(t *testing.T, db *store.DB) seeded {
	t.Helper()
	ctx := context.Background()
	for _, u := range []struct {
		name, email string
		role        fresco.Role
	}{
		{"Olivia Owner", "olivia@example.com", fresco.RoleOwner},
		{"Sam Agent", "sam@example.com", fresco.RoleAgent},
	} {
		e := &fresco.Employee{Name: u.name, Email: u.email, Role: u.role, Active: true}
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		hash, err := auth.HashPassword("a fine long password")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPasswordHash(ctx, e.ID, hash); err != nil {
			t.Fatal(err)
		}
	}
	var s seeded
	s.grace = &fresco.Customer{Name: "Grace Hopper", Email: "grace@example.com", AcquisitionSource: "Conference talk"}
	if err := db.CreateCustomer(ctx, s.grace); err != nil {
		t.Fatal(err)
	}
	s.ada = &fresco.Customer{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "+44 20 7946 0018",
		Address: "12 St James's Square, London", AcquisitionSource: "A friend recommended us",
		ReferredBy: &s.grace.ID, ConsentSurveys: true, ConsentMarketing: true, Tags: []string{"vip", "mathematics"}}
	if err := db.CreateCustomer(ctx, s.ada); err != nil {
		t.Fatal(err)
	}
	s.charles = &fresco.Customer{Name: "Charles Babbage", ReferredBy: &s.ada.ID}
	if err := db.CreateCustomer(ctx, s.charles); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateCustomer(ctx, &fresco.Customer{Name: "Bob Ross", Email: "bob@example.com"}); err != nil {
		t.Fatal(err)
	}
	line := func(sku, desc string, qty int64, price string) fresco.PurchaseLine {
		m, err := fresco.ParseMoney(price)
		if err != nil {
			t.Fatal(err)
		}
		return fresco.PurchaseLine{SKU: sku, Description: desc, Quantity: qty, UnitPrice: m}
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	var total fresco.Money
	for _, p := range []*fresco.Purchase{
		{PurchasedAt: day(2024, 2, 3), Channel: "store", Lines: []fresco.PurchaseLine{line("FRAME-01", "Tortoiseshell frames", 1, "189.00"), line("LENS-AR", "Anti-glare lenses", 2, "65.00")}},
		{PurchasedAt: day(2024, 4, 18), Channel: "web", Lines: []fresco.PurchaseLine{line("CLEAN", "Lens cleaning kit", 3, "8.50")}},
		{PurchasedAt: day(2024, 7, 9), Channel: "store", PromotionCode: "SUMMER", Lines: []fresco.PurchaseLine{line("SUN-02", "Prescription sunglasses", 1, "240.00")}},
		{PurchasedAt: day(2024, 11, 25), Channel: "phone", Lines: []fresco.PurchaseLine{line("EXAM", "Eye examination", 1, "45.00")}},
		{PurchasedAt: day(2025, 1, 14), Channel: "store", Lines: []fresco.PurchaseLine{line("FRAME-02", "Titanium frames", 1, "310.00"), line("LENS-VF", "Varifocal lenses", 2, "145.00")}},
		{PurchasedAt: day(2025, 3, 2), Channel: "store", Lines: []fresco.PurchaseLine{line("CLEAN", "Lens cleaning kit", -1, "8.50")}},
	} {
		p.CustomerID = &s.ada.ID
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
		total += p.Total()
	}
	// 189 + 130 + 25.50 + 240 + 45 + 310 + 290 − 8.50 = 1,221.00
	s.total = "1,221.00"
	if total.String() != "1221.00" {
		t.Fatalf("seeded total %s, want 1221.00", total)
	}
	return s
}

func TestBrowserJourney(t *testing.T) {
	st := newStage(t)
	shots := os.TempDir()
	do, load, get, text, location := st.do, st.load, st.get, st.text, st.location
	loginWith := func(email, password string) {
		t.Helper()
		do("fill in the login form as "+email,
			chromedp.WaitVisible(chromedp.ID("email")),
			chromedp.Clear(chromedp.ID("email")),
			chromedp.SendKeys(chromedp.ID("email"), email),
			chromedp.Clear(chromedp.ID("password")),
			chromedp.SendKeys(chromedp.ID("password"), password))
		load("submit the login form", chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)))
	}
	login := func(email string) { t.Helper(); loginWith(email, "a fine long password") }
	profileLink := chromedp.CSS(fmt.Sprintf(`table a[href="/customers/%d"]`, st.s.ada.ID))

	// Anonymous visitors land on the login page and come back after it.
	load("open the customer list", chromedp.Navigate(st.base+"/customers"))
	if loc := location(); !strings.Contains(loc, "/login?next=%2Fcustomers") {
		t.Errorf("anonymous /customers went to %s", loc)
	}
	// A wrong password is told clearly, and the form keeps the address.
	loginWith("olivia@example.com", "not my password")
	if msg := text("#login-error"); !strings.Contains(msg, "don't match an active account") {
		t.Errorf("wrong password message %q", msg)
	}
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-login-error.png"))
	login("olivia@example.com")
	if h1, loc := text("#main h1"), location(); h1 != "Customers" || !strings.HasSuffix(loc, "/customers") {
		t.Fatalf("after login: %q at %s, want the page asked for", h1, loc)
	}

	// Search, on the server.
	do("type a search", chromedp.SendKeys(chromedp.ID("q"), "lovelace"))
	load("submit the search", chromedp.Submit(chromedp.ID("q")))
	rows := text("table tbody")
	if loc := location(); !strings.Contains(loc, "q=lovelace") || !strings.Contains(rows, "Ada Lovelace") ||
		strings.Contains(rows, "Bob Ross") || strings.Contains(rows, "Grace Hopper") {
		t.Errorf("search results at %s:\n%s", loc, rows)
	}
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-customers.png"))

	// The profile.
	load("open the profile", chromedp.Click(profileLink))
	if name := text("#customer-name"); name != "Ada Lovelace" {
		t.Errorf("profile name %q", name)
	}
	if total := text("#total-spend"); total != "$"+st.s.total { // in the default currency, US dollars
		t.Errorf("total spend %q, want %q", total, st.s.total)
	}
	href := get("referral link", func(ctx context.Context, tg *chromedp.Target) (string, error) {
		r, err := chromedp.AttributeValue(chromedp.CSS("#referred-by a"), "href")(ctx, tg)
		return r.Value, err
	})
	if by := text("#referred-by"); by != "Grace Hopper" || href != fmt.Sprintf("/customers/%d", st.s.grace.ID) {
		t.Errorf("referred by %q → %q", by, href)
	}
	if refs := text("#referrals"); !strings.Contains(refs, "Charles Babbage") {
		t.Errorf("referrals %q", refs)
	}
	if lines := text("#main"); !strings.Contains(lines, "Varifocal lenses") || !strings.Contains(lines, "Tortoiseshell frames") {
		t.Error("the purchase lines are not shown")
	}
	// ECharts draws into a canvas once app.js has run; check it drew something.
	do("wait for the chart", chromedp.WaitVisible(chromedp.CSS(`#spend-chart[data-rendered="true"] canvas`)))
	painted := get("chart pixels", func(ctx context.Context, tg *chromedp.Target) (string, error) {
		ok, err := chromedp.Evaluate[bool](`(() => {
			const c = document.querySelector("#spend-chart canvas");
			if (!c || c.width < 100 || c.height < 100) return false;
			const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
			let n = 0;
			for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
			return n > 1000; })()`)(ctx, tg)
		return fmt.Sprint(ok), err
	})
	if painted != "true" {
		t.Error("the chart canvas is missing, tiny or blank")
	}
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-profile.png"))

	// The referral link leads to the referrer.
	load("follow the referral link", chromedp.Click(chromedp.CSS("#referred-by a")))
	if name := text("#customer-name"); name != "Grace Hopper" {
		t.Errorf("referral link opened %q", name)
	}

	// The lifetime-value page under its Content-Security-Policy, which allows
	// scripts from the server's files only: its charts are drawn all the same.
	sctx, scancel := context.WithTimeout(st.ctx, 20*time.Second)
	valuePage, err := chromedp.Run(sctx, chromedp.NavigateResponse(st.base+"/value"))
	scancel()
	if err != nil {
		st.fail("open the value page", err)
	}
	if csp := fmt.Sprint(valuePage.Headers["Content-Security-Policy"]); !scriptsFromFilesOnly(csp) {
		t.Errorf("value page CSP %q: want a script-src without 'unsafe-inline'", csp)
	}
	do("value chart drawn", chromedp.WaitVisible(chromedp.CSS(`#compare-chart[data-rendered="true"] canvas`)))

	// The owner sees employee administration.
	load("open employees", chromedp.Navigate(st.base+"/employees"))
	if h1 := text("#main h1"); h1 != "Employees" {
		t.Errorf("owner /employees heading %q", h1)
	}
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-employees.png"))
	load("add an employee", chromedp.Click(chromedp.CSS(`a[href="/employees/new"]`)))
	do("fill in a bad form", chromedp.SendKeys(chromedp.ID("email"), "not-an-address"))
	load("submit the bad form", chromedp.Click(chromedp.CSS(`form[action="/employees"] button[type=submit]`)))
	if msg := text("#email-help"); !strings.Contains(msg, "not an e-mail address") {
		t.Errorf("employee form e-mail error %q", msg)
	}
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-employee-form.png"))

	// Log out: back at the login page, and the pages are closed again.
	load("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	if flash := text(".flash"); !strings.Contains(flash, "signed out") {
		t.Errorf("after logout: flash %q", flash)
	}
	load("customer list after logout", chromedp.Navigate(st.base+"/customers"))
	if loc := location(); !strings.Contains(loc, "/login") {
		t.Errorf("after logout, /customers opened %s", loc)
	}

	// An agent cannot open employee administration: the 403 page.
	login("sam@example.com")
	sctx, scancel = context.WithTimeout(st.ctx, 20*time.Second)
	resp, err := chromedp.Run(sctx, chromedp.NavigateResponse(st.base+"/employees"))
	scancel()
	if err != nil {
		st.fail("agent opens employees", err)
	}
	if resp.Status != 403 {
		t.Errorf("agent /employees: HTTP %d, want 403", resp.Status)
	}
	if h1, code := text("#main h1"), text(".error-code"); h1 != "You don't have access to this page" || code != "Error 403" {
		t.Errorf("agent /employees page: %q, %q", h1, code)
	}
	if nav := text("nav.nav"); strings.Contains(nav, "Employees") || !strings.Contains(nav, "Customers") {
		t.Errorf("agent navigation: %q", nav)
	}
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-403.png"))

	// A phone-sized screen: the profile must still read (for a human to check).
	do("narrow viewport", chromedp.EmulateViewport(390, 844))
	load("narrow profile", chromedp.Navigate(st.base+fmt.Sprintf("/customers/%d", st.s.ada.ID)))
	do("narrow chart", chromedp.WaitVisible(chromedp.CSS(`#spend-chart[data-rendered="true"] canvas`)))
	shot(t, st.ctx, filepath.Join(shots, "fresco-e2e-profile-narrow.png"))

	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}

// shot saves a full-page screenshot for a human to look at.
func shot(t *testing.T, ctx context.Context, path string) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(sctx, chromedp.FullScreenshot(100))
	if err == nil {
		err = os.WriteFile(path, png, 0o644)
	}
	if err != nil {
		t.Errorf("screenshot %s: %v", path, err)
		return
	}
	t.Logf("screenshot: %s", path)
}

// scriptsFromFilesOnly reports whether a Content-Security-Policy has a
// script-src (or, lacking one, a default-src) that allows no inline script.
func scriptsFromFilesOnly(csp string) bool {
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	src, ok := directives["script-src"]
	if !ok {
		src, ok = directives["default-src"]
	}
	return ok && !strings.Contains(src, "'unsafe-inline'") && !strings.Contains(src, "'unsafe-eval'")
}
