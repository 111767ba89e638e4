package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func anonymousBatch(n int) []*fresco.Purchase {
	batch := make([]*fresco.Purchase, n)
	for i := range batch {
		batch[i] = &fresco.Purchase{PurchasedAt: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
			Lines: []fresco.PurchaseLine{{SKU: fmt.Sprintf("SKU-%d", i%7), Quantity: 1, UnitPrice: 250}}}
	}
	return batch
}

func countPurchases(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM purchases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Concurrent retries of one batch without external ids, under one key,
// store the batch once; every caller gets the same answer.
func TestOnceRunsConcurrentRetriesOnce(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var runs atomic.Int32
		answers := make([]store.StoredAnswer, 4)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := db.Once(context.Background(), "caller:op:k1", "hash", func(tx *store.Tx) (store.StoredAnswer, error) {
					runs.Add(1)
					results, err := tx.SavePurchases(context.Background(), anonymousBatch(200))
					if err != nil {
						return store.StoredAnswer{}, err
					}
					return store.StoredAnswer{Status: 200, Body: fmt.Appendf(nil, `{"created":%d}`, len(results))}, nil
				})
				if err != nil {
					t.Error(err)
				}
				answers[i] = a
			}()
		}
		wg.Wait()
		if got := countPurchases(t, db); got != 200 || runs.Load() != 1 {
			t.Fatalf("%d purchases stored by %d runs, want 200 by one", got, runs.Load())
		}
		replayed := 0
		for _, a := range answers {
			if a.Status != 200 || string(a.Body) != `{"created":200}` {
				t.Errorf("answer %d %s", a.Status, a.Body)
			}
			if a.Replayed {
				replayed++
			}
		}
		if replayed != 3 {
			t.Errorf("%d answers replayed, want 3", replayed)
		}
	})
}

// A failure stores nothing and frees the key; another body under the same
// key is refused; a key past its TTL runs again.
func TestOnceFailuresAndReuse(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		fail := func(tx *store.Tx) (store.StoredAnswer, error) {
			if _, err := tx.SavePurchases(ctx, anonymousBatch(3)); err != nil {
				return store.StoredAnswer{}, err
			}
			return store.StoredAnswer{Status: 503, Body: []byte(`{"busy":true}`)}, nil
		}
		a, err := db.Once(ctx, "k", "h1", fail)
		if err != nil || a.Status != 503 || a.Replayed {
			t.Fatalf("failed work: %+v %v", a, err)
		}
		if n := countPurchases(t, db); n != 0 {
			t.Fatalf("a failed answer left %d purchases", n)
		}
		boom := errors.New("boom")
		if _, err := db.Once(ctx, "k", "h1", func(*store.Tx) (store.StoredAnswer, error) { return store.StoredAnswer{}, boom }); !errors.Is(err, boom) {
			t.Fatalf("error: %v", err)
		}
		runs := 0
		ok := func(tx *store.Tx) (store.StoredAnswer, error) {
			runs++
			return store.StoredAnswer{Status: 201, Body: []byte(`{}`)}, nil
		}
		for range 2 {
			if _, err := db.Once(ctx, "k", "h1", ok); err != nil {
				t.Fatal(err)
			}
		}
		if runs != 1 {
			t.Errorf("work ran %d times, want once", runs)
		}
		if _, err := db.Once(ctx, "k", "h2", ok); !errors.Is(err, store.ErrKeyReused) || fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("another body under the key: %v", err)
		}
		old := time.Now().UTC().Add(-store.IdempotencyKeyTTL - time.Minute)
		db.Exec(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE key = 'k'`, old)
		if a, err := db.Once(ctx, "k", "h2", ok); err != nil || a.Replayed || runs != 2 {
			t.Errorf("expired key: %+v %v, runs %d", a, err, runs)
		}
	})
}
