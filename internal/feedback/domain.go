// Package feedback is Fresco's listening posts: every piece of feedback a
// customer gives — a survey answer, a satisfaction card, a follow-up call, a
// complaint, a market-research result — recorded once, attributed to
// customer, purchase, serving employee, location, listening post and time,
// and read back as honest statistics (package stats) and categorised text
// (package text).
//
// It owns the rules; package store owns the SQL. Surveys go out as signed,
// single-use, expiring links (links.go) under one contact-frequency rule
// across all channels; follow-up satisfaction calls are call tasks created by
// a periodic sweep (calls.go).
//
// # Hook for the closed loop
//
// Every recorded response enqueues, in the same transaction, a durable job of
// kind [JobResponseRecorded] whose payload is a [ResponseRecorded]. Register
// a handler for that kind on the jobs.Queue to relay answers to the serving
// employee, send alerts or webhooks; the job exists if and only if the
// response does.
package feedback

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Listening-post slugs seeded by the migration.
const (
	PostWebForm         = "web_form"
	PostSurvey          = "survey"
	PostSatisfaction    = "satisfaction_card"
	PostFollowUpCall    = "follow_up_call"
	PostOrderingProcess = "ordering_process"
	PostComplaint       = "complaint"
	PostAudit           = "audit"
	PostMarketResearch  = "market_research"
	PostFocusGroup      = "focus_group"
)

// Question (and answer) types.
const (
	TypeNPS               = "nps"                // 0–10 "How likely are you to recommend us?"
	TypeCSAT              = "csat"               // 1–5 satisfaction
	TypeCES               = "ces"                // 1–7 customer effort (7 = very easy)
	TypeRating            = "rating"             // 1–5 unless the question says otherwise
	TypeSingleChoice      = "single_choice"      // one of the choices
	TypeMultipleChoice    = "multiple_choice"    // one or more of the choices
	TypeText              = "text"               // free text
	TypeAcquisitionSource = "acquisition_source" // "How did you hear about us?"
	TypeProcessQuality    = "process_quality"    // 1–5 on one of the five influences (item)
	TypeValue             = "value"              // 1–5 on one Customer Value Equation item (item)
)

// Types lists every question type.
var Types = []string{TypeNPS, TypeCSAT, TypeCES, TypeRating, TypeSingleChoice, TypeMultipleChoice, TypeText,
	TypeAcquisitionSource, TypeProcessQuality, TypeValue}

// ProcessQualityItems are the five influences on process quality.
var ProcessQualityItems = []string{"dependability", "responsiveness", "authority", "empathy", "tangible_evidence"}

// ValueItems are the items of the Customer Value Equation:
// (results + process quality) ÷ (price + access costs).
var ValueItems = []string{"results", "process_quality", "price", "access_costs"}

// DefaultAcquisitionChoices are offered for "How did you hear about us?".
var DefaultAcquisitionChoices = []string{"Friend or family", "Search engine", "Social media", "Advertisement",
	"Walked past", "Press or review", "Other"}

// Limits on input.
const (
	MaxAnswers     = 50
	MaxCommentLen  = 5000
	MaxTextLen     = 2000
	MaxChoiceLen   = 200
	MaxQuestions   = 50
	MaxChoices     = 30
	maxSlugLen     = 64
	maxQuestionLen = 500
)

// AnswerInput is one answer as callers send it.
type AnswerInput struct {
	Question string   `json:"question,omitempty"` // the survey question's key, if any
	Type     string   `json:"type"`
	Item     string   `json:"item,omitempty"` // for process_quality and value
	Score    *int     `json:"score,omitempty"`
	Choice   string   `json:"choice,omitempty"`
	Choices  []string `json:"choices,omitempty"`
	Text     string   `json:"text,omitempty"`
}

// Input is a response to record.
type Input struct {
	ExternalID    string // idempotency for imports: a second response with the same id is refused
	ListeningPost string // a slug; defaults to the survey's post, else "survey"
	SurveyID      *int64
	CustomerID    *int64
	PurchaseID    *int64
	EmployeeID    *int64
	LocationID    *int64
	RespondedAt   time.Time // zero means now
	Segment       string    // empty: derived (anonymous, new, repeat)
	Answers       []AnswerInput
	Comment       string
	Categories    []string // staff-assigned categories, optional
	Source        string   // api, link, widget, import, call, ui
	Language      string   // the language answered in ("de"), "" not known
	Actor         string   // who entered it, for the record

	invitationID *int64 // set by SubmitLink
	complaint    bool   // set by CompleteCallTask: the customer complained on the call
}

func checkID(v *fresco.Validation, field string, id *int64) {
	if id != nil && *id <= 0 {
		v.Add(field, "must be a positive id")
	}
}

// scaleOf returns the score range of a question type, and whether it is scored.
func scaleOf(typ string, q *fresco.Question) (lo, hi int, scored bool) {
	switch typ {
	case TypeNPS:
		return 0, 10, true
	case TypeCSAT:
		return 1, 5, true
	case TypeCES:
		return 1, 7, true
	case TypeRating:
		if q != nil && q.Max > 0 {
			return q.Min, q.Max, true
		}
		return 1, 5, true
	case TypeProcessQuality, TypeValue:
		return 1, 5, true
	}
	return 0, 0, false
}

// validateAnswers checks answers, against the survey's questions when there
// is a survey, and converts them for storage.
func validateAnswers(v *fresco.Validation, in []AnswerInput, survey *fresco.Survey) []fresco.Answer {
	if len(in) > MaxAnswers {
		v.Add("answers", "at most %d answers per response", MaxAnswers)
		return nil
	}
	var questions map[string]*fresco.Question
	if survey != nil {
		questions = map[string]*fresco.Question{}
		for i := range survey.Questions {
			questions[survey.Questions[i].Key] = &survey.Questions[i]
		}
	}
	out := make([]fresco.Answer, 0, len(in))
	seen := map[string]bool{}
	seenType := map[string]bool{} // types of answers given without a question key
	for i, a := range in {
		if a.Question == "" {
			seenType[a.Type] = true
		}
		field := "answers[" + strconv.Itoa(i) + "]"
		var q *fresco.Question
		if a.Question != "" {
			v.Text(field+".question", a.Question, false, maxSlugLen)
			if questions != nil {
				q = questions[a.Question]
				if q == nil {
					v.Add(field+".question", "%q is not a question of survey %q", a.Question, survey.Slug)
					continue
				}
				if seen[a.Question] {
					v.Add(field+".question", "question %q is answered twice", a.Question)
				}
				seen[a.Question] = true
				if a.Type == "" {
					a.Type = q.Type
				}
				if a.Item == "" {
					a.Item = q.Item
				}
			}
		}
		if !slices.Contains(Types, a.Type) {
			v.Add(field+".type", "must be one of %s (got %q)", strings.Join(Types, ", "), a.Type)
			continue
		}
		if q != nil && q.Type != a.Type {
			v.Add(field+".type", "question %q is of type %s, not %s", q.Key, q.Type, a.Type)
			continue
		}
		ans := fresco.Answer{Question: a.Question, Type: a.Type, Item: a.Item}
		switch a.Type {
		case TypeProcessQuality:
			if !slices.Contains(ProcessQualityItems, a.Item) {
				v.Add(field+".item", "must be one of %s", strings.Join(ProcessQualityItems, ", "))
			}
		case TypeValue:
			if !slices.Contains(ValueItems, a.Item) {
				v.Add(field+".item", "must be one of %s", strings.Join(ValueItems, ", "))
			}
		default:
			if a.Item != "" {
				v.Text(field+".item", a.Item, false, maxSlugLen)
			}
		}
		if lo, hi, scored := scaleOf(a.Type, q); scored {
			switch {
			case a.Score == nil:
				v.Add(field+".score", "is required for a %s answer (%d to %d)", a.Type, lo, hi)
			case *a.Score < lo || *a.Score > hi:
				v.Add(field+".score", "must be between %d and %d for a %s answer (got %d)", lo, hi, a.Type, *a.Score)
			default:
				s := *a.Score
				ans.Score = &s
			}
		} else if a.Score != nil {
			v.Add(field+".score", "a %s answer has no score", a.Type)
		}
		switch a.Type {
		case TypeSingleChoice, TypeAcquisitionSource:
			choice := strings.TrimSpace(a.Choice)
			if choice == "" && len(a.Choices) == 1 {
				choice = strings.TrimSpace(a.Choices[0])
			}
			if choice == "" && a.Type == TypeAcquisitionSource {
				choice = strings.TrimSpace(a.Text)
			}
			if choice == "" {
				v.Add(field+".choice", "is required")
				break
			}
			v.Text(field+".choice", choice, false, MaxChoiceLen)
			if a.Type == TypeSingleChoice && q != nil && len(q.Choices) > 0 && !slices.Contains(q.Choices, choice) {
				v.Add(field+".choice", "%q is not one of the choices", choice)
			}
			ans.Choices = []string{choice}
		case TypeMultipleChoice:
			if len(a.Choices) == 0 {
				v.Add(field+".choices", "pick at least one")
				break
			}
			if len(a.Choices) > MaxChoices {
				v.Add(field+".choices", "at most %d choices", MaxChoices)
				break
			}
			for j, c := range a.Choices {
				c = strings.TrimSpace(c)
				cf := field + ".choices[" + strconv.Itoa(j) + "]"
				v.Text(cf, c, false, MaxChoiceLen)
				if c == "" {
					v.Add(cf, "is empty")
				} else if q != nil && len(q.Choices) > 0 && !slices.Contains(q.Choices, c) {
					v.Add(cf, "%q is not one of the choices", c)
				}
				ans.Choices = append(ans.Choices, c)
			}
		case TypeText:
			if strings.TrimSpace(a.Text) == "" {
				v.Add(field+".text", "is required for a text answer")
			}
		}
		v.Text(field+".text", a.Text, false, MaxTextLen)
		if a.Type != TypeAcquisitionSource || len(ans.Choices) == 0 || ans.Choices[0] != strings.TrimSpace(a.Text) {
			ans.Text = a.Text
		}
		out = append(out, ans)
	}
	if survey != nil {
		for _, q := range survey.Questions {
			if q.Required && !seen[q.Key] && !seenType[q.Type] {
				v.Add("answers", "question %q (%s) is required", q.Key, q.Text)
			}
		}
	}
	return out
}

// validateInput checks everything that needs no database.
func validateInput(in *Input) *fresco.Validation {
	v := &fresco.Validation{}
	v.Text("external_id", in.ExternalID, false, 200)
	v.Text("listening_post", in.ListeningPost, false, maxSlugLen)
	checkID(v, "customer_id", in.CustomerID)
	checkID(v, "purchase_id", in.PurchaseID)
	checkID(v, "employee_id", in.EmployeeID)
	checkID(v, "location_id", in.LocationID)
	checkID(v, "survey_id", in.SurveyID)
	v.Text("comment", in.Comment, false, MaxCommentLen)
	v.Text("segment", in.Segment, false, maxSlugLen)
	if in.Language != "" && !slices.Contains(fresco.Languages, in.Language) {
		v.Add("language", "must be one of %s (got %q)", strings.Join(fresco.Languages, ", "), in.Language)
	}
	if !in.RespondedAt.IsZero() && (in.RespondedAt.Year() < 1900 || in.RespondedAt.After(time.Now().Add(24*time.Hour))) {
		v.Add("responded_at", "%s is not a plausible time", in.RespondedAt.Format(time.RFC3339))
	}
	if len(in.Answers) == 0 && strings.TrimSpace(in.Comment) == "" {
		v.Add("answers", "a response needs at least one answer or a comment")
	}
	for i, c := range in.Categories {
		v.Text(fmt.Sprintf("categories[%d]", i), c, false, maxSlugLen)
	}
	return v
}

