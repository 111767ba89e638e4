package store

import (
	"context"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const locationColumns = `id, name, timezone, address, created_at, version`

func scanLocation(row rowScanner) (*fresco.Location, error) {
	var l fresco.Location
	if err := row.Scan(&l.ID, &l.Name, &l.Timezone, &l.Address, &l.CreatedAt, &l.Version); err != nil {
		return nil, err
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return &l, nil
}

func locationWriteError(err error, l *fresco.Location) error {
	switch {
	case err == nil:
		return nil
	case isUniqueViolation(err):
		return conflict("name", "a location named %q already exists", l.Name)
	default:
		return err
	}
}

// CreateLocation stores a new location and sets its ID and creation time. An
// empty time zone becomes "UTC".
func (db *DB) CreateLocation(ctx context.Context, l *fresco.Location) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.CreateLocation(ctx, l) })
}

// CreateLocation stores a new location within the transaction.
func (tx *Tx) CreateLocation(ctx context.Context, l *fresco.Location) error {
	if err := l.Validate(); err != nil {
		return err
	}
	l.CreatedAt = now()
	err := tx.QueryRow(ctx, `INSERT INTO locations (name, timezone, address, created_at)
		VALUES (?, ?, ?, ?) RETURNING id, version`,
		l.Name, l.Timezone, l.Address, l.CreatedAt,
	).Scan(&l.ID, &l.Version)
	return locationWriteError(err, l)
}

// Location returns the location with the given id.
func (db *DB) Location(ctx context.Context, id int64) (*fresco.Location, error) {
	l, err := scanLocation(db.QueryRow(ctx, `SELECT `+locationColumns+` FROM locations WHERE id = ?`, id))
	return l, notFound(err, "location", id)
}

// LocationByName returns the location with exactly the given name.
func (db *DB) LocationByName(ctx context.Context, name string) (*fresco.Location, error) {
	l, err := scanLocation(db.QueryRow(ctx, `SELECT `+locationColumns+` FROM locations WHERE name = ?`, name))
	return l, notFound(err, "location named", name)
}

// UpdateLocation writes the name, time zone and address of l over the stored
// location l.ID, whatever its version, and sets l.Version to the new version.
func (db *DB) UpdateLocation(ctx context.Context, l *fresco.Location) error {
	return db.UpdateLocationIfVersion(ctx, l, AnyVersion)
}

// UpdateLocationIfVersion is UpdateLocation for a writer that read the
// location at version: when the stored location has moved past it, nothing
// is written and the error is ESTALE.
func (db *DB) UpdateLocationIfVersion(ctx context.Context, l *fresco.Location, version int64) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.updateLocation(ctx, l, version) })
}

// UpdateLocationIfVersion is the DB method of that name in the caller's
// transaction, so that the change and its audit record are committed together.
func (tx *Tx) UpdateLocationIfVersion(ctx context.Context, l *fresco.Location, version int64) error {
	return tx.updateLocation(ctx, l, version)
}

// UpdateLocation writes l over the stored location l.ID within the transaction.
func (tx *Tx) UpdateLocation(ctx context.Context, l *fresco.Location) error {
	return tx.updateLocation(ctx, l, AnyVersion)
}

func (tx *Tx) updateLocation(ctx context.Context, l *fresco.Location, version int64) error {
	if err := l.Validate(); err != nil {
		return err
	}
	err := tx.QueryRow(ctx, `UPDATE locations SET name = ?, timezone = ?, address = ?, version = version + 1
		WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		l.Name, l.Timezone, l.Address, l.ID, expectedVersion(version),
	).Scan(&l.Version)
	return tx.versionedWriteError(ctx, err, "locations", "location", l.ID, version,
		func(err error) error { return locationWriteError(err, l) })
}

// LocationFilter selects locations for a list.
type LocationFilter struct {
	Search string // matches name or address, case-insensitively
	Cursor string
	Limit  int
}

// ListLocations returns a page of locations ordered by id, and the cursor of
// the next page ("" at the end).
func (db *DB) ListLocations(ctx context.Context, f LocationFilter) ([]*fresco.Location, string, error) {
	var w conditions
	if s := strings.TrimSpace(f.Search); s != "" {
		like := "%" + strings.ToLower(s) + "%"
		w.add("(LOWER(name) LIKE ? OR LOWER(address) LIKE ?)", like, like)
	}
	return listPage(ctx, db, locationColumns, "locations", &w, f.Cursor, f.Limit, scanLocation,
		func(x *fresco.Location) int64 { return x.ID })
}
