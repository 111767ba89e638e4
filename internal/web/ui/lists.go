package ui

// The staff lists (customers, purchases, responses, follow-ups, cases)
// share one way of reading their query and one set of partials in
// partials.html: the filter bar with the count and the CSV link
// ("listbar"), the sortable column headers ("sorthead") and the previous
// and next pager ("listpager"). A list's handler declares its filters on a
// listQuery, asks the store for a page, and renders listState; with
// ?format=csv the same handler streams the whole filtered list instead.

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
)

// filterField is one control of a list's filter bar.
type filterField struct {
	Name, Label string
	Kind        string // text, search, date, select, check
	Value       string
	Options     []option
}

// listQuery reads a list page's query: its filters (each declared by the
// handler with the method of its kind), sort, direction and cursor.
type listQuery struct {
	q      url.Values
	fields []filterField
	keep   url.Values // the filters that are set, for every link of the list
	errs   []string
	// integer writes the count as the business writes numbers.
	integer func(int64) string
}

func (u *UI) newListQuery(r *http.Request) *listQuery {
	return &listQuery{q: r.URL.Query(), keep: url.Values{}, integer: u.format().Integer}
}

// field declares a filter and returns its value as typed.
func (lq *listQuery) field(name, label, kind string, options ...option) string {
	v := trimQuery(lq.q.Get(name))
	lq.fields = append(lq.fields, filterField{Name: name, Label: label, Kind: kind, Value: v, Options: options})
	if v != "" {
		lq.keep.Set(name, v)
	}
	return v
}

// text declares a free-text filter (search when it is the list's search).
func (lq *listQuery) text(name, label string) string { return lq.field(name, label, "search") }

// choice declares a filter of fixed choices; a value not among them is an
// error naming the filter, and the filter is left out.
func (lq *listQuery) choice(name, label string, options []option) string {
	v := lq.field(name, label, "select", options...)
	for _, o := range options {
		if o.Value == v {
			return v
		}
	}
	if v != "" {
		lq.fail(label, "is not one of the choices")
	}
	return ""
}

// id is choice for options whose values are ids.
func (lq *listQuery) id(name, label string, options []option) *int64 {
	v := lq.choice(name, label, options)
	if v == "" {
		return nil
	}
	n, _ := strconv.ParseInt(v, 10, 64)
	return &n
}

// check declares a yes/no filter.
func (lq *listQuery) check(name, label string) bool {
	return lq.field(name, label, "check") != ""
}

// dates declares a date range filter, from and to inclusive (UTC days),
// and returns it as [from, to).
func (lq *listQuery) dates(label string) (from, to time.Time) {
	parse := func(name, which string) time.Time {
		v := lq.field(name, label+" "+which, "date")
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, time.UTC)
		if err != nil {
			lq.fail(label+" "+which, "is not a date (YYYY-MM-DD)")
			return time.Time{}
		}
		return t
	}
	from, to = parse("from", "from"), parse("to", "to")
	if !to.IsZero() {
		to = to.AddDate(0, 0, 1)
	}
	return from, to
}

func (lq *listQuery) fail(field, msg string) { lq.errs = append(lq.errs, field+" "+msg+".") }

// listSort is a column a list may be sorted by and its first direction.
type listSort struct {
	Key  string
	Desc bool // newest or largest first; due times run soonest first
}

// page reads the sort, direction and cursor: sorts[0] is the default.
func (lq *listQuery) page(sorts ...listSort) store.ListPage {
	s := sorts[0]
	for _, x := range sorts {
		if x.Key == lq.q.Get("sort") {
			s = x
		}
	}
	desc := s.Desc
	switch lq.q.Get("dir") {
	case "asc":
		desc = false
	case "desc":
		desc = true
	}
	return store.ListPage{Sort: s.Key, Desc: desc, After: lq.q.Get("cursor"), Before: lq.q.Get("before"), Limit: listPageSize}
}

// listState is what the list partials render: the filters, the count, the
// sort and the links of the neighbouring pages and of the CSV.
type listState struct {
	Path       string
	Fields     []filterField
	Errors     []string
	Count      store.Count
	Sort       string
	Desc       bool
	Prev, Next string
	CSV        string
	keep       url.Values
	integer    func(int64) string
}

// state is the list's state after reading page p of it.
func (lq *listQuery) state(path string, p store.ListPage, count store.Count, prev, next string) *listState {
	s := &listState{Path: path, Fields: lq.fields, Errors: lq.errs, Count: count, Sort: p.Sort, Desc: p.Desc, keep: lq.keep, integer: lq.integer}
	sorted := s.with("sort", p.Sort, "dir", dirName(p.Desc))
	if prev != "" {
		s.Prev = sorted("before", prev)
	}
	if next != "" {
		s.Next = sorted("cursor", next)
	}
	s.CSV = sorted("format", "csv")
	return s
}

// with returns a function making links of the list that keep its filters
// and set kv too.
func (s *listState) with(kv ...string) func(...string) string {
	return func(more ...string) string {
		q := url.Values{}
		for k, v := range s.keep {
			q[k] = v
		}
		all := append(append([]string{}, kv...), more...)
		for i := 0; i+1 < len(all); i += 2 {
			if all[i+1] != "" {
				q.Set(all[i], all[i+1])
			}
		}
		if len(q) == 0 {
			return s.Path
		}
		return s.Path + "?" + q.Encode()
	}
}

