package eventlog

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestReadCSVHandMade(t *testing.T) {
	// Interleaved cases, a BOM, semicolons, an empty time, a quoted field with the separator,
	// lifecycle in capitals, extra columns as case attributes (first non-empty value wins).
	doc := "\ufeffcase;act;when;who;life;region;amount\n" +
		"c1;Register;2024-03-01 10:00:00;ann;START;north;\n" +
		"c2;Register;2024-03-01T09:00:00Z;bob;complete;south;12\n" +
		"c1;Register;2024-03-01 10:05:00;ann;complete;;5\n" +
		"c1;\"Call; then wait\";;;complete;east;\n" +
		"\n"
	log, err := ReadCSV(strings.NewReader(doc), CSVColumns{Case: "case", Activity: "act", Time: "when", Resource: "who", Lifecycle: "life"}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Traces) != 2 || log.Events != 4 || !log.HasLifecycle || log.Attrs != nil {
		t.Fatalf("log = %+v", log)
	}
	c1 := log.Traces[0]
	if c1.Case != "c1" || len(c1.Events) != 3 || c1.Attrs["region"] != "north" || c1.Attrs["amount"] != "5" {
		t.Fatalf("c1 = %+v", c1)
	}
	want := []Event{
		{Activity: "Register", Time: time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC), Resource: "ann", Lifecycle: "start"},
		{Activity: "Register", Time: time.Date(2024, 3, 1, 10, 5, 0, 0, time.UTC), Resource: "ann", Lifecycle: "complete"},
		{Activity: "Call; then wait", Lifecycle: "complete"},
	}
	for i, e := range want {
		if c1.Events[i] != e {
			t.Errorf("c1 event %d = %+v, want %+v", i, c1.Events[i], e)
		}
	}
	if c2 := log.Traces[1]; c2.Case != "c2" || c2.Attrs["amount"] != "12" || c2.Events[0].Resource != "bob" {
		t.Errorf("c2 = %+v", c2)
	}
}

