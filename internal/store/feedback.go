package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Listening posts and feedback (package feedback holds the rules; this file
// holds the SQL). A response is one piece of feedback from one listening
// post, attributed to customer, purchase, serving employee, location and
// time; its answers are kept row by row, and its headline scores (NPS 0–10,
// CSAT 1–5, CES 1–7) are copied onto the response so that aggregates are
// plain GROUP BYs.

// ListeningPost is a place where the business hears its customers.
type ListeningPost struct {
	ID          int64
	Slug        string // e.g. "survey", "follow_up_call"
	Name        string
	Description string
	UsedFor     string // how its feedback is used
	Solicited   bool   // the business asks (counts against the contact-frequency rule)
	Active      bool
	CreatedAt   time.Time
}

// Question is one item of a survey, stored as JSON on the survey.
type Question struct {
	Key      string   `json:"key,omitempty"`
	Type     string   `json:"type"`
	Text     string   `json:"text,omitempty"`
	Item     string   `json:"item,omitempty"`
	Required bool     `json:"required,omitempty"`
	Choices  []string `json:"choices,omitempty"`
	Min      int      `json:"min,omitempty"`
	Max      int      `json:"max,omitempty"`
}

// Survey is a questionnaire tied to a listening post.
type Survey struct {
	ID            int64
	Slug          string
	Name          string
	PostID        int64
	PostSlug      string
	Intro         string
	Questions     []Question
	Active        bool
	WidgetEnabled bool
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// Answer is one answer of a response.
type Answer struct {
	Question string
	Type     string
	Item     string
	Score    *int
	Choices  []string
	Text     string
}

// Response is one piece of feedback.
type Response struct {
	ID                int64
	ExternalID        string
	PostID            int64
	PostSlug          string
	SurveyID          *int64
	InvitationID      *int64
	CustomerID        *int64
	PurchaseID        *int64
	EmployeeID        *int64
	LocationID        *int64
	Segment           string
	Source            string // api, link, widget, import, call, ui
	RespondedAt       time.Time
	PurchasedAt       *time.Time
	NPS, CSAT, CES    *int
	AcquisitionSource string
	Comment           string
	Sentiment         *float64
	SentimentLabel    string
	Categories        []string
	CategorisedBy     string
	Suggested         []string
	CreatedBy         string
	Answers           []Answer
	CreatedAt         time.Time
}

// Invitation is a signed, single-use, expiring survey link.
type Invitation struct {
	ID         int64
	SurveyID   int64
	CustomerID *int64
	PurchaseID *int64
	EmployeeID *int64
	LocationID *int64
	Channel    string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	UsedAt     *time.Time
	ResponseID *int64
}

// CallTask is a follow-up satisfaction call due some days after a purchase.
type CallTask struct {
	ID          int64
	PurchaseID  int64
	CustomerID  int64
	EmployeeID  *int64
	TeamID      *int64
	LocationID  *int64
	DueAt       time.Time
	Status      string // open, done, no_answer, declined, skipped
	Outcome     string
	ResponseID  *int64
	CompletedAt *time.Time
	CompletedBy string
	CreatedAt   time.Time
	// Read-only extras for lists.
	CustomerName string
	PurchasedAt  time.Time
}

// FeedbackCategory is one entry of the editable comment taxonomy.
type FeedbackCategory struct {
	Slug        string
	Name        string
	Description string
	Keywords    []string
	Position    int
	Active      bool
}

// FeedbackUse is one entry of a listening post's "used for" trail.
type FeedbackUse struct {
	ID         int64
	PostID     int64
	ResponseID *int64
	Note       string
	Actor      string
	At         time.Time
}

// ---- listening posts --------------------------------------------------------

const postColumns = `id, slug, name, description, used_for, solicited, active, created_at`

func scanPost(row rowScanner) (*ListeningPost, error) {
	var p ListeningPost
	if err := row.Scan(&p.ID, &p.Slug, &p.Name, &p.Description, &p.UsedFor, &p.Solicited, &p.Active, &p.CreatedAt); err != nil {
		return nil, err
	}
	p.CreatedAt = p.CreatedAt.UTC()
	return &p, nil
}

// ListeningPosts returns every listening post, in id order.
func (db *DB) ListeningPosts(ctx context.Context) ([]*ListeningPost, error) {
	return queryAll(ctx, db, scanPost, `SELECT `+postColumns+` FROM listening_posts ORDER BY id`)
}

// ListeningPostBySlug returns the post with the slug.
func (db *DB) ListeningPostBySlug(ctx context.Context, slug string) (*ListeningPost, error) {
	return listeningPostBySlug(ctx, db, slug)
}

// ListeningPostBySlug returns the post with the slug within the transaction.
func (tx *Tx) ListeningPostBySlug(ctx context.Context, slug string) (*ListeningPost, error) {
	return listeningPostBySlug(ctx, tx, slug)
}

func listeningPostBySlug(ctx context.Context, q Querier, slug string) (*ListeningPost, error) {
	p, err := scanOne(ctx, q, scanPost, `SELECT `+postColumns+` FROM listening_posts WHERE slug = ?`, slug)
	return p, notFound(err, "listening post", strconv.Quote(slug))
}

// ListeningPost returns the post with the id.
func (db *DB) ListeningPost(ctx context.Context, id int64) (*ListeningPost, error) {
	p, err := scanPost(db.QueryRow(ctx, `SELECT `+postColumns+` FROM listening_posts WHERE id = ?`, id))
	return p, notFound(err, "listening post", id)
}

// CreateListeningPost adds a post.
func (db *DB) CreateListeningPost(ctx context.Context, p *ListeningPost) error {
	p.CreatedAt = now()
	err := db.write.QueryRowContext(ctx, db.rebind(`INSERT INTO listening_posts (slug, name, description, used_for, solicited, active, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), p.Slug, p.Name, p.Description, p.UsedFor, p.Solicited, p.Active, p.CreatedAt).Scan(&p.ID)
	if isUniqueViolation(err) {
		return conflict("slug", "a listening post with slug %q already exists", p.Slug)
	}
	return err
}

// UpdateListeningPost changes a post's name, description, "used for" text,
// solicited and active flags.
func (db *DB) UpdateListeningPost(ctx context.Context, p *ListeningPost) error {
	res, err := db.Exec(ctx, `UPDATE listening_posts SET name = ?, description = ?, used_for = ?, solicited = ?, active = ? WHERE id = ?`,
		p.Name, p.Description, p.UsedFor, p.Solicited, p.Active, p.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "listening post %d not found", p.ID)
	}
	return nil
}

// AddFeedbackUse records how feedback from a post was used.
func (db *DB) AddFeedbackUse(ctx context.Context, u *FeedbackUse) error {
	u.At = now()
	err := db.write.QueryRowContext(ctx, db.rebind(`INSERT INTO feedback_uses (post_id, response_id, note, actor, at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), u.PostID, nullID(u.ResponseID), u.Note, u.Actor, u.At).Scan(&u.ID)
	return err
}

// FeedbackUses returns the newest uses of a post's feedback, newest first.
func (db *DB) FeedbackUses(ctx context.Context, postID int64, limit int) ([]*FeedbackUse, error) {
	return queryAll(ctx, db, scanFeedbackUse, `SELECT id, post_id, response_id, note, actor, at FROM feedback_uses
		WHERE post_id = ? ORDER BY at DESC, id DESC LIMIT ?`, postID, pageLimit(limit))
}

func scanFeedbackUse(row rowScanner) (*FeedbackUse, error) {
	var u FeedbackUse
	var resp sql.NullInt64
	if err := row.Scan(&u.ID, &u.PostID, &resp, &u.Note, &u.Actor, &u.At); err != nil {
		return nil, err
	}
	u.ResponseID, u.At = ptrID(resp), u.At.UTC()
	return &u, nil
}

// ---- surveys ----------------------------------------------------------------

const surveyColumns = `s.id, s.slug, s.name, s.post_id, p.slug, s.intro, s.questions, s.active, s.widget_enabled, s.created_at, s.updated_at`
const surveyFrom = ` FROM surveys s JOIN listening_posts p ON p.id = s.post_id`

func scanSurvey(row rowScanner) (*Survey, error) {
	var s Survey
	var questions string
	if err := row.Scan(&s.ID, &s.Slug, &s.Name, &s.PostID, &s.PostSlug, &s.Intro, &questions, &s.Active, &s.WidgetEnabled,
		&s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(questions), &s.Questions); err != nil {
		return nil, fmt.Errorf("survey %d: questions: %w", s.ID, err)
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// CreateSurvey stores a new survey (already validated by package feedback).
func (db *DB) CreateSurvey(ctx context.Context, s *Survey) error {
	q, err := json.Marshal(s.Questions)
	if err != nil {
		return err
	}
	t := now()
	s.CreatedAt, s.UpdatedAt = t, t
	err = db.write.QueryRowContext(ctx, db.rebind(`INSERT INTO surveys (slug, name, post_id, intro, questions, active, widget_enabled, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		s.Slug, s.Name, s.PostID, s.Intro, string(q), s.Active, s.WidgetEnabled, t, t).Scan(&s.ID)
	switch {
	case isUniqueViolation(err):
		return conflict("slug", "a survey with slug %q already exists", s.Slug)
	case isForeignKeyViolation(err):
		return invalid("listening_post", "listening post %d does not exist", s.PostID)
	}
	return err
}

// UpdateSurvey replaces a survey's fields.
func (db *DB) UpdateSurvey(ctx context.Context, s *Survey) error {
	q, err := json.Marshal(s.Questions)
	if err != nil {
		return err
	}
	s.UpdatedAt = now()
	res, err := db.Exec(ctx, `UPDATE surveys SET slug = ?, name = ?, post_id = ?, intro = ?, questions = ?, active = ?,
		widget_enabled = ?, updated_at = ? WHERE id = ?`,
		s.Slug, s.Name, s.PostID, s.Intro, string(q), s.Active, s.WidgetEnabled, s.UpdatedAt, s.ID)
	if isUniqueViolation(err) {
		return conflict("slug", "a survey with slug %q already exists", s.Slug)
	}
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "survey %d not found", s.ID)
	}
	return nil
}

// Survey returns the survey with the id.
func (db *DB) Survey(ctx context.Context, id int64) (*Survey, error) {
	s, err := scanSurvey(db.QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+` WHERE s.id = ?`, id))
	return s, notFound(err, "survey", id)
}

// SurveyBySlug returns the survey with the slug.
func (db *DB) SurveyBySlug(ctx context.Context, slug string) (*Survey, error) {
	s, err := scanSurvey(db.QueryRow(ctx, `SELECT `+surveyColumns+surveyFrom+` WHERE s.slug = ?`, slug))
	return s, notFound(err, "survey", strconv.Quote(slug))
}

// ListSurveys returns every survey, in id order.
func (db *DB) ListSurveys(ctx context.Context) ([]*Survey, error) {
	return queryAll(ctx, db, scanSurvey, `SELECT `+surveyColumns+surveyFrom+` ORDER BY s.id`)
}

// ---- invitations and the contact-frequency rule ------------------------------

const invitationColumns = `id, survey_id, customer_id, purchase_id, employee_id, location_id, channel, created_at, expires_at, used_at, response_id`

func scanInvitation(row rowScanner) (*Invitation, error) {
	var (
		inv                                    Invitation
		customer, purchase, employee, location sql.NullInt64
		response                               sql.NullInt64
		used                                   sql.NullTime
	)
	if err := row.Scan(&inv.ID, &inv.SurveyID, &customer, &purchase, &employee, &location, &inv.Channel,
		&inv.CreatedAt, &inv.ExpiresAt, &used, &response); err != nil {
		return nil, err
	}
	inv.CustomerID, inv.PurchaseID, inv.EmployeeID, inv.LocationID = ptrID(customer), ptrID(purchase), ptrID(employee), ptrID(location)
	inv.ResponseID, inv.UsedAt = ptrID(response), ptrTime(used)
	inv.CreatedAt, inv.ExpiresAt = inv.CreatedAt.UTC(), inv.ExpiresAt.UTC()
	return &inv, nil
}

// CreateInvitation stores a new invitation within the transaction.
func (tx *Tx) CreateInvitation(ctx context.Context, inv *Invitation) error {
	inv.CreatedAt = now()
	err := tx.QueryRow(ctx, `INSERT INTO survey_invitations (survey_id, customer_id, purchase_id, employee_id, location_id,
		channel, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		inv.SurveyID, nullID(inv.CustomerID), nullID(inv.PurchaseID), nullID(inv.EmployeeID), nullID(inv.LocationID),
		inv.Channel, inv.CreatedAt, inv.ExpiresAt.UTC().Truncate(time.Microsecond)).Scan(&inv.ID)
	return err
}

// Invitation returns the invitation with the id.
func (db *DB) Invitation(ctx context.Context, id int64) (*Invitation, error) {
	inv, err := scanInvitation(db.QueryRow(ctx, `SELECT `+invitationColumns+` FROM survey_invitations WHERE id = ?`, id))
	return inv, notFound(err, "invitation", id)
}

// UseInvitation marks the invitation used by the response, atomically: it
// reports false when the invitation was already used (by a concurrent
// submission too), in which case the caller must roll back.
func (tx *Tx) UseInvitation(ctx context.Context, id, responseID int64, at time.Time) (bool, error) {
	res, err := tx.Exec(ctx, `UPDATE survey_invitations SET used_at = ?, response_id = ? WHERE id = ? AND used_at IS NULL`,
		at.UTC().Truncate(time.Microsecond), responseID, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// LastContact returns when the customer was last asked for feedback on any
// channel (a survey link, a call task, a solicited response), or nil.
func (tx *Tx) LastContact(ctx context.Context, customerID int64) (*time.Time, error) {
	var v any
	if err := tx.QueryRow(ctx, `SELECT MAX(at) FROM customer_contacts WHERE customer_id = ?`, customerID).Scan(&v); err != nil {
		return nil, err
	}
	return anyTime(v)
}

// RecordContact notes that the customer was asked for feedback on channel.
func (tx *Tx) RecordContact(ctx context.Context, customerID int64, channel string, at time.Time) error {
	_, err := tx.Exec(ctx, `INSERT INTO customer_contacts (customer_id, channel, at) VALUES (?, ?, ?)`,
		customerID, channel, at.UTC().Truncate(time.Microsecond))
	return err
}

// ---- responses --------------------------------------------------------------

// Attribution is what a purchase says about who served whom, where and when.
type Attribution struct {
	CustomerID, EmployeeID, LocationID *int64
	PurchasedAt                        time.Time
}

// PurchaseAttribution reads the attribution of a purchase within the transaction.
func (tx *Tx) PurchaseAttribution(ctx context.Context, purchaseID int64) (*Attribution, error) {
	var a Attribution
	var customer, employee, location sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT customer_id, served_by, location_id, purchased_at FROM purchases WHERE id = ?`, purchaseID).
		Scan(&customer, &employee, &location, &a.PurchasedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, invalid("purchase_id", "purchase %d does not exist", purchaseID)
	}
	if err != nil {
		return nil, err
	}
	a.CustomerID, a.EmployeeID, a.LocationID = ptrID(customer), ptrID(employee), ptrID(location)
	a.PurchasedAt = a.PurchasedAt.UTC()
	return &a, nil
}

// LatestNPSAtOrBefore returns the customer's most recent NPS score recorded at
// or before t, or nil when there is none. A re-survey compares with it. The
// bound is inclusive because a case opened from a complaint opens at the
// very moment of that response.
func (tx *Tx) LatestNPSAtOrBefore(ctx context.Context, customerID int64, t time.Time) (*int, error) {
	var nps sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT nps FROM responses WHERE customer_id = ? AND nps IS NOT NULL AND responded_at <= ?
		ORDER BY responded_at DESC, id DESC LIMIT 1`, customerID, t.UTC().Truncate(time.Microsecond)).Scan(&nps)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return ptrInt(nps), nil
}

// CustomerPurchaseCount counts a customer's purchases made before t.
func (tx *Tx) CustomerPurchaseCount(ctx context.Context, customerID int64, before time.Time) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM purchases WHERE customer_id = ? AND purchased_at <= ?`,
		customerID, before.UTC()).Scan(&n)
	return n, err
}

// SetAcquisitionSourceIfEmpty records a customer's "How did you hear about
// us?" answer unless one is already on file.
func (tx *Tx) SetAcquisitionSourceIfEmpty(ctx context.Context, customerID int64, source string) error {
	_, err := tx.Exec(ctx, `UPDATE customers SET acquisition_source = ?, updated_at = ?, version = version + 1 WHERE id = ? AND acquisition_source = ''`,
		source, now(), customerID)
	return err
}

func responseRefs(r *Response) []foreignRef {
	return []foreignRef{
		{field: "customer_id", table: "customers", what: "customer", id: r.CustomerID},
		{field: "employee_id", table: "employees", what: "employee", id: r.EmployeeID},
		{field: "location_id", table: "locations", what: "location", id: r.LocationID},
	}
}

// InsertResponse stores a response and its answers within the transaction.
// References must already be resolved (package feedback does that); a
// dangling one is reported against its field.
func (tx *Tx) InsertResponse(ctx context.Context, r *Response) error {
	if err := tx.checkForeignRefs(ctx, responseRefs(r)...); err != nil {
		return err
	}
	r.CreatedAt = now()
	r.RespondedAt = r.RespondedAt.UTC().Truncate(time.Microsecond)
	cats, _ := json.Marshal(nonNil(r.Categories))
	sugg, _ := json.Marshal(nonNil(r.Suggested))
	err := tx.QueryRow(ctx, `INSERT INTO responses (external_id, post_id, survey_id, invitation_id, customer_id, purchase_id,
		employee_id, location_id, segment, source, responded_at, purchased_at, nps, csat, ces, acquisition_source, comment,
		sentiment, sentiment_label, categories, categorised_by, suggested, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullString(r.ExternalID), r.PostID, nullID(r.SurveyID), nullID(r.InvitationID), nullID(r.CustomerID), nullID(r.PurchaseID),
		nullID(r.EmployeeID), nullID(r.LocationID), r.Segment, r.Source, r.RespondedAt, nullTime(r.PurchasedAt),
		nullInt(r.NPS), nullInt(r.CSAT), nullInt(r.CES), r.AcquisitionSource, r.Comment,
		nullFloat(r.Sentiment), r.SentimentLabel, string(cats), r.CategorisedBy, string(sugg), r.CreatedBy, r.CreatedAt).Scan(&r.ID)
	switch {
	case isUniqueViolation(err) && r.InvitationID != nil:
		return fresco.Errorf(fresco.ECONFLICT, "this survey link has already been used")
	case isUniqueViolation(err):
		return conflict("external_id", "a response with external_id %q already exists", r.ExternalID)
	case isForeignKeyViolation(err):
		return foreignRefError(responseRefs(r)...)
	case err != nil:
		return err
	}
	if len(r.Answers) == 0 {
		return nil
	}
	args := make([]any, 0, len(r.Answers)*8)
	for i, a := range r.Answers {
		choices, _ := json.Marshal(nonNil(a.Choices))
		args = append(args, r.ID, i+1, a.Question, a.Type, a.Item, nullInt(a.Score), string(choices), a.Text)
	}
	_, err = tx.Exec(ctx, `INSERT INTO response_answers (response_id, position, question, type, item, score, choices, text)
		VALUES `+valuesList(len(r.Answers), 8), args...)
	return err
}

// ResponseByExternalID returns the id of the response with the external id, if any.
func (tx *Tx) ResponseIDByExternalID(ctx context.Context, externalID string) (int64, bool, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM responses WHERE external_id = ?`, externalID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptrInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

const responseColumns = `r.id, r.external_id, r.post_id, p.slug, r.survey_id, r.invitation_id, r.customer_id, r.purchase_id,
	r.employee_id, r.location_id, r.segment, r.source, r.responded_at, r.purchased_at, r.nps, r.csat, r.ces,
	r.acquisition_source, r.comment, r.sentiment, r.sentiment_label, r.categories, r.categorised_by, r.suggested,
	r.created_by, r.created_at`

func scanResponse(row rowScanner) (*Response, error) {
	var (
		r                                                          Response
		ext                                                        sql.NullString
		survey, invitation, customer, purchase, employee, location sql.NullInt64
		purchasedAt                                                sql.NullTime
		nps, csat, ces                                             sql.NullInt64
		sentiment                                                  sql.NullFloat64
		cats, sugg                                                 string
	)
	err := row.Scan(&r.ID, &ext, &r.PostID, &r.PostSlug, &survey, &invitation, &customer, &purchase, &employee, &location,
		&r.Segment, &r.Source, &r.RespondedAt, &purchasedAt, &nps, &csat, &ces, &r.AcquisitionSource, &r.Comment,
		&sentiment, &r.SentimentLabel, &cats, &r.CategorisedBy, &sugg, &r.CreatedBy, &r.CreatedAt)
	if err != nil {
		return nil, err
	}
	r.ExternalID = ext.String
	r.SurveyID, r.InvitationID, r.CustomerID, r.PurchaseID = ptrID(survey), ptrID(invitation), ptrID(customer), ptrID(purchase)
	r.EmployeeID, r.LocationID = ptrID(employee), ptrID(location)
	r.PurchasedAt = ptrTime(purchasedAt)
	r.NPS, r.CSAT, r.CES = ptrInt(nps), ptrInt(csat), ptrInt(ces)
	if sentiment.Valid {
		v := sentiment.Float64
		r.Sentiment = &v
	}
	json.Unmarshal([]byte(cats), &r.Categories)
	json.Unmarshal([]byte(sugg), &r.Suggested)
	r.RespondedAt, r.CreatedAt = r.RespondedAt.UTC(), r.CreatedAt.UTC()
	return &r, nil
}

// Response returns the response with the id, with its answers.
func (db *DB) Response(ctx context.Context, id int64) (*Response, error) {
	list, err := db.queryResponses(ctx, `SELECT `+responseColumns+` FROM responses r JOIN listening_posts p ON p.id = r.post_id
		WHERE r.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "response %d not found", id)
	}
	return list[0], nil
}

// ResponseFilter selects responses for lists and aggregates.
type ResponseFilter struct {
	From, To   time.Time // [From, To); zero means open
	PostSlug   string
	SurveyID   *int64
	CustomerID *int64
	EmployeeID *int64
	LocationID *int64
	Segment    string
	// Labelled: nil = any, true = only staff-categorised, false = only uncategorised.
	Labelled    *bool
	WithComment bool
	Category    string // staff-assigned category slug
	Cursor      string
	Limit       int
}

func (f ResponseFilter) where() ([]string, []any) {
	where, args := []string{"1 = 1"}, []any{}
	if !f.From.IsZero() {
		where, args = append(where, "r.responded_at >= ?"), append(args, f.From.UTC())
	}
	if !f.To.IsZero() {
		where, args = append(where, "r.responded_at < ?"), append(args, f.To.UTC())
	}
	if f.PostSlug != "" {
		where, args = append(where, "p.slug = ?"), append(args, f.PostSlug)
	}
	for _, c := range []struct {
		col string
		v   *int64
	}{{"r.survey_id", f.SurveyID}, {"r.customer_id", f.CustomerID}, {"r.employee_id", f.EmployeeID}, {"r.location_id", f.LocationID}} {
		if c.v != nil {
			where, args = append(where, c.col+" = ?"), append(args, *c.v)
		}
	}
	if f.Segment != "" {
		where, args = append(where, "r.segment = ?"), append(args, f.Segment)
	}
	if f.Labelled != nil {
		if *f.Labelled {
			where = append(where, "r.categorised_by <> ''")
		} else {
			where = append(where, "r.categorised_by = ''")
		}
	}
	if f.WithComment {
		where = append(where, "r.comment <> ''")
	}
	if f.Category != "" {
		// categories is a JSON array of slugs; slugs hold no quotes.
		where, args = append(where, "r.categories LIKE ?"), append(args, `%"`+f.Category+`"%`)
	}
	return where, args
}

// ListResponses returns a page of responses with their answers, newest first.
func (db *DB) ListResponses(ctx context.Context, f ResponseFilter) ([]*Response, string, error) {
	before, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := f.where()
	if before > 0 {
		where, args = append(where, "r.id < ?"), append(args, before)
	}
	args = append(args, limit)
	list, err := db.queryResponses(ctx, `SELECT `+responseColumns+` FROM responses r JOIN listening_posts p ON p.id = r.post_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, "", err
	}
	var last int64
	if len(list) > 0 {
		last = list[len(list)-1].ID
	}
	return list, nextCursor(len(list), limit, last), nil
}

func (db *DB) queryResponses(ctx context.Context, query string, args ...any) ([]*Response, error) {
	list, err := queryAll(ctx, db, scanResponse, query, args...)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Response, len(list))
	ids := make([]any, len(list))
	for i, r := range list {
		byID[r.ID], ids[i] = r, r.ID
	}
	err = forChunks(ids, func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id int64
			var a Answer
			var score sql.NullInt64
			var choices string
			if err := row.Scan(&id, &a.Question, &a.Type, &a.Item, &score, &choices, &a.Text); err != nil {
				return err
			}
			a.Score = ptrInt(score)
			json.Unmarshal([]byte(choices), &a.Choices)
			byID[id].Answers = append(byID[id].Answers, a)
			return nil
		}, `SELECT response_id, question, type, item, score, choices, text FROM response_answers
			WHERE response_id IN (`+placeholders(len(chunk))+`) ORDER BY response_id, position`, chunk...)
	})
	return list, err
}

// SetResponseCategories stores the categories staff assigned to a response.
func (db *DB) SetResponseCategories(ctx context.Context, id int64, categories []string, by string) error {
	cats, _ := json.Marshal(nonNil(categories))
	res, err := db.Exec(ctx, `UPDATE responses SET categories = ?, categorised_by = ? WHERE id = ?`, string(cats), by, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "response %d not found", id)
	}
	return nil
}

// SetResponseSuggestions stores the classifier's suggested categories.
func (db *DB) SetResponseSuggestions(ctx context.Context, id int64, suggested []string) error {
	sugg, _ := json.Marshal(nonNil(suggested))
	_, err := db.Exec(ctx, `UPDATE responses SET suggested = ? WHERE id = ?`, string(sugg), id)
	return err
}

// LabelledComments returns (comment, categories) of every staff-categorised
// response with a comment, oldest first, at most limit of them (newest kept).
func (db *DB) LabelledComments(ctx context.Context, limit int) (texts []string, labels [][]string, err error) {
	err = queryEach(ctx, db, func(row rowScanner) error {
		var c, cats string
		if err := row.Scan(&c, &cats); err != nil {
			return err
		}
		var l []string
		json.Unmarshal([]byte(cats), &l)
		texts, labels = append(texts, c), append(labels, l)
		return nil
	}, `SELECT comment, categories FROM (SELECT id, comment, categories FROM responses
		WHERE categorised_by <> '' AND comment <> '' ORDER BY id DESC LIMIT ?) t ORDER BY id`, limit)
	if err != nil {
		return nil, nil, err
	}
	return texts, labels, nil
}

// ---- aggregates ---------------------------------------------------------------

// Group-by dimensions for ScoreCounts.
const (
	GroupNone     = ""
	GroupEmployee = "employee"
	GroupLocation = "location"
	GroupPost     = "post"
	GroupSegment  = "segment"
	GroupDay      = "day"
)

// ScoreGroup is the distribution of one scale's scores within one group.
type ScoreGroup struct {
	Key    string      // the group's id, slug or day (YYYY-MM-DD); "" for none/unknown
	Label  string      // a human name for the group
	Counts map[int]int // score → number of answers
}

// ScoreCounts counts the answers to a headline scale ("nps", "csat", "ces")
// by score within each group of responses matching f.
func (db *DB) ScoreCounts(ctx context.Context, f ResponseFilter, scale, groupBy string) ([]*ScoreGroup, error) {
	var col string
	switch scale {
	case "nps", "csat", "ces":
		col = "r." + scale
	default:
		return nil, fmt.Errorf("store: unknown scale %q", scale)
	}
	var key, label string
	switch groupBy {
	case GroupNone:
		key, label = "'-'", "'-'"
	case GroupEmployee:
		key, label = "COALESCE(CAST(r.employee_id AS TEXT), '')", "COALESCE(e.name, '')"
	case GroupLocation:
		key, label = "COALESCE(CAST(r.location_id AS TEXT), '')", "COALESCE(l.name, '')"
	case GroupPost:
		key, label = "p.slug", "p.name"
	case GroupSegment:
		key, label = "r.segment", "r.segment"
	case GroupDay:
		key = "date(r.responded_at)"
		if db.dialect == Postgres {
			key = "to_char(r.responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
		}
		label = key
	default:
		return nil, fmt.Errorf("store: unknown grouping %q", groupBy)
	}
	groupCols := key + ", " + label + ", " + col
	if groupBy == GroupNone {
		groupCols = col
	}
	where, args := f.where()
	where = append(where, col+" IS NOT NULL")
	var list []*ScoreGroup
	byKey := map[string]*ScoreGroup{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var k, l string
		var score, n int
		if err := row.Scan(&k, &l, &score, &n); err != nil {
			return err
		}
		g, ok := byKey[k]
		if !ok {
			g = &ScoreGroup{Key: k, Label: l, Counts: map[int]int{}}
			byKey[k] = g
			list = append(list, g)
		}
		g.Counts[score] += n
		return nil
	}, `SELECT `+key+`, `+label+`, `+col+`, COUNT(*) FROM responses r
		JOIN listening_posts p ON p.id = r.post_id
		LEFT JOIN employees e ON e.id = r.employee_id
		LEFT JOIN locations l ON l.id = r.location_id
		WHERE `+strings.Join(where, " AND ")+` GROUP BY `+groupCols+` ORDER BY 1`, args...)
	if err != nil {
		return nil, err
	}
	return list, nil
}

// ItemScore is one scored answer paired with the response's NPS, for driver
// analysis.
type ItemScore struct {
	ResponseID int64
	NPS        int
	Item       string
	Score      int
}

// ItemScores returns every scored non-NPS answer of responses that also
// carry an NPS answer, for "which items move NPS".
func (db *DB) ItemScores(ctx context.Context, f ResponseFilter) ([]ItemScore, error) {
	where, args := f.where()
	return queryAll(ctx, db, scanItemScore, `SELECT r.id, r.nps, a.type, a.item, a.question, a.score FROM responses r
		JOIN listening_posts p ON p.id = r.post_id
		JOIN response_answers a ON a.response_id = r.id
		WHERE r.nps IS NOT NULL AND a.score IS NOT NULL AND a.type <> 'nps' AND `+strings.Join(where, " AND ")+`
		ORDER BY r.id`, args...)
}

// scanItemScore names the item by its item key, else a rating's question,
// else the answer type.
func scanItemScore(row rowScanner) (ItemScore, error) {
	var s ItemScore
	var typ, item, question string
	if err := row.Scan(&s.ResponseID, &s.NPS, &typ, &item, &question, &s.Score); err != nil {
		return s, err
	}
	switch {
	case item != "":
		s.Item = item
	case typ == "rating" && question != "":
		s.Item = question
	default:
		s.Item = typ
	}
	return s, nil
}

// PostActivity is what a listening post heard in a period.
type PostActivity struct {
	PostID    int64
	Responses int // feedback received
	Asked     int // invitations sent and call tasks due (solicited posts)
	Answered  int // of those, answered
	// Delays are the times from purchase to feedback of responses tied to a purchase.
	Delays []time.Duration
}

// PostActivity gathers volume, asks and purchase→feedback delays per post
// for responses and asks in [from, to).
func (db *DB) PostActivity(ctx context.Context, from, to time.Time) (map[int64]*PostActivity, error) {
	out := map[int64]*PostActivity{}
	get := func(id int64) *PostActivity {
		a, ok := out[id]
		if !ok {
			a = &PostActivity{PostID: id}
			out[id] = a
		}
		return a
	}
	rng := func(col string) (string, []any) {
		var w []string
		var args []any
		if !from.IsZero() {
			w, args = append(w, col+" >= ?"), append(args, from.UTC())
		}
		if !to.IsZero() {
			w, args = append(w, col+" < ?"), append(args, to.UTC())
		}
		if len(w) == 0 {
			return "1 = 1", nil
		}
		return strings.Join(w, " AND "), args
	}
	w, args := rng("responded_at")
	err := queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var at time.Time
		var bought sql.NullTime
		if err := row.Scan(&id, &at, &bought); err != nil {
			return err
		}
		a := get(id)
		a.Responses++
		if bought.Valid && !at.Before(bought.Time) {
			a.Delays = append(a.Delays, at.Sub(bought.Time))
		}
		return nil
	}, `SELECT post_id, responded_at, purchased_at FROM responses WHERE `+w, args...)
	if err != nil {
		return nil, err
	}
	w, args = rng("i.created_at")
	err = queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var asked, answered int
		if err := row.Scan(&id, &asked, &answered); err != nil {
			return err
		}
		a := get(id)
		a.Asked += asked
		a.Answered += answered
		return nil
	}, `SELECT s.post_id, COUNT(*), SUM(CASE WHEN i.used_at IS NULL THEN 0 ELSE 1 END)
		FROM survey_invitations i JOIN surveys s ON s.id = i.survey_id WHERE `+w+` GROUP BY s.post_id`, args...)
	if err != nil {
		return nil, err
	}
	w, args = rng("due_at")
	var asked, answered int
	err = db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN status = 'done' THEN 1 ELSE 0 END), 0)
		FROM call_tasks WHERE status <> 'skipped' AND `+w, args...).Scan(&asked, &answered)
	if err != nil {
		return nil, err
	}
	if asked > 0 {
		var postID int64
		if err := db.QueryRow(ctx, `SELECT id FROM listening_posts WHERE slug = 'follow_up_call'`).Scan(&postID); err == nil {
			a := get(postID)
			a.Asked += asked
			a.Answered += answered
		}
	}
	return out, nil
}

// AcquisitionSource is one answer to "How did you hear about us?" with what
// the customers who gave it went on to do.
type AcquisitionSource struct {
	Source    string
	Customers int
	Repeat    int          // customers with more than one purchase
	Revenue   fresco.Money // their total net purchases
}

// AcquisitionReport groups customers with a known acquisition source.
func (db *DB) AcquisitionReport(ctx context.Context) ([]AcquisitionSource, error) {
	return queryAll(ctx, db, scanAcquisitionSource, `SELECT c.acquisition_source, COUNT(*),
			COALESCE(SUM(CASE WHEN COALESCE(t.n, 0) > 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(t.total), 0)
		FROM customers c
		LEFT JOIN (SELECT customer_id, COUNT(*) AS n, SUM(total) AS total FROM purchases
			WHERE customer_id IS NOT NULL AND total > 0 GROUP BY customer_id) t ON t.customer_id = c.id
		WHERE c.acquisition_source <> ''
		GROUP BY c.acquisition_source ORDER BY 2 DESC, 1`)
}

func scanAcquisitionSource(row rowScanner) (AcquisitionSource, error) {
	var s AcquisitionSource
	var revenue int64
	err := row.Scan(&s.Source, &s.Customers, &s.Repeat, &revenue)
	s.Revenue = fresco.Money(revenue)
	return s, err
}

// ---- follow-up call tasks -----------------------------------------------------

// PurchaseToCall is a purchase that may need a follow-up call.
type PurchaseToCall struct {
	PurchaseID  int64
	CustomerID  int64
	EmployeeID  *int64
	TeamID      *int64
	LocationID  *int64
	PurchasedAt time.Time
	Consent     bool
}

// PurchasesWithoutCallTask returns purchases by identified customers made in
// [from, to) that have no call task yet, oldest first.
func (db *DB) PurchasesWithoutCallTask(ctx context.Context, from, to time.Time, limit int) ([]PurchaseToCall, error) {
	return queryAll(ctx, db, scanPurchaseToCall, `SELECT pu.id, pu.customer_id, pu.served_by, e.team_id, pu.location_id, pu.purchased_at, c.consent_surveys
		FROM purchases pu
		JOIN customers c ON c.id = pu.customer_id
		LEFT JOIN employees e ON e.id = pu.served_by
		WHERE pu.purchased_at >= ? AND pu.purchased_at < ? AND pu.total > 0
		  AND NOT EXISTS (SELECT 1 FROM call_tasks t WHERE t.purchase_id = pu.id)
		ORDER BY pu.purchased_at, pu.id LIMIT ?`, from.UTC(), to.UTC(), limit)
}

func scanPurchaseToCall(row rowScanner) (PurchaseToCall, error) {
	var p PurchaseToCall
	var employee, team, location sql.NullInt64
	if err := row.Scan(&p.PurchaseID, &p.CustomerID, &employee, &team, &location, &p.PurchasedAt, &p.Consent); err != nil {
		return p, err
	}
	p.EmployeeID, p.TeamID, p.LocationID = ptrID(employee), ptrID(team), ptrID(location)
	p.PurchasedAt = p.PurchasedAt.UTC()
	return p, nil
}

// CreateCallTask stores a call task unless the purchase already has one; it
// reports whether it did.
func (tx *Tx) CreateCallTask(ctx context.Context, t *CallTask) (bool, error) {
	t.CreatedAt = now()
	if t.Status == "" {
		t.Status = "open"
	}
	err := tx.QueryRow(ctx, `INSERT INTO call_tasks (purchase_id, customer_id, employee_id, team_id, location_id, due_at, status,
		outcome, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (purchase_id) DO NOTHING RETURNING id`,
		t.PurchaseID, t.CustomerID, nullID(t.EmployeeID), nullID(t.TeamID), nullID(t.LocationID),
		t.DueAt.UTC().Truncate(time.Microsecond), t.Status, t.Outcome, t.CreatedAt).Scan(&t.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

const callTaskColumns = `t.id, t.purchase_id, t.customer_id, t.employee_id, t.team_id, t.location_id, t.due_at, t.status,
	t.outcome, t.response_id, t.completed_at, t.completed_by, t.created_at, c.name, pu.purchased_at`
const callTaskFrom = ` FROM call_tasks t JOIN customers c ON c.id = t.customer_id JOIN purchases pu ON pu.id = t.purchase_id`

func scanCallTask(row rowScanner) (*CallTask, error) {
	var (
		t                              CallTask
		employee, team, location, resp sql.NullInt64
		completed                      sql.NullTime
	)
	if err := row.Scan(&t.ID, &t.PurchaseID, &t.CustomerID, &employee, &team, &location, &t.DueAt, &t.Status, &t.Outcome,
		&resp, &completed, &t.CompletedBy, &t.CreatedAt, &t.CustomerName, &t.PurchasedAt); err != nil {
		return nil, err
	}
	t.EmployeeID, t.TeamID, t.LocationID, t.ResponseID = ptrID(employee), ptrID(team), ptrID(location), ptrID(resp)
	t.CompletedAt = ptrTime(completed)
	t.DueAt, t.CreatedAt, t.PurchasedAt = t.DueAt.UTC(), t.CreatedAt.UTC(), t.PurchasedAt.UTC()
	return &t, nil
}

// CallTask returns the call task with the id.
func (db *DB) CallTask(ctx context.Context, id int64) (*CallTask, error) {
	t, err := scanCallTask(db.QueryRow(ctx, `SELECT `+callTaskColumns+callTaskFrom+` WHERE t.id = ?`, id))
	return t, notFound(err, "call task", id)
}

// CallTaskFilter selects call tasks.
type CallTaskFilter struct {
	EmployeeID *int64 // tasks assigned to the employee …
	TeamID     *int64 // … or to the team (either matches when both are set)
	Status     string
	DueBefore  time.Time
	Cursor     string
	Limit      int
}

// ListCallTasks returns call tasks in due order.
func (db *DB) ListCallTasks(ctx context.Context, f CallTaskFilter) ([]*CallTask, string, error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where, args := []string{"t.id > ?"}, []any{after}
	switch {
	case f.EmployeeID != nil && f.TeamID != nil:
		where, args = append(where, "(t.employee_id = ? OR (t.employee_id IS NULL AND t.team_id = ?))"), append(args, *f.EmployeeID, *f.TeamID)
	case f.EmployeeID != nil:
		where, args = append(where, "t.employee_id = ?"), append(args, *f.EmployeeID)
	case f.TeamID != nil:
		where, args = append(where, "t.team_id = ?"), append(args, *f.TeamID)
	}
	if f.Status != "" {
		where, args = append(where, "t.status = ?"), append(args, f.Status)
	}
	if !f.DueBefore.IsZero() {
		where, args = append(where, "t.due_at < ?"), append(args, f.DueBefore.UTC())
	}
	return queryPage(ctx, db, `SELECT `+callTaskColumns+callTaskFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY t.id LIMIT ?`, args, limit, scanCallTask,
		func(x *CallTask) int64 { return x.ID })
}

// CompleteCallTask records the outcome of an open call task within the
// transaction; it fails with ECONFLICT when the task is no longer open.
func (tx *Tx) CompleteCallTask(ctx context.Context, id int64, status, outcome string, responseID *int64, by string, at time.Time) error {
	res, err := tx.Exec(ctx, `UPDATE call_tasks SET status = ?, outcome = ?, response_id = ?, completed_at = ?, completed_by = ?
		WHERE id = ? AND status = 'open'`, status, outcome, nullID(responseID), at.UTC().Truncate(time.Microsecond), by, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var st string
		if err := tx.QueryRow(ctx, `SELECT status FROM call_tasks WHERE id = ?`, id).Scan(&st); err != nil {
			return notFound(err, "call task", id)
		}
		return fresco.Errorf(fresco.ECONFLICT, "call task %d is already %s", id, st)
	}
	return nil
}

// ---- categories ---------------------------------------------------------------

// FeedbackCategories returns the taxonomy in display order.
func (db *DB) FeedbackCategories(ctx context.Context) ([]FeedbackCategory, error) {
	return queryAll(ctx, db, scanFeedbackCategory,
		`SELECT slug, name, description, keywords, position, active FROM feedback_categories ORDER BY position, slug`)
}

func scanFeedbackCategory(row rowScanner) (FeedbackCategory, error) {
	var c FeedbackCategory
	var kw string
	if err := row.Scan(&c.Slug, &c.Name, &c.Description, &kw, &c.Position, &c.Active); err != nil {
		return c, err
	}
	json.Unmarshal([]byte(kw), &c.Keywords)
	return c, nil
}

// ReplaceFeedbackCategories replaces the whole taxonomy.
func (db *DB) ReplaceFeedbackCategories(ctx context.Context, list []FeedbackCategory) error {
	return db.InTx(ctx, func(tx *Tx) error {
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
	})
}

// EnsureSetting stores value under key unless a value is there already, and
// returns the stored value: the first writer wins, also across replicas.
func (db *DB) EnsureSetting(ctx context.Context, key, value string) (string, error) {
	if _, err := db.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, value); err != nil {
		return "", err
	}
	var stored string
	err := db.write.QueryRowContext(ctx, db.rebind(`SELECT value FROM settings WHERE key = ?`), key).Scan(&stored)
	return stored, err
}

// CustomerConsent reports whether the customer exists and agreed to be
// surveyed. On PostgreSQL it locks the customer's row for the rest of the
// transaction, so that two concurrent requests cannot both pass the
// contact-frequency rule (SQLite's write lock already serialises them).
func (tx *Tx) CustomerConsent(ctx context.Context, customerID int64) (consent, exists bool, err error) {
	err = tx.QueryRow(ctx, `SELECT consent_surveys FROM customers WHERE id = ?`+forUpdate(tx), customerID).Scan(&consent)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	return consent, err == nil, err
}
