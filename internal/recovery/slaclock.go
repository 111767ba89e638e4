package recovery

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/sla"
	"github.com/fresco-cx/fresco/internal/store"
)

// SLA clocks are never stored: they are evaluated from the case's events and
// the location's current policy. The case row caches a summary (status,
// next deadline, breached) for the inbox; after each change a job is
// scheduled at the next instant a clock will warn or breach.

// slaEvents turns a case's log into the events the clocks react to.
func slaEvents(log []fresco.CaseEvent) []sla.Event {
	var out []sla.Event
	for _, e := range log {
		switch e.Kind {
		case "opened", "agent_responded", "customer_replied", "resolved", "reopened":
			out = append(out, sla.Event{Kind: sla.EventKind(e.Kind), At: e.At})
		case "reply_sent": // an e-mail to the customer from the case answers them
			out = append(out, sla.Event{Kind: sla.EventAgentResponded, At: e.At})
		case "message_received": // and one from them asks again
			out = append(out, sla.Event{Kind: sla.EventCustomerReplied, At: e.At})
		case "state_changed":
			var b struct{ State, Reason string }
			_ = json.Unmarshal(e.Body, &b)
			if b.State == "" || b.State == "resolved" {
				continue
			}
			out = append(out, sla.Event{Kind: sla.EventStateChanged, At: e.At, State: b.State, Reason: b.Reason})
		}
	}
	return out
}

// policyCache keeps SLA policies parsed, by their stored JSON: every
// change to a case evaluates its clocks again, and parsing the policy —
// its calendar loads a time zone — was a fifth of that evaluation in the
// demo's 50,000 cases at a million customers. Keyed by the JSON, an edited
// policy is parsed afresh; the parsed policies are only read.
type policyCache struct {
	mu     sync.Mutex
	byJSON map[string]*sla.Policy
}

// maxCachedPolicies bounds the cache: a policy per location at most, in
// practice, and the cache starts over when full.
const maxCachedPolicies = 256

// policyFor returns the parsed policy of a stored row; nil when none.
func (c *policyCache) policyFor(row *store.SLAPolicyRow) (*sla.Policy, error) {
	if row == nil {
		return nil, nil
	}
	c.mu.Lock()
	p := c.byJSON[string(row.Policy)]
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	p = new(sla.Policy)
	if err := json.Unmarshal(row.Policy, p); err != nil {
		return nil, fmt.Errorf("recovery: stored SLA policy for location %d: %w", row.LocationID, err)
	}
	c.mu.Lock()
	if len(c.byJSON) >= maxCachedPolicies || c.byJSON == nil {
		c.byJSON = map[string]*sla.Policy{}
	}
	c.byJSON[string(row.Policy)] = p
	c.mu.Unlock()
	return p, nil
}

