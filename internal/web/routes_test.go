package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/web"
	"github.com/fresco-cx/fresco/internal/web/ui"
)

// TestRouteTable walks the route table routes.go and routes_api.go build: every route has a
// role rule and is registered once; every API operation is in the OpenAPI
// document (and the document has no other); every UI page is in the
// navigation or is linked or posted to from a template.
func TestRouteTable(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	oapi := f.srv.API().OpenAPI()
	templates := uiTemplates(t)
	seen := map[string]bool{}
	operations := 0
	for _, r := range f.srv.Routes() {
		name := strings.TrimSpace(r.Method + " " + r.Path)
		if seen[name] {
			t.Errorf("%s is registered twice", name)
		}
		seen[name] = true
		if r.Perm == "" {
			t.Errorf("%s has no role rule", name)
		}
		switch r.Kind {
		case web.APIOperation:
			operations++
			if openAPIOperation(oapi, r.Method, r.Path) == nil {
				t.Errorf("%s is not in the OpenAPI document", name)
			}
		case web.UIPage:
			if !reachable(r, templates) {
				t.Errorf("UI route %s is neither in the navigation nor linked or posted to from a template", name)
			}
		}
	}
	documented := 0
	for _, item := range oapi.Paths {
		for _, op := range []*huma.Operation{item.Get, item.Post, item.Put, item.Patch, item.Delete} {
			if op != nil {
				documented++
			}
		}
	}
	if documented != operations {
		t.Errorf("the OpenAPI document has %d operations, the route table %d", documented, operations)
	}
	if reachable(web.Route{Kind: web.UIPage, Method: http.MethodPost, Path: "/customers/{id}/nowhere"}, templates) {
		t.Error("reachable finds a form that no template has")
	}
	if operations < 100 || !seen["GET /customers"] || !seen["POST /s/{token}"] {
		t.Errorf("the route table looks incomplete: %d operations, %d routes", operations, len(seen))
	}
}

func openAPIOperation(oapi *huma.OpenAPI, method, path string) *huma.Operation {
	item := oapi.Paths[path]
	if item == nil {
		return nil
	}
	return map[string]*huma.Operation{http.MethodGet: item.Get, http.MethodPost: item.Post, http.MethodPut: item.Put,
		http.MethodPatch: item.Patch, http.MethodDelete: item.Delete}[method]
}

// uiTemplates returns the text of every UI template.
func uiTemplates(t *testing.T) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("ui", "templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v", err)
	}
	var b strings.Builder
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(text)
	}
	return b.String()
}

// reachable reports whether a UI page can be found by its users: a GET in
// the navigation or behind a link, a POST behind a form.
func reachable(r web.Route, templates string) bool {
	if r.Method == http.MethodGet && slices.Contains(ui.NavPaths(), r.Path) {
		return true
	}
	attr := `action`
	if r.Method == http.MethodGet {
		attr = `(?:href|action)`
	}
	path := strings.ReplaceAll(r.Path, "{$}", "")
	path = regexp.MustCompile(`\\\{[a-z]+\\\}`).ReplaceAllString(regexp.QuoteMeta(path), `[^"/?#]+`)
	return regexp.MustCompile(attr + `="` + path + `["?#]`).MatchString(templates)
}
