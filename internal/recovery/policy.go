package recovery

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/sla"
	"github.com/fresco-cx/fresco/internal/store"
)

// A changed SLA policy moves the deadlines of every live case that follows
// it. Re-evaluating thousands of cases inside the request that changed the
// policy made that request slow, and a failure half-way left some cases on
// the old deadlines with nothing to finish the work. So the change commits
// together with a job, and the job re-evaluates the cases in batches: each
// batch is one transaction that also enqueues the next batch, so the work
// survives a crash and resumes where it stopped.

// JobPolicyChanged re-evaluates one batch of the live cases that follow a
// changed SLA policy.
const JobPolicyChanged = "recovery.sla_policy_changed"

// What SetPolicy did about the live cases that follow the policy.
const (
	RecomputeQueued = "queued" // a job re-evaluates them
	RecomputeNone   = "none"   // there were none
)

// defaultPolicyBatch is how many cases one transaction re-evaluates. It
// bounds how long a batch holds SQLite's single writer lock.
const defaultPolicyBatch = 100

// PolicyInput is a policy as given by a manager.
type PolicyInput struct {
	LocationID int64 // 0: the default policy
	Policy     json.RawMessage
}

// PolicyChange is a stored policy and what becomes of the live cases it governs.
type PolicyChange struct {
	Policy    sla.Policy
	Recompute string // RecomputeQueued or RecomputeNone
}

// SetPolicy stores a location's SLA policy and, in the same transaction,
// enqueues the job that re-evaluates the live cases following it, so that
// their deadlines and scheduled checks follow the new policy shortly after.
func (s *Service) SetPolicy(ctx context.Context, actor Actor, in PolicyInput) (*PolicyChange, error) {
	raw, err := s.withDefaultCalendar(ctx, in.Policy)
	if err != nil {
		return nil, err
	}
	p, err := parsePolicy(raw)
	if err != nil {
		return nil, err
	}
	canon, _ := json.Marshal(p)
	out := &PolicyChange{Policy: *p, Recompute: RecomputeNone}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		row := &store.SLAPolicyRow{LocationID: in.LocationID, Policy: canon, UpdatedBy: actor.Ref}
		if err := tx.SetSLAPolicy(ctx, row); err != nil {
			return err
		}
		if err := tx.Audit(ctx, actor.Ref, "sla_policy.set", "sla_policy", fmt.Sprint(in.LocationID), p); err != nil {
			return err
		}
		queued, err := enqueueReevaluation(ctx, tx, row)
		if queued {
			out.Recompute = RecomputeQueued
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return out, nil
}

// withDefaultCalendar gives a policy without a calendar the business's
// hours (Options.DefaultCalendar). The calendar is copied into the policy,
// so a later change of the business hours leaves stored policies as they
// were agreed; a JSON error is left for parsePolicy to report.
func (s *Service) withDefaultCalendar(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if s.opts.DefaultCalendar == nil || json.Unmarshal(raw, &fields) != nil || fields == nil {
		return raw, nil
	}
	if c, given := fields["calendar"]; given && string(c) != "null" {
		return raw, nil
	}
	cal, err := s.opts.DefaultCalendar(ctx)
	if err != nil {
		return nil, err
	}
	if fields["calendar"], err = json.Marshal(cal); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

func parsePolicy(raw json.RawMessage) (*sla.Policy, error) {
	var p sla.Policy
	err := json.Unmarshal(raw, &p)
	if err == nil {
		err = p.Validate()
	}
	if err != nil {
		return nil, &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
			Fields: []fresco.FieldError{{Field: "policy", Message: err.Error()}}}
	}
	return &p, nil
}

// enqueueReevaluation enqueues the first batch for the policy just stored,
// unless no live case follows it.
func enqueueReevaluation(ctx context.Context, tx *store.Tx, row *store.SLAPolicyRow) (bool, error) {
	first := policyBatch{LocationID: row.LocationID, Revision: row.UpdatedAt.UnixMicro()}
	ids, err := tx.LiveCaseIDsUnderPolicy(ctx, first.LocationID, first.AfterID, 1)
	if err != nil || len(ids) == 0 {
		return false, err
	}
	_, err = jobs.Enqueue(ctx, tx, first.job())
	return err == nil, err
}

// policyBatch is one batch of a re-evaluation: the live cases that follow
// the policy of LocationID and have ids above AfterID, for the policy as
// stored at Revision.
type policyBatch struct {
	LocationID int64 `json:"location_id"`
	Revision   int64 `json:"revision"` // the policy's updated_at in Unix microseconds
	Seq        int   `json:"seq"`      // 0 for the first batch
	AfterID    int64 `json:"after_id"`
}

// job is the batch as a job. The unique key names the revision, not just
// the location: the queue keeps a finished job's key until it prunes the job
// days later, so a key per location would swallow every edit made in those
// days. Edits in quick succession coalesce all the same: a job for a
// superseded revision stops at its next batch (see current) and leaves the
// work to the newest. The sequence number in the key makes a batch that runs
// again after a crash find its successor already queued instead of starting
// a second chain.
func (b policyBatch) job() jobs.Job {
	return jobs.Job{Kind: JobPolicyChanged, Payload: b,
		UniqueKey: fmt.Sprintf("%s:%d:%d:%d", JobPolicyChanged, b.LocationID, b.Revision, b.Seq)}
}

// next is the batch after this one, which ended at case lastID.
func (b policyBatch) next(lastID int64) policyBatch {
	b.Seq, b.AfterID = b.Seq+1, lastID
	return b
}

// current reports whether the policy is still at the batch's revision.
func (b policyBatch) current(ctx context.Context, tx *store.Tx) (bool, error) {
	row, err := tx.SLAPolicyFor(ctx, b.LocationID)
	if err != nil || row == nil {
		return false, err
	}
	return row.LocationID == b.LocationID && row.UpdatedAt.UnixMicro() == b.Revision, nil
}

func (s *Service) policyChangedJob(ctx context.Context, j *jobs.Running) error {
	var b policyBatch
	if err := j.Decode(&b); err != nil {
		return err
	}
	err := s.reevaluateBatch(ctx, b)
	if err == nil || ctx.Err() != nil {
		return err
	}
	// A case that cannot be re-evaluated must not strand the cases after
	// it: the batch is done again one case per transaction, skipping the
	// cases that still fail, as the synchronous re-evaluation used to.
	s.log.WarnContext(ctx, "recovery: policy re-evaluation batch failed; retrying case by case",
		"location", b.LocationID, "after_case", b.AfterID, "err", err)
	return s.reevaluateCaseByCase(ctx, b)
}

// reevaluateBatch re-evaluates one batch in one transaction and enqueues the
// next batch in the same transaction. Running it twice is harmless: the
// clocks are computed from each case's log, warnings and breaches are
// recorded once per key, and the next batch's key is already taken.
func (s *Service) reevaluateBatch(ctx context.Context, b policyBatch) error {
	var changes []*change
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		ids, err := s.batchCaseIDs(ctx, tx, b)
		if err != nil {
			return err
		}
		for _, id := range ids {
			ch, err := s.applyChange(ctx, tx, id, System, noChange)
			if err != nil {
				return fmt.Errorf("case %d: %w", id, err)
			}
			changes = append(changes, ch)
		}
		return s.enqueueNextBatch(ctx, tx, b, ids)
	})
	if err != nil {
		return err
	}
	for _, ch := range changes {
		s.afterCommit(ctx, ch)
	}
	return nil
}

