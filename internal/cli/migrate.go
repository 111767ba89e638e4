package cli

import (
	"context"
	"fmt"
)

func init() {
	commands["migrate"] = command{summary: "bring the database schema up to date and print its version", run: runMigrate}
}

func runMigrate(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("migrate", env)
	db := dbFlag(fs, env)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	store, err := openDB(ctx, *db) // Open migrates
	if err != nil {
		return err
	}
	defer store.Close()
	current, latest, err := store.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "schema version %d of %d (%s)\n", current, latest, store.Dialect())
	return nil
}
