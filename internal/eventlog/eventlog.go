// Package eventlog holds process event logs: what happened in each case, when, and by whom.
// Logs are read from XES (IEEE 1849) or CSV files, or drawn from Fresco's own work (cases,
// follow-ups, call tasks), and mined by internal/mining. The types are plain values so that a
// million events stay small: strings are interned by the readers.
package eventlog

import "time"

// Event is one thing that happened in a case.
type Event struct {
	Activity  string    // concept:name
	Time      time.Time // time:timestamp; zero when the log gave none
	Resource  string    // org:resource: who did it; "" when unknown
	Role      string    // org:role; "" when unknown
	Lifecycle string    // lifecycle:transition in lower case ("start", "complete"); "" when the log has none
}

// Trace is one case: its id, its attributes and its events in the order the log gave them.
type Trace struct {
	Case   string
	Attrs  map[string]string // case attributes (XES trace attributes, CSV columns not mapped to a field)
	Events []Event
}
