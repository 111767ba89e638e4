package store

// Imported process event logs (migration 00056): the log's row, its cases
// in file order, their attributes, and its events. A log is written in one
// transaction, set-based (COPY on PostgreSQL, multi-row INSERTs on SQLite),
// and read back as a stream of eventlog.Trace values.

import (
	"context"
	"database/sql"
	"maps"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
)

const eventLogColumns = `id, name, source, format, cases, events, activities, starts_at, ends_at, imported_by, imported_at`

func scanEventLog(row rowScanner) (fresco.EventLog, error) {
	var l fresco.EventLog
	var starts, ends sql.NullTime
	if err := row.Scan(&l.ID, &l.Name, &l.Source, &l.Format, &l.Cases, &l.Events, &l.Activities,
		&starts, &ends, &l.ImportedBy, &l.ImportedAt); err != nil {
		return l, err
	}
	l.StartsAt, l.EndsAt, l.ImportedAt = ptrTime(starts), ptrTime(ends), l.ImportedAt.UTC()
	return l, nil
}

// InsertEventLog stores l and its traces within tx and sets l.ID and
// l.ImportedAt. The counts in l are the caller's (processlog computes them
// while validating); a log name already taken is a conflict on "name".
func (tx *Tx) InsertEventLog(ctx context.Context, l *fresco.EventLog, traces []eventlog.Trace) error {
	l.ImportedAt = now()
	err := tx.QueryRow(ctx, `INSERT INTO event_logs (name, source, format, cases, events, activities, starts_at, ends_at, imported_by, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		l.Name, l.Source, l.Format, l.Cases, l.Events, l.Activities, utcPtr(l.StartsAt), utcPtr(l.EndsAt), l.ImportedBy, l.ImportedAt).Scan(&l.ID)
	if isUniqueViolation(err) {
		return conflict("name", "an event log named %q already exists", l.Name)
	}
	if err != nil {
		return err
	}
	if err := tx.bulkRows(ctx, "event_log_cases", []string{"log_id", "case_no", "name"}, caseRows(l.ID, traces)); err != nil {
		return err
	}
	if err := tx.bulkRows(ctx, "event_log_attributes", []string{"log_id", "case_no", "name", "value"}, attrRows(l.ID, traces)); err != nil {
		return err
	}
	return tx.bulkRows(ctx, "event_log_events",
		[]string{"log_id", "seq", "case_no", "activity", "at", "resource", "role", "lifecycle"}, eventRows(l.ID, traces))
}

// rowSource fills buf with the next row's values and reports false when
// there are none left.
type rowSource func(buf []any) bool

func caseRows(logID int64, traces []eventlog.Trace) rowSource {
	i := 0
	return func(buf []any) bool {
		if i == len(traces) {
			return false
		}
		buf[0], buf[1], buf[2] = logID, i, traces[i].Case
		i++
		return true
	}
}

func attrRows(logID int64, traces []eventlog.Trace) rowSource {
	i, keys := 0, []string(nil)
	return func(buf []any) bool {
		for len(keys) == 0 {
			if i == len(traces) {
				return false
			}
			keys = slices.Sorted(maps.Keys(traces[i].Attrs))
			i++
		}
		buf[0], buf[1], buf[2], buf[3] = logID, i-1, keys[0], traces[i-1].Attrs[keys[0]]
		keys = keys[1:]
		return true
	}
}

func eventRows(logID int64, traces []eventlog.Trace) rowSource {
	i, j, seq := 0, 0, 0
	return func(buf []any) bool {
		for i < len(traces) && j == len(traces[i].Events) {
			i, j = i+1, 0
		}
		if i == len(traces) {
			return false
		}
		e := &traces[i].Events[j]
		var at any
		if !e.Time.IsZero() {
			at = utc(e.Time)
		}
		buf[0], buf[1], buf[2], buf[3], buf[4], buf[5], buf[6], buf[7] = logID, seq, i, e.Activity, at, e.Resource, e.Role, e.Lifecycle
		j, seq = j+1, seq+1
		return true
	}
}

// bulkRows writes the rows next yields into table: COPY on PostgreSQL,
// multi-row INSERTs of up to 32,000 parameters on SQLite.
func (tx *Tx) bulkRows(ctx context.Context, table string, columns []string, next rowSource) error {
	if tx.Dialect() == Postgres {
		return tx.copyFrom(ctx, table, columns, next)
	}
	cols := len(columns)
	buf := make([]any, cols)
	head := `INSERT INTO ` + table + ` (` + strings.Join(columns, ", ") + `) VALUES `
	return tx.insertRows(ctx, head, cols, 32000/cols, func(args []any) ([]any, bool) {
		if !next(buf) {
			return args, false
		}
		return append(args, buf...), true
	})
}

// EventLogs lists the stored logs, newest first.
func (db *DB) EventLogs(ctx context.Context) ([]fresco.EventLog, error) {
	return queryAll(ctx, db, scanEventLog, `SELECT `+eventLogColumns+` FROM event_logs ORDER BY imported_at DESC, id DESC`)
}

// EventLog reads one stored log's row.
func EventLog(ctx context.Context, q Querier, id int64) (*fresco.EventLog, error) {
	l, err := scanOne(ctx, q, scanEventLog, `SELECT `+eventLogColumns+` FROM event_logs WHERE id = ?`, id)
	if err != nil {
		return nil, notFound(err, "event log", id)
	}
	return &l, nil
}

// DeleteEventLog removes a stored log and everything in it; ENOTFOUND when
// there is none with id.
func (tx *Tx) DeleteEventLog(ctx context.Context, id int64) error {
	for _, table := range []string{"event_log_events", "event_log_attributes", "event_log_cases"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE log_id = ?`, id); err != nil {
			return err
		}
	}
	res, err := tx.Exec(ctx, `DELETE FROM event_logs WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFound(sql.ErrNoRows, "event log", id)
	}
	return nil
}

// EventLogTraces streams a stored log's traces in file order to each. The
// case names and attributes are read first (one row per case), the events
// then stream in order; the Trace passed to each is reused, so each copies
// what it keeps.
func (db *DB) EventLogTraces(ctx context.Context, id int64, each func(*eventlog.Trace) error) error {
	if _, err := EventLog(ctx, db, id); err != nil {
		return err
	}
	var names []string
	err := queryEach(ctx, db, func(row rowScanner) error {
		var no int
		var name string
		if err := row.Scan(&no, &name); err != nil {
			return err
		}
		names = append(names, name)
		return nil
	}, `SELECT case_no, name FROM event_log_cases WHERE log_id = ? ORDER BY case_no`, id)
	if err != nil {
		return err
	}
	attrs := make([]map[string]string, len(names))
	err = queryEach(ctx, db, func(row rowScanner) error {
		var no int
		var name, value string
		if err := row.Scan(&no, &name, &value); err != nil {
			return err
		}
		if no >= 0 && no < len(attrs) {
			if attrs[no] == nil {
				attrs[no] = map[string]string{}
			}
			attrs[no][name] = value
		}
		return nil
	}, `SELECT case_no, name, value FROM event_log_attributes WHERE log_id = ? ORDER BY case_no, name`, id)
	if err != nil {
		return err
	}
	var t eventlog.Trace
	cur := 0
	flush := func(upTo int) error { // emit the cases before upTo, the empty ones too
		for ; cur < upTo && cur < len(names); cur++ {
			t.Case, t.Attrs = names[cur], attrs[cur]
			if err := each(&t); err != nil {
				return err
			}
			t.Events = t.Events[:0]
		}
		return nil
	}
	err = queryEach(ctx, db, func(row rowScanner) error {
		var no int
		var e eventlog.Event
		var at sql.NullTime
		if err := row.Scan(&no, &e.Activity, &at, &e.Resource, &e.Role, &e.Lifecycle); err != nil {
			return err
		}
		if at.Valid {
			e.Time = at.Time.UTC()
		}
		if err := flush(no); err != nil {
			return err
		}
		t.Events = append(t.Events, e)
		return nil
	}, `SELECT case_no, activity, at, resource, role, lifecycle FROM event_log_events WHERE log_id = ? ORDER BY seq`, id)
	if err != nil {
		return err
	}
	return flush(len(names))
}
