package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// anticipateMatrix is the role matrix of preference notes and next best
// actions: everyone reads, writers write.
func anticipateMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	return []endpoint{
		{"POST", fmt.Sprintf("/api/v1/customers/%d/preferences", s.customer), fixed(`{"kind":"likes","text":"window table"}`), 201, writers},
		{"GET", fmt.Sprintf("/api/v1/customers/%d/preferences", s.customer), none, 200, everyone},
		{"GET", "/api/v1/preferences/1", none, 200, everyone},
		{"PATCH", "/api/v1/preferences/1", fixed(`{"text":"the window table, always"}`), 200, writers},
		{"DELETE", "/api/v1/preferences/999999", none, 404, writers},
		{"GET", fmt.Sprintf("/api/v1/customers/%d/next-actions", s.customer), none, 200, everyone},
		{"GET", "/api/v1/next-actions", none, 200, everyone},
		{"POST", fmt.Sprintf("/api/v1/next-actions/milestone/%d/dismiss", s.customer), none, 200, writers},
		{"POST", fmt.Sprintf("/api/v1/next-actions/promoter/%d/done", s.customer), none, 200, writers},
	}
}

// anticipateNow is the clock of the tests below: a Monday in June.
var anticipateNow = time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)

// clock is a settable clock for a fixture.
type clock struct{ at atomic.Int64 }

