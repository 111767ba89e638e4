package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/web"
)

// fixture is a server over a real database with an API token per role.
type fixture struct {
	t      *testing.T
	db     *store.DB
	app    *app.App
	srv    *web.Server
	tokens map[fresco.Role]string
}

func newFixture(t *testing.T, db *store.DB, edits ...func(*app.Config)) *fixture {
	t.Helper()
	a := apptest.New(t, db, edits...)
	srv := a.Server
	f := &fixture{t: t, db: db, app: a, srv: srv, tokens: map[fresco.Role]string{}}
	for _, role := range fresco.Roles {
		tok, _, err := srv.Auth().CreateAPIToken(context.Background(), "test "+string(role), role)
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[role] = tok
	}
	return f
}

// response is a recorded response.
type response struct {
	Code   int
	Header http.Header
	Body   []byte
}

func (r *response) String() string {
	return fmt.Sprintf("%d %s", r.Code, r.Body)
}

// JSON decodes the body into a generic map.
func (r *response) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body %q is not a JSON object: %v", r.Body, err)
	}
	return m
}

// request is one call to the server.
type request struct {
	method, path string
	role         fresco.Role // "" for no token
	body         any         // string, []byte or a value to marshal
	header       http.Header
	cookie       *http.Cookie
}

func (f *fixture) do(req request) *response {
	f.t.Helper()
	var body io.Reader
	switch b := req.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			f.t.Fatal(err)
		}
		body = bytes.NewReader(data)
	}
	r := httptest.NewRequest(req.method, req.path, body)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if req.role != "" {
		r.Header.Set("Authorization", "Bearer "+f.tokens[req.role])
	}
	for k, vs := range req.header {
		r.Header[http.CanonicalHeaderKey(k)] = vs
	}
	if req.cookie != nil {
		r.AddCookie(req.cookie)
	}
	w := httptest.NewRecorder()
	f.srv.ServeHTTP(w, r)
	return &response{Code: w.Code, Header: w.Result().Header, Body: w.Body.Bytes()}
}

// call does a request as role and fails the test unless the status is want.
func (f *fixture) call(role fresco.Role, method, path string, body any, want int) map[string]any {
	f.t.Helper()
	res := f.do(request{method: method, path: path, role: role, body: body})
	if res.Code != want {
		f.t.Fatalf("%s %s as %s = %s, want %d", method, path, role, res, want)
	}
	if len(res.Body) == 0 {
		return nil
	}
	return res.JSON(f.t)
}

// id reads the "id" of a JSON object as int64.
func id(t *testing.T, m map[string]any) int64 {
	t.Helper()
	v, ok := m["id"].(float64)
	if !ok || v <= 0 {
		t.Fatalf("no id in %v", m)
	}
	return int64(v)
}

// problem checks that res is a problem+json with the status, and returns
// its error locations mapped to messages.
func problem(t *testing.T, res *response, status int) map[string]string {
	t.Helper()
	if res.Code != status {
		t.Fatalf("status = %s, want %d", res, status)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type = %q, want application/problem+json (body %s)", ct, res.Body)
	}
	var p struct {
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
		Errors []struct {
			Message  string `json:"message"`
			Location string `json:"location"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(res.Body, &p); err != nil {
		t.Fatalf("problem body %q: %v", res.Body, err)
	}
	if p.Status != status || p.Title == "" || p.Detail == "" {
		t.Errorf("problem = %+v, want status %d with title and detail", p, status)
	}
	fields := map[string]string{}
	for _, e := range p.Errors {
		fields[e.Location] = e.Message
	}
	return fields
}

// login logs an employee in through the API and returns the session cookie.
func (f *fixture) login(email, password string) *http.Cookie {
	f.t.Helper()
	res := f.do(request{method: "POST", path: "/api/v1/session", body: map[string]string{"email": email, "password": password}})
	if res.Code != http.StatusOK {
		f.t.Fatalf("login %s = %s", email, res)
	}
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == auth.SessionCookie {
			return c
		}
	}
	f.t.Fatalf("login set no session cookie: %v", res.Header)
	return nil
}

// employee stores an employee, with a password when one is given.
func (f *fixture) employee(email string, role fresco.Role, password string) *fresco.Employee {
	f.t.Helper()
	ctx := context.Background()
	e := &fresco.Employee{Email: email, Name: "Test " + email, Role: role, Active: true}
	if err := f.db.CreateEmployee(ctx, e); err != nil {
		f.t.Fatal(err)
	}
	if password != "" {
		hash, err := auth.HashPassword(password)
		if err != nil {
			f.t.Fatal(err)
		}
		if err := f.db.SetPasswordHash(ctx, e.ID, hash); err != nil {
			f.t.Fatal(err)
		}
	}
	return e
}
