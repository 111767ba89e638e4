package ui_test

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/web/ui"
)

// These tests drive the UI through the real server (routes, middleware,
// authentication) with httptest, on every engine storetest offers.

type fixture struct {
	t      *testing.T
	db     *store.DB
	app    *app.App
	srv    http.Handler
	people map[fresco.Role]*fresco.Employee
	cookie map[fresco.Role]*http.Cookie
}

func newFixture(t *testing.T, db *store.DB, edits ...func(*app.Config)) *fixture {
	t.Helper()
	a := apptest.New(t, db, edits...)
	f := &fixture{t: t, db: db, app: a, srv: a.Server, people: map[fresco.Role]*fresco.Employee{}, cookie: map[fresco.Role]*http.Cookie{}}
	for _, role := range fresco.Roles {
		e := &fresco.Employee{Name: "The " + string(role), Email: string(role) + "@example.com", Role: role, Active: true}
		if err := db.CreateEmployee(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		f.people[role] = e
		f.cookie[role] = f.session(e.ID)
	}
	return f
}

// session opens a session for the employee directly in the store, so role
// tests do not pay for an argon2 hash per role.
func (f *fixture) session(employeeID int64) *http.Cookie {
	f.t.Helper()
	return apptest.Session(f.t, f.db, employeeID)
}

type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request as role ("" for anonymous) with an optional form.
func (f *fixture) do(role fresco.Role, method, target string, form url.Values) response {
	f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if role != "" {
		req.AddCookie(f.cookie[role])
	}
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

func money(t *testing.T, s string) fresco.Money {
	t.Helper()
	m, err := fresco.ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRoleChecks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		c := &fresco.Customer{Name: "Ada Lovelace"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		target := f.people[fresco.RoleAgent].ID
		cust := fmt.Sprintf("/customers/%d", c.ID)
		deact := fmt.Sprintf("/employees/%d/deactivate", target)
		reset := fmt.Sprintf("/employees/%d/password", target)
		newEmp := url.Values{"name": {"New"}, "email": {"new@example.com"}, "role": {"agent"}}

		const (
			O, M, A, N = fresco.RoleOwner, fresco.RoleManager, fresco.RoleAgent, fresco.RoleAnalyst
		)
		tests := []struct {
			method, path string
			form         url.Values
			want         map[fresco.Role]int // by role; the anonymous case is always a redirect to login
		}{
			{"GET", "/", nil, map[fresco.Role]int{O: 200, M: 200, A: 200, N: 200}},
			{"GET", "/notifications", nil, map[fresco.Role]int{O: 200, M: 200, A: 200, N: 200}},
			{"GET", "/customers", nil, map[fresco.Role]int{O: 200, M: 200, A: 200, N: 200}},
			{"GET", "/customers?q=ada", nil, map[fresco.Role]int{O: 200, M: 200, A: 200, N: 200}},
			{"GET", cust, nil, map[fresco.Role]int{O: 200, M: 200, A: 200, N: 200}},
			{"GET", "/purchases", nil, map[fresco.Role]int{O: 200, M: 200, A: 200, N: 200}},
			{"GET", "/employees", nil, map[fresco.Role]int{O: 200, M: 200, A: 403, N: 403}},
			{"GET", "/employees/new", nil, map[fresco.Role]int{O: 200, M: 403, A: 403, N: 403}},
			// Writes by the forbidden roles only: the owner's succeed in TestEmployeeAdmin.
			{"POST", "/employees", newEmp, map[fresco.Role]int{M: 403, A: 403, N: 403}},
			{"POST", deact, url.Values{}, map[fresco.Role]int{M: 403, A: 403, N: 403}},
			{"POST", reset, url.Values{}, map[fresco.Role]int{M: 403, A: 403, N: 403}},
		}
		for _, tc := range tests {
			for _, role := range fresco.Roles {
				want, ok := tc.want[role]
				if !ok {
					continue
				}
				got := f.do(role, tc.method, tc.path, tc.form)
				if got.status != want {
					t.Errorf("%s %s as %s: status %d, want %d", tc.method, tc.path, role, got.status, want)
				}
				if want == 403 && !strings.Contains(got.body, "You don&#39;t have access to this page") {
					t.Errorf("%s %s as %s: 403 without the friendly page:\n%s", tc.method, tc.path, role, got.body)
				}
			}
			// Anonymous: GETs go to the login page and come back; POSTs go to the login page.
			got := f.do("", tc.method, tc.path, tc.form)
			if got.status != http.StatusSeeOther || !strings.HasPrefix(got.header.Get("Location"), "/login") {
				t.Errorf("%s %s anonymous: %d → %q, want 303 to /login", tc.method, tc.path, got.status, got.header.Get("Location"))
			}
		}
		if loc := f.do("", "GET", "/customers?q=ada", nil).header.Get("Location"); loc != "/login?next=%2Fcustomers%3Fq%3Dada" {
			t.Errorf("login redirect = %q, want the page to come back to", loc)
		}
		// Nothing was changed by the refused writes.
		if e, err := db.Employee(ctx, target); err != nil || !e.Active {
			t.Errorf("agent after refused deactivation: %+v %v", e, err)
		}
		if _, err := db.EmployeeByEmail(ctx, "new@example.com"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("refused create stored an employee: %v", err)
		}
		// A manager sees the list but no owner-only controls.
		body := f.do(M, "GET", "/employees", nil).body
		if strings.Contains(body, "Add employee") || strings.Contains(body, "Deactivate") {
			t.Error("manager sees owner-only controls on /employees")
		}
		if !strings.Contains(f.do(O, "GET", "/employees", nil).body, "Add employee") {
			t.Error("owner does not see Add employee")
		}
		// Navigation shows Employees only to those who may open it.
		for role, want := range map[fresco.Role]bool{O: true, M: true, A: false, N: false} {
			body := f.do(role, "GET", "/customers", nil).body
			if got := strings.Contains(body, `href="/employees"`); got != want {
				t.Errorf("nav for %s links Employees: %v, want %v", role, got, want)
			}
		}
	})
}

func TestErrorPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, path := range []string{"/customers/999999", "/customers/abc", "/customers/-1", "/purchases?customer=999999"} {
			got := f.do(fresco.RoleAgent, "GET", path, nil)
			if got.status != 404 || !strings.Contains(got.body, "Page not found") {
				t.Errorf("GET %s: %d, want the 404 page:\n%.300s", path, got.status, got.body)
			}
			if strings.Contains(got.body, "not found") && strings.Contains(got.body, "customer 999999") {
				t.Errorf("GET %s leaks the store message", path)
			}
		}
		for _, path := range []string{"/customers?cursor=notacursor", "/purchases?cursor=bm9wZQ", "/employees?cursor=x"} {
			got := f.do(fresco.RoleOwner, "GET", path, nil)
			if got.status != 400 || !strings.Contains(got.body, "page link is out of date or damaged") {
				t.Errorf("GET %s: %d, want the 400 page", path, got.status)
			}
		}
	})
}

