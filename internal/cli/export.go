package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/fresco-cx/fresco/internal/portable"
)

func init() {
	commands["export"] = command{summary: "write every entity to a folder of CSV or JSON Lines files (fresco import all reads it back)", run: runExport}
}

func runExport(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("export", env)
	db := dbFlag(fs, env)
	out := fs.String("out", "", "the folder to write (must not exist or be empty)")
	formatName := fs.String("format", "csv", "csv or json (JSON Lines, an object per row)")
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError("--out DIR is required")
	}
	format, err := portable.ParseFormat(*formatName)
	if err != nil {
		return usageError("--format: %v", err)
	}
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	start := time.Now()
	m, err := portable.Export(ctx, database, *out, format)
	if err != nil {
		return err
	}
	return printManifest(env.Stdout, m, "exported to "+*out, time.Since(start), *asJSON)
}

// importAll restores a folder written by fresco export.
func importAll(ctx context.Context, dbURL, dir string, asJSON bool, env Env) error {
	database, err := openDB(ctx, dbURL)
	if err != nil {
		return err
	}
	defer database.Close()
	start := time.Now()
	m, err := portable.Import(ctx, database, dir)
	if err != nil {
		return err
	}
	return printManifest(env.Stdout, m, "imported from "+dir, time.Since(start), asJSON)
}

func printManifest(w io.Writer, m *portable.Manifest, what string, took time.Duration, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(m)
	}
	var total int64
	names := make([]string, 0, len(m.Rows))
	for name, n := range m.Rows {
		names = append(names, name)
		total += n
	}
	slices.Sort(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-20s %9d\n", name, m.Rows[name])
	}
	fmt.Fprintf(w, "%s: %d rows in %d tables (%s) in %s\n", what, total, len(names), m.Format, took.Round(time.Millisecond))
	return nil
}
