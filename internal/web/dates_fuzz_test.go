package web

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// FuzzDateParams feeds arbitrary text to the API's date parsers, the query
// parameter (?from=, ?to=: a date or an RFC 3339 time) and the body date
// (YYYY-MM-DD). Each either gives a time or reports one error naming its
// field, never both and never a panic; what it accepts is UTC, fits in
// JSON (which refuses years beyond 9999) and reads back as itself.
func FuzzDateParams(f *testing.F) {
	for _, s := range []string{"2024-05-01", "2024-05-01T14:30:00Z", "2024-05-01T14:30:00.123456789+02:00",
		"2024-02-30", "0000-01-01", "9999-12-31", "9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59",
		" 2024-05-01 ", "2024-5-1", "", "\x00", "2024-05-01T25:00:00Z", "+2024-05-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, nextDay := range []bool{false, true} {
			var v fresco.Validation
			got := parseTimeParam(&v, "from", s, nextDay)
			checkParsed(t, "parseTimeParam", s, got, v.Err(), "query.from")
		}
		var v fresco.Validation
		got := parseDate(&v, "body.date", s)
		checkParsed(t, "parseDate", s, got, v.Err(), "body.date")
		if v.Err() == nil && !got.IsZero() && (got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0) {
			t.Fatalf("parseDate(%q) = %v, not a midnight", s, got)
		}
	})
}

func checkParsed(t *testing.T, fn, s string, got time.Time, err error, field string) {
	t.Helper()
	if err != nil {
		fields := fresco.ErrorFields(err)
		if len(fields) != 1 || fields[0].Field != field || !got.IsZero() {
			t.Fatalf("%s(%q) = %v, %v: want a zero time and one error naming %s", fn, s, got, fields, field)
		}
		return
	}
	if got.IsZero() {
		return // an empty parameter: no bound
	}
	if got.Location() != time.UTC {
		t.Fatalf("%s(%q) = %v, not UTC", fn, s, got)
	}
	b, jerr := json.Marshal(got)
	if jerr != nil {
		t.Fatalf("%s(%q) = %v, which JSON cannot carry: %v", fn, s, got, jerr)
	}
	var back time.Time
	if err := json.Unmarshal(b, &back); err != nil || !back.Equal(got) {
		t.Fatalf("%s(%q) = %v reads back as %v (%v)", fn, s, got, back, err)
	}
}
