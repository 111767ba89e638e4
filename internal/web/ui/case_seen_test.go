package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

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
		ctx := context.Background()
		f := newFixture(t, db)
		c, svc, actorOf := recoveryWorld(t, f, db)
		cs, err := svc.Open(ctx, actorOf(fresco.RoleAgent), recovery.OpenInput{CustomerID: c.ID, Summary: "Cold room"})
		if err != nil {
			t.Fatal(err)
		}
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
		events, err := db.CaseTimeline(ctx, cs.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range events {
			if e.Kind == "agent_responded" || e.Kind == "transferred" || e.Kind == "closed" {
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
