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
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestFollowUpPages: the list, the follow-up page, closing it from its form
// (with the missing fields named), and the bell on every page.
func TestFollowUpPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		l := f.app.Loop
		agent := f.people[fresco.RoleAgent]
		c := &fresco.Customer{Name: "Grace <Hopper>"}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		var resp int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO responses (post_id, customer_id, employee_id, source, responded_at, nps, comment, created_at)
				VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, ?, 'api', ?, 1, 'Never again', ?) RETURNING id`,
				c.ID, agent.ID, time.Now().UTC(), time.Now().UTC()).Scan(&resp)
		}); err != nil {
			t.Fatal(err)
		}
		fu, err := l.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp, Flags: feedback.Flags{Detractor: true}})
		if err != nil || fu == nil {
			t.Fatal(fu, err)
		}

		res := f.do(fresco.RoleAgent, "GET", "/followups", nil)
		if res.status != http.StatusOK || !strings.Contains(res.body, "Grace &lt;Hopper&gt;") ||
			!strings.Contains(res.body, fmt.Sprintf(`href="/followups/%d"`, fu.ID)) ||
			!strings.Contains(res.body, `data-live-events="/api/v1/events/stream"`) || !strings.Contains(res.body, "loop.js") {
			t.Fatalf("follow-ups = %d %s", res.status, res.body)
		}
		page := fmt.Sprintf("/followups/%d", fu.ID)
		res = f.do(fresco.RoleAgent, "GET", page, nil)
		if !strings.Contains(res.body, "Never again") || !strings.Contains(res.body, `id="form-close"`) {
			t.Fatalf("follow-up page = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAnalyst, "GET", page, nil); strings.Contains(res.body, `id="form-close"`) {
			t.Error("an analyst is offered the close form")
		}
		act := page + "/close"
		res = f.do(fresco.RoleAgent, "POST", act, url.Values{"outcome": {""}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "is required: how was the customer contacted") ||
			!strings.Contains(res.body, "is required: what came of the contact") {
			t.Fatalf("close without contact = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAnalyst, "POST", act, url.Values{"contact_channel": {"phone"}, "outcome": {"x"}}); res.status != http.StatusForbidden {
			t.Fatalf("analyst close = %d", res.status)
		}
		res = f.do(fresco.RoleAgent, "POST", act, url.Values{"contact_channel": {"phone"}, "outcome": {"Called; sending a voucher."}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("close = %d %s", res.status, res.body)
		}
		res = f.do(fresco.RoleAgent, "GET", page+"?done=followup-closed", nil)
		if !strings.Contains(res.body, "Called; sending a voucher.") || !strings.Contains(res.body, "Follow-up closed.") {
			t.Errorf("closed page = %s", res.body)
		}
		if !strings.Contains(res.body, `<dd id="followup-closed-by">The agent, today `) || strings.Contains(res.body, "employee:") {
			t.Errorf("closed page does not name who closed it, with a local time")
		}
		if res := f.do(fresco.RoleAnalyst, "GET", "/loop/satisfied-leaving", nil); res.status != http.StatusOK ||
			!strings.Contains(res.body, "Satisfied but leaving") || !strings.Contains(res.body, `id="leaving-computed-at">Worked out `) ||
			strings.Contains(res.body, "Refresh now") {
			t.Errorf("satisfied-leaving page = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAnalyst, "POST", "/loop/satisfied-leaving/refresh", url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("analyst refresh = %d", res.status)
		}
		if res := f.do(fresco.RoleManager, "GET", "/loop/satisfied-leaving", nil); !strings.Contains(res.body, "Refresh now") {
			t.Errorf("no refresh button for a manager")
		}
		res = f.do(fresco.RoleManager, "POST", "/loop/satisfied-leaving/refresh?location_id=3", url.Values{})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/loop/satisfied-leaving?refresh=queued&location_id=3" {
			t.Errorf("refresh = %d %q", res.status, res.header.Get("Location"))
		}
		if res := f.do(fresco.RoleManager, "GET", "/loop/satisfied-leaving?refresh=queued", nil); !strings.Contains(res.body, "Refresh queued.") {
			t.Errorf("no word of the queued refresh")
		}
	})
}
