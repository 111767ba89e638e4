package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// caseButtons are the action buttons and forms of the case page, by the
// action they carry.
var caseButtons = map[string]string{
	"respond": `value="respond"`, "reply": `value="reply"`, "note": `value="note"`, "wait": `value="wait"`,
	"resume": `value="resume"`, "resolve": `value="resolve"`, "reopen": `value="reopen"`,
	"transfer": `id="form-transfer"`, "gesture": `id="form-gesture"`, "close": `id="form-close"`,
}

// offered returns the case page's actions, in caseButtons' words.
func offered(body string) map[string]bool {
	got := map[string]bool{}
	for a, marker := range caseButtons {
		got[a] = strings.Contains(body, marker)
	}
	return got
}

// TestCasePageOffersWhatTheStateAllows: the case page shows the actions
// recovery.CaseAllows allows and no other; a closed case only reopens; a
// form posted after the case moved on answers 409 with the rule's reason on
// the case page, never a 500.
func TestCasePageOffersWhatTheStateAllows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c, svc, actorOf := recoveryWorld(t, f, db)
		agent := actorOf(fresco.RoleAgent)
		open := func() *fresco.Case {
			cs, err := svc.Open(ctx, agent, recovery.OpenInput{CustomerID: c.ID, Summary: "Cold room"})
			if err != nil {
				t.Fatal(err)
			}
			return cs
		}
		check := func(name string, cs *fresco.Case, want string) {
			t.Helper()
			page := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil).body
			wanted := map[string]bool{}
			for _, a := range strings.Fields(want) {
				wanted[a] = true
			}
			for a, shown := range offered(page) {
				if shown != wanted[a] {
					t.Errorf("%s case: %s offered = %v, want %v", name, a, shown, wanted[a])
				}
			}
		}
		fresh := open()
		check("open", fresh, "respond reply note wait resolve transfer gesture close")
		waiting := open()
		if _, err := svc.Wait(ctx, agent, waiting.ID, "", "asked for a photo"); err != nil {
			t.Fatal(err)
		}
		check("waiting", waiting, "respond reply note wait resume resolve transfer gesture close")
		resolved := open()
		if _, err := svc.Resolve(ctx, agent, resolved.ID, "moved rooms"); err != nil {
			t.Fatal(err)
		}
		check("resolved", resolved, "reply note reopen transfer gesture close")
		closed := open()
		if _, err := svc.Close(ctx, agent, closed.ID, recovery.CloseInput{RootCauseCategory: "facilities",
			RootCauseSource: "training", Resolution: "moved rooms"}); err != nil {
			t.Fatal(err)
		}
		check("closed", closed, "reopen")
		merged := open()
		if _, err := svc.Merge(ctx, agent, merged.ID, fresh.ID); err != nil {
			t.Fatal(err)
		}
		check("merged", merged, "")
		if page := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d", merged.ID), nil).body; !strings.Contains(page,
			fmt.Sprintf("was merged into case %d", fresh.ID)) {
			t.Errorf("the merged case does not say why nothing is offered")
		}

		// A form from before the case was closed: 409, the rule's words, and
		// the page as it is now (only Reopen).
		act := fmt.Sprintf("/cases/%d/actions", closed.ID)
		for _, a := range []string{"respond", "note", "resolve", "wait", "gesture", "transfer"} {
			res := f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {a}, "text": {"late"}, "kind": {"apology_letter"},
				"owner_id": {fmt.Sprint(f.people[fresco.RoleManager].ID)}})
			if res.status != http.StatusConflict || !strings.Contains(res.body, fmt.Sprintf("Case %d is closed; reopen it to", closed.ID)) ||
				!strings.Contains(res.body, `id="case-error"`) || offered(res.body)["respond"] || !offered(res.body)["reopen"] {
				t.Errorf("%s on a closed case = %d, want 409 with the reason on the case page", a, res.status)
			}
		}
		// Closing an open case from its page asks for the resolution too.
		res := f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/cases/%d/actions", waiting.ID), url.Values{"action": {"close"},
			"text": {"replaced the heater"}, "root_cause_category": {"facilities"}, "root_cause_source": {"training"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("close an open case from its page = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"reopen"}, "text": {"heater broke again"}}); res.status != http.StatusSeeOther {
			t.Fatalf("reopen = %d %s", res.status, res.body)
		}
		check("reopened", closed, "respond reply note wait resolve transfer gesture close")
	})
}

