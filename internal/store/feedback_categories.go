package store

// The editable taxonomy that staff and the classifier file comments under.

import (
	"context"
	"encoding/json"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// FeedbackCategories returns the taxonomy in display order.
func (db *DB) FeedbackCategories(ctx context.Context) ([]fresco.FeedbackCategory, error) {
	return queryAll(ctx, db, scanFeedbackCategory,
		`SELECT slug, name, description, keywords, position, active FROM feedback_categories ORDER BY position, slug`)
}

func scanFeedbackCategory(row rowScanner) (fresco.FeedbackCategory, error) {
	var c fresco.FeedbackCategory
	var kw string
	if err := row.Scan(&c.Slug, &c.Name, &c.Description, &kw, &c.Position, &c.Active); err != nil {
		return c, err
	}
	json.Unmarshal([]byte(kw), &c.Keywords)
	return c, nil
}

// ReplaceFeedbackCategories replaces the whole taxonomy.
func (db *DB) ReplaceFeedbackCategories(ctx context.Context, list []fresco.FeedbackCategory) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.ReplaceFeedbackCategories(ctx, list) })
}

// ReplaceFeedbackCategories replaces the whole taxonomy within the
// transaction, so that the change and its audit record are committed together.
func (tx *Tx) ReplaceFeedbackCategories(ctx context.Context, list []fresco.FeedbackCategory) error {
	if _, err := tx.Exec(ctx, `DELETE FROM feedback_categories`); err != nil {
		return err
	}
	for i, c := range list {
		kw, _ := json.Marshal(nonNil(c.Keywords))
		if _, err := tx.Exec(ctx, `INSERT INTO feedback_categories (slug, name, description, keywords, position, active)
			VALUES (?, ?, ?, ?, ?, ?)`, c.Slug, c.Name, c.Description, string(kw), i, c.Active); err != nil {
			return err
		}
	}
	return nil
}

// AddFeedbackCategory appends an active category to the taxonomy within
// the transaction, so that whoever adds it can audit the addition in the
// same commit. A slug already in use, active or retired, is a conflict.
func (tx *Tx) AddFeedbackCategory(ctx context.Context, c fresco.FeedbackCategory) error {
	var taken int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM feedback_categories WHERE slug = ?`, c.Slug).Scan(&taken); err != nil {
		return err
	}
	if taken > 0 {
		return conflict("slug", "there is already a category %q", c.Slug)
	}
	kw, _ := json.Marshal(nonNil(c.Keywords))
	_, err := tx.Exec(ctx, `INSERT INTO feedback_categories (slug, name, description, keywords, position, active)
		VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM feedback_categories), TRUE)`,
		c.Slug, c.Name, c.Description, string(kw))
	return err
}
