package store

// A case's timeline, the append-only case_events log, and the people
// involved in or watching the case.

import (
	"context"
	"encoding/json"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// AppendCaseEvent adds an entry to the case's timeline. body is marshalled to
// JSON (nil is {}).
func (tx *Tx) AppendCaseEvent(ctx context.Context, caseID int64, at time.Time, actor, kind string, body any) (*fresco.CaseEvent, error) {
	raw, err := auditDetail(body)
	if err != nil {
		return nil, err
	}
	e := &fresco.CaseEvent{CaseID: caseID, At: utc(at), Actor: actor, Kind: kind, Body: json.RawMessage(raw)}
	err = tx.QueryRow(ctx, `INSERT INTO case_events (case_id, at, actor, kind, body) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		caseID, e.At, actor, kind, raw).Scan(&e.ID)
	return e, err
}

const caseEventColumns = `id, case_id, at, actor, kind, body`

func scanCaseEvent(row rowScanner) (fresco.CaseEvent, error) {
	var e fresco.CaseEvent
	var body string
	if err := row.Scan(&e.ID, &e.CaseID, &e.At, &e.Actor, &e.Kind, &body); err != nil {
		return e, err
	}
	e.At, e.Body = e.At.UTC(), json.RawMessage(body)
	return e, nil
}

// caseTimelineQuery reads a case's events and those of the cases merged
// into it; migration 00049 indexes merged_into for it. The cases are
// one subquery (the case itself or merged into it) rather than
// "case_id = ? OR case_id IN (…)": PostgreSQL cannot read an index for
// that OR and scanned every event of every case (3 ms at 50k customers,
// growing with the table), where the subquery's ids are each one probe
// of case_events_case.
const caseTimelineQuery = `SELECT ` + caseEventColumns + ` FROM case_events
		WHERE case_id IN (SELECT id FROM recovery_cases WHERE id = ? OR merged_into = ?)
		ORDER BY at, id`

func caseTimeline(ctx context.Context, q Querier, caseID int64) ([]fresco.CaseEvent, error) {
	return queryAll(ctx, q, scanCaseEvent, caseTimelineQuery, caseID, caseID)
}

// CaseTimeline returns the case's events and those of the cases merged into
// it, in time order: the whole story a new owner reads.
func (db *DB) CaseTimeline(ctx context.Context, caseID int64) ([]fresco.CaseEvent, error) {
	return caseTimeline(ctx, db, caseID)
}

// CaseEvents returns only the case's own events, in log order, within tx.
func (tx *Tx) CaseEvents(ctx context.Context, caseID int64) ([]fresco.CaseEvent, error) {
	return queryAll(ctx, tx, scanCaseEvent, `SELECT `+caseEventColumns+` FROM case_events WHERE case_id = ? ORDER BY id`, caseID)
}

// HasCaseEvent reports whether the case has an event of kind whose body
// contains the JSON text marker (a cheap idempotency check for jobs).
func (tx *Tx) HasCaseEvent(ctx context.Context, caseID int64, kind, marker string) (bool, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND kind = ? AND body LIKE ?`,
		caseID, kind, "%"+marker+"%").Scan(&n)
	return n > 0, err
}

// AddCasePerson records an employee as involved in or watching a case.
func (tx *Tx) AddCasePerson(ctx context.Context, caseID, employeeID int64, role string) error {
	if err := tx.checkForeignRefs(ctx, foreignRef{field: "employee_id", table: "employees", what: "employee", id: &employeeID}); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `INSERT INTO case_people (case_id, employee_id, role) VALUES (?, ?, ?)
		ON CONFLICT (case_id, employee_id, role) DO NOTHING`, caseID, employeeID, role)
	return err
}

// CasePeople returns the employee ids involved in and watching the case.
func (db *DB) CasePeople(ctx context.Context, caseID int64) (involved, watchers []int64, err error) {
	err = queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var role string
		if err := row.Scan(&id, &role); err != nil {
			return err
		}
		if role == "watcher" {
			watchers = append(watchers, id)
		} else {
			involved = append(involved, id)
		}
		return nil
	}, `SELECT employee_id, role FROM case_people WHERE case_id = ? ORDER BY employee_id`, caseID)
	if err != nil {
		return nil, nil, err
	}
	return involved, watchers, nil
}

// CaseVersion is a case's version for collision detection: the id of the
// last event of its own timeline (0 before any). Every change to a case
// appends its events while holding the case's row lock (CaseForUpdate), so
// a case's event ids grow in commit order and the version moves with each
// committed change; events are never deleted (erasure scrubs their bodies),
// so a version is never reused. See recovery.Seen for why the timeline
// rather than a version column.
func (db *DB) CaseVersion(ctx context.Context, caseID int64) (int64, error) {
	return caseVersion(ctx, db, caseID)
}

// CaseVersion is DB.CaseVersion within tx.
func (tx *Tx) CaseVersion(ctx context.Context, caseID int64) (int64, error) {
	return caseVersion(ctx, tx, caseID)
}

// caseVersion is one probe of case_events_case (case_id, id).
func caseVersion(ctx context.Context, q Querier, caseID int64) (int64, error) {
	var v int64
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM case_events WHERE case_id = ?`, caseID).Scan(&v)
	return v, err
}

// CaseEventsSince returns the case's own events after event id after and
// up to upTo (0: no bound), in log order: what changed since a caller read
// the case at version after.
func (db *DB) CaseEventsSince(ctx context.Context, caseID, after, upTo int64) ([]fresco.CaseEvent, error) {
	return caseEventsSince(ctx, db, caseID, after, upTo)
}

// CaseEventsSince is DB.CaseEventsSince within tx.
func (tx *Tx) CaseEventsSince(ctx context.Context, caseID, after, upTo int64) ([]fresco.CaseEvent, error) {
	return caseEventsSince(ctx, tx, caseID, after, upTo)
}

func caseEventsSince(ctx context.Context, q Querier, caseID, after, upTo int64) ([]fresco.CaseEvent, error) {
	if upTo <= 0 {
		upTo = math.MaxInt64
	}
	return queryAll(ctx, q, scanCaseEvent, `SELECT `+caseEventColumns+` FROM case_events
		WHERE case_id = ? AND id > ? AND id <= ? ORDER BY id`, caseID, after, upTo)
}