// TestCaseTimelineNamesPeople: a handover names both people; no audit
// reference or employee number reaches the page.
func TestCaseTimelineNamesPeople(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c, svc, actorOf := recoveryWorld(t, f, db)
		cs, err := svc.Open(ctx, actorOf(fresco.RoleAgent), recovery.OpenInput{CustomerID: c.ID, Summary: "Cold room"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Transfer(ctx, actorOf(fresco.RoleAgent), cs.ID, f.people[fresco.RoleManager].ID, "VIP"); err != nil {
			t.Fatal(err)
		}
		page := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil).body
		if !strings.Contains(page, "Handed over from The agent to The manager. Note: VIP") {
			t.Errorf("the handover does not name the people: %s", page)
		}
		for _, code := range []string{"employee:", fmt.Sprintf("employee %d", f.people[fresco.RoleAgent].ID)} {
			if strings.Contains(page, code) {
				t.Errorf("the case page shows %q", code)
			}
		}
	})
}

// TestGestureDecisionsOnThePage: approve and reject are offered only on a
// pending gesture, to a manager or owner whose authority covers it, never on
// their own request.
func TestGestureDecisionsOnThePage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c, svc, actorOf := recoveryWorld(t, f, db)
		cs, err := svc.Open(ctx, actorOf(fresco.RoleAgent), recovery.OpenInput{CustomerID: c.ID, Summary: "Cold room"})
		if err != nil {
			t.Fatal(err)
		}
		for role, amount := range map[fresco.Role]fresco.Money{fresco.RoleAgent: 1000, fresco.RoleManager: 5000} {
			if _, err := svc.SetLimit(ctx, actorOf(fresco.RoleOwner), recovery.LimitInput{Role: role, Kind: "refund", Amount: &amount}); err != nil {
				t.Fatal(err)
			}
		}
		ask := func(by fresco.Role, amount fresco.Money) *fresco.Gesture {
			g, err := svc.RequestGesture(ctx, actorOf(by), cs.ID, recovery.GestureInput{Kind: "refund", Amount: amount})
			if err != nil || g.Status != recovery.GesturePending {
				t.Fatalf("gesture = %+v, %v", g, err)
			}
			return g
		}
		small, large := ask(fresco.RoleAgent, 2000), ask(fresco.RoleAgent, 9000)
		own := ask(fresco.RoleManager, 9000)
		page := func(role fresco.Role) string { return f.do(role, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil).body }
		decide := func(body string, g *fresco.Gesture, action string) bool {
			return strings.Contains(body, fmt.Sprintf(`id="%s-%d"`, action, g.ID))
		}
		agentPage, managerPage := page(fresco.RoleAgent), page(fresco.RoleManager)
		// The timeline says what was asked for in words and the business's currency.
		if !strings.Contains(agentPage, "Gesture requested: Refund of $20.00") || strings.Contains(agentPage, "requested: refund") {
			t.Error("the timeline does not say the refund asked for in words and currency")
		}
		for _, tc := range []struct {
			body    string
			g       *fresco.Gesture
			approve bool
			reject  bool
		}{
			{agentPage, small, false, false},
			{managerPage, small, true, true},
			{managerPage, large, false, true}, // above the manager's own limit: reject only
			{managerPage, own, false, false},  // their own request
		} {
			if got := decide(tc.body, tc.g, "approve"); got != tc.approve {
				t.Errorf("gesture %d of %s: approve offered = %v, want %v", tc.g.ID, tc.g.Amount, got, tc.approve)
			}
			if got := decide(tc.body, tc.g, "reject"); got != tc.reject {
				t.Errorf("gesture %d of %s: reject offered = %v, want %v", tc.g.ID, tc.g.Amount, got, tc.reject)
			}
		}
		act := fmt.Sprintf("/cases/%d/actions", cs.ID)
		if res := f.do(fresco.RoleManager, "POST", act, url.Values{"action": {"reject"}, "gesture_id": {fmt.Sprint(large.ID)},
			"text": {"too much"}}); res.status != http.StatusSeeOther {
			t.Fatalf("reject = %d %s", res.status, res.body)
		}
		// Deciding it again, from a page loaded before: 409 with the reason.
		res := f.do(fresco.RoleManager, "POST", act, url.Values{"action": {"reject"}, "gesture_id": {fmt.Sprint(large.ID)}, "text": {"no"}})
		if res.status != http.StatusConflict || !strings.Contains(res.body, fmt.Sprintf("Gesture %d is already rejected", large.ID)) {
			t.Errorf("second decision = %d, want 409 with the reason", res.status)
		}
		if decide(page(fresco.RoleManager), large, "reject") {
			t.Error("a rejected gesture is still offered for decision")
		}
	})
}

