package value

import (
	"context"
	"strconv"
	"strings"

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
			map[string]any{"amount": m.Amount.String(), "channel": m.Channel, "purpose": m.Purpose(), "retention_share": m.RetentionShare})
	})
}

// ChannelSources returns the owner's channel → acquisition source mapping
// (channels lower-cased). A channel it lacks pays for the source of the
// same name, compared case-insensitively.
func (s *Service) ChannelSources(ctx context.Context) (map[string]string, error) {
	return s.db.ChannelSources(ctx)
}

// SetChannelSources replaces the mapping and records who changed it. A
// channel or source must not be empty; a channel mapped to its own name is
// dropped (that is the default).
func (s *Service) SetChannelSources(ctx context.Context, m map[string]string, actor string) (map[string]string, error) {
	var v fresco.Validation
	clean := map[string]string{}
	for channel, source := range m {
		c, src := strings.ToLower(strings.TrimSpace(channel)), strings.TrimSpace(source)
		v.Check(c != "", "channels", "a channel name is empty")
		v.Check(src != "", "channels."+channel, "the source is empty")
		v.Check(len(c) <= 200 && len(src) <= 200, "channels."+channel, "at most 200 characters")
		if _, dup := clean[c]; dup {
			v.Add("channels."+channel, "is given twice (channels are compared case-insensitively)")
		}
		if c != strings.ToLower(src) {
			clean[c] = src
		}
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return clean, s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetChannelSources(ctx, clean); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "update", "channel_sources", "all", clean)
	})
}
