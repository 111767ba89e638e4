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
	for _, step := range []func() error{
		func() (e error) { h.NPS, e = s.NPS(ctx, now); return },
		func() (e error) { h.NPSBefore, e = s.NPS(ctx, before); return },
		func() (e error) { h.CSAT, e = s.CSAT(ctx, now); return },
		func() (e error) { h.CSATBefore, e = s.CSAT(ctx, before); return },
		func() (e error) { h.CES, e = s.CES(ctx, now); return },
		func() (e error) { h.CESBefore, e = s.CES(ctx, before); return },
		func() (e error) { h.CSATChange, e = stats.CompareProportions(h.CSATBefore.TopTwoBox, h.CSAT.TopTwoBox, 0); return },
		func() (e error) { h.CESChange, e = stats.CompareProportions(h.CESBefore.Easy, h.CES.Easy, 0); return },
	} {
		if err = step(); err != nil {
			return h, err
		}
	}
	h.NPSChange = stats.Compare(h.NPSBefore, h.NPS)
	return h, nil
}
