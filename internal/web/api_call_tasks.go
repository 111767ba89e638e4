package web

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

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

func callTaskOut(t *fresco.CallTask) CallTaskOut {
	return CallTaskOut{ID: t.ID, PurchaseID: t.PurchaseID, CustomerID: t.CustomerID, CustomerName: t.CustomerName,
		EmployeeID: t.EmployeeID, TeamID: t.TeamID, LocationID: t.LocationID, PurchasedAt: t.PurchasedAt, DueAt: t.DueAt,
		Status: t.Status, Outcome: t.Outcome, ResponseID: t.ResponseID, CompletedAt: t.CompletedAt}
}

// CallScript is the short script of a follow-up call.
type CallScript struct {
	Note      string            `json:"note"`
	Questions []fresco.Question `json:"questions"`
}

// CallOutcomeInput records a call.
type CallOutcomeInput struct {
	Status  string     `json:"status" enum:"done,no_answer,declined"`
	Outcome string     `json:"outcome,omitempty" doc:"A short note on the call."`
	Answers []AnswerIO `json:"answers,omitempty" doc:"The customer's answers to the script (status done)."`
	Comment string     `json:"comment,omitempty"`
	// Complaint opens a case for the call, like the complaint listening post.
	Complaint bool `json:"complaint,omitempty" doc:"The customer complained on the call: a case opens for it (status done only)."`
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
			return nil, invalidField("query.mine", "%s", "mine=true needs a logged-in employee; an API token has none (use employee=)")
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
		Answers: answersIn(in.Body.Answers), Comment: in.Body.Comment, Complaint: in.Body.Complaint, Actor: principal(ctx).Actor()})
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
