package staff_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/cli"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// These tests hold each employee rule to the three ways in: the UI's forms,
// the JSON API and the command line. Every path must give the same result
// and write the same audit record (but for its actor).

// world is one database with a server over it, an owner and a manager who
// can use the UI and the API, and the command line.
type world struct {
	t       *testing.T
	db      *store.DB
	dbURL   string
	srv     http.Handler
	cookies map[fresco.Role]*http.Cookie
	tokens  map[fresco.Role]string
}

func newWorld(t *testing.T, dbURL string) *world {
	t.Helper()
	db := storetest.Open(t, dbURL)
	a := apptest.New(t, db)
	w := &world{t: t, db: db, dbURL: dbURL, srv: a.Server, cookies: map[fresco.Role]*http.Cookie{}, tokens: map[fresco.Role]string{}}
	for _, role := range []fresco.Role{fresco.RoleOwner, fresco.RoleManager} {
		e := w.employee(string(role)+"@example.com", role)
		w.cookies[role] = apptest.Session(t, db, e.ID)
		tok, _, err := a.Server.Auth().CreateAPIToken(context.Background(), "test "+string(role), role)
		if err != nil {
			t.Fatal(err)
		}
		w.tokens[role] = tok
	}
	return w
}

// employee stores an active employee, without a password.
func (w *world) employee(email string, role fresco.Role) *fresco.Employee {
	w.t.Helper()
	e := &fresco.Employee{Email: email, Name: "Test " + email, Role: role, Active: true}
	if err := w.db.CreateEmployee(context.Background(), e); err != nil {
		w.t.Fatal(err)
	}
	return e
}

// signedIn stores an active agent with a session.
func (w *world) signedIn(email string) (*fresco.Employee, *http.Cookie) {
	e := w.employee(email, fresco.RoleAgent)
	return e, apptest.Session(w.t, w.db, e.ID)
}

// hasSession reports whether the session still signs its employee in.
func (w *world) hasSession(c *http.Cookie) bool {
	req := httptest.NewRequest("GET", "/api/v1/session", nil)
	req.AddCookie(c)
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return rec.Code == http.StatusOK
}

// ui posts a form as a signed-in employee of role and returns the status.
func (w *world) ui(role fresco.Role, path string, form url.Values) int {
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(w.cookies[role])
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return rec.Code
}

// api calls the JSON API with role's token and returns the status.
func (w *world) api(role fresco.Role, method, path, body string) int {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.tokens[role])
	rec := httptest.NewRecorder()
	w.srv.ServeHTTP(rec, req)
	return rec.Code
}

// cli runs fresco with the password on stdin and returns the exit code.
func (w *world) cli(password string, args ...string) int {
	var out bytes.Buffer
	return cli.Run(context.Background(), append(args, "--db", w.dbURL), cli.Env{
		Getenv: func(string) string { return "" }, Stdin: strings.NewReader(password + "\n"), Stdout: &out, Stderr: &out,
	})
}

// record is an audit record without its actor and time, which differ by path.
type record struct {
	Action string
	Detail string
}

// audit lists the records about employee id, oldest first.
func (w *world) audit(id int64) []record {
	w.t.Helper()
	entries, err := w.db.ListAudit(context.Background(), "employee", fmt.Sprint(id), 100)
	if err != nil {
		w.t.Fatal(err)
	}
	out := make([]record, len(entries))
	for i, e := range entries {
		out[len(entries)-1-i] = record{Action: e.Action, Detail: canonical(w.t, e.Detail)}
	}
	return out
}

// canonical re-encodes a JSON object with sorted keys, whatever the engine
// made of its spacing and order.
func canonical(t *testing.T, raw []byte) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("audit detail %s: %v", raw, err)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func (w *world) byEmail(email string) *fresco.Employee {
	w.t.Helper()
	e, err := w.db.EmployeeByEmail(context.Background(), email)
	if err != nil {
		w.t.Fatalf("employee %s: %v", email, err)
	}
	return e
}

const password = "a long enough password"

