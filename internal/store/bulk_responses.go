package store

// Bulk writes of feedback for generators and importers: many responses (and
// their answers) with multi-row INSERTs inside one transaction. The rollup
// tables come out as the triggers keep them for InsertResponse, but are
// added to set-based, a batch at a time (bulk_rollups.go). Rules —
// attribution, consent, the contact-frequency rule, sentiment — are the
// caller's job, as for InsertResponse.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const (
	responseRowArgs = 25
	responseChunk   = 400 // 10,000 parameters: well under both engines' limits
	answerRowArgs   = 8
	answerChunk     = 2000
	contactRowArgs  = 3
	contactChunk    = 3000
)

// InsertResponses stores responses and their answers within the
// transaction, setting each one's ID and CreatedAt. Unlike InsertResponse it
// does not translate constraint violations into field errors: a generator
// or importer that breaks one has a bug, and the whole batch fails. After
// an error the transaction must be rolled back.
func (tx *Tx) InsertResponses(ctx context.Context, rs []*fresco.Response) error {
	ids, err := tx.allocateIDs(ctx, "responses", len(rs))
	if err != nil {
		return err
	}
	t := now()
	for i, r := range rs {
		r.ID, r.CreatedAt = ids[i], t
		r.RespondedAt = r.RespondedAt.UTC().Truncate(time.Microsecond)
	}
	if err := tx.deferRollups(ctx, true); err != nil {
		return err
	}
	if err := tx.insertResponseRows(ctx, rs); err != nil {
		return err
	}
	if err := tx.addResponseRollups(ctx, ids); err != nil {
		return err
	}
	return tx.deferRollups(ctx, false)
}

// insertResponseRows writes the responses and their answers.
func (tx *Tx) insertResponseRows(ctx context.Context, rs []*fresco.Response) error {
	for start := 0; start < len(rs); start += responseChunk {
		chunk := rs[start:min(start+responseChunk, len(rs))]
		args := make([]any, 0, len(chunk)*responseRowArgs)
		for _, r := range chunk {
			cats, _ := json.Marshal(nonNil(r.Categories))
			sugg, _ := json.Marshal(nonNil(r.Suggested))
			args = append(args, r.ID, nullString(r.ExternalID), r.PostID, nullID(r.SurveyID), nullID(r.InvitationID),
				nullID(r.CustomerID), nullID(r.PurchaseID), nullID(r.EmployeeID), nullID(r.LocationID), r.Segment, r.Source,
				r.RespondedAt, nullTime(r.PurchasedAt), nullInt(r.NPS), nullInt(r.CSAT), nullInt(r.CES), r.AcquisitionSource,
				r.Comment, nullFloat(r.Sentiment), r.SentimentLabel, string(cats), r.CategorisedBy, string(sugg), r.CreatedBy, r.CreatedAt)
		}
		_, err := tx.Exec(ctx, `INSERT INTO responses (id, external_id, post_id, survey_id, invitation_id, customer_id,
			purchase_id, employee_id, location_id, segment, source, responded_at, purchased_at, nps, csat, ces,
			acquisition_source, comment, sentiment, sentiment_label, categories, categorised_by, suggested, created_by, created_at)
			VALUES `+valuesList(len(chunk), responseRowArgs), args...)
		if err != nil {
			return fmt.Errorf("insert responses: %w", err)
		}
	}
	return tx.insertAnswers(ctx, rs)
}

func (tx *Tx) insertAnswers(ctx context.Context, rs []*fresco.Response) error {
	args := make([]any, 0, answerChunk*answerRowArgs)
	rows := 0
	flush := func() error {
		if rows == 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `INSERT INTO response_answers (response_id, position, question, type, item, score, choices, text)
			VALUES `+valuesList(rows, answerRowArgs), args...)
		args, rows = args[:0], 0
		if err != nil {
			return fmt.Errorf("insert response answers: %w", err)
		}
		return nil
	}
	for _, r := range rs {
		for i, a := range r.Answers {
			choices, _ := json.Marshal(nonNil(a.Choices))
			args = append(args, r.ID, i+1, a.Question, a.Type, a.Item, nullInt(a.Score), string(choices), a.Text)
			if rows++; rows == answerChunk {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	return flush()
}

// Contact is one time a customer was asked for feedback, for the
// contact-frequency rule (see RecordContact).
type Contact struct {
	CustomerID int64
	Channel    string
	At         time.Time
}

// RecordContacts is RecordContact for many contacts at once.
func (tx *Tx) RecordContacts(ctx context.Context, cs []Contact) error {
	for start := 0; start < len(cs); start += contactChunk {
		chunk := cs[start:min(start+contactChunk, len(cs))]
		args := make([]any, 0, len(chunk)*contactRowArgs)
		for _, c := range chunk {
			args = append(args, c.CustomerID, c.Channel, c.At.UTC().Truncate(time.Microsecond))
		}
		if _, err := tx.Exec(ctx, `INSERT INTO customer_contacts (customer_id, channel, at) VALUES `+
			valuesList(len(chunk), contactRowArgs), args...); err != nil {
			return fmt.Errorf("record contacts: %w", err)
		}
	}
	return nil
}
