package store

import (
	"context"
	"database/sql"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const teamColumns = `id, name, location_id, manager_id, created_at`

func scanTeam(row interface{ Scan(...any) error }) (*fresco.Team, error) {
	var (
		t          fresco.Team
		locationID sql.NullInt64
		managerID  sql.NullInt64
	)
	if err := row.Scan(&t.ID, &t.Name, &locationID, &managerID, &t.CreatedAt); err != nil {
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
		VALUES (?, ?, ?, ?) RETURNING id`,
		t.Name, nullID(t.LocationID), nullID(t.ManagerID), t.CreatedAt,
	).Scan(&t.ID)
	return teamWriteError(err, t)
}

// Team returns the team with the given id.
func (db *DB) Team(ctx context.Context, id int64) (*fresco.Team, error) {
	t, err := scanTeam(db.QueryRow(ctx, `SELECT `+teamColumns+` FROM teams WHERE id = ?`, id))
	return t, notFound(err, "team", id)
}

// UpdateTeam writes the name, location and manager of t over the stored team t.ID.
func (db *DB) UpdateTeam(ctx context.Context, t *fresco.Team) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateTeam(ctx, t) })
}

// UpdateTeam writes t over the stored team t.ID within the transaction.
func (tx *Tx) UpdateTeam(ctx context.Context, t *fresco.Team) error {
	if err := t.Validate(); err != nil {
		return err
	}
	if err := tx.checkForeignRefs(ctx, teamForeignRefs(t)...); err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE teams SET name = ?, location_id = ?, manager_id = ? WHERE id = ?`,
		t.Name, nullID(t.LocationID), nullID(t.ManagerID), t.ID)
	if err := teamWriteError(err, t); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "team %d not found", t.ID)
	}
	return nil
}

// ListTeams returns every team, ordered by name. Teams are few, so the list
// is not paged.
func (db *DB) ListTeams(ctx context.Context) ([]*fresco.Team, error) {
	rows, err := db.Query(ctx, `SELECT `+teamColumns+` FROM teams ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []*fresco.Team
	for rows.Next() {
		t, err := scanTeam(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, t)
	}
	return list, rows.Err()
}
