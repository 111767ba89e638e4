package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The thread's version, which open case pages poll, moves when a message
// is filed and when a reply's send status moves on, and only then; the
// thread head names the last inbound message and every Message-ID in order.
func TestCaseThreadVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cu := &fresco.Customer{Name: "Ada", Email: "ada@example.com"}
		owner := &fresco.Employee{Email: "o@example.com", Name: "Owner", Role: fresco.RoleAgent, Active: true}
		for _, err := range []error{db.CreateCustomer(ctx, cu), db.CreateEmployee(ctx, owner)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		c := &fresco.Case{CustomerID: cu.ID, Source: "staff", Summary: "s", Status: fresco.CaseOpen, State: "open",
			OwnerID: owner.ID, OpenedAt: time.Now(), SLAStatus: "none", Details: []byte(`{}`)}
		version := func() string {
			t.Helper()
			v, err := db.CaseThreadVersion(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			return v
		}
		var mail fresco.EmailMessage
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }); err != nil {
			t.Fatal(err)
		}
		empty := version()
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCaseMessage(ctx, &fresco.CaseMessage{CaseID: c.ID, Direction: fresco.MessageIn, MessageID: "a@x", Subject: "Hi"}); err != nil {
				return err
			}
			mail = fresco.EmailMessage{CustomerID: &cu.ID, CaseID: &c.ID, Purpose: fresco.EmailPurposeCaseReply, To: cu.Email,
				Subject: "Re: Hi", Body: "Hello", MessageID: "b@y"}
			if err := tx.InsertEmail(ctx, &mail); err != nil {
				return err
			}
			return tx.InsertCaseMessage(ctx, &fresco.CaseMessage{CaseID: c.ID, Direction: fresco.MessageOut, EmailID: &mail.ID, MessageID: "b@y"})
		})
		if err != nil {
			t.Fatal(err)
		}
		filed := version()
		if filed == empty || version() != filed {
			t.Fatalf("versions %q then %q, %q: want a change on filing and none on reading", empty, filed, version())
		}
		if err := db.RecordEmailAttempt(ctx, mail.ID, fresco.EmailSent, ""); err != nil {
			t.Fatal(err)
		}
		if version() == filed {
			t.Error("the version did not move when the reply was sent")
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			h, err := tx.CaseThreadHead(ctx, c.ID)
			if err != nil {
				return err
			}
			if len(h.MessageIDs) != 2 || h.MessageIDs[0] != "a@x" || h.LastInbound == nil || h.LastInbound.Subject != "Hi" || h.Last.MessageID != "b@y" {
				t.Errorf("thread head = %+v", h)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		mails, err := db.CaseEmails(ctx, c.ID)
		if err != nil || mails[mail.ID] == nil || mails[mail.ID].Status != fresco.EmailSent {
			t.Errorf("case e-mails = %v (%v)", mails, err)
		}
	})
}
