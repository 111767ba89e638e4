package recovery

import (
	"context"

	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/store"
)

// OpenFromComplaint runs the complaint job's handler for r as a worker
// would, so that tests can run it several times at once.
func (s *Service) OpenFromComplaint(ctx context.Context, r *store.LoopResponse) error {
	return s.openFromComplaint(ctx, complaintOf(r))
}

// PolicyChangedHandler is the policy re-evaluation job's handler, for tests
// that run it on a queue of its own — their fake clocks make every other
// scheduled job due on the queue's real clock — or run it twice, as a crash
// between a batch's commit and the queue's bookkeeping would.
func (s *Service) PolicyChangedHandler() jobs.Handler { return s.policyChangedJob }
