package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCasePages: the inbox, the case page with its timeline, and the
// special-attention banner on the customer's profile.
func TestCasePages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c, svc, actorOf := recoveryWorld(t, f, db)
		agent, actor := f.people[fresco.RoleAgent], actorOf(fresco.RoleAgent)
		cs, err := svc.Open(ctx, actor, recovery.OpenInput{CustomerID: c.ID, Summary: "Room <not> ready on arrival",
			Expectation: "an upgrade", Incident: recovery.Incident{Where: "front desk"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Transfer(ctx, actor, cs.ID, f.people[fresco.RoleManager].ID, "manager takes it: VIP"); err != nil {
			t.Fatal(err)
		}

		res := f.do(fresco.RoleAgent, "GET", "/cases", nil) // mine: the agent watches it now
		if res.status != http.StatusOK || !strings.Contains(res.body, "Room &lt;not&gt; ready on arrival") ||
			!strings.Contains(res.body, "Special attention") || !strings.Contains(res.body, "Ada Lovelace") {
			t.Fatalf("inbox = %d %s", res.status, res.body)
		}
		res = f.do(fresco.RoleAnalyst, "GET", "/cases?view=mine", nil)
		if res.status != http.StatusOK || strings.Contains(res.body, "Ada Lovelace") {
			t.Fatalf("the analyst's own inbox shows someone else's case: %d", res.status)
		}
		res = f.do(fresco.RoleAnalyst, "GET", "/cases?view=all", nil)
		if !strings.Contains(res.body, fmt.Sprintf(`href="/cases/%d"`, cs.ID)) {
			t.Fatalf("all cases = %s", res.body)
		}
		res = f.do(fresco.RoleAnalyst, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil)
		for _, want := range []string{"Needs special attention", "The manager", "manager takes it: VIP", "front desk",
			"an upgrade", `data-kind="opened"`, `data-kind="transferred"`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		res = f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/customers/%d", c.ID), nil)
		if !strings.Contains(res.body, "Needs special attention") || !strings.Contains(res.body, fmt.Sprintf(`/cases/%d`, cs.ID)) {
			t.Errorf("profile lacks the special-attention banner")
		}
		// Acting from the case page.
		act := fmt.Sprintf("/cases/%d/actions", cs.ID)
		if res := f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"respond"}, "text": {"We are on it"}}); res.status != http.StatusSeeOther {
			t.Fatalf("respond = %d %s", res.status, res.body)
		}
		res = f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"transfer"}, "owner_id": {fmt.Sprint(agent.ID)}, "text": {""}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "note: is required") {
			t.Fatalf("transfer without a note = %d", res.status)
		}
		if res := f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"gesture"}, "kind": {"refund"}, "amount": {"80.00"}}); res.status != http.StatusSeeOther {
			t.Fatalf("gesture = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAnalyst, "POST", act, url.Values{"action": {"note"}, "text": {"x"}}); res.status != http.StatusForbidden {
			t.Fatalf("analyst action = %d", res.status)
		}
		res = f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d?done=case-updated", cs.ID), nil)
		for _, want := range []string{"Case updated.", "Responded: We are on it", "Waiting for approval", `id="case-actions"`,
			`<option value="apology_letter">Apology letter</option>`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("case page after actions lacks %q", want)
			}
		}
		gestures, err := db.ListGestures(ctx, store.GestureFilter{CaseID: &cs.ID})
		if err != nil || len(gestures) != 1 || gestures[0].Status != "pending_approval" {
			t.Fatalf("gestures = %+v, %v", gestures, err)
		}
		res = f.do(fresco.RoleManager, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil)
		if !strings.Contains(res.body, `value="approve"`) {
			t.Error("the manager has no approve button")
		}
		approve := url.Values{"action": {"approve"}, "gesture_id": {fmt.Sprint(gestures[0].ID)}}
		if res := f.do(fresco.RoleAgent, "POST", act, approve); res.status != http.StatusForbidden {
			t.Errorf("agent approving = %d", res.status)
		}
		if res := f.do(fresco.RoleManager, "POST", act, approve); res.status != http.StatusSeeOther {
			t.Fatalf("manager approving = %d %s", res.status, res.body)
		}
		if g, _ := db.Gesture(ctx, gestures[0].ID); g.Status != "granted" {
			t.Errorf("after approval: %s", g.Status)
		}
		// Codes show as words: the waiting state in the inbox, on the case and in its timeline.
		if res := f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"wait"}, "text": {"asked for the receipt"}}); res.status != http.StatusSeeOther {
			t.Fatalf("wait = %d %s", res.status, res.body)
		}
		inbox := f.do(fresco.RoleAgent, "GET", "/cases?view=all", nil).body
		page := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil).body
		if !strings.Contains(inbox, "<small>Waiting on the customer</small>") || strings.Contains(inbox+page, "waiting_on_customer") {
			t.Errorf("the waiting state is not in words in the inbox or on the case page")
		}
		// The timeline names people, not audit references.
		if !strings.Contains(page, `<small class="muted">`+agent.Name+`</small>`) || strings.Contains(page, "employee:") {
			t.Errorf("the timeline does not name %q, or shows an employee:N reference", agent.Name)
		}
		for _, want := range []string{"Waiting on the customer: asked for the receipt", "State: Waiting on the customer (asked for the receipt)"} {
			if !strings.Contains(page, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		if res := f.do(fresco.RoleAnalyst, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil); strings.Contains(res.body, `id="case-actions"`) {
			t.Error("the analyst sees the action forms")
		}
		if res := f.do(fresco.RoleAgent, "GET", "/customers", nil); !strings.Contains(res.body, "Special attention") {
			t.Error("the customer list does not flag the customer")
		}
		if res := f.do("", "GET", "/cases", nil); res.status != http.StatusSeeOther {
			t.Errorf("anonymous inbox = %d, want a redirect to log in", res.status)
		}
		if res := f.do(fresco.RoleAgent, "GET", "/cases/999999", nil); res.status != http.StatusNotFound {
			t.Errorf("missing case = %d", res.status)
		}
	})
}

