package demo

import (
	"context"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// testDemoThreads checks the e-mail conversations of the demo's cases
// (threads.go): a share of the cases have one; each opens with the
// customer's e-mail and has the owner's reply, sent; every message lies in
// the case's open interval and is the case's customer's, from or to them;
// every reply names an earlier message of its case in In-Reply-To and
// References, so that mail clients — and Fresco's own inbound mail — thread
// it; and attachments are there, small, with their data.
func testDemoThreads(t *testing.T, db *store.DB, w *world) {
	ctx := context.Background()
	cases := count(t, db, `SELECT COUNT(*) FROM recovery_cases`)
	threads := count(t, db, `SELECT COUNT(DISTINCT case_id) FROM case_messages`)
	answers := count(t, db, `SELECT COUNT(*) FROM case_messages WHERE direction = 'in' AND in_reply_to <> ''`)
	attachments := count(t, db, `SELECT COUNT(*) FROM case_attachments`)
	t.Logf("%d of %d cases with e-mails; %d customers wrote back; %d attachments", threads, cases, answers, attachments)
	if threads < cases/5 || threads > cases*3/5 || answers == 0 || attachments == 0 {
		t.Errorf("%d of %d cases with e-mails, %d answers, %d attachments: want a share of the cases, some answers and attachments",
			threads, cases, answers, attachments)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM case_attachments WHERE size_bytes <> LENGTH(data) OR size_bytes = 0 OR size_bytes > 4096
		OR content_type NOT IN ('image/png', 'text/plain')`); n != 0 {
		t.Errorf("%d attachments without their data, too big, or of an odd type", n)
	}
	rows := query(t, db, `SELECT id FROM recovery_cases WHERE id IN (SELECT case_id FROM case_messages) ORDER BY id`)
	var ids []int64
	for rows.Next() {
		var id int64
		scan(t, rows, &id)
		ids = append(ids, id)
	}
	for _, id := range ids {
		c, err := db.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		cust, err := db.Customer(ctx, c.CustomerID)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := db.CaseMessages(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		mails, err := db.CaseEmails(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		checkThread(t, c, cust, msgs, mails, w.end)
	}
	// Fresco's inbound mail files an answer on its case by the Message-IDs
	// it names.
	var inReplyTo string
	var caseID int64
	if err := db.QueryRow(ctx, `SELECT in_reply_to, case_id FROM case_messages WHERE direction = 'in' AND in_reply_to <> '' ORDER BY id LIMIT 1`).
		Scan(&inReplyTo, &caseID); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *store.Tx) error {
		got, ok, err := tx.CaseForMessageIDs(ctx, []string{inReplyTo})
		if err == nil && (!ok || got != caseID) {
			t.Errorf("a reply to %s finds case %d (%v), want %d", inReplyTo, got, ok, caseID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// checkThread checks one case's thread against the case and its customer.
func checkThread(t *testing.T, c *fresco.Case, cust *fresco.Customer, msgs []fresco.CaseMessage, mails map[int64]*fresco.EmailMessage, end time.Time) {
	t.Helper()
	until := end
	for _, at := range []*time.Time{c.ClosedAt, c.ResolvedAt} {
		if at != nil {
			until = *at
		}
	}
	if msgs[0].Direction != fresco.MessageIn || msgs[0].InReplyTo != "" {
		t.Errorf("case %d: the thread opens with %+v, want the customer's e-mail", c.ID, msgs[0])
	}
	seen := map[string]bool{}
	replied := false
	var last time.Time
	for _, m := range msgs {
		if m.CreatedAt.Before(c.OpenedAt) || m.CreatedAt.After(until) || m.CreatedAt.Before(last) {
			t.Errorf("case %d: message %d at %v, outside the case's [%v, %v] or before the message before it", c.ID, m.ID, m.CreatedAt, c.OpenedAt, until)
		}
		last = m.CreatedAt
		if m.MessageID == "" || seen[m.MessageID] {
			t.Errorf("case %d: message %d has Message-ID %q, empty or seen before", c.ID, m.ID, m.MessageID)
		}
		if m.InReplyTo != "" && !seen[m.InReplyTo] {
			t.Errorf("case %d: message %d answers %q, no earlier message of the case", c.ID, m.ID, m.InReplyTo)
		}
		for _, ref := range strings.Fields(m.References) {
			if !seen[strings.Trim(ref, "<>")] {
				t.Errorf("case %d: message %d refers to %s, no earlier message of the case", c.ID, m.ID, ref)
			}
		}
		if m.InReplyTo != "" && !strings.Contains(m.References, "<"+m.InReplyTo+">") {
			t.Errorf("case %d: message %d answers %s without it in References %q", c.ID, m.ID, m.InReplyTo, m.References)
		}
		seen[m.MessageID] = true
		switch m.Direction {
		case fresco.MessageIn:
			from, err := mail.ParseAddress(m.From)
			if err != nil || !strings.EqualFold(from.Address, cust.Email) || from.Name != cust.Name {
				t.Errorf("case %d: message %d is from %q (%v), not the customer %s <%s>", c.ID, m.ID, m.From, err, cust.Name, cust.Email)
			}
		case fresco.MessageOut:
			replied = true
			e := mails[*m.EmailID]
			if m.InReplyTo == "" || m.EmployeeID == nil || *m.EmployeeID != c.OwnerID {
				t.Errorf("case %d: reply %d answers %q, written by %v", c.ID, m.ID, m.InReplyTo, m.EmployeeID)
			}
			if e == nil || e.Status != fresco.EmailSent || e.SentAt == nil || e.SentAt.Before(m.CreatedAt) || e.To != cust.Email ||
				e.CustomerID == nil || *e.CustomerID != cust.ID || e.MessageID != m.MessageID || e.Purpose != fresco.EmailPurposeCaseReply {
				t.Errorf("case %d: reply %d's e-mail %+v, want sent to the customer %s", c.ID, m.ID, e, cust.Email)
			}
		}
	}
	if !replied {
		t.Errorf("case %d: the customer's e-mail has no reply", c.ID)
	}
}
