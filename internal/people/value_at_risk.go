package people

// The customer value at risk of each exit, worked out in the background.
// valueAtRisk reads every purchase at the leaver's location in the year
// before the exit and each served customer's purchases after it: about
// six seconds of CPU an exit at a million customers, so the turnover page
// and GET /api/v1/turnover/cost (a year of exits) took over a minute.
// A job works every exit out every ValueAtRiskEvery with the stored lapse
// window and keeps the results as one report snapshot; the cost reads it.
// An exit the snapshot does not have as it is now (recorded or corrected
// since), or a lapse window other than the stored one (the query's
// override), is still worked out on the spot.

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
)

const (
	// JobValueAtRiskRefresh works out the value at risk of every exit.
	JobValueAtRiskRefresh = "people.value_at_risk_refresh"
	// ValueAtRiskEvery is how often it runs: the lapse window of recent
	// exits is cut at today, so their figures move from day to day.
	ValueAtRiskEvery = 6 * time.Hour
	// valueAtRiskSnapshot names the results among the stored snapshots.
	valueAtRiskSnapshot = "people.value_at_risk"
)

// exitValues is the stored snapshot: each exit's value at risk with the
// lapse window it was worked out with.
type exitValues struct {
	LapseDays int `json:"lapse_days"`
	// Refit names the lifetime-value refit whose CLVs they were worked out
	// with (store.CustomerValueRefit's token; "" before the first).
	Refit string              `json:"refit,omitempty"`
	Exits map[int64]exitValue `json:"exits"` // by spell id
}

// exitValue is one exit's value at risk and what it was worked out for,
// so that a corrected exit (another last day or location) is not read.
type exitValue struct {
	EmployeeID int64        `json:"employee_id"`
	LeftOn     time.Time    `json:"left_on"`
	LocationID *int64       `json:"location_id,omitempty"`
	Value      fresco.Money `json:"value"`
}

func (e exitValue) of(sp *fresco.Spell) bool {
	sameLocation := (e.LocationID == nil) == (sp.LocationID == nil) && (e.LocationID == nil || *e.LocationID == *sp.LocationID)
	return e.EmployeeID == sp.EmployeeID && sp.LeftOn != nil && e.LeftOn.Equal(*sp.LeftOn) && sameLocation
}

// RegisterJobs registers the refresh of the exits' value at risk on q,
// every ValueAtRiskEvery.
func (s *Service) RegisterJobs(q *jobs.Queue) {
	q.Register(JobValueAtRiskRefresh, func(ctx context.Context, _ *jobs.Running) error {
		// A server started just after a first view worked them out (or
		// several replicas' schedules) need not work them out again.
		_, at, err := s.db.ReportSnapshot(ctx, valueAtRiskSnapshot)
		if err != nil || s.now().Sub(at) < ValueAtRiskEvery/2 {
			return err
		}
		_, err = s.RefreshValueAtRisk(ctx)
		return err
	})
	q.Every(JobValueAtRiskRefresh, ValueAtRiskEvery)
}

// RefreshValueAtRisk works out the value at risk of every exit with the
// stored lapse window and stores it for the turnover cost.
func (s *Service) RefreshValueAtRisk(ctx context.Context) (*exitValues, error) {
	now := s.now()
	in, err := s.Inputs(ctx)
	if err != nil {
		return nil, err
	}
	refit, err := s.db.CurrentCustomerValueRefit(ctx)
	if err != nil {
		return nil, err
	}
	spells, err := s.db.SpellsOverlapping(ctx, time.Time{}, Day(now).AddDate(1, 0, 0))
	if err != nil {
		return nil, err
	}
	out := &exitValues{LapseDays: in.LapseDays, Refit: refit.Token, Exits: map[int64]exitValue{}}
	for _, sp := range spells {
		if sp.LeftOn == nil {
			continue
		}
		v, err := s.valueAtRisk(ctx, sp, in.LapseDays)
		if err != nil {
			return nil, err
		}
		out.Exits[sp.ID] = exitValue{EmployeeID: sp.EmployeeID, LeftOn: *sp.LeftOn, LocationID: sp.LocationID, Value: v}
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, err
	}
	_, err = s.db.ReplaceReportSnapshot(ctx, valueAtRiskSnapshot, body, now)
	return out, err
}

// storedValueAtRisk reads the stored values at risk; before the first
// refresh it refreshes, and so it does when they were worked out before
// the first lifetime-value refit and one has ended since: a fresh
// database's first server works them out at start, seconds before its
// first refit stores any CLV, and every value came out 0.
func (s *Service) storedValueAtRisk(ctx context.Context) (*exitValues, error) {
	body, at, err := s.db.Reports().ReportSnapshot(ctx, valueAtRiskSnapshot)
	if err != nil {
		return nil, err
	}
	if at.IsZero() {
		return s.RefreshValueAtRisk(ctx)
	}
	var v exitValues
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("stored values at risk: %w", err)
	}
	if v.Refit == "" {
		refit, err := s.db.CurrentCustomerValueRefit(ctx)
		if err != nil {
			return nil, err
		}
		if refit.Token != "" {
			return s.RefreshValueAtRisk(ctx)
		}
	}
	return &v, nil
}

// WarmValueAtRisk works the values at risk out unless they are stored, as
// the first view of the turnover cost would.
func (s *Service) WarmValueAtRisk(ctx context.Context) error {
	_, err := s.storedValueAtRisk(ctx)
	return err
}

// lazyValues reads the stored values at risk once, when the first exit
// needs them: a period without exits reads nothing.
type lazyValues struct {
	s      *Service
	values *exitValues
}

// exitValueAtRisk is the value at risk of exit sp with a lapse window of
// lapseDays: the stored one when the snapshot has it, else worked out now.
func (s *Service) exitValueAtRisk(ctx context.Context, stored *lazyValues, sp *fresco.Spell, lapseDays int) (fresco.Money, error) {
	if stored.values == nil {
		v, err := s.storedValueAtRisk(ctx)
		if err != nil {
			return 0, err
		}
		stored.values = v
	}
	if stored.values.LapseDays == lapseDays {
		if e, ok := stored.values.Exits[sp.ID]; ok && e.of(sp) {
			return e.Value, nil
		}
	}
	return s.valueAtRisk(ctx, sp, lapseDays)
}
