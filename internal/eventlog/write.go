package eventlog

// Writers: a log as XES (IEEE 1849-2016) or as CSV, one trace at a time, so
// that Fresco's own log streams from the database to a file without being
// held whole. Both write times in UTC with milliseconds, the precision XES
// tools expect.

import (
	"bufio"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode"
)

// TimeLayout is how the writers spell a timestamp: xs:dateTime in UTC with
// milliseconds, as ProM, Disco and PM4Py write and read it.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

// formatTime writes t in TimeLayout, or with all its digits when it is finer
// than a millisecond, so that what is written reads back the same.
func formatTime(t time.Time) string {
	if t.Nanosecond()%int(time.Millisecond) != 0 {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return t.UTC().Format(TimeLayout)
}

// Standard XES extensions the writer declares (IEEE 1849-2016, section 7):
// every key it writes with a prefix belongs to one of them.
var xesExtensions = []struct{ name, prefix, uri string }{
	{"Concept", "concept", "http://www.xes-standard.org/concept.xesext"},
	{"Time", "time", "http://www.xes-standard.org/time.xesext"},
	{"Organizational", "org", "http://www.xes-standard.org/org.xesext"},
	{"Lifecycle", "lifecycle", "http://www.xes-standard.org/lifecycle.xesext"},
}

// reservedKeys are the keys the writer fills from Event and Trace fields; a
// case attribute of the same name would repeat them and is left out.
var reservedKeys = map[string]bool{"concept:name": true, "time:timestamp": true, "org:resource": true,
	"org:role": true, "lifecycle:transition": true}

// XESWriter writes a log as XES, trace by trace. Close ends the document;
// a log cut short by an error is not valid XML, so a reader never mistakes
// half a log for a whole one.
type XESWriter struct {
	w      *bufio.Writer
	err    error
	closed bool
	keys   map[string]bool // the keys written in the current trace
}

// NewXESWriter writes the log's header (xes.version is the schema's
// decimal, 1.0, as OpenXES writes it): the standard extensions, the
// globals every trace and event carries (concept:name), the activity
// classifier and the log's own name.
func NewXESWriter(w io.Writer, name string) *XESWriter {
	x := &XESWriter{w: bufio.NewWriterSize(w, 64<<10), keys: map[string]bool{}}
	x.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	x.raw(`<log xes.version="1.0" xmlns="http://www.xes-standard.org/">` + "\n")
	for _, e := range xesExtensions {
		x.raw(`  <extension name="` + e.name + `" prefix="` + e.prefix + `" uri="` + e.uri + `"/>` + "\n")
	}
	x.raw(`  <global scope="trace">` + "\n")
	x.attr("    ", "string", "concept:name", "__INVALID__")
	x.raw("  </global>\n" + `  <global scope="event">` + "\n")
	x.attr("    ", "string", "concept:name", "__INVALID__")
	x.raw("  </global>\n")
	x.raw(`  <classifier name="Activity" keys="concept:name"/>` + "\n")
	x.raw(`  <classifier name="ActivityLifecycle" keys="concept:name lifecycle:transition"/>` + "\n")
	if name != "" {
		x.attr("  ", "string", "concept:name", name)
	}
	return x
}

// Write adds one trace: its case id as concept:name, its attributes as
// strings in key order, then its events in order.
func (x *XESWriter) Write(t *Trace) error {
	if x.closed {
		return errors.New("eventlog: write after close")
	}
	x.raw("  <trace>\n")
	x.attr("    ", "string", "concept:name", t.Case)
	clear(x.keys)
	for _, k := range slices.Sorted(maps.Keys(t.Attrs)) {
		key := xesKey(k)
		if reservedKeys[key] || key == "" || x.keys[key] {
			continue // a key occurs once in a trace (IEEE 1849, 5.5): the first of two that read alike
		}
		x.keys[key] = true
		x.attr("    ", "string", key, t.Attrs[k])
	}
	for i := range t.Events {
		e := &t.Events[i]
		x.raw("    <event>\n")
		x.attr("      ", "string", "concept:name", e.Activity)
		if !e.Time.IsZero() {
			x.attr("      ", "date", "time:timestamp", formatTime(e.Time))
		}
		if e.Resource != "" {
			x.attr("      ", "string", "org:resource", e.Resource)
		}
		if e.Role != "" {
			x.attr("      ", "string", "org:role", e.Role)
		}
		if e.Lifecycle != "" {
			x.attr("      ", "string", "lifecycle:transition", e.Lifecycle)
		}
		x.raw("    </event>\n")
	}
	x.raw("  </trace>\n")
	return x.err
}

// Close ends the log and flushes it. It does not close the underlying writer.
func (x *XESWriter) Close() error {
	if x.closed {
		return x.err
	}
	x.closed = true
	x.raw("</log>\n")
	if x.err == nil {
		x.err = x.w.Flush()
	}
	return x.err
}

func (x *XESWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

// attr writes <kind key="key" value="value"/> with both escaped for an
// attribute value (quotes, ampersands, angle brackets, control characters).
func (x *XESWriter) attr(indent, kind, key, value string) {
	x.raw(indent + "<" + kind + ` key="`)
	x.escape(key)
	x.raw(`" value="`)
	x.escape(value)
	x.raw(`"/>` + "\n")
}

func (x *XESWriter) escape(s string) {
	if x.err == nil {
		x.err = xml.EscapeText(x.w, []byte(s))
	}
}

// CSVHeader is the first columns of a CSV the writer makes: the names the
// CSV reader (and PM4Py) map by default, so a written log reads back as it is.
var CSVHeader = []string{DefaultCaseColumn, DefaultActivityColumn, DefaultTimeColumn, DefaultResourceColumn,
	DefaultRoleColumn, DefaultLifecycleColumn, DefaultStartColumn}

// CSVWriter writes a log as CSV, one line per event: the CSVHeader columns,
// then one column per case attribute named when it was made (its value
// repeated on each of the case's events). Cells that a spreadsheet would
// read as a formula are prefixed with an apostrophe.
type CSVWriter struct {
	w     *csv.Writer
	attrs []string
	rec   []string
}

// NewCSVWriter writes the header line with attrs after the standard columns
// (an attribute named like one of them, or twice, is left out: a column
// name says one thing).
func NewCSVWriter(w io.Writer, attrs []string) (*CSVWriter, error) {
	c := &CSVWriter{w: csv.NewWriter(w)}
	for _, a := range attrs {
		if !slices.Contains(CSVHeader, a) && !slices.Contains(c.attrs, a) {
			c.attrs = append(c.attrs, a)
		}
	}
	c.rec = make([]string, len(CSVHeader)+len(c.attrs))
	if err := c.w.Write(append(slices.Clone(CSVHeader), c.attrs...)); err != nil {
		return nil, err
	}
	return c, nil
}

// Write adds the trace's events.
func (c *CSVWriter) Write(t *Trace) error {
	n := len(CSVHeader)
	for i, a := range c.attrs {
		c.rec[n+i] = safeCell(t.Attrs[a])
	}
	for i := range t.Events {
		e := &t.Events[i]
		c.rec[0], c.rec[1] = safeCell(t.Case), safeCell(e.Activity)
		c.rec[2] = ""
		if !e.Time.IsZero() {
			c.rec[2] = formatTime(e.Time)
		}
		c.rec[3], c.rec[4], c.rec[5] = safeCell(e.Resource), safeCell(e.Role), safeCell(e.Lifecycle)
		c.rec[6] = ""
		if !e.Start.IsZero() {
			c.rec[6] = formatTime(e.Start)
		}
		if err := c.w.Write(c.rec); err != nil {
			return err
		}
	}
	return c.w.Error()
}

// Close flushes the lines written.
func (c *CSVWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// safeCell keeps a spreadsheet from running a cell as a formula.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// Writer is what both writers are: a trace at a time, then Close.
type Writer interface {
	Write(t *Trace) error
	Close() error
}

// NewWriter returns the writer for format "xes" or "csv". name is the log's
// name (XES only); attrs the case attributes given a column (CSV only).
func NewWriter(w io.Writer, format, name string, attrs []string) (Writer, error) {
	switch format {
	case "xes":
		return NewXESWriter(w, name), nil
	case "csv":
		return NewCSVWriter(w, attrs)
	}
	return nil, errors.New(`eventlog: format must be "xes" or "csv"`)
}

// AttrKeys lists the case attributes the traces carry, sorted: the columns
// a CSV of them needs.
func AttrKeys(traces []Trace) []string {
	seen := map[string]bool{}
	for i := range traces {
		for k := range traces[i].Attrs {
			seen[k] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// Write writes traces whole in format: a convenience over NewWriter.
func Write(w io.Writer, format, name string, traces []Trace) error {
	lw, err := NewWriter(w, format, name, AttrKeys(traces))
	if err != nil {
		return err
	}
	for i := range traces {
		if err := lw.Write(&traces[i]); err != nil {
			return err
		}
	}
	return lw.Close()
}

// xesKey makes k an XML Name, as the schema requires of an attribute key
// (a CSV column "Customer type" becomes "Customer_type").
func xesKey(k string) string {
	var b strings.Builder
	for i, r := range k {
		ok := unicode.IsLetter(r) || r == '_' || r == ':' ||
			(i > 0 && (unicode.IsDigit(r) || r == '-' || r == '.'))
		if !ok {
			r = '_'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// WriteXES writes a whole log as XES, named by its concept:name attribute.
func WriteXES(w io.Writer, log *Log) error {
	return Write(w, "xes", log.Attrs["concept:name"], log.Traces)
}

// WriteCSV writes a whole log as CSV, one column per case attribute.
func WriteCSV(w io.Writer, log *Log) error {
	return Write(w, "csv", "", log.Traces)
}