func locationKey(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// summarize reduces an evaluation to what the case row caches.
func summarize(ev sla.Evaluation) (status string, deadline *time.Time, breached bool) {
	clocks := ev.Clocks()
	if len(clocks) == 0 {
		return "none", nil, false
	}
	var running, paused, warning bool
	for _, c := range clocks {
		if c.Status == sla.StatusBreached {
			breached = true
		}
		if c.Warning {
			warning = true
		}
		switch c.Status {
		case sla.StatusRunning:
			running = true
		case sla.StatusPaused:
			paused = true
		}
		if c.StoppedAt == nil && (c.Status == sla.StatusRunning || c.Status == sla.StatusBreached) {
			d := c.Deadline.UTC()
			if deadline == nil || d.Before(*deadline) {
				deadline = &d
			}
		}
	}
	switch {
	case breached:
		status = "breached"
	case warning:
		status = "warning"
	case running:
		status = "running"
	case paused:
		status = "paused"
	default:
		status = "met"
	}
	return status, deadline, breached
}

// Evaluate returns the case's SLA clocks now, or nil when no policy applies.
func (s *Service) Evaluate(ctx context.Context, c *fresco.Case) (*sla.Evaluation, error) {
	row, err := s.db.SLAPolicyFor(ctx, locationKey(c.LocationID))
	if err != nil {
		return nil, err
	}
	p, err := s.policies.policyFor(row)
	if err != nil || p == nil {
		return nil, err
	}
	var events []sla.Event
	err = s.db.InTx(ctx, func(tx *store.Tx) error { // a consistent read of the log
		log, err := tx.CaseEvents(ctx, c.ID)
		events = slaEvents(log)
		return err
	})
	if err != nil {
		return nil, err
	}
	ev, err := sla.Evaluate(*p, events, s.Now())
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// recompute re-evaluates the clocks inside the change, records warnings and
// breaches (escalating a breach to the location's manager), caches the
// summary on the case row and schedules the next check.
func (s *Service) recompute(ctx context.Context, ch *change) error {
	c := ch.c
	row, err := ch.tx.SLAPolicyFor(ctx, locationKey(c.LocationID))
	if err != nil {
		return err
	}
	p, err := s.policies.policyFor(row)
	if err != nil {
		return err
	}
	if p == nil || c.Status == fresco.CaseMerged {
		c.SLAStatus, c.SLADeadline, c.SLABreached = "none", nil, false
		return nil
	}
	log, err := ch.tx.CaseEvents(ctx, c.ID)
	if err != nil {
		return err
	}
	now := ch.at
	ev, err := sla.Evaluate(*p, slaEvents(log), now)
	if err != nil {
		return fmt.Errorf("recovery: case %d: %w", c.ID, err)
	}
	for _, clock := range ev.Clocks() {
		key := fmt.Sprintf("%s@%d", clock.Name, clock.StartedAt.Unix())
		if clock.Status == sla.StatusBreached {
			if err := s.recordBreach(ctx, ch, clock, key); err != nil {
				return err
			}
		} else if clock.Warning {
			if err := s.recordWarning(ctx, ch, clock, key); err != nil {
				return err
			}
		}
	}
	c.SLAStatus, c.SLADeadline, c.SLABreached = summarize(ev)
	if next, ok := ev.NextCheck(); ok && c.Status == fresco.CaseOpen {
		next = next.UTC().Truncate(time.Microsecond)
		if err := ch.enqueue(ctx, jobs.Job{Kind: JobSLACheck, Payload: slaCheckPayload{CaseID: c.ID}, RunAt: next,
			UniqueKey: fmt.Sprintf("%s:%d:%d", JobSLACheck, c.ID, next.UnixMicro())}); err != nil {
			return err
		}
	}
	return nil
}

// recordOnce appends an event of kind unless one with the key exists.
func (s *Service) recordOnce(ctx context.Context, ch *change, kind, key string, body map[string]any) error {
	done, err := ch.tx.HasCaseEvent(ctx, ch.c.ID, kind, `"key":"`+key+`"`)
	if err != nil || done {
		return err
	}
	_, err = ch.event(ctx, kind, body)
	return err
}

// recordWarning logs the warning once and tells the owner.
func (s *Service) recordWarning(ctx context.Context, ch *change, clock sla.Clock, key string) error {
	done, err := ch.tx.HasCaseEvent(ctx, ch.c.ID, "sla_warning", `"key":"`+key+`"`)
	if err != nil || done {
		return err
	}
	if _, err := ch.event(ctx, "sla_warning", map[string]any{"key": key, "clock": clock.Name,
		"deadline": clock.Deadline.UTC(), "remaining": clock.Remaining.String()}); err != nil {
		return err
	}
	return ch.notifyEmployee(ctx, ch.c.OwnerID, "sla_warning", fmt.Sprintf("Case %d: %s due %s (%s left)",
		ch.c.ID, clock.Name, s.opts.Format(ctx).Stamp(clock.Deadline), clock.Remaining))
}

func (s *Service) recordBreach(ctx context.Context, ch *change, clock sla.Clock, key string) error {
	done, err := ch.tx.HasCaseEvent(ctx, ch.c.ID, "sla_breached", `"key":"`+key+`"`)
	if err != nil || done {
		return err
	}
	if _, err := ch.event(ctx, "sla_breached", map[string]any{"key": key, "clock": clock.Name,
		"breached_at": clock.BreachedAt}); err != nil {
		return err
	}
	managers, err := ch.tx.LocationManagers(ctx, ch.c.LocationID)
	if err != nil {
		return err
	}
	if _, err := ch.event(ctx, "escalated", map[string]any{"key": key, "clock": clock.Name, "to": managers}); err != nil {
		return err
	}
	for _, m := range managers {
		if err := ch.tx.AddCasePerson(ctx, ch.c.ID, m, "watcher"); err != nil {
			return err
		}
		if err := ch.notifyEmployee(ctx, m, "sla_breached",
			fmt.Sprintf("Case %d breached its %s target: %s", ch.c.ID, clock.Name, ch.c.Summary)); err != nil {
			return err
		}
	}
	return nil
}

// CheckSLA re-evaluates a case's clocks now: the SLA-check job's work.
func (s *Service) CheckSLA(ctx context.Context, id int64) (*fresco.Case, error) {
	return s.update(ctx, id, System, noChange)
}

// RegisterJobs registers the package's job handlers on q.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobOpenFromComplaint, func(ctx context.Context, j *jobs.Running) error {
		var p complaint
		if err := j.Decode(&p); err != nil {
			return jobs.Cancel(err)
		}
		return s.openFromComplaint(ctx, p)
	})
	q.Register(JobSLACheck, func(ctx context.Context, j *jobs.Running) error {
		var p slaCheckPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		_, err := s.CheckSLA(ctx, p.CaseID)
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			return jobs.Cancel(err)
		}
		return err
	})
	q.Register(JobPolicyChanged, s.policyChangedJob)
	q.Register(JobReportRefresh, func(ctx context.Context, _ *jobs.Running) error {
		_, err := s.RefreshLastYearReport(ctx)
		return err
	})
	if s.opts.ReportEvery > 0 {
		q.Every(JobReportRefresh, s.opts.ReportEvery)
	}
	q.Register(JobHoldCheck, func(ctx context.Context, j *jobs.Running) error {
		var p holdPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		err := s.HoldCheck(ctx, p.CaseID, p.HoldID)
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			return jobs.Cancel(err)
		}
		return err
	})
	q.Register(JobTaskDue, func(ctx context.Context, j *jobs.Running) error {
		var p taskDuePayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		err := s.TaskDue(ctx, p.TaskID)
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			return jobs.Cancel(err)
		}
		return err
	})
}
