package recovery_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// mailWorld is a world whose service sends replies through a notifier to
// an SMTP receiver, with a queue delivering them.
type mailWorld struct {
	*world
	smtp *notifytest.SMTPServer
}

func business(context.Context) fresco.Settings {
	s := fresco.DefaultSettings()
	s.BusinessName = "Harbour Hotel"
	return s
}

func newMailWorld(t *testing.T, db *store.DB) *mailWorld {
	t.Helper()
	w := newWorld(t, db)
	srv := notifytest.StartSMTP(t)
	n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: srv.Addr, From: "care@hotel.example"}, Business: business})
	q := jobs.New(db, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond,
		Backoff: func(int) time.Duration { return 30 * time.Millisecond }, Logger: slog.New(slog.DiscardHandler)})
	n.Register(q)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	svc, err := recovery.New(recovery.Options{DB: db, Now: w.clock.Now, Mailer: n, Business: business, Notify: q.Notify})
	must(t, err)
	w.svc = svc
	return &mailWorld{world: w, smtp: srv}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// receive files an inbound message on the case as the inbound mail code
// does: the message and MessageReceived in one transaction.
func (w *mailWorld) receive(t *testing.T, caseID int64, messageID, subject, text string) *fresco.CaseMessage {
	t.Helper()
	ctx := context.Background()
	m := &fresco.CaseMessage{CaseID: caseID, Direction: fresco.MessageIn, MessageID: messageID, From: "grace@example.com",
		To: "care@hotel.example", Subject: subject, Text: text,
		Attachments: []fresco.CaseAttachment{{Filename: "receipt.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 receipt")}}}
	var after func(context.Context)
	must(t, w.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertCaseMessage(ctx, m); err != nil {
			return err
		}
		var err error
		after, err = w.svc.MessageReceived(ctx, tx, caseID, m.ID)
		return err
	}))
	after(ctx)
	return m
}

func (w *mailWorld) sent(t *testing.T, emailID int64) *fresco.EmailMessage {
	t.Helper()
	var got *fresco.EmailMessage
	waitUntil(t, "the reply sent", func() bool {
		var err error
		got, err = w.db.Email(context.Background(), emailID)
		return err == nil && got.Status == fresco.EmailSent
	})
	return got
}

// A reply goes out once, from the business by name, threaded on what the
// customer wrote: In-Reply-To their last message, References the whole
// thread; it is the case's first response and is on the timeline and in
// the audit log.
func TestReplyIsThreadedAndSentOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMailWorld(t, db)
		c := w.open(t, w.agent)
		w.receive(t, c.ID, "first@guest.example", "Cold room", "The heating is broken.")

		m, err := w.svc.Reply(ctx, w.agent, c.ID, recovery.ReplyInput{Body: "We are on our way with a heater."})
		must(t, err)
		if m.Subject != "Re: Cold room" || m.InReplyTo != "first@guest.example" || m.References != "<first@guest.example>" ||
			m.Direction != fresco.MessageOut || m.EmailID == nil || *m.EmployeeID != *w.agent.EmployeeID {
			t.Fatalf("reply = %+v", m)
		}
		if m.From != `"Harbour Hotel" <care@hotel.example>` {
			t.Errorf("from %q, want the business by name", m.From)
		}
		w.sent(t, *m.EmailID)
		if got := len(w.smtp.Messages()); got != 1 {
			t.Fatalf("%d e-mails received, want 1", got)
		}
		data := w.smtp.Messages()[0].Data
		for _, want := range []string{"Message-ID: <" + m.MessageID + ">", "In-Reply-To: <first@guest.example>",
			"References: <first@guest.example>", "Subject: Re: Cold room", `From: "Harbour Hotel" <care@hotel.example>`,
			"To: <grace@example.com>", "We are on our way with a heater."} {
			if !strings.Contains(data, want) {
				t.Errorf("the e-mail lacks %q:\n%s", want, data)
			}
		}

		// A second reply threads on the same inbound message and names the
		// whole thread, the first reply included.
		m2, err := w.svc.Reply(ctx, w.manager, c.ID, recovery.ReplyInput{Subject: "Your room", Body: "All fixed?"})
		must(t, err)
		if m2.InReplyTo != "first@guest.example" || m2.References != "<first@guest.example> <"+m.MessageID+">" || m2.Subject != "Your room" {
			t.Errorf("second reply = %+v", m2)
		}
		w.sent(t, *m2.EmailID)
		if got := len(w.smtp.Messages()); got != 2 {
			t.Errorf("%d e-mails received after two replies, want 2", got)
		}

		got, err := db.Case(ctx, c.ID)
		must(t, err)
		if got.FirstResponseAt == nil {
			t.Error("the reply did not count as the first response")
		}
		events, err := db.CaseTimeline(ctx, c.ID)
		must(t, err)
		if !hasKind(events, "reply_sent") || !hasKind(events, "message_received") {
			t.Errorf("timeline %v lacks reply_sent or message_received", kinds(events))
		}
		audit, err := db.ListAuditPage(ctx, store.AuditFilter{Action: "case.reply_sent", Limit: 10})
		must(t, err)
		if len(audit) != 2 {
			t.Errorf("%d audit records of replies, want 2", len(audit))
		}
		thread, err := w.svc.Thread(ctx, w.analyst, c.ID)
		must(t, err)
		if len(thread) != 3 || thread[0].Direction != fresco.MessageIn || len(thread[0].Attachments) != 1 ||
			thread[1].Email == nil || thread[1].Email.Status != fresco.EmailSent {
			t.Errorf("thread = %+v", thread)
		}
	})
}

