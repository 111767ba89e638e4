package ui_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestListeningPostPages: a manager adds a post, ticks a checklist step and
// retires it; agents read but change nothing; the report pages render and
// name a bad date.
func TestListeningPostPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		M, A := fresco.RoleManager, fresco.RoleAgent
		if r := f.do(A, "GET", "/feedback/posts/new", nil); r.status != http.StatusForbidden {
			t.Errorf("agent on the new-post form: %d", r.status)
		}
		form := url.Values{"slug": {"sales-reps"}, "name": {"Sales representatives"}, "purpose": {"Why do new customers come here?"},
			"questions": {"How did you hear about us?\n\nWhat nearly stopped you?"}}
		if r := f.do(A, "POST", "/feedback/posts", form); r.status != http.StatusForbidden {
			t.Errorf("agent adds a post: %d", r.status)
		}
		r := f.do(M, "POST", "/feedback/posts", form)
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/feedback/posts/sales-reps?done=post-saved" {
			t.Fatalf("add: %d %s", r.status, r.header.Get("Location"))
		}
		page := f.do(A, "GET", "/feedback/posts/sales-reps", nil)
		for _, want := range []string{"Sales representatives", "Steps for improving this listening post", "Assess the need for new listening posts",
			"“How did you hear about us?”; “What nearly stopped you?”", "Why do new customers come here?", "lag is unknown"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("post page lacks %q", want)
			}
		}
		if strings.Contains(page.body, `id="post-form"`) {
			t.Error("an agent sees the edit form")
		}
		p, err := db.ListeningPostBySlug(t.Context(), "sales-reps")
		if err != nil {
			t.Fatal(err)
		}
		v := func() string { p, _ := db.ListeningPostBySlug(t.Context(), "sales-reps"); return itoa(p.Version) }
		r = f.do(M, "POST", "/feedback/posts/sales-reps", url.Values{"version": {itoa(p.Version)}, "action": {"checklist"},
			"done_timing": {"on"}, "note_timing": {"Ask at the order"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("checklist: %d %s", r.status, r.body)
		}
		if p, _ := db.ListeningPostBySlug(t.Context(), "sales-reps"); p.Checklist["timing"] != "Ask at the order" || len(p.Checklist) != 1 {
			t.Errorf("checklist stored %v", p.Checklist)
		}
		r = f.do(M, "POST", "/feedback/posts/sales-reps", url.Values{"version": {v()}, "action": {"retire"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("retire: %d", r.status)
		}
		if page := f.do(M, "GET", "/feedback/posts/sales-reps", nil); !strings.Contains(page.body, `id="post-retired"`) || !strings.Contains(page.body, "Put it back in use") {
			t.Error("the retired post's page does not say so")
		}
		bad := f.do(M, "POST", "/feedback/posts", url.Values{"slug": {"Bad Slug"}, "name": {"x"}})
		if bad.status != http.StatusUnprocessableEntity || !strings.Contains(bad.body, "slug") {
			t.Errorf("bad slug: %d", bad.status)
		}
		for _, c := range []struct {
			path, want string
			status     int
		}{
			{"/cases/sources", "Where recovery problems come from", 200},
			{"/cases/sources?from=2025-02-30", "is not a date", 422},
			{"/value/sources?from=2025-01-01&to=2025-01-31", "No customer was first seen", 200},
			{"/value/sources?from=nope", "is not a date", 422},
			{"/value/acquisition-retention?from=2025-01-01&to=2025-01-31", "Both sides are estimates", 200},
			{"/value/acquisition-retention?move=-1.00", "Move: must not be negative", 422},
			{"/value/acquisition-retention?cac=abc", "is not an amount of money", 422},
		} {
			if r := f.do(A, "GET", c.path, nil); r.status != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%s: %d, want %d with %q", c.path, r.status, c.status, c.want)
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
