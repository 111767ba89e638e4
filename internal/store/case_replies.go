package store

// What a reply from a case needs of its thread (the headers to thread on),
// the send status of its outgoing mail, and a cheap fingerprint that tells
// an open case page when the thread changed.

import (
	"context"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// ThreadHead is what a new reply threads on: the thread's Message-IDs in
// order, and the last message the customer sent.
type ThreadHead struct {
	MessageIDs  []string // without angle brackets, oldest first
	LastInbound *fresco.CaseMessage
	Last        *fresco.CaseMessage // the last message either way
}

// CaseThreadHead reads the thread of case caseID within tx (without the
// message bodies' attachments).
func (tx *Tx) CaseThreadHead(ctx context.Context, caseID int64) (ThreadHead, error) {
	var h ThreadHead
	list, err := queryAll(ctx, tx, scanCaseMessage, `SELECT `+caseMessageColumns+` FROM case_messages
		WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return h, err
	}
	for i := range list {
		m := &list[i]
		if m.MessageID != "" {
			h.MessageIDs = append(h.MessageIDs, m.MessageID)
		}
		if m.Direction == fresco.MessageIn {
			h.LastInbound = m
		}
		h.Last = m
	}
	return h, nil
}

// CaseMessage returns one message of a case's thread within tx (without its
// attachments).
func (tx *Tx) CaseMessage(ctx context.Context, id int64) (*fresco.CaseMessage, error) {
	m, err := scanCaseMessage(tx.QueryRow(ctx, `SELECT `+caseMessageColumns+` FROM case_messages WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "case message", id)
	}
	return &m, nil
}

// caseEmailsQuery reads a case's e-mails through their index (migration
// 00078).
const caseEmailsQuery = `SELECT ` + emailColumns + ` FROM email_messages WHERE case_id = ? ORDER BY id`

// CaseEmails returns the outbox records of the mail sent from case caseID,
// by id: the send status of each outgoing message of its thread.
func (db *DB) CaseEmails(ctx context.Context, caseID int64) (map[int64]*fresco.EmailMessage, error) {
	list, err := queryAll(ctx, db, scanEmail, caseEmailsQuery, caseID)
	out := make(map[int64]*fresco.EmailMessage, len(list))
	for _, m := range list {
		out[m.ID] = m
	}
	return out, err
}

// CaseThreadVersion changes whenever a message is added to the case's
// thread or the send status of one of its e-mails moves on; an open case
// page polls it (one indexed read each) to know when to redraw the thread.
func (db *DB) CaseThreadVersion(ctx context.Context, caseID int64) (string, error) {
	var maxID, count, attempts, settled int64
	err := db.QueryRow(ctx, `SELECT COALESCE(MAX(m.id), 0), COUNT(m.id),
			COALESCE(SUM(e.attempts), 0), COALESCE(SUM(CASE WHEN e.status = 'queued' THEN 0 ELSE 1 END), 0)
		FROM case_messages m LEFT JOIN email_messages e ON e.id = m.email_id
		WHERE m.case_id = ?`, caseID).Scan(&maxID, &count, &attempts, &settled)
	return fmt.Sprintf("%d.%d.%d.%d", maxID, count, attempts, settled), err
}

// LatestGrantedGesture is the case's most recent gesture granted (at once
// or on approval), or nil; q is the database or a transaction.
func LatestGrantedGesture(ctx context.Context, q Querier, caseID int64) (*fresco.Gesture, error) {
	list, err := queryAll(ctx, q, scanGesture, `SELECT `+gestureColumns+` FROM gestures
		WHERE case_id = ? AND status = 'granted' ORDER BY COALESCE(decided_at, created_at) DESC, id DESC LIMIT 1`, caseID)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return list[0], nil
}
