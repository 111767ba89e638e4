package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Every write of the API below is audited by the service it calls, in the
// write's transaction, with the calling token as the actor; a write that is
// refused (stale If-Match, bad input) leaves no record.
func TestAPIWritesAreAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		owner := fresco.RoleOwner
		tokens, err := db.ListAPITokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		actor := ""
		for _, tok := range tokens {
			if tok.Role == owner {
				actor = fmt.Sprintf("token:%d", tok.ID)
			}
		}
		// audited checks that the newest record of entity id is action by
		// the owner's token, and counts the records.
		total := 0
		audited := func(what, entity string, id any, action string) {
			t.Helper()
			total++
			list, err := db.ListAudit(ctx, entity, fmt.Sprint(id), 1)
			if err != nil || len(list) != 1 || list[0].Action != action || list[0].Actor != actor {
				t.Errorf("%s: audit %+v (%v), want %s by %s", what, list, err, action, actor)
			}
		}
		ifMatch := func(v string) http.Header { return http.Header{"If-Match": {`"` + v + `"`}} }
		refused := func(what string, req request, status int) {
			t.Helper()
			req.role = owner
			if res := f.do(req); res.Code != status {
				t.Errorf("%s: %s, want %d", what, res, status)
			}
		}

		loc := id(t, f.call(owner, "POST", "/api/v1/locations", map[string]any{"name": "High Street"}, http.StatusCreated))
		audited("create location", "location", loc, "create")
		f.do(request{method: "PATCH", path: fmt.Sprintf("/api/v1/locations/%d", loc), role: owner, body: `{"name":"Market"}`, header: ifMatch("1")})
		audited("update location", "location", loc, "update")
		refused("stale location", request{method: "PATCH", path: fmt.Sprintf("/api/v1/locations/%d", loc), body: `{"name":"Old"}`, header: ifMatch("1")},
			http.StatusPreconditionFailed)

		team := id(t, f.call(owner, "POST", "/api/v1/teams", map[string]any{"name": "Floor", "location_id": loc}, http.StatusCreated))
		audited("create team", "team", team, "create")
		f.call(owner, "PATCH", fmt.Sprintf("/api/v1/teams/%d", team), map[string]any{"name": "Kitchen"}, http.StatusOK)
		audited("update team", "team", team, "update")
		refused("team of an unknown location", request{method: "POST", path: "/api/v1/teams", body: `{"name":"X","location_id":999}`},
			http.StatusUnprocessableEntity)

		spend := id(t, f.call(owner, "POST", "/api/v1/marketing-spend", map[string]any{"period_start": "2026-01-01",
			"period_end": "2026-01-31", "channel": "radio", "amount": "100.00"}, http.StatusCreated))
		audited("create spend", "marketing_spend", spend, "create")
		refused("backwards spend", request{method: "POST", path: "/api/v1/marketing-spend",
			body: `{"period_start":"2026-02-01","period_end":"2026-01-01","amount":"1.00"}`}, http.StatusUnprocessableEntity)

		post := f.call(owner, "PATCH", "/api/v1/listening-posts/complaint", map[string]any{"used_for": "Weekly review"}, http.StatusOK)
		audited("update post", "listening_post", id(t, post), "update")
		refused("nameless post", request{method: "PATCH", path: "/api/v1/listening-posts/complaint", body: `{"name":""}`},
			http.StatusUnprocessableEntity)

		survey := id(t, f.call(owner, "POST", "/api/v1/surveys", map[string]any{"slug": "visit", "name": "Visit",
			"questions": []map[string]any{{"key": "nps", "type": "nps"}}}, http.StatusCreated))
		audited("create survey", "survey", survey, "create")
		f.call(owner, "PUT", fmt.Sprintf("/api/v1/surveys/%d", survey), map[string]any{"slug": "stay", "name": "Stay",
			"questions": []map[string]any{{"key": "nps", "type": "nps"}}}, http.StatusOK)
		audited("update survey", "survey", survey, "update")
		refused("survey with a bad slug", request{method: "PUT", path: fmt.Sprintf("/api/v1/surveys/%d", survey),
			body: `{"slug":"Not A Slug","name":"Stay","questions":[{"key":"nps","type":"nps"}]}`}, http.StatusUnprocessableEntity)

		hook := id(t, f.call(owner, "POST", "/api/v1/webhooks", map[string]any{"url": "https://example.com/hooks/fresco",
			"events": []string{"case.*"}}, http.StatusCreated))
		audited("create webhook", "webhook", hook, "create")
		f.call(owner, "DELETE", fmt.Sprintf("/api/v1/webhooks/%d", hook), nil, http.StatusNoContent)
		audited("delete webhook", "webhook", hook, "delete")
		refused("delete again", request{method: "DELETE", path: fmt.Sprintf("/api/v1/webhooks/%d", hook)}, http.StatusNotFound)

		tok := id(t, f.call(owner, "POST", "/api/v1/tokens", map[string]any{"name": "export", "role": "analyst"}, http.StatusCreated))
		audited("create token", "api_token", tok, "create")
		f.call(owner, "DELETE", fmt.Sprintf("/api/v1/tokens/%d", tok), nil, http.StatusNoContent)
		audited("revoke token", "api_token", tok, "revoke")
		refused("revoke unknown", request{method: "DELETE", path: "/api/v1/tokens/999"}, http.StatusNotFound)

		f.call(owner, "PUT", "/api/v1/feedback/categories", map[string]any{"categories": []map[string]any{{"slug": "speed", "name": "Speed"}}}, http.StatusOK)
		audited("replace categories", "feedback_categories", 0, "update")

		refit := f.call(owner, "POST", "/api/v1/clv/refit", nil, http.StatusAccepted)
		audited("refit", "job", int64(refit["job_id"].(float64)), "clv.refit")
		retrain := f.call(owner, "POST", "/api/v1/feedback/classifier:retrain", nil, http.StatusAccepted)
		audited("retrain", "job", int64(retrain["job_id"].(float64)), "feedback.retrain")

		all, err := db.ListAudit(ctx, "", "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, e := range all {
			lines = append(lines, e.Actor+" "+e.Action+" "+e.Entity+" "+e.EntityID)
		}
		if len(all) != total {
			t.Errorf("%d audit records, want %d (refused writes leave none):\n%s", len(all), total, strings.Join(lines, "\n"))
		}
	})
}
