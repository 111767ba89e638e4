package jobs_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// testOptions polls and retries quickly so tests spend little time waiting.
func testOptions() jobs.Options {
	return jobs.Options{
		Workers:      4,
		PollInterval: 20 * time.Millisecond,
		Lease:        time.Minute,
		Backoff:      func(int) time.Duration { return 10 * time.Millisecond },
		Logger:       slog.New(slog.DiscardHandler),
	}
}

// start runs q until the test ends or the returned stop is called; the queue
// stops before the database closes because cleanups run last-registered first.
func start(t testing.TB, q *jobs.Queue) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan error, 1)
	go func() { stopped <- q.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-stopped; err != nil {
				t.Errorf("Run: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// waitFor polls cond until it holds; the timeout only keeps a broken test
// from hanging, it asserts nothing about speed.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type jobRow struct {
	Status      string
	Attempts    int
	MaxAttempts int
	LastError   string
}

func readJob(t *testing.T, db *store.DB, id int64) jobRow {
	t.Helper()
	var r jobRow
	err := db.QueryRow(context.Background(),
		`SELECT status, attempts, max_attempts, last_error FROM jobs WHERE id = ?`, id).
		Scan(&r.Status, &r.Attempts, &r.MaxAttempts, &r.LastError)
	if err != nil {
		t.Fatalf("read job %d: %v", id, err)
	}
	return r
}

func waitForStatus(t *testing.T, db *store.DB, id int64, status string) jobRow {
	t.Helper()
	var r jobRow
	waitFor(t, "job to be "+status, func() bool {
		r = readJob(t, db, id)
		return r.Status == status
	})
	return r
}

func countJobs(t *testing.T, db *store.DB, kind string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM jobs WHERE kind = ?`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func enqueue(t *testing.T, q *jobs.Queue, job jobs.Job) int64 {
	t.Helper()
	id, err := q.Enqueue(context.Background(), job)
	if err != nil {
		t.Fatalf("enqueue %s: %v", job.Kind, err)
	}
	return id
}

// calls records handler invocations safely across workers.
type calls struct {
	mu  sync.Mutex
	log []call
}

type call struct {
	at      time.Time
	attempt int
	payload string
}

func (c *calls) add(job *jobs.Running) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.log = append(c.log, call{at: time.Now(), attempt: job.Attempt, payload: string(job.Payload)})
	return len(c.log)
}

func (c *calls) list() []call {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]call(nil), c.log...)
}

func (c *calls) count() int { return len(c.list()) }
