package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/text"
)

// AnswerIO is one answer of a response.
type AnswerIO struct {
	Question string   `json:"question,omitempty" doc:"The survey question's key, when answering a survey."`
	Type     string   `json:"type" enum:"nps,csat,ces,rating,single_choice,multiple_choice,text,acquisition_source,process_quality,value" doc:"nps 0–10, csat 1–5, ces 1–7 (7 = very easy), rating 1–5, process_quality and value 1–5 with an item."`
	Item     string   `json:"item,omitempty" doc:"process_quality: dependability, responsiveness, authority, empathy, tangible_evidence; value: results, process_quality, price, access_costs."`
	Score    *int     `json:"score,omitempty"`
	Choice   string   `json:"choice,omitempty" doc:"single_choice and acquisition_source."`
	Choices  []string `json:"choices,omitempty" doc:"multiple_choice."`
	Text     string   `json:"text,omitempty"`
}

func answersIn(in []AnswerIO) []feedback.AnswerInput {
	out := make([]feedback.AnswerInput, len(in))
	for i, a := range in {
		out[i] = feedback.AnswerInput{Question: a.Question, Type: a.Type, Item: a.Item, Score: a.Score, Choice: a.Choice, Choices: a.Choices, Text: a.Text}
	}
	return out
}

// ResponseInput records a piece of feedback.
type ResponseInput struct {
	CustomerID    *int64     `json:"customer_id,omitempty"`
	PurchaseID    *int64     `json:"purchase_id,omitempty" doc:"Optional; when given, customer, serving employee and location default to the purchase's."`
	EmployeeID    *int64     `json:"employee_id,omitempty" doc:"The employee who served the customer."`
	LocationID    *int64     `json:"location_id,omitempty"`
	ListeningPost string     `json:"listening_post,omitempty" doc:"A slug: survey (default), web_form, satisfaction_card, follow_up_call, ordering_process, complaint, email, audit, market_research, focus_group."`
	SurveyID      *int64     `json:"survey_id,omitempty"`
	ExternalID    string     `json:"external_id,omitempty" doc:"Your id; a second response with the same id is refused (409)."`
	RespondedAt   *time.Time `json:"responded_at,omitempty" doc:"Default now."`
	Segment       string     `json:"segment,omitempty" doc:"Default: anonymous, new or repeat, from the customer's purchases."`
	Answers       []AnswerIO `json:"answers,omitempty" maxItems:"50"`
	Comment       string     `json:"comment,omitempty"`
	Categories    []string   `json:"categories,omitempty" doc:"Category slugs staff assign now (see /api/v1/feedback/categories)."`
	Language      string     `json:"language,omitempty" doc:"The language the customer answered in: en, de, fr or es; empty when not known."`
}

// FeedbackResponse is a recorded piece of feedback.
type FeedbackResponse struct {
	ID                int64          `json:"id"`
	ExternalID        string         `json:"external_id"`
	ListeningPost     string         `json:"listening_post"`
	SurveyID          *int64         `json:"survey_id"`
	CustomerID        *int64         `json:"customer_id"`
	PurchaseID        *int64         `json:"purchase_id"`
	EmployeeID        *int64         `json:"employee_id"`
	LocationID        *int64         `json:"location_id"`
	Segment           string         `json:"segment"`
	Source            string         `json:"source"`
	Language          string         `json:"language" doc:"The language the form was answered in (en, de, fr, es); empty when not known. Scores and choices are the same in every language."`
	RespondedAt       time.Time      `json:"responded_at"`
	PurchasedAt       *time.Time     `json:"purchased_at"`
	NPS               *int           `json:"nps"`
	CSAT              *int           `json:"csat"`
	CES               *int           `json:"ces"`
	AcquisitionSource string         `json:"acquisition_source"`
	Comment           string         `json:"comment"`
	Sentiment         *float64       `json:"sentiment" doc:"VADER compound score in [-1, 1]; null without text."`
	SentimentLabel    string         `json:"sentiment_label"`
	Categories        []string       `json:"categories" doc:"Assigned by staff."`
	Suggested         []string       `json:"suggested_categories" doc:"Suggested by the classifier."`
	Answers           []AnswerIO     `json:"answers"`
	Flags             feedback.Flags `json:"flags"`
	Aspect            string         `json:"aspect,omitempty" doc:"For a negative comment, the process-quality influence it is about: dependability, responsiveness, authority, empathy or tangible-evidence."`
	ValueIndex        *float64       `json:"value_index" doc:"The Customer Value Equation of this response, (results + process_quality) ÷ ((6 − price) + (6 − access_costs)); null unless it answers all four value items."`
	CreatedAt         time.Time      `json:"created_at"`
}

