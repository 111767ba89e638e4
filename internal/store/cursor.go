package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Lists are ordered by id and paged with an opaque cursor: the last id seen,
// base64-encoded so that clients treat it as a token rather than a number.

const (
	defaultLimit = 50
	maxLimit     = 1000
)

func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func decodeCursor(cursor string) (int64, error) {
	if cursor == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		if id, err := strconv.ParseInt(string(raw), 10, 64); err == nil && id >= 0 {
			return id, nil
		}
	}
	return 0, &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
		Fields: []fresco.FieldError{{Field: "cursor", Message: "not a cursor this API returned"}}}
}

func pageLimit(limit int) int {
	switch {
	case limit <= 0:
		return defaultLimit
	case limit > maxLimit:
		return maxLimit
	default:
		return limit
	}
}

// nextCursor returns the cursor after the last of n rows when the page is full.
func nextCursor(n, limit int, lastID int64) string {
	if n < limit {
		return ""
	}
	return encodeCursor(lastID)
}

// Null helpers: the domain uses pointers for optional references.

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

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func encodeTags(tags []string) string {
	if len(tags) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

func decodeTags(s string) []string {
	var tags []string
	json.Unmarshal([]byte(s), &tags)
	return tags
}

// rowScanner is what *sql.Row and *sql.Rows offer.
type rowScanner interface{ Scan(dest ...any) error }

// listPage runs the paged list query most List methods share —
// SELECT columns FROM table WHERE conditions ORDER BY id LIMIT limit. The
// table, columns and conditions are this package's own strings; values go in
// args.
func listPage[T any](ctx context.Context, db *DB, columns, table string, where []string, args []any, limit int,
	scan func(rowScanner) (*T, error), id func(*T) int64) ([]*T, string, error) {
	return queryPage(ctx, db, `SELECT `+columns+` FROM `+table+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY id LIMIT ?`, args, limit, scan, id)
}

// queryPage runs a paged query that ends in "LIMIT ?" (limit is appended to
// args), scans each row and returns the page with the cursor of the next one:
// the id of its last row.
func queryPage[T any](ctx context.Context, db *DB, query string, args []any, limit int,
	scan func(rowScanner) (*T, error), id func(*T) int64) ([]*T, string, error) {
	rows, err := db.Query(ctx, query, append(args, limit)...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var list []*T
	for rows.Next() {
		item, err := scan(rows)
		if err != nil {
			return nil, "", err
		}
		list = append(list, item)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	var last int64
	if len(list) > 0 {
		last = id(list[len(list)-1])
	}
	return list, nextCursor(len(list), limit, last), nil
}
