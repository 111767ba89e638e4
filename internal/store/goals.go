package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Satisfaction goals (migration 00047) and the measures they are judged on
// that no other report already counts per scope: follow-ups closed, and
// SLA-tracked cases.

const goalColumns = `id, name, metric, scope, location_id, team_id, segment, direction, target, period, starts_on, ends_on,
	owner_id, created_by, version, created_at, updated_at`

func scanGoal(row rowScanner) (*fresco.Goal, error) {
	var (
		g                     fresco.Goal
		location, team, owner sql.NullInt64
		starts, ends          sql.NullString
	)
	if err := row.Scan(&g.ID, &g.Name, &g.Metric, &g.Scope, &location, &team, &g.Segment, &g.Direction, &g.Target,
		&g.Period, &starts, &ends, &owner, &g.CreatedBy, &g.Version, &g.CreatedAt, &g.UpdatedAt); err != nil {
		return nil, err
	}
	g.LocationID, g.TeamID, g.OwnerID = ptrID(location), ptrID(team), ptrID(owner)
	for _, d := range []struct {
		text sql.NullString
		into **time.Time
	}{{starts, &g.StartsOn}, {ends, &g.EndsOn}} {
		if d.text.Valid {
			t, err := parseDateText(d.text.String)
			if err != nil {
				return nil, err
			}
			*d.into = &t
		}
	}
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	return &g, nil
}

func datePtrText(t *time.Time) any {
	if t == nil {
		return nil
	}
	return dateText(*t)
}

// Goals lists every goal, oldest first.
func (db *DB) Goals(ctx context.Context) ([]*fresco.Goal, error) {
	return queryAll(ctx, db, scanGoal, `SELECT `+goalColumns+` FROM goals ORDER BY id`)
}

// Goal returns one goal (ENOTFOUND when there is none).
func (db *DB) Goal(ctx context.Context, id int64) (*fresco.Goal, error) {
	g, err := scanOne(ctx, db, scanGoal, `SELECT `+goalColumns+` FROM goals WHERE id = ?`, id)
	return g, notFound(err, "goal", id)
}

// Goal reads one goal inside a transaction, for a change decided on it.
func (tx *Tx) Goal(ctx context.Context, id int64) (*fresco.Goal, error) {
	g, err := scanOne(ctx, tx, scanGoal, `SELECT `+goalColumns+` FROM goals WHERE id = ?`, id)
	return g, notFound(err, "goal", id)
}

// InsertGoal stores a new goal and sets its id, version and times.
func (tx *Tx) InsertGoal(ctx context.Context, g *fresco.Goal) error {
	t := now()
	g.CreatedAt, g.UpdatedAt, g.Version = t, t, 1
	return tx.QueryRow(ctx, `INSERT INTO goals (name, metric, scope, location_id, team_id, segment, direction, target, period,
		starts_on, ends_on, owner_id, created_by, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		g.Name, g.Metric, g.Scope, nullID(g.LocationID), nullID(g.TeamID), g.Segment, g.Direction, g.Target, g.Period,
		datePtrText(g.StartsOn), datePtrText(g.EndsOn), nullID(g.OwnerID), g.CreatedBy, t, t).Scan(&g.ID)
}

// UpdateGoalIfVersion writes g's fields when the stored version is
// version (nil: any), moving the version on; false when it had moved.
func (tx *Tx) UpdateGoalIfVersion(ctx context.Context, g *fresco.Goal, version *int64) (bool, error) {
	t := now()
	err := tx.QueryRow(ctx, `UPDATE goals SET name = ?, metric = ?, scope = ?, location_id = ?, team_id = ?, segment = ?,
		direction = ?, target = ?, period = ?, starts_on = ?, ends_on = ?, version = version + 1, updated_at = ?
		WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		g.Name, g.Metric, g.Scope, nullID(g.LocationID), nullID(g.TeamID), g.Segment, g.Direction, g.Target, g.Period,
		datePtrText(g.StartsOn), datePtrText(g.EndsOn), t, g.ID, version).Scan(&g.Version)
	if err == sql.ErrNoRows {
		return false, nil
	}
	g.UpdatedAt = t
	return err == nil, err
}

