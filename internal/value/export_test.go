package value

import "context"

// Test-only access to the view cache (cache.go).

// MaxCachedViews is the bound of the view cache.
const MaxCachedViews = maxCachedViews

// ViewsComputed counts the views s computed — ran their aggregate queries
// for — rather than served from its cache.
func (s *Service) ViewsComputed() int64 { return s.views.computed.Load() }

// ViewsJoined counts the requests that waited for another request's
// computation of the same view.
func (s *Service) ViewsJoined() int64 { return s.views.joined.Load() }

// CachedViews is the number of entries in the cache.
func (s *Service) CachedViews() int { return s.views.len() }

// BeforeComputingViews makes every computation of a view call fn first.
// Set it before the requests start.
func (s *Service) BeforeComputingViews(fn func()) { s.views.beforeCompute = fn }

// ComputeSummary, ComputePareto and ComputeSegments compute a view without
// the cache, for the benchmarks' uncached figures.
func (s *Service) ComputeSummary(ctx context.Context, bins int) (*Summary, error) {
	return s.summary(ctx, bins)
}

func (s *Service) ComputePareto(ctx context.Context, metric string, points int, topPercent float64) (*Pareto, error) {
	return s.pareto(ctx, metric, points, topPercent)
}

func (s *Service) ComputeSegments(ctx context.Context) (*SegmentTable, error) { return s.segments(ctx) }

// SetProgressEvery makes the refit report its progress every n customers.
func (s *Service) SetProgressEvery(n int) { s.progressEvery = n }

// ComputeSegmentCalculator computes the calculator per segment without the
// cache (in with its defaults filled in).
func (s *Service) ComputeSegmentCalculator(ctx context.Context, in SegmentCalcInput) (*SegmentCalculation, error) {
	return s.segmentCalculator(ctx, in)
}
