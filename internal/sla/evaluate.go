package sla

import (
	"fmt"
	"time"
)

// Evaluation is the state of a case's SLA clocks at one instant.
type Evaluation struct {
	At          time.Time `json:"at"`
	State       string    `json:"state"`
	Paused      bool      `json:"paused"`
	PauseReason string    `json:"pause_reason,omitempty"`
	// FirstResponse and Resolution are nil when the policy has no target
	// for them.
	FirstResponse *Clock `json:"first_response,omitempty"`
	// NextResponses has one clock per cycle (customer reply or reopening
	// to agent response), oldest first; empty when none has started or the
	// policy has no next-response target.
	NextResponses []Clock `json:"next_responses,omitempty"`
	Resolution    *Clock  `json:"resolution,omitempty"`
}

// CurrentNextResponse returns the latest next-response clock, or nil.
func (e Evaluation) CurrentNextResponse() *Clock {
	if len(e.NextResponses) == 0 {
		return nil
	}
	return &e.NextResponses[len(e.NextResponses)-1]
}

// Clocks returns every clock in the evaluation.
func (e Evaluation) Clocks() []Clock {
	var all []Clock
	if e.FirstResponse != nil {
		all = append(all, *e.FirstResponse)
	}
	all = append(all, e.NextResponses...)
	if e.Resolution != nil {
		all = append(all, *e.Resolution)
	}
	return all
}

