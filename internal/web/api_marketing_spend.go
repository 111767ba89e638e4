package web

import (
	"context"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// MarketingSpend is what was spent to win customers in a period on a channel.
type MarketingSpend struct {
	ID          int64  `json:"id"`
	PeriodStart string `json:"period_start" format:"date"`
	PeriodEnd   string `json:"period_end" format:"date"`
	Channel     string `json:"channel"`
	Amount      Money  `json:"amount"`
	Purpose     string `json:"purpose" enum:"acquisition,retention,split" doc:"What the money was for: winning customers, keeping them, or split by retention_share."`
	// RetentionShare is the part of amount spent on retention.
	RetentionShare float64   `json:"retention_share" doc:"The part of amount spent on keeping customers, 0..1 (0: all acquisition)."`
	CreatedAt      time.Time `json:"created_at"`
}

func spendOut(m *fresco.MarketingSpend) MarketingSpend {
	return MarketingSpend{ID: m.ID, PeriodStart: m.PeriodStart.Format(time.DateOnly), PeriodEnd: m.PeriodEnd.Format(time.DateOnly),
		Channel: m.Channel, Amount: moneyOut(m.Amount), Purpose: m.Purpose(), RetentionShare: m.RetentionShare, CreatedAt: m.CreatedAt}
}

// MarketingSpendInput records marketing spend.
type MarketingSpendInput struct {
	PeriodStart string `json:"period_start" doc:"First day, YYYY-MM-DD."`
	PeriodEnd   string `json:"period_end" doc:"Last day (inclusive), YYYY-MM-DD."`
	Channel     string `json:"channel,omitempty"`
	Amount      Money  `json:"amount"`
	Purpose     string `json:"purpose,omitempty" doc:"acquisition (the default), retention, or split (then retention_share says how)."`
	// RetentionShare is a pointer so that an absent share follows purpose.
	RetentionShare *float64 `json:"retention_share,omitempty" doc:"The part of amount spent on retention, 0..1; defaults to 0 for acquisition and 1 for retention."`
}

func (in *MarketingSpendInput) domain() (*fresco.MarketingSpend, error) {
	var v fresco.Validation
	m := &fresco.MarketingSpend{
		PeriodStart: parseDate(&v, "period_start", in.PeriodStart),
		PeriodEnd:   parseDate(&v, "period_end", in.PeriodEnd),
		Channel:     in.Channel,
		Amount:      in.Amount.parse(&v, "amount"),
	}
	m.RetentionShare = spendShare(&v, in.Purpose, in.RetentionShare)
	return m, mergeValidation(&v, m.Validate())
}

// spendShare is the retention share a purpose and an optional share give,
// naming the field that contradicts the other.
func spendShare(v *fresco.Validation, purpose string, share *float64) float64 {
	want := map[string]float64{"": 0, fresco.SpendAcquisition: 0, fresco.SpendRetention: 1, fresco.SpendSplit: -1}
	p := strings.ToLower(strings.TrimSpace(purpose))
	w, ok := want[p]
	switch {
	case !ok:
		v.Add("purpose", "must be acquisition, retention or split")
	case share == nil && p == fresco.SpendSplit:
		v.Add("retention_share", "is required when purpose is split (the part spent on retention, 0..1)")
	case share == nil:
		return w
	case p != "" && w >= 0 && *share != w:
		v.Add("retention_share", "must be %g when purpose is %s (or use purpose split)", w, p)
	default:
		return *share
	}
	return 0
}

type spendListInput struct {
	ListParams
	From    string `query:"from" doc:"Periods overlapping this date or later (YYYY-MM-DD)."`
	To      string `query:"to" doc:"Periods overlapping this date or earlier (YYYY-MM-DD)."`
	Channel string `query:"channel"`
}

func (s *Server) listMarketingSpend(ctx context.Context, in *spendListInput) (*PageBody[MarketingSpend], error) {
	var v fresco.Validation
	f := store.SpendFilter{From: parseTimeParam(&v, "from", in.From, false), To: parseTimeParam(&v, "to", in.To, false),
		Channel: in.Channel, Cursor: in.Cursor, Limit: in.Limit}
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.db.ListMarketingSpend(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, spendOut), nil
}

func (s *Server) createMarketingSpend(ctx context.Context, in *struct{ Body MarketingSpendInput }) (*One[MarketingSpend], error) {
	m, err := in.Body.domain()
	if err != nil {
		return nil, err
	}
	if err := s.value.CreateMarketingSpend(ctx, m, principal(ctx).Actor()); err != nil {
		return nil, err
	}
	return &One[MarketingSpend]{Body: spendOut(m)}, nil
}

// ChannelSources maps marketing spend channels to acquisition sources.
type ChannelSources struct {
	Channels map[string]string `json:"channels" doc:"Channel → acquisition source. Channels are compared case-insensitively (returned lower-cased); a channel not listed pays for the source of its own name."`
}

func (s *Server) getChannelSources(ctx context.Context, _ *struct{}) (*One[ChannelSources], error) {
	m, err := s.value.ChannelSources(ctx)
	if err != nil {
		return nil, err
	}
	return &One[ChannelSources]{Body: ChannelSources{Channels: m}}, nil
}

func (s *Server) setChannelSources(ctx context.Context, in *struct{ Body ChannelSources }) (*One[ChannelSources], error) {
	m, err := s.value.SetChannelSources(ctx, in.Body.Channels, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &One[ChannelSources]{Body: ChannelSources{Channels: m}}, nil
}
