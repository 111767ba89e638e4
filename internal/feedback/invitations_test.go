package feedback_test

import (
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/mail"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// inviteWorld is a business in Berlin with a survey, a notifier whose
// outbox the tests read, and a log-only SMS sender.
type inviteWorld struct {
	*world
	n      *notify.Notifier
	sms    *notify.LogSMS
	survey *fresco.Survey
	set    fresco.Settings
}

func newInviteWorld(t *testing.T, db *store.DB, smtp *notifytest.SMTPServer) *inviteWorld {
	t.Helper()
	w := &inviteWorld{world: newWorld(t, db), sms: &notify.LogSMS{}}
	w.set = fresco.DefaultSettings()
	w.set.BusinessName, w.set.TimeZone, w.set.Locale = "Hotel Adler", "Europe/Berlin", "en-GB"
	business := func(context.Context) fresco.Settings { return w.set }
	nopts := notify.Options{Business: business}
	if smtp != nil {
		nopts.SMTP = notify.SMTPConfig{Addr: smtp.Addr, From: "Hotel Adler <care@adler.example>"}
	}
	w.n = notify.New(db, nopts)
	w.svc = w.service()
	w.survey = newSurvey(t, w.world, "After your stay", "after-stay", fresco.Question{Key: "nps", Type: feedback.TypeNPS, Text: "Recommend us?"})
	return w
}

// service is another replica's service over the same database and clock.
func (w *inviteWorld) service() *feedback.Service {
	return feedback.New(w.db, feedback.Options{Now: w.clock.Now, Notifier: w.n, SMS: w.sms, BaseURL: "https://fresco.example",
		Business: func(context.Context) fresco.Settings { return w.set }})
}

func (w *inviteWorld) rule(t *testing.T, r fresco.InvitationRule) *fresco.InvitationRule {
	t.Helper()
	r.SurveyID, r.Active = w.survey.ID, true
	if r.Trigger == "" {
		r.Trigger = fresco.TriggerPurchase
	}
	if r.Channel == "" {
		r.Channel = "email"
	}
	must(t, w.svc.SaveInvitationRule(context.Background(), &r, "employee:1"))
	return &r
}

func (w *inviteWorld) customer(t *testing.T, c fresco.Customer) *fresco.Customer {
	t.Helper()
	must(t, w.db.CreateCustomer(context.Background(), &c))
	return &c
}

func (w *inviteWorld) purchase(t *testing.T, c *fresco.Customer, channel string, at time.Time) *fresco.Purchase {
	t.Helper()
	p := &fresco.Purchase{CustomerID: &c.ID, ServedBy: &w.bob.ID, LocationID: &w.loc.ID, Channel: channel, PurchasedAt: at,
		Lines: []fresco.PurchaseLine{{SKU: "ROOM", Quantity: 1, UnitPrice: 12000}}}
	must(t, w.db.CreatePurchase(context.Background(), p))
	return p
}

func (w *inviteWorld) sweep(t *testing.T) feedback.InvitationSweep {
	t.Helper()
	res, err := w.svc.SweepInvitations(context.Background())
	must(t, err)
	return res
}

func (w *inviteWorld) mails(t *testing.T, c *fresco.Customer) []*fresco.EmailMessage {
	t.Helper()
	list, err := w.db.CustomerEmails(context.Background(), c.ID, 100)
	must(t, err)
	return list
}

func (w *inviteWorld) sends(t *testing.T) map[int64]*fresco.InvitationSend {
	t.Helper()
	list, err := w.db.InvitationSends(context.Background(), w.survey.ID, 1000)
	must(t, err)
	out := map[int64]*fresco.InvitationSend{}
	for _, s := range list {
		out[s.CustomerID] = s
	}
	return out
}

var linkPattern = regexp.MustCompile(`https://fresco\.example/s/([A-Za-z0-9_-]+)`)

func tokenIn(t *testing.T, body string) string {
	t.Helper()
	m := linkPattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no survey link in %q", body)
	}
	return m[1]
}

