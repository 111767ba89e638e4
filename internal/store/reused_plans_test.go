package store_test

import (
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// Reads under ReusePlans run on PostgreSQL connections that keep their
// plans (plan_cache_mode auto); every other read still plans each run
// (force_custom_plan), because ranges over dates need plans made for
// their values.
func TestReusePlansReadsOnConnectionsThatKeepPlans(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		if db.Dialect() != store.Postgres {
			t.Skip("SQLite plans each statement as it prepares it")
		}
		ctx := context.Background()
		for _, c := range []struct {
			ctx  context.Context
			want string
		}{{ctx, "force_custom_plan"}, {store.ReusePlans(ctx), "auto"}} {
			var mode string
			if err := db.QueryRow(c.ctx, `SHOW plan_cache_mode`).Scan(&mode); err != nil {
				t.Fatal(err)
			}
			if mode != c.want {
				t.Errorf("plan_cache_mode = %s, want %s", mode, c.want)
			}
		}
		if _, keyed := db.Pools()["keyed"]; !keyed {
			t.Error(`no "keyed" pool among the pools the metrics report`)
		}
	})
}
