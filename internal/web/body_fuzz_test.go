package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// jsonBodyOps are the operations FuzzJSONBodies posts to: the purchase
// batch (its own decoder: the body is read once and each item validated on
// its own), and operations decoded by huma with nested lines, answers, money
// and times.
var jsonBodyOps = []string{"/api/v1/purchases:batch", "/api/v1/purchases", "/api/v1/customers", "/api/v1/responses"}

// FuzzJSONBodies posts arbitrary bytes as JSON bodies. Whatever they are,
// the answer is never a 5xx; a refusal is a problem that names each bad
// field (a body, header or query location); a rejected batch item names
// its field; and whatever was stored reads back without a 5xx.
func FuzzJSONBodies(f *testing.F) {
	for _, seed := range []struct {
		op   uint8
		body string
	}{
		{0, `{"purchases":[{"external_id":"a","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"A","quantity":2,"unit_price":"12.50"}]}]}`},
		{0, `{"purchases":[{"purchased_at":"2024-05-01","lines":[{"quantity":9223372036854775807,"unit_price":"1.00"}]},{}]}`},
		{0, `{"purchases":[null,1,"x",[],{"lines":null}]}`},
		{1, `{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"A","quantity":1,"unit_price":12.5,"discount":"0.50"}]}`},
		{1, `{"purchased_at":"9999-12-31T23:59:59-23:59","lines":[{"sku":"A","quantity":1,"unit_price":"12,50"}]}`},
		{2, `{"name":"Ada","email":"ada@example.com","tags":["vip"],"first_seen":"2024-05-01T10:00:00Z"}`},
		{2, `{"name":"A\u0000da","first_seen":"9999-12-31T23:59:59-23:59"}`},
		{2, `{"nAme":"0","first_seen":"9999-12-31T0:01:00-23:59"}`}, // stored once, then could not be read back
		{3, `{"answers":[{"type":"nps","score":9},{"type":"csat","score":5}],"comment":"fine"}`},
		{3, `{"answers":[{"type":"nps","score":1e309}],"comment":"\ud800"}`},
		{0, `{"purchases":[` + strings.Repeat(`{},`, 50) + `{}]}`},
	} {
		f.Add(seed.op, []byte(seed.body))
	}
	db := storetest.Open(f, storetest.SQLiteURL(f))
	var fx *fixture
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		if fx == nil {
			fx = newFixture(t, db)
		}
		path := jsonBodyOps[int(op)%len(jsonBodyOps)]
		call := func(method, path string, body []byte) *httptest.ResponseRecorder {
			r := httptest.NewRequest(method, path, bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+fx.tokens[fresco.RoleOwner])
			w := httptest.NewRecorder()
			fx.srv.ServeHTTP(w, r)
			return w
		}
		res := call("POST", path, body)
		switch {
		case res.Code >= 500:
			t.Fatalf("POST %s %q = %d %s", path, body, res.Code, res.Body)
		case res.Code == http.StatusBadRequest || res.Code == http.StatusUnprocessableEntity:
			var problem struct {
				Errors []struct{ Location, Message string }
			}
			if err := json.Unmarshal(res.Body.Bytes(), &problem); err != nil || len(problem.Errors) == 0 {
				t.Fatalf("POST %s %q = %d without field errors: %s", path, body, res.Code, res.Body)
			}
			for _, e := range problem.Errors {
				if !strings.HasPrefix(e.Location, "body") && !strings.HasPrefix(e.Location, "header.") && !strings.HasPrefix(e.Location, "query.") {
					t.Fatalf("POST %s %q = %d: error %q at %q names no field", path, body, res.Code, e.Message, e.Location)
				}
			}
		case res.Code == http.StatusOK && path == jsonBodyOps[0]:
			var batch struct {
				Results []struct {
					Status string
					ID     int64
					Errors []struct{ Field, Message string }
				}
			}
			if err := json.Unmarshal(res.Body.Bytes(), &batch); err != nil {
				t.Fatalf("batch answer is not JSON: %s", res.Body)
			}
			for _, r := range batch.Results {
				for _, e := range r.Errors {
					if e.Field == "" {
						t.Fatalf("batch %q: item error %q names no field", body, e.Message)
					}
				}
				if r.ID > 0 {
					if got := call("GET", "/api/v1/purchases/"+jsonInt(r.ID), nil); got.Code != http.StatusOK {
						t.Fatalf("batch %q stored purchase %d, which reads back as %d %s", body, r.ID, got.Code, got.Body)
					}
				}
			}
		case res.Code == http.StatusCreated:
			if loc := res.Header().Get("Location"); loc != "" {
				if got := call("GET", loc, nil); got.Code != http.StatusOK {
					t.Fatalf("POST %s %q created %s, which reads back as %d %s", path, body, loc, got.Code, got.Body)
				}
			}
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
