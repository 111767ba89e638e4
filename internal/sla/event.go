package sla

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// EventKind names something that happened to a case.
type EventKind string

// The events the clocks react to. Anything else in a case's history need
// not be passed in.
const (
	EventOpened          EventKind = "opened"
	EventStateChanged    EventKind = "state_changed"
	EventAgentResponded  EventKind = "agent_responded"
	EventCustomerReplied EventKind = "customer_replied"
	EventResolved        EventKind = "resolved"
	EventReopened        EventKind = "reopened"
)

// States set implicitly by events: opened and reopened put the case in
// StateOpen, resolved in StateResolved. Other states come from
// state_changed events.
const (
	StateOpen     = "open"
	StateResolved = "resolved"
)

// Event is one entry in a case's log. Only state_changed uses State; Reason
// records why (for a pause, the reason shown next to the paused clock).
type Event struct {
	Kind   EventKind `json:"kind"`
	At     time.Time `json:"at"`
	State  string    `json:"state,omitempty"`
	Reason string    `json:"reason,omitempty"`
}

// Validate checks one event on its own.
func (e Event) Validate() error {
	switch e.Kind {
	case EventOpened, EventAgentResponded, EventCustomerReplied, EventResolved, EventReopened:
	case EventStateChanged:
		if e.State == "" {
			return errors.New("sla: event.state is required for state_changed")
		}
	default:
		return fmt.Errorf("sla: event.kind %q is not known", e.Kind)
	}
	if e.At.IsZero() {
		return fmt.Errorf("sla: event.at is missing on %s event", e.Kind)
	}
	return nil
}

// eventsUntil validates the log and returns the events up to and including
// now, ordered by time. Events with equal times keep their log order, so the
// server can record "responded" and "state changed" at the same instant.
func eventsUntil(events []Event, now time.Time) ([]Event, error) {
	for i, e := range events {
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%w (events[%d])", err, i)
		}
	}
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(a, b Event) int { return a.At.Compare(b.At) })
	cut, _ := slices.BinarySearchFunc(sorted, now, func(e Event, t time.Time) int {
		return cmp.Or(e.At.Compare(t), -1) // every event at now sorts before it
	})
	sorted = sorted[:cut]
	if len(sorted) == 0 || sorted[0].Kind != EventOpened {
		return nil, errors.New("sla: events must start with an opened event at or before now")
	}
	for i, e := range sorted[1:] {
		if e.Kind == EventOpened {
			return nil, fmt.Errorf("sla: a second opened event at %s (use reopened)", sorted[i+1].At.Format(time.RFC3339))
		}
	}
	return sorted, nil
}
