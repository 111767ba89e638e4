package web_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Purchases, listening posts and surveys honour If-Match like the other
// records: a change made with a stale ETag is refused with 412 and nothing
// is written; every 201 carries the new record's ETag.
func TestIfMatchOnEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		created := f.do(request{method: "POST", path: "/api/v1/purchases", role: fresco.RoleAgent,
			body: `{"external_id":"e1","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"2.00"}]}`})
		if created.Code != 201 || created.Header.Get("ETag") != `"1"` {
			t.Fatalf("create purchase = %s, ETag %q", created, created.Header.Get("ETag"))
		}
		pid := id(t, created.JSON(t))
		c := f.do(request{method: "POST", path: "/api/v1/customers", role: fresco.RoleAgent, body: `{"name":"Ada"}`})
		if c.Header.Get("ETag") != `"1"` {
			t.Errorf("create customer ETag %q", c.Header.Get("ETag"))
		}
		sv := f.do(request{method: "POST", path: "/api/v1/surveys", role: fresco.RoleManager,
			body: `{"slug":"after-stay","name":"After your stay","questions":[{"key":"nps","type":"nps","text":"Would you recommend us?"}]}`})
		if sv.Code != 201 || sv.Header.Get("ETag") != `"1"` {
			t.Fatalf("create survey = %s", sv)
		}
		survey := sv.JSON(t)
		surveyBody := fmt.Sprintf(`{"slug":"after-stay","name":"After your stay (new)","questions":[{"key":"nps","type":"nps","text":"%s"}]}`, "Would you recommend us?")

		for _, tc := range []struct {
			name, method, path, body string
		}{
			{"purchase", "PATCH", fmt.Sprintf("/api/v1/purchases/%d", pid), `{"channel":"web"}`},
			{"listening post", "PATCH", "/api/v1/listening-posts/survey", `{"used_for":"weekly review"}`},
			{"survey", "PUT", fmt.Sprintf("/api/v1/surveys/%d", id(t, survey)), surveyBody},
		} {
			t.Run(tc.name, func(t *testing.T) {
				get := f.do(request{method: "GET", path: tc.path, role: fresco.RoleOwner})
				tag := get.Header.Get("ETag")
				if tc.method == "PATCH" && tc.name == "listening post" {
					tag = `"1"` // posts have no GET of their own; they start at version 1
				}
				if tag == "" {
					t.Fatalf("GET %s has no ETag: %s", tc.path, get)
				}
				ok := f.do(request{method: tc.method, path: tc.path, role: fresco.RoleManager, body: tc.body, header: http.Header{"If-Match": {tag}}})
				if ok.Code != 200 || ok.Header.Get("ETag") == tag || ok.Header.Get("ETag") == "" {
					t.Fatalf("change with the current ETag = %s, ETag %q", ok, ok.Header.Get("ETag"))
				}
				stale := f.do(request{method: tc.method, path: tc.path, role: fresco.RoleManager, body: tc.body, header: http.Header{"If-Match": {tag}}})
				if fields := problem(t, stale, http.StatusPreconditionFailed); fields["header.If-Match"] == "" {
					t.Errorf("stale change: %s", stale)
				}
			})
		}
	})
}
