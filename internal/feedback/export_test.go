package feedback

import (
	"context"

	"github.com/fresco-cx/fresco/internal/store"
)

// HeadlinesLive works the headlines out from the database, never from
// memory: what kept headlines must equal.
func (s *Service) HeadlinesLive(ctx context.Context, now, before store.ResponseFilter) (Headlines, error) {
	return s.headlines(Live(ctx), now, before)
}

// Live returns a context under which the service reads its counts from
// the database, never from memory.
func Live(ctx context.Context) context.Context { return context.WithValue(ctx, liveKey{}, true) }
