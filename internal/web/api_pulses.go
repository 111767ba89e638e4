package web

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/pulse"
)

// PulseResultsInput asks for pulse results.
type PulseResultsInput struct {
	By     string `query:"by" enum:"team,location" default:"team" doc:"Group the answers by team or by location."`
	Period string `query:"period" enum:"month,quarter" default:"month" doc:"month: the pulse's own period; quarter: its three months together (from and to widen to whole quarters), shown once the quarter is over."`
	From   string `query:"from" doc:"The first month: 2025-01, or a date standing for its month. Default: 11 months before to."`
	To     string `query:"to" doc:"The last month (inclusive): 2025-12, or a date. Default: this month."`
}

func (s *Server) pulseResults(ctx context.Context, in *PulseResultsInput) (*One[*pulse.Results], error) {
	r, err := s.pulse.Results(ctx, pulse.Query{By: in.By, Period: in.Period, From: in.From, To: in.To})
	if err != nil {
		return nil, err
	}
	return &One[*pulse.Results]{Body: r}, nil
}

// PulseOut is one month's pulse.
type PulseOut struct {
	ID              int64     `json:"id"`
	Period          string    `json:"period" doc:"The month, YYYY-MM, in the business's time zone."`
	Open            bool      `json:"open"`
	OpenedAt        time.Time `json:"opened_at"`
	ClosesAt        time.Time `json:"closes_at"`
	QuestionVersion int       `json:"question_version"`
	Invited         int       `json:"invited" doc:"Employees asked to answer."`
	Responses       int       `json:"responses" doc:"Answers received, staff and imported."`
}

func (s *Server) pulseOut(p *fresco.Pulse) PulseOut {
	return PulseOut{ID: p.ID, Period: p.Period, Open: p.Open(s.now()), OpenedAt: p.OpenedAt, ClosesAt: p.ClosesAt,
		QuestionVersion: p.QuestionVersion, Invited: p.Invited, Responses: p.Responses}
}

// PulseListInput chooses the months of the pulse list.
type PulseListInput struct {
	From string `query:"from" doc:"The first month (YYYY-MM). Default: the earliest."`
	To   string `query:"to" doc:"The last month (YYYY-MM). Default: the latest."`
}

// PulseList is the pulses, oldest first.
type PulseList struct {
	Pulses []PulseOut `json:"pulses"`
}

func (s *Server) listPulses(ctx context.Context, in *PulseListInput) (*One[PulseList], error) {
	from, to := in.From, in.To
	if from == "" {
		from = "0000-00"
	}
	if to == "" {
		to = "9999-99"
	}
	list, err := s.db.Pulses(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := PulseList{Pulses: make([]PulseOut, len(list))}
	for i, p := range list {
		out.Pulses[i] = s.pulseOut(p)
	}
	return &One[PulseList]{Body: out}, nil
}

// PulseImportInput is one answer collected elsewhere.
type PulseImportInput struct {
	IDParam
	Body struct {
		TeamID     *int64         `json:"team_id,omitempty" doc:"The answerer's team; with location_id or alone (the team's location is used)."`
		LocationID *int64         `json:"location_id,omitempty" doc:"The answerer's location."`
		Answers    map[string]any `json:"answers" minProperties:"1" doc:"By question key: a whole number for scale (1–5) and enps (0–10) questions, text for text questions."`
	}
}

// PulseImported says the answer was recorded.
type PulseImported struct {
	PulseID int64  `json:"pulse_id"`
	Period  string `json:"period"`
}

func (s *Server) importPulseAnswer(ctx context.Context, in *PulseImportInput) (*Created[PulseImported], error) {
	answers, err := pulseAnswers(in.Body.Answers)
	if err != nil {
		return nil, err
	}
	err = s.pulse.Import(ctx, principal(ctx).Actor(), in.ID, pulse.Import{TeamID: in.Body.TeamID,
		LocationID: in.Body.LocationID, Answers: answers})
	if err != nil {
		return nil, err
	}
	p, err := s.db.Pulse(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return &Created[PulseImported]{Location: fmt.Sprintf("%s/pulses/%d", apiPrefix, p.ID),
		Body: PulseImported{PulseID: p.ID, Period: p.Period}}, nil
}

// pulseAnswers reads JSON answers: whole numbers are scores, strings texts.
func pulseAnswers(raw map[string]any) (map[string]fresco.PulseAnswer, error) {
	var v fresco.Validation
	v.Check(len(raw) > 0, "answers", "needs at least one answer")
	out := make(map[string]fresco.PulseAnswer, len(raw))
	for key, val := range raw {
		switch x := val.(type) {
		case float64:
			if x != math.Trunc(x) || math.Abs(x) > 1000 {
				v.Add("answers."+key, "must be a whole number on the question's scale")
				continue
			}
			score := int(x)
			out[key] = fresco.PulseAnswer{Score: &score}
		case string:
			out[key] = fresco.PulseAnswer{Text: x}
		default:
			v.Add("answers."+key, "must be a whole number or text")
		}
	}
	return out, v.Err()
}

// PulseQuestionsBody is the question set to use from now on.
type PulseQuestionsBody struct {
	Questions []fresco.PulseQuestion `json:"questions"`
}

func (s *Server) getPulseQuestions(ctx context.Context, _ *struct{}) (*One[*fresco.PulseQuestionSet], error) {
	qs, err := s.pulse.Questions(ctx)
	if err != nil {
		return nil, err
	}
	return &One[*fresco.PulseQuestionSet]{Body: qs}, nil
}

func (s *Server) putPulseQuestions(ctx context.Context, in *struct{ Body PulseQuestionsBody }) (*One[*fresco.PulseQuestionSet], error) {
	qs, err := s.pulse.SaveQuestions(ctx, principal(ctx).Actor(), in.Body.Questions)
	if err != nil {
		return nil, err
	}
	return &One[*fresco.PulseQuestionSet]{Body: qs}, nil
}
