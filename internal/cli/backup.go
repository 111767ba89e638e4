package cli

import (
	"context"
	"fmt"
	"os"

	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	commands["backup"] = command{summary: "write a consistent copy of a SQLite database (safe while serving)", run: runBackup}
}

func runBackup(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("backup", env)
	db := dbFlag(fs, env)
	to := fs.String("to", "", "the new backup file (must not exist)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *to == "" {
		return usageError("--to FILE is required")
	}
	database, err := store.OpenUnmigrated(*db) // a backup is taken before an upgrade: never migrate here
	if err != nil {
		return err
	}
	defer database.Close()
	if err := database.BackupTo(ctx, *to); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backed up to %s\n", *to)
	if path, ok := store.SQLitePath(*db); ok {
		if _, err := os.Stat(keyFilePath(path)); err == nil {
			fmt.Fprintf(env.Stdout, "its secrets open only with %s: keep a copy of that file too, apart from the backup\n", keyFilePath(path))
		}
	}
	return nil
}
