package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/store"
)

// Options tune a Queue. Zero values mean the defaults.
type Options struct {
	// Workers is how many jobs run at once in this process (default 4). A
	// queue of I/O-bound jobs needs about arrival rate × handler time, e.g.
	// 200 webhooks/s × 0.2 s = 40.
	Workers int
	// PollInterval is how often the queue looks for jobs that became due
	// without a Notify — retries, scheduled jobs, jobs enqueued by another
	// process — and for expired leases (default 500ms).
	PollInterval time.Duration
	// Lease is how long a claimed job belongs to its worker unless renewed
	// (default 5 min); after it another worker may claim the job, which is
	// how jobs survive a crashed process. The worker renews the lease every
	// third of it while the handler runs, so a job may take longer than its
	// lease: the lease bounds how long a dead worker's job waits. If the
	// lease is lost — taken over, or not renewable until a tenth of it (at
	// most 30s) before its end — the handler's context ends with cause
	// ErrLeaseLost.
	Lease time.Duration
	// ShutdownGrace is how long Run waits for running jobs after its context
	// ends before cancelling their contexts (default 30s).
	ShutdownGrace time.Duration
	// KeepDone is how long finished jobs are kept before they are pruned
	// (default 7 days). Failed jobs are kept until someone retries or
	// deletes them.
	KeepDone time.Duration
	// Backoff says how long to wait before the next attempt after attempt
	// number attempt (1-based) failed (default DefaultBackoff).
	Backoff func(attempt int) time.Duration
	Logger  *slog.Logger
	// Registry receives the queue's metrics; nil means no metrics are
	// registered. Two queues in one process need two registries.
	Registry *prometheus.Registry
}