func TestInternalErrorsDoNotLeak(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	u := newUI(t, db, ui.Deps{})
	db.Close() // every query now fails with "sql: database is closed"
	got := direct(t, u.Customers, fresco.RoleAgent, "GET", "/customers", "")
	if got.status != 500 || !strings.Contains(got.body, "Something went wrong on our side") {
		t.Fatalf("closed database: %d\n%s", got.status, got.body)
	}
	for _, leak := range []string{"sql:", "closed", "goroutine", ".go:"} {
		if strings.Contains(got.body, leak) {
			t.Errorf("error page leaks %q:\n%s", leak, got.body)
		}
	}
}

// newUI builds a UI directly, for tests of what the server does not wire
// (the optional panels) or cannot reach (a broken database).
func newUI(t *testing.T, db *store.DB, d ui.Deps) *ui.UI {
	t.Helper()
	d.DB, d.Auth, d.Staff = db, auth.New(auth.Options{DB: db}), staff.New(db)
	u, err := ui.New(d)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// direct calls one handler as an employee of the given role, with the {id}
// path value set when id is not "".
func direct(t *testing.T, h http.HandlerFunc, role fresco.Role, method, target, id string) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	if id != "" {
		req.SetPathValue("id", id)
	}
	e := &fresco.Employee{ID: 1, Name: "Test " + string(role), Email: "t@example.com", Role: role, Active: true}
	req = req.WithContext(auth.WithPrincipal(req.Context(), &auth.Principal{Role: role, Employee: e}))
	rec := httptest.NewRecorder()
	h(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

func TestCustomerSearchAndPaging(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for _, c := range []*fresco.Customer{
			{Name: "Ada Lovelace", Email: "ada@example.com", ExternalID: "C-100"},
			{Name: "Grace Hopper", Email: "grace@navy.example", Phone: "+1 555 0100"},
			{Name: "Bob Ross", Email: "bob@example.com"},
		} {
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 30 {
			if err := db.CreateCustomer(ctx, &fresco.Customer{Name: fmt.Sprintf("Walk-in %02d", i+1)}); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			q        string
			want     []string
			wantNone []string
		}{
			{"ada", []string{"Ada Lovelace"}, []string{"Grace Hopper", "Bob Ross"}},
			{"HOPPER", []string{"Grace Hopper"}, []string{"Ada Lovelace"}},
			{"navy.example", []string{"Grace Hopper"}, []string{"Bob Ross"}},
			{"555 0100", []string{"Grace Hopper"}, []string{"Ada Lovelace"}},
			{"c-100", []string{"Ada Lovelace"}, []string{"Grace Hopper"}},
			{"<script>", nil, []string{"Ada Lovelace", "<script>"}},
		}
		for _, tc := range tests {
			got := f.do(fresco.RoleAnalyst, "GET", "/customers?q="+url.QueryEscape(tc.q), nil)
			if got.status != 200 {
				t.Fatalf("search %q: status %d", tc.q, got.status)
			}
			for _, w := range tc.want {
				if !strings.Contains(got.body, w) {
					t.Errorf("search %q: %q missing", tc.q, w)
				}
			}
			for _, w := range tc.wantNone {
				if strings.Contains(got.body, w) {
					t.Errorf("search %q: %q shown", tc.q, w)
				}
			}
		}
		if body := f.do(fresco.RoleAnalyst, "GET", "/customers?q=zzz", nil).body; !strings.Contains(body, "No customers match") {
			t.Error("empty search result has no message")
		}

		// Paging: 33 customers, 25 a page; the next link keeps the query.
		first := f.do(fresco.RoleAgent, "GET", "/customers", nil).body
		next := regexp.MustCompile(`href="(/customers\?cursor=[^"]+)"[^>]*rel="next"`).FindStringSubmatch(first)
		if next == nil {
			t.Fatalf("first page has no next link")
		}
		if n := strings.Count(first, `<a href="/customers/`); n != 25 {
			t.Errorf("first page lists %d customers, want 25", n)
		}
		second := f.do(fresco.RoleAgent, "GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil).body
		if n := strings.Count(second, `<a href="/customers/`); n != 8 {
			t.Errorf("second page lists %d customers, want 8", n)
		}
		if strings.Contains(second, `rel="next"`) || strings.Contains(second, "Walk-in 30") || !strings.Contains(second, "Ada Lovelace") {
			t.Error("second page is not the eight oldest customers (newest come first)")
		}
		walk := f.do(fresco.RoleAgent, "GET", "/customers?q=walk-in", nil).body
		m := regexp.MustCompile(`href="(/customers\?[^"]+)"[^>]*rel="next"`).FindStringSubmatch(walk)
		if m == nil || !strings.Contains(m[1], "q=walk-in") {
			t.Errorf("search next link does not keep the query: %v", m)
		}
	})
}

// fakeInsights and fakeAttention stand in for the capabilities that will
// fill the optional profile panels.
type fakeInsights struct{ insight *ui.Insight }

func (f fakeInsights) CustomerInsight(context.Context, int64) (*ui.Insight, error) {
	return f.insight, nil
}

type fakeAttention struct{ list []ui.Attention }

func (f fakeAttention) SpecialAttention(context.Context, int64) ([]ui.Attention, error) {
	return f.list, nil
}

func TestProfilePanelsOnlyWithData(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	c := &fresco.Customer{Name: "Dora"}
	if err := db.CreateCustomer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprint(c.ID)
	clv, p := money(t, "2450.00"), 0.82
	tests := []struct {
		name     string
		deps     ui.Deps
		want     []string
		wantNone []string
	}{
		// The panel, not the "Lifetime value" menu entry: look for its heading's id.
		{"none plugged in", ui.Deps{}, nil, []string{"Needs special attention", `id="value-heading"`, "Still active"}},
		{"plugged in, nothing to say", ui.Deps{Insights: fakeInsights{}, Attention: fakeAttention{}},
			nil, []string{"Needs special attention", `id="value-heading"`}},
		{"plugged in, empty insight", ui.Deps{Insights: fakeInsights{&ui.Insight{}}},
			nil, []string{`id="value-heading"`}},
		{"with data", ui.Deps{
			Insights: fakeInsights{&ui.Insight{CLV: &clv, PAlive: &p, Segment: "Loyal high value"}},
			Attention: fakeAttention{[]ui.Attention{{Reason: "Open incident: room not ready", Link: "/cases/7",
				Since: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)}}},
		}, []string{"Needs special attention", `<a href="/cases/7">Open incident: room not ready</a>`,
			"Lifetime value", "2,450.00", "Chance they are still a customer", "82%", "Loyal high value"}, nil},
	}
	for _, tc := range tests {
		u := newUI(t, db, tc.deps)
		got := direct(t, u.Customer, fresco.RoleAgent, "GET", "/customers/"+id, id)
		if got.status != 200 {
			t.Fatalf("%s: status %d", tc.name, got.status)
		}
		for _, w := range tc.want {
			if !strings.Contains(got.body, w) {
				t.Errorf("%s: lacks %q", tc.name, w)
			}
		}
		for _, w := range tc.wantNone {
			if strings.Contains(got.body, w) {
				t.Errorf("%s: shows %q", tc.name, w)
			}
		}
	}
}

func TestCustomerProfile(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		ada := &fresco.Customer{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "+44 20 7946 0000",
			AcquisitionSource: "A friend", ConsentSurveys: true, Tags: []string{"vip", "newsletter"}}
		if err := db.CreateCustomer(ctx, ada); err != nil {
			t.Fatal(err)
		}
		bob := &fresco.Customer{Name: "Bob Byron", ReferredBy: &ada.ID}
		if err := db.CreateCustomer(ctx, bob); err != nil {
			t.Fatal(err)
		}
		carol := &fresco.Customer{Name: "Carol Babbage", ReferredBy: &bob.ID}
		if err := db.CreateCustomer(ctx, carol); err != nil {
			t.Fatal(err)
		}
		lines := func(sku, desc string, qty int64, price string) []fresco.PurchaseLine {
			return []fresco.PurchaseLine{{SKU: sku, Description: desc, Quantity: qty, UnitPrice: money(t, price)}}
		}
		for _, p := range []*fresco.Purchase{
			{CustomerID: &bob.ID, PurchasedAt: time.Date(2024, 1, 15, 10, 0, 0, 0, time.UTC), Lines: lines("ROOM", "Double room", 2, "120.00")},
			{CustomerID: &bob.ID, PurchasedAt: time.Date(2024, 3, 2, 19, 0, 0, 0, time.UTC), Lines: append(lines("DIN", "Dinner for two", 1, "85.50"), lines("WINE", "House red", 1, "1234.00")...)},
			{CustomerID: &bob.ID, PurchasedAt: time.Date(2024, 3, 20, 9, 0, 0, 0, time.UTC), Lines: lines("DIN", "Dinner refund", -1, "85.50")},
		} {
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		body := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/customers/%d", bob.ID), nil).body
		for _, want := range []string{
			"Bob Byron",
			fmt.Sprintf(`<a href="/customers/%d">Ada Lovelace</a>`, ada.ID),    // referred by
			fmt.Sprintf(`<a href="/customers/%d">Carol Babbage</a>`, carol.ID), // referred
			`<dd id="total-spend">$1,474.00</dd>`,                              // 240 + 85.50 + 1234 − 85.50
			"House red", "Double room", "−$85.50",
			"15 Jan 2024", "20 Mar 2024", // first and last purchase
			`data-chart="spend"`, "vendor/echarts.min.js",
			`"labels":["Jan 2024","Feb 2024","Mar 2024"]`,
			`"spend":[240,0,1234]`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("profile lacks %q", want)
			}
		}
		for _, absent := range []string{"Needs special attention", `id="value-heading"`} { // the panel, not the menu entry
			if strings.Contains(body, absent) {
				t.Errorf("profile shows %q with no data behind it", absent)
			}
		}
		// Ada: consent, tags, acquisition source; no purchases, so no chart.
		body = f.do(fresco.RoleAnalyst, "GET", fmt.Sprintf("/customers/%d", ada.ID), nil).body
		for _, want := range []string{"A friend", "How did you hear about us?", "vip", "newsletter", `<span class="badge yes">Yes</span>`, "No purchases yet."} {
			if !strings.Contains(body, want) {
				t.Errorf("Ada's profile lacks %q", want)
			}
		}
		if strings.Contains(body, "echarts") {
			t.Error("a profile without purchases loads the chart library")
		}
		// The purchases page, all and one customer's.
		all := f.do(fresco.RoleAnalyst, "GET", "/purchases", nil).body
		if !strings.Contains(all, "Bob Byron") || !strings.Contains(all, "House red") {
			t.Error("purchases page lacks the customer or the lines")
		}
		one := f.do(fresco.RoleAnalyst, "GET", fmt.Sprintf("/purchases?customer=%d", bob.ID), nil).body
		if !strings.Contains(one, "Purchases of Bob Byron") {
			t.Error("one customer's purchases page has no heading")
		}
	})
}

