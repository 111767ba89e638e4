package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Who sees the people record on an employee's page: the owner all of it
// with the forms; the agent their own trainings only, never exit notes;
// the analyst nothing of it, and no turnover page for agents.
func TestPeopleOnTheEmployeePage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		agent := f.people[fresco.RoleAgent]
		page := fmt.Sprintf("/employees/%d", agent.ID)
		res := f.do(fresco.RoleOwner, "POST", page+"/trainings", url.Values{"course": {"Listening to guests"},
			"taken_on": {"2024-03-01"}, "hours": {"3.5"}, "cost": {"120.00"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("add a training: %d %s", res.status, res.body)
		}
		res = f.do(fresco.RoleOwner, "POST", page+"/trainings", url.Values{"course": {"X"}, "taken_on": {"soon"}, "hours": {"many"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "taken_on") && !strings.Contains(res.body, "date") {
			t.Errorf("a bad training: %d", res.status)
		}
		today := time.Now().UTC().Format(time.DateOnly) // the agent was hired today
		res = f.do(fresco.RoleOwner, "POST", page+"/exit", url.Values{"left_on": {today}, "reason": {"pay"},
			"regretted": {"true"}, "notes": {"Offered more across the road"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("record an exit: %d %s", res.status, res.body)
		}
		owner := f.do(fresco.RoleOwner, "GET", page, nil)
		for _, want := range []string{"Listening to guests", "Offered more across the road", `id="rehire-form"`,
			"<td>1 Mar 2024</td>", "<td>Yes</td>"} { // days and the regretted flag in words
			if !strings.Contains(owner.body, want) {
				t.Errorf("the owner's view lacks %q", want)
			}
		}
		if regexp.MustCompile(`<td>\d{4}-\d{2}-\d{2}</td>`).MatchString(owner.body) {
			t.Error("the employee's page shows a day as YYYY-MM-DD")
		}
		if manager := f.do(fresco.RoleOwner, "GET", fmt.Sprintf("/employees/%d", f.people[fresco.RoleManager].ID), nil); !strings.Contains(manager.body, "Still employed") {
			t.Error(`an open spell does not say "Still employed"`)
		}
		// The exit ended the agent's sessions; a new one to look at their own page.
		e, err := db.Employee(context.Background(), agent.ID)
		if err != nil || e.Active {
			t.Fatalf("after the exit the agent is active: %v %v", e, err)
		}
		e.Active = true
		if err := db.UpdateEmployee(context.Background(), e); err != nil {
			t.Fatal(err)
		}
		f.cookie[fresco.RoleAgent] = f.session(agent.ID)
		own := f.do(fresco.RoleAgent, "GET", page, nil)
		if !strings.Contains(own.body, "Listening to guests") || strings.Contains(own.body, "Offered more across the road") {
			t.Errorf("the agent's own page: trainings shown %v, notes shown %v", strings.Contains(own.body, "Listening to guests"),
				strings.Contains(own.body, "Offered more across the road"))
		}
		analyst := f.do(fresco.RoleAnalyst, "GET", page, nil)
		if strings.Contains(analyst.body, "Listening to guests") || strings.Contains(analyst.body, "Offered more") {
			t.Errorf("the analyst sees the people record")
		}
		if res := f.do(fresco.RoleAgent, "GET", "/turnover", nil); res.status != http.StatusForbidden {
			t.Errorf("agent on /turnover: %d", res.status)
		}
		if res := f.do(fresco.RoleAnalyst, "GET", "/turnover", nil); res.status != http.StatusOK || !strings.Contains(res.body, `id="turnover-total"`) {
			t.Errorf("analyst on /turnover: %d", res.status)
		}
		if res := f.do(fresco.RoleOwner, "POST", "/settings/exit-reasons", url.Values{"slug": {"schedule"}, "name": {"Schedule"},
			"position": {"7"}, "active": {"true"}}); res.status != http.StatusSeeOther {
			t.Errorf("add an exit reason: %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleManager, "POST", "/settings/exit-reasons", url.Values{"slug": {"x"}, "name": {"X"}}); res.status != http.StatusForbidden {
			t.Errorf("a manager edits exit reasons: %d", res.status)
		}
	})
}

// TestKindWordsOnTheEmployeePage: a promoter's comment on a visit the agent
// served is listed among their kind words; a detractor's is not.
func TestKindWordsOnTheEmployeePage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		agent := f.people[fresco.RoleAgent]
		page := fmt.Sprintf("/employees/%d", agent.ID)
		if res := f.do(fresco.RoleAgent, "GET", page, nil); !strings.Contains(res.body, "No kind words yet.") {
			t.Errorf("before any praise: %d", res.status)
		}
		for score, comment := range map[int]string{10: "Sam found my size in the back", 2: "Sam kept me waiting"} {
			if _, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", EmployeeID: &agent.ID, Comment: comment,
				Answers: []feedback.AnswerInput{{Type: "nps", Score: &score}}}); err != nil {
				t.Fatal(err)
			}
		}
		kind := regexp.MustCompile(`(?s)<section[^>]*id="kind-words".*?</section>`).FindString(f.do(fresco.RoleManager, "GET", page, nil).body)
		if !strings.Contains(kind, "Sam found my size in the back") || strings.Contains(kind, "Sam kept me waiting") {
			t.Errorf("kind words section:\n%s", kind)
		}
	})
}