// reevaluateCaseByCase is reevaluateBatch with a transaction per case; a
// case that fails is logged and left to its next event or SLA check.
func (s *Service) reevaluateCaseByCase(ctx context.Context, b policyBatch) error {
	var ids []int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		ids, err = s.batchCaseIDs(ctx, tx, b)
		return err
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.CheckSLA(ctx, id); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			s.log.WarnContext(ctx, "recovery: re-evaluate after policy change", "case", id, "err", err)
		}
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error { return s.enqueueNextBatch(ctx, tx, b, ids) })
	if err == nil {
		s.wake()
	}
	return err
}

// batchCaseIDs lists the batch's cases, or none when a newer edit of the
// policy has superseded the batch: that edit's own job re-evaluates every
// case, so this one stops.
func (s *Service) batchCaseIDs(ctx context.Context, tx *store.Tx, b policyBatch) ([]int64, error) {
	current, err := b.current(ctx, tx)
	if err != nil || !current {
		return nil, err
	}
	return tx.LiveCaseIDsUnderPolicy(ctx, b.LocationID, b.AfterID, s.opts.PolicyBatchSize)
}

// enqueueNextBatch enqueues the batch after b when b was full: a shorter
// batch was the last.
func (s *Service) enqueueNextBatch(ctx context.Context, tx *store.Tx, b policyBatch, ids []int64) error {
	if len(ids) < s.opts.PolicyBatchSize {
		return nil
	}
	_, err := jobs.Enqueue(ctx, tx, b.next(ids[len(ids)-1]).job())
	return err
}

// noChange changes nothing: applyChange then only recomputes the clocks.
func noChange(context.Context, *change) error { return nil }
