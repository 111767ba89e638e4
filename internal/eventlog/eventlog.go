// Package eventlog holds process event logs: what happened in each case, when, and by whom.
// Logs are read from XES (IEEE 1849) or CSV files, or drawn from Fresco's own work (cases,
// follow-ups, call tasks), and mined by internal/mining. The types are plain values so that a
// million events stay small: strings are interned by the readers.
//
// Reading:
//
//	log, err := eventlog.ReadFile("orders.xes.gz", eventlog.Options{})      // format from the name
//	log, err := eventlog.ReadXES(r, eventlog.Limits{})                       // plain or gzip, detected
//	log, err := eventlog.ReadCSV(r, eventlog.CSVColumns{Case: "order"}, eventlog.Limits{})
//
// Readers stream: memory grows with the events kept, not with the file. Every error a reader
// returns for bad input is an *Error naming the line (and the field or column) so that callers
// can show it as it is (the API answers 422 with it).
//
// Writing: WriteXES and WriteCSV write a Log back out (what `fresco process export` and the
// benchmark's generator use); ReadXES(WriteXES(log)) gives the same log back.
package eventlog

import "time"

// Event is one thing that happened in a case.
type Event struct {
	Activity  string    // concept:name
	Time      time.Time // time:timestamp, in UTC; zero when the log gave none
	Resource  string    // org:resource: who did it; "" when unknown
	Role      string    // org:role; "" when unknown
	Lifecycle string    // lifecycle:transition in lower case ("start", "complete"); "" when the log has none
	// Start is when the activity instance began, in UTC; zero when unknown. A CSV start
	// column (PM4Py's start_timestamp) gives it; mining.New sets it on a complete event from
	// the matching lifecycle start event. XES has no field for it: WriteXES leaves it out.
	Start time.Time
}

// Trace is one case: its id, its attributes and its events in the order the log gave them.
type Trace struct {
	Case   string
	Attrs  map[string]string // case attributes (XES trace attributes, CSV columns not mapped to a field)
	Events []Event
}

// Log is a whole event log as a reader returns it: traces and their events in file order.
// internal/mining.New prepares it for mining (lifecycle filter, order by time).
type Log struct {
	Traces []Trace
	// Attrs are the log's own attributes (XES <log> level); nil for CSV.
	Attrs map[string]string
	// Events is the number of events read, over all traces.
	Events int
	// HasLifecycle is true when any event carries lifecycle:transition.
	HasLifecycle bool
}

// Format is a log file format.
type Format string

// The formats the readers understand.
const (
	FormatXES Format = "xes"
	FormatCSV Format = "csv"
)

// Limits bound what a reader accepts, so a hostile or broken file is refused with an *Error
// instead of exhausting memory. A zero field takes its default.
type Limits struct {
	// MaxEvents is the most events (and the most traces) a log may hold. Default 50,000,000.
	MaxEvents int
	// MaxDepth is the deepest XML element nesting accepted. Default 64 (XES needs about 6).
	MaxDepth int
	// MaxTokenBytes is the longest XML tag (with its attribute values), comment or CSV line.
	// Default 1 MiB.
	MaxTokenBytes int
}

// Default limits.
const (
	DefaultMaxEvents     = 50_000_000
	DefaultMaxDepth      = 64
	DefaultMaxTokenBytes = 1 << 20
)

func (l Limits) withDefaults() Limits {
	if l.MaxEvents <= 0 {
		l.MaxEvents = DefaultMaxEvents
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxTokenBytes <= 0 {
		l.MaxTokenBytes = DefaultMaxTokenBytes
	}
	return l
}
