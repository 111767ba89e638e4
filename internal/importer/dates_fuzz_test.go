package importer

import (
	"strings"
	"testing"
	"time"
)

// FuzzParseTime feeds arbitrary text to the importer's date reader, which
// tries the layouts of real exports in turn. It never panics; it accepts
// or explains; what it accepts is UTC, in years JSON can carry, and, written
// as RFC 3339, reads back as the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-05-01T14:30:00Z", "2024-05-01 14:30:05", "2024-05-01 14:30", "2024-05-01T14:30:05",
		"2024-05-01", "20240501", "12/1/2010 8:26", "12/1/2010 8:26:59", "12/1/2010", "13/45/2010", "2024-02-30",
		"9999-12-31T23:59:59-23:59", "", "\x00", "1/2/0000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseTime(s)
		if err != nil {
			if !got.IsZero() || !strings.Contains(err.Error(), "is not a date") {
				t.Fatalf("parseTime(%q) = %v, %v", s, got, err)
			}
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("parseTime(%q) = %v, not UTC", s, got)
		}
		if y := got.Year(); y < 1 || y > 9999 {
			t.Fatalf("parseTime(%q) = %v: RFC 3339 and JSON cannot write it", s, got)
		}
		back, err := time.Parse(time.RFC3339Nano, got.Format(time.RFC3339Nano))
		if err != nil || !back.Equal(got) {
			t.Fatalf("parseTime(%q) = %v reads back as %v (%v)", s, got, back, err)
		}
	})
}
