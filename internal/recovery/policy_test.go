package recovery_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// withFirstResponse is londonPolicy with another first-response target.
func withFirstResponse(target string) json.RawMessage {
	return json.RawMessage(strings.Replace(string(londonPolicy()), `"first_response":"4h"`, `"first_response":"`+target+`"`, 1))
}

// runPolicyJobs works off the policy re-evaluation jobs with handler and
// returns when none is left to run. Only that kind is registered: the cases'
// SLA checks, scheduled on the test's fake clock, would all be due.
func runPolicyJobs(t *testing.T, db *store.DB, handler jobs.Handler) {
	t.Helper()
	q := jobs.New(db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	q.Register(recovery.JobPolicyChanged, handler)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- q.Run(ctx) }()
	defer func() { cancel(); must(t, <-done) }()
	limit := time.Now().Add(30 * time.Second) // only keeps a broken test from hanging
	for policyJobs(t, db, "queued", "running") > 0 {
		if time.Now().After(limit) {
			t.Fatal("policy re-evaluation jobs still waiting after 30s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := policyJobs(t, db, "failed"); n > 0 {
		t.Fatalf("%d policy re-evaluation jobs failed", n)
	}
}

// policyJobs counts the policy re-evaluation jobs in the given statuses.
func policyJobs(t *testing.T, db *store.DB, statuses ...string) int {
	t.Helper()
	var n int
	must(t, db.QueryRow(context.Background(), `SELECT COUNT(*) FROM jobs WHERE kind = ? AND status IN (?, ?)`,
		recovery.JobPolicyChanged, statuses[0], statuses[len(statuses)-1]).Scan(&n))
	return n
}

// crashAfterFirstAttempt runs the real handler, then reports a failure on
// each job's first attempt, as a process killed after a batch committed but
// before the queue recorded the job done: every batch runs twice.
func crashAfterFirstAttempt(h jobs.Handler) jobs.Handler {
	return func(ctx context.Context, j *jobs.Running) error {
		if err := h(ctx, j); err != nil || j.Attempt > 1 {
			return err
		}
		return errors.New("simulated crash after the batch committed")
	}
}

// TestPolicyChangeReevaluatesInAJob: changing the policy of a location with
// open cases answers at once with the re-evaluation queued; the job moves
// every case's deadline in batches, the same whether or not each batch runs
// twice, and a case that cannot be evaluated does not stop the others.
func TestPolicyChangeReevaluatesInAJob(t *testing.T) {
	t.Parallel()
	const cases, batch = 10, 4                                   // three batches: 4, 4 and 2
	oldDeadline := time.Date(2026, 1, 12, 12, 0, 0, 0, time.UTC) // 4h from Friday 16:00: Monday 12:00
	newDeadline := time.Date(2026, 1, 12, 16, 0, 0, 0, time.UTC) // 8h: Monday 16:00
	once := func(h jobs.Handler) jobs.Handler { return h }
	for _, run := range []struct {
		name     string
		wrap     func(jobs.Handler) jobs.Handler
		poison   bool
		wantRuns int
	}{
		{"once", once, false, 3},
		{"every batch twice", crashAfterFirstAttempt, false, 6},
		{"with a case that cannot be evaluated", once, true, 3},
	} {
		t.Run(run.name, func(t *testing.T) {
			t.Parallel()
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				w := newWorld(t, db)
				svc, err := recovery.New(recovery.Options{DB: db, Now: w.clock.Now, PolicyBatchSize: batch})
				must(t, err)
				set := func(policy json.RawMessage) string {
					change, err := svc.SetPolicy(ctx, w.manager, recovery.PolicyInput{LocationID: w.location, Policy: policy})
					must(t, err)
					return change.Recompute
				}
				if got := set(londonPolicy()); got != recovery.RecomputeNone {
					t.Fatalf("a policy no case follows yet: recompute = %q, want none", got)
				}
				var ids []int64
				for range cases {
					ids = append(ids, w.open(t, w.agent).ID)
				}
				poisoned := int64(0)
				if run.poison {
					poisoned = ids[batch/2] // in the middle of the first batch
					must(t, db.InTx(ctx, func(tx *store.Tx) error {
						_, err := tx.AppendCaseEvent(ctx, poisoned, w.clock.Now(), "test", "opened", map[string]string{})
						return err
					}))
				}

				if got := set(withFirstResponse("8h")); got != recovery.RecomputeQueued {
					t.Fatalf("recompute = %q, want queued", got)
				}
				if c, _ := db.Case(ctx, ids[0]); !c.SLADeadline.Equal(oldDeadline) {
					t.Fatalf("the request re-evaluated the case itself: deadline %v", c.SLADeadline)
				}
				runs := &counter{}
				runPolicyJobs(t, db, run.wrap(runs.count(svc.PolicyChangedHandler())))
				if runs.n != run.wantRuns {
					t.Errorf("the handler ran %d times, want %d", runs.n, run.wantRuns)
				}

				for _, id := range ids {
					c, err := db.Case(ctx, id)
					must(t, err)
					want := newDeadline
					if id == poisoned {
						want = oldDeadline // skipped, left for its next event or SLA check
					}
					if c.SLADeadline == nil || !c.SLADeadline.Equal(want) || c.SLAStatus != "running" {
						t.Errorf("case %d after the job: %s due %v, want running due %s", id, c.SLAStatus, c.SLADeadline, want)
					}
				}
				if n := policyJobs(t, db, "done", "done"); n != 3 {
					t.Errorf("%d batches ran, want 3 (a batch run twice must not start a second chain)", n)
				}
				warnAt := newDeadline.Add(-time.Hour)
				checks := 0
				for _, at := range jobRunAts(t, db, recovery.JobSLACheck) {
					if at.Equal(warnAt) {
						checks++
					}
				}
				if want := cases - btoi(run.poison); checks != want {
					t.Errorf("%d SLA checks at the new warning time %s, want one per re-evaluated case (%d)", checks, warnAt, want)
				}
			})
		})
	}
}

