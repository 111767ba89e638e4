package portable_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// awkwardFile is an attachment no text format carries as it is: invalid
// UTF-8, a NUL, NULL's CSV spelling, a quote, line ends.
var awkwardFile = []byte{0xff, 0xfe, 0x00, 'P', 'K', 0x03, 0x04, '\\', 'N', '"', '\r', '\n', 0x80, 0xc3, 0x28}

// awkwardBody is a message as customers write them: lines, quotes, a
// backslash, and a line that reads like NULL.
const awkwardBody = "Hello,\n\"the box\" arrived broken, 'again'.\r\n\\N\n\\\\N \\ C:\\temp\nZoë"

// mail stores a case's conversation with two attachments (awkwardFile and
// an empty one), the e-mail that carried the reply (pointing at a
// notification, which is not exported), a reply template and the log of
// an invitation a rule skipped.
func mail(t *testing.T, db *store.DB, customerID int64) {
	t.Helper()
	at := time.Date(2025, 4, 5, 6, 7, 8, 123456000, time.UTC)
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO employees (id, email, name, role, created_at, updated_at) VALUES (1, 'agent@example.com', 'Agent', 'agent', ?, ?)`, []any{at, at}},
		{`INSERT INTO recovery_cases (id, customer_id, source, summary, status, state, owner_id, opened_at, created_at, updated_at)
			VALUES (1, ?, 'email', ?, 'open', 'open', 1, ?, ?, ?)`, []any{customerID, awkwardBody, at, at, at}},
		{`INSERT INTO notifications (id, event, created_at) VALUES (1, 'case.assigned', ?)`, []any{at}},
		{`INSERT INTO email_messages (id, notification_id, to_addr, subject, body, status, attempts, created_at, sent_at,
			customer_id, case_id, purpose, html, message_id, in_reply_to, refs)
			VALUES (1, 1, 'p1@example.com', 'Re: "the box"', ?, 'sent', 1, ?, ?, ?, 1, 'case_reply', '<p>a</p>', 'out-1@fresco', 'in-1@example.com', 'in-1@example.com')`,
			[]any{awkwardBody, at, at, customerID}},
		{`INSERT INTO case_messages (id, case_id, direction, email_id, message_id, from_addr, to_addr, subject, body_text, body_html, employee_id, created_at)
			VALUES (1, 1, 'in', NULL, 'in-1@example.com', 'p1@example.com', 'care@example.com', 'the box', ?, '', NULL, ?),
			(2, 1, 'out', 1, 'out-1@fresco', 'care@example.com', 'p1@example.com', 'Re: the box', 'Sorry!', '<p>Sorry!</p>', 1, ?)`,
			[]any{awkwardBody, at, at}},
		{`INSERT INTO case_attachments (id, case_message_id, filename, content_type, size_bytes, data, created_at)
			VALUES (1, 1, 'photo "1".bin', 'application/octet-stream', ?, ?, ?), (2, 1, 'empty.txt', 'text/plain', 0, ?, ?)`,
			[]any{len(awkwardFile), awkwardFile, at, []byte{}, at}},
		{`INSERT INTO reply_templates (id, name, subject, body, created_by, created_at, updated_at) VALUES (1, 'Sorry, "broken"', 'Re: {{case}}', ?, 'owner', ?, ?)`,
			[]any{awkwardBody, at, at}},
		{`INSERT INTO surveys (id, slug, name, post_id, created_at, updated_at) VALUES (1, 'after-purchase', 'After purchase', 1, ?, ?)`, []any{at, at}},
		{`INSERT INTO invitation_rules (id, survey_id, trigger_kind, delay_hours, channel, created_at, updated_at) VALUES (1, 1, 'purchase', 24, 'email', ?, ?)`, []any{at, at}},
		{`INSERT INTO invitation_sends (id, rule_id, survey_id, trigger_kind, trigger_id, customer_id, event_at, due_at, status, skip_reason, created_at)
			VALUES (1, 1, 1, 'purchase', 1, ?, ?, ?, 'skipped', 'no_consent', ?)`, []any{customerID, at, at, at}},
	} {
		if _, err := db.Exec(context.Background(), q.sql, q.args...); err != nil {
			t.Fatalf("%s: %v", q.sql, err)
		}
	}
}

// sameMail checks the conversation, its files byte for byte, the e-mail
// (without its notification) and the template arrived, and that new mail
// gets fresh ids (which writes to b: call it last).
func sameMail(t *testing.T, a, b *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, id := range []int64{1, 2} {
		x, _, err := a.CaseAttachment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		y, _, err := b.CaseAttachment(ctx, id)
		if err != nil {
			t.Fatalf("attachment %d after import: %v", id, err)
		}
		if !bytes.Equal(x.Data, y.Data) || x.Filename != y.Filename || x.Size != y.Size {
			t.Errorf("attachment %d: %q (%s) became %q (%s)", id, x.Data, x.Filename, y.Data, y.Filename)
		}
	}
	if got, _, _ := b.CaseAttachment(ctx, 1); got != nil && !bytes.Equal(got.Data, awkwardFile) {
		t.Errorf("attachment restored as %q, want %q", got.Data, awkwardFile)
	}
	msgs, err := b.CaseMessages(ctx, 1)
	if err != nil || len(msgs) != 2 || msgs[0].Text != awkwardBody || len(msgs[0].Attachments) != 2 || msgs[1].EmailID == nil || *msgs[1].EmailID != 1 {
		t.Errorf("case messages after import: %+v, %v", msgs, err)
	}
	var body, purpose string
	var notification *int64
	if err := b.QueryRow(ctx, `SELECT body, purpose, notification_id FROM email_messages WHERE id = 1`).Scan(&body, &purpose, &notification); err != nil {
		t.Fatalf("e-mail after import: %v", err)
	}
	if body != awkwardBody || purpose != "case_reply" || notification != nil {
		t.Errorf("e-mail after import: %q %q notification %v (the notification log is not exported)", body, purpose, notification)
	}
	tpl, err := b.ReplyTemplate(ctx, 1)
	if err != nil || tpl.Body != awkwardBody {
		t.Errorf("reply template after import: %+v, %v", tpl, err)
	}
	var status, reason string
	if err := b.QueryRow(ctx, `SELECT status, skip_reason FROM invitation_sends WHERE id = 1`).Scan(&status, &reason); err != nil || status != "skipped" || reason != "no_consent" {
		t.Errorf("invitation send after import: %s %s %v", status, reason, err)
	}
	// PostgreSQL's sequences were moved past the imported ids.
	for _, q := range []struct {
		sql      string
		imported int64
	}{
		{`INSERT INTO case_messages (case_id, direction, created_at) VALUES (1, 'in', CURRENT_TIMESTAMP) RETURNING id`, 2},
		{`INSERT INTO case_attachments (case_message_id, filename, content_type, size_bytes, data, created_at) VALUES (1, 'b', 'text/plain', 0, '', CURRENT_TIMESTAMP) RETURNING id`, 2},
		{`INSERT INTO email_messages (to_addr, subject, body, created_at) VALUES ('x@example.com', 's', 'b', CURRENT_TIMESTAMP) RETURNING id`, 1},
		{`INSERT INTO reply_templates (name, body, created_at, updated_at) VALUES ('new', 'b', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id`, 1},
		{`INSERT INTO invitation_sends (rule_id, survey_id, trigger_kind, trigger_id, customer_id, event_at, due_at, status, created_at)
			SELECT 1, 1, 'purchase', 2, customer_id, event_at, due_at, 'pending', created_at FROM invitation_sends WHERE id = 1 RETURNING id`, 1},
	} {
		var id int64
		err := b.InTx(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q.sql).Scan(&id) })
		if err != nil || id <= q.imported {
			t.Errorf("new row after import: id %d, not past the imported %d: %v\n%s", id, q.imported, err, q.sql)
		}
	}
}