// A purchase at the rule's location and channel gets exactly one e-mail,
// seven days later, with a working link; one through another channel gets
// none; the one reminder goes three days on to the customer who has not
// answered and not to the one who has; opens and answers are counted for
// the listening post.
func TestInvitationAfterPurchase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newInviteWorld(t, db, nil)
		w.rule(t, fresco.InvitationRule{LocationID: &w.loc.ID, PurchaseChannel: "store", DelayHours: 7 * 24, ReminderDays: 3})
		ann := w.customer(t, fresco.Customer{Name: "Ann", Email: "ann@example.com", ConsentSurveys: true})
		cy := w.customer(t, fresco.Customer{Name: "Cy", Email: "cy@example.com", ConsentSurveys: true})
		dee := w.customer(t, fresco.Customer{Name: "Dee", Email: "dee@example.com", ConsentSurveys: true})
		w.purchase(t, ann, "store", w.clock.Now())
		w.purchase(t, cy, "web", w.clock.Now())
		w.purchase(t, dee, "store", w.clock.Now())

		if res := w.sweep(t); res.Scheduled != 2 || res.Sent != 0 {
			t.Fatalf("right after the purchases: %+v, want 2 scheduled and nothing sent", res)
		}
		w.clock.Add(7*24*time.Hour - time.Minute)
		if res := w.sweep(t); res.Sent != 0 || len(w.mails(t, ann)) != 0 {
			t.Fatalf("a minute early: %+v", res)
		}
		w.clock.Add(time.Minute)
		if res := w.sweep(t); res.Sent != 2 {
			t.Fatalf("seven days on: %+v, want 2 sent", res)
		}
		w.sweep(t)
		got := w.mails(t, ann)
		if len(got) != 1 || got[0].Purpose != fresco.EmailPurposeInvitation || got[0].To != "ann@example.com" ||
			!strings.Contains(got[0].Body, "Hello Ann") || !strings.Contains(got[0].Subject, "Hotel Adler") {
			t.Fatalf("Ann's mail: %d %+v", len(got), got)
		}
		if n := len(w.mails(t, cy)); n != 0 {
			t.Errorf("Cy bought through the web: %d mails, want none", n)
		}
		annToken := tokenIn(t, got[0].Body)
		_, _, err := w.svc.OpenLink(ctx, annToken)
		must(t, err)
		_, _, err = w.svc.OpenLink(ctx, annToken) // a second view counts once
		must(t, err)
		// Dee answers before the reminder.
		deeToken := tokenIn(t, w.mails(t, dee)[0].Body)
		_, err = w.svc.SubmitLink(ctx, deeToken, []feedback.AnswerInput{{Question: "nps", Score: intp(9)}}, "")
		must(t, err)

		w.clock.Add(3 * 24 * time.Hour)
		if res := w.sweep(t); res.Reminded != 1 {
			t.Fatalf("reminders: %+v, want 1", res)
		}
		w.clock.Add(3 * 24 * time.Hour)
		w.sweep(t)
		got = w.mails(t, ann)
		if len(got) != 2 || got[0].Purpose != fresco.EmailPurposeReminder || !strings.HasPrefix(got[0].Subject, "Reminder: ") ||
			tokenIn(t, got[0].Body) != annToken {
			t.Fatalf("Ann's mail after the reminder: %+v", got)
		}
		if n := len(w.mails(t, dee)); n != 1 {
			t.Errorf("Dee answered: %d mails, want only the invitation", n)
		}
		if s := w.sends(t)[dee.ID]; s.ReminderStatus != fresco.ReminderAnswered {
			t.Errorf("Dee's reminder: %q", s.ReminderStatus)
		}

		stats, err := w.svc.PostStats(ctx, time.Time{}, time.Time{})
		must(t, err)
		for _, ps := range stats {
			if ps.Post.Slug != feedback.PostSurvey {
				continue
			}
			c := ps.Invitations
			if c.Sent != 2 || c.Opened != 2 || c.Answered != 1 || ps.InvitationRate == nil || ps.InvitationRate.Percent != 50 {
				t.Errorf("survey post: %+v rate %+v, want 2 sent, 2 opened (one answered), 1 answered, rate 0.5", c, ps.InvitationRate)
			}
		}
	})
}

