package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	db, err := store.Open(t.Context(), storetest.SQLiteURL(t))
	if err != nil {
		t.Fatal(err)
	}
	db.UseSecretKeys(storetest.Keys(t))
	f := newFixture(t, db)
	if res := f.do(request{method: "GET", path: "/healthz"}); res.Code != 200 || string(res.Body) != "ok\n" {
		t.Errorf("healthz = %s", res)
	}
	if res := f.do(request{method: "GET", path: "/readyz"}); res.Code != 200 {
		t.Errorf("readyz = %s", res)
	}
	db.Close()
	if res := f.do(request{method: "GET", path: "/readyz"}); res.Code != http.StatusServiceUnavailable {
		t.Errorf("readyz with the database closed = %s", res)
	}
	if res := f.do(request{method: "GET", path: "/healthz"}); res.Code != 200 {
		t.Errorf("healthz with the database closed = %s", res)
	}
}

func TestMetricsAndLogs(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	reg := prometheus.NewRegistry()
	custom := prometheus.NewCounter(prometheus.CounterOpts{Name: "fresco_test_things_total", Help: "Things."})
	reg.MustRegister(custom)
	custom.Add(3)
	var logs syncBuffer
	f := newFixture(t, db, func(c *app.Config) {
		c.Registry = reg
		c.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	if f.srv.Registry() != reg {
		t.Error("Registry() is not the registry passed in")
	}
	f.call(agent, "GET", "/api/v1/customers", nil, 200)
	f.do(request{method: "GET", path: "/api/v1/customers/12345", role: agent})
	f.do(request{method: "GET", path: "/no/such/page"})
	res := f.do(request{method: "GET", path: "/metrics"})
	if res.Code != 200 {
		t.Fatalf("metrics = %s", res)
	}
	for _, want := range []string{
		`fresco_http_requests_total{code="200",route="GET /api/v1/customers"} 1`,
		`fresco_http_requests_total{code="404",route="GET /api/v1/customers/{id}"} 1`,
		`fresco_http_requests_total{code="404",route="unmatched"} 1`,
		`fresco_http_request_duration_seconds_count{code="200",route="GET /api/v1/customers"} 1`,
		`fresco_test_things_total 3`,
	} {
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("metrics lack %q:\n%s", want, grepLines(string(res.Body), "fresco_http_requests_total"))
		}
	}
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		if rec["msg"] == "http request" && rec["route"] == "GET /api/v1/customers/{id}" && rec["status"] == 404.0 {
			found = true
		}
	}
	if !found {
		t.Errorf("no request log for the 404: %s", logs.String())
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	res := f.do(request{method: "GET", path: "/api/openapi.json"})
	if res.Code != 200 {
		t.Fatalf("openapi.json = %s", res)
	}
	var doc struct {
		OpenAPI string                               `json:"openapi"`
		Paths   map[string]map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for path, method := range map[string]string{
		"/api/v1/customers": "post", "/api/v1/customers/{id}": "patch", "/api/v1/purchases:batch": "post",
		"/api/v1/purchases": "get", "/api/v1/tokens/{id}": "delete", "/api/v1/marketing-spend": "post",
	} {
		if doc.Paths[path][method] == nil {
			t.Errorf("no %s %s in the document", method, path)
		}
	}
	batch := doc.Paths["/api/v1/purchases:batch"]["post"]
	if params, _ := json.Marshal(batch["parameters"]); !strings.Contains(string(params), "Idempotency-Key") {
		t.Errorf("batch does not document Idempotency-Key: %s", params)
	}
	// The human-readable reference renders the same document (Swagger UI in
	// a browser, e2e/apidocs_test.go; a plain list without JavaScript) and
	// loads nothing from the network and no inline script.
	docs := f.do(request{method: "GET", path: "/api/docs"})
	body := string(docs.Body)
	if docs.Code != 200 || !strings.Contains(body, "/api/v1/purchases:batch") || !strings.Contains(body, "Who: owner") {
		t.Errorf("docs = %d, missing operations or permissions", docs.Code)
	}
	if strings.Contains(body, "https://") || strings.Contains(body, "http://") {
		t.Errorf("docs page loads something from outside")
	}
	if !strings.Contains(body, `<nav class="top" aria-label="Fresco"><a href="/">`) {
		t.Errorf("docs page has no way back to the app")
	}
	scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(body, -1)
	if len(scripts) != 2 {
		t.Errorf("docs page scripts = %q, want the Swagger UI bundle and its initialiser", scripts)
	}
	for _, tag := range scripts {
		if !regexp.MustCompile(`^<script src="/static/[a-z/.-]+\.js\?v=[0-9a-f]{12}" defer>$`).MatchString(tag) {
			t.Errorf("docs page script %q is not a versioned static file", tag)
		}
	}
	for _, src := range regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(body, -1) {
		if res := f.do(request{method: "GET", path: src[1]}); res.Code != 200 {
			t.Errorf("GET %s = %d", src[1], res.Code)
		}
	}
}

func TestLoginAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ada := f.employee("ada@example.com", fresco.RoleManager, "correct horse battery")

		res := f.do(request{method: "POST", path: "/api/v1/session", body: `{"email":"ada@example.com","password":"correct horse battery"}`})
		if res.Code != 200 {
			t.Fatalf("login = %s", res)
		}
		cookie := (&http.Response{Header: res.Header}).Cookies()[0]
		set := res.Header.Get("Set-Cookie")
		for _, want := range []string{auth.SessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="} {
			if !strings.Contains(set, want) {
				t.Errorf("Set-Cookie %q lacks %s", set, want)
			}
		}
		if strings.Contains(set, "Secure") {
			t.Errorf("cookie over plain HTTP is Secure: %s", set)
		}
		me := f.do(request{method: "GET", path: "/api/v1/session", cookie: cookie}).JSON(t)
		if me["role"] != "manager" || me["employee"].(map[string]any)["id"] != float64(ada.ID) {
			t.Errorf("whoami = %v", me)
		}
		// The session is stored hashed: the cookie value is nowhere in the table.
		var n int
		db.QueryRow(t.Context(), `SELECT COUNT(*) FROM sessions WHERE token_hash = ?`, cookie.Value).Scan(&n)
		if n != 0 {
			t.Error("session id stored in clear")
		}

		// Logout ends the session.
		res = f.do(request{method: "DELETE", path: "/api/v1/session", cookie: cookie})
		if res.Code != 204 || !strings.Contains(res.Header.Get("Set-Cookie"), "Max-Age=0") {
			t.Errorf("logout = %s %v", res, res.Header)
		}
		problem(t, f.do(request{method: "GET", path: "/api/v1/session", cookie: cookie}), 401)

		// Unknown user and wrong password look the same.
		wrong := f.do(request{method: "POST", path: "/api/v1/session", body: `{"email":"ada@example.com","password":"wrong password"}`})
		unknown := f.do(request{method: "POST", path: "/api/v1/session", body: `{"email":"zed@example.com","password":"wrong password"}`})
		problem(t, wrong, 401)
		problem(t, unknown, 401)
		if string(wrong.Body) != string(unknown.Body) {
			t.Errorf("wrong password %s vs unknown user %s", wrong.Body, unknown.Body)
		}
		// Five failures per account, then 429 with Retry-After — even with the
		// right password.
		for range 4 {
			problem(t, f.do(request{method: "POST", path: "/api/v1/session", body: `{"email":"ada@example.com","password":"wrong password"}`}), 401)
		}
		res = f.do(request{method: "POST", path: "/api/v1/session", body: `{"email":"ada@example.com","password":"correct horse battery"}`})
		problem(t, res, 429)
		if secs, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || secs <= 0 || secs > 180 {
			t.Errorf("Retry-After = %q", res.Header.Get("Retry-After"))
		}
	})
}

