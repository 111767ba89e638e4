package feedback

import (
	"context"

	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// Headlines are NPS, CSAT and CES over one period beside the same over an
// earlier one, each change tested so that a page flags only what is more
// than noise: NPS with the adjusted-Wald test, the CSAT and CES shares
// (satisfied 4–5, easy 5–7: the figures the dashboard headlines) with the
// Agresti–Caffo test.
type Headlines struct {
	NPS, NPSBefore   stats.NPSResult
	CSAT, CSATBefore stats.CSATResult
	CES, CESBefore   stats.CESResult
	NPSChange        stats.Comparison
	CSATChange       stats.Comparison
	CESChange        stats.Comparison
}

// Headlines reports the scales over now and over before. With day-aligned
// dates and no other condition the counts come from the rollups, so the
// cost does not grow with history.
func (s *Service) Headlines(ctx context.Context, now, before store.ResponseFilter) (Headlines, error) {
	var h Headlines
	var err error
	if h.NPS, err = s.NPS(ctx, now); err != nil {
		return h, err
	}
	if h.NPSBefore, err = s.NPS(ctx, before); err != nil {
		return h, err
	}
	if h.CSAT, err = s.CSAT(ctx, now); err != nil {
		return h, err
	}
	if h.CSATBefore, err = s.CSAT(ctx, before); err != nil {
		return h, err
	}
	if h.CES, err = s.CES(ctx, now); err != nil {
		return h, err
	}
	if h.CESBefore, err = s.CES(ctx, before); err != nil {
		return h, err
	}
	h.NPSChange = stats.Compare(h.NPSBefore, h.NPS)
	if h.CSATChange, err = stats.CompareProportions(h.CSATBefore.TopTwoBox, h.CSAT.TopTwoBox, 0); err != nil {
		return h, err
	}
	h.CESChange, err = stats.CompareProportions(h.CESBefore.Easy, h.CES.Easy, 0)
	return h, err
}
