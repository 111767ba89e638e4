package processlog

// Cached reports whether the service holds stored log id in memory, for
// the cache's tests.
func (s *Service) Cached(id int64) bool { return s.cache.holds(id) }