// TestQuickPolicyEditsCoalesce: two edits before the job runs leave the
// cases on the second, and the first edit's job stops at its first batch.
func TestQuickPolicyEditsCoalesce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		svc, err := recovery.New(recovery.Options{DB: db, Now: w.clock.Now, PolicyBatchSize: 1})
		must(t, err)
		set := func(policy json.RawMessage) {
			_, err := svc.SetPolicy(ctx, w.manager, recovery.PolicyInput{LocationID: w.location, Policy: policy})
			must(t, err)
		}
		set(londonPolicy())
		ids := []int64{w.open(t, w.agent).ID, w.open(t, w.agent).ID, w.open(t, w.agent).ID}
		set(withFirstResponse("8h"))
		set(withFirstResponse("6h"))
		runs := &counter{}
		runPolicyJobs(t, db, runs.count(svc.PolicyChangedHandler()))
		for _, id := range ids {
			c, err := db.Case(ctx, id)
			must(t, err)
			if want := time.Date(2026, 1, 12, 14, 0, 0, 0, time.UTC); !c.SLADeadline.Equal(want) { // 6h: Monday 14:00
				t.Fatalf("case %d deadline after two quick edits = %v, want %s", id, c.SLADeadline, want)
			}
		}
		// The newest edit: three full batches of one case, then an empty
		// one. The first edit: one batch that finds itself superseded.
		if runs.n != 4+1 {
			t.Errorf("%d batches ran, want 5: the first edit's job should stop at once", runs.n)
		}
	})
}

// counter counts a handler's runs.
type counter struct {
	mu sync.Mutex
	n  int
}

func (c *counter) count(h jobs.Handler) jobs.Handler {
	return func(ctx context.Context, j *jobs.Running) error {
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
		return h(ctx, j)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
