package sla

import (
	"errors"
	"fmt"
	"time"
)

// Policy is the SLA for one location: targets in business time on the
// location's calendar, when to warn, and which case states pause the
// clocks. A zero target means that clock is not tracked.
type Policy struct {
	Calendar Calendar `json:"calendar"`
	// FirstResponse runs from opening to the first agent response.
	FirstResponse Duration `json:"first_response,omitempty"`
	// NextResponse runs from each customer reply (after the first response)
	// or reopening to the next agent response.
	NextResponse Duration `json:"next_response,omitempty"`
	// Resolution runs whenever the case is open, from opening to resolution,
	// and resumes on reopening.
	Resolution Duration `json:"resolution,omitempty"`
	// WarnBefore raises a warning when this much business time is left.
	WarnBefore Duration `json:"warn_before,omitempty"`
	// WarnBeforeFraction raises a warning when this fraction of the target
	// is left (0.25: warn at 75% elapsed). Set at most one of the two.
	WarnBeforeFraction float64 `json:"warn_before_fraction,omitempty"`
	// PauseStates are case states in which every clock stops, such as
	// "waiting_on_customer". The reason comes from the state-change event.
	PauseStates []string `json:"pause_states,omitempty"`
}

// Validate reports the first problem with the policy, naming the field.
func (p Policy) Validate() error {
	if err := p.Calendar.Validate(); err != nil {
		return err
	}
	targets := map[string]Duration{
		"first_response": p.FirstResponse, "next_response": p.NextResponse, "resolution": p.Resolution,
	}
	for name, target := range targets {
		if target < 0 {
			return fmt.Errorf("sla: policy.%s %v is negative", name, target)
		}
	}
	if p.FirstResponse == 0 && p.NextResponse == 0 && p.Resolution == 0 {
		return errors.New("sla: policy sets no target (first_response, next_response, resolution)")
	}
	switch {
	case p.WarnBefore < 0:
		return fmt.Errorf("sla: policy.warn_before %v is negative", p.WarnBefore)
	case !(p.WarnBeforeFraction >= 0 && p.WarnBeforeFraction < 1):
		return fmt.Errorf("sla: policy.warn_before_fraction %v must be in [0, 1)", p.WarnBeforeFraction)
	case p.WarnBefore > 0 && p.WarnBeforeFraction > 0:
		return errors.New("sla: policy sets both warn_before and warn_before_fraction; choose one")
	}
	for i, state := range p.PauseStates {
		if state == "" {
			return fmt.Errorf("sla: policy.pause_states[%d] is empty", i)
		}
		if state == StateOpen || state == StateResolved {
			return fmt.Errorf("sla: policy.pause_states[%d]: %q cannot pause the clocks", i, state)
		}
	}
	return nil
}

// warnThreshold returns the elapsed business time at which a clock with
// this target warns, or false when the policy has no warning.
func (p Policy) warnThreshold(target time.Duration) (time.Duration, bool) {
	switch {
	case p.WarnBefore > 0:
		return max(0, target-time.Duration(p.WarnBefore)), true
	case p.WarnBeforeFraction > 0:
		return target - time.Duration(p.WarnBeforeFraction*float64(target)), true
	default:
		return 0, false
	}
}

func (p Policy) pauses(state string) bool {
	for _, s := range p.PauseStates {
		if s == state {
			return true
		}
	}
	return false
}
