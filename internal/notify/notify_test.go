package notify_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/pkg/webhook"
)

// startQueue runs a fast-polling queue with quick retries until the test ends.
func startQueue(t *testing.T, db *store.DB, n *notify.Notifier) *jobs.Queue {
	t.Helper()
	q := jobs.New(db, jobs.Options{Workers: 4, PollInterval: 20 * time.Millisecond,
		Backoff: func(int) time.Duration { return 30 * time.Millisecond }, Logger: slog.New(slog.DiscardHandler)})
	n.Register(q)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return q
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func employee(t *testing.T, db *store.DB, name, email string, role fresco.Role) int64 {
	t.Helper()
	e := &fresco.Employee{Name: name, Email: email, Role: role, Active: true}
	if err := db.CreateEmployee(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	return e.ID
}

// receiver is a webhook endpoint that records requests and answers with
// the statuses in script (then 200).
type receiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	got    []received
	script []int
}

type received struct {
	header http.Header
	body   []byte
	status int
}

func newReceiver(t *testing.T, script ...int) *receiver {
	rc := &receiver{script: script}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		status := http.StatusOK
		if len(rc.script) > 0 {
			status, rc.script = rc.script[0], rc.script[1:]
		}
		rc.got = append(rc.got, received{header: r.Header.Clone(), body: body, status: status})
		rc.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) requests() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// checkSignatures verifies a delivery as a receiver would, with pkg/webhook:
// the Standard Webhooks headers, and the deprecated format on its own.
func checkSignatures(t *testing.T, secret string, req received) {
	t.Helper()
	if err := (webhook.Verifier{Secret: secret}).Verify(req.header, req.body); err != nil {
		t.Errorf("signature: %v (headers %v)", err, req.header)
	}
	if id := req.header.Get(webhook.HeaderID); id == "" || id != req.header.Get(notify.HeaderDelivery) {
		t.Errorf("webhook-id %q, want the delivery id %q", id, req.header.Get(notify.HeaderDelivery))
	}
	legacyOnly := req.header.Clone()
	legacyOnly.Del(webhook.HeaderSignature)
	if err := (webhook.Verifier{Secret: secret}).Verify(legacyOnly, req.body); err != nil {
		t.Errorf("legacy signature: %v (header %q)", err, req.header.Get(notify.HeaderSignature))
	}
	if (webhook.Verifier{Secret: "wrong-secret-wrong-secret"}).Verify(req.header, req.body) == nil {
		t.Error("a wrong secret verified")
	}
}

func TestNotifyRecordsMailsAndSignsWebhooks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		smtpSrv := notifytest.StartSMTP(t)
		n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: smtpSrv.Addr, From: "Fresco <fresco@example.com>"},
			BaseURL: "https://fresco.example.com", PollInterval: 50 * time.Millisecond})
		startQueue(t, db, n)
		rc := newReceiver(t)
		secret := "a-shared-secret-of-some-length"
		hook, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: rc.srv.URL + "/hook", Events: []string{"response.*"}, Secret: secret})
		if err != nil {
			t.Fatal(err)
		}
		other, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: rc.srv.URL + "/other", Events: []string{notify.EventFollowUpClosed}})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(other.Secret, "whsec_") {
			t.Errorf("generated secret %q", other.Secret)
		}
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
		bob := employee(t, db, "Bob", "bob@example.com", fresco.RoleManager)

		sub, err := n.Hub().Subscribe(ctx, bob)
		if err != nil {
			t.Fatal(err)
		}
		defer sub.Close()

		res, err := n.Send(ctx, notify.Notification{Event: notify.EventDetractor, EmployeeIDs: []int64{ann, bob, ann},
			Subject: "Détracteur: NPS 3", Body: "Customer said: slow.", Link: "/followups/1",
			Data: map[string]any{"response_id": 7}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.NotificationIDs) != 2 || len(res.EmailIDs) != 2 || len(res.DeliveryIDs) != 1 {
			t.Fatalf("result %+v: want 2 notifications, 2 e-mails, 1 delivery (only the response.* hook)", res)
		}

		select {
		case e := <-sub.C:
			if e.EmployeeID != bob || e.Event != notify.EventDetractor || e.Link != "/followups/1" {
				t.Errorf("live event %+v", e)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no live event")
		}

		waitFor(t, "webhook", func() bool { return len(rc.requests()) == 1 })
		req := rc.requests()[0]
		checkSignatures(t, secret, req)
		var p notify.Payload
		if err := json.Unmarshal(req.body, &p); err != nil {
			t.Fatal(err)
		}
		if p.Event != notify.EventDetractor || p.ID == "" || p.ID != req.header.Get(notify.HeaderDelivery) ||
			req.header.Get(notify.HeaderEvent) != notify.EventDetractor || string(p.Data) != `{"response_id":7}` {
			t.Errorf("payload %+v headers %v", p, req.header)
		}

		waitFor(t, "e-mails", func() bool { return len(smtpSrv.Messages()) == 2 })
		for _, m := range smtpSrv.Messages() {
			if m.From != "fresco@example.com" || len(m.To) != 1 {
				t.Errorf("envelope %+v", m)
			}
			if !strings.Contains(m.Data, "Subject: =?UTF-8?q?D=C3=A9tracteur") || !strings.Contains(m.Data, "https://fresco.example.com/followups/1") {
				t.Errorf("message %q", m.Data)
			}
		}
		waitFor(t, "e-mail status", func() bool {
			m, err := db.Email(ctx, res.EmailIDs[0])
			return err == nil && m.Status == fresco.EmailSent
		})
		var list []*fresco.WebhookDelivery
		waitFor(t, "delivery recorded", func() bool {
			list, err = db.ListDeliveries(ctx, hook.ID, 0, 10)
			return err == nil && len(list) == 1 && list[0].Status != fresco.DeliveryPending
		})
		if d := list[0]; d.Status != fresco.DeliveryDelivered || d.Attempts != 1 || len(d.AttemptLog) != 1 ||
			d.AttemptLog[0].StatusCode == nil || *d.AttemptLog[0].StatusCode != 200 {
			t.Errorf("delivery %+v", d)
		}
		unread, err := db.UnreadNotifications(ctx, ann)
		if err != nil || unread != 1 {
			t.Errorf("unread %d %v", unread, err)
		}
	})
}