func dirName(desc bool) string {
	if desc {
		return "desc"
	}
	return "asc"
}

// sortHead is a sortable column header.
type sortHead struct {
	Label, Href string
	Active      bool
	Desc        bool
}

// Head is the header of the column sorted by key: a link to sort by it,
// or, on the sorted column, to turn the order round. The first click on a
// column sorts it in its natural order (firstDesc).
func (s *listState) Head(key, label string, firstDesc bool) sortHead {
	h := sortHead{Label: label, Active: key == s.Sort, Desc: s.Desc}
	dir := firstDesc
	if h.Active {
		dir = !s.Desc
	}
	h.Href = s.with()("sort", key, "dir", dirName(dir))
	return h
}

// CountText is the count in words, grouped as the business writes numbers:
// "1,234 customers", "10.000+ Kunden" would be de-DE's "10.000+ customers".
func (s *listState) CountText(one, many string) string {
	if s.Count.Capped {
		return s.integer(s.Count.N) + "+ " + many
	}
	return countWords(s.integer, s.Count.N, one, many)
}

// wantsCSV reports whether a list request asks for the CSV download.
func wantsCSV(r *http.Request) bool { return r.URL.Query().Get("format") == "csv" }

// streamCSV writes every row of the list as an RFC 4180 CSV download named
// name, in the page's sort order, row by row (the list is never held).
func streamCSV[T any](u *UI, w http.ResponseWriter, r *http.Request, name string, header []string,
	list *store.List[T], p store.ListPage, cells func(T) []string) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`-`+u.now().In(u.format().Zone).Format("2006-01-02")+`.csv"`)
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180
	if err := cw.Write(header); err != nil {
		return
	}
	err := list.Each(r.Context(), p, func(x T) error {
		row := cells(x)
		for i, c := range row {
			row[i] = csvSafe(c)
		}
		return cw.Write(row)
	})
	cw.Flush()
	if err != nil {
		// Headers are gone: the download ends short, and the log says why.
		u.log.ErrorContext(r.Context(), "ui: csv download", "list", name, "err", err)
	}
}

// csvSafe guards a cell against formula injection: a spreadsheet runs a
// cell starting with = + - @ (or a tab or carriage return) as a formula, so
// such a cell gets a leading apostrophe. Plain numbers ("-12.50") are left
// as they are, so that refunds stay numbers.
func csvSafe(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if _, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64); err == nil {
		return s
	}
	return "'" + s
}

// csvTime writes a time for a CSV cell: RFC 3339 in the business's zone
// with its offset ("2026-12-03T14:05:00+01:00"), the local time a person
// reads and still an unambiguous instant for a script; "" for none.
func (u *UI) csvTime(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return u.format().ISO(*t)
}

func csvID(id *int64) string {
	if id == nil {
		return ""
	}
	return strconv.FormatInt(*id, 10)
}

func csvInt(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

// locationOptions and employeeOptions are the choices of a list's location
// and employee filters.
func (u *UI) locationOptions(r *http.Request) ([]option, error) {
	list, _, err := u.db.ListLocations(r.Context(), store.LocationFilter{Limit: 1000})
	out := make([]option, len(list))
	for i, l := range list {
		out[i] = option{Value: strconv.FormatInt(l.ID, 10), Label: l.Name}
	}
	return out, err
}

func (u *UI) employeeOptions(r *http.Request) ([]option, error) {
	list, _, err := u.db.ListEmployees(r.Context(), store.EmployeeFilter{Limit: 1000})
	out := make([]option, len(list))
	for i, e := range list {
		out[i] = option{Value: strconv.FormatInt(e.ID, 10), Label: e.Name}
	}
	return out, err
}

// anyOption is the first choice of a filter: no filter.
func anyOption(label string, options []option) []option {
	return append([]option{{Label: label}}, options...)
}

// pager holds the links of a cursor-paged list that pages forward only
// (the audit log, employees), so "back" is "to the first page".
type pager struct {
	Prev string
	Next string
}

// pagerFor links the next page of the list at base and, from any later page,
// back to the first; keep are the list's other query parameters, as key and
// value pairs.
func pagerFor(base, cursor, next string, keep ...string) pager {
	var p pager
	if next != "" {
		p.Next = withQuery(base, append(slices.Clone(keep), "cursor", next)...)
	}
	if cursor != "" {
		p.Prev = withQuery(base, keep...)
	}
	return p
}

// Hidden are the list's parameters the filter bar keeps without showing
// (the case view, the customer of a purchase list).
func (s *listState) Hidden() map[string]string {
	out := map[string]string{}
	shown := map[string]bool{}
	for _, f := range s.Fields {
		shown[f.Name] = true
	}
	for k := range s.keep {
		if !shown[k] {
			out[k] = s.keep.Get(k)
		}
	}
	return out
}

// Filtered reports whether any shown filter is set.
func (s *listState) Filtered() bool {
	for _, f := range s.Fields {
		if f.Value != "" {
			return true
		}
	}
	return false
}

// Clear is the list without its shown filters.
func (s *listState) Clear() string {
	hidden := s.Hidden()
	kv := make([]string, 0, 2*len(hidden))
	for k, v := range hidden {
		kv = append(kv, k, v)
	}
	return withQuery(s.Path, kv...)
}

// Counted is the list with its count in words, for "listcount".
func (s *listState) Counted(one, many string) map[string]any {
	return map[string]any{"List": s, "Text": s.CountText(one, many)}
}
