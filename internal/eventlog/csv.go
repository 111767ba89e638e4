package eventlog

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// CSVColumns maps a CSV file's header names to event fields. A zero field takes its default:
// the XES key of the same meaning, as PM4Py writes it.
type CSVColumns struct {
	Case      string // default "case:concept:name"
	Activity  string // default "concept:name"
	Time      string // default "time:timestamp"; "-" for none
	Resource  string // default "org:resource" (optional: absent is fine)
	Role      string // default "org:role" (optional)
	Lifecycle string // default "lifecycle:transition" (optional)
	Start     string // default "start_timestamp" (optional): when the activity instance began
	// TimeLayout is a Go time layout for the time column; "" reads ISO 8601 forms
	// (2024-03-01T10:15:00Z, 2024-03-01 10:15:00, 2024/03/01 10:15, 2024-03-01).
	TimeLayout string
	// Comma is the field separator; 0 guesses from the header line (',', ';', tab or '|').
	Comma rune
}

// Default CSV column names.
const (
	DefaultCaseColumn      = "case:concept:name"
	DefaultActivityColumn  = "concept:name"
	DefaultTimeColumn      = "time:timestamp"
	DefaultResourceColumn  = "org:resource"
	DefaultRoleColumn      = "org:role"
	DefaultLifecycleColumn = "lifecycle:transition"
	DefaultStartColumn     = "start_timestamp"
)

func (c CSVColumns) withDefaults() CSVColumns {
	def := func(s *string, d string) {
		if *s == "" {
			*s = d
		}
	}
	def(&c.Case, DefaultCaseColumn)
	def(&c.Activity, DefaultActivityColumn)
	def(&c.Time, DefaultTimeColumn)
	def(&c.Resource, DefaultResourceColumn)
	def(&c.Role, DefaultRoleColumn)
	def(&c.Lifecycle, DefaultLifecycleColumn)
	def(&c.Start, DefaultStartColumn)
	return c
}

// lineGuard refuses a physical line longer than max bytes before it is all read (encoding/csv
// would otherwise hold a line of any length in memory), and counts lines for errors.
type lineGuard struct {
	r       io.Reader
	max     int
	curLine int // bytes since the last newline
	lines   int
	total   int64 // bytes read
}

var errLongLine = errors.New("long line")

func (g *lineGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	g.total += int64(n)
	b := p[:n]
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			g.curLine += len(b)
			break
		}
		g.curLine += i
		if g.curLine > g.max {
			break
		}
		g.curLine = 0
		g.lines++
		b = b[i+1:]
	}
	if g.curLine > g.max {
		return 0, errLongLine
	}
	return n, err
}

