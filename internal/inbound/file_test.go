package inbound_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// world is Fresco built as serve builds it, with the inbound SMTP listener
// on a free port and the HTTP server, and a manager to own the cases.
type world struct {
	t       *testing.T
	db      *store.DB
	app     *app.App
	smtp    string // the listener's address
	http    *httptest.Server
	token   string // an agent's API token
	manager int64
	clock   *clock
}

// clock is the test's time, which the test moves on.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// with is the world for subtest t (its helpers fail t, not the parent).
func (w *world) with(t *testing.T) *world {
	c := *w
	c.t = t
	return &c
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	w := &world{t: t, db: db, clock: &clock{now: time.Now().UTC()}}
	w.app = apptest.New(t, db, func(c *app.Config) {
		c.Now = w.clock.Now
		c.SMTP.From = "Shop <support@shop.example>"
		c.Inbound = app.InboundConfig{Listen: "127.0.0.1:0", Domains: []string{"shop.example"}, MaxBytes: inbound.DefaultMaxBytes}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.smtp = ln.Addr().String()
	go w.app.InboundSMTP.Serve(ln)
	t.Cleanup(func() { w.app.InboundSMTP.Close() })
	w.http = httptest.NewServer(w.app.Server)
	t.Cleanup(w.http.Close)
	ctx := context.Background()
	// The owner owns the cases that come with no location.
	m := &fresco.Employee{Email: "owner@shop.example", Name: "Olga Owner", Role: fresco.RoleOwner, Active: true}
	if err := db.CreateEmployee(ctx, m); err != nil {
		t.Fatal(err)
	}
	w.manager = m.ID
	w.token, _, err = w.app.Server.Auth().CreateAPIToken(ctx, "mail provider", fresco.RoleAgent)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) advance(d time.Duration) {
	w.clock.mu.Lock()
	w.clock.now = w.clock.now.Add(d)
	w.clock.mu.Unlock()
}

// transports deliver a raw message: over SMTP to the listener, or posted
// to the webhook. Both must file it the same way.
var transports = []string{"smtp", "http"}

// deliver sends raw by way of via and fails the test if it is refused.
func (w *world) deliver(via string, raw []byte) {
	w.t.Helper()
	if err := w.send(via, "sender@example.net", []string{"support@shop.example"}, raw); err != nil {
		w.t.Fatalf("%s: %v", via, err)
	}
}

func (w *world) send(via, from string, to []string, raw []byte) error {
	if via == "smtp" {
		return sendSMTP(w.smtp, from, to, raw)
	}
	req, err := http.NewRequest("POST", w.http.URL+"/api/v1/inbound/email", bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "message/rfc822")
	req.Header.Set("Authorization", "Bearer "+w.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d: %s", res.StatusCode, body)
	}
	var out struct{ Outcome string }
	return json.Unmarshal(body, &out)
}

// customer finds the customer with the address, or nil.
func (w *world) customer(addr string) *fresco.Customer {
	w.t.Helper()
	var c *fresco.Customer
	err := w.db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		c, err = tx.CustomerByEmail(context.Background(), addr)
		return err
	})
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return nil
	}
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) cases(customerID int64) []*fresco.Case {
	w.t.Helper()
	list, _, err := w.db.ListCases(context.Background(), store.CaseFilter{CustomerID: &customerID, Limit: 50})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

func (w *world) thread(caseID int64) []fresco.CaseMessage {
	w.t.Helper()
	list, err := w.db.CaseMessages(context.Background(), caseID)
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

// onlyCase is the customer's one case, with its one message.
func (w *world) onlyCase(addr string) (*fresco.Customer, *fresco.Case, fresco.CaseMessage) {
	w.t.Helper()
	c := w.customer(addr)
	if c == nil {
		w.t.Fatalf("no customer %s", addr)
	}
	cases := w.cases(c.ID)
	if len(cases) != 1 {
		w.t.Fatalf("%s has %d cases, want 1", addr, len(cases))
	}
	msgs := w.thread(cases[0].ID)
	if len(msgs) != 1 {
		w.t.Fatalf("case %d has %d messages, want 1", cases[0].ID, len(msgs))
	}
	return c, cases[0], msgs[0]
}

func (w *world) notifications(caseID int64, kind string) int {
	w.t.Helper()
	list, err := w.db.ListCaseNotifications(context.Background(), caseID, 0, 100)
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, x := range list {
		if x.Kind == kind {
			n++
		}
	}
	return n
}

func (w *world) countCases() int {
	w.t.Helper()
	list, _, err := w.db.ListCases(context.Background(), store.CaseFilter{Limit: 500})
	if err != nil {
		w.t.Fatal(err)
	}
	return len(list)
}

// TestNewMessagesOpenCases files each kind of real message over SMTP and
// over the webhook, on both engines.
func TestNewMessagesOpenCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		for _, via := range transports {
			t.Run(via, func(t *testing.T) {
				w := w.with(t)
				// Each transport files the same fixtures; the database is
				// shared, so the second must find the first's as duplicates
				// and is given fresh Message-IDs instead.
				fresh := func(name string) []byte {
					return bytes.Replace(fixture(t, name), []byte("Message-ID: <"), []byte("Message-ID: <"+via+"."), 1)
				}
				ctx := context.Background()

				t.Run("plain text from a new sender: a new customer and case", func(t *testing.T) {
					w := w.with(t)
					c, cs, m := w.fileNew(via, fresh("plain.eml"), "anna.berg@example.net")
					if c.Name != "Anna Berg" || cs.Source != "email" || cs.Summary != "Question about opening hours" || cs.OwnerID != w.manager {
						t.Errorf("customer %q, case %+v", c.Name, cs)
					}
					if m.Direction != fresco.MessageIn || !strings.Contains(m.Text, "Sunday before Christmas") ||
						m.MessageID != via+".plain-0001@example.net" || !strings.Contains(m.From, "anna.berg@example.net") {
						t.Errorf("message %+v", m)
					}
					if w.notifications(cs.ID, "special_attention") != 0 {
						t.Error("a question was flagged for special attention")
					}
					// The same classifier and loop as any listening post: the mail is a response at the e-mail post.
					rs, _, err := db.ListResponses(ctx, store.ResponseFilter{CustomerID: &c.ID, PostSlug: feedback.PostEmail, Limit: 10})
					if err != nil || cs.SourceResponseID == nil {
						t.Fatalf("responses %v, case's %v", err, cs.SourceResponseID)
					}
					var r *fresco.Response
					for _, x := range rs {
						if x.ID == *cs.SourceResponseID {
							r = x
						}
					}
					if r == nil || r.Sentiment == nil || r.Source != "email" || !strings.Contains(r.Comment, "Question about opening hours") {
						t.Fatalf("the case's response %+v is not the e-mail at the e-mail post", r)
					}
				})
				t.Run("a complaint flags special attention", func(t *testing.T) {
					w := w.with(t)
					_, cs, _ := w.fileNew(via, fresh("complaint.eml"), "frank@example.com")
					if w.notifications(cs.ID, "special_attention") != 1 {
						t.Error("the complaint did not flag the customer for special attention")
					}
				})
				t.Run("HTML only", func(t *testing.T) {
					w := w.with(t)
					_, _, m := w.fileNew(via, fresh("html_only.eml"), "ben@example.org")
					if !strings.Contains(m.Text, "How do I check the balance of my gift card?") || strings.Contains(m.Text, "alert") ||
						!strings.Contains(m.HTML, "<b>gift card</b>") {
						t.Errorf("text %q", m.Text)
					}
				})
				t.Run("multipart with a PDF attachment, and a refused executable", func(t *testing.T) {
					w := w.with(t)
					_, _, m := w.fileNew(via, fresh("multipart_pdf.eml"), "chloe@example.com")
					if len(m.Attachments) != 1 || m.Attachments[0].Filename != "receipt.pdf" || m.Attachments[0].ContentType != "application/pdf" {
						t.Fatalf("attachments %+v", m.Attachments)
					}
					a, _, err := db.CaseAttachment(ctx, m.Attachments[0].ID)
					if err != nil || !bytes.HasPrefix(a.Data, []byte("%PDF-1.4")) {
						t.Errorf("attachment data %q, %v", a.Data, err)
					}
					if !strings.Contains(m.Text, "setup.exe (application/x-msdownload, 64 bytes): this type of file is not accepted") {
						t.Errorf("the refused file is not named on the message: %q", m.Text)
					}
				})
				t.Run("ISO-8859-1 quoted-printable", func(t *testing.T) {
					w := w.with(t)
					c, cs, m := w.fileNew(via, fresh("latin1_qp.eml"), "juergen@example.de")
					if c.Name != "Jürgen Müller" || cs.Summary != "Grüße aus Köln" || !strings.Contains(m.Text, "danke schön für den freundlichen Service.\nÀ bientôt") {
						t.Errorf("name %q summary %q text %q", c.Name, cs.Summary, m.Text)
					}
					if m.From != "Jürgen Müller <juergen@example.de>" {
						t.Errorf("the thread's sender reads %q, want the name as people write it", m.From)
					}
				})
				t.Run("a DSN bounce marks the address and opens nothing", func(t *testing.T) {
					w := w.with(t)
					gone := w.customer("gone@example.net")
					if gone == nil {
						gone = &fresco.Customer{Name: "Gone", Email: "gone@example.net"}
						if err := db.CreateCustomer(ctx, gone); err != nil {
							t.Fatal(err)
						}
					}
					n := w.countCases()
					w.deliver(via, fresh("dsn_bounce.eml"))
					if got := w.customer("gone@example.net"); got.EmailUndeliverableAt == nil {
						t.Error("the bounced address is not marked undeliverable")
					}
					if later := w.customer("later@example.net"); later != nil {
						t.Error("a customer was made of a delayed recipient")
					}
					if w.customer("mailer-daemon@mx.example.net") != nil || w.countCases() != n {
						t.Error("the bounce opened a case")
					}
				})
				t.Run("an auto-reply opens nothing", func(t *testing.T) {
					w := w.with(t)
					n := w.countCases()
					w.deliver(via, fresh("auto_reply.eml"))
					if w.customer("emil@example.net") != nil || w.countCases() != n {
						t.Error("the auto-reply made a customer or a case")
					}
				})
				t.Run("our own mail come back opens nothing", func(t *testing.T) {
					w := w.with(t)
					n := w.countCases()
					w.deliver(via, fixture(t, "loop.eml"))
					if w.customer("support@shop.example") != nil || w.countCases() != n {
						t.Error("the loop made a customer or a case")
					}
				})
				t.Run("the same message twice is filed once", func(t *testing.T) {
					w := w.with(t)
					n := w.countCases()
					w.deliver(via, fresh("plain.eml"))
					if w.countCases() != n {
						t.Error("a second delivery of the same Message-ID opened a case")
					}
				})
			})
		}
	})
}

