package store

// A case's e-mail thread and its attachments (fresco.CaseMessage).

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// InsertCaseMessage stores m and its attachments, and sets their IDs.
func (tx *Tx) InsertCaseMessage(ctx context.Context, m *fresco.CaseMessage) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now()
	}
	m.CreatedAt = m.CreatedAt.UTC()
	err := tx.QueryRow(ctx, `INSERT INTO case_messages (case_id, direction, email_id, message_id, in_reply_to, refs,
		from_addr, to_addr, subject, body_text, body_html, employee_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.CaseID, m.Direction, nullID(m.EmailID), m.MessageID, m.InReplyTo, m.References,
		m.From, m.To, m.Subject, m.Text, m.HTML, nullID(m.EmployeeID), m.CreatedAt).Scan(&m.ID)
	if err != nil {
		return err
	}
	for i := range m.Attachments {
		a := &m.Attachments[i]
		a.MessageID, a.CreatedAt, a.Size = m.ID, m.CreatedAt, int64(len(a.Data))
		err := tx.QueryRow(ctx, `INSERT INTO case_attachments (case_message_id, filename, content_type, size_bytes, data, created_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, a.MessageID, a.Filename, a.ContentType, a.Size, a.Data, a.CreatedAt).Scan(&a.ID)
		if err != nil {
			return err
		}
	}
	return nil
}

const caseMessageColumns = `id, case_id, direction, email_id, message_id, in_reply_to, refs,
	from_addr, to_addr, subject, body_text, body_html, employee_id, created_at`

func scanCaseMessage(row rowScanner) (fresco.CaseMessage, error) {
	var m fresco.CaseMessage
	var emailID, employeeID sql.NullInt64
	err := row.Scan(&m.ID, &m.CaseID, &m.Direction, &emailID, &m.MessageID, &m.InReplyTo, &m.References,
		&m.From, &m.To, &m.Subject, &m.Text, &m.HTML, &employeeID, &m.CreatedAt)
	m.EmailID, m.EmployeeID, m.CreatedAt = ptrID(emailID), ptrID(employeeID), m.CreatedAt.UTC()
	return m, err
}

// CaseMessages is the case's thread, oldest first, each message with its
// attachments' names, types and sizes (not their data).
func (db *DB) CaseMessages(ctx context.Context, caseID int64) ([]fresco.CaseMessage, error) {
	list, err := queryAll(ctx, db, scanCaseMessage, `SELECT `+caseMessageColumns+` FROM case_messages
		WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil || len(list) == 0 {
		return list, err
	}
	index := make(map[int64]int, len(list))
	for i, m := range list {
		index[m.ID] = i
	}
	attachments, err := queryAll(ctx, db, func(row rowScanner) (fresco.CaseAttachment, error) {
		var a fresco.CaseAttachment
		err := row.Scan(&a.ID, &a.MessageID, &a.Filename, &a.ContentType, &a.Size, &a.CreatedAt)
		a.CreatedAt = a.CreatedAt.UTC()
		return a, err
	}, `SELECT a.id, a.case_message_id, a.filename, a.content_type, a.size_bytes, a.created_at
		FROM case_attachments a JOIN case_messages m ON m.id = a.case_message_id
		WHERE m.case_id = ? ORDER BY a.id`, caseID)
	for _, a := range attachments {
		m := &list[index[a.MessageID]]
		m.Attachments = append(m.Attachments, a)
	}
	return list, err
}

// CaseAttachment returns one attachment with its data, and the case it
// belongs to (for the caller's access check).
func (db *DB) CaseAttachment(ctx context.Context, id int64) (*fresco.CaseAttachment, int64, error) {
	var a fresco.CaseAttachment
	var caseID int64
	err := db.QueryRow(ctx, `SELECT a.id, a.case_message_id, a.filename, a.content_type, a.size_bytes, a.data, a.created_at, m.case_id
		FROM case_attachments a JOIN case_messages m ON m.id = a.case_message_id WHERE a.id = ?`, id).
		Scan(&a.ID, &a.MessageID, &a.Filename, &a.ContentType, &a.Size, &a.Data, &a.CreatedAt, &caseID)
	if err != nil {
		return nil, 0, notFound(err, "attachment", id)
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, caseID, nil
}

// CaseForMessageIDs finds the case a reply belongs to from the Message-IDs
// its In-Reply-To and References name (without angle brackets): a message
// of a case's thread, or mail sent from the case. ok is false when none is
// known. The most recent match wins.
func (tx *Tx) CaseForMessageIDs(ctx context.Context, ids []string) (caseID int64, ok bool, err error) {
	if len(ids) == 0 {
		return 0, false, nil
	}
	args := make([]any, 0, 2*len(ids))
	for _, id := range ids {
		args = append(args, id)
	}
	for _, id := range ids {
		args = append(args, id)
	}
	err = tx.QueryRow(ctx, `SELECT case_id FROM (
			SELECT case_id, created_at FROM case_messages WHERE message_id IN (`+placeholders(len(ids))+`)
			UNION ALL
			SELECT case_id, created_at FROM email_messages WHERE case_id IS NOT NULL AND message_id IN (`+placeholders(len(ids))+`)
		) found ORDER BY created_at DESC LIMIT 1`, args...).Scan(&caseID)
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return caseID, err == nil, err
}
