package value

// The refit's progress, for the page that queued it: the running refit
// records its phase and the customers done in one settings row, outside its
// write transaction (on SQLite that transaction holds the only writer), so
// any replica's page can show it.

import (
	"context"
	"encoding/json"
	"time"
)

// Phases of a refit, in order.
const (
	PhaseReading    = "reading purchases"
	PhaseFitting    = "fitting the models"
	PhasePredicting = "predicting"
	PhaseWriting    = "writing"
	PhaseDone       = "done"
	PhaseFailed     = "failed"
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
// recorded one.
func (s *Service) RefitProgress(ctx context.Context) (*RefitProgress, error) {
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
	record := func(p RefitProgress) {
		p.UpdatedAt = time.Now().UTC()
		b, _ := json.Marshal(p)
		if err := s.db.SetSetting(ctx, refitProgressKey, string(b)); err != nil {
			s.opts.Logger.WarnContext(ctx, "clv refit progress", "err", err)
		}
	}
	var last RefitProgress
	res, err := s.refit(ctx, func(p RefitProgress) { last = p; record(p) })
	if err != nil {
		last.Phase, last.Error = PhaseFailed, err.Error()
		record(last)
		return nil, err
	}
	last.Phase, last.Done, last.Total = PhaseDone, res.Customers, res.Customers
	if res.Skipped.Count > 0 {
		last.Skipped = &res.Skipped
	}
	record(last)
	return res, nil
}
