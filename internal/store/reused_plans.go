package store

// The customer profile on PostgreSQL spent most of its database time
// planning: its two dozen reads each look rows up by the customer's id
// through an index, and the pool's connections plan every run afresh
// (plan_cache_mode = force_custom_plan, see openPostgresPool) because
// date-range reports went wrong on generic plans. At 50k customers the
// profile's statements took 4.2 ms to plan and 0.7 ms to run (the server
// log's bind and execute durations); a generic plan of the same statement
// is the same index walk, reused for 0.01 ms. Reads made under
// ReusePlans run on a second, small pool whose connections keep
// PostgreSQL's default (auto): a statement's plan is made for its first
// five runs and then kept when it costs no more than those — which, for a
// lookup by id, it never does. See docs/decisions.md.

import (
	"context"
	"database/sql"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

type reusePlansKey struct{}

// ReusePlans returns a context under which the DB's reads (Query,
// QueryRow) run on connections that keep their plans. Only for requests
// whose reads look rows up by key — a customer's profile and its parts —
// where a plan does not depend on the values: a range over dates may need
// a plan made for its values. SQLite plans each statement as it prepares
// it, so there this changes nothing.
func ReusePlans(ctx context.Context) context.Context {
	return context.WithValue(ctx, reusePlansKey{}, true)
}

// readPool is the pool a read under ctx runs on.
func (db *DB) readPool(ctx context.Context) *sql.DB {
	if db.keyed != nil && ctx.Value(reusePlansKey{}) != nil {
		return db.keyed
	}
	return db.read
}

// openKeyedPool opens the pool of ReusePlans: PostgreSQL's plan cache
// left at its default. Few connections (the profile's reads are short) so
// that the two pools together stay well under the server's
// max_connections. A URL that sets plan_cache_mode keeps its own here too.
func openKeyedPool(cfg *pgx.ConnConfig) *sql.DB {
	cfg = cfg.Copy()
	if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
		cfg.RuntimeParams["plan_cache_mode"] = "auto"
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(max(4, runtime.NumCPU()))
	pool.SetMaxIdleConns(max(4, runtime.NumCPU()))
	pool.SetConnMaxIdleTime(5 * time.Minute)
	return pool
}
