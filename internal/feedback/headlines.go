package feedback

import (
	"context"
	"time"

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
// cost does not grow with history; with no condition but the dates they
// are kept in memory, with the scores mark read before they were worked
// out, until a write to the answers moves it (keptByMark).
func (s *Service) Headlines(ctx context.Context, now, before store.ResponseFilter) (Headlines, error) {
	if !datesOnly(now) || !datesOnly(before) {
		return s.headlines(ctx, now, before)
	}
	mark, err := s.db.ScoresMark(ctx)
	if err != nil {
		return Headlines{}, err
	}
	key := headlinesKey{now: [2]time.Time{now.From, now.To}, before: [2]time.Time{before.From, before.To}}
	return s.heads.get(ctx, mark, key, func() (Headlines, error) { return s.headlines(ctx, now, before) })
}

// datesOnly reports whether f selects by nothing but its dates: the scores
// mark moves with everything else such a filter's counts read.
func datesOnly(f store.ResponseFilter) bool {
	return f == store.ResponseFilter{From: f.From, To: f.To}
}

// headlines works the headlines out from the database.
func (s *Service) headlines(ctx context.Context, now, before store.ResponseFilter) (Headlines, error) {
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
