package app

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Housekeeping removes what has expired and nothing else.
func TestHousekeeping(t *testing.T) {
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, eng.URL(t))
			now := time.Now().UTC()
			e := &fresco.Employee{Name: "Ann", Email: "ann@example.com", Role: fresco.RoleAgent, Active: true}
			if err := db.CreateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
			must(t, db.CreateSession(ctx, "expired", e.ID, now.Add(-time.Minute)))
			must(t, db.CreateSession(ctx, "live", e.ID, now.Add(time.Hour)))
			for _, key := range []string{"old", "new"} {
				_, err := db.Once(ctx, key, "h", func(*store.Tx) (store.StoredAnswer, error) { return store.StoredAnswer{Status: 200}, nil })
				must(t, err)
			}
			_, err := db.Exec(ctx, `UPDATE idempotency_keys SET created_at = ? WHERE key = 'old'`, now.Add(-store.IdempotencyKeyTTL-time.Minute))
			must(t, err)
			must(t, db.UpdateLoginFailures(ctx, []string{"account:cleared", "account:counting"}, now.Add(-time.Hour),
				func(c []store.LoginFailures) error {
					c[0].Failures, c[0].ClearAt = 1, now.Add(-time.Second)
					c[1].Failures, c[1].ClearAt = 3, now.Add(time.Hour)
					return nil
				}))

			if err := housekeeping(ctx, db, now, slog.New(slog.DiscardHandler)); err != nil {
				t.Fatal(err)
			}
			for table, want := range map[string]string{
				"sessions":         "live",
				"idempotency_keys": "new",
				"login_failures":   "account:counting",
			} {
				column := map[string]string{"sessions": "token_hash", "idempotency_keys": "key", "login_failures": "key"}[table]
				var n int
				var left string
				must(t, db.QueryRow(ctx, `SELECT count(*), min(`+column+`) FROM `+table).Scan(&n, &left))
				if n != 1 || left != want {
					t.Errorf("%s after housekeeping: %d rows, first %q; want only %q", table, n, left, want)
				}
			}
		})
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
