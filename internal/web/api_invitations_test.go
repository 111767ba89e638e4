package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// invitationMatrix: the invitation operations of a survey that does not exist.
func invitationMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	rule := fixed(`{"trigger":"purchase","delay_days":7,"channel":"email"}`)
	return []endpoint{
		{"GET", "/api/v1/surveys/999999/invitation-rules", none, 404, everyone},
		{"POST", "/api/v1/surveys/999999/invitation-rules", rule, 404, managers},
		{"PUT", "/api/v1/invitation-rules/999999", rule, 404, managers},
		{"DELETE", "/api/v1/invitation-rules/999999", none, 404, managers},
		{"GET", "/api/v1/surveys/999999/invitation-templates", none, 404, everyone},
		{"PUT", "/api/v1/surveys/999999/invitation-templates", fixed(`{"lang":"de","subject":"Hallo","body":"{survey_link}"}`), 404, managers},
		{"POST", "/api/v1/surveys/999999/invitation-templates:reset", fixed(`{"lang":"de"}`), 404, managers},
		{"GET", "/api/v1/surveys/999999/invitation-sends", none, 404, everyone},
		{"POST", "/api/v1/invitations:sweep", none, 200, managers},
	}
}

// Through the API: a rule made for a survey sends its invitation after a
// purchase when the sweep runs, and the listening post and the survey's
// rules report it; bad rules and templates are refused naming the field,
// and a rule with history cannot be deleted.
func TestInvitationRulesAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		m := fresco.RoleManager
		sv := id(t, f.call(m, "POST", "/api/v1/surveys", map[string]any{"slug": "after", "name": "After",
			"questions": []map[string]any{{"key": "nps", "type": "nps", "text": "Recommend?"}}}, http.StatusCreated))
		rules := fmt.Sprintf("/api/v1/surveys/%d/invitation-rules", sv)

		for field, body := range map[string]string{
			"body.trigger":          `{"trigger":"birthday","channel":"email"}`,
			"body.channel":          `{"trigger":"purchase","channel":"pigeon"}`,
			"body.quiet_start":      `{"trigger":"purchase","channel":"email","quiet_start":"25:00","quiet_end":"08:00"}`,
			"body.location_id":      `{"trigger":"case_closed","channel":"email","location_id":1}`,
			"body.reminder_days":    `{"trigger":"purchase","channel":"email","reminder_days":99}`,
			"body.delay_hours":      `{"trigger":"purchase","channel":"email","delay_days":400}`,
			"body.purchase_channel": `{"trigger":"call_done","channel":"sms","purchase_channel":"web"}`,
		} {
			res := f.do(request{method: "POST", path: rules, role: m, body: body})
			if fields := problem(t, res, http.StatusUnprocessableEntity); fields[field] == "" {
				t.Errorf("%s: %s, want %s named", body, res, field)
			}
		}
		rule := f.call(m, "POST", rules, map[string]any{"trigger": "purchase", "channel": "email", "purchase_channel": "store",
			"reminder_days": 3}, http.StatusCreated)
		if rule["delay_days"] != nil || rule["active"] != true || rule["reminder_days"] != 3.0 {
			t.Errorf("created %v", rule)
		}
		ruleID := id(t, rule)

		c := id(t, f.call(m, "POST", "/api/v1/customers", map[string]any{"name": "Ada", "email": "ada@example.com",
			"consent_surveys": true}, http.StatusCreated))
		at := time.Now().UTC() // after the rule was made, so it counts
		f.call(m, "POST", "/api/v1/purchases", map[string]any{"customer_id": c, "channel": "store", "purchased_at": at.Format(time.RFC3339Nano),
			"lines": []map[string]any{{"sku": "X", "quantity": 1, "unit_price": "5.00"}}}, http.StatusCreated)
		sweep := f.call(m, "POST", "/api/v1/invitations:sweep", nil, http.StatusOK)
		if sweep["sent"] != 1.0 {
			t.Fatalf("sweep %v", sweep)
		}
		list := f.call(fresco.RoleAnalyst, "GET", rules, nil, http.StatusOK)
		inv := list["invitations"].(map[string]any)
		if inv["sent"] != 1.0 || len(list["items"].([]any)) != 1 {
			t.Errorf("rules %v", list)
		}
		sends := f.call(fresco.RoleAnalyst, "GET", fmt.Sprintf("/api/v1/surveys/%d/invitation-sends", sv), nil, http.StatusOK)
		if items := sends["items"].([]any); len(items) != 1 || items[0].(map[string]any)["status"] != "sent" ||
			items[0].(map[string]any)["reminder_status"] != "due" {
			t.Errorf("sends %v", sends)
		}
		posts := f.call(fresco.RoleAnalyst, "GET", "/api/v1/listening-posts", nil, http.StatusOK)
		for _, p := range posts["items"].([]any) {
			p := p.(map[string]any)
			if p["slug"] == "survey" && p["invitations"].(map[string]any)["sent"] != 1.0 {
				t.Errorf("survey post %v", p["invitations"])
			}
		}

		res := f.do(request{method: "DELETE", path: fmt.Sprintf("/api/v1/invitation-rules/%d", ruleID), role: m})
		problem(t, res, http.StatusConflict)
		changed := f.call(m, "PUT", fmt.Sprintf("/api/v1/invitation-rules/%d", ruleID), map[string]any{"trigger": "purchase", "channel": "email",
			"delay_days": 2, "delay_hours": 3, "quiet_start": "21:00", "quiet_end": "08:00", "active": false}, http.StatusOK)
		if changed["active"] != false || changed["delay_days"] != 2.0 || changed["delay_hours"] != 3.0 || changed["quiet_start"] != "21:00" {
			t.Errorf("changed %v", changed)
		}

		tpl := fmt.Sprintf("/api/v1/surveys/%d/invitation-templates", sv)
		for field, body := range map[string]string{
			"body":      `{"lang":"de","subject":"Hallo","body":"Hallo {name}: {survey_link}"}`, // the field named body
			"body.lang": `{"lang":"Deutsch","subject":"Hallo","body":"{survey_link}"}`,
		} {
			if fields := problem(t, f.do(request{method: "PUT", path: tpl, role: m, body: body}), http.StatusUnprocessableEntity); fields[field] == "" {
				t.Errorf("%s: want %s named, got %v", body, field, fields)
			}
		}
		f.call(m, "PUT", tpl, map[string]any{"lang": "de", "subject": "Ihre Meinung zu {business}", "body": "Hallo {customer_name}: {survey_link}"}, http.StatusOK)
		got := f.call(fresco.RoleAnalyst, "GET", tpl, nil, http.StatusOK)
		langs := []string{}
		for _, x := range got["items"].([]any) {
			x := x.(map[string]any)
			langs = append(langs, fmt.Sprintf("%v %v", x["lang"], x["built_in"] == true))
		}
		if strings.Join(langs, " ") != "en true de false fr true es true" {
			t.Errorf("templates %v", langs)
		}
		f.call(m, "POST", tpl+":reset", map[string]any{"lang": "de"}, http.StatusNoContent)
		problem(t, f.do(request{method: "POST", path: tpl + ":reset", role: m, body: `{"lang":"de"}`}), http.StatusNotFound)
	})
}
