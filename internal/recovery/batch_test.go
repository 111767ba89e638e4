package recovery_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// notes records what the service hands its Notifier.
type notes struct {
	mu   sync.Mutex
	sent []fresco.CaseNotification
}

func (n *notes) Notify(_ context.Context, cn fresco.CaseNotification) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, cn)
	return nil
}

func (n *notes) count() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.sent)
}

// TestBatchCommitsAndRollsBackTogether: a batch's case changes are
// stored together when it returns nil, not at all when it fails (a
// change's own error or the caller's), and notified only after the
// commit. That the stored rows are those of the same calls one by one is
// TestBulkPathsStoreWhatTheServicesWould's (internal/demo).
func TestBatchCommitsAndRollsBackTogether(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		sent := &notes{}
		svc, err := recovery.New(recovery.Options{DB: db, Now: w.clock.Now, Notifier: sent})
		must(t, err)
		cases := func() int {
			t.Helper()
			var n int
			must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_cases`).Scan(&n))
			return n
		}
		open := func(b *recovery.Service) (*fresco.Case, error) {
			return b.Open(ctx, w.agent, recovery.OpenInput{CustomerID: w.customer, PurchaseID: &w.purchase, Summary: "Cold room"})
		}

		// A change that fails takes the batch's earlier changes with it.
		err = svc.Batch(ctx, func(b *recovery.Service) error {
			if _, err := open(b); err != nil {
				return err
			}
			_, err := b.Resolve(ctx, w.agent, 1<<40, "no such case")
			return err
		})
		if fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Fatalf("batch with a missing case: %v, want not found", err)
		}
		// So does the caller's own error.
		boom := errors.New("boom")
		if err := svc.Batch(ctx, func(b *recovery.Service) error {
			if _, err := open(b); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("batch: %v, want boom", err)
		}
		if n := cases(); n != 0 {
			t.Fatalf("%d cases after two failed batches, want 0", n)
		}
		if n := sent.count(); n != 0 {
			t.Fatalf("%d notifications sent for batches that failed", n)
		}

		// A batch that succeeds stores each change, later ones reading the
		// earlier ones (the case opened is the case resolved), and notifies
		// after the commit.
		notified := -1
		err = svc.Batch(ctx, func(b *recovery.Service) error {
			for range 3 {
				c, err := open(b)
				if err != nil {
					return err
				}
				if _, err := b.Respond(ctx, w.agent, c.ID, "Sorry, we are on it", "phone"); err != nil {
					return err
				}
				if _, err := b.Resolve(ctx, w.agent, c.ID, "Moved rooms"); err != nil {
					return err
				}
			}
			notified = sent.count()
			return nil
		})
		must(t, err)
		if notified != 0 {
			t.Errorf("%d notifications sent before the batch committed", notified)
		}
		if n := cases(); n != 3 {
			t.Fatalf("%d cases after the batch, want 3", n)
		}
		var resolved int
		must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_cases WHERE status = 'resolved' AND first_response_at IS NOT NULL`).Scan(&resolved))
		if resolved != 3 {
			t.Errorf("%d resolved cases with a response, want 3", resolved)
		}
		var stored int
		must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM case_notifications`).Scan(&stored))
		if stored == 0 || sent.count() != stored {
			t.Errorf("%d notifications sent after the commit, %d stored", sent.count(), stored)
		}
	})
}

// TestFollowThroughInABatch: a case opened, resolved, checked and closed in
// one batch (the demo's history) records the follow-through's outcome on
// the task and the case, as CompleteTask would; a case without an open
// follow-through is refused, and the refusal takes the batch with it.
func TestFollowThroughInABatch(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		var c *fresco.Case
		must(t, w.svc.Batch(ctx, func(b *recovery.Service) error {
			var err error
			if c, err = b.Open(ctx, w.agent, recovery.OpenInput{CustomerID: w.customer, PurchaseID: &w.purchase, Summary: "Cold room"}); err != nil {
				return err
			}
			if _, err = b.Resolve(ctx, w.agent, c.ID, "moved rooms"); err != nil {
				return err
			}
			if _, err = b.CompleteFollowThrough(ctx, w.agent, c.ID, recovery.CompleteInput{Outcome: "solved", Note: "warm now"}); err != nil {
				return err
			}
			c, err = b.Close(ctx, w.agent, c.ID, recovery.CloseInput{RootCauseCategory: "facilities", RootCauseSource: "support_systems"})
			return err
		}))
		tasks, err := db.ListTasks(ctx, store.TaskFilter{CaseID: &c.ID, Kind: "follow_through"})
		must(t, err)
		if len(tasks) != 1 {
			t.Fatalf("%d follow-throughs, want 1", len(tasks))
		}
		if ft := tasks[0]; ft.Status != "done" || ft.Outcome != "solved" || !strings.HasSuffix(ft.Note, "\nwarm now") || ft.DoneAt == nil {
			t.Fatalf("follow-through after the batch = %+v", *ft)
		}
		if stored, err := db.Case(ctx, c.ID); err != nil || stored.FollowThroughOutcome != "solved" || stored.Status != fresco.CaseClosed {
			t.Fatalf("case after the batch = %+v, %v", stored, err)
		}
		err = w.svc.Batch(ctx, func(b *recovery.Service) error {
			if _, err := b.Open(ctx, w.agent, recovery.OpenInput{CustomerID: w.customer, PurchaseID: &w.purchase, Summary: "Noisy"}); err != nil {
				return err
			}
			_, err := b.CompleteFollowThrough(ctx, w.agent, c.ID, recovery.CompleteInput{Outcome: "solved"})
			return err
		})
		wantCode(t, err, fresco.ECONFLICT)
		var n int
		must(t, db.QueryRow(ctx, `SELECT COUNT(*) FROM recovery_cases`).Scan(&n))
		if n != 1 {
			t.Errorf("%d cases after the refused batch, want 1", n)
		}
	})
}
