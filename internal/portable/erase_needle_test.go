package portable_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// needles are strings only the erased customer's data holds: who they are
// and what they (or staff about them) wrote. Words no other fixture uses.
var needles = []string{"Quillon", "Needlewright", "needle.example", "2079460999", "Thimblewick", "THIMBLE-42",
	"zarquon", "flumpish", "glorbnak", "blorvex", "snorfle"}

// The customer goes through every flow that writes about them — a survey
// answer that alerts staff and webhooks, praise passed on, an e-mail with
// an attachment that opens a case, a reply, notes, a closed follow-up, a
// nomination, the digest of satisfied customers leaving, a bounce — and
// after erasure not one table, on either engine, holds a word of it, while
// the counts of what happened stay.
func TestErasureLeavesNoNeedleAnywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
		}))
		t.Cleanup(hooks.Close)
		a := apptest.New(t, db, func(c *app.Config) {
			c.QueuePollInterval, c.DisableDigest, c.AllowPrivateWebhooks = 20*time.Millisecond, true, true
			c.SMTP.From = "Shop <support@shop.example>"
			c.Inbound = app.InboundConfig{Domains: []string{"shop.example"}, MaxBytes: inbound.DefaultMaxBytes}
		})
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Queue.Run(runCtx) }()
		stopQueue := sync.OnceFunc(func() { stop(); <-done })
		t.Cleanup(stopQueue)
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		_, err := a.Notifier.CreateWebhook(ctx, notify.WebhookInput{URL: hooks.URL, Events: []string{"*"}, Actor: "test"})
		must(err)
		loc := &fresco.Location{Name: "Quay", Timezone: "UTC"}
		must(db.CreateLocation(ctx, loc))
		owner := &fresco.Employee{Name: "Olga Owner", Email: "owner@shop.example", Role: fresco.RoleOwner, Active: true}
		must(db.CreateEmployee(ctx, owner))
		must(db.CreateEmployee(ctx, &fresco.Employee{Name: "Max Manager", Email: "max@shop.example", Role: fresco.RoleManager,
			Active: true, LocationID: &loc.ID}))
		agent := &fresco.Employee{Name: "Ann Agent", Email: "ann@shop.example", Role: fresco.RoleAgent, Active: true, LocationID: &loc.ID}
		must(db.CreateEmployee(ctx, agent))
		staff := recovery.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Name: owner.Name, Role: fresco.RoleOwner, EmployeeID: &owner.ID}

		// The customer first writes in: the e-mail makes them a customer and
		// opens a case, its receipt attached.
		res, err := a.Inbound.Receive(ctx, inbound.Envelope{MailFrom: "quillon.needlewright@needle.example",
			Recipients: []string{"support@shop.example"}}, []byte(strings.ReplaceAll(needleMail, "\n", "\r\n")))
		must(err)
		if !res.NewCustomer || res.CaseID == 0 {
			t.Fatalf("the e-mail was filed as %+v", res)
		}
		id, caseID := res.CustomerID, res.CaseID
		c, err := db.Customer(ctx, id)
		must(err)
		c.Phone, c.Address, c.ExternalID, c.ConsentSurveys = "+442079460999", "17 Thimblewick Lane, Quay", "CUST-THIMBLE-42", true
		must(db.UpdateCustomer(ctx, c))
		// Every ten days, then no more: a rhythm broken, for the digest of
		// satisfied customers who may be leaving.
		var buy *fresco.Purchase
		for i, ago := range []int{100, 90, 80} {
			buy = &fresco.Purchase{ExternalID: fmt.Sprintf("ORD-%d", i), CustomerID: &id, PurchasedAt: time.Now().UTC().AddDate(0, 0, -ago),
				LocationID: &loc.ID, ServedBy: &agent.ID, Lines: []fresco.PurchaseLine{{SKU: "SOUP", Quantity: 1, UnitPrice: 450}}}
			must(db.CreatePurchase(ctx, buy))
		}

		// A survey answered by link: a detractor's comment alerts staff and
		// webhooks; on the same page they nominate the agent.
		post, err := db.ListeningPostBySlug(ctx, "survey")
		must(err)
		survey := &fresco.Survey{Slug: "after", Name: "After your visit", PostID: post.ID, Active: true,
			Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}
		must(db.CreateSurvey(ctx, survey))
		inv, err := a.Feedback.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: survey.ID, PurchaseID: &buy.ID})
		must(err)
		two, ten := 2, 10
		detractor, err := a.Feedback.SubmitLink(ctx, inv.Token, []feedback.AnswerInput{{Question: "nps", Score: &two}},
			"Quillon here: the zarquon soup arrived cold")
		must(err)
		// The comments page's themes quote comments as examples, beside
		// other people's, which must stay. (Clustering needs a crowd of
		// comments; the report is stored as the refresh stores it, under a
		// name of its own that the refresh job cannot overwrite.)
		other, err := a.Feedback.Record(ctx, &feedback.Input{Answers: []feedback.AnswerInput{{Type: feedback.TypeNPS, Score: &two}},
			Comment: "my soup was cold too", Actor: "test"})
		must(err)
		themes, _ := json.Marshal(feedback.ThemeReport{Themes: []feedback.EmergingTheme{{Label: "soup cold",
			Examples: []feedback.ThemeExample{{ResponseID: detractor.ID, Comment: detractor.Comment}, {ResponseID: other.ID, Comment: other.Comment}}}}})
		_, err = db.ReplaceReportSnapshot(ctx, "needle.themes", themes, time.Now().UTC())
		must(err)
		must(a.Rewards.CustomerNominates(ctx, inv.Invitation, "Ann rescued my snorfle umbrella"))
		_, err = a.Feedback.Record(ctx, &feedback.Input{CustomerID: &id, EmployeeID: &agent.ID, LocationID: &loc.ID,
			Answers: []feedback.AnswerInput{{Type: feedback.TypeNPS, Score: &ten}}, Comment: "Ann was a flumpish delight", Actor: "test"})
		must(err)

		// Staff work the case: a note, a reply to the customer.
		_, err = a.Recovery.Note(ctx, staff, caseID, "Rang Quillon about the glorbnak sandwich")
		must(err)
		_, err = a.Recovery.Reply(ctx, staff, caseID, recovery.ReplyInput{Body: "Dear Quillon Needlewright, we are sorry about the glorbnak."})
		must(err)
		settle(t, db)
		// Their last answer praised us, and they stopped buying: the digest
		// lists them by name among any others, with nothing linking to them.
		if sent, err := a.Loop.SendDigest(ctx); err != nil || sent == 0 {
			t.Fatalf("digest sent %d: %v", sent, err)
		}
		// The case is resolved and they buy again: the recognition feed's
		// stored recoveries quote the case's summary.
		_, err = a.Recovery.Resolve(ctx, staff, caseID, "Refunded the glorbnak sandwich")
		must(err)
		must(db.CreatePurchase(ctx, &fresco.Purchase{ExternalID: "ORD-again", CustomerID: &id, PurchasedAt: time.Now().UTC().Add(time.Second),
			LocationID: &loc.ID, ServedBy: &agent.ID, Lines: []fresco.PurchaseLine{{SKU: "SOUP", Quantity: 1, UnitPrice: 450}}}))
		if recovered, err := a.Rewards.RefreshRecovered(ctx); err != nil || len(recovered) == 0 {
			t.Fatalf("recoveries %v: %v", recovered, err)
		}
		// A later mail to them bounces: the address is marked, and audited.
		_, err = a.Inbound.Receive(ctx, inbound.Envelope{NullSender: true, Recipients: []string{"support@shop.example"}},
			[]byte(strings.ReplaceAll(needleBounce, "\n", "\r\n")))
		must(err)
		if c, err = db.Customer(ctx, id); err != nil || c.EmailUndeliverableAt == nil {
			t.Fatalf("the bounce did not mark the address: %v", err)
		}

		var followUp int64
		must(db.QueryRow(ctx, `SELECT MIN(id) FROM follow_ups WHERE customer_id = ? AND status = 'open'`, id).Scan(&followUp))
		_, err = a.Loop.CloseFollowUp(ctx, followUp, loop.CloseInput{ContactChannel: "phone",
			Outcome: "Quillon accepted a voucher for the zarquon soup", Actor: staff.Ref})
		must(err)
		settle(t, db)

		// The flows wrote where the erasure must reach; if one stops
		// writing there, the test no longer proves anything about it.
		wrote := []string{"audit_log.detail", "audit_log.entity_id", "case_attachments.data", "case_events", "case_messages",
			"case_notifications", "email_messages.to_addr", "jobs", "notifications.data",
			"notifications.subject", "report_snapshots.body", "webhook_deliveries"}
		before := needlesIn(t, db)
		for _, table := range wrote {
			if !strings.Contains(strings.Join(before, " "), table) {
				t.Errorf("no needle in %s before erasure: the flows did not write there (found %v)", table, before)
			}
		}
		stopQueue() // nothing runs beside the erasure to move the counts
		counts := rowCounts(t, db)
		var ourReply string
		must(db.QueryRow(ctx, `SELECT message_id FROM email_messages WHERE case_id = ? AND purpose <> 'staff' AND message_id <> ''`,
			caseID).Scan(&ourReply))

		e, err := portable.EraseCustomer(ctx, db, "employee:1", id)
		must(err)
		for _, table := range []string{"email_messages", "case_messages", "case_attachments", "case_notifications", "webhook_deliveries"} {
			if e.Rows[table] == 0 {
				t.Errorf("erasure says it changed no %s: %v", table, e.Rows)
			}
		}
		if left := needlesIn(t, db); len(left) > 0 {
			t.Errorf("after erasure the customer is still in:\n%s", strings.Join(left, "\n"))
		}
		if body, _, err := db.ReportSnapshot(ctx, "needle.themes"); err != nil || !strings.Contains(string(body), other.Comment) {
			t.Errorf("another customer's comment left the stored themes: %s (%v)", body, err)
		}
		after := rowCounts(t, db)
		for k, n := range counts {
			want := n
			switch k {
			case "case_attachments":
				want = 0 // the customer's file goes whole
			case "audit_log":
				want = n + 1 // the erasure's own record
			}
			if after[k] != want {
				t.Errorf("%s: %d after erasure, %d before (want %d)", k, after[k], n, want)
			}
		}
		// They answer our old reply: Fresco no longer knows whose it was,
		// so it is a new customer's first mail, not the erased case's.
		answer := strings.Replace(strings.ReplaceAll(needleMail, "\n", "\r\n"), "Message-ID: <m1-0001@needle.example>",
			"Message-ID: <m2-0001@needle.example>\r\nIn-Reply-To: <"+ourReply+">", 1)
		res, err = a.Inbound.Receive(ctx, inbound.Envelope{MailFrom: "quillon.needlewright@needle.example",
			Recipients: []string{"support@shop.example"}}, []byte(answer))
		if err != nil || !res.NewCustomer || res.CaseID == caseID {
			t.Errorf("a reply after erasure was filed as %+v (%v); the erased case is %d", res, err, caseID)
		}
	})
}

