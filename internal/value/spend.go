package value

import (
	"context"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// CreateMarketingSpend records what was spent on a channel in a period (the
// cost side of acquisition) and who recorded it, in one transaction.
func (s *Service) CreateMarketingSpend(ctx context.Context, m *fresco.MarketingSpend, actor string) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.CreateMarketingSpend(ctx, m); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "create", "marketing_spend", strconv.FormatInt(m.ID, 10),
			map[string]any{"amount": m.Amount.String(), "channel": m.Channel})
	})
}