func (o Options) withDefaults() Options {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 500 * time.Millisecond
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.ShutdownGrace <= 0 {
		o.ShutdownGrace = 30 * time.Second
	}
	if o.KeepDone <= 0 {
		o.KeepDone = 7 * 24 * time.Hour
	}
	if o.Backoff == nil {
		o.Backoff = DefaultBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return o
}

// DefaultBackoff waits 1s·2^(attempt-1), capped at an hour, ±25% so that jobs
// that failed together (an outage) do not all retry in the same instant.
func DefaultBackoff(attempt int) time.Duration {
	doublings := min(max(attempt-1, 0), 12) // 2^12 s is past the cap
	wait := min(time.Second<<doublings, time.Hour)
	return time.Duration(float64(wait) * (0.75 + rand.Float64()/2))
}

// Queue runs jobs from the database. One Queue per process is usual; each
// replica of Fresco runs its own and they share the work through the table.
type Queue struct {
	db      *store.DB
	opts    Options
	log     *slog.Logger
	metrics *metrics

	mu        sync.RWMutex
	handlers  map[string]Handler
	schedules []schedule
	running   bool

	// wake holds at most one pending poke: several Notify calls before a
	// worker looks are one reason to look.
	wake chan struct{}
}

// New returns a queue over db. Register handlers, then call Run.
func New(db *store.DB, opts Options) *Queue {
	opts = opts.withDefaults()
	q := &Queue{
		db:       db,
		opts:     opts,
		log:      opts.Logger.With("component", "jobs"),
		handlers: map[string]Handler{},
		wake:     make(chan struct{}, 1),
	}
	q.metrics = newMetrics(q, opts.Registry)
	q.Register(pruneKind, q.pruneDone)
	q.Every(pruneKind, time.Hour)
	return q
}

// Register makes h the handler for kind. Registering a kind twice panics:
// it is a programming error that would otherwise silently drop a handler.
func (q *Queue) Register(kind string, h Handler) {
	if kind == "" || h == nil {
		panic("jobs: Register needs a kind and a handler")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, dup := q.handlers[kind]; dup {
		panic(fmt.Sprintf("jobs: kind %q registered twice", kind))
	}
	q.handlers[kind] = h
}

func (q *Queue) handler(kind string) Handler {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.handlers[kind]
}

// kinds lists the registered kinds: the only ones this process claims.
func (q *Queue) kinds() []string {
	q.mu.RLock()
	defer q.mu.RUnlock()
	kinds := make([]string, 0, len(q.handlers))
	for k := range q.handlers {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// Notify wakes an idle worker to look for due jobs now rather than at the
// next poll. Call it after committing a transaction that enqueued jobs; a
// call before the commit finds nothing. It never blocks.
func (q *Queue) Notify() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Enqueue adds job in a transaction of its own and wakes a worker.
func (q *Queue) Enqueue(ctx context.Context, job Job) (int64, error) {
	var id int64
	err := q.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		id, err = Enqueue(ctx, tx, job)
		return err
	})
	if err != nil {
		return 0, err
	}
	q.Notify()
	return id, nil
}

// Run works on jobs until ctx ends, then waits up to Options.ShutdownGrace
// for running jobs to finish and cancels the rest. It returns nil after a
// clean shutdown.
func (q *Queue) Run(ctx context.Context) error {
	schedules, err := q.start()
	if err != nil {
		return err
	}
	defer q.stop()

	// Handlers run on a context that survives ctx so that a shutdown lets
	// in-flight jobs finish; it is cancelled when the grace period ends.
	handlerCtx, cancelHandlers := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHandlers()

	var background, workers sync.WaitGroup
	for _, s := range schedules {
		background.Go(func() { q.runSchedule(ctx, s) })
	}
	background.Go(func() { q.poll(ctx) })
	var busy atomic.Int64
	for range q.opts.Workers {
		workers.Go(func() { q.work(ctx, handlerCtx, &busy) })
	}
	<-ctx.Done()
	background.Wait()
	return q.drain(&workers, &busy, cancelHandlers)
}

func (q *Queue) start() ([]schedule, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.running {
		return nil, errors.New("jobs: Run is already running on this Queue")
	}
	q.running = true
	for _, s := range q.schedules {
		if q.handlers[s.kind] == nil {
			q.log.Warn("periodic job has no handler in this process", "kind", s.kind)
		}
	}
	return slices.Clone(q.schedules), nil
}

func (q *Queue) stop() {
	q.mu.Lock()
	q.running = false
	q.mu.Unlock()
}

// work is one worker. It claims and runs jobs back to back while there are
// any, then sleeps until Notify or the poll wakes it. Workers claim
// independently: on PostgreSQL their claims run in parallel, SKIP LOCKED
// keeping them apart, so claiming never becomes a single-file bottleneck.
func (q *Queue) work(ctx, handlerCtx context.Context, busy *atomic.Int64) {
	// A claim is not interrupted by shutdown: if it commits, its job runs
	// (handlerCtx is still alive) instead of waiting out its lease.
	claimCtx := context.WithoutCancel(ctx)
	wasIdle := false
	for ctx.Err() == nil {
		job, err := q.claim(claimCtx)
		switch {
		case job != nil:
			if wasIdle {
				// Several jobs may have become due at once (a batch in
				// one transaction, a poll): wake a colleague to look too.
				// The fan-out ends with one claim that finds nothing.
				q.Notify()
			}
			wasIdle = false
			busy.Add(1)
			q.execute(handlerCtx, job)
			busy.Add(-1)
			continue
		case err != nil && ctx.Err() == nil:
			q.log.Error("claiming a job", "err", err)
		}
		wasIdle = true
		if !q.waitForWake(ctx) {
			return
		}
	}
}

// waitForWake sleeps until Notify (or the poll) or the end of ctx.
func (q *Queue) waitForWake(ctx context.Context) bool {
	select {
	case <-ctx.Done():
		return false
	case <-q.wake:
		return true
	}
}

// poll runs every PollInterval. It puts jobs with expired leases back into
// the queue, then wakes a worker to look for jobs that became due without a
// Notify: retries, scheduled jobs, jobs enqueued by other processes. One
// wake per interval is enough, because a worker that finds a job wakes
// another.
func (q *Queue) poll(ctx context.Context) {
	tick := time.NewTicker(q.opts.PollInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := q.rescueExpired(ctx); err != nil && ctx.Err() == nil {
			q.log.Error("rescuing jobs with expired leases", "err", err)
		}
		q.Notify()
	}
}

// drain waits for running jobs after shutdown: first for the grace period,
// then, with their contexts cancelled, a little longer for them to return.
func (q *Queue) drain(workers *sync.WaitGroup, busy *atomic.Int64, cancelHandlers context.CancelFunc) error {
	if waitTimeout(workers, q.opts.ShutdownGrace) {
		return nil
	}
	q.log.Warn("shutdown grace period over; cancelling running jobs", "running", busy.Load())
	cancelHandlers()
	if waitTimeout(workers, 5*time.Second) {
		return nil
	}
	return fmt.Errorf("jobs: %d jobs ignored cancellation at shutdown; their leases will expire and they will run again", busy.Load())
}

// waitTimeout waits up to timeout for wg and reports whether it finished.
func waitTimeout(wg *sync.WaitGroup, timeout time.Duration) bool {
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case <-done:
		return true
	case <-timer.C:
		return false
	}
}
