package store

// Staff lists (customers, purchases, responses, follow-ups, cases) are
// sorted by a column of the reader's choosing, newest first by default, and
// paged by keyset both ways: a cursor holds the sort, the boundary row's
// value of it and the row's id; After pages on, Before pages back. Every
// sort column has an index that ends in the id (migration 00021), so a page
// reads about Limit index entries whatever the size of the table. The API's
// id-ordered lists (cursor.go) are unchanged.

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// ListPage asks for one page of a staff list.
type ListPage struct {
	Sort   string // one of the list's sorts; "" is its first
	Desc   bool
	After  string // cursor: the page after this row
	Before string // cursor: the page before this row
	Limit  int
}

// Page is one page of a staff list with the cursors of the pages before and
// after it ("" when there is none).
type Page[T any] struct {
	Rows       []T
	Prev, Next string
}

// MaxCount is where list counts stop: past it a count says "MaxCount+",
// so that counting never reads more than that many index entries.
const MaxCount = 10000

// listSort is one sortable column of a list: the SQL expression its index
// orders by, and the same value read from a row, for the cursor.
type listSort[T any] struct {
	name   string
	expr   string
	key    func(T) any
	decode func(json.RawMessage) (any, error)
}

func timeSort[T any](name, expr string, key func(T) time.Time) listSort[T] {
	return listSort[T]{name: name, expr: expr, key: func(x T) any { return key(x).UTC() }, decode: decodeKey[time.Time]}
}

func intSort[T any](name, expr string, key func(T) int64) listSort[T] {
	return listSort[T]{name: name, expr: expr, key: func(x T) any { return key(x) }, decode: decodeKey[int64]}
}

func textSort[T any](name, expr string, key func(T) string) listSort[T] {
	return listSort[T]{name: name, expr: expr, key: func(x T) any { return key(x) }, decode: decodeKey[string]}
}

func decodeKey[K any](raw json.RawMessage) (any, error) {
	var k K
	if err := json.Unmarshal(raw, &k); err != nil {
		return nil, invalidCursor()
	}
	return k, nil
}

// listSpec is a staff list: what it selects, from where, and how it sorts.
type listSpec[T any] struct {
	columns, from, id string // id: the id column, the tie-break of every sort
	// keys, when set, is the FROM a page reads its ids from before joining
	// only those rows in from (see pageQuery).
	keys  string
	sorts []listSort[T]
	scan  func(rowScanner) (T, error)
	rowID func(T) int64
}

// sortOf returns the list's sort of that name ("" is the first); an unknown
// name is EINVALID on "sort".
func (s *listSpec[T]) sortOf(name string) (listSort[T], error) {
	if name == "" {
		return s.sorts[0], nil
	}
	for _, x := range s.sorts {
		if x.name == name {
			return x, nil
		}
	}
	return listSort[T]{}, invalid("sort", "cannot sort this list by %q", name)
}

// order is the ORDER BY of a sort read in one direction.
func (s *listSpec[T]) order(by listSort[T], desc bool) string {
	dir := " ASC"
	if desc {
		dir = " DESC"
	}
	return ` ORDER BY ` + by.expr + dir + `, ` + s.id + dir
}

// page reads one page of the rows w selects.
func (s *listSpec[T]) page(ctx context.Context, q Querier, w conditions, p ListPage) (*Page[T], error) {
	by, err := s.sortOf(p.Sort)
	if err != nil {
		return nil, err
	}
	cursorSort := by.name + map[bool]string{true: ":desc", false: ":asc"}[p.Desc]
	back, cursor := p.Before != "", p.After
	if back {
		cursor = p.Before
	}
	// A page back is read in the reverse order from the cursor, then turned.
	readDesc := p.Desc != back
	if cursor != "" {
		raw, id, err := decodeKeysetCursor(cursor, cursorSort)
		if err != nil {
			return nil, err
		}
		key, err := by.decode(raw)
		if err != nil {
			return nil, err
		}
		// "x <= k AND (x < k OR id < i)" rather than a row value, so that
		// both engines use the index range on x.
		op := ">"
		if readDesc {
			op = "<"
		}
		w.add(by.expr+" "+op+"= ? AND ("+by.expr+" "+op+" ? OR "+s.id+" "+op+" ?)", key, key, id)
	}
	limit := pageLimit(p.Limit)
	rows, err := queryAll(ctx, q, s.scan, s.pageQuery(w, s.order(by, readDesc)), append(w.args, limit+1)...)
	if err != nil {
		return nil, err
	}
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if back {
		slices.Reverse(rows)
	}
	page := &Page[T]{Rows: rows}
	if len(rows) == 0 {
		return page, nil
	}
	at := func(x T) string {
		c, _ := encodeKeysetCursor(cursorSort, by.key(x), s.rowID(x))
		return c
	}
	if (back && more) || (!back && cursor != "") {
		page.Prev = at(rows[0])
	}
	if (!back && more) || back {
		page.Next = at(rows[len(rows)-1])
	}
	return page, nil
}

