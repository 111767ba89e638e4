package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Fresco's PostgreSQL connections plan every run of a prepared statement
// with its parameters (no generic plans guessed without them), unless the
// database URL says otherwise.
func TestPostgresPlansWithTheParameters(t *testing.T) {
	if os.Getenv("FRESCO_TEST_POSTGRES_URL") == "" {
		t.Skip("FRESCO_TEST_POSTGRES_URL is not set")
	}
	t.Parallel()
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	for _, c := range []struct{ url, want string }{
		{url, "force_custom_plan"},
		{url + "&plan_cache_mode=auto", "auto"},
	} {
		db := storetest.Open(t, c.url)
		var mode string
		// More runs than the five after which PostgreSQL may switch to a
		// generic plan, on every connection the pool opens.
		for range 8 {
			if err := db.QueryRow(ctx, `SELECT current_setting('plan_cache_mode') WHERE 1 = ?`, 1).Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if mode != c.want {
				t.Fatalf("%s: plan_cache_mode %q, want %q", c.url, mode, c.want)
			}
		}
	}
	if _, err := store.Open(ctx, "postgres://[bad"); err == nil {
		t.Error("a malformed PostgreSQL URL opened")
	}
}
