package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// feedbackMatrix is the role matrix of the feedback API (responses, metrics,
// listening posts, surveys, call tasks, categories and the classifier).
func feedbackMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	m := "/api/v1/metrics/"
	return append([]endpoint{
		{"GET", "/api/v1/responses", none, 200, everyone},
		{"POST", "/api/v1/responses", fixed(fmt.Sprintf(`{"customer_id":%d,"listening_post":"satisfaction_card","answers":[{"type":"nps","score":9}]}`, s.customer)), 201, writers},
		{"POST", "/api/v1/responses:import", fixed("nps,comment\n9,great\n"), 200, writers},
		{"GET", "/api/v1/responses/999999", none, 404, everyone},
		{"PUT", "/api/v1/responses/999999/categories", fixed(`{"categories":["feature-request"]}`), 404, writers},
		{"GET", m + "nps", none, 200, everyone},
		{"GET", m + "csat", none, 200, everyone},
		{"GET", m + "ces", none, 200, everyone},
		{"GET", m + "breakdown", none, 200, everyone},
		{"GET", m + "trend", none, 200, everyone},
		{"GET", m + "distribution", none, 200, everyone},
		{"GET", m + "drivers", none, 200, everyone},
		{"GET", "/api/v1/listening-posts", none, 200, everyone},
		{"PATCH", "/api/v1/listening-posts/999999", fixed(`{"used_for":"x"}`), 404, managers},
		{"POST", "/api/v1/listening-posts/999999/uses", fixed(`{"note":"x"}`), 404, writers},
		{"GET", "/api/v1/reports/acquisition", none, 200, everyone},
		{"GET", "/api/v1/surveys", none, 200, everyone},
		{"POST", "/api/v1/surveys", func(r fresco.Role) any {
			return fmt.Sprintf(`{"slug":"s-%s","name":"S","questions":[{"type":"nps"}]}`, r)
		}, 201, managers},
		{"GET", "/api/v1/surveys/999999", none, 404, everyone},
		{"PUT", "/api/v1/surveys/999999", fixed(`{"slug":"x","name":"S","questions":[{"type":"nps"}]}`), 404, managers},
		{"POST", "/api/v1/surveys/999999/invitations", fixed(`{}`), 404, writers},
		{"POST", "/api/v1/surveys/999999/copy", none, 404, managers},
		{"GET", "/api/v1/surveys/999999/translations", none, 404, everyone},
		{"PUT", "/api/v1/surveys/999999/translations/de", fixed(`{"name":"S"}`), 404, managers},
		{"POST", "/api/v1/surveys/999999/archive", none, 404, managers},
		{"POST", "/api/v1/surveys/999999/unarchive", none, 404, managers},
		{"GET", "/api/v1/call-tasks", none, 200, everyone},
		{"GET", "/api/v1/call-tasks/script", none, 200, everyone},
		{"POST", "/api/v1/call-tasks/999999/outcome", fixed(`{"status":"no_answer"}`), 404, writers},
		{"POST", "/api/v1/call-tasks:sweep", none, 200, managers},
		{"GET", "/api/v1/feedback/categories", none, 200, everyone},
		{"PUT", "/api/v1/feedback/categories", fixed(`{"categories":[{"slug":"price","name":"Price","keywords":["expensive"]},{"slug":"staff","name":"Staff"}]}`), 200, managers},
		{"GET", "/api/v1/feedback/classifier", none, 200, everyone},
		{"POST", "/api/v1/feedback/classifier:train", none, 409, managers},
		{"POST", "/api/v1/feedback/suggest", fixed(`{"comment":"too expensive"}`), 200, everyone},
		{"POST", "/api/v1/feedback/categories", func(r fresco.Role) any { return fmt.Sprintf(`{"slug":"new-%s","name":"New"}`, r) }, 201, managers},
		{"GET", "/api/v1/feedback/themes", none, 200, everyone},
		{"GET", "/api/v1/feedback/classifier/quality", none, 200, everyone},
		{"GET", "/api/v1/feedback/classifier/queue", none, 200, everyone},
		{"GET", "/api/v1/feedback/classifier/versions", none, 200, everyone},
		{"POST", "/api/v1/feedback/classifier/versions/9:rollback", none, 404, managers},
		{"POST", "/api/v1/feedback/classifier/versions/9", none, 422, managers}, // no ":rollback"
		{"POST", "/api/v1/feedback/classifier:retrain", none, 202, managers},
	}, invitationMatrix()...)
}