// The first reply on a case nobody has written on is "About your case #N";
// replies are refused on a closed case (409), by an analyst (403), without
// a body or with a bad subject or template (422 naming the field), and to a
// customer without an address (409) — each leaving nothing behind. Any
// writer may reply on any case the state allows, their own or another's.
func TestReplyRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMailWorld(t, db)
		c := w.open(t, w.agent)
		m, err := w.svc.Reply(ctx, w.agent2, c.ID, recovery.ReplyInput{Body: "Hello from a colleague."})
		must(t, err)
		if m.Subject != "About your case #"+itoa(c.ID) || m.InReplyTo != "" || m.References != "" {
			t.Errorf("first reply = %+v", m)
		}
		count := func() int {
			list, err := db.CaseMessages(ctx, c.ID)
			must(t, err)
			return len(list)
		}
		before := count()
		bad := int64(999999)
		for _, tc := range []struct {
			name  string
			by    recovery.Actor
			in    recovery.ReplyInput
			code  string
			field string
		}{
			{"analyst", w.analyst, recovery.ReplyInput{Body: "x"}, fresco.EFORBIDDEN, ""},
			{"no body", w.agent, recovery.ReplyInput{Body: "  "}, fresco.EINVALID, "body"},
			{"two-line subject", w.agent, recovery.ReplyInput{Subject: "a\r\nBcc: x@evil.example", Body: "x"}, fresco.EINVALID, "subject"},
			{"no such template", w.agent, recovery.ReplyInput{TemplateID: &bad}, fresco.EINVALID, "template_id"},
		} {
			_, err := w.svc.Reply(ctx, tc.by, c.ID, tc.in)
			if fresco.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", tc.name, err, tc.code)
				continue
			}
			if tc.field != "" && (len(fresco.ErrorFields(err)) == 0 || fresco.ErrorFields(err)[0].Field != tc.field) {
				t.Errorf("%s: fields %v, want %s", tc.name, fresco.ErrorFields(err), tc.field)
			}
		}
		_, err = w.svc.Close(ctx, w.agent, c.ID, recovery.CloseInput{RootCauseCategory: "heating", RootCauseSource: "training",
			Resolution: "fixed"})
		must(t, err)
		_, err = w.svc.Reply(ctx, w.agent, c.ID, recovery.ReplyInput{Body: "One more thing"})
		wantCode(t, err, fresco.ECONFLICT)
		if after := count(); after != before {
			t.Errorf("refused replies left %d messages, want %d", after, before)
		}

		silent := &fresco.Customer{Name: "No Mail"}
		must(t, db.CreateCustomer(ctx, silent))
		c2, err := w.svc.Open(ctx, w.agent, recovery.OpenInput{CustomerID: silent.ID, Summary: "phoned in"})
		must(t, err)
		_, err = w.svc.Reply(ctx, w.agent, c2.ID, recovery.ReplyInput{Body: "Hello?"})
		wantCode(t, err, fresco.ECONFLICT)
		if list, _ := db.CaseMessages(ctx, c2.ID); len(list) != 0 {
			t.Errorf("a refused reply left %d messages", len(list))
		}
	})
}

