package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/fresco-cx/fresco/internal/importer"
)

func init() {
	commands["import"] = command{
		summary: "import customers, products or purchases from a CSV file (plain or .gz), or all from an export",
		run:     runImport,
	}
}

// mapFlag collects repeated --map COLUMN=FIELD options.
type mapFlag map[string]string

func (m mapFlag) String() string { return fmt.Sprint(map[string]string(m)) }

func (m mapFlag) Set(s string) error {
	col, field, ok := strings.Cut(s, "=")
	if !ok || col == "" || field == "" {
		return fmt.Errorf("%q: want COLUMN=FIELD", s)
	}
	m[col] = field
	return nil
}

func runImport(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("import", env)
	db := dbFlag(fs, env)
	asJSON := fs.Bool("json", false, "print the summary as JSON")
	mapping := mapFlag{}
	fs.Var(mapping, "map", "COLUMN=FIELD: read FIELD from the file's COLUMN (repeatable)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: fresco import customers|products|purchases FILE [--db URL] [--map COLUMN=FIELD …] [--json]\n       fresco import all DIR [--db URL] [--json]   (a folder written by fresco export, into an empty database)")
		fs.PrintDefaults()
	}
	// Flags may come before or after the two positional arguments.
	positional, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return usageError("want KIND FILE, e.g. fresco import purchases orders.csv.gz")
	}
	kind, path := positional[0], positional[1]
	if kind == "all" {
		return importAll(ctx, *db, path, *asJSON, env)
	}
	if _, ok := importer.Fields[kind]; !ok {
		return usageError("unknown kind %q: use customers, products, purchases, or all (a folder from fresco export)", kind)
	}
	if _, err := os.Stat(path); err != nil {
		return err
	}
	store, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer store.Close()
	opts := importer.Options{Map: mapping}
	bar := newProgressBar(env.Stderr)
	if bar != nil {
		opts.Progress = bar.update
	}
	summary, err := importer.File(ctx, store, kind, path, opts)
	bar.done()
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(summary); err != nil {
			return err
		}
	} else {
		printImportSummary(env.Stdout, summary)
	}
	if summary.Error != "" {
		return fmt.Errorf("%s", summary.Error)
	}
	return nil
}

// parseInterspersed parses flags that may stand before, between or after
// positional arguments, returning the positional ones.
func parseInterspersed(fs interface {
	Parse([]string) error
	Args() []string
}, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError("%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

func printImportSummary(w io.Writer, s *importer.Summary) {
	unit := map[string]string{importer.Customers: "customers", importer.Products: "products", importer.Purchases: "purchases"}[s.Kind]
	fmt.Fprintf(w, "%s: %d lines read in %.1fs\n", s.File, s.Lines, s.Seconds)
	fmt.Fprintf(w, "  imported: %d %s\n  updated:  %d %s\n  rejected: %d lines\n", s.Imported, unit, s.Updated, unit, s.Rejected)
	for _, warning := range s.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", warning)
	}
	const shown = 50
	for i, r := range s.Rejections {
		if i == shown {
			fmt.Fprintf(w, "  … and %d more rejected lines (use --json for up to 1000)\n", s.Rejected-shown)
			break
		}
		if r.Field != "" {
			fmt.Fprintf(w, "  line %d: %s: %s\n", r.Line, r.Field, r.Message)
		} else {
			fmt.Fprintf(w, "  line %d: %s\n", r.Line, r.Message)
		}
	}
}

// progressBar draws on stderr, only when stderr is a terminal.
type progressBar struct {
	w     io.Writer
	start time.Time
	last  time.Time
}

func newProgressBar(w io.Writer) *progressBar {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return &progressBar{w: w, start: time.Now()}
}

func (b *progressBar) update(read, size int64) {
	if time.Since(b.last) < 100*time.Millisecond || size <= 0 {
		return
	}
	b.last = time.Now()
	const width = 30
	frac := min(float64(read)/float64(size), 1)
	filled := int(frac * width)
	fmt.Fprintf(b.w, "\r[%s%s] %3.0f%%  %s", strings.Repeat("█", filled), strings.Repeat(" ", width-filled),
		frac*100, time.Since(b.start).Round(100*time.Millisecond))
}

func (b *progressBar) done() {
	if b != nil {
		fmt.Fprint(b.w, "\r\033[K")
	}
}
