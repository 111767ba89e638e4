package notify_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

var messageIDHeader = regexp.MustCompile(`(?m)^Message-ID: <([^>]+)>`)

// An e-mail from the queue carries the business's name, its logo at an
// absolute URL and the colours in an HTML alternative, and one Message-ID
// on the sender's domain that stays the same across a retry.
func TestQueuedEmailIsBrandedWithAStableMessageID(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
		srv := notifytest.StartSMTP(t)
		srv.FailNext(1)
		business := func(context.Context) fresco.Settings {
			s := fresco.DefaultSettings()
			s.BusinessName, s.LogoType, s.Version = "Hôtel du Lac", "image/png", 4
			return s
		}
		n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: srv.Addr, From: "Fresco <fresco@hotel.example>"},
			BaseURL: "https://fresco.example.com/", Business: business})
		startQueue(t, db, n)
		res, err := n.Send(ctx, notify.Notification{Event: notify.EventCSATLow, EmployeeIDs: []int64{ann}, Subject: "Low score",
			Body: "A guest <b>scored</b> 1.", Link: "/followups/3"})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "sent after a retry", func() bool {
			m, err := db.Email(ctx, res.EmailIDs[0])
			return err == nil && m.Status == fresco.EmailSent && m.Attempts == 2
		})
		msgs := srv.Messages()
		if len(msgs) != 1 {
			t.Fatalf("%d messages arrived, want 1", len(msgs))
		}
		data := msgs[0].Data
		id := messageIDHeader.FindStringSubmatch(data)
		if id == nil || !strings.HasSuffix(id[1], "@hotel.example") || !strings.Contains(id[1], fmt.Sprint(res.EmailIDs[0])) {
			t.Errorf("Message-ID %v, want the record's on the sender's domain", id)
		}
		html := data[strings.Index(data, "text/html"):]
		html = strings.NewReplacer("=\r\n", "", "=3D", "=").Replace(html) // undo quoted-printable
		for _, want := range []string{"H=C3=B4tel du Lac", `src="https://fresco.example.com/logo?v=4"`, "#1a5a86",
			`href="https://fresco.example.com/followups/3"`, "&lt;b&gt;scored&lt;/b&gt;"} {
			if !strings.Contains(html, want) {
				t.Errorf("HTML alternative lacks %q:\n%s", want, html)
			}
		}
	})
}

// A permanent mistake (a sender that is no address) fails the record at
// once, with the reason on it and in the failed counter.
func TestEmailPermanentFailureIsVisible(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
		srv := notifytest.StartSMTP(t)
		reg := prometheus.NewRegistry()
		n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: srv.Addr, From: "no address"}, Registry: reg})
		startQueue(t, db, n)
		id := sendEmail(t, n, ann)
		waitFor(t, "e-mail failed", func() bool {
			m, err := db.Email(ctx, id)
			return err == nil && m.Status == fresco.EmailFailed
		})
		m, _ := db.Email(ctx, id)
		if m.Attempts != 1 || !strings.Contains(m.LastError, "FRESCO_SMTP_FROM") {
			t.Errorf("failed record %+v", m)
		}
		if failed := counter(t, reg, "fresco_email_attempts_total", "failed"); failed != 1 {
			t.Errorf("failed counter %g, want 1", failed)
		}
	})
}

// Two queues on one database, one of them stopped half-way and replaced (a
// restart), send every queued e-mail exactly once.
func TestEmailQueueRestartLosesAndDuplicatesNothing(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		const count = 30
		ann := employee(t, db, "Ann", "ann@example.com", fresco.RoleAgent)
		srv := notifytest.StartSMTP(t)
		n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: srv.Addr, From: "fresco@example.com"}})
		var ids []int64
		for i := range count {
			res, err := n.Send(ctx, notify.Notification{Event: notify.EventCSATLow, EmployeeIDs: []int64{ann}, Subject: fmt.Sprint("s", i), Body: "b"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.EmailIDs...)
		}
		q := jobs.New(db, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
		n.Register(q)
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- q.Run(runCtx) }()
		<-srv.Arrived()
		stop() // the restart: this runner goes away mid-queue
		<-done
		startQueue(t, db, n)
		startQueue(t, db, n) // and two runners take over
		waitFor(t, "all sent", func() bool {
			for _, id := range ids {
				if m, err := db.Email(ctx, id); err != nil || m.Status != fresco.EmailSent {
					return false
				}
			}
			return true
		})
		seen := map[string]int{}
		for _, m := range srv.Messages() {
			seen[messageIDHeader.FindStringSubmatch(m.Data)[1]]++
		}
		if len(seen) != count || len(srv.Messages()) != count {
			t.Fatalf("%d messages with %d distinct Message-IDs arrived, want %d of each", len(srv.Messages()), len(seen), count)
		}
		for _, id := range ids {
			if m, _ := db.Email(ctx, id); m.Attempts != 1 {
				t.Errorf("e-mail %d: %d attempts, want 1", id, m.Attempts)
			}
		}
	})
}

// sendEmail notifies employee by e-mail and returns the e-mail's id.
func sendEmail(t *testing.T, n *notify.Notifier, employee int64) int64 {
	t.Helper()
	res, err := n.Send(context.Background(), notify.Notification{Event: notify.EventCSATLow, EmployeeIDs: []int64{employee}, Subject: "s", Body: "b"})
	if err != nil || len(res.EmailIDs) != 1 {
		t.Fatalf("send: %+v %v", res, err)
	}
	return res.EmailIDs[0]
}