type fbWorld struct {
	*fixture
	customer, purchase, bob, loc int64
}

func newFBWorld(t *testing.T, db *store.DB) *fbWorld {
	t.Helper()
	f := newFixture(t, db)
	ctx := context.Background()
	loc := &fresco.Location{Name: "Quay"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	bob := &fresco.Employee{Email: "bob@example.com", Name: "Bob", Role: fresco.RoleAgent, LocationID: &loc.ID, Active: true}
	if err := db.CreateEmployee(ctx, bob); err != nil {
		t.Fatal(err)
	}
	c := &fresco.Customer{Name: "Ada", ConsentSurveys: true}
	if err := db.CreateCustomer(ctx, c); err != nil {
		t.Fatal(err)
	}
	p := &fresco.Purchase{ExternalID: "P1", CustomerID: &c.ID, ServedBy: &bob.ID, LocationID: &loc.ID, PurchasedAt: time.Now().Add(-72 * time.Hour),
		Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 1, UnitPrice: 5000}}}
	if err := db.CreatePurchase(ctx, p); err != nil {
		t.Fatal(err)
	}
	return &fbWorld{fixture: f, customer: c.ID, purchase: p.ID, bob: bob.ID, loc: loc.ID}
}

func TestFeedbackAPIContract(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		// The contract body from the issue.
		body := fmt.Sprintf(`{"customer_id":%d,"employee_id":%d,"purchase_id":%d,"listening_post":"survey","answers":[{"type":"nps","score":3}],"comment":"The room was filthy and the staff were rude. Terrible, awful stay."}`,
			w.customer, w.bob, w.purchase)
		r := w.call(fresco.RoleAgent, "POST", "/api/v1/responses", body, 201)
		if r["nps"].(float64) != 3 || r["listening_post"] != "survey" || r["location_id"].(float64) != float64(w.loc) ||
			r["sentiment_label"] != "negative" || r["flags"].(map[string]any)["detractor"] != true {
			t.Fatalf("response %v", r)
		}
		// Purchase optional.
		w.call(fresco.RoleAgent, "POST", "/api/v1/responses", fmt.Sprintf(`{"customer_id":%d,"employee_id":%d,"listening_post":"satisfaction_card","answers":[{"type":"nps","score":10},{"type":"csat","score":5}]}`, w.customer, w.bob), 201)
		// Validation names the fields.
		res := w.do(request{method: "POST", path: "/api/v1/responses", role: fresco.RoleAgent,
			body: `{"customer_id":424242,"listening_post":"pigeon","answers":[{"type":"nps","score":11},{"type":"process_quality","item":"speed","score":3}]}`})
		fields := problem(t, res, http.StatusUnprocessableEntity)
		for _, want := range []string{"body.answers[0].score", "body.answers[1].item"} {
			if fields[want] == "" {
				t.Errorf("no error for %s in %v", want, fields)
			}
		}
		res = w.do(request{method: "POST", path: "/api/v1/responses", role: fresco.RoleAgent,
			body: `{"customer_id":424242,"listening_post":"pigeon","answers":[{"type":"nps","score":1}]}`})
		if fields := problem(t, res, 422); fields["body.listening_post"] == "" {
			t.Errorf("unknown post: %v", fields)
		}
		res = w.do(request{method: "POST", path: "/api/v1/responses", role: fresco.RoleAgent,
			body: `{"customer_id":424242,"answers":[{"type":"nps","score":1}]}`})
		if fields := problem(t, res, 422); fields["body.customer_id"] == "" {
			t.Errorf("dangling customer: %v", fields)
		}
		// The NPS contract: 1 promoter, 1 detractor.
		n := w.call(fresco.RoleAnalyst, "GET", fmt.Sprintf("/api/v1/metrics/nps?employee=%d&location=%d&from=2000-01-01&to=2100-01-01", w.bob, w.loc), nil, 200)
		for _, k := range []string{"nps", "n", "promoters", "passives", "detractors", "ci_low", "ci_high"} {
			if _, ok := n[k]; !ok {
				t.Errorf("metrics/nps lacks %q: %v", k, n)
			}
		}
		if n["n"].(float64) != 2 || n["nps"].(float64) != 0 || n["promoters"].(float64) != 1 || n["ci_low"].(float64) >= 0 {
			t.Fatalf("nps %v", n)
		}
		res = w.do(request{method: "GET", path: "/api/v1/metrics/nps?from=yesterday", role: fresco.RoleAnalyst})
		if fields := problem(t, res, 422); fields["query.from"] == "" {
			t.Errorf("bad from: %v", fields)
		}
		b := w.call(fresco.RoleAnalyst, "GET", "/api/v1/metrics/breakdown?by=employee", nil, 200)
		g := b["groups"].([]any)[0].(map[string]any)
		if g["hidden"] != true || g["label"] != "Bob" || g["nps"] != nil || b["min_n"].(float64) != 30 {
			t.Fatalf("ranking below min n shows a score: %v", b)
		}
		tr := w.call(fresco.RoleAnalyst, "GET", "/api/v1/metrics/trend?period=week", nil, 200)
		if len(tr["points"].([]any)) != 1 {
			t.Fatalf("trend %v", tr)
		}
		d := w.call(fresco.RoleAnalyst, "GET", "/api/v1/metrics/distribution?scale=nps", nil, 200)
		if c := d["counts"].([]any); len(c) != 11 || c[3].(float64) != 1 || c[10].(float64) != 1 {
			t.Fatalf("distribution %v", d)
		}
		posts := w.call(fresco.RoleAnalyst, "GET", "/api/v1/listening-posts", nil, 200)["items"].([]any)
		sp := posts[1].(map[string]any)
		if len(posts) != 10 || sp["slug"] != "survey" || sp["responses"].(float64) != 1 || sp["median_hours_purchase_to_feedback"].(float64) < 71 {
			t.Fatalf("posts %v", sp)
		}
		w.call(fresco.RoleManager, "PATCH", "/api/v1/listening-posts/survey", `{"used_for":"Weekly NPS review"}`, 200)
		w.call(fresco.RoleAgent, "POST", "/api/v1/listening-posts/survey/uses", `{"note":"Fixed the heating in room 12"}`, 201)
		list := w.call(fresco.RoleAnalyst, "GET", "/api/v1/responses?post=survey", nil, 200)
		if items := list["items"].([]any); len(items) != 1 {
			t.Fatalf("list %v", list)
		}
		// Categories and suggestions.
		id := int64(r["id"].(float64))
		c := w.call(fresco.RoleAgent, "PUT", fmt.Sprintf("/api/v1/responses/%d/categories", id), `{"categories":["waiting-delivery"]}`, 200)
		if c["categories"].([]any)[0] != "waiting-delivery" {
			t.Fatalf("categories %v", c)
		}
		sg := w.call(fresco.RoleAnalyst, "POST", "/api/v1/feedback/suggest", `{"comment":"The delivery was late and the courier rude"}`, 200)
		if !strings.Contains(fmt.Sprint(sg["categories"]), "waiting-delivery") {
			t.Fatalf("suggest %v", sg)
		}
	})
}

