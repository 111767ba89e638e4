package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// logReaders read event logs: they name who did what (not agents).
var logReaders = []fresco.Role{fresco.RoleOwner, fresco.RoleManager, fresco.RoleAnalyst}

func eventLogsMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	file := func(fresco.Role) any { return "case,activity\nc1,A\n" }
	return []endpoint{
		// Allowed through, then refused for the format (TestEventLogsAPI imports).
		{"POST", "/api/v1/event-logs?name=m&format=json", file, 422, managers},
		{"GET", "/api/v1/event-logs", none, 200, logReaders},
		{"GET", "/api/v1/event-logs/999999", none, 404, logReaders},
		{"DELETE", "/api/v1/event-logs/999999", none, 404, managers},
		{"GET", "/api/v1/event-logs/own/dfg", none, 200, logReaders},
		{"GET", "/api/v1/event-logs/own/variants?top=3", none, 200, logReaders},
		{"GET", "/api/v1/event-logs/own/stats", none, 200, logReaders},
		{"GET", "/api/v1/event-logs/999999/dfg", none, 404, logReaders},
		{"GET", "/api/v1/event-logs/999999/variants", none, 404, logReaders},
		{"GET", "/api/v1/event-logs/999999/stats?where=location:Harbour", none, 404, logReaders},
	}
}

// TestEventLogsAPI: import raw and multipart, list, read, delete.
func TestEventLogsAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		raw := "Case ID,Act,When\nc1,Register,2025-01-06T08:00:00Z\nc1,Decide,2025-01-06T09:00:00Z\nc2,Register,2025-01-07T08:00:00Z\n"
		res := f.do(request{method: "POST", path: "/api/v1/event-logs?name=claims&format=csv&case=Case%20ID&activity=Act&time=When",
			role: fresco.RoleManager, body: raw, header: http.Header{"Content-Type": {"text/csv"}}})
		if res.Code != http.StatusCreated {
			t.Fatalf("import: %s", res)
		}
		l := res.JSON(t)
		if l["name"] != "claims" || l["format"] != "csv" || l["cases"] != 2.0 || l["events"] != 3.0 || l["activities"] != 2.0 ||
			l["start"] != "2025-01-06T08:00:00Z" || l["end"] != "2025-01-07T08:00:00Z" {
			t.Errorf("imported %v", l)
		}
		loc := res.Header.Get("Location")
		if loc != fmt.Sprintf("/api/v1/event-logs/%d", id(t, l)) {
			t.Errorf("Location %q", loc)
		}

		// A form upload: name and format from the file's name.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, _ := mw.CreateFormFile("file", "orders.csv")
		io.WriteString(fw, "case:concept:name,concept:name\no1,Pick\no1,Ship\n")
		mw.Close()
		res = f.do(request{method: "POST", path: "/api/v1/event-logs", role: fresco.RoleOwner, body: body.Bytes(),
			header: http.Header{"Content-Type": {mw.FormDataContentType()}}})
		if res.Code != http.StatusCreated {
			t.Fatalf("form import: %s", res)
		}
		if m := res.JSON(t); m["name"] != "orders.csv" || m["source"] != "orders.csv" || m["events"] != 2.0 {
			t.Errorf("form import = %v", m)
		}

		list := f.call(fresco.RoleAnalyst, "GET", "/api/v1/event-logs", nil, 200)["items"].([]any)
		if len(list) != 2 || list[0].(map[string]any)["name"] != "orders.csv" {
			t.Errorf("list = %v", list)
		}
		if got := f.call(fresco.RoleAnalyst, "GET", loc, nil, 200); got["name"] != "claims" || got["imported_by"] != "token:"+tokenID(t, f, fresco.RoleManager) {
			t.Errorf("get = %v", got)
		}
		f.call(fresco.RoleManager, "DELETE", loc, nil, http.StatusNoContent)
		f.call(fresco.RoleAnalyst, "GET", loc, nil, http.StatusNotFound)
	})
}

