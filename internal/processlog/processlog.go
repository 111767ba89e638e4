// Package processlog keeps process event logs (issue 14, item 3): logs
// imported from XES or CSV files, stored whole so that they can be mined
// again, and Fresco's own work — service-recovery cases, follow-ups and
// call tasks — drawn as an event log in the same shape (ownlog.go).
//
// Who may do what: owners and managers import and delete logs; owners,
// managers and analysts read them and Fresco's own log; agents neither (a
// log names who did what, and when). Every import and deletion is audited
// in its transaction; a log that fails validation leaves nothing behind.
package processlog

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// Actor is who asks: the same as package staff's.
type Actor = staff.Actor

// Columns map a CSV file's header to the event fields: the names of the
// columns holding each (--case, --activity, --time, --resource in the
// CLI; case=, activity=, time=, resource= in the API). Empty names mean
// the reader's defaults; other columns become case attributes.
type Columns struct {
	Case, Activity, Time, Resource, Role, Lifecycle string
}

// Limits of a stored log.
const (
	MaxName      = 200
	MaxEvents    = 2_000_000 // the default of Options.MaxEvents
	MaxText      = 1000      // an activity, resource, role, case id or attribute value
	MaxAttrs     = 100       // attributes of one case
	MaxAttrName  = 200
	MaxLifecycle = 50
)

// Options configure the service. Zero values are the defaults.
type Options struct {
	Logger *slog.Logger
	// MaxEvents is the most events a stored log holds (MaxEvents when 0): a
	// bigger log is mined from its file (fresco process stats|dfg|variants).
	MaxEvents int
	// CacheEvents bounds the stored logs kept in memory prepared for
	// mining, in events (CacheEvents when 0; below 0 keeps none): see
	// cache.go. Fresco's own log is kept too while no bigger (owncache.go).
	CacheEvents int
}

// Service keeps event logs.
type Service struct {
	db    *store.DB
	opts  Options
	log   *slog.Logger
	cache *logCache // nil when Options.CacheEvents < 0
	own   *ownCache // Fresco's own log (owncache.go); nil when Options.CacheEvents < 0
}

// New returns the service over db.
func New(db *store.DB, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.MaxEvents <= 0 {
		opts.MaxEvents = MaxEvents
	}
	if opts.CacheEvents == 0 {
		opts.CacheEvents = CacheEvents
	}
	s := &Service{db: db, opts: opts, log: opts.Logger.With("component", "processlog"), cache: newLogCache(opts.CacheEvents)}
	if opts.CacheEvents >= 0 {
		s.own = &ownCache{}
	}
	return s
}

// CanRead reports whether role may read event logs: owners, managers and
// analysts.
func CanRead(role fresco.Role) bool {
	return role == fresco.RoleOwner || role == fresco.RoleManager || role == fresco.RoleAnalyst
}

// CanWrite reports whether role may import and delete event logs: owners
// and managers.
func CanWrite(role fresco.Role) bool { return role.CanManageEmployees() }

func mayRead(a Actor) error {
	if !CanRead(a.Role) {
		return fresco.Errorf(fresco.EFORBIDDEN, "only owners, managers and analysts read event logs")
	}
	return nil
}

func mayWrite(a Actor) error {
	if !CanWrite(a.Role) {
		return fresco.Errorf(fresco.EFORBIDDEN, "only owners and managers import and delete event logs")
	}
	return nil
}

// FormatOf returns the format a file name implies (".xes", ".xes.gz",
// ".csv"), or "".
func FormatOf(name string) string {
	n := strings.ToLower(path.Base(strings.ReplaceAll(name, "\\", "/")))
	switch {
	case strings.HasSuffix(n, ".xes"), strings.HasSuffix(n, ".xes.gz"):
		return fresco.LogFormatXES
	case strings.HasSuffix(n, ".csv"), strings.HasSuffix(n, ".csv.gz"):
		return fresco.LogFormatCSV
	}
	return ""
}

// ImportInput is a file to import.
type ImportInput struct {
	Name    string // the log's name; defaults to Source's base name
	Source  string // the file name it came from
	Format  string // "xes" or "csv"; defaults to what Source's extension says
	Columns Columns
	Body    io.Reader
}

// Import reads a log and stores it whole: a bad file or a bad event
// leaves nothing stored and names the line or the field.
func (s *Service) Import(ctx context.Context, actor Actor, in ImportInput) (*fresco.EventLog, error) {
	if err := mayWrite(actor); err != nil {
		return nil, err
	}
	meta, err := checkMeta(in.Name, in.Source, in.Format)
	if err != nil {
		return nil, err
	}
	log, err := eventlog.Read(in.Body, in.Source, eventlog.Options{
		Format: eventlog.Format(meta.Format),
		CSV: eventlog.CSVColumns{Case: in.Columns.Case, Activity: in.Columns.Activity, Time: in.Columns.Time,
			Resource: in.Columns.Resource, Role: in.Columns.Role, Lifecycle: in.Columns.Lifecycle},
		Limits: eventlog.Limits{MaxEvents: s.opts.MaxEvents},
	})
	if err != nil {
		return nil, s.readError(ctx, err)
	}
	return s.save(ctx, actor, meta, log.Traces)
}

