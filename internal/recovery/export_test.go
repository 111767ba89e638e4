package recovery

import "github.com/fresco-cx/fresco/internal/jobs"

// PolicyChangedHandler is the policy re-evaluation job's handler, for tests
// that run it on a queue of its own — their fake clocks make every other
// scheduled job due on the queue's real clock — or run it twice, as a crash
// between a batch's commit and the queue's bookkeeping would.
func (s *Service) PolicyChangedHandler() jobs.Handler { return s.policyChangedJob }
