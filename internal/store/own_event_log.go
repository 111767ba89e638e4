package store

// Fresco's own work as raw material for an event log (internal/processlog
// names the activities): each service-recovery case with its timeline,
// each follow-up and each call task with the moments its row records. The
// rows stream: one case at a time reaches the caller.

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Kinds of WorkTrail.
const (
	TrailCase     = "case"
	TrailFollowUp = "follow_up"
	TrailCallTask = "call_task"
)

// WorkTrail is one piece of Fresco's own work as stored: a case, a
// follow-up or a call task, and the steps it went through in time order.
type WorkTrail struct {
	Kind     string // TrailCase, TrailFollowUp or TrailCallTask
	ID       int64
	Start    time.Time // a case's opened_at, a follow-up's or call task's created_at
	Location string    // the location's name; "" when none
	Category string    // a case's category; a follow-up's reasons joined by ","
	Source   string    // a case's source (complaint, detractor, …); a follow-up's contact channel
	Status   string
	Steps    []WorkStep
}

// WorkStep is one thing that happened: a case_events row, or a moment a
// follow-up's or call task's row records.
type WorkStep struct {
	At    time.Time
	Actor string // "employee:12", "token:3", "system", "customer", or "" when unknown
	What  string // the case event's kind; "created", "contacted", "closed" for a follow-up; "created" or the ending status for a call task
	Body  string // the case event's JSON body ("{}" otherwise)
}

// WorkFilter chooses the work whose Start falls in [From, To); zero times
// leave that side open.
type WorkFilter struct {
	From, To time.Time
}

func (f WorkFilter) where(column string) (string, []any) {
	var conds []string
	var args []any
	if !f.From.IsZero() {
		conds, args = append(conds, column+" >= ?"), append(args, utc(f.From))
	}
	if !f.To.IsZero() {
		conds, args = append(conds, column+" < ?"), append(args, utc(f.To))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// WorkTrails streams the cases, then the follow-ups, then the call tasks
// that started in f's period, each in id order, to each. The trail passed
// is reused: each copies what it keeps.
func (db *DB) WorkTrails(ctx context.Context, f WorkFilter, each func(*WorkTrail) error) error {
	if err := db.caseTrails(ctx, f, each); err != nil {
		return err
	}
	if err := db.followUpTrails(ctx, f, each); err != nil {
		return err
	}
	return db.callTaskTrails(ctx, f, each)
}

func (db *DB) caseTrails(ctx context.Context, f WorkFilter, each func(*WorkTrail) error) error {
	where, args := f.where("c.opened_at")
	var t WorkTrail
	err := queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var start time.Time
		var loc, category, source, status string
		var s WorkStep
		if err := row.Scan(&id, &start, &loc, &category, &source, &status, &s.At, &s.Actor, &s.What, &s.Body); err != nil {
			return err
		}
		if id != t.ID {
			if t.ID != 0 {
				if err := each(&t); err != nil {
					return err
				}
			}
			t = WorkTrail{Kind: TrailCase, ID: id, Start: start.UTC(), Location: loc, Category: category, Source: source,
				Status: status, Steps: t.Steps[:0]}
		}
		s.At = s.At.UTC()
		t.Steps = append(t.Steps, s)
		return nil
	}, `SELECT c.id, c.opened_at, COALESCE(l.name, ''), c.category, c.source, c.status, e.at, e.actor, e.kind, e.body
		FROM recovery_cases c
		JOIN case_events e ON e.case_id = c.id
		LEFT JOIN locations l ON l.id = c.location_id`+where+`
		ORDER BY c.id, e.at, e.id`, args...)
	if err != nil || t.ID == 0 {
		return err
	}
	return each(&t)
}

