package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// jobHousekeeping forgets, every hour, what the server keeps only for a
// while: expired sessions, Idempotency-Keys past their TTL and failed-login
// counters that have decayed to zero. Without it those tables only grow.
const jobHousekeeping = "housekeeping.prune"

func registerHousekeeping(q *jobs.Queue, db *store.DB, log *slog.Logger) {
	q.Register(jobHousekeeping, func(ctx context.Context, _ *jobs.Running) error {
		return housekeeping(ctx, db, time.Now().UTC(), log)
	})
	q.Every(jobHousekeeping, time.Hour)
}

// loginPruneBatch bounds each delete of login counters, so that SQLite's
// write lock is never held long while people log in.
const loginPruneBatch = 1000

func housekeeping(ctx context.Context, db *store.DB, now time.Time, log *slog.Logger) error {
	sessions, err := db.DeleteExpiredSessions(ctx, now)
	if err != nil {
		return err
	}
	keys, err := db.DeleteIdempotencyKeysBefore(ctx, now.Add(-store.IdempotencyKeyTTL))
	if err != nil {
		return err
	}
	var counters int64
	for {
		n, err := db.PruneLoginFailures(ctx, now, loginPruneBatch)
		if err != nil {
			return err
		}
		counters += n
		if n < loginPruneBatch {
			break
		}
	}
	log.InfoContext(ctx, "housekeeping", "expired_sessions", sessions, "idempotency_keys", keys, "login_counters", counters)
	return nil
}