func TestFeedbackCSVImport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		csv := "external_id,listening_post,purchase_external_id,employee_email,responded_at,nps,csat,empathy,acquisition_source,comment\n" +
			"c1,satisfaction_card,P1,bob@example.com,2025-05-01,9,5,4,Friend or family,Lovely staff\n" +
			"c2,satisfaction_card,P404,,2025-05-01,12,,,,\n" +
			"c3,market_research,,,,\"7\",,,Search engine,\"quoted, comment\"\n" +
			"c4,satisfaction_card,,,,12,,,,\n"
		r := w.call(fresco.RoleAgent, "POST", "/api/v1/responses:import", csv, 200)
		if r["created"].(float64) != 2 || r["rejected"].(float64) != 2 {
			t.Fatalf("import %v", r)
		}
		e := r["errors"].([]any)[0].(map[string]any)
		if e["line"].(float64) != 3 || !strings.Contains(fmt.Sprint(e["errors"]), "field:purchase_external_id") {
			t.Fatalf("line error %v", e)
		}
		if e := r["errors"].([]any)[1].(map[string]any); e["line"].(float64) != 5 || !strings.Contains(fmt.Sprint(e["errors"]), "field:nps") {
			t.Fatalf("line error %v", e)
		}
		again := w.call(fresco.RoleAgent, "POST", "/api/v1/responses:import", csv, 200)
		if again["created"].(float64) != 0 || again["skipped"].(float64) != 2 {
			t.Fatalf("re-import %v", again)
		}
		res := w.do(request{method: "POST", path: "/api/v1/responses:import", role: fresco.RoleAgent, body: "colour,nps\nred,9\n"})
		if f := problem(t, res, 422); !strings.Contains(f["body"], "colour") {
			t.Fatalf("unknown column %v", f)
		}
		acq := w.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/acquisition", nil, 200)
		src := acq["sources"].([]any)
		if len(src) != 1 || src[0].(map[string]any)["source"] != "Friend or family" || src[0].(map[string]any)["average_value"] != "50.00" {
			t.Fatalf("acquisition %v", acq)
		}
	})
}

