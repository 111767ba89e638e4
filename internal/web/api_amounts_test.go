package web_test

import (
	"encoding/json"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Amounts that would overflow, money written the continental way, and NUL
// bytes are refused with a 422 naming the field, on both engines, and store
// nothing.
func TestAmountsAndTextThatCannotBeStored(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for _, tc := range []struct {
			name, path, body, field string
		}{
			{"int64 quantity", "/api/v1/purchases",
				`{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":9223372036854775807,"unit_price":"1.00"}]}`, "body.lines[0].quantity"},
			{"comma decimal", "/api/v1/purchases",
				`{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"12,50"}]}`, "body.lines[0].unit_price"},
			{"price past the cap", "/api/v1/purchases",
				`{"purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"999999999999.00"}]}`, "body.lines[0].unit_price"},
			{"NUL in a purchase", "/api/v1/purchases",
				`{"external_id":"a\u0000b","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1.00"}]}`, "body.external_id"},
			{"NUL in a customer", "/api/v1/customers", `{"name":"Ada\u0000"}`, "body.name"},
			{"not a language tag", "/api/v1/customers", `{"name":"Ada","locale":"German please"}`, "body.locale"},
			{"first seen in the year 10000", "/api/v1/customers", `{"name":"Ada","first_seen":"9999-12-31T23:00:00-02:00"}`, "body.first_seen"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				fields := problem(t, f.do(request{method: "POST", path: tc.path, role: fresco.RoleOwner, body: tc.body}), 422)
				if fields[tc.field] == "" {
					t.Errorf("no error at %s: %v", tc.field, fields)
				}
			})
		}

		body := `{"purchases":[` +
			`{"external_id":"ok1","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":2,"unit_price":"1.50"}]},` +
			`{"external_id":"n\u0000ul","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":1,"unit_price":"1.00"}]},` +
			`{"external_id":"big","purchased_at":"2024-05-01T10:00:00Z","lines":[{"sku":"X","quantity":9223372036854775807,"unit_price":"1.00"}]}]}`
		res := f.do(request{method: "POST", path: "/api/v1/purchases:batch", role: fresco.RoleAgent, body: body})
		var out struct {
			Created, Rejected int
			Results           []struct {
				Status string
				Errors []struct{ Field, Message string }
			}
		}
		if err := json.Unmarshal(res.Body, &out); err != nil || res.Code != 200 {
			t.Fatalf("batch = %s (%v)", res, err)
		}
		if out.Created != 1 || out.Rejected != 2 {
			t.Fatalf("batch = %s, want the good purchase stored and two rejected", res.Body)
		}
		for i, want := range map[int]string{1: "external_id", 2: "lines[0].quantity"} {
			if errs := out.Results[i].Errors; len(errs) != 1 || errs[0].Field != want {
				t.Errorf("item %d errors %+v, want one naming %s", i, errs, want)
			}
		}

		var purchases int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM purchases`).Scan(&purchases); err != nil || purchases != 1 {
			t.Errorf("%d purchases stored (%v), want only the good one", purchases, err)
		}
	})
}