var activeTab = regexp.MustCompile(`(?s)<nav class="tabs" aria-label="Inbox">.*?aria-current="page">([^<]+?)\s*(?:<span class="count">[^<]*</span>)?</a>`)

// inboxTab opens the inbox as role and returns the label of the tab it is on.
func (f *fixture) inboxTab(role fresco.Role, target string) (tab, body string) {
	f.t.Helper()
	res := f.do(role, "GET", target, nil)
	m := activeTab.FindStringSubmatch(res.body)
	if res.status != http.StatusOK || m == nil {
		f.t.Fatalf("%s as %s = %d, no active tab", target, role, res.status)
	}
	return m[1], res.body
}

// TestCaseInboxOpensOnAUsefulTab: without ?view= the inbox opens on Mine if
// the user owns or watches a live case, else on My team if the team has
// one, else on Open; an explicit view is kept.
func TestCaseInboxOpensOnAUsefulTab(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		team := &fresco.Team{Name: "Front desk"}
		if err := db.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		for _, role := range []fresco.Role{fresco.RoleManager, fresco.RoleAgent} {
			e := f.people[role]
			e.TeamID = &team.ID
			if err := db.UpdateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
		}
		c, svc, actorOf := recoveryWorld(t, f, db)

		if tab, body := f.inboxTab(fresco.RoleAgent, "/cases"); tab != "Open" || !strings.Contains(body, "No cases here.") {
			t.Errorf("no cases anywhere: the inbox opens on %q", tab)
		}
		// The agent's own case, closed, does not make Mine worth opening.
		closed, err := svc.Open(ctx, actorOf(fresco.RoleAgent), recovery.OpenInput{CustomerID: c.ID, Summary: "lost key"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Close(ctx, actorOf(fresco.RoleAgent), closed.ID, recovery.CloseInput{RootCauseCategory: "keys",
			RootCauseSource: "none", Resolution: "found it"}); err != nil {
			t.Fatal(err)
		}
		live, err := svc.Open(ctx, actorOf(fresco.RoleManager), recovery.OpenInput{CustomerID: c.ID, Summary: "cold room"})
		if err != nil {
			t.Fatal(err)
		}
		link := fmt.Sprintf(`href="/cases/%d"`, live.ID)
		for _, want := range []struct {
			role   fresco.Role
			target string
			tab    string
			listed bool
		}{
			{fresco.RoleManager, "/cases", "Mine", true},            // owns the live case
			{fresco.RoleAgent, "/cases", "My team", true},           // the team's manager owns it
			{fresco.RoleAnalyst, "/cases", "Open", true},            // in no team, owns nothing
			{fresco.RoleAnalyst, "/cases?view=mine", "Mine", false}, // an explicit view is kept
			{fresco.RoleAgent, "/cases?view=breaching", "Breaching soon", false},
		} {
			tab, body := f.inboxTab(want.role, want.target)
			if tab != want.tab || strings.Contains(body, link) != want.listed {
				t.Errorf("%s as %s: tab %q, lists the case %v; want %q, %v", want.target, want.role, tab,
					strings.Contains(body, link), want.tab, want.listed)
			}
		}
		// Each tab counts its cases: one live, one closed.
		all := f.do(fresco.RoleManager, "GET", "/cases?view=all", nil).body
		for _, want := range []string{"Open", "Closed", "Mine", "My team"} {
			if !strings.Contains(all, want+` <span class="count">1</span>`) {
				t.Errorf("the %s tab does not count 1 case", want)
			}
		}
		for _, want := range []string{`All <span class="count">2</span>`, `Waiting <span class="count">0</span>`, `Resolved <span class="count">0</span>`} {
			if !strings.Contains(all, want) {
				t.Errorf("the inbox tabs lack %q", want)
			}
		}
		if res := f.do(fresco.RoleAgent, "GET", "/cases?view=nope", nil); res.status != http.StatusNotFound {
			t.Errorf("unknown view = %d, want 404", res.status)
		}
	})
}