// surveyFixture makes a survey with a link for Ada's purchase.
func surveyFixture(t *testing.T, w *fbWorld) (surveyID int64, path string) {
	t.Helper()
	sv := w.call(fresco.RoleManager, "POST", "/api/v1/surveys", `{"slug":"after-visit","name":"After your visit","widget_enabled":true,
		"questions":[{"key":"nps","type":"nps","required":true},{"key":"heard","type":"acquisition_source"},
		{"key":"empathy","type":"process_quality","item":"empathy"},{"key":"extras","type":"multiple_choice","choices":["Spa","Bar"]},
		{"key":"better","type":"text"}]}`, 201)
	surveyID = int64(sv["id"].(float64))
	inv := w.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/surveys/%d/invitations", surveyID), fmt.Sprintf(`{"purchase_id":%d,"channel":"email"}`, w.purchase), 201)
	return surveyID, inv["url"].(string)
}

func form(vals url.Values) request {
	return request{method: "POST", body: vals.Encode(), header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}
}

func TestPublicSurveyPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		surveyID, path := surveyFixture(t, w)
		// The contact-frequency rule across channels.
		res := w.do(request{method: "POST", path: fmt.Sprintf("/api/v1/surveys/%d/invitations", surveyID), role: fresco.RoleAgent, body: fmt.Sprintf(`{"customer_id":%d}`, w.customer)})
		if f := problem(t, res, http.StatusConflict); f["body.customer_id"] == "" {
			t.Fatalf("contact rule: %v", f)
		}
		page := w.do(request{method: "GET", path: path})
		if page.Code != 200 || !strings.Contains(string(page.Body), "After your visit") || !strings.Contains(string(page.Body), `name="q_nps"`) {
			t.Fatalf("survey page %d %s", page.Code, page.Body)
		}
		if page.Header.Get("X-Frame-Options") != "DENY" {
			t.Error("link page may be framed")
		}
		// Missing required answer: the form comes back with the error; nothing stored.
		req := form(url.Values{"q_heard": {"Search engine"}})
		req.path = path
		res = w.do(req)
		if res.Code != 422 || !strings.Contains(string(res.Body), "required") || !strings.Contains(string(res.Body), `value="Search engine" checked`) {
			t.Fatalf("missing nps: %d %s", res.Code, res.Body)
		}
		req = form(url.Values{"q_nps": {"4"}, "q_heard": {"Search engine"}, "q_empathy": {"2"}, "q_extras": {"Spa", "Bar"}, "q_better": {"Faster check-in"}, "comment": {"ok"}})
		req.path = path
		if res = w.do(req); res.Code != 200 || !strings.Contains(string(res.Body), "Thank you") {
			t.Fatalf("submit %d %s", res.Code, res.Body)
		}
		list := w.call(fresco.RoleAnalyst, "GET", "/api/v1/responses", nil, 200)
		items := list["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("stored %d responses", len(items))
		}
		got := items[0].(map[string]any)
		if got["source"] != "link" || got["employee_id"].(float64) != float64(w.bob) || got["nps"].(float64) != 4 || len(got["answers"].([]any)) != 5 {
			t.Fatalf("stored %v", got)
		}
		// Reused, forged and expired-looking links: a clear page, nothing stored.
		if res = w.do(req); res.Code != http.StatusConflict || !strings.Contains(string(res.Body), "already") {
			t.Fatalf("reuse %d %s", res.Code, res.Body)
		}
		forged := path[:len(path)-3] + "AAA"
		for _, p := range []string{forged, "/s/nonsense", "/s/" + strings.Repeat("x", 43)} {
			r2 := req
			r2.path = p
			if res = w.do(r2); res.Code != http.StatusNotFound || !strings.Contains(string(res.Body), "not valid") {
				t.Fatalf("forged %s: %d %s", p, res.Code, res.Body)
			}
		}
		if n := len(w.call(fresco.RoleAnalyst, "GET", "/api/v1/responses", nil, 200)["items"].([]any)); n != 1 {
			t.Fatalf("%d responses after bad submissions", n)
		}
		// The widget.
		js := w.do(request{method: "GET", path: "/widget.js"})
		if js.Code != 200 || !strings.Contains(string(js.Body), "data-survey") {
			t.Fatalf("widget.js %d", js.Code)
		}
		if res = w.do(request{method: "GET", path: "/w/after-visit"}); res.Code != 200 || res.Header.Get("X-Frame-Options") != "" {
			t.Fatalf("widget page %d %v", res.Code, res.Header)
		}
		wreq := form(url.Values{"q_nps": {"10"}})
		wreq.path = "/w/after-visit"
		if res = w.do(wreq); res.Code != 200 {
			t.Fatalf("widget submit %d %s", res.Code, res.Body)
		}
		if res = w.do(request{method: "GET", path: "/w/no-such-survey"}); res.Code != 404 {
			t.Fatalf("unknown widget survey %d", res.Code)
		}
		// Rate limit: the 20-per-10-minutes allowance is shared by one address.
		limited := false
		for range 25 {
			if res = w.do(wreq); res.Code == http.StatusTooManyRequests {
				limited = res.Header.Get("Retry-After") != ""
				break
			}
		}
		if !limited {
			t.Fatal("public submissions are not rate-limited")
		}
	})
}

