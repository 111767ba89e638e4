package web_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The served OpenAPI document — 3.1 and huma's 3.0 rendering — passes a
// standard validator, so client generators and gateways can take it as it
// is, and it names the build, its tags and its server.
func TestOpenAPIDocumentValidates(t *testing.T) {
	a := apptest.New(t, storetest.Open(t, storetest.SQLiteURL(t)), func(c *app.Config) { c.Version = "9.8.7" })
	for _, path := range []string{"/api/openapi.json", "/api/openapi-3.0.json"} {
		res := httptest.NewRecorder()
		a.Server.ServeHTTP(res, httptest.NewRequest("GET", path, nil))
		if res.Code != 200 {
			t.Fatalf("GET %s = %d", path, res.Code)
		}
		doc, err := openapi3.NewLoader().LoadFromData(res.Body.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Errorf("%s does not validate: %v", path, err)
		}
		if doc.Info.Version != "9.8.7" {
			t.Errorf("%s info.version %q, want the build's", path, doc.Info.Version)
		}
		if len(doc.Servers) == 0 || len(doc.Tags) < 10 {
			t.Errorf("%s: %d servers, %d tags", path, len(doc.Servers), len(doc.Tags))
		}
		for _, tag := range doc.Tags {
			if tag.Description == "" {
				t.Errorf("%s: tag %q has no description", path, tag.Name)
			}
		}
		batch := doc.Paths.Find("/api/v1/purchases:batch")
		if batch == nil || batch.Post.Responses.Value("200").Value.Headers["Idempotent-Replayed"] == nil {
			t.Errorf("%s: the batch's Idempotent-Replayed header is not described", path)
		}
		// Every header the API sends is described where it is sent.
		for _, h := range []struct{ path, method, status, header string }{
			{"/api/v1/session", "POST", "429", "Retry-After"},
			{"/api/v1/customers", "GET", "401", "WWW-Authenticate"},
			{"/api/v1/customers", "POST", "201", "ETag"},
			{"/api/v1/customers", "POST", "201", "Location"},
			{"/api/v1/customers/{id}", "GET", "200", "ETag"},
			{"/api/v1/customers/{id}", "PATCH", "200", "ETag"},
			{"/api/v1/purchases/{id}", "PATCH", "200", "ETag"},
			{"/api/v1/surveys/{id}", "PUT", "200", "ETag"},
		} {
			item := doc.Paths.Find(h.path)
			if item == nil || item.GetOperation(h.method) == nil {
				t.Errorf("%s: no %s %s", path, h.method, h.path)
				continue
			}
			res := item.GetOperation(h.method).Responses.Value(h.status)
			if res == nil || res.Value.Headers[h.header] == nil {
				t.Errorf("%s: %s %s does not describe the %s header of its %s answer", path, h.method, h.path, h.header, h.status)
			}
		}
	}
}
