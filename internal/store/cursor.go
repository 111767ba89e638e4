package store

// Lists are ordered by id and paged with an opaque cursor: the last id seen,
// base64-encoded so that clients treat it as a token rather than a number.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
)

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

// pageCursor returns the cursor of the page after list: the id of its last
// item when the page is full, else "" (there is no next page).
func pageCursor[T any](list []*T, limit int, id func(*T) int64) string {
	if len(list) < limit || len(list) == 0 {
		return ""
	}
	return encodeCursor(id(list[len(list)-1]))
}

// listPage runs the paged list query most List methods share —
// SELECT columns FROM table WHERE conditions AND id > cursor ORDER BY id
// LIMIT limit — and returns the page with the cursor of the next one. The
// table and columns are this package's own strings.
func listPage[T any](ctx context.Context, q Querier, columns, table string, w *conditions, cursor string, limit int,
	scan func(rowScanner) (*T, error), id func(*T) int64) ([]*T, string, error) {
	after, err := decodeCursor(cursor)
	if err != nil {
		return nil, "", err
	}
	w.add("id > ?", after)
	return queryPage(ctx, q, `SELECT `+columns+` FROM `+table+` WHERE `+w.sql()+
		` ORDER BY id LIMIT ?`, w.args, pageLimit(limit), scan, id)
}

// queryPage runs a paged query that ends in "LIMIT ?" (limit is appended to
// args), scans each row and returns the page with the cursor of the next one:
// the id of its last row.
func queryPage[T any](ctx context.Context, q Querier, query string, args []any, limit int,
	scan func(rowScanner) (*T, error), id func(*T) int64) ([]*T, string, error) {
	list, err := queryAll(ctx, q, scan, query, append(args, limit)...)
	if err != nil {
		return nil, "", err
	}
	return list, pageCursor(list, limit, id), nil
}

// Lists sorted by a value rather than by id page by keyset (value, id): the
// cursor carries the sort it belongs to, the last row's value of it and the
// row's id, so that rows sharing a value are neither skipped nor repeated
// between pages. Like the id cursor it is base64, an opaque token.
type keysetCursor struct {
	Sort string          `json:"sort"`
	Key  json.RawMessage `json:"key"`
	ID   int64           `json:"id"`
}

// encodeKeysetCursor encodes the position after a row whose sort value is
// key (a number or a time; JSON keeps both exactly) and whose id is id.
func encodeKeysetCursor(sort string, key any, id int64) (string, error) {
	raw, err := json.Marshal(key)
	if err != nil {
		return "", fmt.Errorf("cursor key of %s: %w", sort, err)
	}
	b, err := json.Marshal(keysetCursor{Sort: sort, Key: raw, ID: id})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// decodeKeysetCursor reads a cursor of encodeKeysetCursor made for sort; the
// caller decodes the key into its column's type. A cursor of another sort
// is refused rather than misread.
func decodeKeysetCursor(cursor, sort string) (key json.RawMessage, id int64, err error) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err == nil {
		var c keysetCursor
		if json.Unmarshal(raw, &c) == nil && c.Sort == sort && len(c.Key) > 0 && c.ID > 0 {
			return c.Key, c.ID, nil
		}
	}
	return nil, 0, invalidCursor()
}

// invalidCursor is the error of a cursor this API did not return (the same
// one decodeCursor gives).
func invalidCursor() error {
	return &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
		Fields: []fresco.FieldError{{Field: "cursor", Message: "not a cursor this API returned"}}}
}

// queryKeysetPage is queryPage for a query ordered by a value and then id:
// the next cursor holds the last row's key as well as its id.
func queryKeysetPage[T any](ctx context.Context, q Querier, query string, args []any, limit int,
	scan func(rowScanner) (*T, error), id func(*T) int64, sort string, key func(*T) any) ([]*T, string, error) {
	list, next, err := queryPage(ctx, q, query, args, limit, scan, id)
	if err != nil || next == "" {
		return list, next, err
	}
	last := list[len(list)-1]
	next, err = encodeKeysetCursor(sort, key(last), id(last))
	return list, next, err
}
