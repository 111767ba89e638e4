package feedback

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// Follow-up satisfaction calls. A periodic sweep finds purchases by
// identified customers that are CallDelay old and have no call task yet, and
// creates one, due CallDelay after the purchase, for the employee who served
// (or, failing that, open to their team / the managers). A customer who did
// not consent to surveys, or who was asked within the contact interval, gets
// a task marked "skipped" with the reason, so the decision is on record.

// JobCallSweep is the kind of the periodic sweep job.
const JobCallSweep = "feedback.call_sweep"

// Call statuses.
const (
	CallOpen     = "open"
	CallDone     = "done"
	CallNoAnswer = "no_answer"
	CallDeclined = "declined"
	CallSkipped  = "skipped"
)

// SweepResult counts what a sweep did.
type SweepResult struct {
	Created int `json:"created"`
	Skipped int `json:"skipped"`
}

// SweepCallTasks creates the call tasks that are due by now.
func (s *Service) SweepCallTasks(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := s.now()
	to := now.Add(-s.opts.CallDelay).Add(time.Microsecond)
	from := to.Add(-s.opts.CallLookback)
	for {
		batch, err := s.db.PurchasesWithoutCallTask(ctx, from, to, 500)
		if err != nil {
			return res, err
		}
		for _, p := range batch {
			t := &fresco.CallTask{PurchaseID: p.PurchaseID, CustomerID: p.CustomerID, EmployeeID: p.EmployeeID, TeamID: p.TeamID,
				LocationID: p.LocationID, DueAt: p.PurchasedAt.Add(s.opts.CallDelay)}
			err := s.db.InTx(ctx, func(tx *store.Tx) error {
				t.Status, t.Outcome = CallOpen, ""
				if err := s.checkContactRule(ctx, tx, p.CustomerID, "call", now); err != nil {
					if fresco.ErrorCode(err) != fresco.ECONFLICT {
						return err
					}
					t.Status, t.Outcome = CallSkipped, fresco.ErrorMessage(err)
				}
				_, err := tx.CreateCallTask(ctx, t)
				return err
			})
			if err != nil {
				return res, fmt.Errorf("call task for purchase %d: %w", p.PurchaseID, err)
			}
			if t.Status == CallSkipped {
				res.Skipped++
			} else {
				res.Created++
			}
		}
		if len(batch) < 500 {
			return res, nil
		}
	}
}

// RegisterJobs registers the feedback job handlers on q and schedules the
// call sweep every interval (≤ 0: 15 minutes), the watch for growing
// themes and the invitation sweep. Handlers of
// JobResponseRecorded belong to the closed loop, not to this package.
func (s *Service) RegisterJobs(q *jobs.Queue, interval time.Duration) {
	if interval <= 0 {
		interval = 15 * time.Minute
	}
	q.Register(JobCallSweep, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.SweepCallTasks(ctx)
		return err
	})
	q.Register(JobTrainClassifier, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.TrainClassifier(ctx)
		if fresco.ErrorCode(err) == fresco.ECONFLICT { // too few labels yet: nothing to do
			return nil
		}
		return err
	})
	q.Every(JobCallSweep, interval)
	s.registerThemeJobs(q, themeWatchInterval)
	s.RegisterInvitationJobs(q)
}

// themeWatchInterval: growth is weekly, so a few looks a day notice it
// soon enough.
const themeWatchInterval = 6 * time.Hour

// CallOutcome is the result of a follow-up call.
type CallOutcome struct {
	Status  string // done, no_answer, declined
	Outcome string // a short note
	Answers []AnswerInput
	Comment string
	// Complaint: the customer complained on the call. The response is then
	// flagged as a complaint, so its follow-up and case open as they do for
	// the complaint listening post.
	Complaint bool
	Actor     string
}

// CompleteCallTask records a call's outcome; answers given on a completed
// call are stored as a response on the follow_up_call post, attributed to
// the purchase, in the same transaction.
func (s *Service) CompleteCallTask(ctx context.Context, id int64, out CallOutcome) (*fresco.CallTask, error) {
	var v fresco.Validation
	if !slices.Contains([]string{CallDone, CallNoAnswer, CallDeclined}, out.Status) {
		v.Add("status", "must be done, no_answer or declined (got %q)", out.Status)
	}
	v.Text("outcome", out.Outcome, false, MaxTextLen)
	if out.Status != CallDone && (len(out.Answers) > 0 || out.Comment != "") {
		v.Add("answers", "answers are recorded only for a call with status done")
	}
	if out.Complaint && out.Status != CallDone {
		v.Add("complaint", "a complaint is recorded only for a call with status done (the customer was reached)")
	}
	if out.Status == CallDone && len(out.Answers) == 0 && out.Comment == "" {
		v.Add("answers", "a completed call needs the customer's answers or a comment")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	task, err := s.db.CallTask(ctx, id)
	if err != nil {
		return nil, err
	}
	if task.Status != CallOpen {
		return nil, fresco.Errorf(fresco.ECONFLICT, "call task %d is already %s", id, task.Status)
	}
	at := s.now()
	if out.Status != CallDone {
		err := s.db.InTx(ctx, func(tx *store.Tx) error {
			return tx.CompleteCallTask(ctx, id, out.Status, out.Outcome, nil, out.Actor, at)
		})
		if err != nil {
			return nil, err
		}
		return s.db.CallTask(ctx, id)
	}
	in := &Input{ListeningPost: PostFollowUpCall, CustomerID: &task.CustomerID, PurchaseID: &task.PurchaseID,
		EmployeeID: task.EmployeeID, LocationID: task.LocationID, Answers: out.Answers, Comment: out.Comment,
		Source: "call", Actor: out.Actor, complaint: out.Complaint}
	_, err = s.record(ctx, in, callSurvey, func(tx *store.Tx, r *fresco.Response) error {
		return tx.CompleteCallTask(ctx, id, CallDone, out.Outcome, &r.ID, out.Actor, at)
	})
	if err != nil {
		return nil, err
	}
	return s.db.CallTask(ctx, id)
}