func newClock(t time.Time) *clock {
	c := &clock{}
	c.set(t)
	return c
}
func (c *clock) set(t time.Time)     { c.at.Store(t.UnixNano()) }
func (c *clock) Now() time.Time      { return time.Unix(0, c.at.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.set(c.Now().Add(d)) }

func anticipateFixture(t *testing.T, db *store.DB) (*fixture, *clock) {
	c := newClock(anticipateNow)
	return newFixture(t, db, func(cfg *app.Config) { cfg.Now = c.Now }), c
}

// TestPreferencesAPI: notes are recorded, validated field by field, kept
// from roles the owner has not allowed when sensitive, expire, change
// under If-Match, are audited without their words, and go with the
// customer's export and erasure.
func TestPreferencesAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, clk := anticipateFixture(t, db)
		s := seedAll(t, f)
		notes := fmt.Sprintf("/api/v1/customers/%d/preferences", s.customer)

		for _, tc := range []struct{ body, field string }{
			{`{"kind":"hobbies","text":"x"}`, "kind"},
			{`{"kind":"likes","text":"  "}`, "text"},
			{`{"kind":"likes","text":"` + strings.Repeat("a", 1001) + `"}`, "text"},
			{`{"kind":"likes","text":"x","source":"rumour"}`, "source"},
			{`{"kind":"dietary","text":"nuts","sensitive":true}`, "sensitive_category"},
			{`{"kind":"dietary","text":"nuts","sensitive":true,"sensitive_category":"gossip"}`, "sensitive_category"},
			{`{"kind":"likes","text":"x","sensitive_category":"health"}`, "sensitive_category"},
			{`{"kind":"likes","text":"x","expires_on":"2026-06-14"}`, "expires_on"},
			{`{"kind":"likes","text":"x","expires_on":"next week"}`, "expires_on"},
		} {
			res := f.do(request{method: "POST", path: notes, role: fresco.RoleAgent, body: tc.body})
			if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body."+tc.field] == "" {
				t.Errorf("%s: fields %v, want %s named", tc.body, fields, tc.field)
			}
		}
		f.call(fresco.RoleAgent, "POST", "/api/v1/customers/999999/preferences", `{"kind":"likes","text":"x"}`, 404)
		if list := f.call(fresco.RoleOwner, "GET", notes, nil, 200); len(list["items"].([]any)) != 0 {
			t.Fatalf("bad notes were stored: %v", list)
		}

		window := f.call(fresco.RoleAgent, "POST", notes, map[string]any{"kind": "likes", "text": "Prefers the window table", "source": "observed"}, 201)
		if window["source"] != "observed" || window["current"] != true || window["expires_on"] != nil || window["sensitive"] != false {
			t.Errorf("created = %v", window)
		}
		timing := f.call(fresco.RoleAgent, "POST", notes, map[string]any{"kind": "timing", "text": "Don't call before 10", "expires_on": "2026-06-16"}, 201)
		if timing["source"] != "told_us" || timing["expires_on"] != "2026-06-16" {
			t.Errorf("created = %v", timing)
		}
		nuts := f.call(fresco.RoleOwner, "POST", notes, map[string]any{"kind": "dietary", "text": "Allergic to nuts", "sensitive": true, "sensitive_category": "health"}, 201)

		// Sensitive: owners and managers by default; agents and analysts see a count.
		texts := func(role fresco.Role, query string) ([]string, float64) {
			t.Helper()
			list := f.call(role, "GET", notes+query, nil, 200)
			var out []string
			for _, n := range list["items"].([]any) {
				out = append(out, n.(map[string]any)["text"].(string))
			}
			return out, list["hidden_sensitive"].(float64)
		}
		for role, want := range map[fresco.Role]string{
			fresco.RoleOwner: "[Prefers the window table Don't call before 10 Allergic to nuts] 0", fresco.RoleManager: "[Prefers the window table Don't call before 10 Allergic to nuts] 0",
			fresco.RoleAgent: "[Prefers the window table Don't call before 10] 1", fresco.RoleAnalyst: "[Prefers the window table Don't call before 10] 1",
		} {
			if got, hidden := texts(role, ""); fmt.Sprint(got, " ", hidden) != want {
				t.Errorf("%s sees %v (%v hidden), want %s", role, got, hidden, want)
			}
		}
		nutsPath := fmt.Sprintf("/api/v1/preferences/%d", id(t, nuts))
		f.call(fresco.RoleAgent, "GET", nutsPath, nil, 404)
		f.call(fresco.RoleAgent, "PATCH", nutsPath, `{"text":"peanuts"}`, 404)
		f.call(fresco.RoleAgent, "DELETE", nutsPath, nil, 404)
		f.call(fresco.RoleManager, "GET", nutsPath, nil, 200)
		// The owner lets agents see them.
		set := f.call(fresco.RoleOwner, "PUT", "/api/v1/settings", `{"business_name":"Fresco","currency":{"code":"USD","symbol":"$","decimals":2},"time_zone":"UTC","locale":"en-GB","business_hours":{"monday":[{"start":"09:00","end":"17:00"}]},"sensitive_note_roles":["agent"]}`, 200)
		if fmt.Sprint(set["sensitive_note_roles"]) != "[owner agent]" {
			t.Errorf("sensitive_note_roles = %v, want [owner agent] (owners always)", set["sensitive_note_roles"])
		}
		if got, hidden := texts(fresco.RoleAgent, ""); len(got) != 3 || hidden != 0 {
			t.Errorf("agent allowed sees %v (%v hidden)", got, hidden)
		}
		if got, hidden := texts(fresco.RoleManager, ""); len(got) != 2 || hidden != 1 {
			t.Errorf("manager no longer allowed sees %v (%v hidden)", got, hidden)
		}
		res := f.do(request{method: "PUT", path: "/api/v1/settings", role: fresco.RoleOwner, body: `{"business_name":"Fresco","currency":{"code":"USD","symbol":"$","decimals":2},"time_zone":"UTC","locale":"en-GB","business_hours":{"monday":[{"start":"09:00","end":"17:00"}]},"sensitive_note_roles":["cashier"]}`})
		if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body.sensitive_note_roles[0]"] == "" {
			t.Errorf("a bad role: fields %v", fields)
		}

		// Expiry: the timing note holds through the 16th, not after.
		clk.add(48 * time.Hour)
		if got, _ := texts(fresco.RoleOwner, "?current=true"); fmt.Sprint(got) != "[Prefers the window table Allergic to nuts]" {
			t.Errorf("current on the 17th = %v", got)
		}
		if got, _ := texts(fresco.RoleOwner, ""); len(got) != 3 {
			t.Errorf("all on the 17th = %v", got)
		}

		// A change under If-Match; a stale one is refused.
		wpath := fmt.Sprintf("/api/v1/preferences/%d", id(t, window))
		res = f.do(request{method: "PATCH", path: wpath, role: fresco.RoleAgent, body: `{"text":"Window table, facing the street"}`, header: http.Header{"If-Match": {`"1"`}}})
		if res.Code != 200 || res.JSON(t)["version"] != float64(2) {
			t.Fatalf("patch = %s", res)
		}
		res = f.do(request{method: "PATCH", path: wpath, role: fresco.RoleAgent, body: `{"text":"lost update"}`, header: http.Header{"If-Match": {`"1"`}}})
		problem(t, res, http.StatusPreconditionFailed)
		res = f.do(request{method: "PATCH", path: wpath, role: fresco.RoleAgent, body: `{"kind":"hobbies"}`})
		if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body.kind"] == "" {
			t.Errorf("bad patch: fields %v", fields)
		}

		// Audited, without the words.
		audit := f.call(fresco.RoleOwner, "GET", "/api/v1/audit?entity=customer_preference", nil, 200)
		body := fmt.Sprint(audit)
		if !strings.Contains(body, "preference.created") || !strings.Contains(body, "preference.updated") || strings.Contains(body, "nuts") || strings.Contains(body, "window") {
			t.Errorf("audit = %s", body)
		}

		// The customer's export holds the notes; erasure removes them.
		export := f.call(fresco.RoleManager, "GET", fmt.Sprintf("/api/v1/customers/%d/export", s.customer), nil, 200)
		if got := fmt.Sprint(export); !strings.Contains(got, "Allergic to nuts") || !strings.Contains(got, "Window table, facing the street") {
			t.Errorf("export has no notes: %.400s", got)
		}
		f.call(fresco.RoleAgent, "DELETE", fmt.Sprintf("/api/v1/preferences/%d", id(t, timing)), nil, 204)
		f.call(fresco.RoleAgent, "GET", fmt.Sprintf("/api/v1/preferences/%d", id(t, timing)), nil, 404)
		f.call(fresco.RoleOwner, "DELETE", fmt.Sprintf("/api/v1/customers/%d", s.customer), nil, 200)
		if list := f.call(fresco.RoleOwner, "GET", notes, nil, 200); len(list["items"].([]any)) != 0 {
			t.Errorf("notes after erasure: %v", list)
		}
	})
}