// fileNew delivers a message from addr that opens a case, and returns
// the customer, the case and its one message.
func (w *world) fileNew(via string, raw []byte, addr string) (*fresco.Customer, *fresco.Case, fresco.CaseMessage) {
	w.t.Helper()
	before := w.customer(addr)
	w.deliver(via, raw)
	return w.onlyCaseAfter(addr, before)
}

// onlyCaseAfter is onlyCase for an address that the shared database may
// already know from the other transport's run: the newest case then.
func (w *world) onlyCaseAfter(addr string, before *fresco.Customer) (*fresco.Customer, *fresco.Case, fresco.CaseMessage) {
	w.t.Helper()
	if before == nil {
		return w.onlyCase(addr)
	}
	c := w.customer(addr)
	cases := w.cases(c.ID)
	newest := cases[0]
	for _, x := range cases {
		if x.ID > newest.ID {
			newest = x
		}
	}
	msgs := w.thread(newest.ID)
	if len(msgs) != 1 {
		w.t.Fatalf("case %d has %d messages", newest.ID, len(msgs))
	}
	return c, newest, msgs[0]
}

// caseWithOutgoing opens a case for the customer and records on its thread
// the message Fresco sent, whose Message-ID reply.eml answers.
func (w *world) caseWithOutgoing(customerID int64, messageID string) *fresco.Case {
	w.t.Helper()
	ctx := context.Background()
	c, err := w.app.Recovery.Open(ctx, recovery.System, recovery.OpenInput{CustomerID: customerID, Summary: "Cold food",
		OwnerID: &w.manager})
	if err != nil {
		w.t.Fatal(err)
	}
	err = w.db.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertCaseMessage(ctx, &fresco.CaseMessage{CaseID: c.ID, Direction: fresco.MessageOut, MessageID: messageID,
			From: "support@shop.example", To: "anna.berg@example.net", Subject: "About your visit", Text: "We are sorry about your visit."})
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// TestRepliesLandOnTheirCase: a reply by its thread headers or by the case
// token of its address joins the case, over SMTP and the webhook, on both
// engines; a closed case reopens within the window and past it a new case
// names the old one.
func TestRepliesLandOnTheirCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx := context.Background()
		anna := &fresco.Customer{Name: "Anna Berg", Email: "Anna.Berg@example.net"}
		if err := db.CreateCustomer(ctx, anna); err != nil {
			t.Fatal(err)
		}
		for i, via := range transports {
			t.Run(via, func(t *testing.T) {
				w := w.with(t)
				reply := func(n int) []byte {
					return bytes.Replace(fixture(t, "reply.eml"), []byte("<reply-0001@"), fmt.Appendf(nil, "<reply-%s-%d@", via, n), 1)
				}
				target := fmt.Sprintf("fresco.thread-target-%d@shop.example", i)
				withTarget := func(raw []byte) []byte {
					return bytes.ReplaceAll(raw, []byte("fresco.thread-target@shop.example"), []byte(target))
				}
				c := w.caseWithOutgoing(anna.ID, target)
				cases := len(w.cases(anna.ID))

				t.Run("In-Reply-To of the case's outgoing message", func(t *testing.T) {
					w := w.with(t)
					w.deliver(via, withTarget(reply(1)))
					msgs := w.thread(c.ID)
					if len(msgs) != 2 || msgs[1].Direction != fresco.MessageIn || !strings.Contains(msgs[1].Text, "the voucher arrived") ||
						msgs[1].InReplyTo != target {
						t.Fatalf("thread %+v", msgs)
					}
					if len(w.cases(anna.ID)) != cases {
						t.Error("the reply opened a case")
					}
					if w.notifications(c.ID, recovery.NotifyCustomerEmail) != 1 {
						t.Error("the owner was not told of the reply")
					}
				})
				t.Run("the case token of the address, from the case's customer", func(t *testing.T) {
					w := w.with(t)
					raw := bytes.Replace(reply(2), []byte("In-Reply-To:"), []byte("X-Was-In-Reply-To:"), 1)
					raw = bytes.Replace(raw, []byte("References:"), []byte("X-Was-References:"), 1)
					raw = bytes.Replace(raw, []byte("To: Shop <support@shop.example>"), fmt.Appendf(nil, "To: Shop <support+c%d@shop.example>", c.ID), 1)
					w.deliver(via, raw)
					if msgs := w.thread(c.ID); len(msgs) != 3 {
						t.Fatalf("thread has %d messages, want 3", len(msgs))
					}
					// From someone else, the token is not believed: that is a new case for that sender.
					other := bytes.Replace(raw, []byte("Anna Berg <anna.berg@example.net>"), []byte("Mallory <mallory@example.net>"), 1)
					other = bytes.Replace(other, []byte("<reply-"), []byte("<other-reply-"), 1)
					w.deliver(via, other)
					if msgs := w.thread(c.ID); len(msgs) != 3 {
						t.Errorf("a stranger's mail to the case's address joined the case")
					}
					if m := w.customer("mallory@example.net"); m == nil || len(w.cases(m.ID)) == 0 {
						t.Error("the stranger's mail opened no case")
					}
				})
				t.Run("a closed case reopens within the window, and past it a new case names it", func(t *testing.T) {
					w := w.with(t)
					if _, err := w.app.Recovery.Close(ctx, recovery.System, c.ID, recovery.CloseInput{RootCauseCategory: "food",
						RootCauseSource: "none", Resolution: "voucher sent"}); err != nil {
						t.Fatal(err)
					}
					w.deliver(via, withTarget(reply(3)))
					got, err := db.Case(ctx, c.ID)
					if err != nil || got.Status != fresco.CaseOpen || got.ReopenCount != 1 || len(w.thread(c.ID)) != 4 {
						t.Fatalf("case after a reply within the window: %+v, %v", got, err)
					}
					if _, err := w.app.Recovery.Close(ctx, recovery.System, c.ID, recovery.CloseInput{RootCauseCategory: "food",
						RootCauseSource: "none", Resolution: "voucher sent again"}); err != nil {
						t.Fatal(err)
					}
					w.advance(w.app.Recovery.ReopenWindow() + 24*time.Hour)
					before := len(w.cases(anna.ID))
					w.deliver(via, withTarget(reply(4)))
					if got, _ := db.Case(ctx, c.ID); got.Status != fresco.CaseClosed || len(w.thread(c.ID)) != 4 {
						t.Errorf("the case past its window changed: %s, %d messages", got.Status, len(w.thread(c.ID)))
					}
					all := w.cases(anna.ID)
					if len(all) != before+1 {
						t.Fatalf("%d cases, want %d", len(all), before+1)
					}
					newest := all[0]
					for _, x := range all {
						if x.ID > newest.ID {
							newest = x
						}
					}
					if !strings.Contains(newest.Summary, fmt.Sprintf("after case %d", c.ID)) || len(w.thread(newest.ID)) != 1 {
						t.Errorf("new case %q with %d messages", newest.Summary, len(w.thread(newest.ID)))
					}
				})
			})
		}
	})
}

