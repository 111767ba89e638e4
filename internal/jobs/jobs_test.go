package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestEnqueueFollowsTheTransaction(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := jobs.New(db, testOptions())
		var ran calls
		q.Register("mail", func(ctx context.Context, job *jobs.Running) error {
			ran.add(job)
			return nil
		})

		errRollback := errors.New("roll back")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if _, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: "mail", Payload: map[string]string{"to": "rolled-back"}}); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("InTx: %v", err)
		}
		var committed int64
		err = db.InTx(ctx, func(tx *store.Tx) error {
			committed, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: "mail", Payload: map[string]string{"to": "committed"}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}

		start(t, q)
		q.Notify()
		row := waitForStatus(t, db, committed, "done")
		if row.Attempts != 1 {
			t.Errorf("attempts = %d, want 1", row.Attempts)
		}
		if got := ran.list(); len(got) != 1 || got[0].payload != `{"to":"committed"}` {
			t.Errorf("handler calls = %+v, want only the committed job once", got)
		}
		if n := countJobs(t, db, "mail"); n != 1 {
			t.Errorf("%d mail jobs stored, want 1: the rolled-back one must not exist", n)
		}
	})
}

func TestRetriesWithBackoffThenSucceeds(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		const backoff = 150 * time.Millisecond
		opts := testOptions()
		var (
			mu              sync.Mutex
			backoffAttempts []int
		)
		opts.Backoff = func(attempt int) time.Duration {
			mu.Lock()
			defer mu.Unlock()
			backoffAttempts = append(backoffAttempts, attempt)
			return backoff
		}
		q := jobs.New(db, opts)
		var ran calls
		q.Register("flaky", func(ctx context.Context, job *jobs.Running) error {
			if ran.add(job) < 3 {
				return fmt.Errorf("attempt %d: receiver unavailable", job.Attempt)
			}
			return nil
		})
		start(t, q)
		id := enqueue(t, q, jobs.Job{Kind: "flaky"})

		row := waitForStatus(t, db, id, "done")
		if row.Attempts != 3 {
			t.Errorf("attempts = %d, want 3", row.Attempts)
		}
		if row.LastError != "attempt 2: receiver unavailable" {
			t.Errorf("last_error = %q, want the last failure kept for diagnosis", row.LastError)
		}
		got := ran.list()
		for i := 1; i < len(got); i++ {
			if gap := got[i].at.Sub(got[i-1].at); gap < backoff-time.Millisecond {
				t.Errorf("attempt %d started %v after attempt %d, before the %v backoff", got[i].attempt, gap, got[i-1].attempt, backoff)
			}
			if got[i].attempt != i+1 {
				t.Errorf("call %d saw Attempt %d", i+1, got[i].attempt)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if fmt.Sprint(backoffAttempts) != "[1 2]" {
			t.Errorf("Backoff called with %v, want [1 2]", backoffAttempts)
		}
	})
}

func TestFailsAfterMaxAttempts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		q := jobs.New(db, testOptions())
		var ran calls
		q.Register("doomed", func(ctx context.Context, job *jobs.Running) error {
			ran.add(job)
			return errors.New("still broken")
		})
		start(t, q)
		id := enqueue(t, q, jobs.Job{Kind: "doomed", MaxAttempts: 3})

		row := waitForStatus(t, db, id, "failed")
		if row.Attempts != 3 || ran.count() != 3 || row.LastError != "still broken" {
			t.Errorf("got %+v after %d calls, want 3 attempts and the error kept", row, ran.count())
		}
	})
}

func TestPermanentErrorFailsAtOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		q := jobs.New(db, testOptions())
		var ran calls
		q.Register("gone", func(ctx context.Context, job *jobs.Running) error {
			ran.add(job)
			return jobs.Cancel(errors.New("receiver answered 410 Gone"))
		})
		q.Register("garbled", func(ctx context.Context, job *jobs.Running) error {
			var p struct{ N int }
			return job.Decode(&p)
		})
		start(t, q)
		gone := enqueue(t, q, jobs.Job{Kind: "gone"})
		garbled := enqueue(t, q, jobs.Job{Kind: "garbled", Payload: map[string]string{"N": "not a number"}})

		if row := waitForStatus(t, db, gone, "failed"); row.Attempts != 1 || ran.count() != 1 ||
			row.LastError != "receiver answered 410 Gone" {
			t.Errorf("got %+v after %d calls, want failed after one attempt", row, ran.count())
		}
		if row := waitForStatus(t, db, garbled, "failed"); row.Attempts != 1 || !strings.Contains(row.LastError, "decode garbled payload") {
			t.Errorf("undecodable payload: got %+v, want failed at once", row)
		}
	})
}

func TestPanicIsRecoveredAndRetried(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		q := jobs.New(db, testOptions())
		var ran calls
		q.Register("explosive", func(ctx context.Context, job *jobs.Running) error {
			if ran.add(job) == 1 {
				var m map[string]int
				m["boom"]++ // nil map write
			}
			return nil
		})
		start(t, q)
		id := enqueue(t, q, jobs.Job{Kind: "explosive"})

		row := waitForStatus(t, db, id, "done")
		if row.Attempts != 2 || !strings.HasPrefix(row.LastError, "panic: assignment to entry in nil map") {
			t.Errorf("got %+v, want a recovered panic then success", row)
		}
	})
}

func TestUniqueKeyDedupes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := jobs.New(db, testOptions())
		first := enqueue(t, q, jobs.Job{Kind: "digest", UniqueKey: "digest:2024-05-01"})
		second := enqueue(t, q, jobs.Job{Kind: "digest", UniqueKey: "digest:2024-05-01"})
		other := enqueue(t, q, jobs.Job{Kind: "digest", UniqueKey: "digest:2024-05-02"})
		var inTx int64
		err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			inTx, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: "digest", UniqueKey: "digest:2024-05-01"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if second != first || inTx != first || other == first {
			t.Errorf("ids %d, %d, %d, %d: want the same key to return the first job and a new key a new one", first, second, inTx, other)
		}
		if n := countJobs(t, db, "digest"); n != 2 {
			t.Errorf("%d jobs stored, want 2", n)
		}
		// Jobs without a key never collide.
		a, b := enqueue(t, q, jobs.Job{Kind: "plain"}), enqueue(t, q, jobs.Job{Kind: "plain"})
		if a == b {
			t.Errorf("two keyless jobs got the same id %d", a)
		}
	})
}

func TestEnqueueRejectsBadJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		q := jobs.New(db, testOptions())
		ctx := context.Background()
		if _, err := q.Enqueue(ctx, jobs.Job{}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("no kind: got %v, want invalid", err)
		}
		if _, err := q.Enqueue(ctx, jobs.Job{Kind: "x", Payload: func() {}}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("unmarshallable payload: got %v, want invalid", err)
		}
	})
}

func TestNotifyWakesIdleWorkers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		opts := testOptions()
		opts.PollInterval = time.Hour // only Notify can get the job started within the test
		q := jobs.New(db, opts)
		q.Register("webhook", func(ctx context.Context, job *jobs.Running) error { return nil })
		start(t, q)
		time.Sleep(50 * time.Millisecond) // let the first poll find nothing

		viaQueue := enqueue(t, q, jobs.Job{Kind: "webhook"})
		waitForStatus(t, db, viaQueue, "done")

		ctx := context.Background()
		var viaTx int64
		err := db.InTx(ctx, func(tx *store.Tx) (err error) {
			viaTx, err = jobs.Enqueue(ctx, tx, jobs.Job{Kind: "webhook"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		q.Notify()
		waitForStatus(t, db, viaTx, "done")
	})
}

func TestUnknownKindIsLeftForAnotherProcess(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		q := jobs.New(db, testOptions())
		q.Register("known", func(ctx context.Context, job *jobs.Running) error { return nil })
		start(t, q)
		unknown := enqueue(t, q, jobs.Job{Kind: "from.a.newer.release"})
		known := enqueue(t, q, jobs.Job{Kind: "known"})
		waitForStatus(t, db, known, "done")
		time.Sleep(100 * time.Millisecond) // several polls
		if row := readJob(t, db, unknown); row.Status != "queued" || row.Attempts != 0 {
			t.Errorf("unknown kind: got %+v, want it left queued and untouched", row)
		}
	})
}