// path is one way in to an employee operation on the employee with the given
// e-mail address; it returns the status (or exit code) it got.
type path struct {
	name string
	do   func(w *world, email string, id int64) int
	want int
}

// try runs the path and stops the test unless it got what it wants.
func (w *world) try(p path, email string, id int64) {
	w.t.Helper()
	if got := p.do(w, email, id); got != p.want {
		w.t.Fatalf("%s: %d, want %d", p.name, got, p.want)
	}
}

// wantAudit checks the audit records about employee id.
func (w *world) wantAudit(pathName string, id int64, want ...record) {
	w.t.Helper()
	if got := w.audit(id); fmt.Sprint(got) != fmt.Sprint(want) {
		w.t.Errorf("%s audit %v, want %v", pathName, got, want)
	}
}

func eachEngine(t *testing.T, fn func(t *testing.T, w *world)) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newWorld(t, eng.URL(t)))
		})
	}
}

// Creating an employee stores the same employee and one "create" record
// naming their address and role.
func TestCreateOnEveryPath(t *testing.T) {
	t.Parallel()
	paths := []path{
		{"ui", func(w *world, email string, _ int64) int {
			return w.ui(fresco.RoleOwner, "/employees", url.Values{"name": {"New Hire"}, "email": {email}, "role": {"agent"}, "password": {password}})
		}, http.StatusSeeOther},
		{"api", func(w *world, email string, _ int64) int {
			return w.api(fresco.RoleOwner, "POST", "/api/v1/employees", fmt.Sprintf(`{"name":"New Hire","email":%q,"role":"agent"}`, email))
		}, http.StatusCreated},
		{"cli", func(w *world, email string, _ int64) int {
			return w.cli(password, "user", "create", "--email", email, "--role", "agent", "--name", "New Hire")
		}, 0},
	}
	eachEngine(t, func(t *testing.T, w *world) {
		for _, p := range paths {
			email := "new-" + p.name + "@example.com"
			w.try(p, email, 0)
			e := w.byEmail(email)
			if e.Name != "New Hire" || e.Role != fresco.RoleAgent || !e.Active {
				t.Errorf("%s stored %+v", p.name, e)
			}
			w.wantAudit(p.name, e.ID, record{"create", fmt.Sprintf(`{"email":%q,"role":"agent"}`, email)})
		}
	})
}

// Setting a password ends the employee's sessions and writes one
// "set_password" record that shows nothing of the password.
func TestSetPasswordOnEveryPath(t *testing.T) {
	t.Parallel()
	paths := []path{
		{"ui", func(w *world, _ string, id int64) int {
			return w.ui(fresco.RoleOwner, fmt.Sprintf("/employees/%d/password", id), url.Values{})
		}, http.StatusOK},
		{"api", func(w *world, _ string, id int64) int {
			return w.api(fresco.RoleOwner, "PUT", fmt.Sprintf("/api/v1/employees/%d/password", id), fmt.Sprintf(`{"password":%q}`, password))
		}, http.StatusNoContent},
		{"cli", func(w *world, email string, _ int64) int {
			return w.cli(password, "user", "create", "--email", email, "--role", "agent")
		}, 0},
	}
	eachEngine(t, func(t *testing.T, w *world) {
		for _, p := range paths {
			e, session := w.signedIn("pw-" + p.name + "@example.com")
			w.try(p, e.Email, e.ID)
			if w.hasSession(session) {
				t.Errorf("%s: the employee's session survived", p.name)
			}
			w.wantAudit(p.name, e.ID, record{"set_password", `{}`})
		}
	})
}

