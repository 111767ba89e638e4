package store

// Lists of customer_value rows: filters, sorts, and keyset paging on
// (sort value, customer id).

import (
	"context"
	"encoding/json"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// CustomerValueFilter selects rows of customer_value.
type CustomerValueFilter struct {
	Segment   string
	Mercenary bool // only mercenaries
	Apostle   bool // only apostles
	// Sort is clv (default), historical_value, referral_value, p_alive,
	// last_purchase, profit or customer_id; all descending except
	// customer_id, ties broken by customer id.
	Sort   string
	Limit  int    // ListCustomerValues: 0 means all; PageCustomerValues: the page size
	Cursor string // PageCustomerValues: the next cursor of the previous page
}

// customerValueSort is one order of the customer_value lists. Value sorts
// are descending with the customer id ascending among equal values; key is
// a row's value of the column, as the cursor keeps it (float64, int64 or
// time.Time, never Money, whose JSON is a string), and decodeKey reads it
// back. customer_id has no key: its cursor is the plain id cursor.
type customerValueSort struct {
	column    string
	key       func(*fresco.CustomerValue) any
	decodeKey func(json.RawMessage) (any, error)
}

var customerValueSorts = map[string]customerValueSort{
	"clv":              {"v.clv", func(v *fresco.CustomerValue) any { return v.CLV }, decodeKeyAs[float64]},
	"historical_value": {"v.historical_value", func(v *fresco.CustomerValue) any { return int64(v.HistoricalValue) }, decodeKeyAs[int64]},
	"referral_value":   {"v.referral_value", func(v *fresco.CustomerValue) any { return int64(v.ReferralValue) }, decodeKeyAs[int64]},
	"p_alive":          {"v.p_alive", func(v *fresco.CustomerValue) any { return v.PAlive }, decodeKeyAs[float64]},
	"last_purchase":    {"v.last_purchase", func(v *fresco.CustomerValue) any { return v.LastPurchase.UTC() }, decodeKeyAs[time.Time]},
	"profit":           {"v.historical_profit", func(v *fresco.CustomerValue) any { return int64(v.HistoricalProfit) }, decodeKeyAs[int64]},
	"customer_id":      {column: "v.customer_id"},
}

// decodeKeyAs decodes a cursor key into T, the Go type of its column, so
// that it binds as the column's values do. A time goes back to UTC: SQLite
// keeps times as text and compares the text, which orders like the times
// because ReplaceCustomerValues writes every one in UTC.
func decodeKeyAs[T any](raw json.RawMessage) (any, error) {
	var key T
	if err := json.Unmarshal(raw, &key); err != nil {
		return nil, invalidCursor()
	}
	if t, ok := any(key).(time.Time); ok {
		return t.UTC(), nil
	}
	return key, nil
}

// ValidCustomerValueSort reports whether s is a sort ListCustomerValues knows.
func ValidCustomerValueSort(s string) bool { _, ok := customerValueSorts[s]; return ok || s == "" }

// customerValueSortOf returns the sort named s ("" is clv) and its name.
func customerValueSortOf(s string) (customerValueSort, string, error) {
	if s == "" {
		s = "clv"
	}
	sort, ok := customerValueSorts[s]
	if !ok {
		return sort, s, fresco.Errorf(fresco.EINVALID, "unknown sort %q", s)
	}
	return sort, s, nil
}

// orderBy is the ORDER BY of the sort: the column, then the id.
func (s customerValueSort) orderBy() string {
	if s.key == nil {
		return s.column
	}
	return s.column + " DESC, v.customer_id"
}

// after returns the keyset condition for the rows after cursor and its
// arguments. For value sorts it is "value < k, or value = k and id > i",
// written as col <= k AND (col < k OR id > i) so that an index on the
// column can serve the range.
func (s customerValueSort) after(name, cursor string) (string, []any, error) {
	if s.key == nil {
		id, err := decodeCursor(cursor)
		return "v.customer_id > ?", []any{id}, err
	}
	raw, id, err := decodeKeysetCursor(cursor, name)
	if err != nil {
		return "", nil, err
	}
	key, err := s.decodeKey(raw)
	if err != nil {
		return "", nil, err
	}
	return s.column + " <= ? AND (" + s.column + " < ? OR v.customer_id > ?)", []any{key, key, id}, nil
}

// customerValueWhere is the WHERE of a filter (without the cursor).
func customerValueWhere(f CustomerValueFilter) *conditions {
	var w conditions
	w.textIs("v.segment", f.Segment)
	if f.Mercenary {
		w.add("v.mercenary")
	}
	if f.Apostle {
		w.add("v.apostle")
	}
	return &w
}

// customerValueSelect reads rows of customer_value with the customer's name.
var customerValueSelect = `SELECT ` + prefixed("v.", customerValueColumns) + `, c.name
		FROM customer_value v JOIN customers c ON c.id = v.customer_id`

// ListCustomerValues returns rows of customer_value with the customer's
// name: all of them, or the first f.Limit. f.Cursor is ignored; lists that
// page use PageCustomerValues.
func (db *DB) ListCustomerValues(ctx context.Context, f CustomerValueFilter) ([]*fresco.CustomerValue, error) {
	sort, _, err := customerValueSortOf(f.Sort)
	if err != nil {
		return nil, err
	}
	w := customerValueWhere(f)
	q := customerValueSelect + ` WHERE ` + w.sql() + ` ORDER BY ` + sort.orderBy()
	args := w.args
	if f.Limit > 0 {
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return queryAll(ctx, db, scanNamedCustomerValue, q, args...)
}

// scanNamedCustomerValue scans a row of customerValueSelect.
func scanNamedCustomerValue(row rowScanner) (*fresco.CustomerValue, error) {
	return scanCustomerValue(row, true)
}

// PageCustomerValues returns one page of rows of customer_value (f.Limit
// rows, default 50, at most 1000) after f.Cursor, and the cursor of the next
// page ("" on the last). The cursor is a keyset on (sort value, customer
// id), so paging is stable while rows are read and survives ties; it
// belongs to its sort.
func (db *DB) PageCustomerValues(ctx context.Context, f CustomerValueFilter) ([]*fresco.CustomerValue, string, error) {
	sort, name, err := customerValueSortOf(f.Sort)
	if err != nil {
		return nil, "", err
	}
	w := customerValueWhere(f)
	if f.Cursor != "" {
		cond, condArgs, err := sort.after(name, f.Cursor)
		if err != nil {
			return nil, "", err
		}
		w.add(cond, condArgs...)
	}
	q := customerValueSelect + ` WHERE ` + w.sql() + ` ORDER BY ` + sort.orderBy() + ` LIMIT ?`
	id := func(v *fresco.CustomerValue) int64 { return v.CustomerID }
	if sort.key == nil {
		return queryPage(ctx, db, q, w.args, pageLimit(f.Limit), scanNamedCustomerValue, id)
	}
	return queryKeysetPage(ctx, db, q, w.args, pageLimit(f.Limit), scanNamedCustomerValue, id, name, sort.key)
}
