package portable

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Import restores the export in dir into db, which must hold no business
// data yet (what migrations seed, such as the listening posts, is replaced
// by the export's). Everything is restored in one transaction: a bad line
// leaves the database as it was, and the error names the file and line.
func Import(ctx context.Context, db *store.DB, dir string) (*Manifest, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	current, _, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if m.SchemaVersion > current {
		return nil, fmt.Errorf("the export is of schema version %d, newer than this database's %d: import with the fresco that made it", m.SchemaVersion, current)
	}
	if err := requireEmpty(ctx, db); err != nil {
		return nil, err
	}
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, t := range slices.Backward(tables) {
			if _, err := tx.Exec(ctx, `DELETE FROM `+t.name); err != nil {
				return fmt.Errorf("clear %s: %w", t.name, err)
			}
		}
		for _, t := range tables {
			n, err := importTable(ctx, tx, t, filepath.Join(dir, t.name+m.Format.extension()), m)
			if err != nil {
				return err
			}
			if want, listed := m.Rows[t.name]; listed && n != want {
				return fmt.Errorf("%s: %d rows, the manifest says %d: the export is incomplete", t.name, n, want)
			}
		}
		return restartIDs(ctx, tx)
	})
	if err != nil {
		return m, err
	}
	return m, db.VacuumAnalyze(ctx) // every table was just loaded: PostgreSQL's statistics know none of it
}