// login posts the login form and returns the response.
func (f *fixture) login(email, password string) response {
	f.t.Helper()
	return f.do("", "POST", "/login", url.Values{"email": {email}, "password": {password}, "next": {"/purchases"}})
}

func sessionCookie(r response) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == auth.SessionCookie {
			return c
		}
	}
	return nil
}

func TestLoginAndLogout(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, func(c *app.Config) { c.LoginAccountLimit = 3 })
		hash, err := auth.HashPassword("correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPasswordHash(ctx, f.people[fresco.RoleAgent].ID, hash); err != nil {
			t.Fatal(err)
		}

		page := f.do("", "GET", "/login?next=/customers/1", nil)
		if page.status != 200 || !strings.Contains(page.body, `<label for="email">`) || !strings.Contains(page.body, `value="/customers/1"`) {
			t.Fatalf("login page: %d\n%s", page.status, page.body)
		}

		bad := f.login("agent@example.com", "wrong password!")
		if bad.status != 401 || !strings.Contains(bad.body, "don&#39;t match an active account") || sessionCookie(bad) != nil {
			t.Errorf("wrong password: %d, cookie %v\n%s", bad.status, sessionCookie(bad), bad.body)
		}
		if !strings.Contains(bad.body, `value="agent@example.com"`) {
			t.Error("the e-mail address is not kept after a failed login")
		}

		ok := f.login("Agent@Example.com", "correct horse battery")
		c := sessionCookie(ok)
		if ok.status != 303 || ok.header.Get("Location") != "/purchases" || c == nil || c.Value == "" || !c.HttpOnly {
			t.Fatalf("login: %d → %q, cookie %+v", ok.status, ok.header.Get("Location"), c)
		}
		f.cookie["session"] = c
		if got := f.do("session", "GET", "/purchases", nil); got.status != 200 || !strings.Contains(got.body, "The agent") {
			t.Errorf("after login: %d", got.status)
		}
		// Logged in, the login page goes straight on.
		if got := f.do("session", "GET", "/login", nil); got.status != 303 {
			t.Errorf("login page when signed in: %d", got.status)
		}

		out := f.do("session", "POST", "/logout", url.Values{})
		if out.status != 303 || out.header.Get("Location") != "/login?signed_out=1" {
			t.Errorf("logout: %d → %q", out.status, out.header.Get("Location"))
		}
		if c := sessionCookie(out); c == nil || c.MaxAge >= 0 {
			t.Errorf("logout does not clear the cookie: %+v", c)
		}
		if got := f.do("session", "GET", "/purchases", nil); got.status != 303 {
			t.Errorf("old session after logout: %d, want a redirect to login", got.status)
		}
		if got := f.do("", "GET", "/login?signed_out=1", nil); !strings.Contains(got.body, "You have signed out.") {
			t.Error("no signed-out message")
		}

		// Off-site next parameters are ignored.
		for _, next := range []string{"//evil.example/x", "https://evil.example", "/\\evil.example"} {
			got := f.do("", "POST", "/login", url.Values{"email": {"agent@example.com"}, "password": {"correct horse battery"}, "next": {next}})
			if loc := got.header.Get("Location"); loc != "/" {
				t.Errorf("next=%q: redirected to %q", next, loc)
			}
		}

		// Rate limiting: the account allows 3 failures in the window.
		var last response
		for range 5 {
			last = f.login("manager@example.com", "not the password")
		}
		if last.status != 429 || !strings.Contains(last.body, "Too many failed sign-in attempts") || last.header.Get("Retry-After") == "" {
			t.Errorf("rate limit: %d, Retry-After %q\n%s", last.status, last.header.Get("Retry-After"), last.body)
		}
	})
}

