package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Kinds of file the importer reads.
const (
	Customers = "customers"
	Products  = "products"
	Purchases = "purchases"
)

// Options configure one import.
type Options struct {
	// Map overrides the column for a Fresco field: file column name → field.
	Map map[string]string
	// Progress, when set, is called now and then with bytes read and the
	// file's size (0 when unknown).
	Progress func(read, size int64)
	// BatchSize is the number of purchases stored per transaction.
	BatchSize int
}

// Rejection is one line that was not imported, and why.
type Rejection struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Summary is the outcome of an import.
type Summary struct {
	Kind     string `json:"kind"`
	File     string `json:"file"`
	Lines    int    `json:"lines"`    // data lines read (not counting the header)
	Imported int    `json:"imported"` // records created
	Updated  int    `json:"updated"`  // records that existed and were replaced
	Rejected int    `json:"rejected"` // lines not imported
	// Rejections lists rejected lines, the first maxRejections of them.
	Rejections []Rejection `json:"rejections"`
	Warnings   []string    `json:"warnings"`
	// Error is set when the file itself broke off (a truncated gzip, say);
	// every line before that point was still imported.
	Error   string  `json:"error,omitempty"`
	Seconds float64 `json:"seconds"`
}

const maxRejections = 1000

func (s *Summary) reject(line int, field, format string, args ...any) {
	s.Rejected++
	if len(s.Rejections) < maxRejections {
		s.Rejections = append(s.Rejections, Rejection{Line: line, Field: field, Message: fmt.Sprintf(format, args...)})
	}
}

// add counts into s what part, the summary of one stored batch, holds.
func (s *Summary) add(part *Summary) {
	s.Imported += part.Imported
	s.Updated += part.Updated
	s.Rejected += part.Rejected
	room := max(maxRejections-len(s.Rejections), 0)
	s.Rejections = append(s.Rejections, part.Rejections[:min(room, len(part.Rejections))]...)
	s.Warnings = append(s.Warnings, part.Warnings...)
}

func (s *Summary) rejectErr(line int, err error) {
	var le *lineError
	if errors.As(err, &le) {
		s.reject(le.line, le.field, "%s", le.msg)
		return
	}
	fields := fresco.ErrorFields(err)
	if len(fields) == 0 {
		s.reject(line, "", "%s", fresco.ErrorMessage(err))
		return
	}
	for i, f := range fields {
		if i > 0 {
			s.Rejected-- // one line, several fields: count the line once
		}
		s.reject(line, f.Field, "%s", f.Message)
	}
}

// File imports the CSV file at path (plain or gzip) of the given kind.
func File(ctx context.Context, db *store.DB, kind, path string, opts Options) (*Summary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	summary := &Summary{Kind: kind, File: path, Rejections: []Rejection{}, Warnings: []string{}}
	start := time.Now()
	err = Read(ctx, db, kind, f, size, opts, summary)
	if err == nil {
		// Fresh statistics for PostgreSQL's planner; the time is the import's.
		err = db.Analyze(ctx)
	}
	summary.Seconds = time.Since(start).Seconds()
	return summary, err
}

// Read imports from r into summary. It returns an error only when nothing
// sensible can be done (unknown kind, unreadable header, database down); a
// stream that breaks off midway is recorded in summary.Error after storing
// every complete line before it.
func Read(ctx context.Context, db *store.DB, kind string, r io.Reader, size int64, opts Options, summary *Summary) error {
	if err := checkMap(kind, opts.Map); err != nil {
		return err
	}
	counter := &countingReader{r: r}
	text, err := decompress(counter)
	if err != nil {
		return err
	}
	var imp importer
	switch kind {
	case Customers:
		imp = &customerImporter{db: db}
	case Products:
		imp = &productImporter{db: db}
	case Purchases:
		imp = newPurchaseImporter(db, opts.BatchSize)
	default:
		return fmt.Errorf("unknown kind %q: use customers, products or purchases", kind)
	}
	src, err := newCSVSource(text, imp.aliases(), opts.Map)
	if err != nil {
		return err
	}
	if bg, ok := imp.(interface{ stop() }); ok {
		defer bg.stop() // no batch goes on being stored after an error
	}
	if len(src.unknown) > 0 {
		summary.Warnings = append(summary.Warnings, "ignored columns: "+strings.Join(src.unknown, ", "))
	}
	if missing := missingRequired(imp.required(), src.cols); len(missing) > 0 {
		return fmt.Errorf("line 1: missing required column(s) for %s: %s (use --map COLUMN=FIELD)", kind, strings.Join(missing, ", "))
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		var le *lineError
		if errors.As(err, &le) {
			summary.Lines++
			summary.rejectErr(le.line, err)
			continue
		}
		if err != nil {
			summary.Error = fmt.Sprintf("the file breaks off after line %d: %v; every complete line before it was imported", src.lastLine-1, err)
			break
		}
		summary.Lines++
		if err := imp.add(ctx, row, summary); err != nil {
			return err
		}
		if opts.Progress != nil && summary.Lines%4096 == 0 {
			opts.Progress(counter.n, size)
		}
	}
	if err := imp.finish(ctx, summary); err != nil {
		return err
	}
	if opts.Progress != nil {
		opts.Progress(counter.n, size)
	}
	return nil
}

// importer turns rows of one kind into stored records.
type importer interface {
	aliases() map[string]string // normalised column name → Fresco field
	required() []string         // fields the file must have
	add(ctx context.Context, r *row, s *Summary) error
	finish(ctx context.Context, s *Summary) error
}

// Fields lists the Fresco fields of each kind, for --map validation and help.
var Fields = map[string][]string{
	Customers: {"external_id", "name", "email", "phone", "address", "acquisition_source", "referred_by", "first_seen", "tags", "consent_surveys", "consent_marketing", "consent_personalisation", "consent_referral"},
	Products:  {"sku", "name", "category", "list_price", "unit_cost"},
	Purchases: {"external_id", "customer_external_id", "purchased_at", "location", "channel", "served_by", "promotion_code", "referral_code", "sku", "description", "quantity", "unit_price", "discount", "country"},
}

func checkMap(kind string, m map[string]string) error {
	fields, ok := Fields[kind]
	if !ok {
		return fmt.Errorf("unknown kind %q: use customers, products or purchases", kind)
	}
	for col, field := range m {
		found := false
		for _, f := range fields {
			found = found || f == field
		}
		if !found {
			return fmt.Errorf("--map %s=%s: %s has no field %q (fields: %s)", col, field, kind, field, strings.Join(fields, ", "))
		}
	}
	return nil
}

func missingRequired(required []string, cols map[string]int) []string {
	var missing []string
	for _, f := range required {
		if _, ok := cols[f]; !ok {
			missing = append(missing, f)
		}
	}
	return missing
}

// aliasesFor builds an alias table: each field's own name plus extra names.
func aliasesFor(kind string, extra map[string]string) map[string]string {
	m := map[string]string{}
	for _, f := range Fields[kind] {
		m[normalise(f)] = f
	}
	for alias, f := range extra {
		m[normalise(alias)] = f
	}
	return m
}