// Quiet hours move a send to their end in the business's zone; a customer
// without consent, one asked recently, one without an address and one
// whose rule was switched off are skipped, each with its reason.
func TestInvitationQuietHoursAndSkips(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newInviteWorld(t, db, nil)
		berlin, _ := time.LoadLocation("Europe/Berlin")
		// 22:30 in Berlin (summer: UTC+2).
		w.clock.Add(time.Date(2025, 6, 1, 22, 30, 0, 0, berlin).Sub(w.clock.Now()))
		w.rule(t, fresco.InvitationRule{DelayHours: 0, QuietStart: "21:00", QuietEnd: "08:00"})
		ann := w.customer(t, fresco.Customer{Name: "Ann", Email: "ann@example.com", ConsentSurveys: true})
		shy := w.customer(t, fresco.Customer{Name: "Shy", Email: "shy@example.com"})
		asked := w.customer(t, fresco.Customer{Name: "Asked", Email: "asked@example.com", ConsentSurveys: true})
		mute := w.customer(t, fresco.Customer{Name: "Mute", ConsentSurveys: true})
		for _, c := range []*fresco.Customer{ann, shy, asked, mute} {
			w.purchase(t, c, "store", w.clock.Now())
		}
		_, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: w.survey.ID, CustomerID: &asked.ID})
		must(t, err)

		if res := w.sweep(t); res.Sent != 0 || res.Skipped != 0 || res.Scheduled != 4 {
			t.Fatalf("inside the quiet hours: %+v", res)
		}
		if due := w.sends(t)[ann.ID].DueAt; !due.Equal(time.Date(2025, 6, 2, 8, 0, 0, 0, berlin)) {
			t.Fatalf("due %v, want 08:00 in Berlin", due.In(berlin))
		}
		w.clock.Add(9*time.Hour + 29*time.Minute) // 07:59
		if res := w.sweep(t); res.Sent != 0 {
			t.Fatalf("07:59: %+v", res)
		}
		w.clock.Add(time.Minute)
		if res := w.sweep(t); res.Sent != 1 || res.Skipped != 3 {
			t.Fatalf("08:00: %+v, want 1 sent and 3 skipped", res)
		}
		sends := w.sends(t)
		for c, want := range map[*fresco.Customer]string{shy: fresco.SkipNoConsent, asked: fresco.SkipContacted, mute: fresco.SkipNoAddress} {
			if s := sends[c.ID]; s.Status != fresco.SendSkipped || s.SkipReason != want {
				t.Errorf("%s: %s %q, want skipped for %s", c.Name, s.Status, s.SkipReason, want)
			}
		}
		if d := sends[asked.ID].SkipDetail; d != "contacted on 2025-06-01" {
			t.Errorf("contact rule detail %q", d)
		}
		if len(w.mails(t, shy)) != 0 || len(w.mails(t, asked)) != 0 || len(w.mails(t, ann)) != 1 {
			t.Error("a skipped customer got mail, or Ann none")
		}

		// A rule switched off before its invitations are due sends none.
		late := w.rule(t, fresco.InvitationRule{DelayHours: 24})
		bea := w.customer(t, fresco.Customer{Name: "Bea", Email: "bea@example.com", ConsentSurveys: true})
		w.purchase(t, bea, "store", w.clock.Now())
		w.sweep(t)
		late.Active = false
		must(t, w.svc.SaveInvitationRule(ctx, late, "employee:1"))
		w.clock.Add(25 * time.Hour)
		w.sweep(t)
		list, err := db.InvitationSends(ctx, w.survey.ID, 100)
		must(t, err)
		found := false
		for _, s := range list {
			if s.RuleID == late.ID && s.CustomerID == bea.ID {
				found = s.Status == fresco.SendSkipped && s.SkipReason == fresco.SkipRuleInactive
			}
		}
		if !found || len(w.mails(t, bea)) != 1 { // the first rule's
			t.Errorf("the switched-off rule: skipped %v, mails %d, want only the first rule's", found, len(w.mails(t, bea)))
		}
		stats, err := w.svc.PostStats(ctx, time.Time{}, time.Time{})
		must(t, err)
		for _, ps := range stats {
			if ps.Post.Slug == feedback.PostSurvey && (ps.Invitations.Skipped[fresco.SkipNoConsent] != 1 || ps.Invitations.Skipped[fresco.SkipRuleInactive] != 1) {
				t.Errorf("skips by reason: %v", ps.Invitations.Skipped)
			}
		}
	})
}

