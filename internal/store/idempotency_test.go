package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A key's response is replayed for IdempotencyKeyTTL; after that the key is
// forgotten and free for a new request, whether or not it was pruned yet.
func TestIdempotencyKeyTTL(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.SaveIdempotentResponse(ctx, "k", "hash-1", 200, []byte(`{"n":1}`)); err != nil {
			t.Fatal(err)
		}
		// A second save within the TTL does not replace the first response.
		if err := db.SaveIdempotentResponse(ctx, "k", "hash-2", 200, []byte(`{"n":2}`)); err != nil {
			t.Fatal(err)
		}
		hash, _, body, found, err := db.IdempotentResponse(ctx, "k")
		if err != nil || !found || hash != "hash-1" || string(body) != `{"n":1}` {
			t.Fatalf("fresh key: %q %q %v %v", hash, body, found, err)
		}
		old := time.Now().UTC().Add(-store.IdempotencyKeyTTL - time.Minute)
		if _, err := db.Exec(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE key = ?`, old, "k"); err != nil {
			t.Fatal(err)
		}
		if _, _, _, found, err := db.IdempotentResponse(ctx, "k"); err != nil || found {
			t.Fatalf("expired key found=%v err=%v", found, err)
		}
		if err := db.SaveIdempotentResponse(ctx, "k", "hash-3", 201, []byte(`{"n":3}`)); err != nil {
			t.Fatal(err)
		}
		hash, status, _, found, err := db.IdempotentResponse(ctx, "k")
		if err != nil || !found || hash != "hash-3" || status != 201 {
			t.Fatalf("reused expired key: %q %d %v %v", hash, status, found, err)
		}
		// Pruning removes only what is older than the cut-off.
		if err := db.SaveIdempotentResponse(ctx, "gone", "h", 200, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE key = ?`, old, "gone"); err != nil {
			t.Fatal(err)
		}
		n, err := db.DeleteIdempotencyKeysBefore(ctx, time.Now().Add(-store.IdempotencyKeyTTL))
		if err != nil || n != 1 {
			t.Fatalf("pruned %d (%v), want 1", n, err)
		}
	})
}

func TestIdempotencyKeys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, _, _, found, err := db.IdempotentResponse(ctx, "k"); found || err != nil {
			t.Fatalf("fresh key found=%v err=%v", found, err)
		}
		if err := db.SaveIdempotentResponse(ctx, "k", "h1", 200, []byte(`{"a":1}`)); err != nil {
			t.Fatal(err)
		}
		db.SaveIdempotentResponse(ctx, "k", "h2", 500, []byte(`{}`)) // first one wins
		hash, status, body, found, err := db.IdempotentResponse(ctx, "k")
		if err != nil || !found || hash != "h1" || status != 200 || string(body) != `{"a":1}` {
			t.Fatalf("got %q %d %s %v %v", hash, status, body, found, err)
		}
	})
}
