package store_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestNotificationFeed covers an employee's feed: newest first and limited,
// webhook-only notifications (nobody's) kept out of every feed, reading up
// to an id, and the highest id the live stream starts after.
func TestNotificationFeed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ada, ben := w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleAgent, nil)
		if id, err := db.LatestNotificationID(w.ctx); err != nil || id != 0 {
			t.Fatalf("latest id of no notifications = %d, %v", id, err)
		}
		notes := []*fresco.Notification{
			{Event: "case.assigned", EmployeeID: &ada.ID, Subject: "one", Link: "/cases/1"},
			{Event: "case.assigned", EmployeeID: &ben.ID, Subject: "two"},
			{Event: "response.detractor", EmployeeID: &ada.ID, Subject: "three", Data: json.RawMessage(`{"nps":2}`)},
			{Event: "response.created", Subject: "for webhooks"},
			{Event: "case.breach", EmployeeID: &ada.ID, Subject: "four"},
		}
		w.tx(func(tx *store.Tx) error {
			for _, n := range notes {
				if err := tx.InsertNotification(w.ctx, n); err != nil {
					return err
				}
			}
			return nil
		})
		noteID := func(n *fresco.Notification) int64 { return n.ID }
		if id, err := db.LatestNotificationID(w.ctx); err != nil || id != notes[4].ID {
			t.Errorf("latest id = %d, %v; want %d", id, err, notes[4].ID)
		}
		for _, c := range []struct {
			name     string
			employee int64
			limit    int
			want     []int64
		}{
			{"Ada's, newest first", ada.ID, 0, []int64{notes[4].ID, notes[2].ID, notes[0].ID}},
			{"Ada's latest two", ada.ID, 2, []int64{notes[4].ID, notes[2].ID}},
			{"too many asked: the default", ada.ID, 100000, []int64{notes[4].ID, notes[2].ID, notes[0].ID}},
			{"Ben's", ben.ID, 0, []int64{notes[1].ID}},
		} {
			got, err := db.RecentNotifications(w.ctx, c.employee, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got, noteID), c.want) {
				t.Errorf("%s: %v, want %v", c.name, ids(got, noteID), c.want)
			}
		}
		recent, _ := db.RecentNotifications(w.ctx, ada.ID, 0)
		if string(recent[1].Data) != `{"nps":2}` || string(recent[2].Data) != "{}" || recent[2].Link != "/cases/1" || recent[2].ReadAt != nil {
			t.Errorf("round trip: %+v, %+v", recent[1], recent[2])
		}
		everyone, err := db.NotificationsAfter(w.ctx, 0, notes[0].ID, 0)
		if err != nil || !slices.Equal(ids(everyone, noteID), []int64{notes[1].ID, notes[2].ID, notes[4].ID}) {
			t.Errorf("everyone's after the first = %v, %v; the webhook-only one left out", ids(everyone, noteID), err)
		}

		if err := db.MarkNotificationsRead(w.ctx, ada.ID, notes[2].ID); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			employee int64
			want     int
		}{{ada.ID, 1}, {ben.ID, 1}} {
			if n, err := db.UnreadNotifications(w.ctx, c.employee); err != nil || n != c.want {
				t.Errorf("unread of employee %d = %d, %v; want %d", c.employee, n, err, c.want)
			}
		}
		recent, _ = db.RecentNotifications(w.ctx, ada.ID, 0)
		if recent[0].ReadAt != nil || recent[1].ReadAt == nil || recent[2].ReadAt == nil {
			t.Errorf("read up to %d: read marks %v %v %v", notes[2].ID, recent[0].ReadAt, recent[1].ReadAt, recent[2].ReadAt)
		}
		firstRead := *recent[2].ReadAt
		if err := db.MarkNotificationsRead(w.ctx, ada.ID, 0); err != nil {
			t.Fatal(err)
		}
		recent, _ = db.RecentNotifications(w.ctx, ada.ID, 0)
		if recent[0].ReadAt == nil || !recent[2].ReadAt.Equal(firstRead) {
			t.Errorf("read all: the newest read at %v, the first re-read (%v → %v)", recent[0].ReadAt, firstRead, recent[2].ReadAt)
		}
		if n, _ := db.UnreadNotifications(w.ctx, ben.ID); n != 1 {
			t.Errorf("Ada reading her feed changed Ben's: %d unread", n)
		}

		before := w.count("notifications")
		err = db.InTx(w.ctx, func(tx *store.Tx) error {
			return tx.InsertNotification(w.ctx, &fresco.Notification{Event: "x", EmployeeID: ptr(int64(987654))})
		})
		if err == nil || w.count("notifications") != before {
			t.Errorf("notification to a missing employee: %v; rows %d → %d", err, before, w.count("notifications"))
		}
	})
}

