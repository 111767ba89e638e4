// Package people keeps the employee half of the service-profit chain:
// training records, employment spells ended by exits (with a reason from an
// editable list, regretted or not, and exit-interview notes) and rehires,
// headcount and retention per unit and month, and what turnover costs.
//
// Every rule and audit record lives here, written in the change's
// transaction. Who sees what: owners everything; managers the records of
// their own teams and location (a manager's API token, which names no
// employee, is business-wide like the rest of the API); agents only their
// own trainings; analysts aggregates only (retention, turnover cost), never
// a leaver's name or exit notes.
package people

import (
	"context"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// Actor is who asks: the same as package staff's.
type Actor = staff.Actor

// Service reads and changes people records.
type Service struct {
	db   *store.DB
	zone func(context.Context) *time.Location // the business's time zone: its days and months
	now  func() time.Time
}

// New returns the service over db. zone gives the business's time zone
// (nil: UTC); now the time (nil: time.Now).
func New(db *store.DB, zone func(context.Context) *time.Location, now func() time.Time) *Service {
	if zone == nil {
		zone = func(context.Context) *time.Location { return time.UTC }
	}
	if now == nil {
		now = time.Now
	}
	return &Service{db: db, zone: zone, now: now}
}

// Today is the business's current day, as a UTC midnight like every date
// of this package.
func (s *Service) Today(ctx context.Context) time.Time {
	return Day(s.now().In(s.zone(ctx)))
}

// Day is the civil day of t (in t's own zone) as a UTC midnight.
func Day(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// startOf is the instant day d begins in the business's zone.
func startOf(d time.Time, zone *time.Location) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, zone)
}

const auditEntity = "employee"

func audit(ctx context.Context, tx *store.Tx, a Actor, action string, id int64, detail any) error {
	return tx.Audit(ctx, a.Ref, action, auditEntity, strconv.FormatInt(id, 10), detail)
}

func forbidden(format string, args ...any) error {
	return fresco.Errorf(fresco.EFORBIDDEN, format, args...)
}

// managerSees reports whether a manager may see target's people record:
// target works in a team the manager runs or belongs to, or at the
// manager's location. A manager with neither (or a token, which names no
// employee) manages the whole business.
func (s *Service) managerSees(ctx context.Context, a Actor, target *fresco.Employee) (bool, error) {
	if a.EmployeeID == nil || *a.EmployeeID == target.ID {
		return true, nil
	}
	teams, loc, err := s.db.ManagerUnits(ctx, *a.EmployeeID)
	if err != nil {
		return false, err
	}
	if len(teams) == 0 && loc == nil {
		return true, nil
	}
	if loc != nil && target.LocationID != nil && *loc == *target.LocationID {
		return true, nil
	}
	for _, t := range teams {
		if target.TeamID != nil && *target.TeamID == t {
			return true, nil
		}
	}
	return false, nil
}

// checkRecord refuses an actor who may not see (and, being a manager or
// owner, change) target's people record.
func (s *Service) checkRecord(ctx context.Context, a Actor, target *fresco.Employee) error {
	switch a.Role {
	case fresco.RoleOwner:
		return nil
	case fresco.RoleManager:
		ok, err := s.managerSees(ctx, a, target)
		if err != nil || ok {
			return err
		}
		return forbidden("a manager sees the people records of their own team and location only")
	}
	return forbidden("only owners and managers see employees' records")
}

// employee loads target and checks the actor may see their record.
func (s *Service) employee(ctx context.Context, a Actor, id int64) (*fresco.Employee, error) {
	e, err := s.db.Employee(ctx, id)
	if err != nil {
		return nil, err
	}
	return e, s.checkRecord(ctx, a, e)
}

// Record is an employee's people record.
type Record struct {
	Employee  *fresco.Employee
	Spells    []*fresco.Spell
	Trainings []*fresco.Training
}

