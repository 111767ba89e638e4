package web

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

// Listening posts and feedback (internal/feedback): responses, honest
// statistics, surveys and their links, follow-up call tasks, categories and
// the classifier. The public survey pages and the widget are in survey.go.

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
	ListeningPost string     `json:"listening_post,omitempty" doc:"A slug: survey (default), web_form, satisfaction_card, follow_up_call, ordering_process, complaint, audit, market_research, focus_group."`
	SurveyID      *int64     `json:"survey_id,omitempty"`
	ExternalID    string     `json:"external_id,omitempty" doc:"Your id; a second response with the same id is refused (409)."`
	RespondedAt   *time.Time `json:"responded_at,omitempty" doc:"Default now."`
	Segment       string     `json:"segment,omitempty" doc:"Default: anonymous, new or repeat, from the customer's purchases."`
	Answers       []AnswerIO `json:"answers,omitempty" maxItems:"50"`
	Comment       string     `json:"comment,omitempty"`
	Categories    []string   `json:"categories,omitempty" doc:"Category slugs staff assign now (see /api/v1/feedback/categories)."`
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
	CreatedAt         time.Time      `json:"created_at"`
}

func responseOut(r *store.Response) FeedbackResponse {
	out := FeedbackResponse{ID: r.ID, ExternalID: r.ExternalID, ListeningPost: r.PostSlug, SurveyID: r.SurveyID,
		CustomerID: r.CustomerID, PurchaseID: r.PurchaseID, EmployeeID: r.EmployeeID, LocationID: r.LocationID,
		Segment: r.Segment, Source: r.Source, RespondedAt: r.RespondedAt, PurchasedAt: r.PurchasedAt,
		NPS: r.NPS, CSAT: r.CSAT, CES: r.CES, AcquisitionSource: r.AcquisitionSource, Comment: r.Comment,
		Sentiment: r.Sentiment, SentimentLabel: r.SentimentLabel, Categories: nonNilStrings(r.Categories),
		Suggested: nonNilStrings(r.Suggested), Answers: make([]AnswerIO, len(r.Answers)), Flags: feedback.FlagsOf(r),
		CreatedAt: r.CreatedAt}
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

// FeedbackFilter are the filters every metric and list takes.
type FeedbackFilter struct {
	From     string `query:"from" doc:"Responded at or after: a date (2024-05-01) or an RFC 3339 time."`
	To       string `query:"to" doc:"Responded before this time, or on or before this date."`
	Location int64  `query:"location" minimum:"0" doc:"A location id."`
	Employee int64  `query:"employee" minimum:"0" doc:"The serving employee's id."`
	Post     string `query:"post" doc:"A listening-post slug."`
	Segment  string `query:"segment" doc:"anonymous, new, repeat or your own."`
	Survey   int64  `query:"survey" minimum:"0"`
	Customer int64  `query:"customer" minimum:"0"`
}

func (in *ScaleParams) scale() string {
	if in.Scale == "" {
		return feedback.ScaleNPS
	}
	return in.Scale
}

func (f *FeedbackFilter) filter() (store.ResponseFilter, error) {
	var v fresco.Validation
	out := store.ResponseFilter{From: parseTimeParam(&v, "from", f.From, false), To: parseTimeParam(&v, "to", f.To, true),
		LocationID: idPtr(f.Location), EmployeeID: idPtr(f.Employee), PostSlug: f.Post, Segment: f.Segment,
		SurveyID: idPtr(f.Survey), CustomerID: idPtr(f.Customer)}
	return out, v.Err()
}

// NPSMetric is an NPS with n and its adjusted-Wald 95% interval.
type NPSMetric = stats.NPSResult

// Breakdown is a scale by group.
type Breakdown struct {
	Scale  string                 `json:"scale"`
	By     string                 `json:"by"`
	MinN   int                    `json:"min_n" doc:"Employee and location groups with fewer answers show only their n."`
	Groups []feedback.GroupResult `json:"groups"`
}

// Trend is a scale per period.
type Trend struct {
	Scale  string                 `json:"scale"`
	Period string                 `json:"period"`
	Points []feedback.TrendPeriod `json:"points"`
}

// Distribution counts answers per score.
type Distribution struct {
	Scale  string `json:"scale"`
	Min    int    `json:"min"`
	Counts []int  `json:"counts" doc:"counts[i] is the number of answers with score min + i."`
}

// ListeningPostOut is a listening post with its activity.
type ListeningPostOut struct {
	ID               int64             `json:"id"`
	Slug             string            `json:"slug"`
	Name             string            `json:"name"`
	Description      string            `json:"description"`
	UsedFor          string            `json:"used_for" doc:"How this post's feedback is used."`
	Solicited        bool              `json:"solicited" doc:"The business asks (counts against the contact-frequency rule)."`
	Active           bool              `json:"active"`
	Responses        int               `json:"responses" doc:"Volume in the period."`
	Asked            int               `json:"asked"`
	Answered         int               `json:"answered"`
	ResponseRate     *stats.Proportion `json:"response_rate" doc:"answered / asked with its 95% interval; null when nothing was asked."`
	MedianDelayHours *float64          `json:"median_hours_purchase_to_feedback" doc:"Median time from purchase to feedback; null without purchase-linked responses."`
	WithPurchase     int               `json:"with_purchase"`
	Uses             []FeedbackUseOut  `json:"recent_uses"`
}

// FeedbackUseOut is one entry of a post's "used for" trail.
type FeedbackUseOut struct {
	ID         int64     `json:"id"`
	ResponseID *int64    `json:"response_id"`
	Note       string    `json:"note"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
}

func useOut(u *store.FeedbackUse) FeedbackUseOut {
	return FeedbackUseOut{ID: u.ID, ResponseID: u.ResponseID, Note: u.Note, Actor: u.Actor, At: u.At}
}

func postOut(ps feedback.PostStats) ListeningPostOut {
	p := ps.Post
	out := ListeningPostOut{ID: p.ID, Slug: p.Slug, Name: p.Name, Description: p.Description, UsedFor: p.UsedFor,
		Solicited: p.Solicited, Active: p.Active, Responses: ps.Responses, Asked: ps.Asked, Answered: ps.Answered,
		ResponseRate: ps.ResponseRate, WithPurchase: ps.WithPurchase, Uses: []FeedbackUseOut{}}
	if ps.MedianDelay != nil {
		h := ps.MedianDelay.Hours()
		out.MedianDelayHours = &h
	}
	for _, u := range ps.Uses {
		out.Uses = append(out.Uses, useOut(u))
	}
	return out
}

// ItemList is a list that is not paged.
type ItemList[T any] struct {
	Items []T `json:"items"`
}

// ListeningPostPatch changes a post.
type ListeningPostPatch struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	UsedFor     *string `json:"used_for,omitempty"`
	Solicited   *bool   `json:"solicited,omitempty"`
	Active      *bool   `json:"active,omitempty"`
}

// AcquisitionReport answers "How did you hear about us?".
type AcquisitionReport struct {
	Sources []AcquisitionSourceOut `json:"sources"`
}

// AcquisitionSourceOut is one source.
type AcquisitionSourceOut struct {
	Source       string           `json:"source"`
	Customers    int              `json:"customers"`
	Retention    stats.Proportion `json:"retention" doc:"Share of these customers who bought more than once, with its 95% interval."`
	AverageValue Money            `json:"average_value" doc:"Mean total net purchases per customer."`
	TotalValue   Money            `json:"total_value"`
}

// SurveyIO is a survey.
type SurveyIO struct {
	ID            int64            `json:"id,omitempty" readOnly:"true"`
	Slug          string           `json:"slug" doc:"Lower-case letters, digits, - and _; used in the widget's data-survey."`
	Name          string           `json:"name"`
	ListeningPost string           `json:"listening_post,omitempty" doc:"Default survey."`
	Intro         string           `json:"intro,omitempty"`
	Questions     []store.Question `json:"questions"`
	Active        *bool            `json:"active,omitempty" doc:"Default true."`
	WidgetEnabled bool             `json:"widget_enabled,omitempty" doc:"Answerable anonymously through /widget.js."`
}

func surveyOut(sv *store.Survey) SurveyIO {
	active := sv.Active
	return SurveyIO{ID: sv.ID, Slug: sv.Slug, Name: sv.Name, ListeningPost: sv.PostSlug, Intro: sv.Intro,
		Questions: sv.Questions, Active: &active, WidgetEnabled: sv.WidgetEnabled}
}

func (s *Server) surveyDomain(ctx context.Context, in *SurveyIO, sv *store.Survey) error {
	post := in.ListeningPost
	if post == "" {
		post = feedback.PostSurvey
	}
	p, err := s.db.ListeningPostBySlug(ctx, post)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return fbInvalid("listening_post", fmt.Sprintf("%q is not a listening post", post))
	} else if err != nil {
		return err
	}
	sv.Slug, sv.Name, sv.PostID, sv.PostSlug, sv.Intro, sv.Questions = in.Slug, in.Name, p.ID, p.Slug, in.Intro, in.Questions
	sv.Active = in.Active == nil || *in.Active
	sv.WidgetEnabled = in.WidgetEnabled
	return feedback.ValidateSurvey(sv)
}

// InvitationInput asks for a survey link.
type InvitationInput struct {
	CustomerID *int64 `json:"customer_id,omitempty"`
	PurchaseID *int64 `json:"purchase_id,omitempty" doc:"Attributes the answers to the purchase, its customer, serving employee and location."`
	EmployeeID *int64 `json:"employee_id,omitempty"`
	LocationID *int64 `json:"location_id,omitempty"`
	Channel    string `json:"channel,omitempty" doc:"How the link is sent, e.g. email, sms, receipt."`
	TTLDays    int    `json:"ttl_days,omitempty" minimum:"0" maximum:"366" doc:"Days the link stays valid (default 14)."`
}

// InvitationOut is a signed, single-use, expiring survey link.
type InvitationOut struct {
	ID         int64     `json:"id"`
	SurveyID   int64     `json:"survey_id"`
	CustomerID *int64    `json:"customer_id"`
	PurchaseID *int64    `json:"purchase_id"`
	EmployeeID *int64    `json:"employee_id"`
	Token      string    `json:"token"`
	URL        string    `json:"url" doc:"Path of the public survey page: /s/{token}."`
	ExpiresAt  time.Time `json:"expires_at"`
}

// CallTaskOut is a follow-up call task.
type CallTaskOut struct {
	ID           int64      `json:"id"`
	PurchaseID   int64      `json:"purchase_id"`
	CustomerID   int64      `json:"customer_id"`
	CustomerName string     `json:"customer_name"`
	EmployeeID   *int64     `json:"employee_id"`
	TeamID       *int64     `json:"team_id"`
	LocationID   *int64     `json:"location_id"`
	PurchasedAt  time.Time  `json:"purchased_at"`
	DueAt        time.Time  `json:"due_at"`
	Status       string     `json:"status" enum:"open,done,no_answer,declined,skipped"`
	Outcome      string     `json:"outcome"`
	ResponseID   *int64     `json:"response_id"`
	CompletedAt  *time.Time `json:"completed_at"`
}

func callTaskOut(t *store.CallTask) CallTaskOut {
	return CallTaskOut{ID: t.ID, PurchaseID: t.PurchaseID, CustomerID: t.CustomerID, CustomerName: t.CustomerName,
		EmployeeID: t.EmployeeID, TeamID: t.TeamID, LocationID: t.LocationID, PurchasedAt: t.PurchasedAt, DueAt: t.DueAt,
		Status: t.Status, Outcome: t.Outcome, ResponseID: t.ResponseID, CompletedAt: t.CompletedAt}
}

// CallScript is the short script of a follow-up call.
type CallScript struct {
	Note      string           `json:"note"`
	Questions []store.Question `json:"questions"`
}

// CallOutcomeInput records a call.
type CallOutcomeInput struct {
	Status  string     `json:"status" enum:"done,no_answer,declined"`
	Outcome string     `json:"outcome,omitempty" doc:"A short note on the call."`
	Answers []AnswerIO `json:"answers,omitempty" doc:"The customer's answers to the script (status done)."`
	Comment string     `json:"comment,omitempty"`
}

// CategoryIO is one category of the taxonomy.
type CategoryIO struct {
	Slug        string   `json:"slug"`
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Keywords    []string `json:"keywords,omitempty"`
}

// CategoriesBody is the taxonomy.
type CategoriesBody struct {
	Categories []CategoryIO `json:"categories" maxItems:"200"`
}

// SuggestInput asks for categories for a comment.
type SuggestInput struct {
	Comment string `json:"comment" maxLength:"5000"`
}

// SuggestOut is the classifier's answer.
type SuggestOut struct {
	Categories []string              `json:"categories"`
	Ranked     []feedback.Suggestion `json:"ranked"`
	Sentiment  text.SentimentScore   `json:"sentiment"`
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

type responseListInput struct {
	ListParams
	FeedbackFilter
	Labelled string `query:"labelled" enum:"true,false," doc:"true: only responses staff categorised; false: only uncategorised."`
	Category string `query:"category"`
}

type ScaleParams struct {
	FeedbackFilter
	Scale string `query:"scale" enum:"nps,csat,ces" default:"nps"`
}

func (s *Server) createResponse(ctx context.Context, in *struct{ Body ResponseInput }) (*Created[FeedbackResponse], error) {
	b := in.Body
	inp := &feedback.Input{ExternalID: b.ExternalID, ListeningPost: b.ListeningPost, SurveyID: b.SurveyID,
		CustomerID: b.CustomerID, PurchaseID: b.PurchaseID, EmployeeID: b.EmployeeID, LocationID: b.LocationID,
		Segment: b.Segment, Answers: answersIn(b.Answers), Comment: b.Comment, Categories: b.Categories,
		Source: "api", Actor: principal(ctx).Actor()}
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
	res, err := importResponses(ctx, s.feedback, in.RawBody, principal(ctx).Actor())
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
	list, next, err := s.db.ListResponses(ctx, f)
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

func (s *Server) metricNPS(ctx context.Context, in *FeedbackFilter) (*One[NPSMetric], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	r, err := s.feedback.NPS(ctx, f)
	if err != nil {
		return nil, err
	}
	return &One[NPSMetric]{Body: r}, nil
}

func (s *Server) metricCSAT(ctx context.Context, in *FeedbackFilter) (*One[stats.CSATResult], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	r, err := s.feedback.CSAT(ctx, f)
	if err != nil {
		return nil, err
	}
	return &One[stats.CSATResult]{Body: r}, nil
}

func (s *Server) metricCES(ctx context.Context, in *FeedbackFilter) (*One[stats.CESResult], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	r, err := s.feedback.CES(ctx, f)
	if err != nil {
		return nil, err
	}
	return &One[stats.CESResult]{Body: r}, nil
}

func (s *Server) metricBreakdown(ctx context.Context, in *struct {
	ScaleParams
	By   string `query:"by" enum:"employee,location,post,segment" default:"employee"`
	MinN int    `query:"min_n" minimum:"0" maximum:"100000" doc:"Default 30."`
}) (*One[Breakdown], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	by := in.By
	if by == "" {
		by = store.GroupEmployee
	}
	groups, err := s.feedback.Breakdown(ctx, f, in.scale(), by, in.MinN)
	if err != nil {
		return nil, err
	}
	minN := in.MinN
	if minN <= 0 {
		minN = s.feedback.Options().MinN
	}
	return &One[Breakdown]{Body: Breakdown{Scale: in.scale(), By: by, MinN: minN, Groups: groups}}, nil
}

func (s *Server) metricTrend(ctx context.Context, in *struct {
	ScaleParams
	Period string `query:"period" enum:"day,week,month" default:"month"`
}) (*One[Trend], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	period := in.Period
	if period == "" {
		period = feedback.PeriodMonth
	}
	points, err := s.feedback.Trend(ctx, f, in.scale(), period)
	if err != nil {
		return nil, err
	}
	return &One[Trend]{Body: Trend{Scale: in.scale(), Period: period, Points: points}}, nil
}

func (s *Server) metricDistribution(ctx context.Context, in *ScaleParams) (*One[Distribution], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	counts, err := s.feedback.Distribution(ctx, f, in.scale())
	if err != nil {
		return nil, err
	}
	lo := 1
	if in.scale() == feedback.ScaleNPS {
		lo = 0
	}
	return &One[Distribution]{Body: Distribution{Scale: in.scale(), Min: lo, Counts: counts}}, nil
}

func (s *Server) metricDrivers(ctx context.Context, in *FeedbackFilter) (*One[stats.DriverAnalysis], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	a, err := s.feedback.Drivers(ctx, f)
	if err != nil {
		return nil, err
	}
	return &One[stats.DriverAnalysis]{Body: a}, nil
}

func (s *Server) listListeningPosts(ctx context.Context, in *struct {
	From string `query:"from"`
	To   string `query:"to"`
}) (*One[ItemList[ListeningPostOut]], error) {
	var v fresco.Validation
	from, to := parseTimeParam(&v, "from", in.From, false), parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, err := s.feedback.PostStats(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]ListeningPostOut, len(list))
	for i, p := range list {
		out[i] = postOut(p)
	}
	return &One[ItemList[ListeningPostOut]]{Body: ItemList[ListeningPostOut]{Items: out}}, nil
}

func (s *Server) updateListeningPost(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"An id or a slug."`
	Body ListeningPostPatch
}) (*One[ListeningPostOut], error) {
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	set(&p.Name, in.Body.Name)
	set(&p.Description, in.Body.Description)
	set(&p.UsedFor, in.Body.UsedFor)
	set(&p.Solicited, in.Body.Solicited)
	set(&p.Active, in.Body.Active)
	var v fresco.Validation
	v.Check(p.Name != "", "name", "is required")
	v.Check(len(p.UsedFor) <= 2000 && len(p.Description) <= 2000, "used_for", "at most 2000 characters")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.db.UpdateListeningPost(ctx, p); err != nil {
		return nil, err
	}
	s.audit(ctx, "update", "listening_post", p.ID, in.Body)
	return &One[ListeningPostOut]{Body: postOut(feedback.PostStats{Post: p})}, nil
}

