package store

// Listening posts: the places where the business hears its customers, and
// the trail of how each post's feedback was used. Package feedback owns the
// rules; posts.go, surveys.go, invitations.go, responses.go,
// feedback_reports.go, call_tasks.go and feedback_categories.go hold its SQL.

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const postColumns = `id, slug, name, description, used_for, solicited, active, created_at, version,
	purpose, owner_employee_id, questions, checklist, retired_at`

func scanPost(row rowScanner) (*fresco.ListeningPost, error) {
	var p fresco.ListeningPost
	var owner sql.NullInt64
	var questions, checklist string
	var retired sql.NullTime
	if err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &p.UsedFor, &p.Solicited, &p.Active, &p.CreatedAt, &p.Version,
		&p.Purpose, &owner, &questions, &checklist, &retired); err != nil {
		return nil, err
	}
	p.CreatedAt, p.OwnerEmployeeID = p.CreatedAt.UTC(), ptrID(owner)
	if err := json.Unmarshal([]byte(questions), &p.Questions); err != nil {
		return nil, fmt.Errorf("listening post %d: questions: %w", p.ID, err)
	}
	if err := json.Unmarshal([]byte(checklist), &p.Checklist); err != nil {
		return nil, fmt.Errorf("listening post %d: checklist: %w", p.ID, err)
	}
	if p.Questions == nil {
		p.Questions = []string{}
	}
	if p.Checklist == nil {
		p.Checklist = map[string]string{}
	}
	if retired.Valid {
		t := retired.Time.UTC()
		p.RetiredAt = &t
	}
	return &p, nil
}

// postJSON is the stored text of a post's questions and checklist.
func postJSON(p *fresco.ListeningPost) (questions, checklist string) {
	q, c := p.Questions, p.Checklist
	if q == nil {
		q = []string{}
	}
	if c == nil {
		c = map[string]string{}
	}
	qb, _ := json.Marshal(q) // strings only: cannot fail
	cb, _ := json.Marshal(c)
	return string(qb), string(cb)
}

// ListeningPosts returns every listening post, in id order.
func (db *DB) ListeningPosts(ctx context.Context) ([]*fresco.ListeningPost, error) {
	return queryAll(ctx, db, scanPost, `SELECT `+postColumns+` FROM listening_posts ORDER BY id`)
}

// ListeningPostBySlug returns the post with the slug.
func (db *DB) ListeningPostBySlug(ctx context.Context, slug string) (*fresco.ListeningPost, error) {
	return listeningPostBySlug(ctx, db, slug)
}

// ListeningPostBySlug returns the post with the slug within the transaction.
func (tx *Tx) ListeningPostBySlug(ctx context.Context, slug string) (*fresco.ListeningPost, error) {
	return listeningPostBySlug(ctx, tx, slug)
}

func listeningPostBySlug(ctx context.Context, q Querier, slug string) (*fresco.ListeningPost, error) {
	p, err := scanOne(ctx, q, scanPost, `SELECT `+postColumns+` FROM listening_posts WHERE slug = ?`, slug)
	return p, notFound(err, "listening post", strconv.Quote(slug))
}

// ListeningPost returns the post with the id.
func (db *DB) ListeningPost(ctx context.Context, id int64) (*fresco.ListeningPost, error) {
	p, err := scanPost(db.QueryRow(ctx, `SELECT `+postColumns+` FROM listening_posts WHERE id = ?`, id))
	return p, notFound(err, "listening post", id)
}

// CreateListeningPost adds a post.
func (db *DB) CreateListeningPost(ctx context.Context, p *fresco.ListeningPost) error {
	return createListeningPost(ctx, db, p)
}

// CreateListeningPost adds a post within the transaction.
func (tx *Tx) CreateListeningPost(ctx context.Context, p *fresco.ListeningPost) error {
	return createListeningPost(ctx, tx, p)
}

func createListeningPost(ctx context.Context, q Querier, p *fresco.ListeningPost) error {
	p.CreatedAt = now()
	questions, checklist := postJSON(p)
	err := q.QueryRow(ctx, `INSERT INTO listening_posts (slug, name, description, used_for, solicited, active, created_at,
			purpose, owner_employee_id, questions, checklist, retired_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, p.Slug, p.Name, p.Description, p.UsedFor, p.Solicited, p.Active, p.CreatedAt,
		p.Purpose, nullID(p.OwnerEmployeeID), questions, checklist, nullTime(p.RetiredAt)).Scan(&p.ID)
	p.Version = 1
	if isUniqueViolation(err) {
		return conflict("slug", "a listening post with slug %q already exists", p.Slug)
	}
	return err
}

// UpdateListeningPostIfVersion changes a post's name, description, "used
// for" text, solicited and active flags, for a writer that read the post at
// version (AnyVersion: whatever it is now; otherwise ESTALE when it has moved
// on). It runs in the caller's transaction, so that the change and its audit
// record are committed together.
func (tx *Tx) UpdateListeningPostIfVersion(ctx context.Context, p *fresco.ListeningPost, version int64) error {
	questions, checklist := postJSON(p)
	err := tx.QueryRow(ctx, `UPDATE listening_posts SET name = ?, description = ?, used_for = ?, solicited = ?, active = ?,
		purpose = ?, owner_employee_id = ?, questions = ?, checklist = ?, retired_at = ?,
		version = version + 1 WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		p.Name, p.Description, p.UsedFor, p.Solicited, p.Active, p.Purpose, nullID(p.OwnerEmployeeID), questions, checklist,
		nullTime(p.RetiredAt), p.ID, expectedVersion(version)).Scan(&p.Version)
	return tx.versionedWriteError(ctx, err, "listening_posts", "listening post", p.ID, version, func(err error) error { return err })
}

// AddFeedbackUse records how feedback from a post was used.
func (db *DB) AddFeedbackUse(ctx context.Context, u *fresco.FeedbackUse) error {
	u.At = now()
	err := db.write.QueryRowContext(ctx, db.rebind(`INSERT INTO feedback_uses (post_id, response_id, note, actor, at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), u.PostID, nullID(u.ResponseID), u.Note, u.Actor, u.At).Scan(&u.ID)
	return err
}

// FeedbackUses returns the newest uses of each post's feedback, newest
// first, at most limit a post, by post id: one statement for the listening
// posts' table rather than one per post.
func (db *DB) FeedbackUses(ctx context.Context, limit int) (map[int64][]*fresco.FeedbackUse, error) {
	list, err := queryAll(ctx, db, scanFeedbackUse, `SELECT id, post_id, response_id, note, actor, at FROM (
			SELECT id, post_id, response_id, note, actor, at,
				ROW_NUMBER() OVER (PARTITION BY post_id ORDER BY at DESC, id DESC) AS nth
			FROM feedback_uses) u
		WHERE nth <= ? ORDER BY post_id, at DESC, id DESC`, pageLimit(limit))
	byPost := map[int64][]*fresco.FeedbackUse{}
	for _, u := range list {
		byPost[u.PostID] = append(byPost[u.PostID], u)
	}
	return byPost, err
}

func scanFeedbackUse(row rowScanner) (*fresco.FeedbackUse, error) {
	var u fresco.FeedbackUse
	var resp sql.NullInt64
	if err := row.Scan(&u.ID, &u.PostID, &resp, &u.Note, &u.Actor, &u.At); err != nil {
		return nil, err
	}
	u.ResponseID, u.At = ptrID(resp), u.At.UTC()
	return &u, nil
}