// TestCasePageShowsResurveyScores: a re-survey done from the case page
// records the score; the page compares it with the customer's NPS from
// before the case, in the task list and in the timeline.
func TestCasePageShowsResurveyScores(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := &fresco.Customer{Name: "Ada Lovelace"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		post, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		three := 3
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertResponse(ctx, &fresco.Response{PostID: post.ID, CustomerID: &c.ID, NPS: &three,
				RespondedAt: time.Now().Add(-24 * time.Hour)})
		}); err != nil {
			t.Fatal(err)
		}
		svc, err := recovery.New(recovery.Options{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		agent := f.people[fresco.RoleAgent]
		actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", agent.ID), Role: agent.Role, EmployeeID: &agent.ID}
		cs, err := svc.Open(ctx, actor, recovery.OpenInput{CustomerID: c.ID, Summary: "cold room"})
		if err != nil {
			t.Fatal(err)
		}
		resurvey := func() string {
			task, err := svc.AddTask(ctx, actor, cs.ID, recovery.TaskInput{Kind: "resurvey", DueAt: time.Now().Add(time.Hour)})
			if err != nil {
				t.Fatal(err)
			}
			return fmt.Sprint(task.ID)
		}
		page, first := fmt.Sprintf("/cases/%d", cs.ID), resurvey()
		if res := f.do(fresco.RoleAgent, "GET", page, nil); !strings.Contains(res.body, `name="score"`) {
			t.Fatal("an open re-survey has no score field")
		}
		act := page + "/actions"
		res := f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"complete"}, "task_id": {first}, "score": {"nine"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "score: must be a whole number") {
			t.Fatalf("a score in words = %d", res.status)
		}
		res = f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"complete"}, "task_id": {first}, "score": {"9"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("complete the re-survey = %d %s", res.status, res.body)
		}
		tid, _ := strconv.ParseInt(resurvey(), 10, 64)
		if _, err := svc.CompleteTask(ctx, actor, tid, recovery.CompleteInput{Score: intp(2), PreviousScore: intp(5)}); err != nil {
			t.Fatal(err)
		}
		body := html.UnescapeString(f.do(fresco.RoleAnalyst, "GET", page, nil).body)
		for _, want := range []string{
			`<span class="task-scores">Score after recovery 9, before 3 (+6)</span>`,
			`<span class="task-scores">Score after recovery 2, before 5 (-3)</span>`,
			"Task done: Ask again (Score after recovery 9, before 3 (+6))",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
	})
}

func intp(v int) *int { return &v }

