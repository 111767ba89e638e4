package auth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestHashAndVerifyPassword(t *testing.T) {
	t.Parallel()
	h1, err := auth.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || strings.Count(h1, "$") != 5 {
		t.Errorf("hash %q is not a PHC argon2id string with the default parameters", h1)
	}
	h2, _ := auth.HashPassword("correct horse battery")
	if h1 == h2 {
		t.Error("two hashes of the same password are equal: no random salt")
	}
	for _, tc := range []struct {
		password string
		want     bool
	}{
		{"correct horse battery", true},
		{"correct horse batterY", false},
		{"", false},
	} {
		got, err := auth.VerifyPassword(tc.password, h1)
		if err != nil || got != tc.want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", tc.password, got, err, tc.want)
		}
	}
	// Hashes made with other parameters still verify: they travel in the string.
	weaker := "$argon2id$v=19$m=8192,t=1,p=1$" + strings.SplitN(h1, "$", 6)[4] + "$"
	if ok, err := auth.VerifyPassword("x", weaker+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"); err != nil || ok {
		t.Errorf("verify against other parameters: %v, %v", ok, err)
	}
	for _, bad := range []string{
		"", "plain", "$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=18$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA",
		"$argon2id$v=19$m=99999999,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", // would eat 100 GB
		"$argon2id$v=19$m=19456,t=2,p=1$!!!$aGFzaGhhc2hoYXNoaGFzaA",
	} {
		if _, err := auth.VerifyPassword("x", bad); err == nil {
			t.Errorf("VerifyPassword accepted malformed hash %q", bad)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		password string
		ok       bool
	}{
		{"123456789", false},
		{"1234567890", true},
		{"ééééééééé", false}, // 9 characters, 18 bytes
		{"éééééééééé", true},
		{strings.Repeat("x", 1025), false},
		{"\xff\xfe12345678901", false},
	} {
		err := auth.CheckPassword(tc.password)
		if (err == nil) != tc.ok {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", tc.password, err, tc.ok)
		}
		if err != nil && (fresco.ErrorCode(err) != fresco.EINVALID || fresco.ErrorFields(err)[0].Field != "password") {
			t.Errorf("CheckPassword(%q) = %#v, want EINVALID naming password", tc.password, err)
		}
	}
	if _, err := auth.HashPassword("short"); err == nil {
		t.Error("HashPassword accepted a short password")
	}
}

func TestTokens(t *testing.T) {
	t.Parallel()
	tok, hash, err := auth.NewAPIToken()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tok, auth.TokenPrefix) || len(tok) != len(auth.TokenPrefix)+43 {
		t.Errorf("token %q: want prefix and 43 base64url characters (32 bytes)", tok)
	}
	if hash != auth.HashToken(tok) || len(hash) != 64 || strings.Contains(hash, tok) {
		t.Errorf("hash %q of %q", hash, tok)
	}
	tok2, _, _ := auth.NewAPIToken()
	if tok == tok2 {
		t.Error("two tokens are equal")
	}
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	clock := &fakeClock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := auth.NewLimiter(5, 15*time.Minute, clock.Now)
	for i := range 5 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("take %d refused", i+1)
		}
	}
	ok, wait := l.Take("a")
	if ok || wait <= 0 || wait > 3*time.Minute {
		t.Fatalf("6th take = %v, %v; want refused with a wait of at most 3m (15m / 5)", ok, wait)
	}
	if ok, _ := l.Take("b"); !ok {
		t.Error("another key is limited too")
	}
	clock.Advance(wait)
	if ok, _ := l.Take("a"); !ok {
		t.Error("no token back after the announced wait")
	}
	if ok, _ := l.Take("a"); ok {
		t.Error("two tokens back after one refill period")
	}
	l.Give("a")
	if ok, _ := l.Take("a"); !ok {
		t.Error("Give did not return a token")
	}
	l.Reset("a")
	for i := range 5 {
		if ok, _ := l.Take("a"); !ok {
			t.Fatalf("after Reset, take %d refused", i+1)
		}
	}
}

func TestClientAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"192.0.2.7:5555":             "192.0.2.7",
		"[2001:db8:1:2:3:4:5:6]:443": "2001:db8:1:2::/64",
		"[2001:db8:1:2:ffff::1]:443": "2001:db8:1:2::/64",
		"[::ffff:192.0.2.7]:80":      "192.0.2.7",
		"192.0.2.8":                  "192.0.2.8",
		"not an address":             "not an address",
	} {
		if got := auth.ClientAddress(in); got != want {
			t.Errorf("ClientAddress(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAllowed(t *testing.T) {
	t.Parallel()
	want := map[fresco.Role][]auth.Permission{
		fresco.RoleOwner:   {auth.Read, auth.Write, auth.ManageEmployees, auth.ManageUsers},
		fresco.RoleManager: {auth.Read, auth.Write, auth.ManageEmployees},
		fresco.RoleAgent:   {auth.Read, auth.Write},
		fresco.RoleAnalyst: {auth.Read},
		"intruder":         {},
	}
	for role, perms := range want {
		for _, perm := range []auth.Permission{auth.Read, auth.Write, auth.ManageEmployees, auth.ManageUsers, "other"} {
			has := false
			for _, p := range perms {
				has = has || p == perm
			}
			if got := auth.Allowed(role, perm); got != has {
				t.Errorf("Allowed(%s, %s) = %v, want %v", role, perm, got, has)
			}
		}
	}
	var nobody *auth.Principal
	if nobody.Can(auth.Read) {
		t.Error("a nil principal can read")
	}
}

// newEmployee stores an employee with a password.
func newEmployee(t *testing.T, db *store.DB, email string, role fresco.Role, password string) *fresco.Employee {
	t.Helper()
	ctx := context.Background()
	e := &fresco.Employee{Email: email, Name: "Test " + string(role), Role: role, Active: true}
	if err := db.CreateEmployee(ctx, e); err != nil {
		t.Fatal(err)
	}
	if password != "" {
		hash, err := auth.HashPassword(password)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetPasswordHash(ctx, e.ID, hash); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// principalOf runs a request with the given headers through Authenticate.
func principalOf(a *auth.Auth, setup func(r *http.Request)) *auth.Principal {
	r := httptest.NewRequest("GET", "/", nil)
	setup(r)
	var p *auth.Principal
	a.Authenticate(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ = auth.PrincipalFrom(r.Context())
	})).ServeHTTP(httptest.NewRecorder(), r)
	return p
}

func TestLoginLogout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := auth.New(auth.Options{DB: db})
		ada := newEmployee(t, db, "ada@example.com", fresco.RoleManager, "correct horse battery")
		newEmployee(t, db, "nopass@example.com", fresco.RoleAgent, "")

		id, emp, err := a.Login(ctx, " ADA@example.com ", "correct horse battery", "192.0.2.1:1234")
		if err != nil || emp.ID != ada.ID {
			t.Fatalf("Login = %v, %v", emp, err)
		}
		withCookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: id}) }
		p := principalOf(a, withCookie)
		if p == nil || p.Employee == nil || p.Employee.ID != ada.ID || p.Role != fresco.RoleManager {
			t.Fatalf("principal from session = %+v", p)
		}
		if p.Actor() != "employee:"+itoa(ada.ID) {
			t.Errorf("Actor = %q", p.Actor())
		}

		// Every failure looks the same.
		var msgs []string
		for _, tc := range []struct{ email, password string }{
			{"ada@example.com", "wrong password!"},
			{"nobody@example.com", "correct horse battery"},
			{"nopass@example.com", ""},
			{"nopass@example.com", "anything at all"},
			{"", ""},
		} {
			_, _, err := a.Login(ctx, tc.email, tc.password, "192.0.2.2:1")
			if !errors.Is(err, auth.ErrInvalidCredentials) || fresco.ErrorCode(err) != fresco.EUNAUTHORIZED {
				t.Errorf("Login(%q, %q) = %v, want ErrInvalidCredentials", tc.email, tc.password, err)
			}
			if err != nil {
				msgs = append(msgs, err.Error())
			}
		}
		for _, m := range msgs {
			if m != msgs[0] {
				t.Errorf("login errors differ: %q vs %q", m, msgs[0])
			}
		}

		// An inactive employee can neither log in nor use an old session.
		ada.Active = false
		if err := db.UpdateEmployee(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if p := principalOf(a, withCookie); p != nil {
			t.Errorf("inactive employee's session still works: %+v", p)
		}
		if _, _, err := a.Login(ctx, "ada@example.com", "correct horse battery", "192.0.2.1:1"); !errors.Is(err, auth.ErrInvalidCredentials) {
			t.Errorf("inactive login = %v", err)
		}
		ada.Active = true
		if err := db.UpdateEmployee(ctx, ada); err != nil {
			t.Fatal(err)
		}
		if p := principalOf(a, withCookie); p == nil {
			t.Fatal("reactivated employee's session does not work")
		}

		if err := a.Logout(ctx, id); err != nil {
			t.Fatal(err)
		}
		if p := principalOf(a, withCookie); p != nil {
			t.Errorf("session works after logout: %+v", p)
		}
		if err := a.Logout(ctx, id); err != nil {
			t.Errorf("second logout: %v", err)
		}
	})
}

func TestSessionExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		// The session is stored with an expiry in the past: the clock says
		// the login happened two days ago.
		a := auth.New(auth.Options{DB: db, Now: func() time.Time { return time.Now().Add(-48 * time.Hour) }})
		newEmployee(t, db, "ada@example.com", fresco.RoleAgent, "correct horse battery")
		id, _, err := a.Login(context.Background(), "ada@example.com", "correct horse battery", "192.0.2.1:1")
		if err != nil {
			t.Fatal(err)
		}
		p := principalOf(a, func(r *http.Request) { r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: id}) })
		if p != nil {
			t.Errorf("expired session works: %+v", p)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := &fakeClock{t: time.Now()}
		a := auth.New(auth.Options{DB: db, Now: clock.Now})
		newEmployee(t, db, "ada@example.com", fresco.RoleAgent, "correct horse battery")

		// Five failures per account…
		for i := range 5 {
			if _, _, err := a.Login(ctx, "ada@example.com", "wrong password!", "192.0.2.1:1"); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Fatalf("failure %d: %v", i+1, err)
			}
		}
		// …then even the right password is refused, from any address.
		_, _, err := a.Login(ctx, "ada@example.com", "correct horse battery", "198.51.100.9:1")
		if fresco.ErrorCode(err) != fresco.ERATELIMIT || auth.RetryAfter(err) <= 0 {
			t.Fatalf("6th attempt = %v (retry after %v), want rate-limited", err, auth.RetryAfter(err))
		}
		// Unknown accounts are limited the same way (no enumeration by 429s).
		for range 5 {
			a.Login(ctx, "ghost@example.com", "whatever!!", "192.0.2.3:1")
		}
		if _, _, err := a.Login(ctx, "ghost@example.com", "whatever!!", "192.0.2.3:1"); fresco.ErrorCode(err) != fresco.ERATELIMIT {
			t.Errorf("unknown account not limited: %v", err)
		}
		// Time heals.
		clock.Advance(auth.RetryAfter(err))
		if _, _, err := a.Login(ctx, "ada@example.com", "correct horse battery", "198.51.100.9:1"); err != nil {
			t.Fatalf("after waiting: %v", err)
		}
		// Success clears the account's failures.
		for i := range 5 {
			if _, _, err := a.Login(ctx, "ada@example.com", "wrong password!", "203.0.113.1:1"); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Fatalf("after success, failure %d: %v", i+1, err)
			}
		}

		// Twenty failures per address, spread over many accounts.
		addr := "203.0.113.77:4000"
		for i := range 20 {
			if _, _, err := a.Login(ctx, "user"+itoa(int64(i))+"@example.com", "wrong password!", addr); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Fatalf("address failure %d: %v", i+1, err)
			}
		}
		if _, _, err := a.Login(ctx, "fresh@example.com", "wrong password!", addr); fresco.ErrorCode(err) != fresco.ERATELIMIT {
			t.Errorf("21st failure from one address = %v, want rate-limited", err)
		}
	})
}

func TestAuthenticateBearer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := auth.New(auth.Options{DB: db})
		tok, stored, err := a.CreateAPIToken(ctx, "ci", fresco.RoleAnalyst)
		if err != nil {
			t.Fatal(err)
		}
		bearer := func(v string) func(*http.Request) {
			return func(r *http.Request) { r.Header.Set("Authorization", v) }
		}
		p := principalOf(a, bearer("Bearer "+tok))
		if p == nil || p.Role != fresco.RoleAnalyst || p.TokenID != stored.ID || p.Employee != nil {
			t.Fatalf("principal = %+v", p)
		}
		if p := principalOf(a, bearer("bearer "+tok)); p == nil {
			t.Error("scheme is case-sensitive")
		}
		for _, h := range []string{"Bearer", "Bearer " + tok + "x", "Basic " + tok, tok} {
			if p := principalOf(a, bearer(h)); p != nil {
				t.Errorf("Authorization %q authenticated: %+v", h, p)
			}
		}
		if p := principalOf(a, func(*http.Request) {}); p != nil {
			t.Errorf("no credentials authenticated: %+v", p)
		}
		if err := db.RevokeAPIToken(ctx, stored.ID); err != nil {
			t.Fatal(err)
		}
		if p := principalOf(a, bearer("Bearer "+tok)); p != nil {
			t.Errorf("revoked token authenticated: %+v", p)
		}
		// Validation names fields.
		if _, _, err := a.CreateAPIToken(ctx, " ", "boss"); len(fresco.ErrorFields(err)) != 2 {
			t.Errorf("CreateAPIToken with bad name and role = %v", err)
		}
	})
}

func TestCookies(t *testing.T) {
	t.Parallel()
	a := auth.New(auth.Options{SessionTTL: time.Hour})
	c := a.Cookie("abc", false)
	if c.Name != auth.SessionCookie || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.MaxAge != 3600 || c.Path != "/" {
		t.Errorf("cookie = %+v", c)
	}
	if !a.Cookie("abc", true).Secure {
		t.Error("cookie over TLS is not Secure")
	}
	if !auth.New(auth.Options{SecureCookies: true}).Cookie("abc", false).Secure {
		t.Error("SecureCookies ignored")
	}
	if e := a.ExpiredCookie(false); e.MaxAge >= 0 || e.Value != "" {
		t.Errorf("expired cookie = %+v", e)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