func TestCrossOriginProtection(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.employee("ada@example.com", fresco.RoleAgent, "correct horse battery")
		cookie := f.login("ada@example.com", "correct horse battery")
		post := func(h http.Header) *response {
			return f.do(request{method: "POST", path: "/api/v1/customers", body: `{"name":"Via browser"}`, cookie: cookie, header: h})
		}
		problem(t, post(http.Header{"Sec-Fetch-Site": {"cross-site"}}), 403)
		problem(t, post(http.Header{"Origin": {"https://evil.example"}}), 403)
		for _, h := range []http.Header{
			{"Sec-Fetch-Site": {"same-origin"}},
			{"Origin": {"http://example.com"}}, // httptest requests are for example.com
			{},                                 // not a browser
		} {
			if res := post(h); res.Code != 201 {
				t.Errorf("POST with %v = %s", h, res)
			}
		}
		// Reads are never refused.
		if res := f.do(request{method: "GET", path: "/api/v1/customers", cookie: cookie,
			header: http.Header{"Sec-Fetch-Site": {"cross-site"}}}); res.Code != 200 {
			t.Errorf("cross-site GET = %s", res)
		}
	})
}

func TestEmployeeAccountRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		sam := f.employee("sam@example.com", fresco.RoleAgent, "correct horse battery")
		cookie := f.login("sam@example.com", "correct horse battery")
		if res := f.do(request{method: "GET", path: "/api/v1/session", cookie: cookie}); res.Code != 200 {
			t.Fatalf("session = %s", res)
		}
		// A role change ends the sessions that carry the old rights.
		f.call(fresco.RoleManager, "PATCH", fmt.Sprintf("/api/v1/employees/%d", sam.ID), `{"role":"analyst"}`, 200)
		problem(t, f.do(request{method: "GET", path: "/api/v1/session", cookie: cookie}), 401)

		// An owner sets a password through the API; the employee can log in with it.
		f.call(fresco.RoleOwner, "PUT", fmt.Sprintf("/api/v1/employees/%d/password", sam.ID), `{"password":"a brand new password"}`, 204)
		cookie = f.login("sam@example.com", "a brand new password")
		// Deactivation ends sessions too.
		f.call(fresco.RoleManager, "PATCH", fmt.Sprintf("/api/v1/employees/%d", sam.ID), `{"active":false}`, 200)
		problem(t, f.do(request{method: "GET", path: "/api/v1/session", cookie: cookie}), 401)
		problem(t, f.do(request{method: "POST", path: "/api/v1/session",
			body: `{"email":"sam@example.com","password":"a brand new password"}`}), 401)

		// API tokens created through the API work, and stop when revoked.
		tok := f.call(fresco.RoleOwner, "POST", "/api/v1/tokens", `{"name":"ci","role":"agent"}`, 201)
		secret := tok["token"].(string)
		bearer := http.Header{"Authorization": {"Bearer " + secret}}
		if res := f.do(request{method: "POST", path: "/api/v1/customers", body: `{"name":"By CI"}`, header: bearer}); res.Code != 201 {
			t.Errorf("new token = %s", res)
		}
		list := f.call(fresco.RoleOwner, "GET", "/api/v1/tokens", nil, 200)
		if strings.Contains(fmt.Sprint(list), secret) {
			t.Error("token list shows a secret")
		}
		f.call(fresco.RoleOwner, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", id(t, tok)), nil, 204)
		problem(t, f.do(request{method: "GET", path: "/api/v1/customers", header: bearer}), 401)
	})
}

func grepLines(s, substr string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, substr) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// With a scrape token, /metrics answers only the scraper that sends it.
func TestMetricsToken(t *testing.T) {
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)), func(c *app.Config) { c.MetricsToken = "scrape-secret-1234" })
	for _, tc := range []struct {
		header string
		want   int
	}{
		{"", 401},
		{"Bearer wrong", 401},
		{"Bearer " + f.tokens[agent], 401}, // an API token is not the scrape token
		{"Bearer scrape-secret-1234", 200},
	} {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Authorization", tc.header)
		}
		res := f.do(request{method: "GET", path: "/metrics", header: h})
		if res.Code != tc.want || (tc.want == 200 && !strings.Contains(string(res.Body), "go_goroutines")) {
			t.Errorf("Authorization %q: %d, want %d", tc.header, res.Code, tc.want)
		}
	}
}
