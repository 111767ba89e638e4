package notify_test

import (
	"context"
	"mime"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// SendMail delivers one message to a real SMTP receiver: envelope, headers
// (a UTF-8 subject encoded, line breaks in it flattened so no header can be
// injected) and a body with CRLF line ends.
func TestSendMailToReceiver(t *testing.T) {
	t.Parallel()
	srv := notifytest.StartSMTP(t)
	cfg := notify.SMTPConfig{Addr: srv.Addr, From: "Fresco <fresco@example.com>"}
	subject := "Café complaint\r\nBcc: evil@example.com"
	err := notify.SendMail(context.Background(), cfg, notify.Mail{To: "Ann <ann@example.com>", Subject: subject,
		Text: "Line one\nLine two ünïcode", HTML: "<p>Line one</p>", MessageID: "fresco.email.1.2@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages arrived", len(msgs))
	}
	m := msgs[0]
	if m.From != "fresco@example.com" || len(m.To) != 1 || m.To[0] != "ann@example.com" {
		t.Fatalf("envelope from %q to %v", m.From, m.To)
	}
	head, body, ok := strings.Cut(m.Data, "\r\n\r\n")
	if !ok {
		t.Fatalf("no header/body separator in %q", m.Data)
	}
	var gotSubject string
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Errorf("a header was injected through the subject: %q", line)
		}
		if s, ok := strings.CutPrefix(line, "Subject: "); ok {
			gotSubject, err = new(mime.WordDecoder).DecodeHeader(s)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	if gotSubject != "Café complaint  Bcc: evil@example.com" {
		t.Errorf("subject decoded to %q", gotSubject)
	}
	for _, want := range []string{"From: \"Fresco\" <fresco@example.com>", "To: \"Ann\" <ann@example.com>",
		"Message-ID: <fresco.email.1.2@example.com>", "Content-Type: multipart/alternative"} {
		if !strings.Contains(head, want) {
			t.Errorf("headers lack %q:\n%s", want, head)
		}
	}
	if strings.Contains(head, "List-Unsubscribe") {
		t.Error("a message without an unsubscribe URL has List-Unsubscribe")
	}
	if !strings.Contains(body, "Line one\r\nLine two =C3=BCn=C3=AFcode") || !strings.Contains(body, "Content-Type: text/html") ||
		strings.Index(body, "text/plain") > strings.Index(body, "text/html") {
		t.Errorf("body %q: want the text, then the HTML alternative", body)
	}
}

// Configuration mistakes are refused before any connection, as permanent
// errors naming the setting; a server without STARTTLS or AUTH is refused
// when they are required.
func TestSendMailRefusals(t *testing.T) {
	t.Parallel()
	srv := notifytest.StartSMTP(t)
	cases := []struct {
		name string
		cfg  notify.SMTPConfig
		to   string
		want string
	}{
		{"bad sender", notify.SMTPConfig{Addr: srv.Addr, From: "not an address"}, "ann@example.com", "FRESCO_SMTP_FROM"},
		{"bad recipient", notify.SMTPConfig{Addr: srv.Addr, From: "f@example.com"}, "ann-at-example", "recipient"},
		{"address without port", notify.SMTPConfig{Addr: "localhost", From: "f@example.com"}, "ann@example.com", "FRESCO_SMTP_ADDR"},
		{"TLS required", notify.SMTPConfig{Addr: srv.Addr, From: "f@example.com", RequireTLS: true}, "ann@example.com", "STARTTLS"},
		{"AUTH unavailable", notify.SMTPConfig{Addr: srv.Addr, From: "f@example.com", User: "u", Password: "p"}, "ann@example.com", "AUTH"},
	}
	for _, tc := range cases {
		err := notify.SendMail(context.Background(), tc.cfg, notify.Mail{To: tc.to, Subject: "s", Text: "b"})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error mentioning %s", tc.name, err, tc.want)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages got through refused configurations", n)
	}
}

// An e-mail the server keeps refusing is marked failed after the allowed
// attempts, no more.
func TestEmailFailsAfterItsAttempts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
		srv := notifytest.StartSMTP(t)
		srv.FailNext(100)
		n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: srv.Addr, From: "fresco@example.com"}, EmailAttempts: 2})
		if !n.SMTPConfigured() {
			t.Fatal("SMTP with an address and a sender is not configured")
		}
		startQueue(t, db, n)
		id := sendEmail(t, n, ann)
		waitFor(t, "e-mail failed", func() bool {
			m, err := db.Email(ctx, id)
			return err == nil && m.Status == fresco.EmailFailed
		})
		m, err := db.Email(ctx, id)
		if err != nil || m.Attempts != 2 || !strings.Contains(m.LastError, "451") {
			t.Fatalf("failed e-mail %+v %v", m, err)
		}
		if len(srv.Messages()) != 0 {
			t.Error("a refused message was kept")
		}
	})
}