func (db *DB) followUpTrails(ctx context.Context, f WorkFilter, each func(*WorkTrail) error) error {
	where, args := f.where("f.created_at")
	var t WorkTrail
	return queryEach(ctx, db, func(row rowScanner) error {
		var reasons, closedBy string
		var owner sql.NullInt64
		var contact, closed sql.NullTime
		if err := row.Scan(&t.ID, &t.Start, &t.Location, &reasons, &t.Status, &owner, &contact, &t.Source, &closed, &closedBy); err != nil {
			return err
		}
		t.Kind, t.Start, t.Category = TrailFollowUp, t.Start.UTC(), jsonList(reasons)
		t.Steps = append(t.Steps[:0], WorkStep{At: t.Start, Actor: "system", What: "created", Body: "{}"})
		who := closedBy
		if who == "" && owner.Valid {
			who = "employee:" + strconv.FormatInt(owner.Int64, 10)
		}
		if contact.Valid {
			t.Steps = append(t.Steps, WorkStep{At: contact.Time.UTC(), Actor: who, What: "contacted", Body: "{}"})
		}
		if closed.Valid {
			t.Steps = append(t.Steps, WorkStep{At: closed.Time.UTC(), Actor: closedBy, What: "closed", Body: "{}"})
		}
		return each(&t)
	}, `SELECT f.id, f.created_at, COALESCE(l.name, ''), f.reasons, f.status, f.owner_id, f.contact_at, f.contact_channel,
			f.closed_at, f.closed_by
		FROM follow_ups f
		LEFT JOIN locations l ON l.id = f.location_id`+where+`
		ORDER BY f.id`, args...)
}

func (db *DB) callTaskTrails(ctx context.Context, f WorkFilter, each func(*WorkTrail) error) error {
	where, args := f.where("t.created_at")
	var t WorkTrail
	return queryEach(ctx, db, func(row rowScanner) error {
		var completedBy string
		var employee sql.NullInt64
		var completed sql.NullTime
		if err := row.Scan(&t.ID, &t.Start, &t.Location, &t.Status, &employee, &completed, &completedBy); err != nil {
			return err
		}
		t.Kind, t.Start, t.Category, t.Source = TrailCallTask, t.Start.UTC(), "", ""
		t.Steps = append(t.Steps[:0], WorkStep{At: t.Start, Actor: "system", What: "created", Body: "{}"})
		if completed.Valid && t.Status != "open" {
			who := completedBy
			if who == "" && employee.Valid {
				who = "employee:" + strconv.FormatInt(employee.Int64, 10)
			}
			t.Steps = append(t.Steps, WorkStep{At: completed.Time.UTC(), Actor: who, What: t.Status, Body: "{}"})
		}
		return each(&t)
	}, `SELECT t.id, t.created_at, COALESCE(l.name, ''), t.status, t.employee_id, t.completed_at, t.completed_by
		FROM call_tasks t
		LEFT JOIN locations l ON l.id = t.location_id`+where+`
		ORDER BY t.id`, args...)
}

// WorkPerson is how an employee appears in Fresco's own log.
type WorkPerson struct {
	Name string
	Role string
}

// WorkPeople maps every employee's id to their name and role.
func (db *DB) WorkPeople(ctx context.Context) (map[int64]WorkPerson, error) {
	people := map[int64]WorkPerson{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var id int64
		var p WorkPerson
		if err := row.Scan(&id, &p.Name, &p.Role); err != nil {
			return err
		}
		people[id] = p
		return nil
	}, `SELECT id, name, role FROM employees`)
	return people, err
}

// jsonList joins a JSON list of strings with commas ("" for anything else).
func jsonList(raw string) string {
	var list []string
	if json.Unmarshal([]byte(raw), &list) != nil {
		return ""
	}
	return strings.Join(list, ",")
}

// ProcessMarks are the marks of migration 00069: Log moves with every
// write to what Fresco's own log is read from (WorkTrails, WorkPeople),
// Outcomes with every write to gestures and to the NPS answers of
// customers with a case (CustomerCosts also reads recovery_cases, which
// move Log). Equal marks, same rows: a result kept with the marks read
// before it was worked out is current while they read the same.
type ProcessMarks struct {
	Log, Outcomes int64
}

// ProcessMarks reads the marks: one row.
func (db *DB) ProcessMarks(ctx context.Context) (ProcessMarks, error) {
	var m ProcessMarks
	err := db.QueryRow(ctx, `SELECT log, outcomes FROM process_marks WHERE id = 1`).Scan(&m.Log, &m.Outcomes)
	return m, err
}

// ScoresMark reads the mark of migration 00074: it moves with every write
// to a response that the score rollups count and with every rebuild of a
// rollup, so a figure worked out from them after reading it is current
// while it reads the same.
func (db *DB) ScoresMark(ctx context.Context) (int64, error) {
	var m int64
	err := db.QueryRow(ctx, `SELECT scores FROM process_marks WHERE id = 1`).Scan(&m)
	return m, err
}
