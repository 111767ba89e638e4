package store

// Helpers every file of the package shares: placeholder lists, set queries
// in chunks, and the conversions between Go's optional values (nil pointers,
// nil slices, zero times) and SQL's NULLs, JSON columns and timestamps.

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// placeholders returns "?, ?, …" with n marks.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// valuesList returns "(?, ?), (?, ?)" for a multi-row INSERT of rows × cols.
func valuesList(rows, cols int) string {
	return rowsList("("+placeholders(cols)+")", rows)
}

// rowsList returns row repeated n times, comma-separated: the VALUES of a
// multi-row statement whose rows are more than placeholders, "(?, ?::bigint)".
func rowsList(row string, n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat(row+", ", n-1) + row
}

// forChunks calls fn on successive slices of at most setQueryChunk keys.
// Each chunk's capacity ends with it, so a caller that appends its other
// arguments (append(chunk, since)) gets a copy instead of writing over the
// first key of the next chunk — which sent a time as a customer id (an
// error on PostgreSQL, a customer silently skipped on SQLite).
func forChunks(keys []any, fn func(chunk []any) error) error {
	for start := 0; start < len(keys); start += setQueryChunk {
		end := min(start+setQueryChunk, len(keys))
		if err := fn(keys[start:end:end]); err != nil {
			return err
		}
	}
	return nil
}

// asArgs returns values as the arguments of a query's placeholders.
func asArgs[T any](values []T) []any {
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = v
	}
	return args
}

func nullID(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

func ptrID(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func nullInt(p *int) any {
	if p == nil {
		return nil
	}
	return int64(*p)
}

func ptrInt(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

func nullFloat(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullTime(p *time.Time) any {
	if p == nil {
		return nil
	}
	return p.UTC()
}

func ptrTime(n sql.NullTime) *time.Time {
	if !n.Valid {
		return nil
	}
	v := n.Time.UTC()
	return &v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func rawJSON(r json.RawMessage) string {
	if len(r) == 0 || string(r) == "null" {
		return "{}"
	}
	return string(r)
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func utcPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return utc(*t)
}

// sqliteTimeFormats are the layouts SQLite hands back for a TIMESTAMP that
// went through an aggregate (MIN, MAX), where the driver no longer knows the
// column type and returns text.
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05",
	time.RFC3339Nano,
}

// anyTime converts an aggregate's time value (time.Time on PostgreSQL, text
// on SQLite, nil for no rows) to a *time.Time in UTC.
func anyTime(v any) (*time.Time, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		u := t.UTC()
		return &u, nil
	case string:
		return parseSQLiteTime(t)
	case []byte:
		return parseSQLiteTime(string(t))
	default:
		return nil, fmt.Errorf("unexpected time value %T", v)
	}
}

func parseSQLiteTime(s string) (*time.Time, error) {
	for _, layout := range sqliteTimeFormats {
		if t, err := time.Parse(layout, s); err == nil {
			u := t.UTC()
			return &u, nil
		}
	}
	return nil, fmt.Errorf("unreadable time %q", s)
}
