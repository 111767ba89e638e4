package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Pruning forgets the keys older than the cut-off and only those.
func TestDeleteIdempotencyKeysBefore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ok := func(*store.Tx) (store.StoredAnswer, error) {
			return store.StoredAnswer{Status: 200, Body: []byte(`{}`)}, nil
		}
		for _, key := range []string{"gone", "kept"} {
			if _, err := db.Once(ctx, key, "h", ok); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().UTC().Add(-store.IdempotencyKeyTTL - time.Minute)
		if _, err := db.Exec(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE key = ?`, old, "gone"); err != nil {
			t.Fatal(err)
		}
		n, err := db.DeleteIdempotencyKeysBefore(ctx, time.Now().Add(-store.IdempotencyKeyTTL))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d (%v), want 1", n, err)
		}
		a, err := db.Once(ctx, "kept", "h", ok)
		if err != nil || !a.Replayed {
			t.Errorf("the kept key: %+v %v, want its answer replayed", a, err)
		}
	})
}
