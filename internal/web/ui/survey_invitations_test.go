package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The survey page's "Sent by itself" section adds a rule, refuses a bad one
// saying which field, switches a rule off, and keeps the survey's own
// German e-mail until it goes back to the built-in one.
func TestSurveyInvitationSection(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		const M = fresco.RoleManager
		post, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		sv := &fresco.Survey{Slug: "after", Name: "After", PostID: post.ID, Active: true,
			Questions: []fresco.Question{{Key: "nps", Type: "nps", Text: "Recommend?"}}}
		if err := f.app.Feedback.CreateSurvey(ctx, sv, "test"); err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/feedback/surveys/%d", sv.ID)
		if res := f.do(M, "GET", page, nil); res.status != 200 || !strings.Contains(res.body, "No rules: this survey goes out only by the links staff make.") ||
			!strings.Contains(res.body, `id="template-de"`) || !strings.Contains(res.body, "Wie zufrieden waren Sie mit {business}?") {
			t.Fatalf("survey page = %d\n%s", res.status, res.body)
		}
		bad := url.Values{"trigger": {"purchase"}, "delay": {"7"}, "delay_unit": {"days"}, "channel": {"email"}, "quiet_start": {"9pm"}, "quiet_end": {"08:00"}}
		if res := f.do(M, "POST", page+"/invitation-rules", bad); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Quiet from: must be a time of day") {
			t.Errorf("bad quiet hours = %d\n%s", res.status, res.body)
		}
		good := url.Values{"trigger": {"purchase"}, "delay": {"7"}, "delay_unit": {"days"}, "channel": {"email"}, "purchase_channel": {"store"},
			"reminder_days": {"3"}, "quiet_start": {"21:00"}, "quiet_end": {"08:00"}}
		if res := f.do(M, "POST", page+"/invitation-rules", good); res.status != http.StatusSeeOther {
			t.Fatalf("add rule = %d %s", res.status, res.body)
		}
		rules, err := db.InvitationRules(ctx, sv.ID)
		if err != nil || len(rules) != 1 || rules[0].DelayHours != 168 || !rules[0].Active {
			t.Fatalf("rules %+v %v", rules, err)
		}
		res := f.do(M, "GET", page, nil)
		for _, want := range []string{"7 days after a purchase (store)", "after 3 days if unanswered", "21:00–08:00", "Switch off"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if res := f.do(M, "POST", fmt.Sprintf("%s/invitation-rules/%d", page, rules[0].ID), url.Values{"active": {"0"}}); res.status != http.StatusSeeOther {
			t.Fatalf("switch off = %d", res.status)
		}
		if r, _ := db.InvitationRule(ctx, rules[0].ID); r.Active {
			t.Error("still on")
		}
		tpl := url.Values{"lang": {"de"}, "subject": {"Ihre Meinung, {customer_name}"}, "body": {"Bitte hier: {survey_link}"}}
		if res := f.do(M, "POST", page+"/invitation-templates", tpl); res.status != http.StatusSeeOther {
			t.Fatalf("save template = %d %s", res.status, res.body)
		}
		if res := f.do(M, "GET", page, nil); !strings.Contains(res.body, "Bitte hier: {survey_link}") || !strings.Contains(res.body, "Use the built-in text") {
			t.Error("own German text not shown")
		}
		tpl.Set("body", "no link")
		if res := f.do(M, "POST", page+"/invitation-templates", tpl); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Text: must contain {survey_link}") {
			t.Errorf("template without link = %d", res.status)
		}
		if res := f.do(M, "POST", page+"/invitation-templates", url.Values{"lang": {"de"}, "reset": {"1"}}); res.status != http.StatusSeeOther {
			t.Fatalf("reset = %d", res.status)
		}
		if own, _ := db.InvitationTemplates(ctx, sv.ID); len(own) != 0 {
			t.Errorf("after reset: %v", own)
		}
		if res := f.do(M, "GET", "/feedback", nil); !strings.Contains(res.body, "Sent by itself") {
			t.Error("dashboard lacks the invitations column")
		}
	})
}