// needleMail is the customer's e-mail, with their receipt attached.
const needleMail = `From: Quillon Needlewright <quillon.needlewright@needle.example>
To: support@shop.example
Subject: Mouldy glorbnak sandwich
Date: Sat, 05 Dec 2026 11:00:00 +0000
Message-ID: <m1-0001@needle.example>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

--outer
Content-Type: text/plain; charset=utf-8

This is awful: I found mould in my glorbnak sandwich, I want my money back. Call me on +442079460999.

--outer
Content-Type: application/pdf; name="glorbnak-receipt.pdf"
Content-Disposition: attachment; filename="glorbnak-receipt.pdf"

%PDF-1.4 blorvex receipt
--outer--
`

// needleBounce reports that mail to the customer's address bounced (the
// address in another case than stored, as mail servers write it).
const needleBounce = `From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: support@shop.example
Subject: Undelivered Mail Returned to Sender
Date: Sat, 05 Dec 2026 13:00:00 +0000
Message-ID: <dsn-0001@mx.example.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="dsn"

--dsn
Content-Type: text/plain; charset=us-ascii

Your message could not be delivered.

--dsn
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; Quillon.Needlewright@needle.example
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <quillon.needlewright@needle.example>: User unknown

--dsn--
`

// settle waits until no job is due: what the flows queued has run.
func settle(t *testing.T, db *store.DB) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var due int
		err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running') AND run_at <= ?`,
			time.Now().UTC()).Scan(&due)
		if err != nil {
			t.Fatal(err)
		}
		if due == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still due", due)
		}
	}
}