// Record returns employee id's spells and trainings.
func (s *Service) Record(ctx context.Context, a Actor, id int64) (*Record, error) {
	e, err := s.employee(ctx, a, id)
	if err != nil {
		return nil, err
	}
	r := &Record{Employee: e}
	if r.Spells, err = s.db.Spells(ctx, id); err != nil {
		return nil, err
	}
	r.Trainings, err = s.db.Trainings(ctx, id)
	return r, err
}

// Spells returns employee id's employment spells, oldest first.
func (s *Service) Spells(ctx context.Context, a Actor, id int64) ([]*fresco.Spell, error) {
	if _, err := s.employee(ctx, a, id); err != nil {
		return nil, err
	}
	return s.db.Spells(ctx, id)
}

// Trainings returns employee id's trainings, newest first. Agents see
// their own.
func (s *Service) Trainings(ctx context.Context, a Actor, id int64) ([]*fresco.Training, error) {
	if !(a.Role == fresco.RoleAgent && a.EmployeeID != nil && *a.EmployeeID == id) {
		if _, err := s.employee(ctx, a, id); err != nil {
			return nil, err
		}
	} else if _, err := s.db.Employee(ctx, id); err != nil {
		return nil, err
	}
	return s.db.Trainings(ctx, id)
}

// AddTraining records a training of employee t.EmployeeID.
func (s *Service) AddTraining(ctx context.Context, a Actor, t *fresco.Training) error {
	if _, err := s.employee(ctx, a, t.EmployeeID); err != nil {
		return err
	}
	var v fresco.Validation
	v.Merge("", t.Validate())
	v.Check(!t.TakenOn.After(s.Today(ctx).AddDate(1, 0, 0)), "taken_on", "is more than a year ahead")
	if err := v.Err(); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTraining(ctx, t); err != nil {
			return err
		}
		return audit(ctx, tx, a, "training.add", t.EmployeeID, map[string]any{"training": t.ID, "course": t.Course,
			"taken_on": t.TakenOn.Format(time.DateOnly), "hours": t.Hours, "cost": t.Cost})
	})
}

// leaveChange loads employee id for a change of their employment, and
// refuses one the actor may not make: outside their unit, their own (they
// would lock themselves out), or an owner's by anyone but an owner.
func (s *Service) leaveChange(ctx context.Context, a Actor, id int64) (*fresco.Employee, error) {
	e, err := s.employee(ctx, a, id)
	switch {
	case err != nil:
		return nil, err
	case a.EmployeeID != nil && *a.EmployeeID == id:
		return nil, fresco.Errorf(fresco.EINVALID, "You can't record your own exit or rehire. Ask an owner.")
	case e.Role == fresco.RoleOwner && a.Role != fresco.RoleOwner:
		return nil, forbidden("only an owner records an owner's exit or rehire")
	}
	return e, nil
}

// RecordExit ends employee id's open spell with x and deactivates their
// login (ending their sessions). The employee and their history stay.
func (s *Service) RecordExit(ctx context.Context, a Actor, id int64, x fresco.Exit) (*fresco.Spell, error) {
	e, err := s.leaveChange(ctx, a, id)
	if err != nil {
		return nil, err
	}
	var sp *fresco.Spell
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if sp, err = tx.OpenSpell(ctx, id); err != nil {
			if fresco.ErrorCode(err) == fresco.ENOTFOUND {
				return fresco.Errorf(fresco.ECONFLICT, "%s has already left; rehire them first", e.Name)
			}
			return err
		}
		if err := x.Validate(sp.StartedOn, s.Today(ctx)); err != nil {
			return err
		}
		if err := tx.EndSpell(ctx, sp, x); err != nil {
			return err
		}
		if err := setActive(ctx, tx, id, false); err != nil {
			return err
		}
		return audit(ctx, tx, a, "exit", id, map[string]any{"spell": sp.ID, "left_on": x.LeftOn.Format(time.DateOnly),
			"reason": x.Reason, "regretted": x.Regretted})
	})
	return sp, err
}

