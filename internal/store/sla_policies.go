package store

// SLA policies, stored as JSON per location (0: the default), and the live
// cases whose clocks a policy change re-evaluates.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"
)

// SLAPolicyRow is a stored SLA policy: JSON of sla.Policy for a location (0:
// the default).
type SLAPolicyRow struct {
	LocationID int64
	Policy     json.RawMessage
	UpdatedBy  string
	UpdatedAt  time.Time
}

func slaPolicyFor(ctx context.Context, q Querier, locationID int64) (*SLAPolicyRow, error) {
	r, err := scanOne(ctx, q, scanSLAPolicy, `SELECT location_id, policy, updated_by, updated_at FROM sla_policies
		WHERE location_id IN (?, 0) ORDER BY location_id DESC LIMIT 1`, locationID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &r, nil
}

func scanSLAPolicy(row rowScanner) (SLAPolicyRow, error) {
	var r SLAPolicyRow
	var policy string
	if err := row.Scan(&r.LocationID, &policy, &r.UpdatedBy, &r.UpdatedAt); err != nil {
		return r, err
	}
	r.Policy, r.UpdatedAt = json.RawMessage(policy), r.UpdatedAt.UTC()
	return r, nil
}

// SLAPolicyFor returns the location's policy, else the default one, else nil.
func (db *DB) SLAPolicyFor(ctx context.Context, locationID int64) (*SLAPolicyRow, error) {
	return slaPolicyFor(ctx, db, locationID)
}

// SLAPolicyFor returns the location's policy, else the default one, else nil.
func (tx *Tx) SLAPolicyFor(ctx context.Context, locationID int64) (*SLAPolicyRow, error) {
	return slaPolicyFor(ctx, tx, locationID)
}

// SetSLAPolicy stores a location's policy (0: the default).
func (tx *Tx) SetSLAPolicy(ctx context.Context, r *SLAPolicyRow) error {
	if r.LocationID != 0 {
		id := r.LocationID
		if err := tx.checkForeignRefs(ctx, foreignRef{field: "location_id", table: "locations", what: "location", id: &id}); err != nil {
			return err
		}
	}
	r.UpdatedAt = now()
	_, err := tx.Exec(ctx, `INSERT INTO sla_policies (location_id, policy, updated_by, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (location_id) DO UPDATE SET policy = excluded.policy, updated_by = excluded.updated_by,
		updated_at = excluded.updated_at`, r.LocationID, string(r.Policy), r.UpdatedBy, r.UpdatedAt)
	return err
}

// ListSLAPolicies returns every stored policy.
func (db *DB) ListSLAPolicies(ctx context.Context) ([]SLAPolicyRow, error) {
	return queryAll(ctx, db, scanSLAPolicy, `SELECT location_id, policy, updated_by, updated_at FROM sla_policies ORDER BY location_id`)
}

// LiveCaseIDsUnderPolicy returns, in id order, up to limit open and
// resolved cases with ids above afterID whose clocks follow the SLA policy
// of locationID: the location's cases, or for the default policy (0) the
// cases of locations without a policy of their own. A policy change
// re-evaluates them in batches, each starting after the last id of the one
// before.
func (tx *Tx) LiveCaseIDsUnderPolicy(ctx context.Context, locationID, afterID int64, limit int) ([]int64, error) {
	q := `SELECT id FROM recovery_cases WHERE status IN ('open','resolved') AND id > ?`
	args := []any{afterID}
	if locationID != 0 {
		q += ` AND location_id = ?`
		args = append(args, locationID)
	} else {
		q += ` AND (location_id IS NULL OR location_id NOT IN (SELECT location_id FROM sla_policies))`
	}
	return queryAll(ctx, tx, scanValue[int64], q+` ORDER BY id LIMIT ?`, append(args, limit)...)
}
