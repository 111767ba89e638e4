package auth_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Two replicas' limiters over one database share one allowance, even when
// their attempts race: 3 per minute in all, not 3 each, and the bucket
// refills by the clock.
func TestSharedLimiterAcrossReplicas(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			url := eng.URL(t)
			clock := &fakeClock{t: time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)}
			replicas := []*auth.SharedLimiter{
				auth.NewSharedLimiter(storetest.Open(t, url), "survey:", 3, time.Minute, clock.Now),
				auth.NewSharedLimiter(storetest.Open(t, url), "survey:", 3, time.Minute, clock.Now),
			}
			var allowed atomic.Int64
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Go(func() {
					ok, wait, err := replicas[i%2].Take(t.Context(), "192.0.2.7")
					switch {
					case err != nil:
						t.Error(err)
					case ok:
						allowed.Add(1)
					case wait != 20*time.Second:
						t.Errorf("refused with Retry-After %v, want 20s (one token at 3 per minute)", wait)
					}
				})
			}
			wg.Wait()
			if n := allowed.Load(); n != 3 {
				t.Fatalf("%d of 10 attempts through two replicas allowed, want 3", n)
			}
			if ok, _, _ := replicas[0].Take(t.Context(), "192.0.2.8"); !ok {
				t.Error("another address is refused: buckets are per key")
			}
			clock.Advance(20 * time.Second)
			if ok, _, _ := replicas[1].Take(t.Context(), "192.0.2.7"); !ok {
				t.Error("refused after a token came back")
			}
			if ok, _, _ := replicas[0].Take(t.Context(), "192.0.2.7"); ok {
				t.Error("allowed a second attempt on one token")
			}
		})
	}
}