// DeleteGoal removes a goal.
func (tx *Tx) DeleteGoal(ctx context.Context, id int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM goals WHERE id = ?`, id)
	return err
}

// TeamMemberIDs returns the ids of a team's current members, the
// employees whose answers, follow-ups and cases count for a team's goal.
func (db *DB) TeamMemberIDs(ctx context.Context, teamID int64) ([]int64, error) {
	return queryAll(ctx, db, scanValue[int64], `SELECT id FROM employees WHERE team_id = ? ORDER BY id`, teamID)
}

// ScopeFilter narrows the measures below to a goal's scope: a location,
// the current members of a team, or a customer segment (the segment of
// the response a follow-up or case came from); all unset is everything.
type ScopeFilter struct {
	LocationID *int64
	TeamID     *int64
	Segment    string
}

// where adds the filter's conditions on a table aliased x whose location
// is location_id, whose employee is employee and whose response is
// response.
func (f ScopeFilter) where(w *conditions, employee, response string) {
	w.idIs("x.location_id", f.LocationID)
	if f.TeamID != nil {
		w.add(employee+" IN (SELECT id FROM employees WHERE team_id = ?)", *f.TeamID)
	}
	if f.Segment != "" {
		w.add(response+" IN (SELECT id FROM responses WHERE segment = ?)", f.Segment)
	}
}

// FollowUpClosures returns the opening and closing times of the
// follow-ups closed in [from, to) within f, for the mean closure time.
func (db *DB) FollowUpClosures(ctx context.Context, f ScopeFilter, from, to time.Time) ([]time.Duration, error) {
	var w conditions
	w.add("x.status = 'closed'")
	w.within("x.closed_at", from, to)
	f.where(&w, "x.owner_id", "x.response_id")
	return queryAll(ctx, db, func(row rowScanner) (time.Duration, error) {
		var opened, closed time.Time
		err := row.Scan(&opened, &closed)
		return closed.Sub(opened), err
	}, `SELECT x.created_at, x.closed_at FROM follow_ups x WHERE `+w.sql(), w.args...)
}

// SLACounts counts the cases opened in [from, to) within f that an SLA
// tracked (not merged), and of them those that never breached it.
func (db *DB) SLACounts(ctx context.Context, f ScopeFilter, from, to time.Time) (tracked, met int, err error) {
	var w conditions
	w.add("x.status <> 'merged'")
	w.add("x.sla_status <> 'none'")
	w.within("x.opened_at", from, to)
	f.where(&w, "x.owner_id", "x.source_response_id")
	err = db.QueryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN x.sla_breached THEN 0 ELSE 1 END), 0)
		FROM recovery_cases x WHERE `+w.sql(), w.args...).Scan(&tracked, &met)
	return tracked, met, err
}

// ClaimGoalDigest records that week's goal digest as sent, with how many
// notifications it made; false when it already was (nothing is written).
// Called in the transaction that queues the digest, so a digest is queued
// once per week however many replicas or retries run it.
func (tx *Tx) ClaimGoalDigest(ctx context.Context, week string, notifications int) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO goal_digests (week, notifications, sent_at) VALUES (?, ?, ?)
		ON CONFLICT (week) DO NOTHING`, week, notifications, now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// TeamManagers returns who is told about a team as a whole: its manager
// when active, else the rest of the escalation ladder from the team's
// location (rungs 2 to 4).
func (tx *Tx) TeamManagers(ctx context.Context, teamID int64) ([]int64, error) {
	var manager, location sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT m.id, t.location_id FROM teams t
		LEFT JOIN employees m ON m.id = t.manager_id AND m.active WHERE t.id = ?`, teamID).Scan(&manager, &location)
	if err != nil {
		return nil, notFound(err, "team", teamID)
	}
	if manager.Valid {
		return []int64{manager.Int64}, nil
	}
	return tx.LocationManagers(ctx, ptrID(location))
}

// EmployeeActive reports whether an employee exists and is active.
func (tx *Tx) EmployeeActive(ctx context.Context, id int64) (bool, error) {
	var active bool
	err := tx.QueryRow(ctx, `SELECT active FROM employees WHERE id = ?`, id).Scan(&active)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return active, err
}
