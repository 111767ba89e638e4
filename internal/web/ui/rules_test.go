package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The rules below live in the services; these tests prove that the UI and
// the API, called by the same signed-in employee, get the same answer and
// leave the same audit record.

// api sends a JSON API request with role's UI session, as the UI's own
// scripts do.
func (f *fixture) api(role fresco.Role, method, target, body string) response {
	f.t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(f.cookie[role])
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	return response{status: rec.Code, header: rec.Header(), body: rec.Body.String()}
}

// auditOf returns the audit records of one entity.
func auditOf(t *testing.T, db *store.DB, entity string, id int64) []fresco.AuditEntry {
	t.Helper()
	list, err := db.ListAudit(context.Background(), entity, fmt.Sprint(id), 10)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// sameAudit fails unless a and b each hold one record and the two agree in
// everything but the record they describe.
func sameAudit(t *testing.T, what string, a, b []fresco.AuditEntry, detail func(fresco.AuditEntry) string) {
	t.Helper()
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("%s: %d audit records via the UI, %d via the API; want one each", what, len(a), len(b))
	}
	x, y := a[0], b[0]
	if x.Actor != y.Actor || x.Action != y.Action || x.Entity != y.Entity || detail(x) != detail(y) {
		t.Errorf("%s: audit via the UI %+v (%s), via the API %+v (%s)", what, x, x.Detail, y, y.Detail)
	}
}

// TestCloseFollowUpRuleUIAndAPI: an agent closes only their own follow-ups,
// through either door, and each close is audited the same way.
func TestCloseFollowUpRuleUIAndAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		agent, manager := f.people[fresco.RoleAgent], f.people[fresco.RoleManager]
		c := &fresco.Customer{Name: "Ada"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		// followUp stores an open follow-up of a bad answer, owned by owner.
		followUp := func(owner int64) int64 {
			var id int64
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				now := time.Now().UTC()
				var resp int64
				if err := tx.QueryRow(ctx, `INSERT INTO responses (post_id, customer_id, employee_id, source, responded_at, nps, comment, created_at)
					VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, ?, 'api', ?, 1, 'Cold room', ?) RETURNING id`,
					c.ID, owner, now, now).Scan(&resp); err != nil {
					return err
				}
				return tx.QueryRow(ctx, `INSERT INTO follow_ups (response_id, customer_id, owner_id, due_at, created_at)
					VALUES (?, ?, ?, ?, ?) RETURNING id`, resp, c.ID, owner, now.Add(24*time.Hour), now).Scan(&id)
			}); err != nil {
				t.Fatal(err)
			}
			return id
		}
		viaUI := func(id int64) response {
			return f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/followups/%d/close", id),
				url.Values{"contact_channel": {"phone"}, "outcome": {"Apologised."}})
		}
		viaAPI := func(id int64) response {
			return f.api(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/followups/%d:close", id),
				`{"contact_channel": "phone", "outcome": "Apologised."}`)
		}
		open := func(id int64) bool {
			fu, err := db.FollowUp(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			return fu.Status == fresco.FollowUpOpen
		}

		othersUI, othersAPI := followUp(manager.ID), followUp(manager.ID)
		if ui, api := viaUI(othersUI), viaAPI(othersAPI); ui.status != http.StatusForbidden || api.status != http.StatusForbidden {
			t.Errorf("an agent closing a manager's follow-up: UI %d, API %d; want 403 both", ui.status, api.status)
		}
		if !open(othersUI) || !open(othersAPI) || len(auditOf(t, db, "follow_up", othersUI))+len(auditOf(t, db, "follow_up", othersAPI)) != 0 {
			t.Error("a refused close changed or audited something")
		}

		mineUI, mineAPI := followUp(agent.ID), followUp(agent.ID)
		if ui, api := viaUI(mineUI), viaAPI(mineAPI); ui.status != http.StatusSeeOther || api.status != http.StatusOK {
			t.Fatalf("an agent closing their own follow-up: UI %d %s, API %d %s", ui.status, ui.body, api.status, api.body)
		}
		if open(mineUI) || open(mineAPI) {
			t.Error("a follow-up stayed open")
		}
		ui, api := auditOf(t, db, "follow_up", mineUI), auditOf(t, db, "follow_up", mineAPI)
		sameAudit(t, "close", ui, api, func(e fresco.AuditEntry) string { return string(e.Detail) })
		if ui[0].Actor != fmt.Sprintf("employee:%d", agent.ID) || ui[0].Action != "close" {
			t.Errorf("audit %+v", ui[0])
		}
	})
}

