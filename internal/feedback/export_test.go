package feedback

import (
	"context"

	"github.com/fresco-cx/fresco/internal/store"
)

// HeadlinesLive works the headlines out from the database, never from
// memory: what kept headlines must equal.
func (s *Service) HeadlinesLive(ctx context.Context, now, before store.ResponseFilter) (Headlines, error) {
	return s.headlines(ctx, now, before)
}