// NextCheck returns the next instant after At at which a running clock will
// warn or breach, so the server can schedule its warning and escalation
// without polling. Paused and stopped clocks cannot change without a new
// event, and a new event means a new evaluation anyway.
func (e Evaluation) NextCheck() (time.Time, bool) {
	var next time.Time
	consider := func(t time.Time) {
		if t.After(e.At) && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	for _, c := range e.Clocks() {
		if c.Status != StatusRunning {
			continue
		}
		if c.WarnAt != nil {
			consider(*c.WarnAt)
		}
		consider(c.Deadline)
	}
	return next, !next.IsZero()
}

// Evaluate computes every SLA clock of a case at now from its event log.
// Nothing is stored between evaluations: a changed policy, calendar or
// corrected log gives a fully recomputed result. Events after now are
// ignored, so evaluating at a past instant replays the case as it stood.
//
// The rules:
//   - first response runs from opened to the first agent_responded (or
//     resolved, since a resolution answers the customer);
//   - next response cycles start at a customer_replied after the first
//     response, or at reopened, and end at agent_responded or resolved;
//     further replies during a cycle do not restart it;
//   - resolution runs from opened to resolved and resumes on reopened;
//   - while the case is in one of the policy's pause states every clock
//     stops, and its deadline moves back by the business time paused.
//
// State only changes through events: a customer reply does not by itself
// end a waiting state; the server logs the state change it makes.
func Evaluate(p Policy, events []Event, now time.Time) (Evaluation, error) {
	if err := p.Validate(); err != nil {
		return Evaluation{}, err
	}
	s, err := compile(p.Calendar)
	if err != nil {
		return Evaluation{}, err
	}
	log, err := eventsUntil(events, now)
	if err != nil {
		return Evaluation{}, err
	}
	h := replay(p, log, now)
	ev := Evaluation{At: now.In(s.loc), State: h.state, Paused: h.pause.active}
	if h.pause.active {
		ev.PauseReason = h.pause.reason
	}
	if ev.FirstResponse, err = evaluateTracked(s, p, p.FirstResponse, h.firstResponse, h.pause, now); err != nil {
		return Evaluation{}, err
	}
	if ev.Resolution, err = evaluateTracked(s, p, p.Resolution, h.resolution, h.pause, now); err != nil {
		return Evaluation{}, err
	}
	for _, cycle := range h.nextResponses {
		c, err := evaluateTracked(s, p, p.NextResponse, cycle, h.pause, now)
		if err != nil {
			return Evaluation{}, err
		}
		if c != nil {
			ev.NextResponses = append(ev.NextResponses, *c)
		}
	}
	return ev, nil
}

func evaluateTracked(s *schedule, p Policy, target Duration, in clockInput, pause pauseHistory, now time.Time) (*Clock, error) {
	if target == 0 {
		return nil, nil
	}
	in.target = time.Duration(target)
	c, err := evaluateClock(s, p, in, pause, now)
	if err != nil {
		return nil, fmt.Errorf("sla: %s clock: %w", in.name, err)
	}
	return &c, nil
}

// caseHistory is the event log reduced to clock activity and pauses.
type caseHistory struct {
	state          string
	firstResponded bool
	firstResponse  clockInput
	resolution     clockInput
	nextResponses  []clockInput
	pause          pauseHistory
	pauseStart     time.Time
}

// replay walks the ordered log (which starts with opened) once, starting
// and stopping clocks as events arrive, then closes whatever is still open
// at now.
func replay(p Policy, log []Event, now time.Time) caseHistory {
	opened := log[0].At
	h := caseHistory{
		state:         StateOpen,
		firstResponse: startClock(ClockFirstResponse, opened),
		resolution:    startClock(ClockResolution, opened),
	}
	for _, e := range log[1:] {
		switch e.Kind {
		case EventStateChanged:
			h.setState(p, e.At, e.State, e.Reason)
		case EventAgentResponded:
			h.firstResponded = true
			stopClock(&h.firstResponse, e.At)
			h.stopNextResponse(e.At)
		case EventCustomerReplied:
			if h.firstResponded && h.state != StateResolved {
				h.startNextResponse(e.At)
			}
		case EventResolved:
			stopClock(&h.firstResponse, e.At)
			h.stopNextResponse(e.At)
			stopClock(&h.resolution, e.At)
			h.setState(p, e.At, StateResolved, e.Reason)
		case EventReopened:
			if h.state == StateResolved {
				h.setState(p, e.At, StateOpen, e.Reason)
				h.resolution.activity = append(h.resolution.activity, span{start: e.At})
				h.resolution.open = true
				h.startNextResponse(e.At)
			}
		}
	}
	h.closeAt(now)
	return h
}

func startClock(name ClockName, at time.Time) clockInput {
	return clockInput{name: name, activity: []span{{start: at}}, open: true}
}

func stopClock(c *clockInput, at time.Time) {
	if c.open {
		c.activity[len(c.activity)-1].end = at
		c.open = false
	}
}

// startNextResponse opens a cycle unless one is already waiting for the
// agent: the customer's second message does not reset their wait.
func (h *caseHistory) startNextResponse(at time.Time) {
	if n := len(h.nextResponses); n > 0 && h.nextResponses[n-1].open {
		return
	}
	h.nextResponses = append(h.nextResponses, startClock(ClockNextResponse, at))
}

func (h *caseHistory) stopNextResponse(at time.Time) {
	if n := len(h.nextResponses); n > 0 {
		stopClock(&h.nextResponses[n-1], at)
	}
}

// setState records a state change and opens or closes a pause span when
// the case enters or leaves a pause state.
func (h *caseHistory) setState(p Policy, at time.Time, state, reason string) {
	wasPaused, nowPaused := p.pauses(h.state), p.pauses(state)
	switch {
	case !wasPaused && nowPaused:
		h.pauseStart = at
	case wasPaused && !nowPaused:
		h.pause.spans = append(h.pause.spans, span{h.pauseStart, at})
	}
	h.state, h.pause.active = state, nowPaused
	if nowPaused {
		h.pause.reason = reason
	}
}

func (h *caseHistory) closeAt(now time.Time) {
	for _, c := range h.allClocks() {
		if c.open {
			c.activity[len(c.activity)-1].end = now
		}
	}
	if h.pause.active {
		h.pause.spans = append(h.pause.spans, span{h.pauseStart, now})
	}
}

func (h *caseHistory) allClocks() []*clockInput {
	all := []*clockInput{&h.firstResponse, &h.resolution}
	for i := range h.nextResponses {
		all = append(all, &h.nextResponses[i])
	}
	return all
}
