package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestListeningPostsManaged: create (the contract), edit, the
// checklist with its evidence, retire.
func TestListeningPostsManaged(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		created := w.call(fresco.RoleManager, "POST", "/api/v1/listening-posts", `{"slug":"sales-reps","name":"Sales representatives","solicited":false}`, 201)
		if created["slug"] != "sales-reps" || created["name"] != "Sales representatives" || created["solicited"] != false || created["active"] != true {
			t.Fatalf("created %v", created)
		}
		patched := w.call(fresco.RoleManager, "PATCH", "/api/v1/listening-posts/sales-reps", map[string]any{
			"purpose": "Why do new customers come here?", "owner_employee_id": w.bob,
			"questions": []string{"How did you hear about us?"}, "checklist": map[string]string{"timing": "Ask at the order, not a week later"}}, 200)
		if !slices.Equal(slices.Sorted(maps.Keys(created)), slices.Sorted(maps.Keys(patched))) {
			t.Errorf("POST fields %v, PATCH fields %v", slices.Sorted(maps.Keys(created)), slices.Sorted(maps.Keys(patched)))
		}
		if patched["owner_employee_id"] != float64(w.bob) || fmt.Sprint(patched["questions"]) != "[How did you hear about us?]" {
			t.Errorf("patched %v", patched)
		}
		// The checklist: the seed's six steps, timing ticked, with evidence.
		got := w.call(fresco.RoleAnalyst, "GET", "/api/v1/listening-posts/sales-reps", nil, 200)
		steps := got["checklist"].([]any)
		if len(steps) != 6 {
			t.Fatalf("checklist %v", steps)
		}
		for _, s := range steps {
			step := s.(map[string]any)
			switch step["key"] {
			case "timing":
				if step["done"] != true || step["note"] != "Ask at the order, not a week later" || !strings.Contains(step["evidence"].(string), "lag is unknown") {
					t.Errorf("timing %v", step)
				}
			case "want_to_know":
				if step["done"] != false || !strings.Contains(step["evidence"].(string), "Why do new customers come here?") {
					t.Errorf("want_to_know %v", step)
				}
			case "review":
				if !strings.HasPrefix(step["evidence"].(string), "0 responses") {
					t.Errorf("review %v", step)
				}
			}
		}
		// Feedback until retirement; none after; the history stays.
		w.call(fresco.RoleAgent, "POST", "/api/v1/responses", fmt.Sprintf(`{"customer_id":%d,"listening_post":"sales-reps","answers":[{"type":"nps","score":9}]}`, w.customer), 201)
		retired := w.call(fresco.RoleManager, "PATCH", "/api/v1/listening-posts/sales-reps", `{"retired":true}`, 200)
		if retired["retired_at"] == nil || retired["active"] != false {
			t.Fatalf("retired %v", retired)
		}
		res := w.do(request{method: "POST", path: "/api/v1/responses", role: fresco.RoleAgent,
			body: fmt.Sprintf(`{"customer_id":%d,"listening_post":"sales-reps","answers":[{"type":"nps","score":9}]}`, w.customer)})
		if p := problem(t, res, 422); !strings.Contains(p["body.listening_post"], "retired") {
			t.Errorf("feedback to a retired post: %v", p)
		}
		w.call(fresco.RoleAgent, "POST", "/api/v1/responses", fmt.Sprintf(`{"customer_id":%d,"listening_post":"sales-reps","responded_at":%q,"answers":[{"type":"nps","score":7}]}`,
			w.customer, time.Now().Add(-48*time.Hour).Format(time.RFC3339)), 201)
		after := w.call(fresco.RoleAnalyst, "GET", "/api/v1/listening-posts/sales-reps", nil, 200)
		if after["responses"] != 2.0 {
			t.Errorf("history of the retired post: %v", after["responses"])
		}
		// Bad input names the field.
		for _, bad := range []struct{ method, path, body, field string }{
			{"POST", "/api/v1/listening-posts", `{"slug":"Sales Reps","name":"x"}`, "slug"},
			{"POST", "/api/v1/listening-posts", `{"slug":"new-one","name":""}`, "name"},
			{"POST", "/api/v1/listening-posts", `{"slug":"other","name":"x","owner_employee_id":999999}`, "owner_employee_id"},
			{"PATCH", "/api/v1/listening-posts/sales-reps", `{"checklist":{"vibes":"x"}}`, "checklist"},
		} {
			res := w.do(request{method: bad.method, path: bad.path, role: fresco.RoleManager, body: bad.body})
			if p := problem(t, res, 422); !strings.Contains(fmt.Sprint(p), bad.field) {
				t.Errorf("%s: %v", bad.body, p)
			}
		}
		problem(t, w.do(request{method: "POST", path: "/api/v1/listening-posts", role: fresco.RoleManager,
			body: `{"slug":"sales-reps","name":"Again"}`}), 409)
	})
}

