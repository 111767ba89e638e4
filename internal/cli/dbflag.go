package cli

import (
	"context"
	"flag"

	"github.com/fresco-cx/fresco/internal/store"
)

// defaultDB is where Fresco keeps its data when nothing else is said.
const defaultDB = "sqlite:fresco.db"

// dbFlag adds --db to fs, defaulting to $FRESCO_DB, else sqlite:fresco.db.
func dbFlag(fs *flag.FlagSet, env Env) *string {
	def := env.Getenv("FRESCO_DB")
	if def == "" {
		def = defaultDB
	}
	return fs.String("db", def, "database URL: sqlite:PATH or postgres://… (env FRESCO_DB)")
}

// openDB opens and migrates the database.
func openDB(ctx context.Context, url string) (*store.DB, error) {
	return store.Open(ctx, url)
}
