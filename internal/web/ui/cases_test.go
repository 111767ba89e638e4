package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
		c := &fresco.Customer{Name: "Ada Lovelace"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		svc, err := recovery.New(recovery.Options{DB: db})
		if err != nil {
			t.Fatal(err)
		}
		agent := f.people[fresco.RoleAgent]
		actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", agent.ID), Role: agent.Role, EmployeeID: &agent.ID}
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
		for _, want := range []string{"Case updated.", "Responded: We are on it", "pending_approval", `id="case-actions"`} {
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