// readError makes a reader's error a coded one: bad input (an
// *eventlog.Error, naming the line) is a 422 on "body"; a read failure of
// the request body (the client went away, a size limit) keeps its own.
func (s *Service) readError(ctx context.Context, err error) error {
	var fe *fresco.Error
	if errors.As(err, &fe) || ctx.Err() != nil {
		return err
	}
	var ee *eventlog.Error
	if !errors.As(err, &ee) {
		return err
	}
	if errors.Is(err, eventlog.ErrLimit) && strings.Contains(ee.Msg, "limit MaxEvents") {
		return tooManyEvents(s.opts.MaxEvents)
	}
	var v fresco.Validation
	v.Add("body", "%s", strings.ToValidUTF8(err.Error(), "?"))
	return v.Err()
}

// Save stores traces as a log named name: for logs built in Go (tests,
// generated demos) and for readers that have already parsed a file.
func (s *Service) Save(ctx context.Context, actor Actor, name, source, format string, traces []eventlog.Trace) (*fresco.EventLog, error) {
	if err := mayWrite(actor); err != nil {
		return nil, err
	}
	meta, err := checkMeta(name, source, format)
	if err != nil {
		return nil, err
	}
	return s.save(ctx, actor, meta, traces)
}

func (s *Service) save(ctx context.Context, actor Actor, l *fresco.EventLog, traces []eventlog.Trace) (*fresco.EventLog, error) {
	if err := measure(l, traces, s.opts.MaxEvents); err != nil {
		return nil, err
	}
	l.ImportedBy = actor.Ref
	err := s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertEventLog(ctx, l, traces); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Ref, "event_log.imported", "event_log", strconv.FormatInt(l.ID, 10),
			map[string]any{"name": l.Name, "source": l.Source, "format": l.Format, "cases": l.Cases, "events": l.Events})
	})
	if err != nil {
		return nil, err
	}
	s.log.InfoContext(ctx, "event log imported", "id", l.ID, "cases", l.Cases, "events", l.Events)
	return l, nil
}

// checkMeta validates a log's name, source and format, filling the
// defaults.
func checkMeta(name, source, format string) (*fresco.EventLog, error) {
	name, source = strings.TrimSpace(name), strings.TrimSpace(source)
	if name == "" && source != "" {
		name = path.Base(strings.ReplaceAll(source, "\\", "/"))
	}
	if format == "" {
		format = FormatOf(source)
	}
	var v fresco.Validation
	v.Text("name", name, true, MaxName)
	v.Text("source", source, false, MaxText)
	checkString(&v, "name", name)
	checkString(&v, "source", source)
	switch format {
	case fresco.LogFormatXES, fresco.LogFormatCSV:
	case "":
		v.Add("format", `is required: "xes" or "csv" (the file name does not say)`)
	default:
		v.Add("format", `%q is not "xes" or "csv"`, format)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return &fresco.EventLog{Name: name, Source: source, Format: format}, nil
}

// checkString refuses what neither engine stores as text: invalid UTF-8 and
// NUL characters.
func checkString(v *fresco.Validation, field, s string) {
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		v.Add(field, "holds a NUL character")
	}
}