func TestEmailSkippedWithoutSMTP(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)

		plain := notify.New(db, notify.Options{})
		startQueue(t, db, plain)
		id := sendEmail(t, plain, ann)
		waitFor(t, "skipped", func() bool {
			m, err := db.Email(ctx, id)
			return err == nil && m.Status == fresco.EmailSkipped
		})
	})
}

func TestEmailRetried(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
		smtpSrv := notifytest.StartSMTP(t)
		smtpSrv.FailNext(2)
		reg := prometheus.NewRegistry()
		n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: smtpSrv.Addr, From: "fresco@example.com"}, Registry: reg})
		startQueue(t, db, n)
		id := sendEmail(t, n, ann)
		waitFor(t, "sent after retries", func() bool {
			m, err := db.Email(ctx, id)
			return err == nil && m.Status == fresco.EmailSent && m.Attempts == 3
		})
		if retry, sent := counter(t, reg, "fresco_email_attempts_total", "retry"), counter(t, reg, "fresco_email_attempts_total", "sent"); retry != 2 || sent != 1 {
			t.Errorf("e-mail attempts counted: %g retry, %g sent; want 2 and 1", retry, sent)
		}
	})
}

// counter reads one outcome of a counter vector from reg.
func counter(t *testing.T, reg *prometheus.Registry, name, outcome string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "outcome" && l.GetValue() == outcome {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

func TestWebhookRetriesAndGone(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		reg := prometheus.NewRegistry()
		n := notify.New(db, notify.Options{Registry: reg})
		startQueue(t, db, n)
		flaky := newReceiver(t, 500, 503)
		gone := newReceiver(t, 410)
		hFlaky, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: flaky.srv.URL, Events: []string{"*"}})
		if err != nil {
			t.Fatal(err)
		}
		hGone, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: gone.srv.URL, Events: []string{notify.EventComplaint}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Send(ctx, notify.Notification{Event: notify.EventComplaint, Data: map[string]int{"x": 1}}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "flaky delivered", func() bool {
			l, err := db.ListDeliveries(ctx, hFlaky.ID, 0, 10)
			return err == nil && len(l) == 1 && l[0].Status == fresco.DeliveryDelivered
		})
		reqs := flaky.requests()
		if len(reqs) != 3 {
			t.Fatalf("flaky receiver got %d requests, want 3", len(reqs))
		}
		id := reqs[0].header.Get(notify.HeaderDelivery)
		for _, r := range reqs {
			if r.header.Get(notify.HeaderDelivery) != id || string(r.body) != string(reqs[0].body) {
				t.Error("a retry changed the idempotency id or the body")
			}
		}
		l, _ := db.ListDeliveries(ctx, hFlaky.ID, 0, 10)
		if got := len(l[0].AttemptLog); got != 3 || l[0].AttemptLog[0].Error == "" || *l[0].AttemptLog[0].StatusCode != 500 {
			t.Errorf("attempt log %+v", l[0].AttemptLog)
		}

		waitFor(t, "gone disables", func() bool {
			w, err := db.Webhook(ctx, hGone.ID)
			return err == nil && !w.Active
		})
		waitFor(t, "gone delivery failed", func() bool {
			l, err := db.ListDeliveries(ctx, hGone.ID, 0, 10)
			return err == nil && len(l) == 1 && l[0].Status == fresco.DeliveryFailed
		})
		// A disabled subscription gets nothing more.
		res, err := n.Send(ctx, notify.Notification{Event: notify.EventComplaint})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.DeliveryIDs) != 1 {
			t.Errorf("deliveries after 410: %v, want only the flaky hook's", res.DeliveryIDs)
		}
		if retry, failed := counter(t, reg, "fresco_webhook_attempts_total", "retry"), counter(t, reg, "fresco_webhook_attempts_total", "failed"); retry < 2 || failed < 1 {
			t.Errorf("webhook attempts counted: %g retry, %g failed; want ≥ 2 and ≥ 1", retry, failed)
		}
	})
}

