package portable

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// Export writes every exported table of db into dir (which must not exist or
// be empty) and returns the manifest it wrote. All tables are read in one
// transaction, so the files agree with each other; on SQLite that holds
// other writers back for the export's few seconds.
func Export(ctx context.Context, db *store.DB, dir string, format Format) (*Manifest, error) {
	if err := emptyFolder(dir); err != nil {
		return nil, err
	}
	version, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Fresco: layout, Format: format, SchemaVersion: version, ExportedAt: time.Now().UTC(),
		Engine: string(db.Dialect()), Rows: map[string]int64{}, Encoded: map[string]string{}}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		if err := snapshot(ctx, tx); err != nil {
			return err
		}
		for _, t := range tables {
			cols, err := columnsOf(ctx, tx, t.name)
			if err != nil {
				return err
			}
			for _, c := range cols {
				if c.kind == kindBytes {
					m.Encoded[t.name+"."+c.name] = base64Encoding
				}
			}
			n, err := exportTable(ctx, tx, t, cols, filepath.Join(dir, t.name+format.extension()), format)
			if err != nil {
				return fmt.Errorf("export %s: %w", t.name, err)
			}
			m.Rows[t.name] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, writeManifest(dir, m)
}

// snapshot makes every read of tx see the same moment: PostgreSQL's default
// isolation would let each table's read see later commits. SQLite's write
// transaction already excludes other writers.
func snapshot(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	_, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ`)
	return err
}

func emptyFolder(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err):
		return os.MkdirAll(dir, 0o700)
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("%s is not empty: export into a new folder", dir)
	}
	return nil
}

func exportTable(ctx context.Context, q store.Querier, t table, cols []column, path string, format Format) (int64, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	buf := bufio.NewWriterSize(f, 1<<16)
	w := newRowWriter(buf, format, cols)
	n, err := eachRow(ctx, q, t, cols, w.write)
	if err != nil {
		return n, err
	}
	if err := w.flush(); err != nil {
		return n, err
	}
	if err := buf.Flush(); err != nil {
		return n, err
	}
	return n, f.Close()
}

// eachRow reads the table's rows in order and hands each, as text with a
// NULL flag per column, to fn.
func eachRow(ctx context.Context, q store.Querier, t table, cols []column, fn func(vals []string, present []bool) error, args ...any) (int64, error) {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.name
	}
	query := `SELECT ` + strings.Join(names, ", ") + ` FROM ` + t.name
	if t.where != "" {
		query += ` WHERE ` + t.where
	}
	rows, err := q.Query(ctx, query+` ORDER BY `+t.orderBy, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	raw := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	vals, present := make([]string, len(cols)), make([]bool, len(cols))
	var n int64
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		for i, c := range cols {
			if slices.Contains(t.blank, c.name) {
				vals[i], present[i] = "", true
				continue
			}
			if slices.Contains(t.null, c.name) {
				vals[i], present[i] = "", false
				continue
			}
			if vals[i], present[i], err = c.format(raw[i]); err != nil {
				return n, fmt.Errorf("row %d: %w", n+1, err)
			}
		}
		if err := fn(vals, present); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// rowWriter writes rows in one format.
type rowWriter struct {
	cols  []column
	csv   *csv.Writer
	jsonw io.Writer
}

func newRowWriter(w io.Writer, format Format, cols []column) *rowWriter {
	rw := &rowWriter{cols: cols}
	if format == JSON {
		rw.jsonw = w
		return rw
	}
	rw.csv = csv.NewWriter(w)
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	rw.csv.Write(header)
	return rw
}

func (w *rowWriter) write(vals []string, present []bool) error {
	if w.csv != nil {
		record := make([]string, len(vals))
		for i := range vals {
			record[i] = csvField(vals[i], present[i])
		}
		return w.csv.Write(record)
	}
	return w.writeJSON(vals, present)
}

// writeJSON writes one object with the keys in column order, so the files
// of two exports of the same data are the same byte for byte.
func (w *rowWriter) writeJSON(vals []string, present []bool) error {
	var b strings.Builder
	b.WriteByte('{')
	for i, c := range w.cols {
		if i > 0 {
			b.WriteByte(',')
		}
		key, _ := json.Marshal(c.name)
		val, err := json.Marshal(c.jsonValue(vals[i], present[i]))
		if err != nil {
			return err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteString("}\n")
	_, err := io.WriteString(w.jsonw, b.String())
	return err
}

func (w *rowWriter) flush() error {
	if w.csv == nil {
		return nil
	}
	w.csv.Flush()
	return w.csv.Error()
}

// csvField spells NULL as \N, as PostgreSQL's COPY does; a text that
// itself starts with a backslash gets a second one, so no text reads back as
// NULL. A text with a carriage return is written as a backslash and a Go
// quoted string, because encoding/csv reads "\r\n" inside a quoted field
// back as "\n".
func csvField(s string, present bool) string {
	switch {
	case !present:
		return `\N`
	case strings.Contains(s, "\r"):
		return `\` + strconv.Quote(s)
	case strings.HasPrefix(s, `\`):
		return `\` + s
	}
	return s
}

// fromCSVField is the inverse of csvField.
func fromCSVField(s string) (string, bool, error) {
	switch {
	case s == `\N`:
		return "", false, nil
	case strings.HasPrefix(s, `\"`):
		text, err := strconv.Unquote(s[1:])
		if err != nil {
			return "", false, fmt.Errorf("%s is not a quoted text", s)
		}
		return text, true, nil
	case strings.HasPrefix(s, `\\`):
		return s[1:], true, nil
	}
	return s, true, nil
}
