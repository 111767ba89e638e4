package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func addNotification(t *testing.T, db *store.DB, to int64, n fresco.Notification) *fresco.Notification {
	t.Helper()
	n.EmployeeID = &to
	ctx := context.Background()
	if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertNotification(ctx, &n) }); err != nil {
		t.Fatal(err)
	}
	return &n
}

// TestNotificationCentre: one's own notifications, newest first, unread
// marked; opening one marks it read and goes where it points (never off
// the site); one or all are marked read; another's cannot be touched.
func TestNotificationCentre(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		agent, owner := f.people[fresco.RoleAgent].ID, f.people[fresco.RoleOwner].ID
		digest := addNotification(t, db, agent, fresco.Notification{Event: notify.EventDigest, Subject: "2 satisfied customers may be leaving",
			Body: "These customers told us they were satisfied:\n\n- Ada: NPS 9\n- Grace: NPS 10", Link: "/loop/satisfied-leaving"})
		approval := addNotification(t, db, agent, fresco.Notification{Event: "case.approval_needed", Subject: "Case 7: approval needed",
			Body: "Approve refund of 80.00 on case 7?", Link: "/cases/7"})
		offsite := addNotification(t, db, agent, fresco.Notification{Event: "case.sla_breached", Subject: "Odd link", Link: "https://evil.example/x"})
		others := addNotification(t, db, owner, fresco.Notification{Event: notify.EventDetractor, Subject: "Not for the agent"})

		page := f.do(fresco.RoleAgent, "GET", "/notifications", nil)
		if page.status != http.StatusOK {
			t.Fatalf("centre = %d %s", page.status, page.body)
		}
		body := page.body
		iOff, iApp, iDig := strings.Index(body, "Odd link"), strings.Index(body, "Case 7: approval needed"), strings.Index(body, "2 satisfied customers")
		if iOff < 0 || iApp < iOff || iDig < iApp {
			t.Errorf("not newest first (%d, %d, %d):\n%s", iOff, iApp, iDig, body)
		}
		for _, want := range []string{"Approval needed", "Approve refund of 80.00 on case 7?", "Daily check: satisfied but leaving",
			"Read it all", "- Grace: NPS 10", "Case past its deadline", `action="/notifications/read"`,
			fmt.Sprintf(`name="up_to_id" value="%d"`, offsite.ID), `href="/notifications"`} {
			if !strings.Contains(body, want) {
				t.Errorf("centre lacks %q", want)
			}
		}
		if strings.Contains(body, "Not for the agent") {
			t.Error("the agent sees the owner's notification")
		}
		if strings.Count(body, ">Unread</span>") != 3 {
			t.Errorf("want 3 unread:\n%s", body)
		}

		unread := func() int {
			t.Helper()
			n, err := db.UnreadNotifications(ctx, agent)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		open := func(id int64) response {
			return f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/notifications/%d/open", id), url.Values{})
		}
		if res := open(approval.ID); res.status != http.StatusSeeOther || res.header.Get("Location") != "/cases/7" || unread() != 2 {
			t.Errorf("open = %d → %q, unread %d", res.status, res.header.Get("Location"), unread())
		}
		if res := open(offsite.ID); res.header.Get("Location") != fmt.Sprintf("/notifications#n%d", offsite.ID) {
			t.Errorf("an off-site link was followed: %q", res.header.Get("Location"))
		}
		if res := open(others.ID); res.status != http.StatusNotFound {
			t.Errorf("opening another's notification = %d", res.status)
		}
		if n, _ := db.UnreadNotifications(ctx, owner); n != 1 {
			t.Errorf("the owner's notification was touched: unread %d", n)
		}
		if body := f.do(fresco.RoleAgent, "GET", "/notifications?show=unread", nil).body; !strings.Contains(body, "2 satisfied customers") ||
			strings.Contains(body, "Case 7") {
			t.Errorf("unread view:\n%s", body)
		}
		res := f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/notifications/%d/read", digest.ID), url.Values{"show": {"unread"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/notifications?show=unread#n%d", digest.ID) || unread() != 0 {
			t.Errorf("mark read = %d → %q, unread %d", res.status, res.header.Get("Location"), unread())
		}

		// Mark all read stops at the newest the page showed.
		late := addNotification(t, db, agent, fresco.Notification{Event: notify.EventFollowUpOverdue, Subject: "Arrived meanwhile"})
		addNotification(t, db, agent, fresco.Notification{Event: notify.EventFollowUpOpened, Subject: "Seen"})
		res = f.do(fresco.RoleAgent, "POST", "/notifications/read", url.Values{"up_to_id": {fmt.Sprint(late.ID)}})
		if res.status != http.StatusSeeOther || unread() != 1 {
			t.Errorf("mark all = %d, unread %d, want the one that arrived after the page", res.status, unread())
		}
		if res := f.do(fresco.RoleAgent, "POST", "/notifications/read", url.Values{"up_to_id": {"x"}}); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, "up_to_id") {
			t.Errorf("bad up_to_id = %d", res.status)
		}
		if f.do(fresco.RoleAgent, "POST", "/notifications/read", url.Values{}); unread() != 0 {
			t.Errorf("mark all without a bound left %d unread", unread())
		}

		// Paged, newest first.
		for i := range 30 {
			addNotification(t, db, agent, fresco.Notification{Event: notify.EventFollowUpOpened, Subject: fmt.Sprintf("Item %02d", i)})
		}
		first := f.do(fresco.RoleAgent, "GET", "/notifications", nil).body
		if !strings.Contains(first, "Item 29") || strings.Contains(first, "Item 04") || !strings.Contains(first, `rel="next"`) {
			t.Fatalf("first page:\n%s", first)
		}
	})
}
