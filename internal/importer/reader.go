// Package importer streams CSV files (plain or gzip) into Fresco: customers,
// products and purchases. It is idempotent on external ids, reports every
// rejected line with its number and reason, and never lets a bad line stop
// or corrupt the rest: good lines around a bad one are stored.
package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// countingReader counts the bytes read from the file, for the progress bar.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decompress returns a reader of the file's text: gzip is recognised by its
// magic bytes, not by the file name.
func decompress(r *countingReader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// row is one data line of the file, with its fields looked up by Fresco name.
type row struct {
	line   int
	fields []string
	cols   map[string]int // Fresco field → column index
}

// get returns the trimmed value of field, or "" when the file lacks it.
func (r *row) get(field string) string {
	i, ok := r.cols[field]
	if !ok || i >= len(r.fields) {
		return ""
	}
	return strings.TrimSpace(r.fields[i])
}

// csvSource reads rows and knows which Fresco field each column feeds.
type csvSource struct {
	csv      *csv.Reader
	cols     map[string]int
	unknown  []string
	lastLine int
}

// newCSVSource reads the header and maps its columns: first through the
// user's --map overrides, then through the kind's aliases.
func newCSVSource(r io.Reader, aliases map[string]string, overrides map[string]string) (*csvSource, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short or long line is rejected by us, with its number
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("line 1: the file is empty; it needs a header line")
		}
		return nil, fmt.Errorf("line 1: %w", err)
	}
	if !utf8.ValidString(strings.Join(header, "")) {
		return nil, fmt.Errorf("line 1: the header is not valid UTF-8")
	}
	src := &csvSource{csv: cr, cols: map[string]int{}, lastLine: 1}
	for i, name := range header {
		name = strings.TrimSpace(strings.TrimPrefix(name, "\ufeff"))
		field, ok := overrides[name]
		if !ok {
			field, ok = aliases[normalise(name)]
		}
		if !ok {
			src.unknown = append(src.unknown, name)
			continue
		}
		if _, dup := src.cols[field]; dup {
			return nil, fmt.Errorf("line 1: columns %q and another both map to %s", name, field)
		}
		src.cols[field] = i
	}
	return src, nil
}

// normalise makes header matching forgiving: "Invoice No", "invoice_no" and
// "InvoiceNo" are the same column.
func normalise(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		if r != ' ' && r != '_' && r != '-' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// next returns the next row. A line the CSV reader cannot parse comes back as
// a *lineError so the caller can reject it and go on; io.EOF ends the file;
// any other error (a truncated gzip stream) ends the import.
func (s *csvSource) next() (*row, error) {
	fields, err := s.csv.Read()
	line := s.lastLine + 1
	if err == nil {
		line, _ = s.csv.FieldPos(0) // FieldPos is only valid after a successful Read
	}
	s.lastLine = line
	var parseErr *csv.ParseError
	switch {
	case err == nil:
	case errors.As(err, &parseErr) && !isReadError(parseErr.Err):
		s.lastLine = parseErr.Line
		return nil, &lineError{line: parseErr.StartLine, field: "", msg: parseErr.Err.Error()}
	default:
		return nil, err
	}
	for i, f := range fields {
		if !utf8.ValidString(f) {
			return nil, &lineError{line: line, field: fmt.Sprintf("column %d", i+1), msg: "is not valid UTF-8"}
		}
	}
	return &row{line: line, fields: fields, cols: s.cols}, nil
}

// isReadError tells a broken stream (gzip checksum, truncation) from a CSV
// syntax error: the former ends the import, the latter only the line.
func isReadError(err error) bool {
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, io.ErrUnexpectedEOF)
}

// lineError is a rejected line.
type lineError struct {
	line  int
	field string
	msg   string
}

func (e *lineError) Error() string {
	if e.field == "" {
		return fmt.Sprintf("line %d: %s", e.line, e.msg)
	}
	return fmt.Sprintf("line %d: %s: %s", e.line, e.field, e.msg)
}
