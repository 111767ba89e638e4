package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// processMapBody is a small map: two lanes, three activities, two arrows.
const processMapBody = `{"name":"Complaint to resolution","time_unit":"hours",
	"lanes":[{"key":"desk","name":"Front desk","customer_facing":true},{"key":"office","name":"Back office"}],
	"activities":[{"key":"opened","name":"Case opened","lane":"desk","duration":10,"duration_unit":"minutes"},
		{"key":"handed","name":"Handed over","lane":"office","duration":1,"duration_unit":"days","position":{"x":1,"y":0}},
		{"key":"resolved","name":"Resolved","lane":"desk","duration":30,"duration_unit":"minutes","position":{"x":26,"y":0}}],
	"arrows":[{"key":"a1","from":"opened","to":"handed"},{"key":"a2","from":"handed","to":"resolved","label":"fixed"}]}`

// processMapsMatrix: owners and managers draw maps and mark fail points;
// everyone reads them (agents too: they work in the lanes). Least
// powerful first, so the manager's create is map 1 and its fail point 1.
func processMapsMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	body := func(format string) func(fresco.Role) any {
		return func(r fresco.Role) any { return fmt.Sprintf(format, r) }
	}
	return []endpoint{
		{"POST", "/api/v1/process-maps", fixed(processMapBody), 201, managers},
		{"GET", "/api/v1/process-maps", none, 200, everyone},
		{"GET", "/api/v1/process-maps/1", none, 200, everyone},
		{"PATCH", "/api/v1/process-maps/1", body(`{"description":"as changed by %s"}`), 200, managers},
		{"PATCH", "/api/v1/process-maps", body(`{"id":1,"description":"as changed through the collection by %s"}`), 200, managers},
		{"GET", "/api/v1/process-maps/1/versions", none, 200, everyone},
		{"POST", "/api/v1/process-maps/1/fail-points", fixed(`{"activity":"handed","kind":"lost_time","influence":"responsiveness"}`), 201, managers},
		{"GET", "/api/v1/process-maps/1/fail-points", none, 200, everyone},
		{"PATCH", "/api/v1/process-maps/1/fail-points/1", body(`{"note":"seen by %s"}`), 200, managers},
		{"DELETE", "/api/v1/process-maps/1/fail-points/999999", none, 404, managers},
		{"GET", "/api/v1/process-maps/1/mined", none, 200, logReaders},
		{"GET", "/api/v1/process-maps/1/conformance?log=own&from=2024-01-01", none, 200, logReaders},
		{"GET", "/api/v1/process-maps/1/conformance?log=999999", none, 404, logReaders},
	}
}