// TestSMTPRefusesWhatItMustNot: a 20 MB message is refused with 552 both
// when its size is declared and when it is not, a recipient outside the
// domain with 550, and the webhook refuses the same message with 413.
func TestSMTPRefusesWhatItMustNot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		big := append(fixture(t, "plain.eml"), bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvw\r\n"), 20<<20/72)...)
		n := w.countCases()

		c, err := smtp.Dial(w.smtp)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if ok, size := c.Extension("SIZE"); !ok || size != fmt.Sprint(inbound.DefaultMaxBytes) {
			t.Errorf("SIZE advertised %v %q", ok, size)
		}
		err = c.Mail("anna.berg@example.net", &smtp.MailOptions{Size: int64(len(big))})
		if code(err) != 552 {
			t.Errorf("MAIL FROM with SIZE=%d: %v, want 552", len(big), err)
		}
		if err := c.Reset(); err != nil {
			t.Fatal(err)
		}
		if err := c.Mail("anna.berg@example.net", nil); err != nil {
			t.Fatal(err)
		}
		if err := c.Rcpt("support@elsewhere.example", nil); code(err) != 550 {
			t.Errorf("RCPT TO another domain: %v, want 550", err)
		}
		if err := c.Rcpt("support@shop.example", nil); err != nil {
			t.Fatal(err)
		}
		data, err := c.Data()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := data.Write(big); err != nil {
			t.Fatalf("writing the message: %v", err)
		}
		if err := data.Close(); code(err) != 552 {
			t.Errorf("20 MB message: %v, want 552", err)
		}
		// The connection is still usable: the refusal was clean.
		if err := c.Reset(); err != nil {
			t.Errorf("after the refusal: %v", err)
		}
		if err := w.send("http", "", nil, big); err == nil || !strings.Contains(err.Error(), "HTTP 413") {
			t.Errorf("webhook with 20 MB: %v, want 413", err)
		}
		if err := w.send("http", "", nil, []byte("not a message")); err == nil || !strings.Contains(err.Error(), "HTTP 422") ||
			!strings.Contains(err.Error(), "message") {
			t.Errorf("webhook with junk: %v, want 422 naming message", err)
		}
		if w.countCases() != n || w.customer("anna.berg@example.net") != nil {
			t.Error("a refused message was filed")
		}
	})
}