// setActive switches an employee's login, ending their sessions when it
// stops.
func setActive(ctx context.Context, tx *store.Tx, id int64, active bool) error {
	e, err := tx.Employee(ctx, id)
	if err != nil || e.Active == active {
		return err
	}
	e.Active = active
	if err := tx.UpdateEmployee(ctx, e); err != nil {
		return err
	}
	if !active {
		return tx.DeleteEmployeeSessions(ctx, id)
	}
	return nil
}

// Rehire is a new employment spell for someone who left.
type Rehire struct {
	StartedOn       time.Time
	TeamID          *int64 // nil: as before
	LocationID      *int64 // nil: as before
	JobTitle        *string
	ReactivateLogin bool
}

// Rehire opens a new spell for employee id, who must have left before
// in.StartedOn, optionally in a new team, location or job, and reactivates
// their login when asked.
func (s *Service) Rehire(ctx context.Context, a Actor, id int64, in Rehire) (*fresco.Spell, error) {
	e, err := s.leaveChange(ctx, a, id)
	if err != nil {
		return nil, err
	}
	var sp *fresco.Spell
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		last, err := tx.LastSpell(ctx, id)
		if err != nil {
			return err
		}
		if err := checkRehire(last, in, s.Today(ctx)); err != nil {
			return err
		}
		if e, err = tx.Employee(ctx, id); err != nil {
			return err
		}
		if in.TeamID != nil {
			e.TeamID = in.TeamID
		}
		if in.LocationID != nil {
			e.LocationID = in.LocationID
		}
		if in.JobTitle != nil {
			e.JobTitle = *in.JobTitle
		}
		e.Active = e.Active || in.ReactivateLogin
		if err := tx.UpdateEmployee(ctx, e); err != nil {
			return err
		}
		spellID, err := tx.StartSpell(ctx, e, in.StartedOn)
		if err != nil {
			return err
		}
		sp = &fresco.Spell{ID: spellID, EmployeeID: id, StartedOn: in.StartedOn, TeamID: e.TeamID, LocationID: e.LocationID}
		return audit(ctx, tx, a, "rehire", id, map[string]any{"spell": spellID, "started_on": in.StartedOn.Format(time.DateOnly),
			"login_active": e.Active})
	})
	return sp, err
}

func checkRehire(last *fresco.Spell, in Rehire, today time.Time) error {
	var v fresco.Validation
	switch {
	case in.StartedOn.IsZero():
		v.Add("started_on", "is required (YYYY-MM-DD)")
	case in.StartedOn.After(today.AddDate(1, 0, 0)):
		v.Add("started_on", "is more than a year ahead")
	case last != nil && last.LeftOn != nil && !in.StartedOn.After(*last.LeftOn):
		v.Add("started_on", "must be after the last day of the previous spell (%s)", last.LeftOn.Format(time.DateOnly))
	}
	if err := v.Err(); err != nil {
		return err
	}
	if last != nil && last.Open() {
		return fresco.Errorf(fresco.ECONFLICT, "the employee has not left: record their exit before a rehire")
	}
	return nil
}

// ExitReasons returns the list of exit reasons (inactive ones when asked).
func (s *Service) ExitReasons(ctx context.Context, withInactive bool) ([]fresco.ExitReason, error) {
	return s.db.ExitReasons(ctx, withInactive)
}

// SaveExitReason adds or changes an exit reason. Owners keep the list.
func (s *Service) SaveExitReason(ctx context.Context, a Actor, r fresco.ExitReason) error {
	if a.Role != fresco.RoleOwner {
		return forbidden("only an owner changes the list of exit reasons")
	}
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SaveExitReason(ctx, r); err != nil {
			return err
		}
		return tx.Audit(ctx, a.Ref, "exit_reason.save", "exit_reason", r.Slug,
			map[string]any{"name": r.Name, "position": r.Position, "active": r.Active})
	})
}
