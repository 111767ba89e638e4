package eventlog_test

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
)

// xesDoc is the XES schema's shape, as much as the test reads back.
type xesAttr struct {
	XMLName xml.Name
	Key     string `xml:"key,attr"`
	Value   string `xml:"value,attr"`
}

type xesDoc struct {
	XMLName    xml.Name `xml:"http://www.xes-standard.org/ log"`
	Version    string   `xml:"xes.version,attr"`
	Extensions []struct {
		Name   string `xml:"name,attr"`
		Prefix string `xml:"prefix,attr"`
		URI    string `xml:"uri,attr"`
	} `xml:"extension"`
	Globals []struct {
		Scope string    `xml:"scope,attr"`
		Attrs []xesAttr `xml:",any"`
	} `xml:"global"`
	Classifiers []struct {
		Name string `xml:"name,attr"`
		Keys string `xml:"keys,attr"`
	} `xml:"classifier"`
	Strings []xesAttr `xml:"string"`
	Traces  []struct {
		Strings []xesAttr `xml:"string"`
		Events  []struct {
			Attrs []xesAttr `xml:",any"`
		} `xml:"event"`
	} `xml:"trace"`
}

func sample() []eventlog.Trace {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.FixedZone("CET", 3600))
	return []eventlog.Trace{
		{Case: "case-1", Attrs: map[string]string{"location": "Bath & <Wells>", "Customer type": "=SUM(A1)", "Customer_type": "dup",
			"concept:name": "not the case id"},
			Events: []eventlog.Event{
				{Activity: "Case opened", Time: t0, Resource: "Ann \"A\" Lee", Role: "agent", Lifecycle: "complete"},
				{Activity: "Handed over", Time: t0.Add(90*time.Minute + 123*time.Millisecond), Resource: "Bo", Role: "manager", Lifecycle: "complete"},
			}},
		{Case: "case-2", Events: []eventlog.Event{{Activity: "Case opened"}}},
	}
}

func TestXESWriterWritesTheStandardStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := eventlog.Write(&buf, "xes", "Fresco's work", sample()); err != nil {
		t.Fatal(err)
	}
	var doc xesDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("not XML: %v\n%s", err, buf.String())
	}
	if doc.Version != "1.0" {
		t.Errorf("xes.version = %q, want the schema's decimal 1.0", doc.Version)
	}
	declared := map[string]string{}
	for _, e := range doc.Extensions {
		declared[e.Prefix] = e.URI
	}
	for prefix, uri := range map[string]string{"concept": "http://www.xes-standard.org/concept.xesext",
		"time": "http://www.xes-standard.org/time.xesext", "org": "http://www.xes-standard.org/org.xesext",
		"lifecycle": "http://www.xes-standard.org/lifecycle.xesext"} {
		if declared[prefix] != uri {
			t.Errorf("extension %s declared as %q, want %q", prefix, declared[prefix], uri)
		}
	}
	if len(doc.Globals) != 2 || doc.Globals[0].Scope != "trace" || doc.Globals[1].Scope != "event" ||
		doc.Globals[1].Attrs[0].Key != "concept:name" {
		t.Errorf("globals = %+v", doc.Globals)
	}
	for _, c := range doc.Classifiers {
		if strings.ContainsAny(c.Name, " &") {
			t.Errorf("classifier name %q is not an NCName", c.Name)
		}
	}
	if len(doc.Strings) != 1 || doc.Strings[0].Value != "Fresco's work" {
		t.Errorf("log name = %+v", doc.Strings)
	}
	if len(doc.Traces) != 2 {
		t.Fatalf("%d traces, want 2", len(doc.Traces))
	}
	tr := doc.Traces[0]
	// Keys are XML Names, each once: "Customer type" and "Customer_type" read alike, the first stays.
	want := []xesAttr{{Key: "concept:name", Value: "case-1"}, {Key: "Customer_type", Value: "=SUM(A1)"}, {Key: "location", Value: "Bath & <Wells>"}}
	if len(tr.Strings) != len(want) {
		t.Fatalf("trace attributes = %+v", tr.Strings)
	}
	for i, w := range want {
		if tr.Strings[i].Key != w.Key || tr.Strings[i].Value != w.Value {
			t.Errorf("trace attribute %d = %s=%q, want %s=%q", i, tr.Strings[i].Key, tr.Strings[i].Value, w.Key, w.Value)
		}
	}
	if len(tr.Events) != 2 {
		t.Fatalf("%d events", len(tr.Events))
	}
	got := map[string]string{}
	kinds := map[string]string{}
	for _, a := range tr.Events[1].Attrs {
		got[a.Key], kinds[a.Key] = a.Value, a.XMLName.Local
	}
	if got["concept:name"] != "Handed over" || got["org:resource"] != "Bo" || got["org:role"] != "manager" ||
		got["lifecycle:transition"] != "complete" || kinds["time:timestamp"] != "date" {
		t.Errorf("event attributes = %v (%v)", got, kinds)
	}
	at, err := time.Parse(time.RFC3339Nano, got["time:timestamp"])
	if err != nil || !at.Equal(time.Date(2026, 3, 1, 9, 30, 0, 123e6, time.UTC)) {
		t.Errorf("time:timestamp %q = %v, %v", got["time:timestamp"], at, err)
	}
	for _, a := range tr.Events[0].Attrs {
		if a.Key == "org:resource" && a.Value != `Ann "A" Lee` {
			t.Errorf("resource = %q", a.Value)
		}
	}
	// An event without a time, resource, role or lifecycle has only its name.
	if n := len(doc.Traces[1].Events[0].Attrs); n != 1 {
		t.Errorf("bare event has %d attributes, want 1", n)
	}
}