// When another worker takes a job over, the first worker's next renewal
// finds the row moved on and ends the handler's context with ErrLeaseLost;
// the stale outcome is dropped. The takeover is made in SQL, so nothing here
// races a clock.
func TestHandlerContextEndsWhenLeaseIsLost(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		opts := testOptions()
		opts.Lease = 1500 * time.Millisecond // renewed every 500ms
		q := jobs.New(db, opts)
		started, causes := make(chan struct{}), make(chan error, 1)
		var ran calls
		q.Register("slow", func(ctx context.Context, job *jobs.Running) error {
			if ran.add(job) > 1 {
				return nil // the worker that took the job over
			}
			close(started)
			<-ctx.Done()
			causes <- context.Cause(ctx)
			return ctx.Err()
		})
		start(t, q)
		id := enqueue(t, q, jobs.Job{Kind: "slow"})
		<-started
		if _, err := db.Exec(context.Background(), `UPDATE jobs SET attempts = attempts + 1 WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		var cause error
		waitFor(t, "the handler's context to end", func() bool {
			select {
			case cause = <-causes:
				return true
			default:
				return false
			}
		})
		// Told apart from a lease that ran out unrenewed, which also ends
		// the context.
		if !errors.Is(cause, jobs.ErrLeaseLost) || !strings.Contains(cause.Error(), "took the job over") {
			t.Errorf("cause = %v, want ErrLeaseLost: taken over", cause)
		}
		if row := waitForStatus(t, db, id, "done"); row.Attempts != 3 {
			t.Errorf("got %+v, want done by a third attempt after the taken-over second", row)
		}
	})
}

// A handler that runs for longer than its lease keeps the job: its worker
// renews the lease, so no other worker takes the job while it is alive.
func TestLongJobKeepsItsLease(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		opts := testOptions()
		opts.Lease = 3 * time.Second
		q := jobs.New(db, opts)
		release, started := make(chan struct{}), make(chan struct{}, 1)
		var ran calls
		causes := make(chan error, 1)
		q.Register("long", func(ctx context.Context, job *jobs.Running) error {
			ran.add(job)
			started <- struct{}{}
			select {
			case <-release:
				return nil
			case <-ctx.Done():
				causes <- context.Cause(ctx)
				return ctx.Err()
			}
		})
		start(t, q)
		id := enqueue(t, q, jobs.Job{Kind: "long"})
		<-started
		firstLease := lockedUntil(t, db, id)
		// Wait until the first lease is over and has been renewed. Without
		// renewals the poller would have rescued the job by then and a
		// second worker started it.
		waitFor(t, "the first lease to pass, renewed", func() bool {
			return time.Now().After(firstLease.Add(opts.Lease/3)) && lockedUntil(t, db, id).After(firstLease)
		})
		if row := readJob(t, db, id); row.Status != "running" || row.Attempts != 1 || ran.count() != 1 {
			t.Fatalf("past its first lease: %+v after %d calls, want still running its first attempt", row, ran.count())
		}
		close(release)
		if row := waitForStatus(t, db, id, "done"); row.Attempts != 1 || ran.count() != 1 {
			t.Errorf("got %+v after %d calls, want done on the first and only attempt", row, ran.count())
		}
		select {
		case cause := <-causes:
			t.Errorf("the handler's context ended (%v) while its worker was alive", cause)
		default:
		}
	})
}

func TestStatsAndRetry(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := jobs.New(db, testOptions())
		var ran calls
		q.Register("export", func(ctx context.Context, job *jobs.Running) error {
			if ran.add(job) == 1 {
				return jobs.Cancel(errors.New("disk full"))
			}
			return nil
		})
		start(t, q)
		failed := enqueue(t, q, jobs.Job{Kind: "export"})
		waitForStatus(t, db, failed, "failed")
		enqueue(t, q, jobs.Job{Kind: "export", RunAt: time.Now().Add(time.Hour)})
		enqueue(t, q, jobs.Job{Kind: "unhandled"})

		all, err := q.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var stats []jobs.KindStats
		for _, s := range all {
			if s.Kind != "jobs.prune" { // the queue's own housekeeping, timing unknown
				stats = append(stats, s)
			}
		}
		want := []jobs.KindStats{
			{Kind: "export", Queued: 1, Failed: 1},
			{Kind: "unhandled", Queued: 1},
		}
		if fmt.Sprint(stats) != fmt.Sprint(want) {
			t.Errorf("Stats = %+v\nwant    %+v", stats, want)
		}

		if err := q.Retry(ctx, failed); err != nil {
			t.Fatal(err)
		}
		row := waitForStatus(t, db, failed, "done")
		if row.Attempts != 1 {
			t.Errorf("retried job: attempts = %d, want a fresh count", row.Attempts)
		}
		if err := q.Retry(ctx, failed); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("retry of a done job: got %v, want conflict", err)
		}
		if err := q.Retry(ctx, 987654); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("retry of a missing job: got %v, want not found", err)
		}
	})
}

func TestShutdownWaitsForRunningJobs(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		q := jobs.New(db, testOptions())
		started, release := make(chan struct{}), make(chan struct{})
		q.Register("long", func(ctx context.Context, job *jobs.Running) error {
			close(started)
			<-release
			return nil
		})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan error, 1)
		go func() { stopped <- q.Run(ctx) }()
		id := enqueue(t, q, jobs.Job{Kind: "long"})
		<-started
		cancel()
		select {
		case err := <-stopped:
			t.Fatalf("Run returned (%v) while a job was still running", err)
		case <-time.After(100 * time.Millisecond):
		}
		close(release)
		if err := <-stopped; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if row := readJob(t, db, id); row.Status != "done" {
			t.Errorf("job finished during shutdown is %s, want done", row.Status)
		}
	})
}

func TestShutdownGraceCancelsStragglers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		opts := testOptions()
		opts.ShutdownGrace = 50 * time.Millisecond
		opts.Backoff = func(int) time.Duration { return time.Hour }
		q := jobs.New(db, opts)
		started := make(chan struct{})
		q.Register("stubborn", func(ctx context.Context, job *jobs.Running) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		ctx, cancel := context.WithCancel(context.Background())
		stopped := make(chan error, 1)
		go func() { stopped <- q.Run(ctx) }()
		id := enqueue(t, q, jobs.Job{Kind: "stubborn"})
		<-started
		cancel()
		if err := <-stopped; err != nil {
			t.Fatalf("Run: %v", err)
		}
		if row := readJob(t, db, id); row.Status != "queued" || row.LastError != context.Canceled.Error() {
			t.Errorf("interrupted job: got %+v, want it queued for a retry", row)
		}
	})
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		opts := testOptions()
		opts.Registry = prometheus.NewRegistry()
		q := jobs.New(db, opts)
		q.Register("ok", func(ctx context.Context, job *jobs.Running) error { return nil })
		q.Register("bad", func(ctx context.Context, job *jobs.Running) error { return jobs.Cancel(errors.New("no")) })
		start(t, q)
		waitForStatus(t, db, enqueue(t, q, jobs.Job{Kind: "ok"}), "done")
		waitForStatus(t, db, enqueue(t, q, jobs.Job{Kind: "bad"}), "failed")
		enqueue(t, q, jobs.Job{Kind: "nobody"})

		families, err := opts.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		checks := []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"fresco_jobs_processed_total", map[string]string{"kind": "ok", "outcome": "done"}, 1},
			{"fresco_jobs_processed_total", map[string]string{"kind": "bad", "outcome": "failed"}, 1},
			{"fresco_jobs_pickup_latency_seconds", map[string]string{"kind": "ok"}, 1}, // sample count
			{"fresco_jobs_queue_depth", map[string]string{"kind": "nobody"}, 1},
			{"fresco_jobs_queue_depth", map[string]string{"kind": "ok"}, 0},
		}
		for _, c := range checks {
			got, ok := metricValue(families, c.name, c.labels)
			if !ok || got != c.want {
				t.Errorf("%s%v = %v (found %v), want %v", c.name, c.labels, got, ok, c.want)
			}
		}
	})
}

// metricValue finds one series: a counter's or gauge's value, a histogram's
// sample count.
func metricValue(families []*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	series:
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if want, ok := labels[l.GetName()]; ok && want != l.GetValue() {
					continue series
				}
			}
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue(), true
			case m.Gauge != nil:
				return m.Gauge.GetValue(), true
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount()), true
			}
		}
	}
	return 0, false
}

func TestDefaultBackoff(t *testing.T) {
	t.Parallel()
	for attempt, base := range map[int]time.Duration{0: time.Second, 1: time.Second, 2: 2 * time.Second, 5: 16 * time.Second, 12: 2048 * time.Second, 13: time.Hour, 1000: time.Hour} {
		for range 50 {
			got := jobs.DefaultBackoff(attempt)
			if lo, hi := base*3/4, base*5/4; got < lo || got > hi {
				t.Fatalf("DefaultBackoff(%d) = %v, want within [%v, %v]", attempt, got, lo, hi)
			}
		}
	}
}

func TestBurstFansOutAcrossWorkers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		opts := testOptions()
		opts.PollInterval = time.Hour // only Notify and the fan-out can start the jobs
		q := jobs.New(db, opts)
		var (
			mu                  sync.Mutex
			running, mostAtOnce int
			allBusy             = make(chan struct{})
			allBusyOnce         sync.Once
		)
		q.Register("burst", func(ctx context.Context, job *jobs.Running) error {
			mu.Lock()
			running++
			mostAtOnce = max(mostAtOnce, running)
			if running == opts.Workers {
				allBusyOnce.Do(func() { close(allBusy) })
			}
			mu.Unlock()
			select { // hold the worker until every worker holds a job
			case <-allBusy:
			case <-time.After(10 * time.Second):
			}
			mu.Lock()
			running--
			mu.Unlock()
			return nil
		})
		start(t, q)
		time.Sleep(50 * time.Millisecond) // let the first claims find nothing

		var ids []int64
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for range opts.Workers * 2 {
				id, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: "burst"})
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
		q.Notify() // once, for the whole batch
		for _, id := range ids {
			waitForStatus(t, db, id, "done")
		}
		mu.Lock()
		defer mu.Unlock()
		if mostAtOnce != opts.Workers {
			t.Errorf("at most %d jobs ran at once, want all %d workers busy", mostAtOnce, opts.Workers)
		}
	})
}

// A worker that vanishes leaves its job running with a lease in the past;
// the job goes back to the queue, or fails if that was its last attempt.
func TestExpiredLeasesAreRescued(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		q := jobs.New(db, testOptions())
		q.Register("orphan", func(ctx context.Context, job *jobs.Running) error { return nil })
		abandoned := func(maxAttempts int, lockedUntil time.Time) int64 {
			id := enqueue(t, q, jobs.Job{Kind: "orphan", MaxAttempts: maxAttempts})
			_, err := db.Exec(ctx, `UPDATE jobs SET status = 'running', attempts = 1, locked_until = ? WHERE id = ?`,
				lockedUntil.UTC(), id)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		expired := abandoned(3, time.Now().Add(-time.Second))
		expiredOnLastAttempt := abandoned(1, time.Now().Add(-time.Second))
		stillLeased := abandoned(3, time.Now().Add(time.Hour))
		start(t, q)

		if row := waitForStatus(t, db, expired, "done"); row.Attempts != 2 || !strings.HasPrefix(row.LastError, "lease expired") {
			t.Errorf("expired lease: got %+v, want a second attempt", row)
		}
		if row := waitForStatus(t, db, expiredOnLastAttempt, "failed"); row.Attempts != 1 || !strings.HasPrefix(row.LastError, "lease expired") {
			t.Errorf("expired lease on the last attempt: got %+v, want failed", row)
		}
		if row := readJob(t, db, stillLeased); row.Status != "running" || row.Attempts != 1 {
			t.Errorf("live lease: got %+v, want it left to its worker", row)
		}
	})
}
