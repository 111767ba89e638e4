package store

import (
	"context"
	"encoding/json"
)

// CreateSurvey stores a new survey (already validated by package feedback)
// within the transaction, so that the survey and its audit record are
// committed together.
func (tx *Tx) CreateSurvey(ctx context.Context, s *Survey) error {
	q, err := json.Marshal(s.Questions)
	if err != nil {
		return err
	}
	t := now()
	s.CreatedAt, s.UpdatedAt = t, t
	err = tx.QueryRow(ctx, `INSERT INTO surveys (slug, name, post_id, intro, questions, active, widget_enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Slug, s.Name, s.PostID, s.Intro, string(q), s.Active, s.WidgetEnabled, t, t).Scan(&s.ID)
	switch {
	case isUniqueViolation(err):
		return conflict("slug", "a survey with slug %q already exists", s.Slug)
	case isForeignKeyViolation(err):
		return invalid("listening_post", "listening post %d does not exist", s.PostID)
	}
	return err
}