// TestWebhookSurvivesRestart enqueues a delivery whose first attempt fails,
// stops the process (queue and database), and lets a new one deliver it.
func TestWebhookSurvivesRestart(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := eng.URL(t)
			var up atomic.Bool
			var hits atomic.Int64
			rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if !up.Load() {
					w.WriteHeader(http.StatusServiceUnavailable)
					return
				}
				w.WriteHeader(http.StatusNoContent)
			}))
			defer rcv.Close()

			// First life: the receiver is down; one attempt fails.
			db1, err := store.Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			keys := storetest.Keys(t) // a restart keeps its secret key
			db1.UseSecretKeys(keys)
			n1 := notify.New(db1, notify.Options{})
			q1 := jobs.New(db1, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond,
				Backoff: func(int) time.Duration { return 300 * time.Millisecond }, Logger: slog.New(slog.DiscardHandler)})
			n1.Register(q1)
			hook, err := n1.CreateWebhook(ctx, notify.WebhookInput{URL: rcv.URL, Events: []string{notify.EventDetractor}})
			if err != nil {
				t.Fatal(err)
			}
			runCtx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() { done <- q1.Run(runCtx) }()
			if _, err := n1.Send(ctx, notify.Notification{Event: notify.EventDetractor}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "first attempt", func() bool { return hits.Load() >= 1 })
			stop()
			<-done
			db1.Close()

			// Second life: a new process on the same database delivers.
			up.Store(true)
			db2 := storetest.Open(t, url)
			db2.UseSecretKeys(keys)
			n2 := notify.New(db2, notify.Options{})
			startQueue(t, db2, n2)
			waitFor(t, "delivered after restart", func() bool {
				l, err := db2.ListDeliveries(ctx, hook.ID, 0, 10)
				return err == nil && len(l) == 1 && l[0].Status == fresco.DeliveryDelivered
			})
			l, _ := db2.ListDeliveries(ctx, hook.ID, 0, 10)
			if l[0].Attempts < 2 {
				t.Errorf("attempts %d, want the failed one and the delivery", l[0].Attempts)
			}
		})
	}
}

func TestCreateWebhookValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		n := notify.New(db, notify.Options{})
		_, err := n.CreateWebhook(context.Background(), notify.WebhookInput{URL: "ftp://x", Events: []string{"response.nope", "case.*"}, Secret: "short"})
		fields := map[string]bool{}
		for _, f := range fresco.ErrorFields(err) {
			fields[f.Field] = true
		}
		for _, want := range []string{"url", "events[0]", "secret"} {
			if !fields[want] {
				t.Errorf("no error for %s in %v", want, err)
			}
		}
		if fields["events[1]"] {
			t.Error("case.* refused")
		}
	})
}

func TestSubscribed(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		patterns []string
		event    string
		want     bool
	}{
		{[]string{"response.detractor"}, "response.detractor", true},
		{[]string{"response.detractor"}, "response.csat_low", false},
		{[]string{"response.*"}, "response.csat_low", true},
		{[]string{"case.*"}, "case.escalated", true},
		{[]string{"case.*"}, "casefile.x", false},
		{[]string{"*"}, "followup.overdue", true},
		{nil, "followup.overdue", false},
	} {
		if got := notify.Subscribed(tc.patterns, tc.event); got != tc.want {
			t.Errorf("Subscribed(%v, %q) = %v", tc.patterns, tc.event, got)
		}
	}
}

func TestServeStream(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		n := notify.New(db, notify.Options{PollInterval: 50 * time.Millisecond, Heartbeat: 100 * time.Millisecond})
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
		bob := employee(t, db, "Bob", "bob@example.com", fresco.RoleAgent)
		// Two notifications before the stream opens: the client has seen
		// the first (Last-Event-ID), so the second is replayed.
		zero, err := n.Send(ctx, notify.Notification{Event: notify.EventDetractor, EmployeeIDs: []int64{ann}, Subject: "seen"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := n.Send(ctx, notify.Notification{Event: notify.EventDetractor, EmployeeIDs: []int64{ann}, Subject: "missed"}); err != nil {
			t.Fatal(err)
		}
		seen := zero.NotificationIDs[0]
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n.Hub().ServeStream(w, r, ann, seen)
		}))
		defer srv.Close()
		defer n.Hub().Close()
		res, err := http.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if ct := res.Header.Get("Content-Type"); ct != "text/event-stream" {
			t.Fatalf("content type %q", ct)
		}
		lines := make(chan string, 100)
		go func() {
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		waitFor(t, "subscribed", func() bool { return n.Hub().Subscribers() == 1 })
		if _, err := n.Send(ctx, notify.Notification{Event: notify.EventCSATLow, EmployeeIDs: []int64{bob}, Subject: "for bob"}); err != nil {
			t.Fatal(err)
		}
		if _, err := n.Send(ctx, notify.Notification{Event: notify.EventComplaint, EmployeeIDs: []int64{ann}, Subject: "live"}); err != nil {
			t.Fatal(err)
		}
		var subjects []string
		ping := false
		timeout := time.After(10 * time.Second)
		for len(subjects) < 2 || !ping {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatal("stream ended")
				}
				if l == ": ping" {
					ping = true
				}
				if data, ok := strings.CutPrefix(l, "data: "); ok {
					var e notify.Event
					if err := json.Unmarshal([]byte(data), &e); err != nil {
						t.Fatal(err)
					}
					subjects = append(subjects, e.Subject)
				}
			case <-timeout:
				t.Fatalf("got %v, ping %v", subjects, ping)
			}
		}
		if strings.Join(subjects, ",") != "missed,live" {
			t.Errorf("subjects %v: want the missed one replayed, then the live one", subjects)
		}
		for _, s := range subjects {
			if s == "for bob" {
				t.Error("ann's stream carried bob's notification")
			}
		}
	})
}

func TestEmailNamesTheBusiness(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
	n := notify.New(db, notify.Options{BaseURL: "https://fresco.example.com", Business: func(context.Context) fresco.Settings {
		return fresco.Settings{BusinessName: "Hôtel du Lac"}
	}})
	res, err := n.Send(ctx, notify.Notification{Event: notify.EventCSATLow, EmployeeIDs: []int64{ann}, Subject: "s", Body: "b\n", Link: "/followups/1"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := db.Email(ctx, res.EmailIDs[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := "b\n\nhttps://fresco.example.com/followups/1\n\n-- \nHôtel du Lac, via Fresco\n"; m.Body != want {
		t.Fatalf("body %q, want %q", m.Body, want)
	}
}