// measure validates traces and fills l's counts and time span. Each bad
// field is named by its place: cases[2].events[5].activity.
func measure(l *fresco.EventLog, traces []eventlog.Trace, maxEvents int) error {
	var v fresco.Validation
	if len(traces) == 0 {
		v.Add("body", "the log holds no cases")
		return v.Err()
	}
	activities := map[string]struct{}{}
	events, bad := 0, 0
	var start, end time.Time
	for i := range traces {
		t := &traces[i]
		at := "cases[" + strconv.Itoa(i) + "]"
		before := bad
		bad += text(&v, at+".case", t.Case, true)
		if len(t.Attrs) > MaxAttrs {
			v.Add(at+".attributes", "%d attributes; at most %d", len(t.Attrs), MaxAttrs)
			bad++
		}
		for k, val := range t.Attrs {
			bad += text(&v, at+".attributes["+strconv.Quote(strings.ToValidUTF8(k, ""))+"]", val, false)
			if k == "" || len(k) > MaxAttrName {
				v.Add(at+".attributes", "an attribute name must be 1 to %d characters", MaxAttrName)
				bad++
			}
		}
		for j := range t.Events {
			e := &t.Events[j]
			ev := at + ".events[" + strconv.Itoa(j) + "]"
			bad += text(&v, ev+".activity", e.Activity, true)
			bad += text(&v, ev+".resource", e.Resource, false)
			bad += text(&v, ev+".role", e.Role, false)
			bad += text(&v, ev+".lifecycle", e.Lifecycle, false)
			if !e.Time.IsZero() {
				if y := e.Time.UTC().Year(); y < 1 || y > 9999 {
					v.Add(ev+".time", "year %d is outside 1–9999", y)
					bad++
				} else {
					if start.IsZero() || e.Time.Before(start) {
						start = e.Time
					}
					if e.Time.After(end) {
						end = e.Time
					}
				}
			}
			activities[e.Activity] = struct{}{}
		}
		events += len(t.Events)
		if events > maxEvents {
			return tooManyEvents(maxEvents)
		}
		if bad > before && bad >= 20 { // enough to fix before trying again
			break
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	l.Cases, l.Events, l.Activities = len(traces), events, len(activities)
	if !start.IsZero() {
		s, e := start.UTC(), end.UTC()
		l.StartsAt, l.EndsAt = &s, &e
	}
	return nil
}

func tooManyEvents(maxEvents int) error {
	return fresco.Errorf(fresco.ETOOLARGE, "a stored log holds at most %d events; mine a bigger one from its file", maxEvents)
}

// text checks one text field and returns 1 when it is bad.
func text(v *fresco.Validation, field, s string, required bool) int {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "is required")
	case utf8.RuneCountInString(s) > MaxText:
		v.Add(field, "is longer than %d characters", MaxText)
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case strings.IndexByte(s, 0) >= 0:
		v.Add(field, "holds a NUL character")
	default:
		return 0
	}
	return 1
}

// List returns the stored logs, newest first.
func (s *Service) List(ctx context.Context, actor Actor) ([]fresco.EventLog, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	return s.db.EventLogs(ctx)
}

// Get returns one stored log's description.
func (s *Service) Get(ctx context.Context, actor Actor, id int64) (*fresco.EventLog, error) {
	if err := mayRead(actor); err != nil {
		return nil, err
	}
	return store.EventLog(ctx, s.db, id)
}

// Traces streams a stored log's traces in file order. The trace passed to
// each is reused.
func (s *Service) Traces(ctx context.Context, actor Actor, id int64, each func(*eventlog.Trace) error) error {
	if err := mayRead(actor); err != nil {
		return err
	}
	return s.db.EventLogTraces(ctx, id, each)
}

// Delete removes a stored log and all its events.
func (s *Service) Delete(ctx context.Context, actor Actor, id int64) error {
	if err := mayWrite(actor); err != nil {
		return err
	}
	defer s.cache.evict(id) // after the transaction, whatever its end: a reload costs only time
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		l, err := store.EventLog(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteEventLog(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor.Ref, "event_log.deleted", "event_log", strconv.FormatInt(id, 10),
			map[string]any{"name": l.Name, "cases": l.Cases, "events": l.Events})
	})
}

// StoredTraces is Traces collected into a slice, for miners that take one:
// every trace copied, the repeated strings (activities, resources, roles,
// lifecycle transitions) shared rather than held once per event.
func (s *Service) StoredTraces(ctx context.Context, actor Actor, id int64) ([]eventlog.Trace, error) {
	var c collector
	err := s.Traces(ctx, actor, id, c.add)
	return c.traces, err
}

// OwnTraces is OwnLog collected into a slice, like StoredTraces.
func (s *Service) OwnTraces(ctx context.Context, actor Actor, f OwnFilter) ([]eventlog.Trace, error) {
	var c collector
	err := s.OwnLog(ctx, actor, f, c.add)
	return c.traces, err
}

// collector copies the traces a stream passes, interning their strings.
type collector struct {
	traces  []eventlog.Trace
	strings map[string]string
}

func (c *collector) intern(s string) string {
	if c.strings == nil {
		c.strings = map[string]string{}
	}
	if v, ok := c.strings[s]; ok {
		return v
	}
	c.strings[s] = s
	return s
}

func (c *collector) add(t *eventlog.Trace) error {
	out := eventlog.Trace{Case: t.Case, Events: make([]eventlog.Event, len(t.Events))}
	if len(t.Attrs) > 0 {
		out.Attrs = make(map[string]string, len(t.Attrs))
		for k, v := range t.Attrs {
			out.Attrs[c.intern(k)] = c.intern(v)
		}
	}
	for i, e := range t.Events {
		out.Events[i] = eventlog.Event{Activity: c.intern(e.Activity), Time: e.Time, Resource: c.intern(e.Resource),
			Role: c.intern(e.Role), Lifecycle: c.intern(e.Lifecycle)}
	}
	c.traces = append(c.traces, out)
	return nil
}
