package cli

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// runCLI runs fresco in-process with the given stdin and environment.
func runCLI(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, Env{
		Getenv: func(k string) string { return env[k] },
		Stdin:  strings.NewReader(stdin),
		Stdout: &out,
		Stderr: &errOut,
	})
	return code, out.String(), errOut.String()
}

func TestTokenCommands(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			url := eng.URL(t)
			// --db defaults to $FRESCO_DB.
			env := map[string]string{"FRESCO_DB": url}
			code, out, errOut := runCLI(t, env, "", "token", "create", "--name", "nightly import", "--role", "agent")
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			token := strings.TrimSuffix(out, "\n")
			if strings.Count(out, "\n") != 1 || !strings.HasPrefix(token, auth.TokenPrefix) || strings.ContainsAny(token, " \t") {
				t.Fatalf("stdout = %q, want the token alone on one line", out)
			}
			if !strings.Contains(errOut, "cannot be shown again") {
				t.Errorf("stderr = %q", errOut)
			}

			// The token works against the API with its role.
			db := storetest.Open(t, url)
			srv := apptest.New(t, db).Server
			call := func(method, path, body string) int {
				r := httptest.NewRequest(method, path, strings.NewReader(body))
				r.Header.Set("Authorization", "Bearer "+token)
				r.Header.Set("Content-Type", "application/json")
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, r)
				return w.Code
			}
			if c := call("POST", "/api/v1/customers", `{"name":"Ada"}`); c != http.StatusCreated {
				t.Errorf("agent token creating a customer = %d", c)
			}
			if c := call("POST", "/api/v1/locations", `{"name":"Soho"}`); c != http.StatusForbidden {
				t.Errorf("agent token creating a location = %d, want 403", c)
			}
			// Only the hash is stored.
			var n int
			db.QueryRow(t.Context(), `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, auth.HashToken(token)).Scan(&n)
			if n != 1 {
				t.Errorf("%d tokens stored under the hash", n)
			}
			db.QueryRow(t.Context(), `SELECT COUNT(*) FROM api_tokens WHERE token_hash = ?`, token).Scan(&n)
			if n != 0 {
				t.Error("token stored in clear")
			}

			code, out, _ = runCLI(t, env, "", "token", "list")
			if code != 0 || !strings.Contains(out, "nightly import") || strings.Contains(out, token) {
				t.Errorf("list = %d %q", code, out)
			}
			code, _, errOut = runCLI(t, nil, "", "token", "revoke", "1", "--db", url)
			if code != 0 {
				t.Fatalf("revoke: exit %d %s", code, errOut)
			}
			if c := call("GET", "/api/v1/customers", ""); c != http.StatusUnauthorized {
				t.Errorf("revoked token = %d, want 401", c)
			}
			if code, _, _ := runCLI(t, env, "", "token", "revoke", "99"); code != 1 {
				t.Errorf("revoking an unknown token: exit %d, want 1", code)
			}
		})
	}
}

func TestTokenUsage(t *testing.T) {
	t.Parallel()
	url := storetest.SQLiteURL(t)
	for _, args := range [][]string{
		{"token"},
		{"token", "mint"},
		{"token", "create", "--role", "agent", "--db", url},
		{"token", "create", "--name", "x", "--db", url},
		{"token", "create", "--name", "x", "--role", "boss", "--db", url},
		{"token", "create", "--name", "x", "--role", "agent", "--db", url, "extra"},
		{"token", "revoke", "--db", url},
		{"token", "revoke", "abc", "--db", url},
	} {
		code, out, errOut := runCLI(t, nil, "", args...)
		if code != 2 || out != "" || errOut == "" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 with a message on stderr", args, code, out, errOut)
		}
	}
}

func TestUserCreate(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			url := eng.URL(t)
			ctx := context.Background()
			code, out, errOut := runCLI(t, nil, "correct horse battery\n", "user", "create", "--email", "Ada@Example.com", "--role", "owner", "--db", url)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if !strings.Contains(out, "Created owner ada@example.com") {
				t.Errorf("stdout = %q", out)
			}
			db := storetest.Open(t, url)
			a := auth.New(auth.Options{DB: db})
			_, emp, err := a.Login(ctx, "ada@example.com", "correct horse battery", "192.0.2.1:1")
			if err != nil || emp.Role != fresco.RoleOwner || emp.Name != "Ada" {
				t.Fatalf("login = %+v, %v", emp, err)
			}

			// Again for the same e-mail: a new password (read up to the line
			// end, spaces kept), the role changed, the old password gone.
			code, out, errOut = runCLI(t, nil, "  new password with spaces \r\nignored\n", "user", "create",
				"--email", "ada@example.com", "--role", "manager", "--name", "Ada Lovelace", "--db", url)
			if code != 0 || !strings.Contains(out, "Set the password") {
				t.Fatalf("exit %d: %q %s", code, out, errOut)
			}
			if _, _, err := a.Login(ctx, "ada@example.com", "correct horse battery", "192.0.2.1:1"); !errors.Is(err, auth.ErrInvalidCredentials) {
				t.Errorf("old password still works: %v", err)
			}
			_, emp, err = a.Login(ctx, "ada@example.com", "  new password with spaces ", "192.0.2.1:1")
			if err != nil || emp.Role != fresco.RoleManager || emp.Name != "Ada Lovelace" {
				t.Errorf("login with new password = %+v, %v", emp, err)
			}
			if n, _ := db.CountEmployees(ctx); n != 1 {
				t.Errorf("%d employees, want 1", n)
			}

			// Short passwords are refused and nothing is created.
			code, _, errOut = runCLI(t, nil, "short\n", "user", "create", "--email", "bob@example.com", "--role", "agent", "--db", url)
			if code != 1 || !strings.Contains(errOut, "at least 10") {
				t.Errorf("short password: exit %d, stderr %q", code, errOut)
			}
			if _, err := db.EmployeeByEmail(ctx, "bob@example.com"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
				t.Errorf("employee created despite a short password: %v", err)
			}
		})
	}
}

func TestUserUsage(t *testing.T) {
	t.Parallel()
	url := storetest.SQLiteURL(t)
	for _, tc := range []struct {
		stdin string
		args  []string
	}{
		{"correct horse battery\n", []string{"user"}},
		{"correct horse battery\n", []string{"user", "delete"}},
		{"correct horse battery\n", []string{"user", "create", "--role", "agent", "--db", url}},
		{"correct horse battery\n", []string{"user", "create", "--email", "a@example.com", "--db", url}},
		{"correct horse battery\n", []string{"user", "create", "--email", "a@example.com", "--role", "king", "--db", url}},
		{"", []string{"user", "create", "--email", "a@example.com", "--role", "agent", "--db", url}},
		{"correct horse battery\n", []string{"user", "create", "--email", "a@example.com", "--role", "agent", "--db", url, "pw"}},
	} {
		code, _, errOut := runCLI(t, nil, tc.stdin, tc.args...)
		if code != 2 || errOut == "" {
			t.Errorf("%v with stdin %q: exit %d, stderr %q; want 2", tc.args, tc.stdin, code, errOut)
		}
	}
	// A bad e-mail address is bad input, reported with the field.
	code, _, errOut := runCLI(t, nil, "correct horse battery\n", "user", "create", "--email", "not-an-address", "--role", "agent", "--db", url)
	if code != 1 || !strings.Contains(errOut, "email") {
		t.Errorf("bad e-mail: exit %d, stderr %q", code, errOut)
	}
}