// pageQuery is the statement of a page of the rows w selects in that order,
// its last argument the limit. A list with keys reads the page's ids first
// and joins only them: on statistics taken before the rows existed,
// PostgreSQL otherwise joined every follow-up of the filter to its customer
// and answer and sorted them all for one page (docs/operations.md, "The
// slow eleven on PostgreSQL"); the ids alone are a walk of the sort's index.
func (s *listSpec[T]) pageQuery(w conditions, order string) string {
	if s.keys == "" {
		return `SELECT ` + s.columns + ` FROM ` + s.from + ` WHERE ` + w.sql() + order + ` LIMIT ?`
	}
	return `SELECT ` + s.columns + ` FROM ` + s.from + ` WHERE ` + s.id + ` IN (SELECT ` + s.id + ` FROM ` + s.keys +
		` WHERE ` + w.sql() + order + ` LIMIT ?)` + order
}

// each calls fn on every row w selects, in the page's order, without
// holding them all: the CSV download of a list.
func (s *listSpec[T]) each(ctx context.Context, q Querier, w conditions, p ListPage, fn func(T) error) error {
	by, err := s.sortOf(p.Sort)
	if err != nil {
		return err
	}
	return queryEach(ctx, q, func(row rowScanner) error {
		x, err := s.scan(row)
		if err != nil {
			return err
		}
		return fn(x)
	}, `SELECT `+s.columns+` FROM `+s.from+` WHERE `+w.sql()+s.order(by, p.Desc), w.args...)
}

// count counts the rows w selects, up to MaxCount+1: capped is true when
// there are more than MaxCount.
func (s *listSpec[T]) count(ctx context.Context, q Querier, w conditions) (n int64, capped bool, err error) {
	query, args := s.countQuery(w)
	err = q.QueryRow(ctx, query, args...).Scan(&n)
	return min(n, MaxCount), n > MaxCount, err
}

// countQuery is the capped count of the rows w selects. The joins of the
// list's FROM that only add columns are LEFT JOINs on a key, which both
// engines leave out of a count that does not filter on them.
func (s *listSpec[T]) countQuery(w conditions) (string, []any) {
	return `SELECT COUNT(*) FROM (SELECT 1 FROM ` + s.from + ` WHERE ` + w.sql() + ` LIMIT ?) counted`,
		append(slices.Clip(w.args), MaxCount+1)
}

// Count is a list's count, capped at MaxCount.
type Count struct {
	N      int64
	Capped bool // there are more than N
}

// countOf is count as a Count.
func (s *listSpec[T]) countOf(ctx context.Context, q Querier, w conditions) (Count, error) {
	n, capped, err := s.count(ctx, q, w)
	return Count{N: n, Capped: capped}, err
}

// search adds a case-insensitive substring match of text over the columns.
// It is a LIKE (docs/decisions.md: "List search"): it rides the list's
// sort index and stops at a page, so a rare term reads more of the index.
func (w *conditions) search(text string, columns ...string) {
	text = strings.ToLower(strings.TrimSpace(text))
	if text == "" {
		return
	}
	like := "%" + escapeLike(text) + "%"
	ors := make([]string, len(columns))
	args := make([]any, len(columns))
	for i, c := range columns {
		ors[i], args[i] = "LOWER("+c+") LIKE ? ESCAPE '\\'", like
	}
	w.add("("+strings.Join(ors, " OR ")+")", args...)
}

// escapeLike makes %, _ and \ in a search text match themselves.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// withExtra scans a row's own columns with scan and then the extra
// columns a list joins in (a customer's or owner's name).
type withExtra struct {
	row   rowScanner
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }
