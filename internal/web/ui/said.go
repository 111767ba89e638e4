package ui

// What the customer said: every answer of a response — scores, free text of
// every question, the comment — for the pages of everyone who acts on it
// (the follow-up, the case opened from it, the customer's page, the
// comments list). The "said" partial in partials.html shows a saidView.

import (
	"context"
	"fmt"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// saidView is one response as staff read it.
type saidView struct {
	R       *fresco.Response
	Answers []saidAnswer
	CaseID  int64 // the case opened from it, if any
	Act     bool  // offer to open a case from it (pages where staff act on answers)
}

// saidAnswer is one answer: the question as the customer read it and what
// they answered, in words.
type saidAnswer struct {
	Question string
	Answer   string
	Text     bool // free text, shown as a quotation
}

// questionTexts maps a survey's question keys to the words the customer
// read; it remembers surveys so a page of responses reads each once.
type questionTexts map[int64]map[string]string

func (q questionTexts) of(ctx context.Context, u *UI, r *fresco.Response) map[string]string {
	if r.PostSlug == feedback.PostFollowUpCall && r.SurveyID == nil {
		return textsOf(feedback.CallScript)
	}
	if r.SurveyID == nil {
		return nil
	}
	if t, ok := q[*r.SurveyID]; ok {
		return t
	}
	var t map[string]string
	if s, err := u.db.Survey(ctx, *r.SurveyID); err == nil {
		t = textsOf(s.Questions)
	}
	q[*r.SurveyID] = t
	return t
}

func textsOf(qs []fresco.Question) map[string]string {
	t := make(map[string]string, len(qs))
	for _, q := range qs {
		if q.Key != "" && q.Text != "" {
			t[q.Key] = q.Text
		}
	}
	return t
}

// saidOf builds the view of r; texts may be shared across responses.
func (u *UI) saidOf(ctx context.Context, r *fresco.Response, texts questionTexts) (saidView, error) {
	views, err := u.saidOfAll(ctx, []*fresco.Response{r}, texts)
	if err != nil {
		return saidView{}, err
	}
	return views[0], nil
}

// saidOfAll builds the views of a page of responses, which carry their
// answers, in one statement for their cases (and one per survey, which
// texts remembers) however many responses the page shows.
func (u *UI) saidOfAll(ctx context.Context, rs []*fresco.Response, texts questionTexts) ([]saidView, error) {
	ids := make([]int64, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	cases, err := u.db.CasesOfResponses(ctx, ids)
	if err != nil {
		return nil, err
	}
	views := make([]saidView, len(rs))
	for i, r := range rs {
		v := saidView{R: r, CaseID: cases[r.ID]}
		labels := texts.of(ctx, u, r)
		for _, a := range r.Answers {
			q := labels[a.Question]
			if q == "" {
				q = questionLabel(a)
			}
			v.Answers = append(v.Answers, saidAnswer{Question: q, Answer: answerWords(a), Text: a.Type == feedback.TypeText})
		}
		views[i] = v
	}
	return views, nil
}

// questionLabel names an answer whose survey is not at hand.
func questionLabel(a fresco.Answer) string {
	switch a.Type {
	case feedback.TypeNPS:
		return "How likely to recommend us"
	case feedback.TypeCSAT:
		return "Satisfaction"
	case feedback.TypeCES:
		return "How easy it was"
	case feedback.TypeAcquisitionSource:
		return "How they heard about us"
	}
	if a.Question != "" {
		return label(a.Question)
	}
	if a.Item != "" {
		return label(a.Item)
	}
	return label(a.Type)
}

// answerWords is what the customer answered: "3 out of 10", the choices, or
// the text.
func answerWords(a fresco.Answer) string {
	switch {
	case a.Score != nil:
		return fmt.Sprintf("%d out of %d", *a.Score, scaleTop(a.Type))
	case len(a.Choices) > 0:
		return strings.Join(a.Choices, ", ")
	}
	return a.Text
}

func scaleTop(typ string) int {
	switch typ {
	case feedback.TypeNPS:
		return 10
	case feedback.TypeCES:
		return 7
	}
	return 5
}

// responseSaid reads one response and builds its view; texts may be shared
// by a page that shows many (the comments list).
func (u *UI) responseSaid(ctx context.Context, id int64, texts questionTexts) (*saidView, error) {
	r, err := u.db.Response(ctx, id)
	if err != nil {
		return nil, err
	}
	v, err := u.saidOf(ctx, r, texts)
	return &v, err
}
