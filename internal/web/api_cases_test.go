package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// caseMatrix is the service-recovery part of the role matrix. Actions on a
// case that does not exist answer 404 to the roles allowed to try and 403 to
// the others, so every role can be checked without changing state.
func caseMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	missing := "/api/v1/cases/999999"
	return []endpoint{
		{"GET", "/api/v1/cases", none, 200, everyone},
		{"POST", "/api/v1/cases", fixed(fmt.Sprintf(`{"customer_id":%d,"purchase_id":%d,"summary":"cold soup","expectation":"a hot one"}`,
			s.customer, s.purchase)), 201, writers},
		{"GET", missing, none, 404, everyone},
		{"POST", missing + "/transfer", fixed(fmt.Sprintf(`{"owner_id":%d,"note":"over to you"}`, s.employee)), 404, writers},
		{"POST", missing + "/notes", fixed(`{"text":"x"}`), 404, writers},
		{"POST", missing + "/responses", fixed(`{"message":"x"}`), 404, writers},
		{"POST", missing + "/customer-replies", fixed(`{"message":"x"}`), 404, writers},
		{"POST", missing + "/wait", fixed(`{"reason":"x"}`), 404, writers},
		{"POST", missing + "/resume", fixed(`{"reason":"x"}`), 404, writers},
		{"POST", missing + "/resolve", fixed(`{"resolution":"x"}`), 404, writers},
		{"POST", missing + "/close", fixed(`{"root_cause_category":"food","root_cause_source":"training"}`), 404, writers},
		{"POST", missing + "/reopen", fixed(`{"reason":"x"}`), 404, writers},
		{"POST", missing + "/merge", fixed(`{"into":1}`), 404, writers},
		{"POST", missing + "/involved", fixed(fmt.Sprintf(`{"employee_id":%d}`, s.employee)), 404, writers},
		{"POST", missing + "/holds", none, 404, writers},
		{"POST", missing + "/holds/end", fixed(`{"hold_id":1}`), 404, writers},
		{"POST", missing + "/gestures", fixed(`{"kind":"refund","amount":"10.00"}`), 404, writers},
		{"POST", missing + "/tasks", fixed(`{"kind":"callback","due_at":"2030-01-01T10:00:00Z"}`), 404, writers},
		{"GET", "/api/v1/gestures", none, 200, everyone},
		{"GET", "/api/v1/approvals", none, 200, everyone},
		{"POST", "/api/v1/gestures/999999/approve", fixed(`{}`), 404, managers},
		{"POST", "/api/v1/gestures/999999/reject", fixed(`{"note":"no"}`), 404, managers},
		{"GET", "/api/v1/tasks", none, 200, everyone},
		{"POST", "/api/v1/tasks/999999/complete", fixed(`{"outcome":"solved"}`), 404, writers},
		{"GET", "/api/v1/sla-policies", none, 200, everyone},
		{"PUT", "/api/v1/sla-policies/0", fixed(`{"calendar":{"time_zone":"Europe/London","weekly":{"monday":[{"start":"09:00","end":"17:00"}]}},"first_response":"4h"}`), 200, managers},
		{"GET", "/api/v1/authority-limits", none, 200, everyone},
		{"PUT", "/api/v1/authority-limits", fixed(`{"role":"agent","kind":"*","amount":"50.00"}`), 200, ownerOnly},
		{"GET", "/api/v1/recovery/alerts", none, 200, everyone},
		{"GET", "/api/v1/reports/recovery", none, 200, everyone},
	}
}