// sendSMTP delivers raw as a relay would: plain SMTP on the local network.
func sendSMTP(addr, from string, to []string, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from, nil); err != nil {
		return err
	}
	for _, rcpt := range to {
		if err := c.Rcpt(rcpt, nil); err != nil {
			return err
		}
	}
	data, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := data.Write(raw); err != nil {
		return err
	}
	if err := data.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func code(err error) int {
	var e *smtp.SMTPError
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// TestComplaintRunsTheLoop: an e-mail that reads as a complaint goes
// through the closed loop as any listening post's complaint does — a
// follow-up for its response — and the loop's escalation finds the case
// the e-mail opened instead of opening a second.
func TestComplaintRunsTheLoop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.app.Queue.Run(ctx) }()
		defer func() { cancel(); <-done }()

		w.deliver("http", fixture(t, "complaint.eml"))
		_, cs, _ := w.onlyCase("frank@example.com")
		var escalated bool
		for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && !escalated; time.Sleep(50 * time.Millisecond) {
			stats, err := w.app.Queue.Stats(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range stats {
				escalated = escalated || (s.Kind == recovery.JobOpenFromComplaint && s.Done24h > 0 && s.Queued == 0 && s.Running == 0)
			}
		}
		if !escalated {
			t.Fatal("the loop did not escalate the complaint")
		}
		fus, _, err := db.ListFollowUps(ctx, store.FollowUpFilter{Limit: 10})
		if err != nil || len(fus) != 1 || fus[0].ResponseID != *cs.SourceResponseID {
			t.Fatalf("follow-ups %+v, %v: want one for the e-mail's response %d", fus, err, *cs.SourceResponseID)
		}
		_, again, _ := w.onlyCase("frank@example.com") // fails if the escalation opened a second case
		if again.ID != cs.ID {
			t.Errorf("case %d, want %d", again.ID, cs.ID)
		}
	})
}
