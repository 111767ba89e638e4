package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestLoopStore covers the closed loop's rows: follow-ups (opened once per
// response, closed once, reported overdue once), notifications and webhooks.
func TestLoopStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		emp := &fresco.Employee{Name: "Ann", Email: "ann@example.com", Role: fresco.RoleAgent, Active: true}
		if err := db.CreateEmployee(ctx, emp); err != nil {
			t.Fatal(err)
		}
		var resp int64
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.QueryRow(ctx, `INSERT INTO responses (post_id, employee_id, source, responded_at, nps, created_at)
				VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, 3, ?) RETURNING id`,
				emp.ID, time.Now().UTC(), time.Now().UTC()).Scan(&resp)
		}); err != nil {
			t.Fatal(err)
		}

		due := time.Now().Add(-time.Minute)
		var created, again bool
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			f := &fresco.FollowUp{ResponseID: resp, OwnerID: &emp.ID, Reasons: []string{"detractor"}, DueAt: due}
			if created, err = tx.CreateFollowUp(ctx, f); err != nil {
				return err
			}
			again, err = tx.CreateFollowUp(ctx, &fresco.FollowUp{ResponseID: resp, DueAt: due})
			return err
		})
		if err != nil || !created || again {
			t.Fatalf("create: %v %v %v (want one follow-up per response)", created, again, err)
		}
		list, _, err := db.ListFollowUps(ctx, store.FollowUpFilter{Status: fresco.FollowUpOpen, OwnerID: emp.ID})
		if err != nil || len(list) != 1 || list[0].OwnerName != "Ann" || list[0].NPS == nil || *list[0].NPS != 3 {
			t.Fatalf("list %+v %v", list, err)
		}
		id := list[0].ID
		for i, want := range []int{1, 0} {
			var ids []int64
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				var err error
				ids, err = tx.ClaimOverdueFollowUps(ctx, time.Now(), 10)
				return err
			}); err != nil || len(ids) != want {
				t.Fatalf("overdue claim %d: %v %v, want %d", i, ids, err, want)
			}
		}
		close := func() error {
			return db.InTx(ctx, func(tx *store.Tx) error {
				return tx.CloseFollowUp(ctx, id, time.Now(), "phone", "sorted", "employee:1")
			})
		}
		if err := close(); err != nil {
			t.Fatal(err)
		}
		if err := close(); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Fatalf("second close: %v", err)
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.CloseFollowUp(ctx, 9999, time.Now(), "phone", "x", "") }); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("unknown close: %v", err)
		}

		// Notifications: unread, read.
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			return tx.InsertNotification(ctx, &fresco.Notification{Event: "response.detractor", EmployeeID: &emp.ID,
				Subject: "s", Data: json.RawMessage(`{"x":1}`)})
		}); err != nil {
			t.Fatal(err)
		}
		if n, err := db.UnreadNotifications(ctx, emp.ID); err != nil || n != 1 {
			t.Fatalf("unread %d %v", n, err)
		}
		notes, err := db.NotificationsAfter(ctx, emp.ID, 0, 10)
		if err != nil || len(notes) != 1 || string(notes[0].Data) != `{"x":1}` {
			t.Fatalf("notifications %+v %v", notes, err)
		}
		if err := db.MarkNotificationsRead(ctx, emp.ID, 0); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.UnreadNotifications(ctx, emp.ID); n != 0 {
			t.Fatalf("unread after read %d", n)
		}

		// Webhooks.
		w := &fresco.Webhook{URL: "https://example.com/h", Events: []string{"response.*"}, Secret: "0123456789abcdef"}
		if err := db.CreateWebhook(ctx, w); err != nil {
			t.Fatal(err)
		}
		got, err := db.Webhook(ctx, w.ID)
		if err != nil || got.Secret != w.Secret || len(got.Events) != 1 || !got.Active {
			t.Fatalf("webhook %+v %v", got, err)
		}
		if err := db.DeleteWebhook(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteWebhook(ctx, w.ID); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("second delete: %v", err)
		}
		if p, err := db.PAlive(ctx); err != nil || len(p) != 0 {
			t.Fatalf("P(alive) before any refit: %v %v", p, err)
		}
	})
}
