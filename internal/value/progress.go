package value

// The refit's progress, for the page that queued it: the running refit
// keeps its phase and the customers done in memory, for this process's
// pages, and records them in one settings row, so any replica's page can
// show it.

import (
	"context"
	"encoding/json"
	"sync"
	"time"
)

// Phases of a refit, in order.
const (
	PhaseReading = "reading purchases"
	PhaseFitting = "fitting the models"
	PhaseWriting = "writing"
	PhaseDone    = "done"
	PhaseFailed  = "failed"
)

// RefitProgress is where the last refit got to.
type RefitProgress struct {
	Phase     string    `json:"phase"`
	Done      int       `json:"done"`  // customers read or written so far in this phase
	Total     int       `json:"total"` // customers to value; 0 until the purchases are read
	Error     string    `json:"error,omitempty"`
	Skipped   *Skipped  `json:"skipped,omitempty"` // when done: customers left out, see RefitResult
	StartedAt time.Time `json:"started_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Running says whether the refit is still under way: not finished, and
// heard from recently (a refit whose process died stops reporting).
func (p *RefitProgress) Running(now time.Time) bool {
	return p.Phase != PhaseDone && p.Phase != PhaseFailed && now.Sub(p.UpdatedAt) < 15*time.Minute
}

const refitProgressKey = "clv.refit.progress"

// RefitProgress returns the last refit's progress, nil before any refit
// recorded one: the refit running in this process if there is one, else the
// settings row.
func (s *Service) RefitProgress(ctx context.Context) (*RefitProgress, error) {
	if p := s.liveProgress.Load(); p != nil {
		c := *p
		return &c, nil
	}
	raw, ok, err := s.db.Setting(ctx, refitProgressKey)
	if err != nil || !ok {
		return nil, err
	}
	var p RefitProgress
	if json.Unmarshal([]byte(raw), &p) != nil {
		return nil, nil // unreadable progress is no progress, not a broken page
	}
	return &p, nil
}

// RefitWithProgress is Refit recording its progress as it goes, as the
// refit job does. A progress row that cannot be written is logged, never a
// reason to fail the refit.
func (s *Service) RefitWithProgress(ctx context.Context) (*RefitResult, error) {
	rec := s.startProgress(ctx)
	res, err := s.refit(ctx, rec.report)
	last := rec.stop()
	defer s.liveProgress.Store(nil) // once the row says how it ended
	if err != nil {
		last.Phase, last.Error = PhaseFailed, err.Error()
		s.recordProgress(ctx, last)
		return nil, err
	}
	last.Phase, last.Done, last.Total = PhaseDone, res.Customers, res.Customers
	if res.Skipped.Count > 0 {
		last.Skipped = &res.Skipped
	}
	s.recordProgress(ctx, last)
	return res, nil
}

func (s *Service) recordProgress(ctx context.Context, p RefitProgress) {
	p.UpdatedAt = time.Now().UTC()
	b, _ := json.Marshal(p)
	if err := s.db.SetSetting(ctx, refitProgressKey, string(b)); err != nil {
		s.opts.Logger.WarnContext(ctx, "clv refit progress", "err", err)
	}
}

// progressRecorder publishes a refit's progress in memory at once and
// writes its latest state to the settings row from a goroutine of its own.
// The refit never waits for that row: on SQLite the refit's write
// transaction holds the only write connection, and a progress write made
// from inside it (the writing phase's) waited for it for ever.
type progressRecorder struct {
	s    *Service
	mu   sync.Mutex
	last RefitProgress
	wake chan struct{} // one pending write at most: the writer takes the latest state
	done chan struct{}
}

func (s *Service) startProgress(ctx context.Context) *progressRecorder {
	r := &progressRecorder{s: s, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for range r.wake {
			r.mu.Lock()
			p := r.last
			r.mu.Unlock()
			s.recordProgress(ctx, p)
		}
	}()
	return r
}

func (r *progressRecorder) report(p RefitProgress) {
	p.UpdatedAt = time.Now().UTC()
	r.mu.Lock()
	r.last = p
	r.mu.Unlock()
	r.s.liveProgress.Store(&p)
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// stop waits for the pending row write and returns the last progress.
func (r *progressRecorder) stop() RefitProgress {
	close(r.wake)
	<-r.done
	return r.last
}
