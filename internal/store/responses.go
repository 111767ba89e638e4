package store

// Responses. A response is one piece of feedback from one listening post,
// attributed to customer, purchase, serving employee, location and time; its
// answers are kept row by row, and its headline scores (NPS 0–10, CSAT 1–5,
// CES 1–7) are copied onto the response so that aggregates are plain
// GROUP BYs.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

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

func responseRefs(r *fresco.Response) []foreignRef {
	return []foreignRef{
		{field: "customer_id", table: "customers", what: "customer", id: r.CustomerID},
		{field: "employee_id", table: "employees", what: "employee", id: r.EmployeeID},
		{field: "location_id", table: "locations", what: "location", id: r.LocationID},
	}
}

// InsertResponse stores a response and its answers within the transaction.
// References must already be resolved (package feedback does that); a
// dangling one is reported against its field.
func (tx *Tx) InsertResponse(ctx context.Context, r *fresco.Response) error {
	if err := tx.checkForeignRefs(ctx, responseRefs(r)...); err != nil {
		return err
	}
	r.CreatedAt = now()
	r.RespondedAt = r.RespondedAt.UTC().Truncate(time.Microsecond)
	cats, _ := json.Marshal(nonNil(r.Categories))
	sugg, _ := json.Marshal(nonNil(r.Suggested))
	err := tx.QueryRow(ctx, `INSERT INTO responses (external_id, post_id, survey_id, invitation_id, customer_id, purchase_id,
		employee_id, location_id, segment, source, responded_at, purchased_at, nps, csat, ces, acquisition_source, comment,
		sentiment, sentiment_label, categories, categorised_by, suggested, created_by, created_at, language)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullString(r.ExternalID), r.PostID, nullID(r.SurveyID), nullID(r.InvitationID), nullID(r.CustomerID), nullID(r.PurchaseID),
		nullID(r.EmployeeID), nullID(r.LocationID), r.Segment, r.Source, r.RespondedAt, nullTime(r.PurchasedAt),
		nullInt(r.NPS), nullInt(r.CSAT), nullInt(r.CES), r.AcquisitionSource, r.Comment,
		nullFloat(r.Sentiment), r.SentimentLabel, string(cats), r.CategorisedBy, string(sugg), r.CreatedBy, r.CreatedAt, r.Language).Scan(&r.ID)
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

const responseColumns = `r.id, r.external_id, r.post_id, p.slug, r.survey_id, r.invitation_id, r.customer_id, r.purchase_id,
	r.employee_id, r.location_id, r.segment, r.source, r.responded_at, r.purchased_at, r.nps, r.csat, r.ces,
	r.acquisition_source, r.comment, r.sentiment, r.sentiment_label, r.categories, r.categorised_by, r.suggested,
	r.created_by, r.created_at, r.language`

func scanResponse(row rowScanner) (*fresco.Response, error) {
	var (
		r                                                          fresco.Response
		ext                                                        sql.NullString
		survey, invitation, customer, purchase, employee, location sql.NullInt64
		purchasedAt                                                sql.NullTime
		nps, csat, ces                                             sql.NullInt64
		sentiment                                                  sql.NullFloat64
		cats, sugg                                                 string
	)
	err := row.Scan(&r.ID, &ext, &r.PostID, &r.PostSlug, &survey, &invitation, &customer, &purchase, &employee, &location,
		&r.Segment, &r.Source, &r.RespondedAt, &purchasedAt, &nps, &csat, &ces, &r.AcquisitionSource, &r.Comment,
		&sentiment, &r.SentimentLabel, &cats, &r.CategorisedBy, &sugg, &r.CreatedBy, &r.CreatedAt, &r.Language)
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
func (db *DB) Response(ctx context.Context, id int64) (*fresco.Response, error) {
	r, err := firstRow(db.queryResponses(ctx, `SELECT `+responseColumns+` FROM responses r JOIN listening_posts p ON p.id = r.post_id
		WHERE r.id = ?`, id))
	return r, notFound(err, "response", id)
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
	Sentiment   string // the comment's sentiment label: negative, neutral or positive
	Cursor      string
	Limit       int
}

func (f ResponseFilter) where() *conditions {
	var w conditions
	w.within("r.responded_at", f.From, f.To)
	w.textIs("p.slug", f.PostSlug)
	w.idIs("r.survey_id", f.SurveyID)
	w.idIs("r.customer_id", f.CustomerID)
	w.idIs("r.employee_id", f.EmployeeID)
	w.idIs("r.location_id", f.LocationID)
	w.textIs("r.segment", f.Segment)
	if f.Labelled != nil {
		if *f.Labelled {
			w.add("r.categorised_by <> ''")
		} else {
			w.add("r.categorised_by = ''")
		}
	}
	if f.WithComment {
		w.add("r.comment <> ''")
	}
	if f.Category != "" {
		// categories is a JSON array of slugs; slugs hold no quotes.
		w.add("r.categories LIKE ?", `%"`+f.Category+`"%`)
	}
	w.textIs("r.sentiment_label", f.Sentiment)
	return &w
}

// ListResponses returns a page of responses with their answers, newest first.
func (db *DB) ListResponses(ctx context.Context, f ResponseFilter) ([]*fresco.Response, string, error) {
	before, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	w := f.where()
	if before > 0 {
		w.add("r.id < ?", before)
	}
	list, err := db.queryResponses(ctx, `SELECT `+responseColumns+` FROM responses r JOIN listening_posts p ON p.id = r.post_id
		WHERE `+w.sql()+` ORDER BY r.id DESC LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, "", err
	}
	return list, pageCursor(list, limit, func(r *fresco.Response) int64 { return r.ID }), nil
}

