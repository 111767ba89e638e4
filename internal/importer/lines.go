package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// FileLine is one purchase line of a purchases file, read as the import
// reads it but stored nowhere: what an analysis of a file needs
// (fresco recommend eval).
type FileLine struct {
	Line     int       // line number in the file
	Purchase string    // external_id, the invoice number
	Customer string    // customer_external_id, "" when the line has none
	At       time.Time // purchased_at, UTC
	SKU      string
	Quantity int64 // negative for a refund
}

// ReadPurchaseLines streams the purchase lines of r (a purchases CSV, plain
// or gzip) to fn, with the import's column names, aliases, --map overrides
// and parsing of dates, quantities and ids. A line the import would reject
// for a bad date, quantity or missing sku is counted and listed in the
// summary, and skipped; fn's error stops the read.
func ReadPurchaseLines(ctx context.Context, r io.Reader, opts Options, fn func(FileLine) error) (*Summary, error) {
	if err := checkMap(Purchases, opts.Map); err != nil {
		return nil, err
	}
	text, err := decompress(&countingReader{r: r})
	if err != nil {
		return nil, err
	}
	imp := &purchaseImporter{}
	src, err := newCSVSource(text, imp.aliases(), opts.Map)
	if err != nil {
		return nil, err
	}
	if missing := missingRequired([]string{"external_id", "purchased_at", "sku", "quantity"}, src.cols); len(missing) > 0 {
		return nil, fmt.Errorf("line 1: missing required column(s) for purchases: %s (use --map COLUMN=FIELD)", strings.Join(missing, ", "))
	}
	summary := &Summary{Kind: Purchases, Rejections: []Rejection{}, Warnings: []string{}}
	if len(src.unknown) > 0 {
		summary.Warnings = append(summary.Warnings, "ignored columns: "+strings.Join(src.unknown, ", "))
	}
	var last parsedTime
	for {
		if summary.Lines%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return summary, err
			}
		}
		row, err := src.next()
		if errors.Is(err, io.EOF) {
			return summary, nil
		}
		var le *lineError
		if errors.As(err, &le) {
			summary.Lines++
			summary.rejectErr(le.line, err)
			continue
		}
		if err != nil {
			return summary, fmt.Errorf("the file breaks off after line %d: %w", src.lastLine-1, err)
		}
		summary.Lines++
		l := FileLine{Line: row.line, Purchase: externalID(row.get("external_id")),
			Customer: externalID(row.get("customer_external_id")), SKU: row.get("sku")}
		if t := row.get("purchased_at"); t != last.text || last.at.IsZero() && last.err == nil {
			at, err := parseTime(t)
			last = parsedTime{text: t, at: at, err: err}
		}
		switch {
		case l.Purchase == "":
			summary.reject(row.line, "external_id", "is required: lines of one purchase share it")
			continue
		case last.err != nil:
			summary.reject(row.line, "purchased_at", "%v", last.err)
			continue
		case l.SKU == "":
			summary.reject(row.line, "sku", "is required")
			continue
		}
		l.At = last.at
		if l.Quantity, err = parseQuantity(row.get("quantity")); err != nil {
			summary.reject(row.line, "quantity", "%v", err)
			continue
		}
		summary.Imported++
		if err := fn(l); err != nil {
			return summary, err
		}
	}
}
