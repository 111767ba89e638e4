package recovery

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

type holdPayload struct {
	CaseID int64 `json:"case_id"`
	HoldID int64 `json:"hold_id"`
}

// addTask stores a task, logs it and schedules the job that fires when it
// falls due.
func (s *Service) addTask(ctx context.Context, ch *change, t *fresco.CaseTask) error {
	if err := ch.tx.InsertTask(ctx, t); err != nil {
		return err
	}
	if _, err := ch.event(ctx, "task_created", map[string]any{"task_id": t.ID, "kind": t.Kind,
		"due_at": t.DueAt, "assignee_id": t.AssigneeID, "note": t.Note}); err != nil {
		return err
	}
	return ch.enqueue(ctx, jobs.Job{Kind: JobTaskDue, Payload: taskDuePayload{TaskID: t.ID}, RunAt: t.DueAt,
		UniqueKey: fmt.Sprintf("%s:%d", JobTaskDue, t.ID)})
}

// TaskInput creates a task by hand (a call-back the customer asked for, a re-survey).
type TaskInput struct {
	Kind       string
	DueAt      time.Time
	AssigneeID *int64 // defaults to the case owner
	Note       string
}

// AddTask adds a task to an open or resolved case.
func (s *Service) AddTask(ctx context.Context, actor Actor, caseID int64, in TaskInput) (*fresco.CaseTask, error) {
	var v fresco.Validation
	v.Check(oneOf(in.Kind, []string{"callback", "follow_through", "resurvey"}), "kind", "must be callback, follow_through or resurvey")
	v.Check(!in.DueAt.IsZero(), "due_at", "is required (RFC 3339)")
	v.Text("note", in.Note, false, maxCaseText)
	if err := v.Err(); err != nil {
		return nil, err
	}
	var task *fresco.CaseTask
	_, err := s.update(ctx, caseID, actor, func(ctx context.Context, ch *change) error {
		if ch.c.Status != fresco.CaseOpen && ch.c.Status != fresco.CaseResolved {
			return fresco.Errorf(fresco.ECONFLICT, "case %d is %s", caseID, ch.c.Status)
		}
		assignee := ch.c.OwnerID
		if in.AssigneeID != nil {
			if err := s.checkOwner(ctx, ch.tx, *in.AssigneeID, "assignee_id"); err != nil {
				return err
			}
			assignee = *in.AssigneeID
		}
		task = &fresco.CaseTask{CaseID: caseID, Kind: in.Kind, DueAt: in.DueAt, AssigneeID: &assignee, Note: in.Note}
		return s.addTask(ctx, ch, task)
	})
	return task, err
}

// Hold starts a hold timer: the customer is waiting on the line. If the hold
// is not ended within HoldLimit it becomes a scheduled call-back task.
func (s *Service) Hold(ctx context.Context, actor Actor, caseID int64) (holdID int64, err error) {
	_, err = s.update(ctx, caseID, actor, func(ctx context.Context, ch *change) error {
		if err := ch.allow(ActHold); err != nil {
			return err
		}
		e, err := ch.event(ctx, "hold_started", map[string]any{"limit": s.opts.HoldLimit.String()})
		if err != nil {
			return err
		}
		holdID = e.ID
		return ch.enqueue(ctx, jobs.Job{Kind: JobHoldCheck, Payload: holdPayload{CaseID: caseID, HoldID: e.ID},
			RunAt: ch.at.Add(s.opts.HoldLimit), UniqueKey: fmt.Sprintf("%s:%d", JobHoldCheck, e.ID)})
	})
	return holdID, err
}

// EndHold ends a hold (the agent is back with the customer).
func (s *Service) EndHold(ctx context.Context, actor Actor, caseID, holdID int64) (*fresco.Case, error) {
	return s.update(ctx, caseID, actor, func(ctx context.Context, ch *change) error {
		state, err := holdState(ctx, ch, holdID)
		if err != nil {
			return err
		}
		if state != "on_hold" {
			return fresco.Errorf(fresco.ECONFLICT, "hold %d is not running (%s)", holdID, state)
		}
		_, err = ch.event(ctx, "hold_ended", map[string]any{"hold_id": holdID,
			"held_for": ch.at.Sub(holdStart(ctx, ch, holdID)).Round(time.Second).String()})
		return err
	})
}

