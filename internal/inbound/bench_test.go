package inbound_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// BenchmarkReceive measures inbound mail parsed and filed, end to end
// through Service.Receive (the path the SMTP listener and the webhook
// share), on each engine: a mix of the real fixtures — new conversations
// from new senders (customer, e-mail response through the classifier,
// case, thread message, attachments) and one reply in four on an existing
// case. Reported as messages per second.
//
//	go test -run '^$' -bench BenchmarkReceive -benchtime 400x ./internal/inbound/
func BenchmarkReceive(b *testing.B) {
	for _, eng := range storetest.Engines() {
		b.Run(eng.Name, func(b *testing.B) {
			db := storetest.Open(b, eng.URL(b))
			a := apptest.New(b, db, func(c *app.Config) { c.SMTP.From = "support@shop.example" })
			ctx := context.Background()
			if err := db.CreateEmployee(ctx, &fresco.Employee{Email: "owner@shop.example", Name: "Owner", Role: fresco.RoleOwner, Active: true}); err != nil {
				b.Fatal(err)
			}
			fixtures := [][]byte{fixture(b, "plain.eml"), fixture(b, "multipart_pdf.eml"), fixture(b, "latin1_qp.eml"), fixture(b, "html_only.eml")}
			// The reply's thread: a case with Fresco's outgoing message.
			first, err := a.Inbound.Receive(ctx, inbound.Envelope{}, fixture(b, "complaint.eml"))
			if err != nil {
				b.Fatal(err)
			}
			reply := bytes.ReplaceAll(fixture(b, "reply.eml"), []byte("fresco.thread-target@shop.example"), []byte(fmt.Sprintf("complaint-0001@example.com")))
			reply = bytes.ReplaceAll(reply, []byte("anna.berg@example.net"), []byte("frank@example.com"))
			b.ResetTimer()
			start := time.Now()
			for n := 0; n < b.N; n++ {
				raw := fixtures[n%len(fixtures)]
				if n%4 == 3 {
					raw = reply
				}
				raw = bytes.Replace(raw, []byte("Message-ID: <"), fmt.Appendf(nil, "Message-ID: <bench-%d.", n), 1)
				raw = bytes.Replace(raw, []byte("@example."), fmt.Appendf(nil, "+%d@example.", n), 1) // a new sender each time
				if n%4 == 3 {
					raw = bytes.Replace(raw, fmt.Appendf(nil, "frank+%d@", n), []byte("frank@"), 1)
				}
				res, err := a.Inbound.Receive(ctx, inbound.Envelope{}, raw)
				if err != nil {
					b.Fatal(err)
				}
				if want := map[bool]string{true: inbound.OutcomeReply, false: inbound.OutcomeNewCase}[n%4 == 3]; res.Outcome != want {
					b.Fatalf("message %d: %s (%s), want %s", n, res.Outcome, res.Reason, want)
				}
				if n%4 == 3 && res.CaseID != first.CaseID {
					b.Fatalf("reply filed on case %d, want %d", res.CaseID, first.CaseID)
				}
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "messages/s")
		})
	}
}