// Two replicas sweeping at once, and a restarted one after them, send each
// invitation and each reminder once.
func TestInvitationReplicasSendOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newInviteWorld(t, db, nil)
		w.rule(t, fresco.InvitationRule{DelayHours: 1, ReminderDays: 1})
		var people []*fresco.Customer
		for _, name := range []string{"A", "B", "C", "D", "E", "F"} {
			c := w.customer(t, fresco.Customer{Name: name, Email: strings.ToLower(name) + "@example.com", ConsentSurveys: true})
			w.purchase(t, c, "store", w.clock.Now())
			people = append(people, c)
		}
		replicas := []*feedback.Service{w.service(), w.service()}
		race := func() {
			var wg sync.WaitGroup
			for _, svc := range replicas {
				for range 2 {
					wg.Go(func() {
						if _, err := svc.SweepInvitations(context.Background()); err != nil {
							t.Error(err)
						}
					})
				}
			}
			wg.Wait()
		}
		race()
		w.clock.Add(time.Hour)
		race()
		w.svc = w.service() // a restart
		w.sweep(t)
		w.clock.Add(24 * time.Hour)
		race()
		w.sweep(t)
		for _, c := range people {
			if got := w.mails(t, c); len(got) != 2 {
				t.Errorf("%s got %d mails, want the invitation and the reminder", c.Name, len(got))
			}
		}
	})
}

// queueSMS makes c a customer who buys under an SMS rule, and sweeps
// until their invitation's SMS is queued (not yet sent: no queue runs).
func (w *inviteWorld) queueSMS(t *testing.T, c fresco.Customer) *fresco.Customer {
	t.Helper()
	w.rule(t, fresco.InvitationRule{DelayHours: 2, Channel: "sms"})
	customer := w.customer(t, c)
	w.purchase(t, customer, "store", w.clock.Now())
	w.sweep(t)
	w.clock.Add(2 * time.Hour)
	if res := w.sweep(t); res.Sent != 1 {
		t.Fatalf("%+v", res)
	}
	return customer
}

// An SMS rule sends through the SMS sender, once, by a durable job.
func TestInvitationBySMS(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newInviteWorld(t, db, nil)
		w.queueSMS(t, fresco.Customer{Name: "Fay", Phone: "+49 30 1234567", Locale: "de-DE", ConsentSurveys: true})
		runQueue(t, db, w.svc.RegisterInvitationJobs)
		waitUntil(t, "the SMS", func() bool { return len(w.sms.Sent()) > 0 })
		got := w.sms.Sent()
		if len(got) != 1 || got[0].To != "+49 30 1234567" || !strings.Contains(got[0].Text, "Wie zufrieden") {
			t.Fatalf("SMS sent: %+v", got)
		}
		tokenIn(t, got[0].Text)
	})
}

// An SMS invitation still queued when its customer is erased is never
// sent: the erasure takes the number and the text out of the job, and the
// job then has nobody to text.
func TestErasedCustomersQueuedSMSIsNotSent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newInviteWorld(t, db, nil)
		fay := w.queueSMS(t, fresco.Customer{Name: "Fay Quernby", Phone: "+49 30 7654321", Locale: "de-DE", ConsentSurveys: true})
		if _, err := portable.EraseCustomer(ctx, db, "employee:1", fay.ID); err != nil {
			t.Fatal(err)
		}
		var payload string
		must(t, db.QueryRow(ctx, `SELECT payload FROM jobs WHERE kind = ?`, feedback.JobInvitationSMS).Scan(&payload))
		if strings.Contains(payload, "7654321") || strings.Contains(payload, "Fay") {
			t.Errorf("the queued SMS after erasure: %s", payload)
		}
		runQueue(t, db, w.svc.RegisterInvitationJobs)
		waitUntil(t, "the SMS job", func() bool {
			var status string
			must(t, db.QueryRow(ctx, `SELECT status FROM jobs WHERE kind = ?`, feedback.JobInvitationSMS).Scan(&status))
			return status == "done" || status == "failed"
		})
		if got := w.sms.Sent(); len(got) != 0 {
			t.Errorf("texted after erasure: %+v", got)
		}
	})
}