func (db *DB) queryResponses(ctx context.Context, query string, args ...any) ([]*fresco.Response, error) {
	list, err := queryAll(ctx, db, scanResponse, query, args...)
	if err != nil {
		return nil, err
	}
	return list, db.AddAnswers(ctx, list)
}

// AddAnswers reads the answers of responses read without them (a list's
// rows), in one statement per few hundred responses rather than one per
// response.
func (db *DB) AddAnswers(ctx context.Context, list []*fresco.Response) error {
	byID := make(map[int64]*fresco.Response, len(list))
	ids := make([]any, len(list))
	for i, r := range list {
		byID[r.ID], ids[i] = r, r.ID
		r.Answers = nil
	}
	return forChunks(ids, func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var id int64
			var a fresco.Answer
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

// AddResponseCategories adds categories to each response of ids, keeping
// the ones staff gave it before, and marks it categorised by by: bulk
// labelling. An id that is not a response is EINVALID on "id", and nothing
// is changed.
func (tx *Tx) AddResponseCategories(ctx context.Context, ids []int64, categories []string, by string) error {
	had := make(map[int64][]string, len(ids))
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	err := forChunks(keys, func(chunk []any) error {
		return queryEach(ctx, tx, func(row rowScanner) error {
			var id int64
			var cats string
			if err := row.Scan(&id, &cats); err != nil {
				return err
			}
			var l []string
			json.Unmarshal([]byte(cats), &l)
			had[id] = l
			return nil
		}, `SELECT id, categories FROM responses WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		l, ok := had[id]
		if !ok {
			return invalid("id", "response %d does not exist", id)
		}
		for _, c := range categories {
			if !slices.Contains(l, c) {
				l = append(l, c)
			}
		}
		cats, _ := json.Marshal(nonNil(l))
		if _, err := tx.Exec(ctx, `UPDATE responses SET categories = ?, categorised_by = ? WHERE id = ?`, string(cats), by, id); err != nil {
			return err
		}
	}
	return nil
}

// SetResponseSuggestions stores the classifier's suggested categories.
func (db *DB) SetResponseSuggestions(ctx context.Context, id int64, suggested []string) error {
	sugg, _ := json.Marshal(nonNil(suggested))
	_, err := db.Exec(ctx, `UPDATE responses SET suggested = ? WHERE id = ?`, string(sugg), id)
	return err
}

// LabelledComment is a staff-categorised comment with its sentence vector
// as kept beside it (SetResponseVectors), nil when none is.
type LabelledComment struct {
	ResponseID int64
	Text       string
	Labels     []string
	Vector     []byte
}

// LabelledComments returns every staff-categorised response with a
// comment, oldest first, at most limit of them (newest kept).
func (db *DB) LabelledComments(ctx context.Context, limit int) ([]LabelledComment, error) {
	var out []LabelledComment
	err := queryEach(ctx, db, func(row rowScanner) error {
		var c LabelledComment
		var cats string
		if err := row.Scan(&c.ResponseID, &c.Text, &cats, &c.Vector); err != nil {
			return err
		}
		json.Unmarshal([]byte(cats), &c.Labels)
		out = append(out, c)
		return nil
	}, `SELECT t.id, t.comment, t.categories, v.vector FROM (SELECT id, comment, categories FROM responses
		WHERE `+labelledComments+` ORDER BY id DESC LIMIT ?) t
		LEFT JOIN response_vectors v ON v.response_id = t.id ORDER BY t.id`, limit)
	return out, err
}

// SetResponseVectors keeps each response's sentence vector, replacing the
// one kept before; a response deleted meanwhile is skipped. All are
// written in one transaction: thousands of single writes would each wait
// for the disk.
func (db *DB) SetResponseVectors(ctx context.Context, vectors map[int64][]byte) error {
	ids := slices.Sorted(maps.Keys(vectors))
	return db.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			_, err := tx.Exec(ctx, `INSERT INTO response_vectors (response_id, vector)
				SELECT id, ? FROM responses WHERE id = ?
				ON CONFLICT (response_id) DO UPDATE SET vector = excluded.vector`, vectors[id], id)
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// labelledComments is the condition of LabelledComments, word for word the
// condition of the partial index responses_labelled, which SQLite needs to
// use it.
const labelledComments = `categorised_by <> '' AND comment <> ''`

// CountLabelledComments is how many comments LabelledComments(limit) would
// return, counted on the index without reading them.
func (db *DB) CountLabelledComments(ctx context.Context, limit int) (int, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM responses WHERE `+labelledComments+` LIMIT ?) t`, limit).Scan(&n)
	return n, err
}
