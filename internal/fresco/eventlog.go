package fresco

import "time"

// Stored process event logs (internal/processlog): a log imported from an
// XES or CSV file, kept so that it can be mined again and compared with
// Fresco's own. The events themselves are eventlog.Trace values.

// Event log formats.
const (
	LogFormatXES = "xes"
	LogFormatCSV = "csv"
)

// EventLog is one imported log: what it is called, where it came from, who
// brought it in, and its size.
type EventLog struct {
	ID         int64
	Name       string
	Source     string // the file name it was read from
	Format     string // LogFormatXES or LogFormatCSV
	Cases      int
	Events     int
	Activities int        // distinct activity names
	StartsAt   *time.Time // the earliest event time; nil when no event had one
	EndsAt     *time.Time // the latest
	ImportedBy string     // the actor: "employee:12", "token:3", "cli"
	ImportedAt time.Time
}
