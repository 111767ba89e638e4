package store

import (
	"context"
	"database/sql"
	"errors"
)

// Who gets escalated to. Everything that escalates — a case that breaches
// its SLA, a gesture beyond the requester's authority, a recurring problem,
// a case nobody was named to own, a follow-up's manager, the digest of
// satisfied customers who seem to be leaving — climbs one ladder and stops
// at the first rung that names somebody:
//
//  1. the manager of the employee's team, when the escalation starts from an
//     employee (a follow-up starts from the employee who served);
//  2. the managers of the teams based at the location, when the escalation
//     is about the location as a whole (a case is);
//  3. the managers (role manager) based at the location: the one given, else
//     the employee's;
//  4. the owners.
//
// Only active employees are escalated to, each rung lists them in id order,
// and the employee the escalation starts from is never escalated to.
type escalation struct {
	from          *int64 // rung 1; nil: the escalation does not start from an employee
	location      *int64 // rungs 2 and 3; nil: from's location, if any
	locationTeams bool   // whether rung 2 applies
}

// escalationManagers returns the employees of the first rung of the ladder
// that names anybody (nil when even rung 4 is empty).
func escalationManagers(ctx context.Context, q Querier, e escalation) ([]int64, error) {
	var self int64 // ids start at 1, so 0 excludes nobody
	location := e.location
	if e.from != nil {
		self = *e.from
		ids, err := queryAll(ctx, q, scanValue[int64], `SELECT t.manager_id FROM employees e
			JOIN teams t ON t.id = e.team_id
			JOIN employees m ON m.id = t.manager_id AND m.active
			WHERE e.id = ? AND t.manager_id <> e.id`, self)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
		if location == nil {
			if location, _, err = employeeLocation(ctx, q, self); err != nil {
				return nil, err
			}
		}
	}
	if location != nil {
		if e.locationTeams {
			ids, err := queryAll(ctx, q, scanValue[int64], `SELECT DISTINCT t.manager_id FROM teams t
				JOIN employees e ON e.id = t.manager_id
				WHERE t.location_id = ? AND e.active AND t.manager_id <> ? ORDER BY t.manager_id`, *location, self)
			if err != nil || len(ids) > 0 {
				return ids, err
			}
		}
		ids, err := queryAll(ctx, q, scanValue[int64], `SELECT id FROM employees
			WHERE role = 'manager' AND active AND location_id = ? AND id <> ? ORDER BY id`, *location, self)
		if err != nil || len(ids) > 0 {
			return ids, err
		}
	}
	return queryAll(ctx, q, scanValue[int64], `SELECT id FROM employees WHERE role = 'owner' AND active AND id <> ? ORDER BY id`, self)
}

// LocationManagers returns everyone escalated to about a location (rungs 2
// to 4 of the escalation ladder): the managers of its teams, else its
// managers, else the owners. A nil location goes to the owners.
func (tx *Tx) LocationManagers(ctx context.Context, locationID *int64) ([]int64, error) {
	return escalationManagers(ctx, tx, escalation{location: locationID, locationTeams: true})
}

// ManagerOf returns the one person an employee's follow-up escalates to
// (rungs 1, 3 and 4 of the escalation ladder, the first in id order): the
// manager of their team, else a manager of the location (the response's,
// else the employee's), else an owner. It returns nil when there is nobody,
// and never the employee themself. employeeID may be nil.
func (tx *Tx) ManagerOf(ctx context.Context, employeeID, locationID *int64) (*int64, error) {
	ids, err := escalationManagers(ctx, tx, escalation{from: employeeID, location: locationID})
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	return &ids[0], nil
}

// ManagersByLocation returns rung 3 of the escalation ladder for every
// location at once (location id → its active managers): the periodic digest
// goes to each location's managers, and to the owners (rung 4) whole.
func (db *DB) ManagersByLocation(ctx context.Context) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	err := queryEach(ctx, db, func(row rowScanner) error {
		var loc, id int64
		if err := row.Scan(&loc, &id); err != nil {
			return err
		}
		out[loc] = append(out[loc], id)
		return nil
	}, `SELECT location_id, id FROM employees
		WHERE role = 'manager' AND active AND location_id IS NOT NULL ORDER BY location_id, id`)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ActiveEmployeeIDs returns the ids of the active employees with a role.
func (db *DB) ActiveEmployeeIDs(ctx context.Context, role string) ([]int64, error) {
	return activeEmployeeIDs(ctx, db, role)
}

// ActiveEmployeeIDs is DB.ActiveEmployeeIDs inside a transaction.
func (tx *Tx) ActiveEmployeeIDs(ctx context.Context, role string) ([]int64, error) {
	return activeEmployeeIDs(ctx, tx, role)
}

func activeEmployeeIDs(ctx context.Context, q Querier, role string) ([]int64, error) {
	return queryAll(ctx, q, scanValue[int64], `SELECT id FROM employees WHERE role = ? AND active ORDER BY id`, role)
}

// EmployeeLocation returns the employee's location (nil when none) and
// whether the employee exists.
func (tx *Tx) EmployeeLocation(ctx context.Context, employeeID int64) (*int64, bool, error) {
	return employeeLocation(ctx, tx, employeeID)
}

func employeeLocation(ctx context.Context, q Querier, employeeID int64) (*int64, bool, error) {
	var loc sql.NullInt64
	err := q.QueryRow(ctx, `SELECT location_id FROM employees WHERE id = ?`, employeeID).Scan(&loc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return ptrID(loc), true, nil
}
