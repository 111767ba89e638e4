package store

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const teamColumns = `id, name, location_id, manager_id, created_at, version`

func scanTeam(row rowScanner) (*fresco.Team, error) {
	var (
		t          fresco.Team
		locationID sql.NullInt64
		managerID  sql.NullInt64
	)
	if err := row.Scan(&t.ID, &t.Name, &locationID, &managerID, &t.CreatedAt, &t.Version); err != nil {
		return nil, err
	}
	t.LocationID, t.ManagerID = ptrID(locationID), ptrID(managerID)
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

func teamForeignRefs(t *fresco.Team) []foreignRef {
	return []foreignRef{
		{field: "location_id", table: "locations", what: "location", id: t.LocationID},
		{field: "manager_id", table: "employees", what: "employee", id: t.ManagerID},
	}
}

func teamWriteError(err error, t *fresco.Team) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return conflict("name", "a team named %q already exists", t.Name)
	case isForeignKeyViolation(err):
		return foreignRefError(teamForeignRefs(t)...)
	default:
		return err
	}
}

// CreateTeam stores a new team and sets its ID and creation time.
func (db *DB) CreateTeam(ctx context.Context, t *fresco.Team) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateTeam(ctx, t) })
}

// CreateTeam stores a new team within the transaction.
func (tx *Tx) CreateTeam(ctx context.Context, t *fresco.Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := tx.checkForeignRefs(ctx, teamForeignRefs(t)...); err != nil {
		return err
	}
	t.CreatedAt = now()
	err := tx.QueryRow(ctx, `INSERT INTO teams (name, location_id, manager_id, created_at)
		VALUES (?, ?, ?, ?) RETURNING id, version`,
		t.Name, nullID(t.LocationID), nullID(t.ManagerID), t.CreatedAt,
	).Scan(&t.ID, &t.Version)
	return teamWriteError(err, t)
}

// Team returns the team with the given id.
func (db *DB) Team(ctx context.Context, id int64) (*fresco.Team, error) {
	t, err := scanTeam(db.QueryRow(ctx, `SELECT `+teamColumns+` FROM teams WHERE id = ?`, id))
	return t, notFound(err, "team", id)
}

// UpdateTeam writes the name, location and manager of t over the stored team
// t.ID, whatever its version, and sets t.Version to the new version.
func (db *DB) UpdateTeam(ctx context.Context, t *fresco.Team) error {
	return db.UpdateTeamIfVersion(ctx, t, AnyVersion)
}

// UpdateTeamIfVersion is UpdateTeam for a writer that read the team at
// version: when the stored team has moved past it, nothing is written and the
// error is ESTALE.
func (db *DB) UpdateTeamIfVersion(ctx context.Context, t *fresco.Team, version int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.updateTeam(ctx, t, version) })
}

// UpdateTeamIfVersion is the DB method of that name in the caller's
// transaction, so that the change and its audit record are committed together.
func (tx *Tx) UpdateTeamIfVersion(ctx context.Context, t *fresco.Team, version int64) error {
	return tx.updateTeam(ctx, t, version)
}

// UpdateTeam writes t over the stored team t.ID within the transaction.
func (tx *Tx) UpdateTeam(ctx context.Context, t *fresco.Team) error {
	return tx.updateTeam(ctx, t, AnyVersion)
}

func (tx *Tx) updateTeam(ctx context.Context, t *fresco.Team, version int64) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := tx.checkForeignRefs(ctx, teamForeignRefs(t)...); err != nil {
		return err
	}
	err := tx.QueryRow(ctx, `UPDATE teams SET name = ?, location_id = ?, manager_id = ?, version = version + 1
		WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		t.Name, nullID(t.LocationID), nullID(t.ManagerID), t.ID, expectedVersion(version),
	).Scan(&t.Version)
	return tx.versionedWriteError(ctx, err, "teams", "team", t.ID, version,
		func(err error) error { return teamWriteError(err, t) })
}

// ListTeams returns every team, ordered by name. Teams are few, so the list
// is not paged.
func (db *DB) ListTeams(ctx context.Context) ([]*fresco.Team, error) {
	return queryAll(ctx, db, scanTeam, `SELECT `+teamColumns+` FROM teams ORDER BY name, id`)
}
