package portable_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// accessMail is a customer's e-mail with a file attached: sender, subject,
// text, file name and file content.
const accessMail = `From: %[1]s
To: support@shop.example
Subject: %[2]s
Date: Sat, 05 Dec 2026 11:00:00 +0000
Message-ID: <%[4]s@mail.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

%[3]s

--outer
Content-Type: application/pdf; name="%[4]s"
Content-Disposition: attachment; filename="%[4]s"

%[5]s
--outer--
`

// The customer's data carries their e-mail: the mail sent to them, each of
// their cases' conversation both ways, and the name, type and size of the
// file they sent — not the file itself, not staff's mail about them, and
// nothing of another customer's mail.
func TestCustomerDataHoldsTheirEmail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apptest.New(t, db, func(c *app.Config) {
			c.DisableDigest = true
			c.SMTP.From = "Shop <support@shop.example>"
			c.Inbound = app.InboundConfig{Domains: []string{"shop.example"}, MaxBytes: inbound.DefaultMaxBytes}
		})
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		owner := &fresco.Employee{Name: "Olga Owner", Email: "owner@shop.example", Role: fresco.RoleOwner, Active: true}
		must(db.CreateEmployee(ctx, owner))
		staff := recovery.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Name: owner.Name, Role: fresco.RoleOwner, EmployeeID: &owner.ID}

		// Two customers each write in with a file, are answered, and are
		// invited to a survey; every word is theirs alone.
		type person struct {
			from, subject, text, file, content, reply, invitation string
			id, caseID                                            int64
		}
		people := []*person{
			{from: "ada.byron@ada.example", subject: "Cracked teapot", text: "The teapot arrived cracked.", file: "teapot-receipt.pdf",
				content: "%PDF-1.4 ADA-FILE-BYTES", reply: "Dear Ada, a new teapot is on its way.", invitation: "Ada, how was your tea?"},
			{from: "bob.other@bob.example", subject: "Missing spoon", text: "No spoon in the box.", file: "spoon-photo.pdf",
				content: "%PDF-1.4 BOB-FILE-BYTES", reply: "Dear Bob, a spoon is on its way.", invitation: "Bob, how was your soup?"},
		}
		for _, p := range people {
			raw := fmt.Sprintf(accessMail, p.from, p.subject, p.text, p.file, p.content)
			res, err := a.Inbound.Receive(ctx, inbound.Envelope{MailFrom: p.from, Recipients: []string{"support@shop.example"}},
				[]byte(strings.ReplaceAll(raw, "\n", "\r\n")))
			must(err)
			if res.CustomerID == 0 || res.CaseID == 0 {
				t.Fatalf("%s's mail was filed as %+v", p.from, res)
			}
			p.id, p.caseID = res.CustomerID, res.CaseID
			_, err = a.Recovery.Reply(ctx, staff, p.caseID, recovery.ReplyInput{Body: p.reply})
			must(err)
			must(db.InTx(ctx, func(tx *store.Tx) error {
				return a.Notifier.QueueCustomerMail(ctx, tx, &fresco.EmailMessage{CustomerID: &p.id,
					Purpose: fresco.EmailPurposeInvitation, Subject: p.invitation, Body: "Tell us."})
			}))
		}
		ada, bob := people[0], people[1]
		// Staff are told about Ada's case by e-mail, with a remark of their
		// own; the mail names her case and her, and is still staff's.
		const remark = "STAFF-ONLY: she complains every month"
		must(db.InTx(ctx, func(tx *store.Tx) error {
			res, err := a.Notifier.Notify(ctx, tx, notify.Notification{Event: "case.assigned", EmployeeIDs: []int64{owner.ID},
				Subject: remark, Body: remark})
			if err != nil || len(res.NotificationIDs) == 0 {
				return fmt.Errorf("notify: %v (%+v)", err, res)
			}
			return tx.InsertEmail(ctx, &fresco.EmailMessage{NotificationID: &res.NotificationIDs[0], CustomerID: &ada.id,
				CaseID: &ada.caseID, To: owner.Email, Subject: remark, Body: remark})
		}))

		data, err := portable.CustomerData(ctx, db, ada.id)
		must(err)
		str := func(v any) string { return fmt.Sprint(v) }

		// The mail sent to her: the reply on her case and the invitation.
		var subjects []string
		for _, m := range data["email_messages"] {
			subjects = append(subjects, str(m["subject"]))
			if m["purpose"] == fresco.EmailPurposeStaff || str(m["to_addr"]) != ada.from ||
				(str(m["customer_id"]) != str(ada.id) && str(m["case_id"]) != str(ada.caseID)) {
				t.Errorf("e-mail not hers in her data: %v", m)
			}
		}
		if len(subjects) != 2 || !strings.Contains(strings.Join(subjects, "|"), ada.invitation) ||
			!strings.Contains(strings.Join(subjects, "|"), "Re: "+ada.subject) {
			t.Errorf("e-mails in her data have subjects %q, want her invitation and the reply on her case", subjects)
		}

		// Her case's conversation both ways, in order.
		msgs := data["case_messages"]
		if len(msgs) != 2 {
			t.Fatalf("case messages in her data: %v", msgs)
		}
		in, out := msgs[0], msgs[1]
		if in["direction"] != fresco.MessageIn || !strings.Contains(str(in["from_addr"]), ada.from) || in["subject"] != ada.subject ||
			!strings.Contains(str(in["body_text"]), ada.text) || in["created_at"] == nil {
			t.Errorf("her message: %v", in)
		}
		if out["direction"] != fresco.MessageOut || !strings.Contains(str(out["to_addr"]), ada.from) || !strings.Contains(str(out["body_text"]), ada.reply) {
			t.Errorf("the reply to her: %v", out)
		}
		for _, m := range msgs {
			if str(m["case_id"]) != str(ada.caseID) {
				t.Errorf("a message of case %v in her data, her case is %d", m["case_id"], ada.caseID)
			}
		}

		// The file she sent: what it is, not what it holds.
		files := data["case_attachments"]
		if len(files) != 1 {
			t.Fatalf("attachments in her data: %v", files)
		}
		f := files[0]
		if f["filename"] != ada.file || f["content_type"] != "application/pdf" || str(f["case_message_id"]) != str(in["id"]) ||
			f["created_at"] == nil || str(f["size_bytes"]) == "" || str(f["size_bytes"]) == "0" {
			t.Errorf("her attachment: %v", f)
		}
		if _, ok := f["data"]; ok {
			t.Errorf("her attachment carries its file: %v", f)
		}

		raw, err := json.Marshal(data)
		must(err)
		for _, absent := range []string{ada.content, remark, bob.from, bob.subject, bob.text, bob.file, bob.content, bob.reply, bob.invitation} {
			if strings.Contains(string(raw), absent) {
				t.Errorf("her data holds %q", absent)
			}
		}
		// The staff mail is there to be left out.
		var staffMail int
		must(db.QueryRow(ctx, `SELECT COUNT(*) FROM email_messages WHERE case_id = ? AND purpose = 'staff'`, ada.caseID).Scan(&staffMail))
		if staffMail != 1 {
			t.Errorf("%d staff e-mails on her case, want the one", staffMail)
		}
	})
}
