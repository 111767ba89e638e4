package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Employee records for the service-profit chain (migration 00035): training
// records, employment spells ended by exits, and the editable exit-reason
// list. Civil dates are stored as 'YYYY-MM-DD' text and compare as strings.

func dateText(t time.Time) string { return t.Format(time.DateOnly) }

func parseDateText(s string) (time.Time, error) { return time.Parse(time.DateOnly, s) }

// openFirstSpell opens a new employee's first employment spell, from their
// hire date (else today), in their team and location.
func (tx *Tx) openFirstSpell(ctx context.Context, e *fresco.Employee) error {
	start := e.CreatedAt
	if e.HiredAt != nil {
		start = *e.HiredAt
	}
	_, err := tx.StartSpell(ctx, e, start.UTC().Truncate(24*time.Hour))
	return err
}

// StartSpell opens an employment spell for e from day startedOn, in e's
// current team and location, and returns its id.
func (tx *Tx) StartSpell(ctx context.Context, e *fresco.Employee, startedOn time.Time) (int64, error) {
	t := now()
	var id int64
	err := tx.QueryRow(ctx, `INSERT INTO employment_spells (employee_id, started_on, team_id, location_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		e.ID, dateText(startedOn), nullID(e.TeamID), nullID(e.LocationID), t, t).Scan(&id)
	return id, err
}

// followUnit keeps the open spell of e in e's team and location: the spell
// counts where the employee works until it ends.
func (tx *Tx) followUnit(ctx context.Context, e *fresco.Employee) error {
	_, err := tx.Exec(ctx, `UPDATE employment_spells SET team_id = ?, location_id = ?
		WHERE employee_id = ? AND left_on IS NULL`, nullID(e.TeamID), nullID(e.LocationID), e.ID)
	return err
}

const spellColumns = `id, employee_id, started_on, left_on, team_id, location_id, COALESCE(reason, ''), regretted, notes, created_at, updated_at`

func scanSpell(row rowScanner) (*fresco.Spell, error) {
	var (
		s              fresco.Spell
		started        string
		left           sql.NullString
		team, location sql.NullInt64
	)
	if err := row.Scan(&s.ID, &s.EmployeeID, &started, &left, &team, &location, &s.Reason, &s.Regretted, &s.Notes,
		&s.CreatedAt, &s.UpdatedAt); err != nil {
		return nil, err
	}
	var err error
	if s.StartedOn, err = parseDateText(started); err != nil {
		return nil, err
	}
	if left.Valid {
		d, err := parseDateText(left.String)
		if err != nil {
			return nil, err
		}
		s.LeftOn = &d
	}
	s.TeamID, s.LocationID = ptrID(team), ptrID(location)
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return &s, nil
}

// Spells returns the employment spells of an employee, oldest first.
func (db *DB) Spells(ctx context.Context, employeeID int64) ([]*fresco.Spell, error) {
	return queryAll(ctx, db, scanSpell, `SELECT `+spellColumns+` FROM employment_spells
		WHERE employee_id = ? ORDER BY started_on, id`, employeeID)
}

// OpenSpell returns the employee's open spell, locked for the change the
// transaction is about to make, or ENOTFOUND when they are not employed.
func (tx *Tx) OpenSpell(ctx context.Context, employeeID int64) (*fresco.Spell, error) {
	s, err := scanSpell(tx.QueryRow(ctx, `SELECT `+spellColumns+` FROM employment_spells
		WHERE employee_id = ? AND left_on IS NULL ORDER BY started_on DESC, id DESC LIMIT 1`+forUpdate(tx), employeeID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "employee %d has no open employment spell", employeeID)
	}
	return s, err
}

// LastSpell returns the employee's latest spell (nil when they have none).
func (tx *Tx) LastSpell(ctx context.Context, employeeID int64) (*fresco.Spell, error) {
	s, err := scanSpell(tx.QueryRow(ctx, `SELECT `+spellColumns+` FROM employment_spells
		WHERE employee_id = ? ORDER BY started_on DESC, id DESC LIMIT 1`, employeeID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return s, err
}

// EndSpell records the exit that ends spell s, freezing the unit it counts
// in. The reason must be on the exit-reason list.
func (tx *Tx) EndSpell(ctx context.Context, s *fresco.Spell, x fresco.Exit) error {
	r, err := tx.ExitReason(ctx, x.Reason)
	if err != nil {
		return err
	}
	if !r.Active {
		return invalid("reason", "%q is no longer offered; choose another", x.Reason)
	}
	s.LeftOn, s.Reason, s.Regretted, s.Notes = &x.LeftOn, x.Reason, x.Regretted, x.Notes
	s.UpdatedAt = now()
	_, err = tx.Exec(ctx, `UPDATE employment_spells SET left_on = ?, reason = ?, regretted = ?, notes = ?, updated_at = ?
		WHERE id = ?`, dateText(x.LeftOn), x.Reason, x.Regretted, x.Notes, s.UpdatedAt, s.ID)
	return err
}

// SpellsOverlapping returns every spell that was open at some point of the
// days [from, to], oldest first: the raw material of headcount and
// turnover.
func (db *DB) SpellsOverlapping(ctx context.Context, from, to time.Time) ([]*fresco.Spell, error) {
	return queryAll(ctx, db, scanSpell, `SELECT `+spellColumns+` FROM employment_spells
		WHERE started_on <= ? AND (left_on IS NULL OR left_on >= ?) ORDER BY started_on, id`, dateText(to), dateText(from))
}

// EmployeeNames returns the names of the employees with the given ids.
func (db *DB) EmployeeNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryMap(ctx, db, out, scanPair[int64, string],
			`SELECT id, name FROM employees WHERE id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return out, err
}

// Trainings.

const trainingColumns = `id, employee_id, course, skill, taken_on, hours, cost, created_at`

func scanTraining(row rowScanner) (*fresco.Training, error) {
	var (
		t     fresco.Training
		taken string
		cost  int64
	)
	if err := row.Scan(&t.ID, &t.EmployeeID, &t.Course, &t.Skill, &taken, &t.Hours, &cost, &t.CreatedAt); err != nil {
		return nil, err
	}
	var err error
	t.TakenOn, err = parseDateText(taken)
	t.Cost, t.CreatedAt = fresco.Money(cost), t.CreatedAt.UTC()
	return &t, err
}

// CreateTraining stores a training record and sets its id.
func (tx *Tx) CreateTraining(ctx context.Context, t *fresco.Training) error {
	if err := t.Validate(); err != nil {
		return err
	}
	t.CreatedAt = now()
	return tx.QueryRow(ctx, `INSERT INTO employee_trainings (employee_id, course, skill, taken_on, hours, cost, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		t.EmployeeID, t.Course, t.Skill, dateText(t.TakenOn), t.Hours, int64(t.Cost), t.CreatedAt).Scan(&t.ID)
}

// Trainings returns an employee's training records, newest first.
func (db *DB) Trainings(ctx context.Context, employeeID int64) ([]*fresco.Training, error) {
	return queryAll(ctx, db, scanTraining, `SELECT `+trainingColumns+` FROM employee_trainings
		WHERE employee_id = ? ORDER BY taken_on DESC, id DESC`, employeeID)
}

// TrainingCost returns what the employee's trainings on days [from, to]
// cost, and how many there were.
func (db *DB) TrainingCost(ctx context.Context, employeeID int64, from, to time.Time) (fresco.Money, int, error) {
	var cost int64
	var n int
	err := db.QueryRow(ctx, `SELECT COALESCE(SUM(cost), 0), COUNT(*) FROM employee_trainings
		WHERE employee_id = ? AND taken_on >= ? AND taken_on <= ?`, employeeID, dateText(from), dateText(to)).Scan(&cost, &n)
	return fresco.Money(cost), n, err
}

// Exit reasons.

// ExitReasons returns the exit-reason list in its order; inactive reasons
// only when asked.
func (db *DB) ExitReasons(ctx context.Context, withInactive bool) ([]fresco.ExitReason, error) {
	q := `SELECT slug, name, position, active FROM exit_reasons`
	if !withInactive {
		q += ` WHERE active`
	}
	return queryAll(ctx, db, scanExitReason, q+` ORDER BY position, slug`)
}

func scanExitReason(row rowScanner) (fresco.ExitReason, error) {
	var r fresco.ExitReason
	err := row.Scan(&r.Slug, &r.Name, &r.Position, &r.Active)
	return r, err
}

// ExitReason returns one reason, or EINVALID naming field reason when the
// list has no such slug.
func (tx *Tx) ExitReason(ctx context.Context, slug string) (fresco.ExitReason, error) {
	r, err := scanExitReason(tx.QueryRow(ctx, `SELECT slug, name, position, active FROM exit_reasons WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return r, invalid("reason", "%q is not on the list of exit reasons", slug)
	}
	return r, err
}

// SaveExitReason adds a reason or changes the name, position and whether
// it is offered of an existing one (the slug stays: exits refer to it).
func (tx *Tx) SaveExitReason(ctx context.Context, r fresco.ExitReason) error {
	if err := r.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE exit_reasons SET name = ?, position = ?, active = ? WHERE slug = ?`,
		strings.TrimSpace(r.Name), r.Position, r.Active, r.Slug)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	_, err = tx.Exec(ctx, `INSERT INTO exit_reasons (slug, name, position, active, created_at) VALUES (?, ?, ?, ?, ?)`,
		r.Slug, strings.TrimSpace(r.Name), r.Position, r.Active, now())
	return err
}

// Manager scope.

// ManagerUnits returns the teams a manager runs or belongs to, and their
// location: the people data they see (package people).
func (db *DB) ManagerUnits(ctx context.Context, managerID int64) (teams []int64, location *int64, err error) {
	loc, _, err := employeeLocation(ctx, db, managerID)
	if err != nil {
		return nil, nil, err
	}
	teams, err = queryAll(ctx, db, scanValue[int64], `SELECT id FROM teams WHERE manager_id = ?
		UNION SELECT team_id FROM employees WHERE id = ? AND team_id IS NOT NULL`, managerID, managerID)
	return teams, loc, err
}

// ServedQuery asks who a leaver served, and who staff who stayed served
// beside them, around the leaver's exit (see people.CustomerValueAtRisk).
type ServedQuery struct {
	Leaver     int64
	LocationID *int64    // the baseline's location; nil: every location
	From, Exit time.Time // the service window [From, Exit)
	LapseEnd   time.Time // purchases in [Exit, LapseEnd) mean the customer stayed
	// A colleague who left on a day in [StayersFrom, StayersTo] is not a
	// stayer: their customers belong to neither group.
	StayersFrom, StayersTo time.Time
}

// ServedCustomer is one customer served in the window.
type ServedCustomer struct {
	CustomerID int64
	ByLeaver   bool    // the leaver served them at least once
	ByStayer   bool    // a stayer served them at the location
	Purchases  int     // their purchases in the window, by anyone
	After      int     // their purchases in [Exit, LapseEnd)
	CLV        float64 // the stored predicted CLV in cents; 0 when never scored
}

// ServedCustomers returns every customer the leaver or a stayer (at the
// location) served in the window, with their purchases before and after
// the exit and their stored CLV. Purchases carry who served
// (purchases.served_by); responses and cases name employees too, but
// almost always for a purchase already counted here.
func (db *DB) ServedCustomers(ctx context.Context, q ServedQuery) ([]ServedCustomer, error) {
	// Without a location every served customer is a candidate.
	loc, sLoc, locArgs := "", ` OR s.served_by IS NOT NULL`, []any{}
	if q.LocationID != nil {
		loc, sLoc, locArgs = ` AND p.location_id = ?`, ` OR s.location_id = ?`, []any{*q.LocationID}
	}
	stayer := `p.served_by <> ?` + loc + ` AND p.served_by NOT IN
		(SELECT employee_id FROM employment_spells WHERE left_on >= ? AND left_on <= ?)`
	args := []any{q.Leaver, q.Leaver}
	args = append(args, locArgs...)
	args = append(args, dateText(q.StayersFrom), dateText(q.StayersTo), q.Exit, q.LapseEnd, q.From, q.Exit, q.From, q.Exit, q.Leaver)
	args = append(args, locArgs...)
	return queryAll(ctx, db, func(row rowScanner) (ServedCustomer, error) {
		var c ServedCustomer
		var byLeaver, byStayer int
		err := row.Scan(&c.CustomerID, &byLeaver, &byStayer, &c.Purchases, &c.After, &c.CLV)
		c.ByLeaver, c.ByStayer = byLeaver == 1, byStayer == 1
		return c, err
	}, `SELECT p.customer_id,
			MAX(CASE WHEN p.served_by = ? THEN 1 ELSE 0 END),
			MAX(CASE WHEN `+stayer+` THEN 1 ELSE 0 END),
			COUNT(*),
			(SELECT COUNT(*) FROM purchases a WHERE a.customer_id = p.customer_id AND a.purchased_at >= ? AND a.purchased_at < ?),
			COALESCE((SELECT v.clv FROM customer_value v WHERE v.customer_id = p.customer_id), 0)
		FROM purchases p
		WHERE p.customer_id IS NOT NULL AND p.purchased_at >= ? AND p.purchased_at < ?
			AND p.customer_id IN (SELECT s.customer_id FROM purchases s
				WHERE s.customer_id IS NOT NULL AND s.purchased_at >= ? AND s.purchased_at < ?
				AND s.served_by IS NOT NULL AND (s.served_by = ?`+sLoc+`))
		GROUP BY p.customer_id ORDER BY p.customer_id`, args...)
}

// HandOver gives colleague to what the employee from served in [since,
// until) (until zero: no end): the purchases, and, when cases is set, every
// case from owns. Package demo draws purchases before it draws exits, and
// hands a leaver's later customers to their replacement with it.
func (tx *Tx) HandOver(ctx context.Context, from, to int64, since, until time.Time, cases bool) error {
	q, args := `UPDATE purchases SET served_by = ? WHERE served_by = ? AND purchased_at >= ?`, []any{to, from, since}
	if !until.IsZero() {
		q, args = q+` AND purchased_at < ?`, append(args, until)
	}
	if _, err := tx.Exec(ctx, q, args...); err != nil || !cases {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE recovery_cases SET owner_id = ? WHERE owner_id = ?`, to, from)
	return err
}