// TestRecoverySources counts closed cases by source, category and month,
// and the links open exactly the cases behind each count.
func TestRecoverySources(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		ctx := context.Background()
		now := time.Now().UTC()
		lastMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
		closeCase := func(source, category string, at *time.Time) int64 {
			c := f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "cold soup", "expectation": "a hot one"}, 201)
			id := id(t, c)
			f.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/cases/%d/close", id), map[string]any{
				"root_cause_category": category, "root_cause_source": source, "resolution": "new soup"}, 200)
			if at != nil {
				if _, err := db.Exec(ctx, `UPDATE recovery_cases SET closed_at = ? WHERE id = ?`, *at, id); err != nil {
					t.Fatal(err)
				}
			}
			return id
		}
		trainingKitchen := closeCase("training", "kitchen", nil)
		closeCase("training", "kitchen", &lastMonth)
		closeCase("training", "front desk", nil)
		closeCase("latitude", "kitchen", nil)
		f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "open", "expectation": "x"}, 201)

		from := lastMonth.Format(time.DateOnly)
		r := f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/recovery-sources?from="+from, nil, 200)
		if r["total"] != 4.0 {
			t.Fatalf("total %v", r)
		}
		var training map[string]any
		for _, x := range r["sources"].([]any) {
			src := x.(map[string]any)
			switch src["key"] {
			case "training":
				training = src
			case "latitude":
				if src["count"] != 1.0 {
					t.Errorf("latitude %v", src)
				}
			case "selection", "support_systems", "recognition", "none":
				if src["count"] != 0.0 {
					t.Errorf("%v", src)
				}
			default:
				t.Errorf("unexpected source %v", src)
			}
		}
		if training["count"] != 3.0 || training["share"] != 0.75 {
			t.Fatalf("training %v", training)
		}
		cats := training["categories"].([]any)
		kitchen := cats[0].(map[string]any)
		if kitchen["key"] != "kitchen" || kitchen["count"] != 2.0 || cats[1].(map[string]any)["count"] != 1.0 {
			t.Errorf("training's categories %v", cats)
		}
		months := r["months"].([]any)
		first, last := months[0].(map[string]any), months[len(months)-1].(map[string]any)
		if first["month"] != lastMonth.Format("2006-01") || first["by_source"].(map[string]any)["training"] != 1.0 ||
			last["by_source"].(map[string]any)["training"] != 2.0 || last["total"] != 3.0 {
			t.Errorf("months %v", months)
		}
		// The cases behind "training, kitchen": the link's filter through the API.
		link, err := url.Parse(kitchen["cases_url"].(string))
		if err != nil || link.Path != "/cases" {
			t.Fatalf("cases_url %v", kitchen["cases_url"])
		}
		q := link.Query()
		list := f.call(fresco.RoleAnalyst, "GET", "/api/v1/cases?status=closed&root_cause_source="+q.Get("root_cause_source")+
			"&root_cause_category="+url.QueryEscape(q.Get("root_cause_category"))+"&closed_from="+url.QueryEscape(q.Get("closed_from"))+
			"&closed_to="+url.QueryEscape(q.Get("closed_to")), nil, 200)
		if items := list["items"].([]any); len(items) != 2 {
			t.Errorf("cases behind training/kitchen: %v", items)
		}
		thisMonth := f.call(fresco.RoleAnalyst, "GET", "/api/v1/cases?root_cause_source=training&root_cause_category=kitchen&closed_from="+
			now.Format(time.DateOnly), nil, 200)["items"].([]any)
		if len(thisMonth) != 1 || id(t, thisMonth[0].(map[string]any)) != trainingKitchen {
			t.Errorf("this month's training/kitchen: %v", thisMonth)
		}
		problem(t, f.do(request{method: "GET", path: "/api/v1/reports/recovery-sources?from=2025-02-30", role: fresco.RoleAnalyst}), 422)
	})
}
