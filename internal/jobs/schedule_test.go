package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Two queues stand for two replicas: both run the same schedule, and each
// slot must still produce one job that runs once.
func TestEveryRunsOncePerSlotAcrossReplicas(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const interval = 200 * time.Millisecond
		var (
			mu    sync.Mutex
			runs  = map[time.Time]int{}
			total int
		)
		handler := func(ctx context.Context, job *jobs.Running) error {
			var tick jobs.Tick
			if err := job.Decode(&tick); err != nil {
				return err
			}
			mu.Lock()
			defer mu.Unlock()
			runs[tick.Slot]++
			total++
			return nil
		}
		var stops []func()
		for range 2 {
			q := jobs.New(db, testOptions())
			q.Register("tick", handler)
			q.Every("tick", interval)
			stops = append(stops, start(t, q))
		}
		waitFor(t, "five slots to run", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(runs) >= 5
		})
		for _, stop := range stops {
			stop()
		}

		mu.Lock()
		defer mu.Unlock()
		for slot, n := range runs {
			if n != 1 {
				t.Errorf("slot %v ran %d times, want once", slot, n)
			}
			if !slot.Equal(slot.Truncate(interval)) {
				t.Errorf("slot %v is not aligned to %v", slot, interval)
			}
		}
		var done int
		if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM jobs WHERE kind = 'tick' AND status = 'done'`).Scan(&done); err != nil {
			t.Fatal(err)
		}
		if done != total {
			t.Errorf("%d tick jobs done but the handler ran %d times", done, total)
		}
	})
}