func holdStart(ctx context.Context, ch *change, holdID int64) time.Time {
	log, _ := ch.tx.CaseEvents(ctx, ch.c.ID)
	for _, e := range log {
		if e.ID == holdID {
			return e.At
		}
	}
	return ch.at
}

// holdState says whether hold holdID is on_hold, ended or became a call-back.
func holdState(ctx context.Context, ch *change, holdID int64) (string, error) {
	log, err := ch.tx.CaseEvents(ctx, ch.c.ID)
	if err != nil {
		return "", err
	}
	state := ""
	for _, e := range log {
		if e.ID == holdID && e.Kind == "hold_started" {
			state = "on_hold"
			continue
		}
		var b struct {
			HoldID int64 `json:"hold_id"`
		}
		if (e.Kind == "hold_ended" || e.Kind == "callback_scheduled") && json.Unmarshal(e.Body, &b) == nil && b.HoldID == holdID {
			state = strings.TrimPrefix(e.Kind, "hold_")
		}
	}
	if state == "" {
		return "", fresco.Errorf(fresco.ENOTFOUND, "hold %d not found on case %d", holdID, ch.c.ID)
	}
	return state, nil
}

// HoldCheck is the hold-check job: a hold still running after HoldLimit
// ends, and a call-back task is scheduled for the owner.
func (s *Service) HoldCheck(ctx context.Context, caseID, holdID int64) error {
	_, err := s.update(ctx, caseID, System, func(ctx context.Context, ch *change) error {
		state, err := holdState(ctx, ch, holdID)
		if err != nil || state != "on_hold" {
			return err
		}
		owner := ch.c.OwnerID
		task := &fresco.CaseTask{CaseID: caseID, Kind: "callback", DueAt: ch.at.Add(s.opts.CallbackWithin), AssigneeID: &owner,
			Note: fmt.Sprintf("The customer was on hold over %s: call them back", s.opts.HoldLimit)}
		if err := s.addTask(ctx, ch, task); err != nil {
			return err
		}
		if _, err := ch.event(ctx, "callback_scheduled", map[string]any{"hold_id": holdID, "task_id": task.ID,
			"due_at": task.DueAt}); err != nil {
			return err
		}
		return ch.notifyEmployee(ctx, owner, "callback", fmt.Sprintf("Call back the customer of case %d by %s",
			caseID, s.opts.Format(ctx).Stamp(task.DueAt)))
	})
	return err
}

// TaskDue is the task-due job: an open task reminds its assignee.
func (s *Service) TaskDue(ctx context.Context, taskID int64) error {
	t, err := s.db.Task(ctx, taskID)
	if err != nil {
		return err
	}
	if t.Status != "open" {
		return nil
	}
	_, err = s.update(ctx, t.CaseID, System, func(ctx context.Context, ch *change) error {
		if err := s.recordOnce(ctx, ch, "task_due", fmt.Sprintf("task-%d", taskID),
			map[string]any{"key": fmt.Sprintf("task-%d", taskID), "task_id": taskID, "kind": t.Kind}); err != nil {
			return err
		}
		if t.AssigneeID == nil {
			return nil
		}
		return ch.notifyEmployee(ctx, *t.AssigneeID, "task_due", fmt.Sprintf("%s task %d for case %d is due",
			strings.ReplaceAll(t.Kind, "_", "-"), taskID, t.CaseID))
	})
	return err
}

// CompleteInput records a task's outcome.
type CompleteInput struct {
	Outcome string // follow_through: solved, not_solved, no_answer; others free text
	Note    string
	Score   *int // resurvey: the customer's score after recovery (0–10)
	// PreviousScore is the resurvey's score before, for comparison. When it
	// is nil and Score is set, the customer's latest NPS by the time the
	// case opened is used.
	PreviousScore *int
}

// validComplete checks a task outcome's own fields.
func validComplete(in CompleteInput) error {
	var v fresco.Validation
	v.Text("note", in.Note, false, maxCaseText)
	if in.Score != nil {
		v.Check(*in.Score >= 0 && *in.Score <= 10, "score", "must be 0 to 10")
	}
	if in.PreviousScore != nil {
		v.Check(*in.PreviousScore >= 0 && *in.PreviousScore <= 10, "previous_score", "must be 0 to 10")
	}
	return v.Err()
}

