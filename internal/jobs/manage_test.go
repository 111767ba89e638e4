package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestWithdrawQueuedIDAndRetire(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		past := time.Now().Add(-48 * time.Hour)
		var ids []int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for _, j := range []jobs.Job{
				{Kind: "demo.old", RunAt: past}, {Kind: "demo.new"}, {Kind: "other.kind", RunAt: past}, {Kind: "refit"},
			} {
				id, err := jobs.Enqueue(ctx, tx, j)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if id, found, err := jobs.QueuedID(ctx, tx, "refit"); err != nil || !found || id != ids[3] {
				t.Errorf("QueuedID(refit) = %d %v %v, want %d", id, found, err, ids[3])
			}
			if _, found, err := jobs.QueuedID(ctx, tx, "nothing"); err != nil || found {
				t.Errorf("QueuedID(nothing) found=%v err=%v", found, err)
			}
			if id, err := jobs.EnqueueOnce(ctx, tx, "refit", 3); err != nil || id != ids[3] {
				t.Errorf("EnqueueOnce(refit) = %d %v, want the waiting %d", id, err, ids[3])
			}
			first, err := jobs.EnqueueOnce(ctx, tx, "fresh", 3)
			if again, err2 := jobs.EnqueueOnce(ctx, tx, "fresh", 3); err != nil || err2 != nil || first == 0 || again != first {
				t.Errorf("EnqueueOnce(fresh) twice = %d, %d (%v, %v), want one new job", first, again, err, err2)
			}
			if ok, err := jobs.Withdraw(ctx, tx, ids[3]); err != nil || !ok {
				t.Errorf("withdraw a queued job: %v %v", ok, err)
			}
			if ok, err := jobs.Withdraw(ctx, tx, ids[3]); err != nil || ok {
				t.Errorf("withdraw it again: %v %v", ok, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		// Only the "demo." jobs due more than a day ago are retired.
		n, err := jobs.Retire(ctx, db, "demo.", time.Now().Add(-24*time.Hour))
		if err != nil || n != 1 {
			t.Fatalf("retired %d (%v), want 1", n, err)
		}
		if n, err := jobs.Retire(ctx, db, "demo.", time.Time{}); err != nil || n != 1 {
			t.Fatalf("then retired %d (%v), want the other demo job", n, err)
		}
		stats, err := jobs.New(db, jobs.Options{}).Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		queued := map[string]int64{}
		for _, s := range stats {
			queued[s.Kind] = s.Queued
		}
		if queued["demo.old"] != 0 || queued["demo.new"] != 0 || queued["other.kind"] != 1 || queued["refit"] != 0 {
			t.Errorf("queued after retiring: %v", queued)
		}
	})
}