// TestCaseAPI walks a case through its life over HTTP, with the contracts of
// the issue: 201 with an id, the customer flag, gestures within limits
// (an agent's over-limit refund is pending, not granted; an analyst gets
// 403), approval by a manager, transfer with a note, resolve and close.
func TestCaseAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		ctx := context.Background()
		agent := f.employee("case-agent@example.com", fresco.RoleAgent, "")
		custPath := fmt.Sprintf("/api/v1/customers/%d", s.customer)
		if flag := f.call(fresco.RoleAnalyst, "GET", custPath, nil, 200)["needs_special_attention"]; flag != false {
			t.Fatalf("needs_special_attention before any case = %v", flag)
		}

		c := f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "purchase_id": s.purchase,
			"summary": "soup was cold", "expectation": "a refund", "incident": map[string]any{"what_happened": "cold soup", "where": "table 4"}}, 201)
		caseID := id(t, c)
		path := fmt.Sprintf("/api/v1/cases/%d", caseID)
		if c["status"] != "open" || c["owner_id"] == nil {
			t.Fatalf("created case = %v", c)
		}
		if flag := f.call(fresco.RoleAnalyst, "GET", custPath, nil, 200)["needs_special_attention"]; flag != true {
			t.Fatalf("needs_special_attention with an open case = %v", flag)
		}
		list := f.call(fresco.RoleAgent, "GET", "/api/v1/customers?limit=1000", nil, 200)["items"].([]any)
		flagged := 0
		for _, item := range list {
			if item.(map[string]any)["needs_special_attention"] == true {
				flagged++
			}
		}
		if flagged != 1 {
			t.Errorf("customers flagged in the list = %d, want 1", flagged)
		}

		// Bad input names its fields.
		fields := problem(t, f.do(request{method: "POST", path: "/api/v1/cases", role: fresco.RoleAgent,
			body: map[string]any{"customer_id": s.customer, "summary": " ", "purchase_id": 999999}}), 422)
		if fields["body.summary"] == "" {
			t.Errorf("fields = %v, want summary", fields)
		}
		fields = problem(t, f.do(request{method: "POST", path: "/api/v1/cases", role: fresco.RoleAgent,
			body: map[string]any{"customer_id": s.customer, "summary": "x", "purchase_id": 999999}}), 422)
		if fields["body.purchase_id"] == "" {
			t.Errorf("fields = %v, want purchase_id", fields)
		}

		// Gestures within limits.
		g := f.call(fresco.RoleAgent, "POST", path+"/gestures", map[string]any{"kind": "refund", "amount": "80.00"}, 201)
		if g["status"] != "pending_approval" || g["amount"] != "80.00" {
			t.Fatalf("agent's 80.00 refund = %v, want pending_approval", g)
		}
		pending := id(t, g)
		if g := f.call(fresco.RoleAgent, "POST", path+"/gestures", map[string]any{"kind": "coupon", "amount": 20}, 201); g["status"] != "granted" {
			t.Fatalf("agent's 20.00 coupon = %v, want granted", g)
		}
		problem(t, f.do(request{method: "POST", path: path + "/gestures", role: fresco.RoleAnalyst,
			body: map[string]any{"kind": "refund", "amount": "1.00"}}), 403)
		fields = problem(t, f.do(request{method: "POST", path: path + "/gestures", role: fresco.RoleAgent,
			body: map[string]any{"kind": "refund", "amount": "1.234"}}), 422)
		if fields["body.amount"] == "" {
			t.Errorf("fields = %v, want amount", fields)
		}
		if approvals := f.call(fresco.RoleManager, "GET", "/api/v1/approvals", nil, 200)["items"].([]any); len(approvals) != 1 {
			t.Fatalf("approvals = %v", approvals)
		}
		problem(t, f.do(request{method: "POST", path: fmt.Sprintf("/api/v1/gestures/%d/approve", pending), role: fresco.RoleAgent, body: `{}`}), 403)
		if g := f.call(fresco.RoleManager, "POST", fmt.Sprintf("/api/v1/gestures/%d/approve", pending), map[string]any{"note": "ok"}, 200); g["status"] != "granted" {
			t.Fatalf("approved = %v", g)
		}
		problem(t, f.do(request{method: "POST", path: fmt.Sprintf("/api/v1/gestures/%d/approve", pending), role: fresco.RoleManager, body: `{}`}), 409)

		// Transfer needs a note; the whole story travels with the case.
		fields = problem(t, f.do(request{method: "POST", path: path + "/transfer", role: fresco.RoleAgent,
			body: map[string]any{"owner_id": agent.ID, "note": ""}}), 422)
		if fields["body.note"] == "" {
			t.Errorf("fields = %v, want note", fields)
		}
		f.call(fresco.RoleAgent, "POST", path+"/transfer", map[string]any{"owner_id": agent.ID, "note": "guest prefers e-mail"}, 200)
		f.call(fresco.RoleAgent, "POST", path+"/responses", map[string]any{"message": "Sorry, refund on its way"}, 200)
		hold := f.call(fresco.RoleAgent, "POST", path+"/holds", nil, 201)
		f.call(fresco.RoleAgent, "POST", path+"/holds/end", map[string]any{"hold_id": hold["hold_id"]}, 200)
		problem(t, f.do(request{method: "POST", path: path + "/close", role: fresco.RoleAgent,
			body: map[string]any{"root_cause_category": "kitchen"}}), 422)
		f.call(fresco.RoleAgent, "POST", path+"/resolve", map[string]any{"resolution": "refunded"}, 200)
		tasks := f.call(fresco.RoleAgent, "GET", fmt.Sprintf("/api/v1/tasks?case_id=%d", caseID), nil, 200)["items"].([]any)
		if len(tasks) != 1 || tasks[0].(map[string]any)["kind"] != "follow_through" {
			t.Fatalf("tasks after resolve = %v", tasks)
		}
		taskID := id(t, tasks[0].(map[string]any))
		f.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/tasks/%d/complete", taskID), map[string]any{"outcome": "solved"}, 200)
		closed := f.call(fresco.RoleAgent, "POST", path+"/close", map[string]any{"root_cause_category": "kitchen", "root_cause_source": "training"}, 200)
		if closed["status"] != "closed" || closed["follow_through_outcome"] != "solved" {
			t.Fatalf("closed = %v", closed)
		}
		if flag := f.call(fresco.RoleAnalyst, "GET", custPath, nil, 200)["needs_special_attention"]; flag != false {
			t.Fatalf("needs_special_attention after closing = %v", flag)
		}

		detail := f.call(fresco.RoleAnalyst, "GET", path, nil, 200)
		var got []string
		for _, e := range detail["timeline"].([]any) {
			got = append(got, e.(map[string]any)["kind"].(string))
		}
		for _, want := range []string{"opened", "gesture_requested", "gesture_granted", "gesture_approved", "transferred",
			"agent_responded", "hold_started", "hold_ended", "resolved", "task_completed", "closed"} {
			if !strings.Contains(" "+strings.Join(got, " ")+" ", " "+want+" ") {
				t.Errorf("timeline lacks %s: %v", want, got)
			}
		}
		if len(detail["gestures"].([]any)) != 2 || len(detail["watchers"].([]any)) != 1 {
			t.Errorf("detail gestures/watchers = %v / %v", detail["gestures"], detail["watchers"])
		}
		audit, err := db.ListAudit(ctx, "case", fmt.Sprint(caseID), 100)
		if err != nil || len(audit) < 10 {
			t.Errorf("audit entries = %d (%v)", len(audit), err)
		}

		// SLA policy through the API, then the inbox of breaching cases.
		policyPath := fmt.Sprintf("/api/v1/sla-policies/%d", s.location)
		policy := map[string]any{
			"calendar": map[string]any{"time_zone": "UTC", "weekly": map[string]any{
				"monday": []any{map[string]any{"start": "00:00", "end": "24:00"}}, "tuesday": []any{map[string]any{"start": "00:00", "end": "24:00"}},
				"wednesday": []any{map[string]any{"start": "00:00", "end": "24:00"}}, "thursday": []any{map[string]any{"start": "00:00", "end": "24:00"}},
				"friday": []any{map[string]any{"start": "00:00", "end": "24:00"}}, "saturday": []any{map[string]any{"start": "00:00", "end": "24:00"}},
				"sunday": []any{map[string]any{"start": "00:00", "end": "24:00"}}}},
			"first_response": "1h", "resolution": "48h"}
		set := f.call(fresco.RoleManager, "PUT", policyPath, policy, 200)
		if set["recompute"] != "none" || set["location_id"] != float64(s.location) || set["policy"] == nil {
			t.Errorf("policy set with no live case at the location = %v, want recompute none", set)
		}
		// Without a calendar a policy runs on the business hours (api_settings_test.go); without a target it is refused.
		fields = problem(t, f.do(request{method: "PUT", path: "/api/v1/sla-policies/0", role: fresco.RoleManager,
			body: map[string]any{"warn_before": "1h"}}), 422)
		if fields["body.policy"] == "" {
			t.Errorf("fields = %v, want policy", fields)
		}
		c2 := f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer,
			"location_id": s.location, "summary": "noisy room", "opened_at": time.Now().Add(-2 * time.Hour).UTC().Format(time.RFC3339)}, 201)
		if sla := c2["sla"].(map[string]any); sla["status"] != "breached" {
			t.Fatalf("a case opened 2h ago with a 1h first response: sla = %v", sla)
		}
		// With a live case at the location, the re-evaluation is queued, not done in the request.
		if set := f.call(fresco.RoleManager, "PUT", policyPath, policy, 200); set["recompute"] != "queued" {
			t.Errorf("policy set with a live case = %v, want recompute queued", set)
		}
		breaching := f.call(fresco.RoleAnalyst, "GET", "/api/v1/cases?view=breaching", nil, 200)["items"].([]any)
		if len(breaching) != 1 || id(t, breaching[0].(map[string]any)) != id(t, c2) {
			t.Fatalf("breaching inbox = %v", breaching)
		}
		report := f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/recovery", nil, 200)
		if report["cases"] != float64(2) || report["sla_tracked"] != float64(1) {
			t.Errorf("report = %v", report)
		}
		problem(t, f.do(request{method: "PUT", path: "/api/v1/authority-limits", role: fresco.RoleManager,
			body: map[string]any{"role": "manager", "kind": "*", "amount": nil}}), 403)
	})
}

