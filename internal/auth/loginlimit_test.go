package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// eachReplicaPair runs fn on every engine with two Auths — two replicas, each
// with its own connection pool — over one database and one clock.
func eachReplicaPair(t *testing.T, fn func(t *testing.T, db *store.DB, clock *fakeClock, a, b *auth.Auth)) {
	t.Helper()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			url := eng.URL(t)
			dbA, dbB := storetest.Open(t, url), storetest.Open(t, url)
			clock := &fakeClock{t: time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)}
			fn(t, dbA, clock, auth.New(auth.Options{DB: dbA, Now: clock.Now}), auth.New(auth.Options{DB: dbB, Now: clock.Now}))
		})
	}
}

const (
	adaEmail    = "ada@example.com"
	adaPassword = "correct horse battery"
	badPassword = "wrong password!"
)

// wantInvalid and wantLimited check one login's outcome.
func wantInvalid(t *testing.T, a *auth.Auth, email, addr, what string) {
	t.Helper()
	if _, _, err := a.Login(context.Background(), email, badPassword, addr); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Fatalf("%s = %v, want ErrInvalidCredentials", what, err)
	}
}

func wantLimited(t *testing.T, a *auth.Auth, email, password, addr string, retryAfter time.Duration, what string) {
	t.Helper()
	_, _, err := a.Login(context.Background(), email, password, addr)
	if fresco.ErrorCode(err) != fresco.ERATELIMIT || auth.RetryAfter(err) != retryAfter {
		t.Fatalf("%s = %v (retry after %v), want rate-limited for %v", what, err, auth.RetryAfter(err), retryAfter)
	}
}

func TestLoginLimitsAreSharedByReplicas(t *testing.T) {
	t.Parallel()
	eachReplicaPair(t, func(t *testing.T, db *store.DB, clock *fakeClock, a, b *auth.Auth) {
		ctx := context.Background()
		newEmployee(t, db, adaEmail, fresco.RoleAgent, adaPassword)

		// Five failures per account, whichever replica sees them…
		for i, r := range []*auth.Auth{a, b, a, b, a} {
			wantInvalid(t, r, adaEmail, "192.0.2.1:1", "failure "+itoa(int64(i+1)))
		}
		// …then both refuse, even the right password from another address.
		// One failure is forgiven every 15m / 5 = 3 minutes.
		wantLimited(t, b, adaEmail, adaPassword, "198.51.100.9:1", 3*time.Minute, "6th attempt through b")
		wantLimited(t, a, adaEmail, adaPassword, "198.51.100.9:1", 3*time.Minute, "6th attempt through a")

		// Time heals on the shared clock, to the second.
		clock.Advance(3*time.Minute - time.Second)
		wantLimited(t, b, adaEmail, adaPassword, "198.51.100.9:1", time.Second, "a second early")
		clock.Advance(time.Second)
		if _, _, err := b.Login(ctx, adaEmail, adaPassword, "198.51.100.9:1"); err != nil {
			t.Fatalf("after waiting: %v", err)
		}

		// The success through b wiped the slate for a too: five more failures.
		for i, r := range []*auth.Auth{a, a, b, a, b} {
			wantInvalid(t, r, adaEmail, "203.0.113.1:1", "after success, failure "+itoa(int64(i+1)))
		}
		wantLimited(t, a, adaEmail, badPassword, "203.0.113.1:1", 3*time.Minute, "after success, 6th attempt")
	})
}

func TestLoginAddressLimitIsSharedByReplicas(t *testing.T) {
	t.Parallel()
	eachReplicaPair(t, func(t *testing.T, db *store.DB, clock *fakeClock, a, b *auth.Auth) {
		newEmployee(t, db, adaEmail, fresco.RoleAgent, adaPassword)
		addr := "203.0.113.77:4000"
		// Twenty failures per address, over many accounts and both replicas.
		for i := range 20 {
			r := []*auth.Auth{a, b}[i%2]
			wantInvalid(t, r, "user"+itoa(int64(i))+"@example.com", addr, "address failure "+itoa(int64(i+1)))
		}
		// One failure is forgiven every 15m / 20 = 45 seconds.
		wantLimited(t, a, "fresh@example.com", badPassword, addr, 45*time.Second, "21st failure through a")
		wantLimited(t, b, adaEmail, adaPassword, addr, 45*time.Second, "21st attempt through b")
		// The refused attempts counted nothing against the accounts.
		wantInvalid(t, a, adaEmail, "192.0.2.50:1", "ada from elsewhere")

		clock.Advance(45 * time.Second)
		if _, _, err := b.Login(context.Background(), adaEmail, adaPassword, addr); err != nil {
			t.Fatalf("after waiting: %v", err)
		}
		// A success gives the address its token back, no more.
		wantInvalid(t, a, "user1@example.com", addr, "the token given back")
		wantLimited(t, b, "user2@example.com", badPassword, addr, 45*time.Second, "the next failure")
	})
}