// TestProcessMapsAPI: every bad field named with 422 and nothing stored;
// versions with If-Match; fail points; the customer's view and the flow.
func TestProcessMapsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		for _, tc := range []struct{ edit, field string }{
			{`"name":"Complaint to resolution"|"name":""`, "name"},
			{`"time_unit":"hours"|"time_unit":"weeks"`, "time_unit"},
			{`"name":"Back office"|"name":" "`, "lanes[1].name"},
			{`"lane":"office"|"lane":"kitchen"`, "activities[1].lane"},
			{`"duration":1,|"duration":-1,`, "activities[1].duration"},
			{`"duration_unit":"days"|"duration_unit":"weeks"`, "activities[1].duration_unit"},
			{`"position":{"x":26|"position":{"x":-26`, "activities[2].position.x"},
			{`"to":"resolved"|"to":"nowhere"`, "arrows[1].to"},
			{`"from":"opened"|"from":"ghost"`, "arrows[0].from"},
		} {
			old, repl, _ := strings.Cut(tc.edit, "|")
			res := f.do(request{method: "POST", path: "/api/v1/process-maps", role: fresco.RoleOwner, body: strings.Replace(processMapBody, old, repl, 1)})
			if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body."+tc.field] == "" {
				t.Errorf("%s: fields %v, want %s named", tc.edit, fields, tc.field)
			}
		}
		if list := f.call(fresco.RoleOwner, "GET", "/api/v1/process-maps", nil, 200); len(list["items"].([]any)) != 0 {
			t.Fatalf("bad maps were stored: %v", list)
		}
		res := f.do(request{method: "POST", path: "/api/v1/process-maps", role: fresco.RoleManager, body: processMapBody})
		if res.Code != 201 || res.Header.Get("ETag") != `"1"` || !strings.HasPrefix(res.Header.Get("Location"), "/api/v1/process-maps/") {
			t.Fatalf("create: %s %v", res, res.Header)
		}
		m := res.JSON(t)
		path := fmt.Sprintf("/api/v1/process-maps/%d", id(t, m))
		got := f.call(fresco.RoleAgent, "GET", path, nil, 200)
		cv := got["customer_view"].(map[string]any)
		if cv["wait_minutes"] != 10.0+1440+30 || cv["hidden_activities"] != 1.0 || len(cv["lanes"].([]any)) != 1 {
			t.Errorf("customer view %v", cv)
		}
		flow := got["flow"].(map[string]any)
		if fmt.Sprint(flow["arcs"]) != "[[Case opened Handed over] [Handed over Resolved]]" || fmt.Sprint(flow["start_activities"]) != "[Case opened]" {
			t.Errorf("flow %v", flow)
		}
		if acts := got["activities"].([]any); acts[2].(map[string]any)["number"] != 3.0 {
			t.Errorf("numbers: %v", acts)
		}
		// A change at a stale version: 412, nothing written.
		res = f.do(request{method: "PATCH", path: path, role: fresco.RoleOwner, body: `{"name":"Renamed"}`, header: http.Header{"If-Match": {`"7"`}}})
		if fields := problem(t, res, http.StatusPreconditionFailed); fields["header.If-Match"] == "" {
			t.Errorf("stale If-Match: %v", fields)
		}
		// A dangling arrow in a change: 422 naming it.
		res = f.do(request{method: "PATCH", path: path, role: fresco.RoleOwner, header: http.Header{"If-Match": {`"1"`}},
			body: `{"arrows":[{"from":"opened","to":"gone"}]}`})
		if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body.arrows[0].to"] == "" {
			t.Errorf("dangling arrow: %v", fields)
		}
		res = f.do(request{method: "PATCH", path: path, role: fresco.RoleOwner, header: http.Header{"If-Match": {`"1"`}},
			body: `{"name":"Complaint handling","lanes":[{"key":"desk","name":"Front desk","customer_facing":true},{"key":"office","name":"Back office","customer_facing":true}]}`})
		if res.Code != 200 || res.Header.Get("ETag") != `"2"` {
			t.Fatalf("patch: %s", res)
		}
		// The same change addressed to the collection, with the id in the body.
		res = f.do(request{method: "PATCH", path: "/api/v1/process-maps", role: fresco.RoleOwner, header: http.Header{"If-Match": {`"1"`}},
			body: fmt.Sprintf(`{"id":%d,"description":"late"}`, id(t, m))})
		if fields := problem(t, res, http.StatusPreconditionFailed); fields["header.If-Match"] == "" {
			t.Errorf("stale If-Match through the collection: %v", fields)
		}
		res = f.do(request{method: "PATCH", path: "/api/v1/process-maps", role: fresco.RoleOwner, body: `{"id":424242,"description":"x"}`})
		problem(t, res, http.StatusNotFound)
		vs := f.call(fresco.RoleAnalyst, "GET", path+"/versions", nil, 200)["items"].([]any)
		if len(vs) != 2 {
			t.Fatalf("versions %v", vs)
		}
		v2 := vs[0].(map[string]any)
		if v2["version"] != 2.0 || !strings.Contains(fmt.Sprint(v2["changes"]), `made lane "Back office" customer-facing`) ||
			!strings.Contains(fmt.Sprint(v2["changes"]), "renamed the map") || v2["changed_by"] != "token:"+tokenID(t, f, fresco.RoleOwner) {
			t.Errorf("version 2: %v", v2)
		}
		if v1 := vs[1].(map[string]any)["map"].(map[string]any); v1["name"] != "Complaint to resolution" {
			t.Errorf("version 1's map: %v", v1)
		}
		// Fail points: bad ones named, a good one on an arrow, its status changed.
		for _, tc := range []struct{ body, field string }{
			{`{"kind":"lost_time","influence":"empathy"}`, "activity"},
			{`{"arrow":"a9","kind":"lost_time","influence":"empathy"}`, "arrow"},
			{`{"activity":"handed","kind":"slow","influence":"empathy"}`, "kind"},
			{`{"activity":"handed","kind":"other","influence":"speed"}`, "influence"},
			{`{"activity":"handed","kind":"other","influence":"empathy","case_ids":[987654]}`, "case_ids"},
			{`{"activity":"handed","kind":"other","influence":"empathy","owner_id":987654}`, "owner_id"},
		} {
			res := f.do(request{method: "POST", path: path + "/fail-points", role: fresco.RoleOwner, body: tc.body})
			if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body."+tc.field] == "" {
				t.Errorf("%s: fields %v, want %s named", tc.body, fields, tc.field)
			}
		}
		fp := f.call(fresco.RoleOwner, "POST", path+"/fail-points",
			fmt.Sprintf(`{"arrow":"a1","kind":"lost_time","influence":"responsiveness","note":"a day in the office's tray","owner_id":%d}`, s.employee), 201)
		fpPath := fmt.Sprintf("%s/fail-points/%d", path, id(t, fp))
		res = f.do(request{method: "PATCH", path: fpPath, role: fresco.RoleOwner, body: `{"status":"fixed"}`, header: http.Header{"If-Match": {`"2"`}}})
		problem(t, res, http.StatusPreconditionFailed)
		if changed := f.call(fresco.RoleOwner, "PATCH", fpPath, `{"status":"in_progress"}`, 200); changed["status"] != "in_progress" || changed["version"] != 2.0 {
			t.Errorf("fail point changed: %v", changed)
		}
		// The arrow it is on cannot go.
		res = f.do(request{method: "PATCH", path: path, role: fresco.RoleOwner, body: `{"arrows":[]}`})
		if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body.arrows"] == "" {
			t.Errorf("dropping a marked arrow: %v", fields)
		}
		if got := f.call(fresco.RoleAgent, "GET", path, nil, 200); len(got["fail_points"].([]any)) != 1 || len(got["arrows"].([]any)) != 2 {
			t.Errorf("after: %v", got)
		}
		// The real process on it: a bad log or period named; an empty one mined.
		for q, field := range map[string]string{"log=x": "query.log", "from=2024-02-30": "query.from", "from=2024-03-02&to=2024-03-01": "query.to"} {
			for _, what := range []string{"/mined?", "/conformance?"} {
				res := f.do(request{method: "GET", path: path + what + q, role: fresco.RoleAnalyst})
				if fields := problem(t, res, http.StatusUnprocessableEntity); fields[field] == "" {
					t.Errorf("%s%s: %v, want %s named", what, q, fields, field)
				}
			}
		}
		mined := f.call(fresco.RoleAnalyst, "GET", path+"/mined?log=own", nil, 200)
		if mined["log"] != "own" || len(mined["arrows"].([]any)) != 2 || mined["arrows"].([]any)[0].(map[string]any)["taken"] != false {
			t.Errorf("mined: %v", mined)
		}
		conf := f.call(fresco.RoleAnalyst, "GET", path+"/conformance", nil, 200)
		if conf["fitness"] != 1.0 || len(conf["deviations"].([]any)) != 0 {
			t.Errorf("conformance of no cases: %v", conf)
		}
		changed := f.call(fresco.RoleManager, "PATCH", "/api/v1/process-maps", fmt.Sprintf(`{"id":%d,"description":"through the collection"}`, id(t, m)), 200)
		if changed["description"] != "through the collection" || changed["version"] != 3.0 {
			t.Errorf("collection PATCH: %v", changed)
		}
	})
}