// TestResurveyAPIComparesWithEarlierScore: completing a re-survey with only
// the new score stores the customer's NPS from before the case for
// comparison; a previous_score in the body still wins.
func TestResurveyAPIComparesWithEarlierScore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		before := time.Now().Add(-24 * time.Hour).UTC().Format(time.RFC3339)
		f.call(fresco.RoleAgent, "POST", "/api/v1/responses", map[string]any{"customer_id": s.customer, "listening_post": "satisfaction_card",
			"responded_at": before, "answers": []any{map[string]any{"type": "nps", "score": 3}}}, 201)
		caseID := id(t, f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "cold soup"}, 201))
		complete := func(body map[string]any) map[string]any {
			t.Helper()
			task := f.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/cases/%d/tasks", caseID),
				map[string]any{"kind": "resurvey", "due_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, 201)
			done := f.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/tasks/%d/complete", id(t, task)), body, 200)
			return done["result"].(map[string]any)
		}
		if got := complete(map[string]any{"score": 9}); fmt.Sprint(got) != "map[change:6 previous_score:3 score:9]" {
			t.Errorf("result with the score looked up = %v", got)
		}
		if got := complete(map[string]any{"score": 9, "previous_score": 5}); fmt.Sprint(got) != "map[change:4 previous_score:5 score:9]" {
			t.Errorf("result with the score passed in = %v", got)
		}
	})
}

