package store

// The e-mail outbox: one row per message, worked through by the e-mail job.

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// InsertEmail adds m to the outbox as queued and sets its ID.
func (tx *Tx) InsertEmail(ctx context.Context, m *fresco.EmailMessage) error {
	m.Status, m.Attempts, m.CreatedAt, m.SentAt = fresco.EmailQueued, 0, now(), nil
	return tx.RecordEmail(ctx, m)
}

// RecordEmail adds m to the outbox as it is — status, attempts, creation
// and send times included — and sets its ID: mail recorded after the fact,
// such as package demo's history of replies sent from cases.
func (tx *Tx) RecordEmail(ctx context.Context, m *fresco.EmailMessage) error {
	if m.Purpose == "" {
		m.Purpose = fresco.EmailPurposeStaff
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return tx.QueryRow(ctx, `INSERT INTO email_messages (notification_id, customer_id, case_id, purpose, to_addr, subject, body, html,
		message_id, in_reply_to, refs, status, attempts, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(m.NotificationID), nullID(m.CustomerID), nullID(m.CaseID), m.Purpose, m.To, m.Subject, m.Body, m.HTML,
		m.MessageID, m.InReplyTo, m.References, m.Status, m.Attempts, m.CreatedAt, nullTime(m.SentAt)).Scan(&m.ID)
}

const emailColumns = `id, notification_id, customer_id, case_id, purpose, to_addr, subject, body, html,
	message_id, in_reply_to, refs, status, attempts, last_error, created_at, sent_at`

func scanEmail(row rowScanner) (*fresco.EmailMessage, error) {
	var m fresco.EmailMessage
	var nid, cid, caseID sql.NullInt64
	var sent sql.NullTime
	err := row.Scan(&m.ID, &nid, &cid, &caseID, &m.Purpose, &m.To, &m.Subject, &m.Body, &m.HTML,
		&m.MessageID, &m.InReplyTo, &m.References, &m.Status, &m.Attempts, &m.LastError, &m.CreatedAt, &sent)
	if err != nil {
		return nil, err
	}
	m.NotificationID, m.CustomerID, m.CaseID, m.SentAt = ptrID(nid), ptrID(cid), ptrID(caseID), ptrTime(sent)
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// Email returns the outbox message with the id.
func (db *DB) Email(ctx context.Context, id int64) (*fresco.EmailMessage, error) {
	m, err := scanEmail(db.QueryRow(ctx, `SELECT `+emailColumns+` FROM email_messages WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "e-mail", id)
	}
	return m, nil
}

// CustomerEmails lists the mail sent (or queued) to a customer, newest
// first, at most limit.
func (db *DB) CustomerEmails(ctx context.Context, customerID int64, limit int) ([]*fresco.EmailMessage, error) {
	return queryAll(ctx, db, scanEmail, `SELECT `+emailColumns+` FROM email_messages
		WHERE customer_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, customerID, limit)
}

// RecordEmailAttempt stores the outcome of one attempt to send an e-mail.
// status stays "queued" while retries remain.
func (db *DB) RecordEmailAttempt(ctx context.Context, id int64, status, lastError string) error {
	var sentAt any
	if status == fresco.EmailSent {
		sentAt = now()
	}
	_, err := db.Exec(ctx, `UPDATE email_messages SET status = ?, attempts = attempts + 1, last_error = ?, sent_at = ? WHERE id = ?`,
		status, lastError, sentAt, id)
	return err
}