// Deactivating an employee ends their sessions and is recorded as an update
// of their role and active flag. The command line has no such command.
func TestDeactivateOnEveryPath(t *testing.T) {
	t.Parallel()
	paths := []path{
		{"ui", func(w *world, _ string, id int64) int {
			return w.ui(fresco.RoleOwner, fmt.Sprintf("/employees/%d/deactivate", id), url.Values{})
		}, http.StatusSeeOther},
		{"api", func(w *world, _ string, id int64) int {
			return w.api(fresco.RoleOwner, "PATCH", fmt.Sprintf("/api/v1/employees/%d", id), `{"active":false}`)
		}, http.StatusOK},
	}
	eachEngine(t, func(t *testing.T, w *world) {
		for _, p := range paths {
			e, session := w.signedIn("off-" + p.name + "@example.com")
			w.try(p, e.Email, e.ID)
			if w.byEmail(e.Email).Active || w.hasSession(session) {
				t.Errorf("%s: still active or signed in", p.name)
			}
			w.wantAudit(p.name, e.ID, record{"update", `{"active":false,"role":"agent"}`})
		}
	})
}

// A new role ends the employee's sessions, which carry the old rights, and
// is recorded as an update; the command line sets a password too.
func TestRoleChangeOnEveryPath(t *testing.T) {
	t.Parallel()
	update := record{"update", `{"active":true,"role":"manager"}`}
	paths := []struct {
		path
		audit []record
	}{
		{path{"api", func(w *world, _ string, id int64) int {
			return w.api(fresco.RoleOwner, "PATCH", fmt.Sprintf("/api/v1/employees/%d", id), `{"role":"manager"}`)
		}, http.StatusOK}, []record{update}},
		{path{"cli", func(w *world, email string, _ int64) int {
			return w.cli(password, "user", "create", "--email", email, "--role", "manager")
		}, 0}, []record{update, {"set_password", `{}`}}},
	}
	eachEngine(t, func(t *testing.T, w *world) {
		for _, p := range paths {
			e, session := w.signedIn("promoted-" + p.name + "@example.com")
			w.try(p.path, e.Email, e.ID)
			if w.byEmail(e.Email).Role != fresco.RoleManager || w.hasSession(session) {
				t.Errorf("%s: role not changed, or the session survived", p.name)
			}
			w.wantAudit(p.name, e.ID, p.audit...)
		}
	})
}

// Only an owner creates an owner or changes one; a manager is refused on
// every path and nothing is written. (The command line is always an owner.)
func TestOnlyOwnersTouchOwnersOnEveryPath(t *testing.T) {
	t.Parallel()
	paths := []path{
		{"ui create", func(w *world, email string, _ int64) int {
			return w.ui(fresco.RoleManager, "/employees", url.Values{"name": {"Boss"}, "email": {email}, "role": {"owner"}})
		}, http.StatusForbidden},
		{"api create", func(w *world, email string, _ int64) int {
			return w.api(fresco.RoleManager, "POST", "/api/v1/employees", fmt.Sprintf(`{"name":"Boss","email":%q,"role":"owner"}`, email))
		}, http.StatusForbidden},
		{"ui deactivate", func(w *world, _ string, id int64) int {
			return w.ui(fresco.RoleManager, fmt.Sprintf("/employees/%d/deactivate", id), url.Values{})
		}, http.StatusForbidden},
		{"api deactivate", func(w *world, _ string, id int64) int {
			return w.api(fresco.RoleManager, "PATCH", fmt.Sprintf("/api/v1/employees/%d", id), `{"active":false}`)
		}, http.StatusForbidden},
	}
	eachEngine(t, func(t *testing.T, w *world) {
		owner := w.byEmail("owner@example.com")
		for _, p := range paths {
			email := "boss-" + strings.ReplaceAll(p.name, " ", "-") + "@example.com"
			if got := p.do(w, email, owner.ID); got != p.want {
				t.Errorf("%s: %d, want %d", p.name, got, p.want)
			}
			if _, err := w.db.EmployeeByEmail(context.Background(), email); fresco.ErrorCode(err) != fresco.ENOTFOUND {
				t.Errorf("%s: an owner was created (%v)", p.name, err)
			}
		}
		if !w.byEmail(owner.Email).Active || len(w.audit(owner.ID)) != 0 {
			t.Errorf("the owner was changed: %v", w.audit(owner.ID))
		}
	})
}
