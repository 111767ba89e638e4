package staff

import (
	"context"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Locations and teams are where staff work and whom they report to; who
// creates or renames them is audited with the change.

// CreateLocation stores a new location.
func (s *Service) CreateLocation(ctx context.Context, actor Actor, l *fresco.Location) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateLocation(ctx, l); err != nil {
			return err
		}
		return auditOf(ctx, tx, actor, "create", "location", l.ID, map[string]any{"name": l.Name})
	})
}

// UpdateLocation writes l over the stored location when it is still at
// version (store.AnyVersion: whatever its version); otherwise ESTALE.
func (s *Service) UpdateLocation(ctx context.Context, actor Actor, l *fresco.Location, version int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateLocationIfVersion(ctx, l, version); err != nil {
			return err
		}
		return auditOf(ctx, tx, actor, "update", "location", l.ID, map[string]any{"name": l.Name})
	})
}

// CreateTeam stores a new team.
func (s *Service) CreateTeam(ctx context.Context, actor Actor, t *fresco.Team) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateTeam(ctx, t); err != nil {
			return err
		}
		return auditOf(ctx, tx, actor, "create", "team", t.ID, map[string]any{"name": t.Name})
	})
}

// UpdateTeam writes t over the stored team when it is still at version
// (store.AnyVersion: whatever its version); otherwise ESTALE.
func (s *Service) UpdateTeam(ctx context.Context, actor Actor, t *fresco.Team, version int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateTeamIfVersion(ctx, t, version); err != nil {
			return err
		}
		return auditOf(ctx, tx, actor, "update", "team", t.ID, map[string]any{"name": t.Name})
	})
}

// auditOf records a change to an entity other than an employee.
func auditOf(ctx context.Context, tx *store.Tx, actor Actor, action, entity string, id int64, detail any) error {
	return tx.Audit(ctx, actor.Ref, action, entity, strconv.FormatInt(id, 10), detail)
}