// ValidateSurvey checks a survey's fields and questions and fills in
// defaults (question keys, acquisition choices).
func ValidateSurvey(s *fresco.Survey) error {
	var v fresco.Validation
	if !slugOK(s.Slug) {
		v.Add("slug", "must be 1 to %d lower-case letters, digits, hyphens or underscores", maxSlugLen)
	}
	if strings.TrimSpace(s.Name) == "" {
		v.Add("name", "is required")
	}
	v.Text("name", s.Name, false, 200)
	v.Text("intro", s.Intro, false, MaxTextLen)
	v.Text("thanks", s.Thanks, false, MaxTextLen)
	switch {
	case len(s.Questions) == 0:
		v.Add("questions", "a survey needs at least one question")
	case len(s.Questions) > MaxQuestions:
		v.Add("questions", "at most %d questions", MaxQuestions)
	}
	keys := map[string]bool{}
	for i := range s.Questions {
		q := &s.Questions[i]
		field := "questions[" + strconv.Itoa(i) + "]"
		if q.Key == "" {
			q.Key = "q" + strconv.Itoa(i+1)
		}
		if !slugOK(q.Key) {
			v.Add(field+".key", "must be lower-case letters, digits, hyphens or underscores")
		}
		if keys[q.Key] {
			v.Add(field+".key", "%q is used twice", q.Key)
		}
		keys[q.Key] = true
		if !slices.Contains(Types, q.Type) {
			v.Add(field+".type", "must be one of %s (got %q)", strings.Join(Types, ", "), q.Type)
		}
		if strings.TrimSpace(q.Text) == "" {
			q.Text = defaultQuestionText(q)
		}
		v.Text(field+".text", q.Text, false, maxQuestionLen)
		switch q.Type {
		case TypeProcessQuality:
			if !slices.Contains(ProcessQualityItems, q.Item) {
				v.Add(field+".item", "must be one of %s", strings.Join(ProcessQualityItems, ", "))
			}
		case TypeValue:
			if !slices.Contains(ValueItems, q.Item) {
				v.Add(field+".item", "must be one of %s", strings.Join(ValueItems, ", "))
			}
		case TypeSingleChoice, TypeMultipleChoice:
			if len(q.Choices) < 2 {
				v.Add(field+".choices", "a choice question needs at least two choices")
			}
		case TypeAcquisitionSource:
			if len(q.Choices) == 0 {
				q.Choices = slices.Clone(DefaultAcquisitionChoices)
			}
		case TypeRating:
			if q.Max == 0 {
				q.Min, q.Max = 1, 5
			}
			if q.Min < 0 || q.Max <= q.Min || q.Max > 10 {
				v.Add(field+".max", "a rating runs from min to max within 0..10, max > min")
			}
		}
		if len(q.Choices) > MaxChoices {
			v.Add(field+".choices", "at most %d choices", MaxChoices)
		}
		for j, c := range q.Choices {
			if strings.TrimSpace(c) == "" {
				v.Add(fmt.Sprintf("%s.choices[%d]", field, j), "is empty")
			}
			v.Text(fmt.Sprintf("%s.choices[%d]", field, j), c, false, MaxChoiceLen)
		}
	}
	pruneTranslations(s)
	return v.Err()
}

func slugOK(s string) bool {
	if s == "" || len(s) > maxSlugLen {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func defaultQuestionText(q *fresco.Question) string {
	switch q.Type {
	case TypeNPS:
		return "How likely are you to recommend us to a friend or colleague?"
	case TypeCSAT:
		return "How satisfied were you overall?"
	case TypeCES:
		return "How easy was it to get what you needed?"
	case TypeAcquisitionSource:
		return "How did you hear about us?"
	case TypeText:
		return "Is there anything we could have done better?"
	case TypeProcessQuality:
		return map[string]string{
			"dependability":     "We did what we promised, when we promised it.",
			"responsiveness":    "We were quick and willing to help.",
			"authority":         "Our staff knew what they were doing and inspired confidence.",
			"empathy":           "We treated you as an individual and cared about your needs.",
			"tangible_evidence": "Our premises, equipment and materials looked right.",
		}[q.Item]
	case TypeValue:
		return map[string]string{
			"results":         "How good were the results you got from us?",
			"process_quality": "How good was the way we served you?",
			"price":           "How fair was the price?",
			"access_costs":    "How easy was it to reach and deal with us (time, travel, effort)?",
		}[q.Item]
	}
	return q.Key
}

// CallScript is the short script of a follow-up satisfaction call: a few
// questions about the purchase and no sales offer.
var CallScript = []fresco.Question{
	{Key: "csat", Type: TypeCSAT, Text: "How satisfied are you with your recent purchase and the service you received? (1–5)", Required: true},
	{Key: "expectations", Type: TypeSingleChoice, Text: "Did everything work out as you expected?", Choices: []string{"Yes", "Partly", "No"}},
	{Key: "nps", Type: TypeNPS, Text: "How likely are you to recommend us to a friend or colleague? (0–10)"},
	{Key: "better", Type: TypeText, Text: "Is there anything we could have done better?"},
}

// CallScriptNote reminds the caller what the call is for.
const CallScriptNote = "This is a thank-you and satisfaction call, not a sales call: do not offer products or promotions. " +
	"If something went wrong, apologise, note it in the comment and say who will follow up."

// callSurvey is CallScript as a survey, for validating call answers.
var callSurvey = &fresco.Survey{Slug: "follow-up-call", Questions: CallScript}
