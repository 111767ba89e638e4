// Package jobs is Fresco's durable job queue: a table in the same database as
// everything else, on SQLite and on PostgreSQL, worked off by goroutines in
// the same binary.
//
// # Why not river
//
// riverqueue/river is the obvious choice on PostgreSQL, but its drivers are
// typed per engine and Fresco must run the same code on embedded SQLite. What
// matters most is that a job is enqueued in the caller's own transaction —
// the welcome e-mail exists if and only if the customer does — and that needs
// nothing more than an INSERT on the caller's [store.Tx].
//
// # Guarantees
//
//   - Transactional enqueue: [Enqueue] writes through the caller's *store.Tx,
//     so a rolled-back write leaves no job behind.
//   - At least once: a worker claims a job by taking a lease on it
//     (locked_until). If the worker dies — kill -9, OOM, power loss — the
//     lease expires and the job goes back to the queue. Handlers must
//     therefore be idempotent. The worker renews the lease while the
//     handler runs, so a long job keeps it; if the lease is lost anyway
//     (another worker took the job over, or the database was out of reach
//     until shortly before the lease ended) the handler's context ends with
//     cause [ErrLeaseLost], and a result recorded after that is dropped.
//   - Retries: a failing job is retried after [Options.Backoff] until it has
//     had MaxAttempts attempts, then marked failed. [Cancel] fails it at once;
//     a panic counts as an error. [Queue.Retry] re-queues a failed job.
//   - Periodic work without a leader: [Queue.Every] and [Queue.DailyAt] enqueue
//     one job per time slot under a unique key, so any number of replicas
//     produce exactly one job per slot.
//   - Housekeeping: done jobs are deleted after [Options.KeepDone] by an
//     hourly job of kind "jobs.prune"; failed jobs are kept.
//
// # Latency
//
// Each worker claims its own jobs, oldest first, and runs them back to back
// while any are due. Idle workers sleep until [Queue.Notify] wakes one —
// [Queue.Enqueue] calls it; code that enqueues through a store.Tx calls it
// after the commit — or until the next poll ([Options.PollInterval]). A
// woken worker that finds a job wakes another, so a burst spreads over all
// workers.
//
// # Kinds a process does not know
//
// A worker claims only kinds it has a handler for. During a rolling deploy an
// old replica therefore leaves a new kind of job to the new replicas instead
// of failing it; a kind nobody handles stays queued and shows in
// [Queue.Stats] and in the fresco_jobs_queue_depth gauge.
package jobs
