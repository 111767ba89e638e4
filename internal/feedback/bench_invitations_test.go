package feedback_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkInvitations measures invitations sent per second end to end: b.N
// purchases that a rule invites after are swept (consent, contact rule,
// signed link, outbox row and delivery job per invitation), and the clock
// stops when the last e-mail has arrived at a local SMTP server. Run it as
//
//	FRESCO_TEST_POSTGRES_URL=… go test ./internal/feedback -run '^$' -bench Invitations -benchtime 500x
//
// and read the invitations/s column.
func BenchmarkInvitations(b *testing.B) {
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, eng.URL(b))
			srv := notifytest.StartSMTP(b)
			start := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
			now := start
			n := notify.New(db, notify.Options{SMTP: notify.SMTPConfig{Addr: srv.Addr, From: "Bench <bench@example.com>"}})
			svc := feedback.New(db, feedback.Options{Now: func() time.Time { return now }, Notifier: n, BaseURL: "https://fresco.example"})
			post, err := db.ListeningPostBySlug(ctx, feedback.PostSurvey)
			if err != nil {
				b.Fatal(err)
			}
			sv := &fresco.Survey{Slug: "bench", Name: "Bench", PostID: post.ID, Active: true,
				Questions: []fresco.Question{{Key: "nps", Type: feedback.TypeNPS, Text: "Recommend?"}}}
			if err := svc.CreateSurvey(ctx, sv, "bench"); err != nil {
				b.Fatal(err)
			}
			if err := svc.SaveInvitationRule(ctx, &fresco.InvitationRule{SurveyID: sv.ID, Trigger: fresco.TriggerPurchase, DelayHours: 1,
				Channel: "email", Active: true}, "bench"); err != nil {
				b.Fatal(err)
			}
			for i := range b.N {
				c := &fresco.Customer{Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("c%d@example.com", i), ConsentSurveys: true}
				if err := db.CreateCustomer(ctx, c); err != nil {
					b.Fatal(err)
				}
				p := &fresco.Purchase{CustomerID: &c.ID, PurchasedAt: start, Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 1, UnitPrice: 500}}}
				if err := db.CreatePurchase(ctx, p); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := svc.SweepInvitations(ctx); err != nil { // scheduled, not yet due
				b.Fatal(err)
			}
			now = start.Add(time.Hour)
			q := jobs.New(db, jobs.Options{Workers: 4, PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
			n.Register(q)
			qctx, cancel := context.WithCancel(ctx)
			done := make(chan error, 1)
			b.ResetTimer()
			began := time.Now()
			go func() { done <- q.Run(qctx) }()
			res, err := svc.SweepInvitations(ctx)
			if err != nil || res.Sent != b.N {
				b.Fatalf("sweep %+v %v, want %d sent", res, err, b.N)
			}
			swept := time.Since(began)
			q.Notify()
			for len(srv.Messages()) < b.N {
				select {
				case <-srv.Arrived():
				case <-time.After(time.Minute):
					b.Fatalf("%d of %d e-mails arrived", len(srv.Messages()), b.N)
				}
			}
			elapsed := time.Since(began)
			b.StopTimer()
			cancel()
			<-done
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "invitations/s")
			b.ReportMetric(float64(b.N)/swept.Seconds(), "swept/s") // queued in the outbox, before delivery
		})
	}
}
