package web

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

// CaseTask is a call-back, follow-through or re-survey task.
type CaseTask struct {
	ID         int64          `json:"id"`
	CaseID     int64          `json:"case_id"`
	Kind       string         `json:"kind"`
	Status     string         `json:"status"`
	DueAt      time.Time      `json:"due_at"`
	AssigneeID *int64         `json:"assignee_id"`
	Note       string         `json:"note"`
	Outcome    string         `json:"outcome"`
	Result     map[string]any `json:"result"`
	CreatedAt  time.Time      `json:"created_at"`
	DoneAt     *time.Time     `json:"done_at"`
	DoneBy     string         `json:"done_by"`
}

func taskOut(t *fresco.CaseTask) CaseTask {
	return CaseTask{ID: t.ID, CaseID: t.CaseID, Kind: t.Kind, Status: t.Status, DueAt: t.DueAt, AssigneeID: t.AssigneeID,
		Note: t.Note, Outcome: t.Outcome, Result: jsonMap(t.Result), CreatedAt: t.CreatedAt, DoneAt: t.DoneAt, DoneBy: t.DoneBy}
}

type taskBody struct {
	Kind       string    `json:"kind" enum:"callback,follow_through,resurvey"`
	DueAt      time.Time `json:"due_at"`
	AssigneeID *int64    `json:"assignee_id,omitempty"`
	Note       string    `json:"note,omitempty"`
}

type completeBody struct {
	Outcome       string `json:"outcome,omitempty" doc:"For a follow-through: solved, not_solved or no_answer."`
	Note          string `json:"note,omitempty"`
	Score         *int   `json:"score,omitempty" doc:"For a re-survey: the score after recovery (0–10)."`
	PreviousScore *int   `json:"previous_score,omitempty" doc:"The customer's earlier score, for comparison. Default for a re-survey with a score: the customer's latest NPS by the time the case opened."`
}

func (s *Server) createTask(ctx context.Context, in *caseIDBody[taskBody]) (*Created[CaseTask], error) {
	svc, _, err := s.seeing(ctx, in.ID, in.IfMatchParam)
	if err != nil {
		return nil, err
	}
	t, err := svc.AddTask(ctx, recoveryActor(ctx), in.ID, recovery.TaskInput{Kind: in.Body.Kind, DueAt: in.Body.DueAt,
		AssigneeID: in.Body.AssigneeID, Note: in.Body.Note})
	if err != nil {
		return nil, err
	}
	return &Created[CaseTask]{Location: fmt.Sprintf("%s/tasks/%d", apiPrefix, t.ID), Body: taskOut(t)}, nil
}

func (s *Server) listTasks(ctx context.Context, in *struct {
	CaseID   int64  `query:"case_id" minimum:"0"`
	Assignee string `query:"assignee" doc:"An employee id, or me."`
	Kind     string `query:"kind"`
	Status   string `query:"status" default:"open"`
	Limit    int    `query:"limit" minimum:"0" maximum:"1000" default:"100"`
}) (*itemsBody[CaseTask], error) {
	f := store.TaskFilter{CaseID: idPtr(in.CaseID), Kind: in.Kind, Status: in.Status, Limit: in.Limit}
	if in.Status == "all" {
		f.Status = ""
	}
	switch p := principal(ctx); {
	case in.Assignee == "me" && p.Employee != nil:
		f.AssigneeID = &p.Employee.ID
	case in.Assignee != "":
		id, err := strconv.ParseInt(in.Assignee, 10, 64)
		if err != nil || id <= 0 {
			var v fresco.Validation
			v.Add("query.assignee", "must be an employee id or me (as a logged-in employee)")
			return nil, v.Err()
		}
		f.AssigneeID = &id
	}
	list, err := s.db.ListTasks(ctx, f)
	if err != nil {
		return nil, err
	}
	return items(list, taskOut), nil
}

func (s *Server) completeTask(ctx context.Context, in *caseIDBody[completeBody]) (*One[CaseTask], error) {
	t, err := s.recovery.CompleteTask(ctx, recoveryActor(ctx), in.ID, recovery.CompleteInput{Outcome: in.Body.Outcome,
		Note: in.Body.Note, Score: in.Body.Score, PreviousScore: in.Body.PreviousScore})
	if err != nil {
		return nil, err
	}
	return &One[CaseTask]{Body: taskOut(t)}, nil
}
