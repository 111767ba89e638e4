package value

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// The views of a refit are worked out once and kept (cache.go), but at a
// million customers working one out reads the whole of customer_value or
// purchases: one to two seconds of CPU each for the summary and the
// calculator, which the first viewer after each refit would wait for. The
// server works out the views the pages and the API show by default in the
// background instead, at start, after a refit of its own and within a
// minute of one made by another replica.

// WarmViews works out, for the current refit, every view the /value page
// and the API's defaults show, unless they are kept already (then it costs
// the cache's check of the refit: two index lookups per view).
func (s *Service) WarmViews(ctx context.Context) error {
	if _, err := s.Summary(ctx, 20); err != nil {
		return err
	}
	if _, err := s.Pareto(ctx, "profit", 20, 20); err != nil {
		return err
	}
	if _, err := s.Segments(ctx); err != nil {
		return err
	}
	if _, err := s.SegmentCalculator(ctx, SegmentCalcInput{By: store.CalcBySource}); err != nil { // /value/segments
		return err
	}
	if _, err := s.Calculator(ctx, CalcInput{}); err != nil {
		return err
	}
	// The acquisition reports' sums by first-seen day (the calculator by
	// source has read the cohorts' already).
	_, err := s.valuedByFirstSeenDay(ctx)
	return err
}

// KeepViewsWarm runs WarmViews now and every interval until ctx ends,
// logging what fails.
func (s *Service) KeepViewsWarm(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if err := s.WarmViews(ctx); err != nil && ctx.Err() == nil {
			s.opts.Logger.WarnContext(ctx, "working out the lifetime-value views", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