func responseOut(r *fresco.Response) FeedbackResponse {
	out := FeedbackResponse{ID: r.ID, ExternalID: r.ExternalID, ListeningPost: r.PostSlug, SurveyID: r.SurveyID,
		CustomerID: r.CustomerID, PurchaseID: r.PurchaseID, EmployeeID: r.EmployeeID, LocationID: r.LocationID,
		Segment: r.Segment, Source: r.Source, Language: r.Language, RespondedAt: r.RespondedAt, PurchasedAt: r.PurchasedAt,
		NPS: r.NPS, CSAT: r.CSAT, CES: r.CES, AcquisitionSource: r.AcquisitionSource, Comment: r.Comment,
		Sentiment: r.Sentiment, SentimentLabel: r.SentimentLabel, Categories: nonNilStrings(r.Categories),
		Suggested: nonNilStrings(r.Suggested), Answers: make([]AnswerIO, len(r.Answers)), Flags: feedback.FlagsOf(r),
		Aspect: string(feedback.AspectOf(r.Comment)), CreatedAt: r.CreatedAt}
	if v, ok := feedback.ValueIndexOf(r.Answers); ok {
		out.ValueIndex = &v
	}
	for i, a := range r.Answers {
		out.Answers[i] = AnswerIO{Question: a.Question, Type: a.Type, Item: a.Item, Score: a.Score, Text: a.Text}
		if a.Type == feedback.TypeMultipleChoice {
			out.Answers[i].Choices = a.Choices
		} else if len(a.Choices) > 0 {
			out.Answers[i].Choice = a.Choices[0]
		}
	}
	return out
}

type responseListInput struct {
	ListParams
	FeedbackFilter
	Labelled string `query:"labelled" enum:"true,false," doc:"true: only responses staff categorised; false: only uncategorised."`
	Category string `query:"category"`
	Aspect   string `query:"aspect" enum:"dependability,responsiveness,authority,empathy,tangible-evidence," doc:"Only negative comments about this process-quality influence (computed from the text; a page may hold fewer than limit items and still have a next cursor)."`
}

// ImportResult reports a CSV import line by line.
type ImportResult struct {
	Created  int               `json:"created"`
	Skipped  int               `json:"skipped" doc:"Lines whose external_id was imported before."`
	Rejected int               `json:"rejected"`
	Errors   []ImportLineError `json:"errors"`
}

// ImportLineError is one rejected CSV line.
type ImportLineError struct {
	Line   int          `json:"line"`
	Errors []FieldError `json:"errors"`
}

func (s *Server) createResponse(ctx context.Context, in *struct{ Body ResponseInput }) (*Created[FeedbackResponse], error) {
	b := in.Body
	inp := &feedback.Input{ExternalID: b.ExternalID, ListeningPost: b.ListeningPost, SurveyID: b.SurveyID,
		CustomerID: b.CustomerID, PurchaseID: b.PurchaseID, EmployeeID: b.EmployeeID, LocationID: b.LocationID,
		Segment: b.Segment, Answers: answersIn(b.Answers), Comment: b.Comment, Categories: b.Categories,
		Source: "api", Language: b.Language, Actor: principal(ctx).Actor()}
	if b.RespondedAt != nil {
		inp.RespondedAt = b.RespondedAt.UTC()
	}
	r, err := s.feedback.Record(ctx, inp)
	if err != nil {
		return nil, err
	}
	return &Created[FeedbackResponse]{Location: fmt.Sprintf("%s/responses/%d", apiPrefix, r.ID), Body: responseOut(r)}, nil
}

func (s *Server) importResponses(ctx context.Context, in *struct {
	RawBody []byte `contentType:"text/csv"`
}) (*One[ImportResult], error) {
	res, err := importResponseLines(ctx, s.feedback, in.RawBody, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &One[ImportResult]{Body: *res}, nil
}

func (s *Server) listResponses(ctx context.Context, in *responseListInput) (*PageBody[FeedbackResponse], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	f.Cursor, f.Limit, f.Category = in.Cursor, in.Limit, in.Category
	if in.Labelled != "" {
		b := in.Labelled == "true"
		f.Labelled = &b
	}
	list, next, err := s.feedback.ListComments(ctx, f, text.Aspect(in.Aspect))
	if err != nil {
		return nil, err
	}
	return page(list, next, responseOut), nil
}

func (s *Server) getResponse(ctx context.Context, in *IDParam) (*One[FeedbackResponse], error) {
	r, err := s.db.Response(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[FeedbackResponse]{Body: responseOut(r)}, nil
}

func (s *Server) categoriseResponse(ctx context.Context, in *struct {
	IDParam
	Body struct {
		Categories []string `json:"categories" maxItems:"20"`
	}
}) (*One[FeedbackResponse], error) {
	if err := s.feedback.Categorise(ctx, in.ID, in.Body.Categories, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	r, err := s.db.Response(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[FeedbackResponse]{Body: responseOut(r)}, nil
}