func TestLoginRefusesCrossOriginPosts(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	f := newFixture(t, db)
	req := httptest.NewRequest("POST", "/employees", strings.NewReader("name=x&email=x@example.com&role=owner"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	req.AddCookie(f.cookie[fresco.RoleOwner])
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site form post: %d, want 403", rec.Code)
	}
	if _, err := db.EmployeeByEmail(context.Background(), "x@example.com"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
		t.Errorf("cross-site post created an employee: %v", err)
	}
}

var secretRE = regexp.MustCompile(`<output id="temp-password" class="secret">([^<]+)</output>`)

func TestEmployeeAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		loc := &fresco.Location{Name: "Harbour Hotel", Timezone: "Europe/London"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		team := &fresco.Team{Name: "Front desk", LocationID: &loc.ID}
		if err := db.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		form := func(kv ...string) url.Values {
			v := url.Values{}
			for i := 0; i < len(kv); i += 2 {
				v.Set(kv[i], kv[i+1])
			}
			return v
		}

		// The form offers the locations and teams.
		page := f.do(fresco.RoleOwner, "GET", "/employees/new", nil).body
		for _, want := range []string{"Harbour Hotel", "Front desk", `<label for="role">Role</label>`} {
			if !strings.Contains(page, want) {
				t.Errorf("new-employee form lacks %q", want)
			}
		}

		// Bad input: every bad field is named, nothing is stored, the form keeps what was typed.
		bad := f.do(fresco.RoleOwner, "POST", "/employees", form("name", "", "email", "not-an-email", "role", "wizard", "password", "short"))
		if bad.status != 422 {
			t.Fatalf("bad form: %d", bad.status)
		}
		for _, want := range []string{"Is required.", "is not an e-mail address", "Role must be one of", "Must be at least 10 characters", `value="not-an-email"`} {
			if !strings.Contains(bad.body, want) {
				t.Errorf("bad form lacks %q", want)
			}
		}
		if strings.Contains(bad.body, `value="short"`) {
			t.Error("the password is echoed back")
		}
		dup := f.do(fresco.RoleOwner, "POST", "/employees", form("name", "Dup", "email", "AGENT@example.com", "role", "agent"))
		if dup.status != 422 || !strings.Contains(dup.body, "already exists") {
			t.Errorf("duplicate e-mail: %d", dup.status)
		}

		// Create with a generated password, shown once; it works for login.
		created := f.do(fresco.RoleOwner, "POST", "/employees", form("name", "Eve Clerk", "email", "eve@example.com",
			"role", "agent", "location_id", fmt.Sprint(loc.ID), "team_id", fmt.Sprint(team.ID)))
		m := secretRE.FindStringSubmatch(created.body)
		if created.status != 200 || m == nil {
			t.Fatalf("create: %d, no password shown\n%s", created.status, created.body)
		}
		eve, err := db.EmployeeByEmail(ctx, "eve@example.com")
		if err != nil || eve.Role != fresco.RoleAgent || eve.LocationID == nil || *eve.LocationID != loc.ID ||
			eve.TeamID == nil || *eve.TeamID != team.ID || !eve.Active {
			t.Fatalf("stored employee: %+v %v", eve, err)
		}
		login := f.login("eve@example.com", m[1])
		if login.status != 303 {
			t.Fatalf("login with the generated password: %d", login.status)
		}
		f.cookie["eve"] = sessionCookie(login)
		if entries, err := db.ListAudit(ctx, "employee", fmt.Sprint(eve.ID), 10); err != nil || len(entries) != 1 || entries[0].Action != "create" {
			t.Errorf("audit: %v %v", entries, err)
		}

		// Create with a chosen password: straight back to the list.
		chosen := f.do(fresco.RoleOwner, "POST", "/employees", form("name", "Finn", "email", "finn@example.com", "role", "analyst", "password", "a long enough password"))
		if chosen.status != 303 || chosen.header.Get("Location") != "/employees?done=employee-created" {
			t.Errorf("create with password: %d → %q", chosen.status, chosen.header.Get("Location"))
		}
		if list := f.do(fresco.RoleOwner, "GET", "/employees?done=employee-created", nil).body; !strings.Contains(list, "Employee added.") ||
			!strings.Contains(list, "Finn") || !strings.Contains(list, "Harbour Hotel") {
			t.Error("list after create lacks the confirmation, the new employee or the location name")
		}

		// Reset password: Eve's session ends, the new password works.
		reset := f.do(fresco.RoleOwner, "POST", fmt.Sprintf("/employees/%d/password", eve.ID), url.Values{})
		m2 := secretRE.FindStringSubmatch(reset.body)
		if reset.status != 200 || m2 == nil || m2[1] == m[1] {
			t.Fatalf("reset: %d", reset.status)
		}
		if got := f.do("eve", "GET", "/customers", nil); got.status != 303 {
			t.Errorf("Eve's session survived the reset: %d", got.status)
		}
		if got := f.login("eve@example.com", m[1]); got.status != 401 {
			t.Errorf("old password after reset: %d", got.status)
		}
		login = f.login("eve@example.com", m2[1])
		if login.status != 303 {
			t.Fatalf("new password: %d", login.status)
		}
		f.cookie["eve"] = sessionCookie(login)

		// Deactivate: signed out and cannot sign in; reactivate.
		deact := f.do(fresco.RoleOwner, "POST", fmt.Sprintf("/employees/%d/deactivate", eve.ID), url.Values{})
		if deact.status != 303 {
			t.Fatalf("deactivate: %d", deact.status)
		}
		if got := f.do("eve", "GET", "/customers", nil); got.status != 303 {
			t.Errorf("Eve's session survived deactivation: %d", got.status)
		}
		if got := f.login("eve@example.com", m2[1]); got.status != 401 {
			t.Errorf("deactivated login: %d", got.status)
		}
		if got := f.do(fresco.RoleOwner, "POST", fmt.Sprintf("/employees/%d/activate", eve.ID), url.Values{}); got.status != 303 {
			t.Errorf("activate: %d", got.status)
		}
		if got := f.login("eve@example.com", m2[1]); got.status != 303 {
			t.Errorf("reactivated login: %d", got.status)
		}

		// An owner cannot lock themselves out.
		self := f.people[fresco.RoleOwner].ID
		for _, action := range []string{"deactivate", "password"} {
			if got := f.do(fresco.RoleOwner, "POST", fmt.Sprintf("/employees/%d/%s", self, action), url.Values{}); got.status != 400 {
				t.Errorf("owner %s self: %d, want 400", action, got.status)
			}
		}
		if got := f.do(fresco.RoleOwner, "POST", "/employees/999999/deactivate", url.Values{}); got.status != 404 {
			t.Errorf("deactivate unknown: %d", got.status)
		}
	})
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	f := newFixture(t, db)
	page := f.do(fresco.RoleAgent, "GET", "/customers", nil).body
	m := regexp.MustCompile(`href="(/static/app\.css\?v=[0-9a-f]{12})"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no versioned stylesheet link in\n%s", page)
	}
	got := f.do("", "GET", m[1], nil)
	if got.status != 200 || !strings.Contains(got.header.Get("Cache-Control"), "immutable") ||
		!strings.HasPrefix(got.header.Get("Content-Type"), "text/css") || !strings.Contains(got.body, "--accent") {
		t.Errorf("versioned CSS: %d %v", got.status, got.header)
	}
	if got := f.do("", "GET", "/static/app.css?v=old", nil); got.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version cached: %q", got.header.Get("Cache-Control"))
	}
	if got := f.do("", "GET", "/static/vendor/echarts.min.js", nil); got.status != 200 || len(got.body) < 500_000 {
		t.Errorf("vendored ECharts: %d, %d bytes", got.status, len(got.body))
	}
	zreq := httptest.NewRequest("GET", "/static/vendor/echarts.min.js", nil)
	zreq.Header.Set("Accept-Encoding", "br, gzip")
	zrec := httptest.NewRecorder()
	f.srv.ServeHTTP(zrec, zreq)
	if zrec.Header().Get("Content-Encoding") != "gzip" || zrec.Body.Len() > 600_000 {
		t.Errorf("gzip: encoding %q, %d bytes", zrec.Header().Get("Content-Encoding"), zrec.Body.Len())
	} else if zr, err := gzip.NewReader(zrec.Body); err != nil {
		t.Errorf("gzip body: %v", err)
	} else if plain, err := io.ReadAll(zr); err != nil || !strings.Contains(string(plain), "echarts") {
		t.Errorf("gunzipped body: %v, %d bytes", err, len(plain))
	}
	if got := f.do("", "GET", "/static/nope.js", nil); got.status != 404 {
		t.Errorf("unknown static file: %d", got.status)
	}
	// A conditional request with the current ETag: 304.
	etag := f.do("", "GET", m[1], nil).header.Get("ETag")
	req := httptest.NewRequest("GET", m[1], nil)
	req.Header.Set("If-None-Match", etag)
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("If-None-Match: %d, want 304", rec.Code)
	}
}