// A receiver that keeps failing gets the allowed attempts, then the delivery
// fails; unlike 410 Gone, the subscription stays active.
func TestWebhookFailsAfterItsAttemptsButStaysActive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rc := newReceiver(t, 500, 502, 503, 504, 500, 500)
		n := notify.New(db, notify.Options{WebhookAttempts: 3})
		startQueue(t, db, n)
		h, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: rc.srv.URL, Events: []string{notify.EventComplaint}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Send(ctx, notify.Notification{Event: notify.EventComplaint, Data: map[string]string{"case": "7"}}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "delivery failed", func() bool {
			l, err := db.ListDeliveries(ctx, h.ID, 0, 10)
			return err == nil && len(l) == 1 && l[0].Status == fresco.DeliveryFailed
		})
		l, _ := db.ListDeliveries(ctx, h.ID, 0, 10)
		if got := len(l[0].AttemptLog); got != 3 || len(rc.requests()) != 3 {
			t.Fatalf("%d attempts logged, %d requests received; want 3", got, len(rc.requests()))
		}
		want := []int{500, 502, 503}
		for i, a := range l[0].AttemptLog {
			if a.StatusCode == nil || *a.StatusCode != want[i] || a.Error == "" {
				t.Errorf("attempt %d: %+v, want status %d with an error", i, a, want[i])
			}
		}
		w, err := db.Webhook(ctx, h.ID)
		if err != nil || !w.Active {
			t.Fatalf("subscription after failures: %+v %v, want it still active", w, err)
		}
	})
}

// NotifyNow with DeliverNow delivers at once, without a queue running, and
// withdraws the safety-net job once the delivery is settled.
func TestDeliverNowWithoutQueue(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rc := newReceiver(t)
		n := notify.New(db, notify.Options{InlineGrace: time.Hour})
		h, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: rc.srv.URL, Events: []string{"*"}})
		if err != nil {
			t.Fatal(err)
		}
		var res *notify.Result
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = n.NotifyNow(ctx, tx, notify.Notification{Event: notify.EventDetractor, Data: map[string]int{"nps": 2}})
			return err
		})
		if err != nil || len(res.DeliveryIDs) != 1 {
			t.Fatalf("NotifyNow: %+v %v", res, err)
		}
		var queued int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = 'queued'`, notify.JobWebhook).Scan(&queued)
		if queued != 1 {
			t.Fatalf("%d safety-net jobs queued, want 1", queued)
		}
		n.DeliverNow(res, nil)
		waitFor(t, "inline delivery", func() bool {
			l, err := db.ListDeliveries(ctx, h.ID, 0, 10)
			return err == nil && len(l) == 1 && l[0].Status == fresco.DeliveryDelivered
		})
		waitFor(t, "safety-net job withdrawn", func() bool {
			var n int
			return db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ?`, notify.JobWebhook).Scan(&n) == nil && n == 0
		})
		reqs := rc.requests()
		if len(reqs) != 1 || !strings.Contains(string(reqs[0].body), `"nps":2`) {
			t.Fatalf("receiver got %d requests: %+v", len(reqs), reqs)
		}
		if reqs[0].header.Get(notify.HeaderDelivery) == "" {
			t.Error("inline delivery lacks its delivery id")
		}
	})
}

// An inline attempt that fails leaves the delivery pending and its job
// queued, for the queue to retry after the grace period.
func TestDeliverNowFailureLeavesTheJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rc := newReceiver(t, 503)
		n := notify.New(db, notify.Options{InlineGrace: time.Hour})
		h, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: rc.srv.URL, Events: []string{"*"}})
		if err != nil {
			t.Fatal(err)
		}
		var res *notify.Result
		err = db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			res, err = n.NotifyNow(ctx, tx, notify.Notification{Event: notify.EventComplaint})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		n.DeliverNow(res)
		waitFor(t, "inline attempt logged", func() bool {
			l, err := db.ListDeliveries(ctx, h.ID, 0, 10)
			return err == nil && len(l) == 1 && len(l[0].AttemptLog) == 1
		})
		l, _ := db.ListDeliveries(ctx, h.ID, 0, 10)
		if l[0].Status != fresco.DeliveryPending {
			t.Errorf("delivery after a failed inline attempt: %s, want pending", l[0].Status)
		}
		var queued int
		db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = 'queued'`, notify.JobWebhook).Scan(&queued)
		if queued != 1 {
			t.Errorf("%d jobs queued after the failed attempt, want the safety net", queued)
		}
	})
}
