package store

// Surveys: questionnaires tied to a listening post, their questions kept as
// JSON on the survey row.

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const surveyColumns = `s.id, s.slug, s.name, s.post_id, p.slug, s.intro, s.thanks, s.questions, s.translations, s.active, s.widget_enabled, s.created_at, s.updated_at, s.version`

const surveyFrom = ` FROM surveys s JOIN listening_posts p ON p.id = s.post_id`

func scanSurvey(row rowScanner) (*fresco.Survey, error) {
	var s fresco.Survey
	var questions, translations string
	if err := row.Scan(&s.ID, &s.Slug, &s.Name, &s.PostID, &s.PostSlug, &s.Intro, &s.Thanks, &questions, &translations, &s.Active, &s.WidgetEnabled,
		&s.CreatedAt, &s.UpdatedAt, &s.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(questions), &s.Questions); err != nil {
		return nil, fmt.Errorf("survey %d: questions: %w", s.ID, err)
	}
	if err := json.Unmarshal([]byte(translations), &s.Translations); err != nil {
		return nil, fmt.Errorf("survey %d: translations: %w", s.ID, err)
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// CreateSurvey stores a new survey (already validated by package feedback).
func (db *DB) CreateSurvey(ctx context.Context, s *fresco.Survey) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateSurvey(ctx, s) })
}

// CreateSurvey stores a new survey (already validated by package feedback)
// within the transaction, so that the survey and its audit record are
// committed together.
func (tx *Tx) CreateSurvey(ctx context.Context, s *fresco.Survey) error {
	q, tr, err := surveyDocuments(s)
	if err != nil {
		return err
	}
	t := now()
	s.CreatedAt, s.UpdatedAt = t, t
	err = tx.QueryRow(ctx, `INSERT INTO surveys (slug, name, post_id, intro, thanks, questions, translations, active, widget_enabled,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		s.Slug, s.Name, s.PostID, s.Intro, s.Thanks, q, tr, s.Active, s.WidgetEnabled, t, t).Scan(&s.ID)
	s.Version = 1
	switch {
	case isUniqueViolation(err):
		return conflict("slug", "a survey with slug %q already exists", s.Slug)
	case isForeignKeyViolation(err):
		return invalid("listening_post", "listening post %d does not exist", s.PostID)
	}
	return err
}

// surveyDocuments are the JSON columns of a survey: its questions and its
// translations (an empty object when it has none).
func surveyDocuments(s *fresco.Survey) (questions, translations string, err error) {
	q, err := json.Marshal(s.Questions)
	if err != nil {
		return "", "", err
	}
	tr := []byte("{}")
	if len(s.Translations) > 0 {
		if tr, err = json.Marshal(s.Translations); err != nil {
			return "", "", err
		}
	}
	return string(q), string(tr), nil
}

// UpdateSurveyIfVersion replaces a survey's fields (already validated by
// package feedback), for a writer that read the survey at version (AnyVersion:
// whatever it is now; otherwise ESTALE when it has moved on). It runs in the
// caller's transaction, so that the change and its audit record are
// committed together.
func (tx *Tx) UpdateSurveyIfVersion(ctx context.Context, s *fresco.Survey, version int64) error {
	q, tr, err := surveyDocuments(s)
	if err != nil {
		return err
	}
	s.UpdatedAt = now()
	err = tx.QueryRow(ctx, `UPDATE surveys SET slug = ?, name = ?, post_id = ?, intro = ?, thanks = ?, questions = ?, translations = ?,
		active = ?, widget_enabled = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		s.Slug, s.Name, s.PostID, s.Intro, s.Thanks, q, tr, s.Active, s.WidgetEnabled, s.UpdatedAt, s.ID, expectedVersion(version)).Scan(&s.Version)
	return tx.versionedWriteError(ctx, err, "surveys", "survey", s.ID, version, func(err error) error {
		if isUniqueViolation(err) {
			return conflict("slug", "a survey with slug %q already exists", s.Slug)
		}
		return err
	})
}

// Survey returns the survey with the id.
func (db *DB) Survey(ctx context.Context, id int64) (*fresco.Survey, error) {
	s, err := scanSurvey(db.QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+` WHERE s.id = ?`, id))
	return s, notFound(err, "survey", id)
}

// SurveyBySlug returns the survey with the slug.
func (db *DB) SurveyBySlug(ctx context.Context, slug string) (*fresco.Survey, error) {
	s, err := scanSurvey(db.QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+` WHERE s.slug = ?`, slug))
	return s, notFound(err, "survey", strconv.Quote(slug))
}

// ListSurveys returns every survey, in id order.
func (db *DB) ListSurveys(ctx context.Context) ([]*fresco.Survey, error) {
	return queryAll(ctx, db, scanSurvey, `SELECT `+surveyColumns+surveyFrom+` ORDER BY s.id`)
}

// SurveyAnswers counts the responses given through each survey (by survey
// id) and, under "", those on listening posts that came without a survey
// form (imported, recorded through the API, demo data), by post slug.
type SurveyAnswers struct {
	BySurvey map[int64]int64
	Unformed map[string]int64
}

// CountSurveyAnswers counts every response by the survey it answered, and
// the rest by listening post. The responses of each post are counted by
// the delay rollup (feedback_delay_monthly, which every response enters),
// and only those given through a survey form are counted from the
// responses, on the survey index: at a million customers, counting all
// 750,000 responses (the demo's, none through a form) cost 70 ms a view.
func (db *DB) CountSurveyAnswers(ctx context.Context) (SurveyAnswers, error) {
	out := SurveyAnswers{BySurvey: map[int64]int64{}, Unformed: map[string]int64{}}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var survey int64
		var post string
		var n int64
		if err := row.Scan(&survey, &post, &n); err != nil {
			return err
		}
		out.BySurvey[survey] += n
		out.Unformed[post] -= n
		return nil
	}, `SELECT c.survey_id, p.slug, c.n FROM (SELECT survey_id, post_id, COUNT(*) AS n FROM responses
		WHERE survey_id IS NOT NULL GROUP BY survey_id, post_id) c JOIN listening_posts p ON p.id = c.post_id`) // counted on the index alone, then named
	if err != nil {
		return out, err
	}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var post string
		var n int64
		if err := row.Scan(&post, &n); err != nil {
			return err
		}
		out.Unformed[post] += n
		return nil
	}, `SELECT p.slug, t.n FROM (SELECT post_id, SUM(n) AS n FROM feedback_delay_monthly GROUP BY post_id) t
		JOIN listening_posts p ON p.id = t.post_id`)
	for post, n := range out.Unformed {
		if n == 0 {
			delete(out.Unformed, post)
		}
	}
	return out, err
}

// SurveyHasAnswers reports whether any response answered the survey.
func (db *DB) SurveyHasAnswers(ctx context.Context, id int64) (bool, error) {
	var n int64
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM responses WHERE survey_id = ? LIMIT 1) one`, id).Scan(&n)
	return n > 0, err
}

// SurveySlugsLike returns the slugs of surveys equal to base or starting
// with base followed by a hyphen, for making a new slug unique.
func (db *DB) SurveySlugsLike(ctx context.Context, base string) ([]string, error) {
	return queryAll(ctx, db, func(row rowScanner) (string, error) {
		var s string
		return s, row.Scan(&s)
	}, `SELECT slug FROM surveys WHERE slug = ? OR slug LIKE ? ESCAPE '\'`, base, escapeLike(base)+`-%`)
}
