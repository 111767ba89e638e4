package store

// The e-mail outbox: one row per message, worked through by the e-mail job.

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// InsertEmail adds m to the outbox as queued and sets its ID.
func (tx *Tx) InsertEmail(ctx context.Context, m *fresco.EmailMessage) error {
	m.Status, m.CreatedAt = fresco.EmailQueued, now()
	return tx.QueryRow(ctx, `INSERT INTO email_messages (notification_id, to_addr, subject, body, status, created_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(m.NotificationID), m.To, m.Subject, m.Body, m.Status, m.CreatedAt).Scan(&m.ID)
}

// Email returns the outbox message with the id.
func (db *DB) Email(ctx context.Context, id int64) (*fresco.EmailMessage, error) {
	var m fresco.EmailMessage
	var nid sql.NullInt64
	var sent sql.NullTime
	err := db.QueryRow(ctx, `SELECT id, notification_id, to_addr, subject, body, status, attempts, last_error, created_at, sent_at
		FROM email_messages WHERE id = ?`, id).Scan(&m.ID, &nid, &m.To, &m.Subject, &m.Body, &m.Status, &m.Attempts,
		&m.LastError, &m.CreatedAt, &sent)
	if err != nil {
		return nil, notFound(err, "e-mail", id)
	}
	m.NotificationID, m.SentAt = ptrID(nid), ptrTime(sent)
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
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