// FuzzSurveyForm posts arbitrary form bodies to a live survey link and to
// the widget: the handler must never fail with a 5xx, and must store a
// response only when it says so.
func FuzzSurveyForm(f *testing.F) {
	f.Add("q_nps=9&comment=hi", false)
	f.Add("q_nps=-1&q_extras=Spa&q_extras=Pool", true)
	f.Add("q_nps=99999999999999999999&q_heard=%00", false)
	f.Add("q_better="+strings.Repeat("a", 3000), true)
	f.Add("%zz=1&q_nps", false)
	f.Add("q_empathy=3&q_empathy=4&comment=\xff\xfe", true)
	db := storetest.Open(f, storetest.SQLiteURL(f))
	var w *fbWorld
	var path string
	var n int
	f.Fuzz(func(t *testing.T, body string, widget bool) {
		if w == nil {
			w = newFBWorld(t, db)
			_, path = surveyFixture(t, w)
		}
		p := path
		if widget {
			p = "/w/after-visit"
		}
		// A fresh client address per input, so that the per-address rate
		// limit does not hide the handler behind 429s.
		count := func() (c int) {
			if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM responses`).Scan(&c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		before := count()
		n++
		r := httptest.NewRequest("POST", p, strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:1234", n>>16&255, n>>8&255, n&255)
		rec := httptest.NewRecorder()
		w.srv.ServeHTTP(rec, r)
		res := &response{Code: rec.Code, Body: rec.Body.Bytes()}
		if res.Code >= 500 {
			t.Fatalf("POST %s %q = %d %s", p, body, res.Code, res.Body)
		}
		if stored := count() - before; (res.Code == http.StatusOK) != (stored == 1) || stored > 1 {
			t.Fatalf("POST %s %q = %d but stored %d responses", p, body, res.Code, stored)
		}
	})
}

func TestFeedbackUIPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		mgr := w.employee("manager@example.com", fresco.RoleManager, "correct horse battery")
		_ = mgr
		cookie := w.login("manager@example.com", "correct horse battery")
		for i := range 12 {
			w.call(fresco.RoleAgent, "POST", "/api/v1/responses", fmt.Sprintf(`{"employee_id":%d,"answers":[{"type":"nps","score":%d},{"type":"process_quality","item":"empathy","score":%d},{"type":"csat","score":%d}],"comment":"The delivery was late, waited %d days"}`,
				w.bob, i%11, i%5+1, i%5+1, i), 201)
		}
		get := func(path string) string {
			t.Helper()
			res := w.do(request{method: "GET", path: path, cookie: cookie})
			if res.Code != 200 {
				t.Fatalf("GET %s = %d %s", path, res.Code, res.Body)
			}
			return string(res.Body)
		}
		page := get("/feedback?period=week&from=2000-01-01")
		for _, want := range []string{`id="nps-trend"`, `id="nps-distribution"`, `id="nps-drivers"`, "Too few answers to compare fairly", "How did you hear about us?", `id="fb-data"`, `12 <abbr title="How many answers`} {
			if !strings.Contains(page, want) {
				t.Errorf("/feedback lacks %q", want)
			}
		}
		comments := get("/feedback/comments?show=unlabelled")
		if !strings.Contains(comments, "waited 3 days") || !strings.Contains(comments, `value="waiting-delivery"`) || !strings.Contains(comments, "Suggested: Waiting and delivery") {
			t.Fatalf("comments page: %s", comments)
		}
		list := w.call(fresco.RoleAnalyst, "GET", "/api/v1/responses?limit=1", nil, 200)
		id := int64(list["items"].([]any)[0].(map[string]any)["id"].(float64))
		req := form(url.Values{"category": {"waiting-delivery"}})
		req.path, req.cookie = fmt.Sprintf("/feedback/comments/%d", id), cookie
		if res := w.do(req); res.Code != http.StatusSeeOther {
			t.Fatalf("categorise %d %s", res.Code, res.Body)
		}
		got := w.call(fresco.RoleAnalyst, "GET", fmt.Sprintf("/api/v1/responses/%d", id), nil, 200)
		if fmt.Sprint(got["categories"]) != "[waiting-delivery]" {
			t.Fatalf("categories %v", got["categories"])
		}
		// The quick survey form and a link from the surveys page.
		req = form(url.Values{"name": {"Table card"}, "slug": {"table-card"}, "block_nps": {"on"}, "block_quality": {"on"}, "widget": {"on"}})
		req.path, req.cookie = "/feedback/surveys", cookie
		if res := w.do(req); res.Code != http.StatusSeeOther {
			t.Fatalf("create survey %d %s", res.Code, res.Body)
		}
		surveys := get("/feedback/surveys")
		if !strings.Contains(surveys, `data-survey="table-card"`) {
			t.Fatalf("surveys page: %s", surveys)
		}
		sv := w.call(fresco.RoleAnalyst, "GET", "/api/v1/surveys", nil, 200)["items"].([]any)[0].(map[string]any)
		if page := get(fmt.Sprintf("/feedback/surveys/%d", int64(sv["id"].(float64)))); !strings.Contains(page, "Service quality (1–5): tangible evidence") {
			t.Fatalf("survey page: %s", page)
		}
		svID := int64(sv["id"].(float64))
		if !strings.Contains(surveys, fmt.Sprintf(`href="/feedback/ask?survey=%d"`, svID)) || strings.Contains(surveys, `name="customer_id"`) {
			t.Fatalf("surveys page asks without the customer picker: %s", surveys)
		}
		if ask := get(fmt.Sprintf("/feedback/ask?survey=%d&customer_id=%d", svID, w.customer)); !strings.Contains(ask, fmt.Sprintf(`<option value="%d" selected>Table card`, svID)) {
			t.Fatalf("ask page does not preselect the survey: %s", ask)
		}
		req = form(url.Values{"customer_id": {fmt.Sprint(w.customer)}, "purchase_id": {fmt.Sprint(w.purchase)}, "survey_id": {fmt.Sprint(svID)}})
		req.path, req.cookie = "/feedback/ask/link", cookie
		if res := w.do(req); res.Code != 200 || !strings.Contains(string(res.Body), `id="ask-link" href="http`) {
			t.Fatalf("make link %d %s", res.Code, res.Body)
		}
		if res := w.do(req); res.Code != 422 || !strings.Contains(string(res.Body), "contact-frequency rule") {
			t.Fatalf("second link within 30 days %d", res.Code)
		}
		// Managers edit the taxonomy; a bad one changes nothing and says so
		// (by a message code: the URL carries no text to show).
		req = form(url.Values{"taxonomy": {"noise | Noise | loud, noisy | Noise at night\nstaff | Staff | rude\n"}})
		req.path, req.cookie = "/feedback/categories", cookie
		if res := w.do(req); res.Code != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "saved") {
			t.Fatalf("taxonomy %d %v", res.Code, res.Header)
		}
		req = form(url.Values{"taxonomy": {"Bad Slug | x\n"}})
		req.path, req.cookie = "/feedback/categories", cookie
		if res := w.do(req); !strings.HasSuffix(res.Header.Get("Location"), "?done=categories-invalid") {
			t.Fatalf("bad taxonomy %d %v", res.Code, res.Header)
		}
		cats := w.call(fresco.RoleAnalyst, "GET", "/api/v1/feedback/categories", nil, 200)["categories"].([]any)
		if len(cats) != 2 || cats[0].(map[string]any)["slug"] != "noise" {
			t.Fatalf("categories %v", cats)
		}
		if calls := get("/feedback/calls"); !strings.Contains(calls, "No calls due") {
			t.Fatalf("calls page: %s", calls)
		}
		if res := w.do(request{method: "GET", path: "/feedback"}); res.Code != http.StatusSeeOther && res.Code != http.StatusFound {
			t.Fatalf("anonymous /feedback = %d", res.Code)
		}
	})
}
