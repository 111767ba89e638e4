package store

// Reply templates (fresco.ReplyTemplate), the macros of case replies.

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const replyTemplateColumns = `id, name, subject, body, created_by, created_at, updated_at`

func scanReplyTemplate(row rowScanner) (*fresco.ReplyTemplate, error) {
	var t fresco.ReplyTemplate
	err := row.Scan(&t.ID, &t.Name, &t.Subject, &t.Body, &t.CreatedBy, &t.CreatedAt, &t.UpdatedAt)
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, err
}

// ReplyTemplates lists every reply template by name.
func (db *DB) ReplyTemplates(ctx context.Context) ([]*fresco.ReplyTemplate, error) {
	return queryAll(ctx, db, scanReplyTemplate, `SELECT `+replyTemplateColumns+` FROM reply_templates ORDER BY name, id`)
}

// ReplyTemplate returns one reply template.
func (db *DB) ReplyTemplate(ctx context.Context, id int64) (*fresco.ReplyTemplate, error) {
	t, err := scanReplyTemplate(db.QueryRow(ctx, `SELECT `+replyTemplateColumns+` FROM reply_templates WHERE id = ?`, id))
	return t, notFound(err, "reply template", id)
}

// ReplyTemplate returns one reply template within the transaction.
func (tx *Tx) ReplyTemplate(ctx context.Context, id int64) (*fresco.ReplyTemplate, error) {
	t, err := scanReplyTemplate(tx.QueryRow(ctx, `SELECT `+replyTemplateColumns+` FROM reply_templates WHERE id = ?`, id))
	return t, notFound(err, "reply template", id)
}

// InsertReplyTemplate stores t and sets its ID; a name in use is a conflict
// naming the field.
func (tx *Tx) InsertReplyTemplate(ctx context.Context, t *fresco.ReplyTemplate) error {
	t.CreatedAt = now()
	t.UpdatedAt = t.CreatedAt
	err := tx.QueryRow(ctx, `INSERT INTO reply_templates (name, subject, body, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, t.Name, t.Subject, t.Body, t.CreatedBy, t.CreatedAt, t.UpdatedAt).Scan(&t.ID)
	if isUniqueViolation(err) {
		return conflict("name", "a reply template is already called %q", t.Name)
	}
	return err
}

// UpdateReplyTemplate stores t's name, subject and body.
func (tx *Tx) UpdateReplyTemplate(ctx context.Context, t *fresco.ReplyTemplate) error {
	t.UpdatedAt = now()
	res, err := tx.Exec(ctx, `UPDATE reply_templates SET name = ?, subject = ?, body = ?, updated_at = ? WHERE id = ?`,
		t.Name, t.Subject, t.Body, t.UpdatedAt, t.ID)
	if isUniqueViolation(err) {
		return conflict("name", "a reply template is already called %q", t.Name)
	}
	return affectedOne(res, err, "reply template", t.ID)
}

// DeleteReplyTemplate removes a reply template.
func (tx *Tx) DeleteReplyTemplate(ctx context.Context, id int64) error {
	res, err := tx.Exec(ctx, `DELETE FROM reply_templates WHERE id = ?`, id)
	return affectedOne(res, err, "reply template", id)
}

// affectedOne turns an UPDATE or DELETE that touched no row into "not found".
func affectedOne(res sql.Result, err error, what string, id int64) error {
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "%s %d not found", what, id)
	}
	return nil
}