// recoveryWorld is a customer, Ada Lovelace, the recovery service over db
// and each fixture employee as a recovery actor.
func recoveryWorld(t *testing.T, f *fixture, db *store.DB) (*fresco.Customer, *recovery.Service, func(fresco.Role) recovery.Actor) {
	t.Helper()
	c := &fresco.Customer{Name: "Ada Lovelace"}
	if err := db.CreateCustomer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	svc, err := recovery.New(recovery.Options{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	actorOf := func(role fresco.Role) recovery.Actor {
		e := f.people[role]
		return recovery.Actor{Ref: fmt.Sprintf("employee:%d", e.ID), Role: e.Role, EmployeeID: &e.ID}
	}
	return c, svc, actorOf
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// pageVersion is the version every form of a case page carries.
func pageVersion(t *testing.T, body string) string {
	t.Helper()
	all := versionField.FindAllStringSubmatch(body, -1)
	if len(all) == 0 {
		t.Fatalf("the case page's forms carry no version:\n%s", body)
	}
	for _, m := range all {
		if m[1] != all[0][1] {
			t.Fatalf("the forms carry different versions: %v", all)
		}
	}
	return all[0][1]
}

// TestStaleCasePage: the agent has the case open when the manager resolves
// it. Her response, handover and closing from the old page are refused
// (412) with who did what, the page shows the case as it is now, and what
// she typed is still there; her internal note goes through, and the page
// then tells her what changed. A form without a version acts as before.
func TestStaleCasePage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, f := context.Background(), newFixture(t, db)
		cs, svc, actorOf := coldRoom(t, f, db)
		casePath := fmt.Sprintf("/cases/%d", cs.ID)
		loaded := pageVersion(t, f.do(fresco.RoleAgent, "GET", casePath, nil).body)
		if _, err := svc.Resolve(ctx, actorOf(fresco.RoleManager), cs.ID, "sent a heater up"); err != nil {
			t.Fatal(err)
		}
		send := func(form url.Values) response {
			t.Helper()
			form.Set("version", loaded)
			return f.do(fresco.RoleAgent, "POST", casePath+"/actions", form)
		}
		refused := func(what string, res response) {
			t.Helper()
			if res.status != http.StatusPreconditionFailed {
				t.Fatalf("%s from the stale page = %d, want 412:\n%s", what, res.status, res.body)
			}
			if !strings.Contains(res.body, "The manager resolved the case and scheduled a task at ") || !strings.Contains(res.body, "What you typed is kept below") {
				t.Errorf("%s: the refusal does not say who did what", what)
			}
			if !strings.Contains(res.body, `id="case-status">Resolved`) || pageVersion(t, res.body) == loaded {
				t.Errorf("%s: the page does not show the case as it is now", what)
			}
		}

		res := send(url.Values{"action": {"respond"}, "text": {"A heater is <on> its way"}})
		refused("a response", res)
		if !strings.Contains(res.body, `required>A heater is &lt;on&gt; its way</textarea>`) {
			t.Errorf("the response typed is not back in its form:\n%s", res.body)
		}
		manager := f.people[fresco.RoleManager].ID
		res = send(url.Values{"action": {"transfer"}, "owner_id": {fmt.Sprint(manager)}, "text": {"Over to you"}})
		refused("a handover", res)
		if !strings.Contains(res.body, fmt.Sprintf(`<option value="%d" selected>`, manager)) || !strings.Contains(res.body, `required>Over to you</textarea>`) {
			t.Errorf("the handover typed is not back in its form")
		}
		// A resolved case's closing form asks no resolution: the text typed
		// for it is shown apart, not lost.
		res = send(url.Values{"action": {"close"}, "text": {"Fixed the boiler"}, "root_cause_category": {"heating"}, "root_cause_source": {"training"}})
		refused("closing", res)
		if !strings.Contains(res.body, `readonly>Fixed the boiler</textarea>`) || !strings.Contains(res.body, `value="heating"`) ||
			!strings.Contains(res.body, `<option value="training" selected>`) {
			t.Errorf("the closing typed is not kept")
		}
		// So does an e-mail's text once the case takes no reply.
		res = send(url.Values{"action": {"email"}, "subject": {"Sorry"}, "body": {"Your heater is fixed"}})
		refused("an e-mail", res)
		if !strings.Contains(res.body, `readonly>Your heater is fixed</textarea>`) {
			t.Errorf("the e-mail typed is not kept")
		}
		events, err := db.CaseTimeline(ctx, cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Kind == "agent_responded" || e.Kind == "transferred" || e.Kind == "closed" || e.Kind == "reply_sent" {
				t.Errorf("a refused action wrote %s", e.Kind)
			}
		}

		// A note is harmless: it goes through, and the page says what changed.
		res = send(url.Values{"action": {"note"}, "text": {"Called the customer"}})
		where := res.header.Get("Location")
		if res.status != http.StatusSeeOther || !strings.Contains(where, "since="+loaded+"&upto=") {
			t.Fatalf("note from the stale page = %d to %q", res.status, where)
		}
		page := f.do(fresco.RoleAgent, "GET", where, nil).body
		if !strings.Contains(page, `id="case-changed">While you had this page open: The manager resolved the case and scheduled a task at `) ||
			strings.Contains(page, "added a note") {
			t.Errorf("after the note, the page does not tell (only) what changed:\n%s", page)
		}
		// Without a version, as before: no check.
		res = f.do(fresco.RoleAgent, "POST", casePath+"/actions", url.Values{"action": {"note"}, "text": {"No version"}})
		if res.status != http.StatusSeeOther || strings.Contains(res.header.Get("Location"), "since=") {
			t.Errorf("a form without a version = %d to %q", res.status, res.header.Get("Location"))
		}
	})
}

// coldRoom is a case the agent opened, with the recovery service and the
// fixture's people as its actors.
func coldRoom(t *testing.T, f *fixture, db *store.DB) (*fresco.Case, *recovery.Service, func(fresco.Role) recovery.Actor) {
	t.Helper()
	c, svc, actorOf := recoveryWorld(t, f, db)
	cs, err := svc.Open(context.Background(), actorOf(fresco.RoleAgent), recovery.OpenInput{CustomerID: c.ID, Summary: "Cold room"})
	if err != nil {
		t.Fatal(err)
	}
	return cs, svc, actorOf
}
