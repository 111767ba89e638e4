package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCaseIfMatch: GET /cases/{id} answers the case's version as its ETag;
// an action with that If-Match applies, one with an older ETag is refused
// with 412 naming who did what since, and nothing is written; an action
// without If-Match applies as it always has.
func TestCaseIfMatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		f.employee("sam@example.com", fresco.RoleAgent, "a fine long password")
		sam := f.login("sam@example.com", "a fine long password")
		c := f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "cold soup"}, 201)
		path := fmt.Sprintf("/api/v1/cases/%d", id(t, c))
		read := func() (string, int) {
			t.Helper()
			res := f.do(request{method: "GET", path: path, role: fresco.RoleAnalyst})
			if res.Code != 200 {
				t.Fatalf("GET case = %s", res)
			}
			return res.Header.Get("ETag"), len(res.JSON(t)["timeline"].([]any))
		}
		act := func(op, tag string, body any) *response {
			t.Helper()
			req := request{method: "POST", path: path + op, cookie: sam, body: body}
			if tag != "" {
				req.header = http.Header{"If-Match": {tag}}
			}
			return f.do(req)
		}

		loaded, events := read()
		get := f.do(request{method: "GET", path: path, role: fresco.RoleAnalyst}).JSON(t)
		timeline := get["timeline"].([]any)
		if last := timeline[len(timeline)-1].(map[string]any)["id"]; loaded != fmt.Sprintf(`"%v"`, last) {
			t.Fatalf("ETag %q, want the last timeline event's id %v", loaded, last)
		}
		if res := act("/resolve", loaded, map[string]any{"resolution": "a hot one"}); res.Code != 200 {
			t.Fatalf("resolve with the current ETag = %s", res)
		}
		now, after := read()
		if now == loaded || after <= events {
			t.Fatalf("after resolving: ETag %q (was %q), %d events (was %d)", now, loaded, after, events)
		}

		// Every action with the stale ETag: 412, who did what, nothing written.
		for _, tc := range []struct {
			op   string
			body any
		}{
			{"/responses", map[string]any{"message": "on its way"}},
			{"/notes", map[string]any{"text": "the API makes no exception for notes"}},
			{"/transfer", map[string]any{"owner_id": s.employee, "note": "yours"}},
			{"/close", map[string]any{"root_cause_category": "food", "root_cause_source": "training"}},
			{"/gestures", map[string]any{"kind": "apology_letter"}},
			{"/holds", nil},
		} {
			res := act(tc.op, loaded, tc.body)
			fields := problem(t, res, http.StatusPreconditionFailed)
			if msg := fields["header.If-Match"]; !strings.Contains(msg, now) {
				t.Errorf("%s: If-Match error %q does not give the current ETag %s", tc.op, msg, now)
			}
			var p struct {
				Detail string `json:"detail"`
				Errors []struct {
					Value []struct {
						Kind, Actor, Text string
					} `json:"value"`
				} `json:"errors"`
			}
			if err := json.Unmarshal(res.Body, &p); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.Detail, "Test sam@example.com resolved the case and scheduled a task at ") {
				t.Errorf("%s: detail %q does not say who did what", tc.op, p.Detail)
			}
			if len(p.Errors) != 1 || len(p.Errors[0].Value) == 0 || p.Errors[0].Value[0].Kind != "resolved" ||
				!strings.HasPrefix(p.Errors[0].Value[0].Actor, "employee:") {
				t.Errorf("%s: the changes in the problem = %s", tc.op, res.Body)
			}
			if tag, n := read(); tag != now || n != after {
				t.Errorf("%s: a refused action wrote: ETag %s, %d events", tc.op, tag, n)
			}
		}
		// An If-Match that cannot be a case's ETag: weak, garbage.
		for _, tag := range []string{"W/" + now, "garbage", `"0"`} {
			problem(t, act("/notes", tag, map[string]any{"text": "x"}), http.StatusPreconditionFailed)
		}
		// No If-Match, or "*": as before.
		for _, tag := range []string{"", "*"} {
			if res := act("/notes", tag, map[string]any{"text": "noted"}); res.Code != 200 {
				t.Errorf("note with If-Match %q = %s", tag, res)
			}
		}
		// With a list, the newest of its ETags counts.
		tag, _ := read()
		if res := act("/notes", loaded+", "+tag, map[string]any{"text": "listed"}); res.Code != 200 {
			t.Errorf("note with If-Match %s, %s = %s", loaded, tag, res)
		}
	})
}
