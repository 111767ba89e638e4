package store

import (
	"context"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const locationColumns = `id, name, timezone, address, created_at`

func scanLocation(row rowScanner) (*fresco.Location, error) {
	var l fresco.Location
	if err := row.Scan(&l.ID, &l.Name, &l.Timezone, &l.Address, &l.CreatedAt); err != nil {
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
		VALUES (?, ?, ?, ?) RETURNING id`,
		l.Name, l.Timezone, l.Address, l.CreatedAt,
	).Scan(&l.ID)
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
// location l.ID.
func (db *DB) UpdateLocation(ctx context.Context, l *fresco.Location) error {
	return db.InTx(ctx, func(tx *Tx) error { return tx.UpdateLocation(ctx, l) })
}

// UpdateLocation writes l over the stored location l.ID within the transaction.
func (tx *Tx) UpdateLocation(ctx context.Context, l *fresco.Location) error {
	if err := l.Validate(); err != nil {
		return err
	}
	res, err := tx.Exec(ctx, `UPDATE locations SET name = ?, timezone = ?, address = ? WHERE id = ?`,
		l.Name, l.Timezone, l.Address, l.ID)
	if err := locationWriteError(err, l); err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fresco.Errorf(fresco.ENOTFOUND, "location %d not found", l.ID)
	}
	return nil
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
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Limit)
	where := []string{"id > ?"}
	args := []any{after}
	if s := strings.TrimSpace(f.Search); s != "" {
		like := "%" + strings.ToLower(s) + "%"
		where = append(where, "(LOWER(name) LIKE ? OR LOWER(address) LIKE ?)")
		args = append(args, like, like)
	}
	return listPage(ctx, db, locationColumns, "locations", where, args, limit, scanLocation,
		func(x *fresco.Location) int64 { return x.ID })
}