func (s *Server) addFeedbackUse(ctx context.Context, in *struct {
	ID   string `path:"id" doc:"An id or a slug."`
	Body struct {
		Note       string `json:"note" maxLength:"2000"`
		ResponseID *int64 `json:"response_id,omitempty"`
	}
}) (*One[FeedbackUseOut], error) {
	p, err := s.postByKey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	u, err := s.feedback.AddUse(ctx, p.Slug, in.Body.Note, in.Body.ResponseID, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &One[FeedbackUseOut]{Body: useOut(u)}, nil
}

func (s *Server) acquisitionReport(ctx context.Context, in *struct{}) (*One[AcquisitionReport], error) {
	rows, err := s.feedback.Acquisition(ctx)
	if err != nil {
		return nil, err
	}
	out := AcquisitionReport{Sources: make([]AcquisitionSourceOut, len(rows))}
	for i, r := range rows {
		out.Sources[i] = AcquisitionSourceOut{Source: r.Source, Customers: r.Customers, Retention: r.Retention,
			AverageValue: moneyOut(r.AverageValue), TotalValue: moneyOut(r.TotalValue)}
	}
	return &One[AcquisitionReport]{Body: out}, nil
}

func (s *Server) listSurveys(ctx context.Context, in *struct{}) (*One[ItemList[SurveyIO]], error) {
	list, err := s.db.ListSurveys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SurveyIO, len(list))
	for i, sv := range list {
		out[i] = surveyOut(sv)
	}
	return &One[ItemList[SurveyIO]]{Body: ItemList[SurveyIO]{Items: out}}, nil
}

func (s *Server) createSurvey(ctx context.Context, in *struct{ Body SurveyIO }) (*Created[SurveyIO], error) {
	sv := &store.Survey{}
	if err := s.surveyDomain(ctx, &in.Body, sv); err != nil {
		return nil, err
	}
	if err := s.db.CreateSurvey(ctx, sv); err != nil {
		return nil, err
	}
	s.audit(ctx, "create", "survey", sv.ID, map[string]any{"slug": sv.Slug})
	return &Created[SurveyIO]{Location: fmt.Sprintf("%s/surveys/%d", apiPrefix, sv.ID), Body: surveyOut(sv)}, nil
}

func (s *Server) getSurvey(ctx context.Context, in *IDParam) (*One[SurveyIO], error) {
	sv, err := s.db.Survey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[SurveyIO]{Body: surveyOut(sv)}, nil
}

func (s *Server) updateSurvey(ctx context.Context, in *struct {
	IDParam
	Body SurveyIO
}) (*One[SurveyIO], error) {
	sv, err := s.db.Survey(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	if err := s.surveyDomain(ctx, &in.Body, sv); err != nil {
		return nil, err
	}
	if err := s.db.UpdateSurvey(ctx, sv); err != nil {
		return nil, err
	}
	s.audit(ctx, "update", "survey", sv.ID, map[string]any{"slug": sv.Slug})
	return &One[SurveyIO]{Body: surveyOut(sv)}, nil
}

func (s *Server) createInvitation(ctx context.Context, in *struct {
	IDParam
	Body InvitationInput
}) (*One[InvitationOut], error) {
	inv, err := s.feedback.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: in.ID, CustomerID: in.Body.CustomerID,
		PurchaseID: in.Body.PurchaseID, EmployeeID: in.Body.EmployeeID, LocationID: in.Body.LocationID,
		Channel: in.Body.Channel, TTL: time.Duration(in.Body.TTLDays) * 24 * time.Hour})
	if err != nil {
		if fresco.ErrorCode(err) == fresco.EINVALID && hasField(err, "survey") {
			return nil, fresco.Errorf(fresco.ENOTFOUND, "survey %d not found", in.ID)
		}
		return nil, err
	}
	return &One[InvitationOut]{Body: InvitationOut{ID: inv.ID, SurveyID: inv.SurveyID, CustomerID: inv.CustomerID,
		PurchaseID: inv.PurchaseID, EmployeeID: inv.EmployeeID, Token: inv.Token, URL: inv.Path, ExpiresAt: inv.ExpiresAt}}, nil
}

