package sla

import (
	"time"
)

// ClockName identifies one of a case's SLA clocks.
type ClockName string

const (
	ClockFirstResponse ClockName = "first_response"
	ClockNextResponse  ClockName = "next_response"
	ClockResolution    ClockName = "resolution"
)

// ClockStatus is where a clock stands at the evaluation instant.
type ClockStatus string

const (
	// StatusRunning: counting business time, target not yet exceeded.
	StatusRunning ClockStatus = "running"
	// StatusPaused: stopped by a pause state, target not yet exceeded.
	StatusPaused ClockStatus = "paused"
	// StatusMet: stopped (responded or resolved) within the target.
	StatusMet ClockStatus = "met"
	// StatusBreached: more business time than the target has elapsed,
	// whether or not the clock has since stopped. Breach is final.
	StatusBreached ClockStatus = "breached"
)

// Clock is one SLA clock evaluated at an instant. All durations are
// business time on the policy's calendar.
type Clock struct {
	Name      ClockName   `json:"name"`
	Status    ClockStatus `json:"status"`
	Target    Duration    `json:"target"`
	StartedAt time.Time   `json:"started_at"`
	// StoppedAt is set while the clock is stopped by a response or
	// resolution (not by a pause).
	StoppedAt *time.Time `json:"stopped_at,omitempty"`
	Elapsed   Duration   `json:"elapsed"`
	// Remaining is Target − Elapsed; negative once breached.
	Remaining Duration `json:"remaining"`
	// PausedFor is the business time the clock spent paused; the deadline
	// has moved back by exactly this much.
	PausedFor   Duration `json:"paused_for"`
	PauseReason string   `json:"pause_reason,omitempty"`
	// Deadline is when Elapsed reaches Target. For a running clock it is
	// the live deadline; for a paused clock it assumes the pause ends now;
	// for a stopped clock it is the deadline that applied when it stopped.
	Deadline time.Time `json:"deadline"`
	// WarnAt is when Elapsed reaches the policy's warning threshold (past
	// or projected like Deadline). Nil without a warning policy or when the
	// clock stopped before reaching it.
	WarnAt *time.Time `json:"warn_at,omitempty"`
	// Warning is true while the clock is live (running or paused), past its
	// warning threshold and not yet breached.
	Warning bool `json:"warning"`
	// BreachedAt is the instant the target was exceeded; the server
	// escalates to the manager at this instant.
	BreachedAt *time.Time `json:"breached_at,omitempty"`
}

// live reports whether the clock can still change status without a new
// event: it is running or paused and not yet breached.
func (c Clock) live() bool { return c.Status == StatusRunning || c.Status == StatusPaused }

// pauseHistory is when the case sat in a pause state, and whether it still
// does at the evaluation instant.
type pauseHistory struct {
	spans  []span
	active bool
	reason string
}

// span is a half-open interval of absolute time [start, end).
type span struct{ start, end time.Time }

// clockInput is everything evaluateClock needs about one clock.
type clockInput struct {
	name   ClockName
	target time.Duration
	// activity is when the clock was started and not stopped, ordered and
	// disjoint; open marks the last span as still active at now.
	activity []span
	open     bool
}

// evaluateClock derives a clock's state from its activity and the case's
// pauses. The clock runs during activity minus pauses; everything else is
// arithmetic on those running spans.
func evaluateClock(s *schedule, p Policy, in clockInput, pause pauseHistory, now time.Time) (Clock, error) {
	running := subtract(in.activity, pause.spans)
	elapsed, err := s.total(running)
	if err != nil {
		return Clock{}, err
	}
	active, err := s.total(in.activity)
	if err != nil {
		return Clock{}, err
	}
	c := Clock{
		Name: in.name, Target: Duration(in.target), StartedAt: in.activity[0].start.In(s.loc),
		Elapsed: Duration(elapsed), Remaining: Duration(in.target - elapsed), PausedFor: Duration(active - elapsed),
	}
	last := in.activity[len(in.activity)-1]
	resumeFrom := now // where a projected deadline starts counting again
	if !in.open {
		stopped := last.end.In(s.loc)
		c.StoppedAt, resumeFrom = &stopped, last.end
	}
	switch {
	case elapsed > in.target:
		c.Status = StatusBreached
	case !in.open:
		c.Status = StatusMet
	case pause.active:
		c.Status, c.PauseReason = StatusPaused, pause.reason
	default:
		c.Status = StatusRunning
	}

	if c.Deadline, err = s.crossing(running, elapsed, in.target, resumeFrom); err != nil {
		return Clock{}, err
	}
	if c.Status == StatusBreached {
		breachedAt := c.Deadline // a copy, so the pointer does not alias Deadline
		c.BreachedAt = &breachedAt
	}
	if threshold, ok := p.warnThreshold(in.target); ok && (elapsed >= threshold || in.open) {
		warnAt, err := s.crossing(running, elapsed, threshold, resumeFrom)
		if err != nil {
			return Clock{}, err
		}
		c.WarnAt = &warnAt
		c.Warning = c.live() && elapsed >= threshold
	}
	return c, nil
}

// crossing returns the instant at which the running spans accumulate x of
// business time. When they hold less than x (elapsed < x), the rest is
// projected forward from resumeFrom, i.e. assuming the clock runs from
// there on.
func (s *schedule) crossing(running []span, elapsed, x time.Duration, resumeFrom time.Time) (time.Time, error) {
	if elapsed < x || len(running) == 0 {
		return s.add(resumeFrom, x-elapsed)
	}
	var sum time.Duration
	for _, r := range running {
		d, err := s.between(r.start, r.end)
		if err != nil {
			return time.Time{}, err
		}
		if sum+d >= x {
			return s.add(r.start, x-sum)
		}
		sum += d
	}
	return s.add(resumeFrom, x-sum) // unreachable: sum == elapsed ≥ x
}

// total is the business time inside the spans.
func (s *schedule) total(spans []span) (time.Duration, error) {
	var sum time.Duration
	for _, sp := range spans {
		d, err := s.between(sp.start, sp.end)
		if err != nil {
			return 0, err
		}
		sum += d
	}
	return sum, nil
}

// subtract returns the parts of spans not covered by holes. Both inputs are
// ordered and disjoint, and so is the result.
func subtract(spans, holes []span) []span {
	var out []span
	for _, sp := range spans {
		start := sp.start
		for _, h := range holes {
			if !h.end.After(start) || !h.start.Before(sp.end) {
				continue // hole entirely before the remainder or after the span
			}
			if h.start.After(start) {
				out = append(out, span{start, h.start})
			}
			start = later(start, h.end)
		}
		if start.Before(sp.end) {
			out = append(out, span{start, sp.end})
		}
	}
	return out
}