// TestXESWriterUnclosedIsNotALog: a log cut short does not parse.
func TestXESWriterUnclosedIsNotALog(t *testing.T) {
	var buf bytes.Buffer
	w := eventlog.NewXESWriter(&buf, "")
	tr := sample()[0]
	if err := w.Write(&tr); err != nil {
		t.Fatal(err)
	}
	var doc xesDoc
	if err := xml.Unmarshal(buf.Bytes(), &doc); err == nil {
		t.Error("an unclosed log parsed")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&tr); err == nil {
		t.Error("write after close succeeded")
	}
}

func TestCSVWriter(t *testing.T) {
	var buf bytes.Buffer
	if err := eventlog.Write(&buf, "csv", "", sample()); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"case:concept:name", "concept:name", "time:timestamp", "org:resource", "org:role", "lifecycle:transition", "start_timestamp", "Customer type", "Customer_type", "location"},
		{"case-1", "Case opened", "2026-03-01T08:00:00.000Z", `Ann "A" Lee`, "agent", "complete", "", "'=SUM(A1)", "dup", "Bath & <Wells>"},
		{"case-1", "Handed over", "2026-03-01T09:30:00.123Z", "Bo", "manager", "complete", "", "'=SUM(A1)", "dup", "Bath & <Wells>"},
		{"case-2", "Case opened", "", "", "", "", "", "", "", ""},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %q", rows)
	}
	for i := range want {
		if strings.Join(rows[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d = %q, want %q", i, rows[i], want[i])
		}
	}
}

func TestCSVWriterLeavesOutColumnsNamedTwice(t *testing.T) {
	var buf bytes.Buffer
	w, err := eventlog.NewCSVWriter(&buf, []string{"time:timestamp", "region", "region"})
	if err != nil {
		t.Fatal(err)
	}
	tr := eventlog.Trace{Case: "c", Attrs: map[string]string{"time:timestamp": "x", "region": "north"}, Events: []eventlog.Event{{Activity: "A"}}}
	if err := w.Write(&tr); err != nil || w.Close() != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "case:concept:name,concept:name,time:timestamp,org:resource,org:role,lifecycle:transition,start_timestamp,region\nc,A,,,,,,north\n" {
		t.Errorf("csv = %q", got)
	}
}

func TestNewWriterRefusesUnknownFormat(t *testing.T) {
	if _, err := eventlog.NewWriter(&bytes.Buffer{}, "json", "", nil); err == nil {
		t.Error("json accepted")
	}
}

// FuzzXESWriter: whatever the strings, the log parses as XML and gives them
// back (characters XML cannot hold become U+FFFD).
func FuzzXESWriter(f *testing.F) {
	f.Add("case-1", "Case opened", "location", "Bath & <Wells>", "Ann \"A\"\r\n\t")
	f.Add("", "", "", "", "")
	f.Add("\x00", "]]>", "1bad key", "\xff", "&amp;")
	f.Fuzz(func(t *testing.T, caseID, activity, key, value, resource string) {
		tr := eventlog.Trace{Case: caseID, Attrs: map[string]string{key: value},
			Events: []eventlog.Event{{Activity: activity, Resource: resource, Time: time.Unix(1700000000, 0)}}}
		var buf bytes.Buffer
		if err := eventlog.Write(&buf, "xes", "fuzz", []eventlog.Trace{tr}); err != nil {
			t.Fatal(err)
		}
		var doc xesDoc
		if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("not XML: %v\n%s", err, buf.String())
		}
		if len(doc.Traces) != 1 || len(doc.Traces[0].Events) != 1 {
			t.Fatalf("structure: %+v", doc.Traces)
		}
		if got := doc.Traces[0].Strings[0].Value; got != xmlSafe(caseID) {
			t.Errorf("case %q came back %q", caseID, got)
		}
		got := map[string]string{}
		for _, a := range doc.Traces[0].Events[0].Attrs {
			got[a.Key] = a.Value
		}
		if got["concept:name"] != xmlSafe(activity) || got["org:resource"] != xmlSafe(resource) {
			t.Errorf("event %v, want activity %q resource %q", got, activity, resource)
		}
	})
}

// xmlSafe is s as XML gives it back: invalid UTF-8 and characters XML 1.0
// cannot hold replaced by U+FFFD.
func xmlSafe(s string) string {
	var b strings.Builder
	for _, r := range s { // an invalid byte ranges as U+FFFD, one each
		if r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF) {
			b.WriteRune(r)
		} else {
			b.WriteRune('\uFFFD')
		}
	}
	return b.String()
}