// ReadCSV reads an event log from CSV, one event a row, with a header line naming the
// columns (cols maps them; the case and activity columns are required, the others optional
// unless named explicitly). Gzip is detected from the content. Rows of a case may be spread
// over the file: events are grouped by case in the order each case first appears, and keep
// file order within it. Columns not mapped to an event field become case attributes, from the
// case's first row that gives a value. An empty time cell is an event without a time.
func ReadCSV(r io.Reader, cols CSVColumns, lim Limits) (*Log, error) {
	lim = lim.withDefaults()
	explicit := cols
	cols = cols.withDefaults()
	src, err := newSource(r)
	if err != nil {
		err.(*Error).Format = FormatCSV
		return nil, err
	}
	defer src.close()
	guard := &lineGuard{r: src.r, max: lim.MaxTokenBytes}
	br := bufio.NewReaderSize(guard, 64<<10)
	comma := cols.Comma
	if comma == 0 {
		head, _ := br.Peek(4096)
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			head = head[:i]
		}
		comma = guessComma(head)
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.ReuseRecord = true
	cr.LazyQuotes = false
	fail := func(line int, field, msg string, err error) error {
		return &Error{Format: FormatCSV, Line: line, Field: field, Msg: msg, Err: err}
	}
	readErr := func(err error) error {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, errLongLine):
			return fail(guard.lines+1, "", fmt.Sprintf("a line longer than %d bytes: refused (limit MaxTokenBytes)", lim.MaxTokenBytes), ErrLimit)
		case errors.As(err, &pe) && pe.Err != nil && !errors.Is(pe.Err, io.ErrUnexpectedEOF) && pe.Line > 0:
			if errors.Is(pe.Err, csv.ErrFieldCount) || errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
				return fail(pe.Line, "", pe.Err.Error(), pe.Err)
			}
		}
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return src.readErr(FormatCSV, guard.lines+1, guard.total, err)
	}
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fail(1, "", "empty file: want a header line naming the columns", nil)
	}
	if err != nil {
		return nil, readErr(err)
	}
	header = append([]string(nil), header...)
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff")
	}
	index := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if _, dup := index[h]; !dup {
			index[h] = i
		}
	}
	col := func(name, explicitName, what string, required bool) (int, error) {
		if name == "-" {
			return -1, nil
		}
		if i, ok := index[name]; ok {
			return i, nil
		}
		if required || explicitName != "" {
			return -1, fail(1, name, fmt.Sprintf("no %s column %q in the header (columns: %s)", what, name, strings.Join(header, ", ")), nil)
		}
		return -1, nil
	}
	var ci, ai, ti, ri, oi, li, si int
	for _, c := range []struct {
		index             *int
		name, given, what string
		required          bool
	}{
		{&ci, cols.Case, explicit.Case, "case", true},
		{&ai, cols.Activity, explicit.Activity, "activity", true},
		{&ti, cols.Time, explicit.Time, "time", false},
		{&ri, cols.Resource, explicit.Resource, "resource", false},
		{&oi, cols.Role, explicit.Role, "role", false},
		{&li, cols.Lifecycle, explicit.Lifecycle, "lifecycle", false},
		{&si, cols.Start, explicit.Start, "start time", false},
	} {
		if *c.index, err = col(c.name, c.given, c.what, c.required); err != nil {
			return nil, err
		}
	}
	mapped := map[int]bool{ci: true, ai: true, ti: true, ri: true, oi: true, li: true, si: true}
	readTime := func(line int, column, v string) (time.Time, error) {
		var t time.Time
		var terr error
		if cols.TimeLayout != "" {
			t, terr = parseTimeLayout(cols.TimeLayout, v)
		} else {
			t, terr = parseTime([]byte(v))
		}
		if terr != nil {
			want := "an ISO 8601 date-time like 2024-03-01T10:15:00Z (or give the time layout)"
			if cols.TimeLayout != "" {
				want = "in the layout " + cols.TimeLayout
			}
			return t, fail(line, column, fmt.Sprintf("%q is not %s", truncate([]byte(v)), want), terr)
		}
		return t, nil
	}
	in := interner{}
	log := &Log{}
	caseIndex := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, readErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && rec[0] == "" {
			continue
		}
		if log.Events >= lim.MaxEvents {
			return nil, fail(line, "", fmt.Sprintf("more than %d events: refused (limit MaxEvents)", lim.MaxEvents), ErrLimit)
		}
		id := rec[ci]
		if id == "" {
			return nil, fail(line, cols.Case, "empty case id", nil)
		}
		k, ok := caseIndex[id]
		if !ok {
			k = len(log.Traces)
			id = strings.Clone(id)
			caseIndex[id] = k
			log.Traces = append(log.Traces, Trace{Case: id})
		}
		tr := &log.Traces[k]
		ev := Event{Activity: in.str(rec[ai])}
		if ti >= 0 {
			if v := strings.TrimSpace(rec[ti]); v != "" {
				if ev.Time, err = readTime(line, cols.Time, v); err != nil {
					return nil, err
				}
			}
		}
		if si >= 0 {
			if v := strings.TrimSpace(rec[si]); v != "" {
				if ev.Start, err = readTime(line, cols.Start, v); err != nil {
					return nil, err
				}
			}
		}
		if ri >= 0 {
			ev.Resource = in.str(rec[ri])
		}
		if oi >= 0 {
			ev.Role = in.str(rec[oi])
		}
		if li >= 0 && rec[li] != "" {
			ev.Lifecycle = in.str(strings.ToLower(rec[li]))
			log.HasLifecycle = true
		}
		tr.Events = append(tr.Events, ev)
		log.Events++
		for i, v := range rec {
			if mapped[i] || v == "" {
				continue
			}
			if tr.Attrs == nil {
				tr.Attrs = map[string]string{}
			}
			key := in.str(header[i])
			if _, set := tr.Attrs[key]; !set {
				tr.Attrs[key] = in.str(v)
			}
		}
	}
	return log, nil
}

func guessComma(head []byte) rune {
	best, bestN := ',', 0
	for _, c := range []byte{',', ';', '\t', '|'} {
		if n := bytes.Count(head, []byte{c}); n > bestN {
			best, bestN = rune(c), n
		}
	}
	return best
}