func TestCaseAPIForbidsAnalystWrites(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	s := seedAll(t, f)
	res := f.do(request{method: "POST", path: "/api/v1/cases", role: fresco.RoleAnalyst,
		body: map[string]any{"customer_id": s.customer, "summary": "x"}})
	problem(t, res, http.StatusForbidden)
}

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
		resolved := act("/resolve", loaded, map[string]any{"resolution": "a hot one"})
		if resolved.Code != 200 {
			t.Fatalf("resolve with the current ETag = %s", resolved)
		}
		now, after := read()
		if now == loaded || after <= events || resolved.Header.Get("ETag") != now {
			t.Fatalf("after resolving: ETag %q (was %q, the answer's %q), %d events (was %d)",
				now, loaded, resolved.Header.Get("ETag"), after, events)
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
		// A case that does not exist is not found, whatever the If-Match.
		for _, tag := range []string{"garbage", now} {
			res := f.do(request{method: "POST", path: "/api/v1/cases/999999/notes", cookie: sam, body: map[string]any{"text": "x"},
				header: http.Header{"If-Match": {tag}}})
			problem(t, res, http.StatusNotFound)
		}
		// No If-Match, or "*": as before, and the answer's ETag is the case's.
		for _, tag := range []string{"", "*"} {
			res := act("/notes", tag, map[string]any{"text": "noted"})
			if current, _ := read(); res.Code != 200 || res.Header.Get("ETag") != current {
				t.Errorf("note with If-Match %q = %s, ETag %q, want 200 with %s", tag, res, res.Header.Get("ETag"), current)
			}
		}
		// With a list, the newest of its ETags counts.
		tag, _ := read()
		if res := act("/notes", loaded+", "+tag, map[string]any{"text": "listed"}); res.Code != 200 {
			t.Errorf("note with If-Match %s, %s = %s", loaded, tag, res)
		}
	})
}