// TestCreateSurveyUIAndAPI: a survey created from the UI's quick form and
// one created through the API are validated alike and audited alike.
func TestCreateSurveyUIAndAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		ui := f.do(fresco.RoleManager, "POST", "/feedback/surveys",
			url.Values{"slug": {"from-ui"}, "name": {"From the UI"}, "block_nps": {"on"}})
		api := f.api(fresco.RoleManager, "POST", "/api/v1/surveys",
			`{"slug": "from-api", "name": "From the API", "questions": [{"key": "nps", "type": "nps", "required": true}]}`)
		if ui.status != http.StatusSeeOther || api.status != http.StatusCreated {
			t.Fatalf("create: UI %d %s, API %d %s", ui.status, ui.body, api.status, api.body)
		}
		id := func(slug string) int64 {
			list, err := db.ListSurveys(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, sv := range list {
				if sv.Slug == slug {
					return sv.ID
				}
			}
			t.Fatalf("no survey %s", slug)
			return 0
		}
		uiAudit, apiAudit := auditOf(t, db, "survey", id("from-ui")), auditOf(t, db, "survey", id("from-api"))
		slugOf := func(e fresco.AuditEntry) string {
			var d map[string]any
			if err := json.Unmarshal(e.Detail, &d); err != nil {
				t.Fatal(err)
			}
			delete(d, "slug")
			b, _ := json.Marshal(d)
			return string(b)
		}
		sameAudit(t, "create survey", uiAudit, apiAudit, slugOf)
		if e := uiAudit[0]; e.Actor != fmt.Sprintf("employee:%d", f.people[fresco.RoleManager].ID) || e.Action != "create" ||
			!strings.Contains(string(e.Detail), `"from-ui"`) {
			t.Errorf("audit %+v %s", e, e.Detail)
		}

		// A taken slug is refused through both doors, and nothing is audited.
		ui = f.do(fresco.RoleManager, "POST", "/feedback/surveys", url.Values{"slug": {"from-api"}, "name": {"Again"}, "block_nps": {"on"}})
		api = f.api(fresco.RoleManager, "POST", "/api/v1/surveys",
			`{"slug": "from-ui", "name": "Again", "questions": [{"key": "nps", "type": "nps"}]}`)
		if ui.status != http.StatusUnprocessableEntity || !strings.Contains(ui.body, "already exists") || api.status != http.StatusConflict {
			t.Errorf("taken slug: UI %d, API %d %s", ui.status, api.status, api.body)
		}
		all, err := db.ListAudit(ctx, "survey", "", 10)
		if err != nil || len(all) != 2 {
			t.Errorf("survey audit records = %d (%v), want 2", len(all), err)
		}
	})
}

// records returns every audit record of an entity, oldest first.
func records(t *testing.T, db *store.DB, entity, id string) []fresco.AuditEntry {
	t.Helper()
	list, err := db.ListAudit(context.Background(), entity, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(list)
	return list
}

// canonicalDetail re-encodes a record's detail with sorted keys, whatever
// the engine made of its spacing.
func canonicalDetail(t *testing.T) func(fresco.AuditEntry) string {
	return func(e fresco.AuditEntry) string {
		var d any
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(d)
		return string(b)
	}
}

// TestTaxonomyUIAndAPI: replacing the categories from the comments page and
// through the API is validated alike and audited alike.
func TestTaxonomyUIAndAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ui := f.do(fresco.RoleManager, "POST", "/feedback/categories",
			url.Values{"taxonomy": {"speed | Speed | slow, late\nprice | Price"}})
		api := f.api(fresco.RoleManager, "PUT", "/api/v1/feedback/categories",
			`{"categories": [{"slug": "speed", "name": "Speed", "keywords": ["slow", "late"]}, {"slug": "price", "name": "Price"}]}`)
		if ui.status != http.StatusSeeOther || !strings.Contains(ui.header.Get("Location"), "categories-saved") || api.status != http.StatusOK {
			t.Fatalf("replace: UI %d %s, API %d %s", ui.status, ui.header.Get("Location"), api.status, api.body)
		}
		list := records(t, db, "feedback_categories", "0")
		if len(list) != 2 {
			t.Fatalf("%d records, want one per door", len(list))
		}
		sameAudit(t, "replace categories", list[:1], list[1:], canonicalDetail(t))
		if e := list[0]; e.Actor != fmt.Sprintf("employee:%d", f.people[fresco.RoleManager].ID) || e.Action != "update" ||
			canonicalDetail(t)(e) != `{"count":2}` {
			t.Errorf("audit %+v %s", e, e.Detail)
		}

		// Two categories with one slug are refused through both doors, and
		// nothing is recorded.
		ui = f.do(fresco.RoleManager, "POST", "/feedback/categories", url.Values{"taxonomy": {"speed | Speed\nspeed | Again"}})
		api = f.api(fresco.RoleManager, "PUT", "/api/v1/feedback/categories",
			`{"categories": [{"slug": "speed", "name": "Speed"}, {"slug": "speed", "name": "Again"}]}`)
		if !strings.Contains(ui.header.Get("Location"), "categories-invalid") || api.status != http.StatusUnprocessableEntity {
			t.Errorf("duplicate slug: UI %d %s, API %d %s", ui.status, ui.header.Get("Location"), api.status, api.body)
		}
		if n := len(records(t, db, "feedback_categories", "")); n != 2 {
			t.Errorf("%d records after refusals, want 2", n)
		}
	})
}

// TestRefitUIAndAPI: asking for a lifetime-value refit from the value page
// and through the API queues the same job and records each request alike.
func TestRefitUIAndAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ui := f.do(fresco.RoleManager, "POST", "/value/refit", url.Values{})
		api := f.api(fresco.RoleManager, "POST", "/api/v1/clv/refit", "")
		if ui.status != http.StatusSeeOther || api.status != http.StatusAccepted {
			t.Fatalf("refit: UI %d %s, API %d %s", ui.status, ui.body, api.status, api.body)
		}
		var queued struct {
			JobID int64 `json:"job_id"`
		}
		if err := json.Unmarshal([]byte(api.body), &queued); err != nil || queued.JobID == 0 {
			t.Fatalf("API answer %s: %v", api.body, err)
		}
		list := records(t, db, "job", fmt.Sprint(queued.JobID))
		if len(list) != 2 {
			t.Fatalf("%d records of job %d, want one per door (the queued job is reused)", len(list), queued.JobID)
		}
		sameAudit(t, "refit", list[:1], list[1:], canonicalDetail(t))
		if list[0].Action != "clv.refit" {
			t.Errorf("audit %+v", list[0])
		}
	})
}
