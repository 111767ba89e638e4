package recovery_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A complaint at a listening post becomes a case once, even when the closed
// loop's hook fires twice and the job runs twice, and the customer is
// flagged for special attention from then on.
func TestComplaintOpensOneCase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		employee := *w.agent.EmployeeID
		complaint := &store.LoopResponse{ID: 77, CustomerID: &w.customer, LocationID: &w.location, EmployeeID: &employee,
			Comment:     "Waited forty minutes for a table we had booked.\nNobody apologised.",
			RespondedAt: w.clock.Now().Add(-90 * time.Minute)}
		anonymous := &store.LoopResponse{ID: 78, Comment: "Rude staff", RespondedAt: complaint.RespondedAt}
		for range 2 { // the hook is idempotent: one job per response
			must(t, db.InTx(ctx, func(tx *store.Tx) error {
				if err := recovery.EnqueueCaseFromComplaint(ctx, tx, complaint); err != nil {
					return err
				}
				return recovery.EnqueueCaseFromComplaint(ctx, tx, anonymous)
			}))
		}
		if w.attention(t) {
			t.Fatal("flagged before the job ran")
		}
		q := jobs.New(db, jobs.Options{PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
		w.svc.RegisterJobs(q)
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- q.Run(runCtx) }()
		deadline := time.Now().Add(20 * time.Second)
		var cases []*fresco.Case
		for len(cases) == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
			var err error
			cases, _, err = db.ListCases(ctx, store.CaseFilter{CustomerID: &w.customer})
			must(t, err)
		}
		stop()
		<-done
		if len(cases) != 1 {
			stats, _ := q.Stats(ctx)
			var lastError string
			db.QueryRow(ctx, `SELECT last_error FROM jobs WHERE kind = ? ORDER BY id LIMIT 1`, recovery.JobOpenFromComplaint).Scan(&lastError)
			t.Fatalf("%d cases, want 1 (jobs %+v; error %q)", len(cases), stats, lastError)
		}
		c := cases[0]
		if c.Source != "complaint" || c.Summary != "Waited forty minutes for a table we had booked." || c.LocationID == nil || *c.LocationID != w.location {
			t.Errorf("case %+v", c)
		}
		if !w.attention(t) {
			t.Error("the customer is not flagged for special attention")
		}
		// The handler running again for the same complaint (a retry after a
		// crash between opening the case and finishing the job) opens no
		// second case: simulated with the same complaint under a new job key.
		again := *complaint
		again.ID = 79
		must(t, db.InTx(ctx, func(tx *store.Tx) error { return recovery.EnqueueCaseFromComplaint(ctx, tx, &again) }))
		runCtx, stop = context.WithCancel(ctx)
		go func() { done <- q.Run(runCtx) }()
		for time.Now().Before(deadline) {
			if stats, _ := q.Stats(ctx); doneCount(stats, recovery.JobOpenFromComplaint) == 2 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		stop()
		<-done
		all, _, err := db.ListCases(ctx, store.CaseFilter{})
		must(t, err)
		if len(all) != 1 {
			t.Errorf("%d cases in all, want 1 (no duplicate, none for the anonymous complaint)", len(all))
		}
	})
}

// Two workers running the same complaint's job at once — one that overran
// its lease and the one that took the job over — open one case between
// them: the case records its response under a unique index in the
// transaction that opens it.
func TestConcurrentComplaintJobsOpenOneCase(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		complaint := &store.LoopResponse{ID: 91, CustomerID: &w.customer, LocationID: &w.location,
			Comment: "The soup was cold.", RespondedAt: w.clock.Now().Add(-time.Hour)}
		const runs = 6
		errs := make(chan error, runs)
		var ready, wg sync.WaitGroup
		ready.Add(runs)
		gate := make(chan struct{})
		for range runs {
			wg.Go(func() {
				ready.Done()
				<-gate
				errs <- w.svc.OpenFromComplaint(ctx, complaint)
			})
		}
		ready.Wait()
		close(gate)
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("a run of the job failed: %v", err)
			}
		}
		cases, _, err := db.ListCases(ctx, store.CaseFilter{CustomerID: &w.customer})
		must(t, err)
		if len(cases) != 1 {
			t.Errorf("%d cases from %d concurrent runs of one complaint's job, want 1", len(cases), runs)
		}
	})
}

// The unique response is what holds when both runs get past the look for
// an existing case: a second Open from the same response changes nothing.
func TestOpenRefusesASecondCaseForAResponse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		response := int64(92)
		in := recovery.OpenInput{CustomerID: w.customer, LocationID: &w.location, Source: "complaint", Summary: "Cold soup",
			SourceResponseID: &response}
		_, err := w.svc.Open(ctx, recovery.System, in)
		must(t, err)
		in.Summary = "Cold soup, again"
		if _, err := w.svc.Open(ctx, recovery.System, in); !errors.Is(err, store.ErrResponseHasCase) {
			t.Errorf("second case for response %d: %v, want ErrResponseHasCase", response, err)
		}
		cases, _, err := db.ListCases(ctx, store.CaseFilter{CustomerID: &w.customer})
		must(t, err)
		if len(cases) != 1 {
			t.Errorf("%d cases, want 1: the refused Open must leave nothing behind", len(cases))
		}
	})
}

func doneCount(stats []jobs.KindStats, kind string) int64 {
	for _, s := range stats {
		if s.Kind == kind {
			return s.Done24h
		}
	}
	return 0
}
