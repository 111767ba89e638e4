package ui_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestValueSegmentPages: on a generated, refitted business the calculator
// per source shows an average and a loyal row per source; the print page is
// one standalone page with a print stylesheet; a manager's share link opens
// without signing in, and refuses a changed question; agents cannot make
// links.
func TestValueSegmentPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: 120, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		a := apptest.New(t, db)
		f := &fixture{t: t, db: db, app: a, srv: a.Server, cookie: map[fresco.Role]*http.Cookie{}}
		for _, role := range []fresco.Role{fresco.RoleManager, fresco.RoleAgent} {
			f.cookie[role] = demoLogin(t, db, role) // the generated business's staff
		}
		if _, err := f.app.Value.Refit(ctx); err != nil {
			t.Fatal(err)
		}
		M, A := fresco.RoleManager, fresco.RoleAgent
		page := f.do(A, "GET", "/value/segments?by=source", nil)
		if page.status != 200 || strings.Count(page.body, `data-kind="loyal"`) < 2 || strings.Contains(page.body, `id="share-form"`) {
			t.Fatalf("agent's page: %d, loyal rows %d, share form %v", page.status, strings.Count(page.body, `data-kind="loyal"`), strings.Contains(page.body, `id="share-form"`))
		}
		if !regexp.MustCompile(`<small>Group: [a-z]`).MatchString(page.body) { // the definition is a clause, not a sentence
			t.Errorf("the groups' definition does not read \"Group: …\"")
		}
		if r := f.do(A, "GET", "/value/segments?by=weekday", nil); r.status != 422 || !strings.Contains(r.body, "by") {
			t.Errorf("by=weekday: %d", r.status)
		}
		if r := f.do(A, "POST", "/value/segments", url.Values{"by": {"rfm"}}); r.status != http.StatusForbidden {
			t.Errorf("an agent makes a link: %d", r.status)
		}
		print := f.do(A, "GET", "/value/segments/print?by=rfm", nil)
		if print.status != 200 || !strings.Contains(print.body, ". Group: ") || !strings.Contains(print.body, "@media print") || !strings.Contains(print.body, `id="segment-print"`) || strings.Contains(print.body, "topbar") {
			t.Errorf("print page: %d", print.status)
		}
		made := f.do(M, "POST", "/value/segments", url.Values{"by": {"filter"}, "segment": {"champions"}, "expires_in_days": {"7"}})
		link := regexp.MustCompile(`id="share-url">https?://[^/]+(/share/calculator/[^<"]+)<`).FindStringSubmatch(made.body)
		if made.status != 200 || link == nil {
			t.Fatalf("make a link: %d", made.status)
		}
		path := strings.ReplaceAll(link[1], "&amp;", "&")
		shared := f.do("", "GET", path, nil)
		if shared.status != 200 || !strings.Contains(shared.body, `id="share-note"`) || !strings.Contains(shared.body, "The customers of the filter") {
			t.Fatalf("the shared link %s: %d %s", path, shared.status, shared.body)
		}
		if r := f.do("", "GET", strings.Replace(path, "champions", "lost", 1), nil); r.status != 404 {
			t.Errorf("a changed question: %d", r.status)
		}
	})
}
