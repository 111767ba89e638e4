package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// loginCounter reads key's counter through a change that changes nothing.
func loginCounter(t *testing.T, db *store.DB, key string, now time.Time) store.LoginFailures {
	t.Helper()
	var got store.LoginFailures
	err := db.UpdateLoginFailures(context.Background(), []string{key}, now, func(c []store.LoginFailures) error {
		got = c[0]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestUpdateLoginFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 123456789, time.UTC)

		// A missing counter is created empty, as of now (to the microsecond).
		fresh := loginCounter(t, db, "account:ada@example.com", t0)
		want := store.LoginFailures{Key: "account:ada@example.com", UpdatedAt: t0.Truncate(time.Microsecond), ClearAt: t0.Truncate(time.Microsecond)}
		if fresh != want {
			t.Fatalf("new counter = %+v, want %+v", fresh, want)
		}

		// Counters come in the caller's order, whatever order they are locked in,
		// and what change leaves in them is stored.
		keys := []string{"address:192.0.2.7", "account:ada@example.com"}
		err := db.UpdateLoginFailures(ctx, keys, t0, func(c []store.LoginFailures) error {
			for i := range c {
				if c[i].Key != keys[i] {
					t.Errorf("counter %d is %q, want %q", i, c[i].Key, keys[i])
				}
				c[i].Failures = float64(i) + 1.5
				c[i].UpdatedAt = t0.Add(time.Minute)
				c[i].ClearAt = t0.Add(time.Hour)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		got := loginCounter(t, db, "account:ada@example.com", t0)
		if got.Failures != 2.5 || !got.UpdatedAt.Equal(t0.Add(time.Minute).Truncate(time.Microsecond)) ||
			!got.ClearAt.Equal(t0.Add(time.Hour).Truncate(time.Microsecond)) || got.UpdatedAt.Location() != time.UTC {
			t.Errorf("stored counter = %+v", got)
		}

		// A change that fails stores nothing.
		boom := errors.New("boom")
		err = db.UpdateLoginFailures(ctx, keys, t0, func(c []store.LoginFailures) error {
			c[0].Failures = 99
			return boom
		})
		if !errors.Is(err, boom) {
			t.Errorf("failed change = %v, want boom", err)
		}
		if got := loginCounter(t, db, "address:192.0.2.7", t0); got.Failures != 1.5 {
			t.Errorf("failed change was stored: %+v", got)
		}
	})
}

// TestUpdateLoginFailuresIsAtomic counts from two connections to one database
// — two replicas — at once: no increment may be lost.
func TestUpdateLoginFailuresIsAtomic(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			url := eng.URL(t)
			replicas := []*store.DB{storetest.Open(t, url), storetest.Open(t, url)}
			now := time.Now()
			const perReplica = 20
			var wg sync.WaitGroup
			for _, db := range replicas {
				for range perReplica {
					wg.Go(func() {
						// Two keys, so that the lock order matters too.
						err := db.UpdateLoginFailures(context.Background(), []string{"account:x", "address:y"}, now, func(c []store.LoginFailures) error {
							c[0].Failures++
							c[1].Failures++
							return nil
						})
						if err != nil {
							t.Error(err)
						}
					})
				}
			}
			wg.Wait()
			for _, key := range []string{"account:x", "address:y"} {
				if got := loginCounter(t, replicas[1], key, now); got.Failures != 2*perReplica {
					t.Errorf("%s: %v failures counted, want %d", key, got.Failures, 2*perReplica)
				}
			}
		})
	}
}

func TestPruneLoginFailures(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
		clearAt := map[string]time.Time{
			"account:cleared": t0.Add(-time.Minute),
			"account:now":     t0,
			"address:cleared": t0.Add(-time.Hour),
			"account:counts":  t0.Add(time.Second),
		}
		for key, at := range clearAt {
			err := db.UpdateLoginFailures(ctx, []string{key}, t0.Add(-2*time.Hour), func(c []store.LoginFailures) error {
				c[0].Failures, c[0].ClearAt = 1, at
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		// The limit bounds one call; the next takes the rest.
		if n, err := db.PruneLoginFailures(ctx, t0, 2); err != nil || n != 2 {
			t.Fatalf("first prune = %d, %v; want 2", n, err)
		}
		if n, err := db.PruneLoginFailures(ctx, t0, 100); err != nil || n != 1 {
			t.Fatalf("second prune = %d, %v; want 1", n, err)
		}
		// The counter that still counts is kept.
		if got := loginCounter(t, db, "account:counts", t0); got.Failures != 1 {
			t.Errorf("live counter pruned: %+v", got)
		}
		if got := loginCounter(t, db, "account:cleared", t0); got.Failures != 0 {
			t.Errorf("cleared counter kept: %+v", got)
		}
	})
}