// TestFollowUpPageStates: a closed follow-up names its closer and offers no
// form; closing it again answers 409 with the reason; another agent's
// follow-up says whose it is.
func TestFollowUpPageStates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := &fresco.Customer{Name: "Grace Hopper"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		agent := f.people[fresco.RoleAgent]
		var resp int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO responses (post_id, customer_id, employee_id, source, responded_at, nps, comment, created_at)
				VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, ?, 'api', ?, 1, 'Never again', ?) RETURNING id`,
				c.ID, agent.ID, time.Now().UTC(), time.Now().UTC()).Scan(&resp)
		}); err != nil {
			t.Fatal(err)
		}
		fu, err := f.app.Loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp, Flags: feedback.Flags{Detractor: true}})
		if err != nil || fu == nil {
			t.Fatal(fu, err)
		}
		page := fmt.Sprintf("/followups/%d", fu.ID)
		form := url.Values{"contact_channel": {"phone"}, "outcome": {"Called; sending a voucher."}}
		if res := f.do(fresco.RoleManager, "POST", page+"/close", form); res.status != http.StatusSeeOther {
			t.Fatalf("close = %d %s", res.status, res.body)
		}
		res := f.do(fresco.RoleAgent, "GET", page, nil)
		if !strings.Contains(res.body, `<dd id="followup-closed-by">The manager`) || strings.Contains(res.body, "employee:") ||
			strings.Contains(res.body, `id="form-close"`) {
			t.Errorf("closed follow-up page = %s", res.body)
		}
		res = f.do(fresco.RoleAgent, "POST", page+"/close", form)
		if res.status != http.StatusConflict || !strings.Contains(res.body, fmt.Sprintf("Follow-up %d is already closed.", fu.ID)) {
			t.Errorf("closing again = %d, want 409 with the reason: %s", res.status, res.body)
		}
	})
}

// TestUnknownURLsGetThe404Page: any URL the server does not know, and any
// record that does not exist, gets the styled 404 page, signed in or not;
// the API keeps its problem documents.
func TestUnknownURLsGetThe404Page(t *testing.T) {
	t.Parallel()
	f := newFixture(t, storetest.Open(t, storetest.SQLiteURL(t)))
	signedIn := []string{"/nowhere", "/customers/1/nowhere", "/cases/999999", "/followups/999999", "/cases/abc", "/feedback/nope/deeper"}
	anonymous := []string{"/nowhere", "/feedback/nope/deeper"} // a known page sends them to sign in first
	for role, targets := range map[fresco.Role][]string{fresco.RoleAgent: signedIn, "": anonymous} {
		for _, target := range targets {
			res := f.do(role, "GET", target, nil)
			if res.status != http.StatusNotFound || !strings.Contains(res.body, "Page not found") ||
				!strings.Contains(res.body, "app.css") {
				t.Errorf("%q GET %s = %d, want the styled 404 page", role, target, res.status)
			}
		}
	}
	if res := f.do(fresco.RoleAgent, "POST", "/nowhere", url.Values{}); res.status != http.StatusNotFound {
		t.Errorf("POST to an unknown URL = %d", res.status)
	}
	if res := f.do(fresco.RoleAgent, "GET", "/api/v1/nowhere", nil); res.status != http.StatusNotFound ||
		!strings.Contains(res.header.Get("Content-Type"), "problem+json") {
		t.Errorf("unknown API path = %d %s", res.status, res.header.Get("Content-Type"))
	}
}