func (s *Server) listCallTasks(ctx context.Context, in *struct {
	ListParams
	Mine     bool   `query:"mine"`
	Employee int64  `query:"employee" minimum:"0"`
	Team     int64  `query:"team" minimum:"0"`
	Status   string `query:"status" enum:"open,done,no_answer,declined,skipped,"`
	Due      bool   `query:"due" doc:"Only calls already due."`
}) (*PageBody[CallTaskOut], error) {
	f := store.CallTaskFilter{EmployeeID: idPtr(in.Employee), TeamID: idPtr(in.Team), Status: in.Status, Cursor: in.Cursor, Limit: in.Limit}
	if in.Mine {
		p := principal(ctx)
		if p.Employee == nil {
			return nil, fbInvalid("query.mine", "mine=true needs a logged-in employee; an API token has none (use employee=)")
		}
		f.EmployeeID, f.TeamID = &p.Employee.ID, p.Employee.TeamID
	}
	if in.Due {
		f.DueBefore = s.now()
	}
	list, next, err := s.db.ListCallTasks(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, callTaskOut), nil
}

func (s *Server) callScript(ctx context.Context, in *struct{}) (*One[CallScript], error) {
	return &One[CallScript]{Body: CallScript{Note: feedback.CallScriptNote, Questions: feedback.CallScript}}, nil
}

