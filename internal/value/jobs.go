package value

import (
	"context"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// RefitKind is the job kind of the refit.
const RefitKind = "clv.refit"

// Register makes q run the refit job, nightly at 03:15 UTC and whenever
// EnqueueRefit asks; the job records its progress (RefitProgress) and then
// works out the new refit's default views (WarmViews). Call it
// before q.Run.
func (s *Service) Register(q *jobs.Queue) {
	q.Register(RefitKind, func(ctx context.Context, _ *jobs.Running) error {
		if _, err := s.RefitWithProgress(ctx); err != nil {
			return err
		}
		// The new refit's views now, not on its first view (warm.go).
		if err := s.WarmViews(ctx); err != nil {
			s.opts.Logger.WarnContext(ctx, "working out the lifetime-value views", "err", err)
		}
		return nil
	})
	q.DailyAt(RefitKind, 3, 15, time.UTC)
}

// EnqueueRefit queues an on-demand refit for actor (the audit log's name for
// them) and returns the job's id. A refit already queued (not yet running) is
// reused. A worker polling the queue picks it up; callers holding the queue
// may Notify it.
func (s *Service) EnqueueRefit(ctx context.Context, actor string) (int64, error) {
	var id int64
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if id, err = jobs.EnqueueOnce(ctx, tx, RefitKind, 3); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, RefitKind, "job", strconv.FormatInt(id, 10), nil)
	})
	return id, err
}
