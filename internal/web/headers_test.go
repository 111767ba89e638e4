package web_test

import (
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestSecurityHeaders: pages may not be framed nor run inline script, API
// answers are never cached, and the survey widget alone may be framed.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	w := newFBWorld(t, storetest.Open(t, storetest.SQLiteURL(t)))
	surveyFixture(t, w)
	owner := w.employee("olivia@example.com", fresco.RoleOwner, "")
	cookie := apptest.Session(t, w.db, owner.ID)
	for _, path := range []string{"/login", "/feedback", "/value", "/customers", "/api/v1/customers", "/api/docs"} {
		res := w.do(request{method: "GET", path: path, cookie: cookie})
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		if res.Code >= 400 || !strings.Contains(csp, "script-src 'self';") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s = %d, CSP %q", path, res.Code, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("GET %s headers %v", path, h)
		}
		if path != "/login" && h.Get("Cache-Control") != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", path, h.Get("Cache-Control"))
		}
	}
	widget := w.do(request{method: "GET", path: "/w/after-visit"})
	if h := widget.Header; h.Get("X-Frame-Options") != "" || !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors *") ||
		h.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("widget headers %v", h)
	}
}

// TestNoInlineScript: the templates hold no script the CSP would refuse:
// scripts are files, data rides in application/json blocks.
func TestNoInlineScript(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("ui", "templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("templates: %v %v", files, err)
	}
	tag := regexp.MustCompile(`<script[^>]*>`)
	handler := regexp.MustCompile(`\son[a-z]+\s*=|javascript:`)
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range tag.FindAllString(string(data), -1) {
			if !strings.Contains(s, "src=") && !strings.Contains(s, `type="application/json"`) {
				t.Errorf("%s: inline %s", f, s)
			}
		}
		if m := handler.FindString(string(data)); m != "" {
			t.Errorf("%s: inline event handler %q", f, m)
		}
	}
}

// TestFlashByCode: a redirect's message is looked up by its code; text in
// the URL is never shown.
func TestFlashByCode(t *testing.T) {
	t.Parallel()
	w := newFBWorld(t, storetest.Open(t, storetest.SQLiteURL(t)))
	owner := w.employee("olivia@example.com", fresco.RoleOwner, "")
	cookie := apptest.Session(t, w.db, owner.ID)
	for _, c := range []struct{ path, want, not string }{
		{"/feedback/calls?done=call-recorded", "Call recorded.", ""},
		{"/feedback/comments?done=classifier-trained", "Classifier retrained.", ""},
		{"/feedback/surveys?done=survey-created", "Survey created.", ""},
		{"/feedback/calls?msg=Your+account+is+locked", "", "account is locked"},
		{"/feedback/comments?msg=Your+account+is+locked", "", "account is locked"},
		{"/feedback/surveys?msg=Your+account+is+locked", "", "account is locked"},
		{"/feedback/surveys?done=Your+account+is+locked", "", "account is locked"},
	} {
		res := w.do(request{method: "GET", path: c.path, cookie: cookie})
		body := string(res.Body)
		if res.Code != http.StatusOK || !strings.Contains(body, c.want) || (c.not != "" && strings.Contains(body, c.not)) {
			t.Errorf("GET %s = %d; want %q shown and %q not", c.path, res.Code, c.want, c.not)
		}
		if c.want == "" && strings.Contains(body, `class="flash"`) {
			t.Errorf("GET %s shows a flash", c.path)
		}
	}
}