// TestRecipientsAndAsyncCommit covers who the notifier can reach, and that a
// transaction committed asynchronously is committed all the same.
func TestRecipientsAndAsyncCommit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ada, ben := w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleManager, nil)
		ben.Active = false
		if err := db.UpdateEmployee(w.ctx, ben); err != nil {
			t.Fatal(err)
		}
		w.tx(func(tx *store.Tx) error {
			got, err := tx.Recipients(w.ctx, []int64{ben.ID, 987654, ada.ID})
			if err != nil {
				return err
			}
			want := []store.Recipient{{ID: ada.ID, Name: ada.Name, Email: ada.Email, Active: true}, {ID: ben.ID, Name: ben.Name, Email: ben.Email}}
			if !slices.Equal(got, want) {
				t.Errorf("recipients = %+v, want %+v", got, want)
			}
			if none, err := tx.Recipients(w.ctx, nil); err != nil || none != nil {
				t.Errorf("recipients of nobody = %v, %v", none, err)
			}
			return nil
		})
		w.tx(func(tx *store.Tx) error {
			if err := tx.AsyncCommit(w.ctx); err != nil {
				return err
			}
			return tx.InsertNotification(w.ctx, &fresco.Notification{Event: "job.done", EmployeeID: &ada.ID})
		})
		if n, err := db.UnreadNotifications(w.ctx, ada.ID); err != nil || n != 1 {
			t.Errorf("after an asynchronous commit: %d unread, %v", n, err)
		}
	})
}

// TestEmailOutbox covers the e-mail outbox: queued on insert, attempts
// counted, sent stamped, unknown ids and references refused.
func TestEmailOutbox(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ada := w.employee(fresco.RoleAgent, nil)
		n := &fresco.Notification{Event: "case.assigned", EmployeeID: &ada.ID, Subject: "yours"}
		m := &fresco.EmailMessage{To: ada.Email, Subject: "A case for you", Body: "Hello", Status: fresco.EmailSent}
		w.tx(func(tx *store.Tx) error {
			if err := tx.InsertNotification(w.ctx, n); err != nil {
				return err
			}
			m.NotificationID = &n.ID
			return tx.InsertEmail(w.ctx, m)
		})
		if m.Status != fresco.EmailQueued {
			t.Errorf("a new e-mail has status %q, want queued whatever the caller set", m.Status)
		}
		got, err := db.Email(w.ctx, m.ID)
		if err != nil || got.Status != fresco.EmailQueued || got.To != ada.Email || got.Body != "Hello" || got.Attempts != 0 ||
			got.SentAt != nil || got.NotificationID == nil || *got.NotificationID != n.ID {
			t.Fatalf("e-mail round trip = %+v, %v", got, err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.Email(w.ctx, 987654)))

		if err := db.RecordEmailAttempt(w.ctx, m.ID, fresco.EmailQueued, "connection refused"); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Email(w.ctx, m.ID)
		if got.Status != fresco.EmailQueued || got.Attempts != 1 || got.LastError != "connection refused" || got.SentAt != nil {
			t.Errorf("after a failed attempt: %+v", got)
		}
		if err := db.RecordEmailAttempt(w.ctx, m.ID, fresco.EmailSent, ""); err != nil {
			t.Fatal(err)
		}
		got, _ = db.Email(w.ctx, m.ID)
		if got.Status != fresco.EmailSent || got.Attempts != 2 || got.LastError != "" || got.SentAt == nil || got.SentAt.Before(got.CreatedAt) {
			t.Errorf("after sending: %+v", got)
		}
		if err := db.RecordEmailAttempt(w.ctx, m.ID, "lost", "?"); err == nil {
			t.Error("an e-mail status outside the outbox's was stored")
		}

		before := w.count("email_messages")
		err = db.InTx(w.ctx, func(tx *store.Tx) error {
			return tx.InsertEmail(w.ctx, &fresco.EmailMessage{To: "x@example.com", NotificationID: ptr(int64(987654))})
		})
		if err == nil || w.count("email_messages") != before {
			t.Errorf("e-mail of a missing notification: %v; rows %d → %d", err, before, w.count("email_messages"))
		}
	})
}