func TestReadCSVDefaultsLayoutAndGzip(t *testing.T) {
	doc := "case:concept:name,concept:name,time:timestamp\n1,A,01.03.2024 10:00\n1,B,01.03.2024 11:30\n"
	log, err := ReadCSV(bytes.NewReader(gz(t, []byte(doc))), CSVColumns{TimeLayout: "02.01.2006 15:04"}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := log.Traces[0].Events[1].Time; !got.Equal(time.Date(2024, 3, 1, 11, 30, 0, 0, time.UTC)) {
		t.Errorf("time = %v", got)
	}
	// Without the layout, the same file is refused naming the line and the column.
	_, err = ReadCSV(strings.NewReader(doc), CSVColumns{}, Limits{})
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Field != "time:timestamp" || !strings.Contains(err.Error(), `"01.03.2024 10:00" is not an ISO 8601`) {
		t.Errorf("err = %v", err)
	}
}

func TestReadCSVErrors(t *testing.T) {
	cases := []struct {
		name, doc string
		cols      CSVColumns
		lim       Limits
		want      string
	}{
		{"empty", "", CSVColumns{}, Limits{}, "line 1: empty file"},
		{"no case column", "id,concept:name\n1,A\n", CSVColumns{}, Limits{}, `line 1: case:concept:name: no case column "case:concept:name" in the header (columns: id, concept:name)`},
		{"named optional column missing", "case:concept:name,concept:name\n1,A\n", CSVColumns{Resource: "who"}, Limits{}, `no resource column "who"`},
		{"empty case", "case:concept:name,concept:name\n1,A\n,B\n", CSVColumns{}, Limits{}, "line 3: case:concept:name: empty case id"},
		{"field count", "case:concept:name,concept:name\n1,A\n2,B,extra\n", CSVColumns{}, Limits{}, "line 3: wrong number of fields"},
		{"bare quote", "case:concept:name,concept:name\n1,A\"b\n", CSVColumns{}, Limits{}, "line 2: bare \" in non-quoted-field"},
		{"too many events", "case:concept:name,concept:name\n1,A\n1,B\n1,C\n", CSVColumns{}, Limits{MaxEvents: 2}, "line 4: more than 2 events"},
		{"long line", "case:concept:name,concept:name\n1," + strings.Repeat("x", 5000) + "\n", CSVColumns{}, Limits{MaxTokenBytes: 1000}, "line 2: a line longer than 1000 bytes"},
	}
	for _, c := range cases {
		_, err := ReadCSV(strings.NewReader(c.doc), c.cols, c.lim)
		if err == nil || !strings.Contains(err.Error(), c.want) || !IsInputError(err) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func TestReadCSVRefusesGigabyteLine(t *testing.T) {
	r := &endless{prefix: []byte("case:concept:name,concept:name\n1,"), unit: []byte("aaaaaaaa"), total: 1 << 30}
	_, err := ReadCSV(r, CSVColumns{}, Limits{})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("err = %v", err)
	}
	if r.read > 4<<20 {
		t.Errorf("read %d bytes before refusing", r.read)
	}
}

func TestCSVRoundTrip(t *testing.T) {
	var plain bytes.Buffer
	WriteSyntheticXES(&plain, 1000, 5)
	log, err := ReadXES(&plain, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := WriteCSV(&out, log); err != nil {
		t.Fatal(err)
	}
	back, err := ReadCSV(&out, CSVColumns{}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if msg := sameLog(log, back, true); msg != "" {
		t.Fatal(msg)
	}
}

func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition,x\n1,A,2024-01-01T00:00:00Z,ann,complete,y\n2,B,,bob,start,\n1,C,2024-01-02,ann,,z\n"))
	f.Add([]byte("case:concept:name;concept:name\n\"1;2\";\"A\"\"B\"\n"))
	f.Add(gz(f, []byte("case:concept:name,concept:name\n1,A\n")))
	f.Fuzz(func(t *testing.T, data []byte) {
		log, err := ReadCSV(bytes.NewReader(data), CSVColumns{}, Limits{MaxEvents: 10000, MaxTokenBytes: 4096})
		if err != nil {
			if !IsInputError(err) && !strings.Contains(err.Error(), "gzip") && !errors.Is(err, errLongLine) {
				// Every refusal of bytes in memory is the file's fault, so it must say where.
				t.Fatalf("not an input error: %v", err)
			}
			return
		}
		n := 0
		for _, tr := range log.Traces {
			if tr.Case == "" || len(tr.Events) == 0 {
				t.Fatalf("trace %+v", tr)
			}
			n += len(tr.Events)
		}
		if n != log.Events {
			t.Fatalf("Events = %d, traces hold %d", log.Events, n)
		}
	})
}

func TestReadCSVTruncatedGzip(t *testing.T) {
	var b strings.Builder
	b.WriteString("case:concept:name,concept:name,time:timestamp\n")
	for i := 0; i < 20000; i++ {
		b.WriteString("c" + strings.Repeat("x", i%7) + ",Activity " + string(rune('A'+i%26)) + ",2024-03-01T10:00:00Z\n")
	}
	whole := gz(t, []byte(b.String()))
	_, err := ReadCSV(bytes.NewReader(whole[:len(whole)*2/3]), CSVColumns{}, Limits{})
	var e *Error
	if !errors.As(err, &e) || e.Line < 2 || !strings.Contains(err.Error(), "gzip stream truncated: it ends after") || e.Offset == 0 {
		t.Fatalf("err = %v", err)
	}
	t.Log(err)
}

func TestReadCSVStartColumn(t *testing.T) {
	doc := "case:concept:name,concept:name,start_timestamp,time:timestamp\n1,A,2024-03-01 09:00,2024-03-01 09:30\n1,B,,2024-03-01 10:00\n"
	log, err := ReadCSV(strings.NewReader(doc), CSVColumns{}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	evs := log.Traces[0].Events
	if !evs[0].Start.Equal(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)) || !evs[1].Start.IsZero() || len(log.Traces[0].Attrs) != 0 {
		t.Errorf("events = %+v, attrs %v", evs, log.Traces[0].Attrs)
	}
	_, err = ReadCSV(strings.NewReader(strings.Replace(doc, "2024-03-01 09:00", "soon", 1)), CSVColumns{}, Limits{})
	var e *Error
	if !errors.As(err, &e) || e.Line != 2 || e.Field != "start_timestamp" {
		t.Errorf("bad start: %v", err)
	}
}
