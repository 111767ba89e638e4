package cli

// fresco process export and fresco process import: Fresco's own work
// written as an event log, and an XES or CSV log stored in the database
// (internal/processlog). The mining verbs of 'fresco process' (stats, dfg,
// variants) live in process.go; its dispatcher takes these two from
// processStoreSubcommands.

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/staff"
)

func init() {
	// The verbs of 'fresco process' that work on the database, beside the
	// ones in process.go that read a log file.
	processSubcommands["export"] = processSubcommand{
		"write Fresco's own work (cases, follow-ups, call tasks) as an XES or CSV event log", runProcessExport}
	processSubcommands["import"] = processSubcommand{"store an XES or CSV event log in the database", runProcessImport}
}

// runProcessExport is 'fresco process export --db URL [--format xes|csv]
// [--from DATE] [--to DATE] --output FILE'.
func runProcessExport(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("process export", env)
	db := dbFlag(fs, env)
	format := fs.String("format", "", "xes or csv (default: what --output's name says, else xes)")
	from := fs.String("from", "", "only work that started on or after this day (YYYY-MM-DD) or time (RFC 3339)")
	to := fs.String("to", "", "only work that started before the end of this day (YYYY-MM-DD, inclusive) or before this time (RFC 3339)")
	output := fs.String("output", "", "the file to write ('-' for standard output); a name ending in .gz is gzipped")
	name := fs.String("name", "Fresco service work", "the log's name (XES concept:name)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *output == "" {
		return usageError("--output FILE is required")
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if *format == "" {
		if *format = processlog.FormatOf(*output); *format == "" {
			*format = fresco.LogFormatXES
		}
	}
	if *format != fresco.LogFormatXES && *format != fresco.LogFormatCSV {
		return usageError("--format: %q is not xes or csv", *format)
	}
	var f processlog.OwnFilter
	var err error
	if f.From, err = flagTime("--from", *from, false); err != nil {
		return err
	}
	if f.To, err = flagTime("--to", *to, true); err != nil {
		return err
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return usageError("--from must be before --to")
	}
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	svc := processlog.New(database, processlog.Options{})
	var traces, events int
	write := func(w io.Writer) error {
		lw, err := eventlog.NewWriter(w, *format, *name, processlog.OwnAttributes)
		if err != nil {
			return err
		}
		err = svc.OwnLog(ctx, staff.CLI, f, func(t *eventlog.Trace) error {
			traces, events = traces+1, events+len(t.Events)
			return lw.Write(t)
		})
		if err != nil {
			return err
		}
		return lw.Close()
	}
	if *output == "-" {
		if err := write(env.Stdout); err != nil {
			return err
		}
	} else if err := writeFileAtomically(*output, write); err != nil {
		return err
	}
	if *output != "-" {
		fmt.Fprintf(env.Stdout, "wrote %d cases, %d events to %s (%s)\n", traces, events, *output, *format)
	}
	return nil
}

// flagTime reads a day or an RFC 3339 time; a day given as an end is
// inclusive (the next midnight, UTC).
func flagTime(flagName, s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageError("%s: %q is neither YYYY-MM-DD nor an RFC 3339 time", flagName, s)
	}
	return t, nil
}

// writeFileAtomically writes path through a temporary file beside it, so
// that a failed export leaves no half log behind; a name ending in .gz is
// gzipped.
func writeFileAtomically(path string, write func(io.Writer) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var w io.Writer = tmp
	var gz *gzip.Writer
	if strings.HasSuffix(strings.ToLower(path), ".gz") {
		gz = gzip.NewWriter(tmp)
		w = gz
	}
	if err = write(w); err != nil {
		return err
	}
	if gz != nil {
		if err = gz.Close(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// runProcessImport is 'fresco process import --db URL FILE [--name NAME]
// [--format xes|csv] [--case C --activity A --time T --resource R]'.
func runProcessImport(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("process import", env)
	db := dbFlag(fs, env)
	name := fs.String("name", "", "the log's name (default: the file's name)")
	format := fs.String("format", "", "xes or csv (default: what the file's name says)")
	var cols processlog.Columns
	fs.StringVar(&cols.Case, "case", "", "CSV: the column holding the case id")
	fs.StringVar(&cols.Activity, "activity", "", "CSV: the column holding the activity")
	fs.StringVar(&cols.Time, "time", "", "CSV: the column holding the timestamp")
	fs.StringVar(&cols.Resource, "resource", "", "CSV: the column holding who did it")
	fs.StringVar(&cols.Role, "role", "", "CSV: the column holding their role")
	fs.StringVar(&cols.Lifecycle, "lifecycle", "", "CSV: the column holding the lifecycle transition")
	asJSON := fs.Bool("json", false, "print the stored log as JSON")
	// The file may come before or after the flags.
	var file string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		file, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if file == "" {
		return usageError("missing FILE: fresco process import --db URL FILE [--name NAME]")
	}
	in, err := os.Open(file)
	if err != nil {
		return err
	}
	defer in.Close()
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	svc := processlog.New(database, processlog.Options{})
	l, err := svc.Import(ctx, staff.CLI, processlog.ImportInput{Name: *name, Source: filepath.Base(file), Format: *format,
		Columns: cols, Body: in})
	if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if *asJSON {
		return json.NewEncoder(env.Stdout).Encode(map[string]any{"id": l.ID, "name": l.Name, "format": l.Format,
			"cases": l.Cases, "events": l.Events, "activities": l.Activities, "start": l.StartsAt, "end": l.EndsAt})
	}
	fmt.Fprintf(env.Stdout, "stored event log %d %q: %d cases, %d events, %d activities\n", l.ID, l.Name, l.Cases, l.Events, l.Activities)
	return nil
}
