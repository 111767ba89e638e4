package eventlog

import (
	"bufio"
	"encoding/csv"
	"io"
	"sort"
	"strings"
	"time"
)

// xesHeader opens the XES documents Fresco writes: the log element and the standard
// extensions the fields of Event use.
const xesHeader = `<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
`

// xesTime is how WriteXES writes time:timestamp (what PM4Py and ProM write).
const xesTime = "2006-01-02T15:04:05.000Z07:00"

var xesEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;", "\n", "&#10;", "\r", "&#13;", "\t", "&#9;")

// WriteXES writes log as XES 1.0 (IEEE 1849) with the concept, time, organizational and
// lifecycle extensions. Attribute values are written as strings; empty fields are left out.
func WriteXES(w io.Writer, log *Log) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(xesHeader)
	attr := func(indent, typ, key, value string) {
		bw.WriteString(indent)
		bw.WriteString("<")
		bw.WriteString(typ)
		bw.WriteString(` key="`)
		xesEscaper.WriteString(bw, key)
		bw.WriteString(`" value="`)
		xesEscaper.WriteString(bw, value)
		bw.WriteString("\"/>\n")
	}
	for _, k := range sortedKeys(log.Attrs) {
		attr("  ", "string", k, log.Attrs[k])
	}
	var tb []byte
	for i := range log.Traces {
		t := &log.Traces[i]
		bw.WriteString("  <trace>\n")
		attr("    ", "string", "concept:name", t.Case)
		for _, k := range sortedKeys(t.Attrs) {
			attr("    ", "string", k, t.Attrs[k])
		}
		for j := range t.Events {
			e := &t.Events[j]
			bw.WriteString("    <event>\n")
			attr("      ", "string", "concept:name", e.Activity)
			if !e.Time.IsZero() {
				layout := xesTime
				if e.Time.Nanosecond()%int(time.Millisecond) != 0 {
					layout = time.RFC3339Nano
				}
				tb = e.Time.AppendFormat(tb[:0], layout)
				bw.WriteString(`      <date key="time:timestamp" value="`)
				bw.Write(tb)
				bw.WriteString("\"/>\n")
			}
			if e.Resource != "" {
				attr("      ", "string", "org:resource", e.Resource)
			}
			if e.Role != "" {
				attr("      ", "string", "org:role", e.Role)
			}
			if e.Lifecycle != "" {
				attr("      ", "string", "lifecycle:transition", e.Lifecycle)
			}
			bw.WriteString("    </event>\n")
		}
		bw.WriteString("  </trace>\n")
	}
	bw.WriteString("</log>\n")
	return bw.Flush()
}

// WriteCSV writes log as CSV, one event a row, with the default column names of CSVColumns
// (start_timestamp included) and one column per case attribute (sorted by name), repeated on each of the case's rows.
func WriteCSV(w io.Writer, log *Log) error {
	keySet := map[string]bool{}
	for i := range log.Traces {
		for k := range log.Traces[i].Attrs {
			keySet[k] = true
		}
	}
	keys := sortedKeys(keySet)
	cw := csv.NewWriter(w)
	header := []string{DefaultCaseColumn, DefaultActivityColumn, DefaultTimeColumn, DefaultResourceColumn, DefaultRoleColumn, DefaultLifecycleColumn, DefaultStartColumn}
	if err := cw.Write(append(header, keys...)); err != nil {
		return err
	}
	rec := make([]string, len(header)+len(keys))
	for i := range log.Traces {
		t := &log.Traces[i]
		for j := range t.Events {
			e := &t.Events[j]
			ts := ""
			if !e.Time.IsZero() {
				ts = e.Time.UTC().Format(time.RFC3339Nano)
			}
			start := ""
			if !e.Start.IsZero() {
				start = e.Start.UTC().Format(time.RFC3339Nano)
			}
			copy(rec, []string{t.Case, e.Activity, ts, e.Resource, e.Role, e.Lifecycle, start})
			for k, key := range keys {
				rec[len(header)+k] = t.Attrs[key]
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