// requireEmpty refuses to import over a business's data: an import replaces
// whole tables.
func requireEmpty(ctx context.Context, db *store.DB) error {
	for _, name := range []string{"customers", "employees", "purchases", "responses", "recovery_cases"} {
		var n int64
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM `+name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fresco.Errorf(fresco.ECONFLICT, "the database already holds %d %s: import into a new, empty database", n, strings.ReplaceAll(name, "_", " "))
		}
	}
	return nil
}

// importTable inserts one file's rows. Columns that point into the same
// table are written in a second pass, once every row they may point at is
// there.
func importTable(ctx context.Context, tx *store.Tx, t table, path string, m *Manifest) (int64, error) {
	cols, err := columnsOf(ctx, tx, t.name)
	if err != nil {
		return 0, err
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil // a table the exporting version did not have
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	r, err := newRowReader(bufio.NewReaderSize(f, 1<<16), m.Format, cols)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	// A binary column is read as base64 only where the manifest says it
	// was written so: raw bytes read as base64 would be restored garbled.
	for _, c := range r.cols {
		if c.kind == kindBytes && m.Encoded[t.name+"."+c.name] != base64Encoding {
			return 0, fmt.Errorf("%s: column %s holds bytes, but %s does not say they are in %s", filepath.Base(path), c.name, manifestFile, base64Encoding)
		}
	}
	ins := newInserter(tx, t, r.cols)
	var n int64
	for {
		vals, err := r.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return n, fmt.Errorf("%s line %d: %w", filepath.Base(path), r.line, err)
		}
		if err := ins.add(ctx, vals); err != nil {
			return n, fmt.Errorf("%s line %d: %w", filepath.Base(path), r.line, err)
		}
		n++
	}
	if err := ins.flush(ctx); err != nil {
		return n, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return n, ins.restoreSelfRefs(ctx)
}

// rowReader reads typed rows from a CSV or JSON Lines file.
type rowReader struct {
	cols  []column // the file's columns, each known to the database
	csv   *csv.Reader
	lines *bufio.Scanner
	line  int
}

func newRowReader(r io.Reader, format Format, dbCols []column) (*rowReader, error) {
	rr := &rowReader{}
	if format == JSON {
		rr.cols = dbCols
		rr.lines = bufio.NewScanner(r)
		rr.lines.Buffer(make([]byte, 1<<20), 64<<20)
		return rr, nil
	}
	rr.csv = csv.NewReader(r)
	rr.csv.ReuseRecord = true
	header, err := rr.csv.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	rr.line = 1
	for _, name := range header {
		i := slices.IndexFunc(dbCols, func(c column) bool { return c.name == name })
		if i < 0 {
			return nil, fmt.Errorf("column %q is not in this database's table", name)
		}
		rr.cols = append(rr.cols, dbCols[i])
	}
	return rr, nil
}

// next returns the next row's values, nil for NULL.
func (r *rowReader) next() ([]any, error) {
	r.line++
	texts, present, err := r.nextTexts()
	if err != nil {
		return nil, err
	}
	vals := make([]any, len(r.cols))
	for i, c := range r.cols {
		if !present[i] {
			continue
		}
		if vals[i], err = c.parse(texts[i]); err != nil {
			return nil, fmt.Errorf("column %s: %q: %w", c.name, texts[i], err)
		}
	}
	return vals, nil
}

func (r *rowReader) nextTexts() ([]string, []bool, error) {
	texts, present := make([]string, len(r.cols)), make([]bool, len(r.cols))
	if r.csv != nil {
		record, err := r.csv.Read()
		if err != nil {
			return nil, nil, err
		}
		for i, c := range r.cols {
			if texts[i], present[i], err = fromCSVField(record[i]); err != nil {
				return nil, nil, fmt.Errorf("column %s: %w", c.name, err)
			}
		}
		return texts, present, nil
	}
	if !r.lines.Scan() {
		if err := r.lines.Err(); err != nil {
			return nil, nil, err
		}
		return nil, nil, io.EOF
	}
	dec := json.NewDecoder(strings.NewReader(r.lines.Text()))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, nil, err
	}
	for key := range obj {
		if !slices.ContainsFunc(r.cols, func(c column) bool { return c.name == key }) {
			return nil, nil, fmt.Errorf("column %q is not in this database's table", key)
		}
	}
	for i, c := range r.cols {
		texts[i], present[i] = c.fromJSON(obj[c.name])
	}
	return texts, present, nil
}

// inserter writes rows with multi-row INSERTs.
type inserter struct {
	tx       *store.Tx
	t        table
	cols     []column
	pending  [][]any
	selfRefs [][]any // id, then the self-referencing columns' values
	refIdx   []int
	idIdx    int
}

func newInserter(tx *store.Tx, t table, cols []column) *inserter {
	ins := &inserter{tx: tx, t: t, cols: cols, idIdx: -1}
	for i, c := range cols {
		if c.name == "id" {
			ins.idIdx = i
		}
		if slices.Contains(t.selfRefs, c.name) {
			ins.refIdx = append(ins.refIdx, i)
		}
	}
	return ins
}

// rowsPerInsert keeps a statement under both engines' parameter limits.
func (ins *inserter) rowsPerInsert() int { return max(1, min(200, 30000/len(ins.cols))) }

func (ins *inserter) add(ctx context.Context, vals []any) error {
	if len(ins.refIdx) > 0 {
		if ins.idIdx < 0 {
			return fmt.Errorf("table %s has self references but no id column", ins.t.name)
		}
		ref := []any{vals[ins.idIdx]}
		for _, i := range ins.refIdx {
			ref = append(ref, vals[i])
			vals[i] = nil
		}
		ins.selfRefs = append(ins.selfRefs, ref)
	}
	ins.pending = append(ins.pending, vals)
	if len(ins.pending) >= ins.rowsPerInsert() {
		return ins.flush(ctx)
	}
	return nil
}

func (ins *inserter) flush(ctx context.Context) error {
	if len(ins.pending) == 0 {
		return nil
	}
	names := make([]string, len(ins.cols))
	for i, c := range ins.cols {
		names[i] = c.name
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(ins.cols)), ", ") + ")"
	args := make([]any, 0, len(ins.pending)*len(ins.cols))
	for _, vals := range ins.pending {
		args = append(args, vals...)
	}
	query := `INSERT INTO ` + ins.t.name + ` (` + strings.Join(names, ", ") + `) VALUES ` +
		strings.TrimSuffix(strings.Repeat(row+", ", len(ins.pending)), ", ")
	if _, err := ins.tx.Exec(ctx, query, args...); err != nil {
		return err
	}
	ins.pending = ins.pending[:0]
	return nil
}

func (ins *inserter) restoreSelfRefs(ctx context.Context) error {
	for _, ref := range ins.selfRefs {
		if !slices.ContainsFunc(ref[1:], func(v any) bool { return v != nil }) {
			continue
		}
		var sets []string
		for _, i := range ins.refIdx {
			sets = append(sets, ins.cols[i].name+" = ?")
		}
		args := append(ref[1:], ref[0])
		if _, err := ins.tx.Exec(ctx, `UPDATE `+ins.t.name+` SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...); err != nil {
			return fmt.Errorf("%s %v: %w", ins.t.name, ref[0], err)
		}
	}
	return nil
}

// restartIDs moves PostgreSQL's identity sequences past the imported ids, so
// the next record made gets a fresh one. SQLite takes the next id from the
// table itself.
func restartIDs(ctx context.Context, tx *store.Tx) error {
	if tx.Dialect() != store.Postgres {
		return nil
	}
	for _, t := range tables {
		if t.orderBy != "id" {
			continue
		}
		_, err := tx.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t.name+`', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM `+t.name)
		if err != nil {
			return fmt.Errorf("restart ids of %s: %w", t.name, err)
		}
	}
	return nil
}
