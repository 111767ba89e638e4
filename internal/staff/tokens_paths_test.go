package staff_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// tokenNamed returns the id of the API token with the name.
func (w *world) tokenNamed(name string) int64 {
	w.t.Helper()
	list, err := w.db.ListAPITokens(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	for _, t := range list {
		if t.Name == name {
			return t.ID
		}
	}
	w.t.Fatalf("no API token %q", name)
	return 0
}

// tokenAudit lists the records about API token id, oldest first.
func (w *world) tokenAudit(id int64) []record {
	w.t.Helper()
	entries, err := w.db.ListAudit(context.Background(), "api_token", fmt.Sprint(id), 100)
	if err != nil {
		w.t.Fatal(err)
	}
	out := make([]record, len(entries))
	for i, e := range entries {
		out[len(entries)-1-i] = record{Action: e.Action, Detail: canonical(w.t, e.Detail)}
	}
	return out
}

// Issuing an API token and revoking it give the same token and write the
// same two records through the API and the command line.
func TestTokenOnEveryPath(t *testing.T) {
	t.Parallel()
	type tokenPath struct {
		name           string
		create, revoke func(w *world, tokenName string, id int64) int
		created        int
		revoked        int
	}
	paths := []tokenPath{
		{"api", func(w *world, name string, _ int64) int {
			return w.api(fresco.RoleOwner, "POST", "/api/v1/tokens", fmt.Sprintf(`{"name":%q,"role":"analyst"}`, name))
		}, func(w *world, _ string, id int64) int {
			return w.api(fresco.RoleOwner, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", id), "")
		}, http.StatusCreated, http.StatusNoContent},
		{"cli", func(w *world, name string, _ int64) int {
			return w.cli("", "token", "create", "--name", name, "--role", "analyst")
		}, func(w *world, _ string, id int64) int {
			return w.cli("", "token", "revoke", fmt.Sprint(id))
		}, 0, 0},
	}
	eachEngine(t, func(t *testing.T, w *world) {
		for _, p := range paths {
			name := "export " + p.name
			if got := p.create(w, name, 0); got != p.created {
				t.Fatalf("%s create: %d, want %d", p.name, got, p.created)
			}
			id := w.tokenNamed(name)
			if got := p.revoke(w, name, id); got != p.revoked {
				t.Fatalf("%s revoke: %d, want %d", p.name, got, p.revoked)
			}
			want := []record{{"create", fmt.Sprintf(`{"name":%q,"role":"analyst"}`, name)}, {"revoke", `{}`}}
			if got := w.tokenAudit(id); fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s audit %v, want %v", p.name, got, want)
			}
		}
		// A bad role is refused on both paths, and nothing is issued or recorded.
		if got := w.api(fresco.RoleOwner, "POST", "/api/v1/tokens", `{"name":"bad","role":"root"}`); got != http.StatusUnprocessableEntity {
			t.Errorf("api bad role: %d", got)
		}
		if got := w.cli("", "token", "create", "--name", "bad", "--role", "root"); got == 0 {
			t.Error("cli bad role: exit 0")
		}
		list, err := w.db.ListAudit(context.Background(), "api_token", "", 100)
		if err != nil || len(list) != 4 {
			t.Errorf("%d token records (%v), want 4", len(list), err)
		}
	})
}