func (s *Server) recordCallOutcome(ctx context.Context, in *struct {
	IDParam
	Body CallOutcomeInput
}) (*One[CallTaskOut], error) {
	t, err := s.feedback.CompleteCallTask(ctx, in.ID, feedback.CallOutcome{Status: in.Body.Status, Outcome: in.Body.Outcome,
		Answers: answersIn(in.Body.Answers), Comment: in.Body.Comment, Actor: principal(ctx).Actor()})
	if err != nil {
		return nil, err
	}
	return &One[CallTaskOut]{Body: callTaskOut(t)}, nil
}

func (s *Server) sweepCallTasks(ctx context.Context, in *struct{}) (*One[feedback.SweepResult], error) {
	r, err := s.feedback.SweepCallTasks(ctx)
	if err != nil {
		return nil, err
	}
	return &One[feedback.SweepResult]{Body: r}, nil
}

func (s *Server) listFeedbackCategories(ctx context.Context, in *struct{}) (*One[CategoriesBody], error) {
	t, err := s.feedback.Taxonomy(ctx)
	if err != nil {
		return nil, err
	}
	out := CategoriesBody{Categories: make([]CategoryIO, len(t))}
	for i, c := range t {
		out.Categories[i] = CategoryIO{Slug: c.Slug, Name: c.Name, Description: c.Description, Keywords: c.Keywords}
	}
	return &One[CategoriesBody]{Body: out}, nil
}

