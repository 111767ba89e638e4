package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Remembered preferences (migration 00053): staff's notes of how a
// customer likes to be served. Who may see a sensitive note is decided by
// package anticipate; the store returns them all.

const preferenceColumns = `id, customer_id, kind, text, source, sensitive, sensitive_category, expires_on, created_by, version, created_at, updated_at`

func scanPreference(row rowScanner) (*fresco.PreferenceNote, error) {
	var (
		n       fresco.PreferenceNote
		expires sql.NullString
	)
	if err := row.Scan(&n.ID, &n.CustomerID, &n.Kind, &n.Text, &n.Source, &n.Sensitive, &n.SensitiveCategory, &expires,
		&n.CreatedBy, &n.Version, &n.CreatedAt, &n.UpdatedAt); err != nil {
		return nil, err
	}
	if expires.Valid {
		t, err := parseDateText(expires.String)
		if err != nil {
			return nil, err
		}
		n.ExpiresOn = &t
	}
	n.CreatedAt, n.UpdatedAt = n.CreatedAt.UTC(), n.UpdatedAt.UTC()
	return &n, nil
}

// CustomerPreferences lists a customer's notes, oldest first; with
// current, only those that still hold on day today (not expired).
func (db *DB) CustomerPreferences(ctx context.Context, customerID int64, current bool, today time.Time) ([]*fresco.PreferenceNote, error) {
	q := `SELECT ` + preferenceColumns + ` FROM customer_preferences WHERE customer_id = ?`
	args := []any{customerID}
	if current {
		q += ` AND (expires_on IS NULL OR expires_on >= ?)`
		args = append(args, dateText(today))
	}
	return queryAll(ctx, db, scanPreference, q+` ORDER BY id`, args...)
}

// Preference returns one note (ENOTFOUND when there is none).
func (db *DB) Preference(ctx context.Context, id int64) (*fresco.PreferenceNote, error) {
	n, err := scanOne(ctx, db, scanPreference, `SELECT `+preferenceColumns+` FROM customer_preferences WHERE id = ?`, id)
	return n, notFound(err, "preference", id)
}

// Preference reads one note inside a transaction, for a change decided on it.
func (tx *Tx) Preference(ctx context.Context, id int64) (*fresco.PreferenceNote, error) {
	n, err := scanOne(ctx, tx, scanPreference, `SELECT `+preferenceColumns+` FROM customer_preferences WHERE id = ?`, id)
	return n, notFound(err, "preference", id)
}

// InsertPreference stores a new note with its times as given (the
// service's clock) and sets its id and version.
func (tx *Tx) InsertPreference(ctx context.Context, n *fresco.PreferenceNote) error {
	n.Version = 1
	return tx.QueryRow(ctx, `INSERT INTO customer_preferences (customer_id, kind, text, source, sensitive, sensitive_category,
		expires_on, created_by, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id`,
		n.CustomerID, n.Kind, n.Text, n.Source, n.Sensitive, n.SensitiveCategory, datePtrText(n.ExpiresOn), n.CreatedBy,
		utc(n.CreatedAt), utc(n.UpdatedAt)).Scan(&n.ID)
}

// UpdatePreferenceIfVersion writes n's fields when the stored version is
// version (nil: any), moving the version on; false when it had moved.
func (tx *Tx) UpdatePreferenceIfVersion(ctx context.Context, n *fresco.PreferenceNote, version *int64) (bool, error) {
	err := tx.QueryRow(ctx, `UPDATE customer_preferences SET kind = ?, text = ?, source = ?, sensitive = ?, sensitive_category = ?,
		expires_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = COALESCE(?, version) RETURNING version`,
		n.Kind, n.Text, n.Source, n.Sensitive, n.SensitiveCategory, datePtrText(n.ExpiresOn), utc(n.UpdatedAt), n.ID, version).Scan(&n.Version)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}

// DeletePreference removes a note.
func (tx *Tx) DeletePreference(ctx context.Context, id int64) error {
	_, err := tx.Exec(ctx, `DELETE FROM customer_preferences WHERE id = ?`, id)
	return err
}

// CurrentPreferencesOf returns the notes of the customers of ids that
// still hold on day today, by customer, oldest first: the notes shown
// beside a list of customers (the follow-up calls).
func (db *DB) CurrentPreferencesOf(ctx context.Context, ids []int64, today time.Time) (map[int64][]*fresco.PreferenceNote, error) {
	out := map[int64][]*fresco.PreferenceNote{}
	err := forChunks(asArgs(ids), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			n, err := scanPreference(row)
			if err == nil {
				out[n.CustomerID] = append(out[n.CustomerID], n)
			}
			return err
		}, `SELECT `+preferenceColumns+` FROM customer_preferences WHERE customer_id IN (`+placeholders(len(chunk))+`)
			AND (expires_on IS NULL OR expires_on >= ?) ORDER BY customer_id, id`, append(chunk, dateText(today))...)
	})
	return out, err
}
