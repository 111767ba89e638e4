package staff

import (
	"context"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// API tokens are the logins of programs: each carries a role, as an
// employee's login does, and who issues or revokes one is audited with it.

// CreateToken issues an API token named name with role. The returned secret
// is the only copy: show it once.
func (s *Service) CreateToken(ctx context.Context, actor Actor, name string, role fresco.Role) (string, *fresco.APIToken, error) {
	name, err := auth.CheckAPIToken(name, role)
	if err != nil {
		return "", nil, err
	}
	secret, hash, err := auth.NewAPIToken()
	if err != nil {
		return "", nil, err
	}
	var t *fresco.APIToken
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if t, err = tx.CreateAPIToken(ctx, name, role, hash); err != nil {
			return err
		}
		return auditOf(ctx, tx, actor, "create", "api_token", t.ID, map[string]any{"name": t.Name, "role": t.Role})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, t, nil
}

// RevokeToken revokes API token id for good; revoking it again does nothing
// but is audited again.
func (s *Service) RevokeToken(ctx context.Context, actor Actor, id int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RevokeAPIToken(ctx, id); err != nil {
			return err
		}
		return auditOf(ctx, tx, actor, "revoke", "api_token", id, nil)
	})
}