// CompleteTask records what came of a task. A follow-through that finds the
// problem not solved reopens the case.
func (s *Service) CompleteTask(ctx context.Context, actor Actor, taskID int64, in CompleteInput) (*fresco.CaseTask, error) {
	if err := validComplete(in); err != nil {
		return nil, err
	}
	t, err := s.db.Task(ctx, taskID)
	if err != nil {
		return nil, err
	}
	_, err = s.update(ctx, t.CaseID, actor, func(ctx context.Context, ch *change) error {
		t, err = ch.tx.Task(ctx, taskID)
		if err != nil {
			return err
		}
		return s.completeTask(ctx, ch, t, in)
	})
	return t, err
}

// CompleteFollowThrough records what came of case caseID's open
// follow-through task, found inside the change: unlike CompleteTask it
// needs no read before it, so it belongs in a Batch (the demo's history
// checks each past case's fix before closing it).
func (s *Service) CompleteFollowThrough(ctx context.Context, actor Actor, caseID int64, in CompleteInput) (*fresco.CaseTask, error) {
	if err := validComplete(in); err != nil {
		return nil, err
	}
	var t *fresco.CaseTask
	_, err := s.update(ctx, caseID, actor, func(ctx context.Context, ch *change) error {
		open, err := ch.tx.ListTasks(ctx, store.TaskFilter{CaseID: &caseID, Kind: "follow_through", Status: "open"})
		if err != nil {
			return err
		}
		if len(open) == 0 {
			return fresco.Errorf(fresco.ECONFLICT, "case %d has no open follow-through", caseID)
		}
		t = open[0]
		return s.completeTask(ctx, ch, t, in)
	})
	return t, err
}

// completeTask is CompleteTask's change to task t of the case ch holds.
func (s *Service) completeTask(ctx context.Context, ch *change, t *fresco.CaseTask, in CompleteInput) error {
	if t.Status != "open" {
		return fresco.Errorf(fresco.ECONFLICT, "task %d is already %s", t.ID, t.Status)
	}
	if t.Kind == "follow_through" && !oneOf(in.Outcome, Outcomes) {
		var v fresco.Validation
		v.Add("outcome", "must be one of %s", strings.Join(Outcomes, ", "))
		return v.Err()
	}
	previous, err := previousScore(ctx, ch, t, in)
	if err != nil {
		return err
	}
	result := taskResult(in.Score, previous)
	raw, _ := json.Marshal(result)
	at := ch.at
	t.Status, t.Outcome, t.Result, t.DoneAt, t.DoneBy = "done", in.Outcome, raw, &at, ch.actor.Ref
	if in.Note != "" {
		t.Note = strings.TrimSpace(t.Note + "\n" + in.Note)
	}
	if err := ch.tx.UpdateTask(ctx, t); err != nil {
		return err
	}
	if _, err := ch.event(ctx, "task_completed", map[string]any{"task_id": t.ID, "kind": t.Kind,
		"outcome": in.Outcome, "note": in.Note, "result": result}); err != nil {
		return err
	}
	if t.Kind == "follow_through" {
		ch.c.FollowThroughOutcome = in.Outcome
		if in.Outcome == "not_solved" && ch.c.Status != fresco.CaseOpen {
			return s.reopen(ctx, ch, "follow-through: the problem is not solved")
		}
	}
	return nil
}

// previousScore is the score a re-survey's score is compared with: the one
// the caller passed, else the customer's latest NPS by the time the case
// opened, so that the agent need not look it up. Nil when there is nothing
// to compare (no score after recovery, not a re-survey, no earlier NPS).
func previousScore(ctx context.Context, ch *change, t *fresco.CaseTask, in CompleteInput) (*int, error) {
	if in.PreviousScore != nil || in.Score == nil || t.Kind != "resurvey" {
		return in.PreviousScore, nil
	}
	return ch.tx.LatestNPSAtOrBefore(ctx, ch.c.CustomerID, ch.c.OpenedAt)
}

// taskResult is what a completed task stores as its result: the score after
// recovery, the score before and the change, as far as they are known.
func taskResult(score, previous *int) map[string]any {
	result := map[string]any{}
	if score != nil {
		result["score"] = *score
	}
	if previous != nil {
		result["previous_score"] = *previous
		if score != nil {
			result["change"] = *score - *previous
		}
	}
	return result
}