func (s *Server) replaceFeedbackCategories(ctx context.Context, in *struct{ Body CategoriesBody }) (*One[CategoriesBody], error) {
	t := make(text.Taxonomy, len(in.Body.Categories))
	for i, c := range in.Body.Categories {
		t[i] = text.Category{Slug: c.Slug, Name: c.Name, Description: c.Description, Keywords: c.Keywords}
	}
	if err := s.feedback.SetTaxonomy(ctx, t); err != nil {
		return nil, err
	}
	s.audit(ctx, "update", "feedback_categories", 0, map[string]any{"count": len(t)})
	return &One[CategoriesBody]{Body: in.Body}, nil
}

func (s *Server) classifierStatus(ctx context.Context, in *struct{}) (*One[feedback.ClassifierStatus], error) {
	st, err := s.feedback.ClassifierStatus(ctx)
	if err != nil {
		return nil, err
	}
	return &One[feedback.ClassifierStatus]{Body: st}, nil
}

func (s *Server) trainClassifier(ctx context.Context, in *struct{}) (*One[feedback.ClassifierStatus], error) {
	st, err := s.feedback.TrainClassifier(ctx)
	if err != nil {
		return nil, err
	}
	return &One[feedback.ClassifierStatus]{Body: st}, nil
}

func (s *Server) suggestCategories(ctx context.Context, in *struct{ Body SuggestInput }) (*One[SuggestOut], error) {
	ranked, labels, err := s.feedback.Suggest(ctx, in.Body.Comment)
	if err != nil {
		return nil, err
	}
	if len(ranked) > 10 {
		ranked = ranked[:10]
	}
	return &One[SuggestOut]{Body: SuggestOut{Categories: nonNilStrings(labels), Ranked: ranked, Sentiment: text.Sentiment(in.Body.Comment)}}, nil
}

func (s *Server) postByKey(ctx context.Context, key string) (*store.ListeningPost, error) {
	if id, err := strconv.ParseInt(key, 10, 64); err == nil {
		return s.db.ListeningPost(ctx, id)
	}
	return s.db.ListeningPostBySlug(ctx, key)
}

func hasField(err error, field string) bool {
	for _, f := range fresco.ErrorFields(err) {
		if f.Field == field {
			return true
		}
	}
	return false
}

func fbInvalid(field, msg string) error {
	var v fresco.Validation
	v.Add(field, "%s", msg)
	return v.Err()
}