// TestLoginLimitHoldsUnderConcurrency fires more wrong passwords than the
// account allows at both replicas at once: exactly the allowance is checked,
// the rest are refused.
func TestLoginLimitHoldsUnderConcurrency(t *testing.T) {
	t.Parallel()
	eachReplicaPair(t, func(t *testing.T, db *store.DB, clock *fakeClock, a, b *auth.Auth) {
		newEmployee(t, db, adaEmail, fresco.RoleAgent, adaPassword)
		const attempts = 12
		var (
			wg               sync.WaitGroup
			mu               sync.Mutex
			checked, refused int
			unexpected       []error
		)
		for i := range attempts {
			r := []*auth.Auth{a, b}[i%2]
			wg.Go(func() {
				// Each from its own address: only the account limit applies.
				_, _, err := r.Login(context.Background(), adaEmail, badPassword, "192.0.2."+itoa(int64(i+1))+":1")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, auth.ErrInvalidCredentials):
					checked++
				case fresco.ErrorCode(err) == fresco.ERATELIMIT:
					refused++
				default:
					unexpected = append(unexpected, err)
				}
			})
		}
		wg.Wait()
		if checked != auth.DefaultAccountLimit || refused != attempts-auth.DefaultAccountLimit || len(unexpected) > 0 {
			t.Errorf("%d passwords checked, %d refused, unexpected %v; want %d checked",
				checked, refused, unexpected, auth.DefaultAccountLimit)
		}
	})
}

// TestLoginFailureCountersArePruned: counters that no longer count are
// deleted by later failures, so the table does not grow with every address
// that ever failed.
func TestLoginFailureCountersArePruned(t *testing.T) {
	t.Parallel()
	eachReplicaPair(t, func(t *testing.T, db *store.DB, clock *fakeClock, a, b *auth.Auth) {
		ctx := context.Background()
		newEmployee(t, db, adaEmail, fresco.RoleAgent, adaPassword)
		counters := func() []string {
			t.Helper()
			rows, err := db.Query(ctx, `SELECT key FROM login_failures ORDER BY key`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var keys []string
			for rows.Next() {
				var k string
				if err := rows.Scan(&k); err != nil {
					t.Fatal(err)
				}
				keys = append(keys, k)
			}
			return keys
		}

		wantInvalid(t, a, "ghost@example.com", "192.0.2.1:1", "old failure")
		if _, _, err := b.Login(ctx, adaEmail, adaPassword, "192.0.2.2:1"); err != nil {
			t.Fatal(err)
		}
		// One failure is forgiven after 3 minutes on the account, 45 seconds on
		// the address; ada's account counter is cleared at once by her login.
		clock.Advance(3 * time.Minute)
		wantInvalid(t, b, "zed@example.com", "192.0.2.3:1", "new failure")
		want := "account:zed@example.com address:192.0.2.3"
		if got := strings.Join(counters(), " "); got != want {
			t.Errorf("counters after pruning = %q, want %q", got, want)
		}
	})
}

// TestLoginLimitKeys: keys that PostgreSQL could not store as text, or that
// no e-mail address is as long as, are still limited.
func TestLoginLimitKeys(t *testing.T) {
	t.Parallel()
	eachReplicaPair(t, func(t *testing.T, db *store.DB, clock *fakeClock, a, b *auth.Auth) {
		for _, email := range []string{"bad\xffbyte@example.com", "nul\x00@example.com", strings.Repeat("x", 400) + "@example.com"} {
			for i := range auth.DefaultAccountLimit {
				wantInvalid(t, []*auth.Auth{a, b}[i%2], email, "192.0.2."+itoa(int64(i+1))+":1", "failure")
			}
			wantLimited(t, b, email, badPassword, "192.0.2.99:1", 3*time.Minute, "over the limit")
		}
	})
}