// Managers keep reply templates; a placeholder Fresco cannot fill is
// refused naming the field; a template picked for a case is filled with
// the customer, the case, its latest granted gesture, the writer and the
// business.
func TestReplyTemplates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMailWorld(t, db)
		in := recovery.ReplyTemplateInput{Name: "Sorry", Subject: "Case #{case_number}",
			Body: "Dear {customer_name}, please accept {gesture}. {employee_name}, {business}"}
		_, err := w.svc.CreateReplyTemplate(ctx, w.agent, in)
		wantCode(t, err, fresco.EFORBIDDEN)
		for field, bad := range map[string]recovery.ReplyTemplateInput{
			"body":    {Name: "x", Body: "Hi {first_name}"},
			"subject": {Name: "x", Subject: "{case_id}", Body: "ok"},
			"name":    {Body: "ok"},
		} {
			_, err := w.svc.CreateReplyTemplate(ctx, w.manager, bad)
			fields := fresco.ErrorFields(err)
			if fresco.ErrorCode(err) != fresco.EINVALID || len(fields) != 1 || fields[0].Field != field {
				t.Errorf("%+v: %v %v, want invalid %s", bad, err, fields, field)
			}
			if field == "body" && !strings.Contains(fields[0].Message, "{first_name}") {
				t.Errorf("message %q does not name the placeholder", fields[0].Message)
			}
		}
		tpl, err := w.svc.CreateReplyTemplate(ctx, w.manager, in)
		must(t, err)
		_, err = w.svc.CreateReplyTemplate(ctx, w.manager, in)
		wantCode(t, err, fresco.ECONFLICT)

		c := w.open(t, w.agent)
		_, err = w.svc.RequestGesture(ctx, w.agent, c.ID, recovery.GestureInput{Kind: "refund", Amount: 3000})
		must(t, err)
		filled, err := w.svc.FillTemplates(ctx, w.agent, c.ID)
		must(t, err)
		wantBody := "Dear Grace Hopper, please accept a refund of $30.00. ann, Harbour Hotel"
		if len(filled) != 1 || filled[0].Subject != "Case #"+itoa(c.ID) || filled[0].Body != wantBody {
			t.Fatalf("filled = %+v, want body %q", filled, wantBody)
		}
		// Sent with the template and no text of its own, the reply is the
		// filled template.
		m, err := w.svc.Reply(ctx, w.agent, c.ID, recovery.ReplyInput{TemplateID: &tpl.ID})
		must(t, err)
		if m.Text != wantBody || m.Subject != "Case #"+itoa(c.ID) {
			t.Errorf("reply from template = %q / %q", m.Subject, m.Text)
		}

		in.Body = "Hello {customer_name}"
		if _, err := w.svc.UpdateReplyTemplate(ctx, w.manager, tpl.ID, in); err != nil {
			t.Fatal(err)
		}
		must(t, w.svc.DeleteReplyTemplate(ctx, w.manager, tpl.ID))
		wantCode(t, w.svc.DeleteReplyTemplate(ctx, w.manager, tpl.ID), fresco.ENOTFOUND)
		audit, err := db.ListAuditPage(ctx, store.AuditFilter{Entity: "reply_template", Limit: 10})
		must(t, err)
		if len(audit) != 3 {
			t.Errorf("%d audit records of templates, want created, updated, deleted", len(audit))
		}
	})
}

// An inbound message on a resolved case reopens it, and one on a case
// waiting on the customer puts it back to open; a merged case refuses it.
func TestMessageReceivedReopens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newMailWorld(t, db)
		c := w.open(t, w.agent)
		_, err := w.svc.Resolve(ctx, w.agent, c.ID, "heater brought")
		must(t, err)
		w.receive(t, c.ID, "again@guest.example", "Still cold", "It broke again.")
		got, err := db.Case(ctx, c.ID)
		must(t, err)
		if got.Status != fresco.CaseOpen || got.ReopenCount != 1 {
			t.Errorf("after the customer wrote: %s, reopened %d times", got.Status, got.ReopenCount)
		}
		d := w.open(t, w.agent)
		_, err = w.svc.Merge(ctx, w.agent, d.ID, c.ID)
		must(t, err)
		m := &fresco.CaseMessage{CaseID: d.ID, Direction: fresco.MessageIn, MessageID: "late@guest.example", Subject: "Hello"}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCaseMessage(ctx, m); err != nil {
				return err
			}
			_, err := w.svc.MessageReceived(ctx, tx, d.ID, m.ID)
			return err
		})
		wantCode(t, err, fresco.ECONFLICT)
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