// A real message reaches an SMTP server, in German for a customer whose
// locale is "de", with the link to the survey.
func TestInvitationMailArrivesInGerman(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		srv := notifytest.StartSMTP(t)
		w := newInviteWorld(t, db, srv)
		w.rule(t, fresco.InvitationRule{DelayHours: 24})
		gus := w.customer(t, fresco.Customer{Name: "Gustav", Email: "gustav@example.de", Locale: "de", ConsentSurveys: true})
		w.purchase(t, gus, "store", w.clock.Now())
		w.sweep(t)
		w.clock.Add(24 * time.Hour)
		w.sweep(t)
		runQueue(t, db, w.n.Register)
		waitUntil(t, "the e-mail", func() bool { return len(srv.Messages()) > 0 })
		msg := srv.Messages()[0]
		if len(msg.To) != 1 || msg.To[0] != "gustav@example.de" {
			t.Fatalf("sent to %v", msg.To)
		}
		subject, text := decodeMail(t, msg.Data)
		if subject != "Wie zufrieden waren Sie mit Hotel Adler?" || !strings.Contains(text, "Hallo Gustav,") {
			t.Errorf("not in German: %q\n%s", subject, text)
		}
		token := tokenIn(t, text)
		if _, sv, err := w.svc.OpenLink(context.Background(), token); err != nil || sv.ID != w.survey.ID {
			t.Errorf("the link: %v", err)
		}
	})
}

// runQueue works a job queue with the handlers register adds until the
// test ends.
func runQueue(t *testing.T, db *store.DB, register func(*jobs.Queue)) {
	q := jobs.New(db, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
	register(q)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
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

// decodeMail returns a received message's subject and plain-text part.
func decodeMail(t *testing.T, data string) (subject, text string) {
	t.Helper()
	m, err := mail.ReadMessage(strings.NewReader(data))
	must(t, err)
	subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	must(t, err)
	return subject, plainPart(t, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body)
}

func plainPart(t *testing.T, contentType, encoding string, body io.Reader) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	must(t, err)
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				return ""
			}
			must(t, err)
			if s := plainPart(t, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); s != "" {
				return s
			}
		}
	}
	if mt != "text/plain" {
		return ""
	}
	if strings.EqualFold(encoding, "base64") {
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	must(t, err)
	return string(b)
}

// A completed follow-up call and a closed case invite too; an older
// purchase from before the rule existed does not.
func TestInvitationAfterCallAndCase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newInviteWorld(t, db, nil)
		must(t, db.SetSetting(ctx, feedback.SettingContactDays, "0")) // the call itself was a contact
		w.rule(t, fresco.InvitationRule{Trigger: fresco.TriggerCallDone})
		w.rule(t, fresco.InvitationRule{Trigger: fresco.TriggerCaseClosed, DelayHours: 24})

		task, _, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: w.ada.ID, PurchaseID: &w.world.purchase.ID})
		must(t, err)
		_, err = w.svc.CompleteCallTask(ctx, task.ID, feedback.CallOutcome{Status: feedback.CallDone,
			Answers: []feedback.AnswerInput{{Question: "csat", Score: intp(5)}}, Actor: "employee:1"})
		must(t, err)
		if res := w.sweep(t); res.Sent != 1 {
			t.Fatalf("after the call: %+v", res)
		}
		c := &fresco.Case{CustomerID: w.ada.ID, Source: "phone", Summary: "Cold room", Status: fresco.CaseOpen, State: "open", OwnerID: w.bob.ID,
			OpenedAt: w.clock.Now(), SLAStatus: "none"}
		must(t, db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertCase(ctx, c) }))
		w.sweep(t)
		_, err = db.Exec(ctx, `UPDATE recovery_cases SET status = 'closed', closed_at = ? WHERE id = ?`, w.clock.Now().Add(time.Minute), c.ID)
		must(t, err)
		w.clock.Add(time.Minute)
		if res := w.sweep(t); res.Scheduled != 1 || res.Sent != 0 {
			t.Fatalf("case closed: %+v", res)
		}
		w.clock.Add(24 * time.Hour)
		if res := w.sweep(t); res.Sent != 1 {
			t.Fatalf("a day after the case closed: %+v", res)
		}
		// Two mails: the call's and the case's; the purchase of two days
		// before the rules existed invited nobody.
		if got := w.mails(t, w.ada); len(got) != 2 {
			t.Errorf("%d mails, want 2", len(got))
		}
	})
}
