package portable

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// kind is the kind of value a column holds, the same on both engines.
type kind int

const (
	kindText kind = iota
	kindInteger
	kindBoolean
	kindReal
	kindTimestamp
	kindDate
	// kindBytes is a BLOB (SQLite) or bytea (PostgreSQL) column: a file's
	// bytes, which may be anything, NUL and invalid UTF-8 included. Neither
	// a CSV field nor a JSON string can carry those as they are, so they
	// are written in standard base64 (RFC 4648, padded); the manifest
	// names every column written so (Manifest.Encoded).
	kindBytes
)

// base64Encoding is how kindBytes columns are written, as the manifest
// spells it.
const base64Encoding = "base64"

type column struct {
	name string
	kind kind
}

// columnsOf reads a table's columns, in their defined order, from the
// database itself, so the export follows the schema without a second list.
func columnsOf(ctx context.Context, db store.Querier, tableName string) ([]column, error) {
	query := `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`
	if db.Dialect() == store.Postgres {
		query = `SELECT a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a
			WHERE a.attrelid = (SELECT c.oid FROM pg_class c
				WHERE c.relname = ? AND c.relnamespace = current_schema()::regnamespace)
			AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`
	}
	rows, err := db.Query(ctx, query, tableName)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", tableName, err)
	}
	defer rows.Close()
	var cols []column
	for rows.Next() {
		var name, declared string
		if err := rows.Scan(&name, &declared); err != nil {
			return nil, err
		}
		cols = append(cols, column{name: name, kind: kindOf(declared)})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("table %s does not exist", tableName)
	}
	return cols, nil
}

func kindOf(declared string) kind {
	t := strings.ToLower(declared)
	switch {
	case t == "integer" || t == "bigint" || t == "smallint":
		return kindInteger
	case t == "boolean":
		return kindBoolean
	case t == "real" || t == "double precision":
		return kindReal
	case strings.HasPrefix(t, "timestamp"):
		return kindTimestamp
	case t == "date":
		return kindDate
	case t == "blob" || t == "bytea":
		return kindBytes
	default:
		return kindText
	}
}

// format writes a scanned value as text that means the same on both
// engines; ok is false for NULL.
func (c column) format(v any) (s string, ok bool, err error) {
	if v == nil {
		return "", false, nil
	}
	if c.kind == kindBytes {
		switch b := v.(type) {
		case []byte:
			return base64.StdEncoding.EncodeToString(b), true, nil
		case string: // SQLite keeps a text stored in a BLOB column as text
			return base64.StdEncoding.EncodeToString([]byte(b)), true, nil
		}
		return "", false, fmt.Errorf("column %s: %T is not bytes", c.name, v)
	}
	if b, isBytes := v.([]byte); isBytes {
		v = string(b)
	}
	switch c.kind {
	case kindBoolean:
		switch b := v.(type) {
		case bool:
			return strconv.FormatBool(b), true, nil
		case int64:
			return strconv.FormatBool(b != 0), true, nil
		}
	case kindTimestamp, kindDate:
		t, err := asTime(v)
		if err != nil {
			return "", false, fmt.Errorf("column %s: %w", c.name, err)
		}
		if c.kind == kindDate {
			return t.Format(time.DateOnly), true, nil
		}
		// PostgreSQL keeps microseconds; SQLite keeps what it was given.
		// Both export the microsecond, so an export reads the same from
		// either engine.
		return t.UTC().Truncate(time.Microsecond).Format(time.RFC3339Nano), true, nil
	case kindReal:
		switch f := v.(type) {
		case float64:
			return strconv.FormatFloat(f, 'g', -1, 64), true, nil
		case int64:
			return strconv.FormatInt(f, 10), true, nil
		}
	}
	return fmt.Sprint(v), true, nil
}

// asTime reads a time the driver handed back: a time.Time, or text where
// SQLite no longer knew the column's type.
func asTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t, nil
	case string:
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05.999999999", time.DateOnly} {
			if parsed, err := time.Parse(layout, t); err == nil {
				return parsed, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%v is not a time", v)
}

// parse turns exported text back into a value for the column.
func (c column) parse(s string) (any, error) {
	switch c.kind {
	case kindInteger:
		return strconv.ParseInt(s, 10, 64)
	case kindBoolean:
		return strconv.ParseBool(s)
	case kindReal:
		return strconv.ParseFloat(s, 64)
	case kindTimestamp:
		t, err := time.Parse(time.RFC3339Nano, s)
		return t.UTC(), err
	case kindDate:
		return time.Parse(time.DateOnly, s)
	case kindBytes:
		b, err := base64.StdEncoding.DecodeString(s)
		if b == nil {
			b = []byte{} // an empty file is bytes, not NULL
		}
		return b, err
	default:
		return s, nil
	}
}

// jsonValue is the column's value in a JSON Lines row: numbers and booleans
// as JSON numbers and booleans, the rest as strings.
func (c column) jsonValue(s string, ok bool) any {
	if !ok {
		return nil
	}
	switch c.kind {
	case kindInteger, kindReal:
		return json.Number(s)
	case kindBoolean:
		return s == "true"
	default:
		return s
	}
}

// fromJSON is the inverse of jsonValue.
func (c column) fromJSON(v any) (s string, ok bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case json.Number:
		return x.String(), true
	case bool:
		return strconv.FormatBool(x), true
	case string:
		return x, true
	default:
		return fmt.Sprint(x), true
	}
}
