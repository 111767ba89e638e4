package store_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A case's thread keeps its messages in order with their attachments, and a
// reply finds its case from any Message-ID it names: a message of the thread
// or the outbox record of mail sent from the case.
func TestCaseThread(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cu := &fresco.Customer{Name: "Ada", Email: "ada@example.com", Locale: "de-DE"}
		owner := &fresco.Employee{Email: "o@example.com", Name: "Owner", Role: fresco.RoleAgent, Active: true}
		for _, err := range []error{db.CreateCustomer(ctx, cu), db.CreateEmployee(ctx, owner)} {
			if err != nil {
				t.Fatal(err)
			}
		}
		if got, _ := db.Customer(ctx, cu.ID); got.Locale != "de-DE" {
			t.Errorf("locale %q, want de-DE", got.Locale)
		}
		var cases [2]*fresco.Case
		pdf := []byte("%PDF-1.4 receipt")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for i := range cases {
				cases[i] = &fresco.Case{CustomerID: cu.ID, Source: "staff", Summary: "s", Status: fresco.CaseOpen, State: "open",
					OwnerID: owner.ID, OpenedAt: time.Now(), SLAStatus: "running", Details: []byte(`{}`)}
				if err := tx.InsertCase(ctx, cases[i]); err != nil {
					return err
				}
			}
			sent := &fresco.EmailMessage{CustomerID: &cu.ID, CaseID: &cases[1].ID, Purpose: fresco.EmailPurposeCaseReply,
				To: cu.Email, Subject: "Re", Body: "b", MessageID: "out-1@hotel.example"}
			if err := tx.InsertEmail(ctx, sent); err != nil {
				return err
			}
			for _, m := range []*fresco.CaseMessage{
				{CaseID: cases[0].ID, Direction: fresco.MessageIn, MessageID: "in-1@guest.example", From: cu.Email, Subject: "Cold room", Text: "It was cold."},
				{CaseID: cases[0].ID, Direction: fresco.MessageOut, EmailID: &sent.ID, EmployeeID: &owner.ID, MessageID: "out-0@hotel.example",
					InReplyTo: "in-1@guest.example", References: "<in-1@guest.example>", To: cu.Email, Subject: "Re: Cold room", Text: "Sorry."},
				{CaseID: cases[0].ID, Direction: fresco.MessageIn, MessageID: "in-2@guest.example", From: cu.Email, Text: "Photo attached.",
					Attachments: []fresco.CaseAttachment{{Filename: "receipt.pdf", ContentType: "application/pdf", Data: pdf}}},
			} {
				if err := tx.InsertCaseMessage(ctx, m); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		thread, err := db.CaseMessages(ctx, cases[0].ID)
		if err != nil || len(thread) != 3 {
			t.Fatalf("thread %d messages (%v), want 3", len(thread), err)
		}
		if thread[0].Text != "It was cold." || thread[1].InReplyTo != "in-1@guest.example" || *thread[1].EmployeeID != owner.ID ||
			len(thread[0].Attachments) != 0 || len(thread[2].Attachments) != 1 {
			t.Fatalf("thread %+v", thread)
		}
		meta := thread[2].Attachments[0]
		if meta.Size != int64(len(pdf)) || meta.Data != nil || meta.Filename != "receipt.pdf" {
			t.Errorf("listed attachment %+v", meta)
		}
		a, caseID, err := db.CaseAttachment(ctx, meta.ID)
		if err != nil || caseID != cases[0].ID || !bytes.Equal(a.Data, pdf) || a.ContentType != "application/pdf" {
			t.Errorf("attachment %+v of case %d (%v)", a, caseID, err)
		}
		if _, _, err := db.CaseAttachment(ctx, meta.ID+100); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("missing attachment: %v", err)
		}
		for _, c := range []struct {
			ids  []string
			want int64
		}{
			{[]string{"in-2@guest.example"}, cases[0].ID},
			{[]string{"unknown@x", "out-0@hotel.example"}, cases[0].ID},
			{[]string{"out-1@hotel.example"}, cases[1].ID},
			{[]string{"unknown@x"}, 0},
			{nil, 0},
		} {
			var got int64
			var ok bool
			err := db.InTx(ctx, func(tx *store.Tx) (err error) { got, ok, err = tx.CaseForMessageIDs(ctx, c.ids); return err })
			if err != nil || got != c.want || ok != (c.want != 0) {
				t.Errorf("case for %v: %d %v (%v), want %d", c.ids, got, ok, err, c.want)
			}
		}
	})
}