// tokenID is the id of the fixture's token for role, as the audit names it.
func tokenID(t *testing.T, f *fixture, role fresco.Role) string {
	t.Helper()
	who := f.call(role, "GET", "/api/v1/session", nil, 200)
	if tok, ok := who["token_id"].(float64); ok {
		return fmt.Sprint(int64(tok))
	}
	t.Fatalf("session has no token_id: %v", who)
	return ""
}

// TestEventLogsAPIRefusesBadInput: 422 naming the field or the line, 409 for
// a name taken, 413 past the size limit, and nothing half-written.
func TestEventLogsAPIRefusesBadInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		good := "case:concept:name,concept:name\nc1,A\n"
		csvHeader := http.Header{"Content-Type": {"text/csv"}}
		for _, tc := range []struct {
			path, body, field, says string
			header                  http.Header
		}{
			{"/api/v1/event-logs?format=csv", good, "body.name", "required", csvHeader},
			{"/api/v1/event-logs?name=x", good, "body.format", "required", csvHeader},
			{"/api/v1/event-logs?name=x&format=json", good, "body.format", "json", csvHeader},
			{"/api/v1/event-logs?name=x&format=csv&case=case&activity=activity", "case,activity\nc1,A\nc2,B\nc3,C,extra\n", "body", "line 4", csvHeader},
			{"/api/v1/event-logs?name=x&format=csv", "case,act\nc1,A\n", "body", "line 1", csvHeader},
			{"/api/v1/event-logs?name=x&format=csv&activity=act", "case:concept:name,act\nc1,A\nc1,\n", "body.cases[0].events[1].activity", "required", csvHeader},
			{"/api/v1/event-logs?name=x&format=csv&time=time", "case:concept:name,concept:name,time\nc1,A,yesterday\n", "body", "line 2", csvHeader},
			{"/api/v1/event-logs?name=x&format=csv", "case:concept:name,concept:name\n", "body", "no cases", csvHeader},
			{"/api/v1/event-logs?name=x&format=csv", "case:concept:name,concept:name\nc1,A\x00B\n", "body.cases[0].events[0].activity", "NUL", csvHeader},
			{"/api/v1/event-logs?name=x&format=xes", "<log><trace><event><string key=\"concept:name\" value=\"A\"/></event>\n<trace>", "body", "line 2", csvHeader},
			{"/api/v1/event-logs?name=x&format=csv", "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nv\r\n--b--\r\n", "body", "no file",
				http.Header{"Content-Type": {"multipart/form-data; boundary=b"}}},
		} {
			res := f.do(request{method: "POST", path: tc.path, role: fresco.RoleOwner, body: tc.body, header: tc.header})
			if res.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s %q: %s, want 422", tc.path, tc.body, res)
				continue
			}
			fields := problem(t, res, http.StatusUnprocessableEntity)
			if !strings.Contains(fields[tc.field], tc.says) {
				t.Errorf("%s %q: fields %v, want %s saying %q", tc.path, tc.body, fields, tc.field, tc.says)
			}
		}
		f.call(fresco.RoleOwner, "POST", "/api/v1/event-logs?name=x&format=csv", good, http.StatusCreated)
		res := f.do(request{method: "POST", path: "/api/v1/event-logs?name=x&format=csv", role: fresco.RoleOwner, body: good})
		if fields := problem(t, res, http.StatusConflict); fields["body.name"] == "" {
			t.Errorf("second log named x: %v", fields)
		}
		big := append([]byte("case:concept:name,concept:name\n"), bytes.Repeat([]byte("c1,A\n"), (64<<20)/5+1)...)
		res = f.do(request{method: "POST", path: "/api/v1/event-logs?name=big&format=csv", role: fresco.RoleOwner, body: big})
		problem(t, res, http.StatusRequestEntityTooLarge)

		var logs, events int
		if err := db.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM event_logs), (SELECT COUNT(*) FROM event_log_events)`).
			Scan(&logs, &events); err != nil || logs != 1 || events != 1 {
			t.Errorf("stored %d logs, %d events (%v); want only the good one", logs, events, err)
		}
	})
}

// TestEventLogsMiningAPI: the DFG, variants and stats of an imported CSV,
// filtered by period and case attribute, with business-hours waits; bad
// filters are 422 naming the parameter.
func TestEventLogsMiningAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		raw := "case,activity,time,location\n" +
			"c1,Register,2025-01-06T08:00:00Z,Harbour\nc1,Decide,2025-01-06T09:00:00Z,Harbour\nc1,Pay,2025-01-06T12:00:00Z,Harbour\n" +
			"c2,Register,2025-01-07T08:00:00Z,Harbour\nc2,Decide,2025-01-07T08:30:00Z,Harbour\nc2,Pay,2025-01-07T09:00:00Z,Harbour\n" +
			"c3,Register,2025-02-03T08:00:00Z,Airport\nc3,Pay,2025-02-03T18:00:00Z,Airport\n"
		l := f.call(fresco.RoleManager, "POST", "/api/v1/event-logs?name=claims&format=csv&case=case&activity=activity&time=time", raw, http.StatusCreated)
		base := fmt.Sprintf("/api/v1/event-logs/%d", id(t, l))

		g := f.call(fresco.RoleAnalyst, "GET", base+"/dfg", nil, 200)
		arcs := g["arcs"].([]any)
		first := arcs[0].(map[string]any)
		// Register→Decide twice (waits 1h, 30m: median 45m), Decide→Pay twice, Register→Pay once.
		if len(arcs) != 3 || first["from"] != "Decide" || first["to"] != "Pay" || first["count"] != 2.0 {
			t.Errorf("arcs = %v", arcs)
		}
		for _, a := range arcs {
			a := a.(map[string]any)
			if a["from"] == "Register" && a["to"] == "Decide" && a["median_wait_s"] != 2700.0 {
				t.Errorf("Register→Decide median wait %v, want 2700", a["median_wait_s"])
			}
		}
		if g["start_activities"].(map[string]any)["Register"] != 3.0 || g["end_activities"].(map[string]any)["Pay"] != 3.0 {
			t.Errorf("start/end = %v %v", g["start_activities"], g["end_activities"])
		}

		v := f.call(fresco.RoleOwner, "GET", base+"/variants?top=1", nil, 200)
		vs := v["variants"].([]any)
		if v["cases"] != 3.0 || len(vs) != 1 || fmt.Sprint(vs[0].(map[string]any)["activities"]) != "[Register Decide Pay]" || vs[0].(map[string]any)["count"] != 2.0 {
			t.Errorf("variants = %v", v)
		}

		st := f.call(fresco.RoleAnalyst, "GET", base+"/stats?where=location:Airport", nil, 200)
		if st["cases"] != 1.0 || st["events"] != 2.0 || st["variants"] != 1.0 || st["median_throughput_s"] != 36000.0 {
			t.Errorf("stats at the airport = %v", st)
		}
		st = f.call(fresco.RoleAnalyst, "GET", base+"/stats?from=2025-01-07&to=2025-01-31", nil, 200)
		if st["cases"] != 1.0 || st["start"] != "2025-01-07T08:00:00Z" {
			t.Errorf("stats of 7–31 January = %v", st)
		}
		// Business hours 09:00–17:00: c3 waits 10h wall clock, 8h of business.
		g = f.call(fresco.RoleAnalyst, "GET", base+"/dfg?where=location:Airport&business_hours=09:00-17:00", nil, 200)
		if a := g["arcs"].([]any)[0].(map[string]any); a["median_wait_s"] != 36000.0 || a["business_median_wait_s"] != 28800.0 {
			t.Errorf("business-hours arc = %v", a)
		}

		for path, field := range map[string]string{
			base + "/dfg?where=location":             "where",
			base + "/dfg?business_hours=17:00-09:00": "business_hours",
			base + "/stats?from=yesterday":           "from",
			"/api/v1/event-logs/x/variants":          "id",
		} {
			res := f.do(request{method: "GET", path: path, role: fresco.RoleOwner})
			fields := problem(t, res, http.StatusUnprocessableEntity)
			if !hasFieldPrefix(fields, field) {
				t.Errorf("%s: fields %v, want %s", path, fields, field)
			}
		}
	})
}

func hasFieldPrefix(fields map[string]string, name string) bool {
	for k := range fields {
		if k == name || strings.HasSuffix(k, "."+name) {
			return true
		}
	}
	return false
}