// actionsWorld is one customer per kind of next best action, with known
// dates around anticipateNow.
type actionsWorld struct {
	regular, refill, tenth, anniversary, promoter, returning, quiet int64
}

func buildActionsWorld(t *testing.T, f *fixture) actionsWorld {
	t.Helper()
	ctx := context.Background()
	var w actionsWorld
	customer := func(name string) int64 {
		c := &fresco.Customer{Name: name}
		if err := f.db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	for _, p := range []*fresco.Product{{SKU: "BEANS", Name: "Coffee beans", ListPrice: 1200}, {SKU: "TEA", Name: "Earl Grey tea", ListPrice: 800}} {
		if err := f.db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	buy := func(c int64, at time.Time, sku string) {
		t.Helper()
		n++
		p := &fresco.Purchase{ExternalID: fmt.Sprintf("aw-%d", n), CustomerID: &c, PurchasedAt: at,
			Lines: []fresco.PurchaseLine{{SKU: sku, Quantity: 1, UnitPrice: 1000}}}
		if err := f.db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }

	// Every 10 days from 1 Jan to 2 Mar, then nothing: rhythm broken.
	w.regular = customer("Ada Regular")
	for i := range 7 {
		buy(w.regular, day(1, 1).AddDate(0, 0, 10*i), fmt.Sprintf("R%d", i))
	}
	// Tea every 14 days, last on 1 Jun: due on the 15th.
	w.refill = customer("Rita Refill")
	for _, d := range []time.Time{day(5, 4), day(5, 18), day(6, 1)} {
		buy(w.refill, d, "TEA")
	}
	// A 10th visit on 10 Jun, all different things.
	w.tenth = customer("Tom Tenth")
	for i := range 10 {
		buy(w.tenth, day(6, 10).AddDate(0, 0, -3*(9-i)), fmt.Sprintf("T%d", i))
	}
	// First bought 12 Jun 2025: a year with us.
	w.anniversary = customer("Annie Year")
	buy(w.anniversary, time.Date(2025, 6, 12, 15, 0, 0, 0, time.UTC), "BEANS")
	// 10 out of 10 and has referred nobody.
	w.promoter = customer("Pat Promoter")
	f.call(fresco.RoleAgent, "POST", "/api/v1/responses", map[string]any{"customer_id": w.promoter, "listening_post": "satisfaction_card",
		"responded_at": "2026-06-01T09:00:00Z", "answers": []any{map[string]any{"type": "nps", "score": 10}}}, 201)
	// A case opened 1 Jun, still open; back on 5 Jun.
	owner := f.employee("anticipate-manager@example.com", fresco.RoleManager, "").ID
	w.returning = customer("Cass Returning")
	f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": w.returning, "summary": "Cold soup", "owner_id": owner,
		"opened_at": "2026-06-01T12:00:00Z"}, 201)
	buy(w.returning, day(6, 5), "BEANS")
	// Nothing worth doing: a promoter who has referred someone, a
	// regular still on rhythm.
	w.quiet = customer("Quinn Quiet")
	f.call(fresco.RoleAgent, "POST", "/api/v1/responses", map[string]any{"customer_id": w.quiet, "listening_post": "satisfaction_card",
		"responded_at": "2026-06-02T09:00:00Z", "answers": []any{map[string]any{"type": "nps", "score": 9}}}, 201)
	friend := &fresco.Customer{Name: "Friend of Quinn", ReferredBy: &w.quiet}
	if err := f.db.CreateCustomer(ctx, friend); err != nil {
		t.Fatal(err)
	}
	for _, d := range []time.Time{day(5, 20), day(5, 30), day(6, 9)} {
		buy(w.quiet, d, fmt.Sprintf("Q%d", d.Day()))
	}
	// The last refit said Ada has a 30% chance of still buying.
	err := f.db.ReplaceCustomerValues(ctx, []*fresco.CustomerValue{{CustomerID: w.regular, Purchases: 7, PAlive: 0.3, Segment: "at_risk",
		FirstPurchase: day(1, 1), LastPurchase: day(3, 2), ComputedAt: anticipateNow}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// TestNextActionsAPI: each kind of action for the customer it fits, with
// its reason and link, on the customer's list and across customers;
// dismissed or done, it stays away for the snooze period.
func TestNextActionsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, clk := anticipateFixture(t, db)
		w := buildActionsWorld(t, f)
		actions := func(customer int64) []map[string]any {
			t.Helper()
			var out []map[string]any
			for _, a := range f.call(fresco.RoleAgent, "GET", fmt.Sprintf("/api/v1/customers/%d/next-actions", customer), nil, 200)["items"].([]any) {
				out = append(out, a.(map[string]any))
			}
			return out
		}
		for _, tc := range []struct {
			customer           int64
			kind, reason, link string
		}{
			{w.regular, "rhythm_broken", "Came about every 10 days; nothing for 3 months (chance still buying 30%)", fmt.Sprintf("/feedback/ask?customer_id=%d", w.regular)},
			{w.refill, "replenishment", "Buys Earl Grey tea about every 2 weeks; last on 1 Jun 2026, due 15 Jun 2026", fmt.Sprintf("/feedback/ask?customer_id=%d", w.refill)},
			{w.tenth, "milestone", "Their 10th visit was on 10 Jun 2026: thank them", fmt.Sprintf("/feedback/ask?customer_id=%d", w.tenth)},
			{w.anniversary, "milestone", "A year with us on 12 Jun 2026 (first purchase 12 Jun 2025): thank them", ""},
			{w.promoter, "promoter", "Said 10 out of 10 they'd recommend us (1 Jun 2026) and hasn't referred anyone yet: ask them to", ""},
			{w.returning, "case_returning", "Their case “Cold soup” has been open since 1 Jun 2026, and they came back on 5 Jun 2026: put it right while they are here", "/cases/"},
		} {
			got := actions(tc.customer)
			if len(got) != 1 || got[0]["kind"] != tc.kind || got[0]["reason"] != tc.reason || !strings.HasPrefix(got[0]["link"].(string), tc.link) || got[0]["link_text"] == "" {
				t.Errorf("customer %d: actions %v, want one %s: %q", tc.customer, got, tc.kind, tc.reason)
			}
		}
		if got := actions(w.quiet); len(got) != 0 {
			t.Errorf("quiet customer: %v", got)
		}
		f.call(fresco.RoleAgent, "GET", "/api/v1/customers/999999/next-actions", nil, 404)

		// Across customers: every kind, the most pressing first; one kind.
		list := func(query string) []string {
			t.Helper()
			var out []string
			for _, a := range f.call(fresco.RoleAnalyst, "GET", "/api/v1/next-actions"+query, nil, 200)["items"].([]any) {
				m := a.(map[string]any)
				out = append(out, fmt.Sprintf("%s:%s", m["kind"], m["customer_name"]))
			}
			return out
		}
		want := "[case_returning:Cass Returning rhythm_broken:Ada Regular replenishment:Rita Refill promoter:Pat Promoter milestone:Annie Year milestone:Tom Tenth]"
		if got := list(""); fmt.Sprint(got) != want {
			t.Errorf("list = %v\nwant %s", got, want)
		}
		if got := list("?kind=milestone&limit=1"); fmt.Sprint(got) != "[milestone:Annie Year]" {
			t.Errorf("milestones, 1 = %v", got)
		}
		// A shorter page stops judging once its most pressing kinds fill
		// it (the facts of the kinds below are never read): it must still
		// be the head of the whole list, kind by kind and for every limit.
		for _, kind := range append([]string{""}, fresco.ActionKinds...) {
			full := list("?limit=200&kind=" + kind)
			if kind == "" && fmt.Sprint(full) != want {
				t.Errorf("list of 200 = %v\nwant %s", full, want)
			}
			for n := 1; n < len(full); n++ {
				if got := list(fmt.Sprintf("?limit=%d&kind=%s", n, kind)); fmt.Sprint(got) != fmt.Sprint(full[:n]) {
					t.Errorf("kind %q, limit %d = %v, want %v", kind, n, got, full[:n])
				}
			}
		}
		for _, q := range []string{"?kind=gossip", "?limit=500"} {
			res := f.do(request{method: "GET", path: "/api/v1/next-actions" + q, role: fresco.RoleAgent})
			problem(t, res, http.StatusUnprocessableEntity)
		}

		// Dismissed: gone for that kind and customer, for 90 days.
		mark := f.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/next-actions/rhythm_broken/%d/dismiss", w.regular), nil, 200)
		if mark["outcome"] != "dismissed" || mark["until"] != "2026-09-13T12:00:00Z" {
			t.Errorf("mark = %v", mark)
		}
		f.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/next-actions/promoter/%d/done", w.promoter), nil, 200)
		if got := actions(w.regular); len(got) != 0 {
			t.Errorf("dismissed still shown: %v", got)
		}
		if got := list(""); strings.Contains(fmt.Sprint(got), "Ada") || strings.Contains(fmt.Sprint(got), "Pat") {
			t.Errorf("list after dismiss/done = %v", got)
		}
		res := f.do(request{method: "POST", path: fmt.Sprintf("/api/v1/next-actions/gossip/%d/dismiss", w.regular), role: fresco.RoleAgent})
		if fields := problem(t, res, http.StatusUnprocessableEntity); fields["path.kind"] == "" {
			t.Errorf("bad kind: fields %v", fields)
		}
		f.call(fresco.RoleAgent, "POST", "/api/v1/next-actions/promoter/999999/done", nil, 404)
		audit := fmt.Sprint(f.call(fresco.RoleOwner, "GET", "/api/v1/audit?action=next_action.dismissed", nil, 200))
		if !strings.Contains(audit, "rhythm_broken") {
			t.Errorf("audit = %s", audit)
		}
		clk.add(89 * 24 * time.Hour)
		if got := actions(w.regular); len(got) != 0 {
			t.Errorf("dismissed shown again within 90 days: %v", got)
		}
		clk.add(2 * 24 * time.Hour)
		if got := actions(w.regular); len(got) != 1 || got[0]["kind"] != "rhythm_broken" {
			t.Errorf("after 90 days: %v, want rhythm_broken again", got)
		}
	})
}