// tablesOf lists every table of the schema, so that a table added later is
// scanned without changing the test.
func tablesOf(t *testing.T, db *store.DB) []string {
	t.Helper()
	query := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`
	if db.Dialect() == store.Postgres {
		query = `SELECT table_name FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := db.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	return out
}

// needlesIn scans every text and binary value of every table and names
// each table.column holding a needle (ignoring case).
func needlesIn(t *testing.T, db *store.DB) []string {
	t.Helper()
	var found []string
	for _, table := range tablesOf(t, db) {
		rows, err := db.Query(context.Background(), `SELECT * FROM `+table)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		seen := map[string]bool{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var s string
				switch x := v.(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				default:
					continue
				}
				s = strings.ToLower(s)
				for _, n := range needles {
					where := table + "." + cols[i]
					if !seen[where] && strings.Contains(s, strings.ToLower(n)) {
						seen[where] = true
						found = append(found, fmt.Sprintf("%s (%q)", where, n))
					}
				}
			}
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	return found
}

// rowCounts counts the rows of the tables erasure touches, and the sum of
// the scores: history that must stay.
func rowCounts(t *testing.T, db *store.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"customers", "responses", "recovery_cases", "case_events", "case_messages", "case_attachments",
		"case_notifications", "email_messages", "notifications", "webhook_deliveries", "audit_log", "nominations", "follow_ups"} {
		var n int64
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	var nps sql.NullInt64
	if err := db.QueryRow(context.Background(), `SELECT SUM(nps) FROM responses`).Scan(&nps); err != nil {
		t.Fatal(err)
	}
	out["sum(nps)"] = nps.Int64
	return out
}

// Mail queued to a customer who is then erased is not sent: its address is
// gone, and the e-mail job records it as skipped and why.
func TestErasedCustomersQueuedMailIsSkipped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apptest.New(t, db, func(c *app.Config) {
			c.QueuePollInterval, c.DisableDigest = 20*time.Millisecond, true
			c.SMTP.From = "Shop <support@shop.example>"
			c.Inbound = app.InboundConfig{Domains: []string{"shop.example"}, MaxBytes: inbound.DefaultMaxBytes}
		})
		owner := &fresco.Employee{Name: "Olga Owner", Email: "owner@shop.example", Role: fresco.RoleOwner, Active: true}
		if err := db.CreateEmployee(ctx, owner); err != nil {
			t.Fatal(err)
		}
		res, err := a.Inbound.Receive(ctx, inbound.Envelope{MailFrom: "quillon.needlewright@needle.example",
			Recipients: []string{"support@shop.example"}}, []byte(strings.ReplaceAll(needleMail, "\n", "\r\n")))
		if err != nil {
			t.Fatal(err)
		}
		staff := recovery.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Name: owner.Name, Role: fresco.RoleOwner, EmployeeID: &owner.ID}
		reply, err := a.Recovery.Reply(ctx, staff, res.CaseID, recovery.ReplyInput{Body: "We are sorry."})
		if err != nil || reply.EmailID == nil {
			t.Fatalf("reply %+v: %v", reply, err)
		}
		if _, err := portable.EraseCustomer(ctx, db, "employee:1", res.CustomerID); err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Queue.Run(runCtx) }()
		t.Cleanup(func() { stop(); <-done })
		settle(t, db)
		m, err := db.Email(ctx, *reply.EmailID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != fresco.EmailSkipped || m.To != "" || !strings.Contains(m.LastError, "erased") {
			t.Errorf("the erased customer's queued reply: status %s, to %q, error %q", m.Status, m.To, m.LastError)
		}
	})
}
