package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Money is an amount in the API: a decimal string ("12.50") on output, a
// string or a number on input. It is kept as text until it is converted to
// fresco.Money, so that a bad amount is reported against its field rather
// than failing the whole body.
type Money string

// moneyOut formats a domain amount for output.
func moneyOut(m fresco.Money) Money { return Money(m.String()) }

// UnmarshalJSON accepts "12.50" or 12.5.
func (m *Money) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*m = Money(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return errors.New("an amount must be a string such as \"12.50\" or a number")
	}
	*m = Money(n.String())
	return nil
}

// Schema documents Money as a string or a number.
func (Money) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{
		Description: `An exact amount with at most two decimal places, e.g. "12.50". Output is always a string; input may be a string or a number.`,
		OneOf: []*huma.Schema{
			{Type: huma.TypeString, Examples: []any{"12.50"}},
			{Type: huma.TypeNumber},
		},
	}
}

// parse converts m to fresco.Money, recording a bad amount against field.
func (m Money) parse(v *fresco.Validation, field string) fresco.Money {
	if m == "" {
		return 0
	}
	amount, err := fresco.ParseMoney(string(m))
	if err != nil {
		v.Add(field, "%s", err.Error())
		return 0
	}
	return amount
}

// Optional is a PATCH field that can be absent (leave alone), null (clear)
// or a value (set). A plain pointer cannot tell absent from null.
type Optional[T any] struct {
	Set   bool // the field was in the body
	Null  bool // …and it was null
	Value T
}

// UnmarshalJSON records that the field was present.
func (o *Optional[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Null = true
		return nil
	}
	return json.Unmarshal(b, &o.Value)
}

// Schema documents Optional[T] as T or null.
func (o Optional[T]) Schema(r huma.Registry) *huma.Schema {
	s := *r.Schema(reflect.TypeFor[T](), true, "")
	s.Nullable = true
	return &s
}

// apply sets *dst from the patch: a value, nil for null, unchanged when absent.
func (o Optional[T]) apply(dst **T) {
	switch {
	case !o.Set:
	case o.Null:
		*dst = nil
	default:
		v := o.Value
		*dst = &v
	}
}

// set copies a PATCH pointer field over dst when present.
func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

// Page is one page of a list.
type Page[T any] struct {
	Items      []T    `json:"items" doc:"The items of this page."`
	NextCursor string `json:"next_cursor" doc:"Pass as ?cursor= for the next page; empty on the last page."`
}

// PageBody is the response of a list operation.
type PageBody[T any] struct {
	Body Page[T]
}

func page[T, D any](items []D, next string, conv func(D) T) *PageBody[T] {
	out := &PageBody[T]{Body: Page[T]{Items: make([]T, len(items)), NextCursor: next}}
	for i, d := range items {
		out.Body.Items[i] = conv(d)
	}
	return out
}

// ListParams are the paging parameters every list takes.
type ListParams struct {
	Cursor string `query:"cursor" doc:"The next_cursor of the previous page."`
	Limit  int    `query:"limit" minimum:"0" maximum:"1000" default:"50" doc:"Items per page (at most 1000)."`
}

// IDParam is the {id} in a path.
type IDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The record's id."`
}

// Created is a 201 response with a body.
type Created[T any] struct {
	Location string `header:"Location"`
	ETag     string `header:"ETag" doc:"For records that can be changed: the new record's version, to send as If-Match when you change it."`
	Body     T
}

// One is a 200 response with a body.
type One[T any] struct {
	Body T
}

// parseTimeParam reads a query parameter that is an RFC 3339 time or a date
// (YYYY-MM-DD, meaning midnight UTC); nextDay turns a date into the midnight
// after it, for exclusive "to" bounds that should include the whole day.
func parseTimeParam(v *fresco.Validation, name, s string, nextDay bool) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil {
		t = t.UTC()
	} else if t, err = time.Parse(time.DateOnly, s); err == nil && nextDay {
		t = t.AddDate(0, 0, 1)
	}
	switch {
	case err != nil:
		v.Add("query."+name, "%q is neither a date (2024-05-01) nor an RFC 3339 time (2024-05-01T14:30:00Z)", s)
	case !jsonYear(t):
		v.Add("query."+name, "%q is outside the years 0001 to 9999", s)
	default:
		return t
	}
	return time.Time{}
}

// jsonYear reports whether t, in UTC, falls in the years an RFC 3339 time
// and hence a JSON answer can carry (9999-12-31T23:00:00-02:00, or the
// 9999-12-31 of a "to" bound, is in the year 10000, and a report that echoed
// it could not be written).
func jsonYear(t time.Time) bool { y := t.UTC().Year(); return y >= 1 && y <= 9999 }

// parseDate reads a YYYY-MM-DD body field.
func parseDate(v *fresco.Validation, field, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		if t, err2 := time.Parse(time.RFC3339, s); err2 == nil {
			y, m, dd := t.Date()
			return time.Date(y, m, dd, 0, 0, 0, 0, time.UTC)
		}
		v.Add(field, "%q is not a date such as 2024-05-01", s)
		return time.Time{}
	}
	return d
}

func idPtr(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Optimistic locking. Customers, products, employees, locations and teams
// carry a version that every change moves (see store). GET and PATCH answer
// with it as a strong ETag, "<version>"; a PATCH with If-Match writes only if
// the record is still at that version, in the same statement as the write,
// and is refused with 412 otherwise.

// etag is a record version as a strong entity tag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// Tagged is a 200 response with a body and the ETag of its record.
type Tagged[T any] struct {
	ETag string `header:"ETag" doc:"The record's version as a strong entity tag; send it back as If-Match when you change the record."`
	Body T
}

func tagged[T any](body T, version int64) *Tagged[T] {
	return &Tagged[T]{ETag: etag(version), Body: body}
}

// ifMatchAdvice is the description of every PATCH that honours If-Match.
const ifMatchAdvice = "Send the ETag of your last GET as If-Match: if someone else has changed the record since, " +
	"the answer is 412 Precondition Failed and nothing is written. Without If-Match the last writer wins."

// IfMatchParam is the If-Match header of a PATCH.
type IfMatchParam struct {
	IfMatch string `header:"If-Match" doc:"The ETag from your last GET or PATCH of the record. The change is made only if nobody has changed the record since; otherwise the answer is 412 Precondition Failed and nothing is written. Send it: without it, the last writer wins and may undo a change they never saw."`
}

// expectedVersion checks If-Match against the version just read and returns
// the version the write must still find: the current one when If-Match names
// it, store.AnyVersion when there is no If-Match (or it is "*": the record
// exists). Any other If-Match fails with ESTALE, which is 412.
func (p IfMatchParam) expectedVersion(what string, id, current int64) (int64, error) {
	header := strings.TrimSpace(p.IfMatch)
	if header == "" || header == "*" {
		return store.AnyVersion, nil
	}
	// Strong comparison (RFC 9110, section 13.1.1): a weak tag (W/"…") never
	// matches.
	for tag := range strings.SplitSeq(header, ",") {
		if strings.TrimSpace(tag) == etag(current) {
			return current, nil
		}
	}
	return 0, &fresco.Error{Code: fresco.ESTALE,
		Message: fmt.Sprintf("%s %d has changed since you read it; nothing was written", what, id),
		Fields: []fresco.FieldError{{Field: "header.If-Match",
			Message: fmt.Sprintf("%s is not the current ETag, %s: read the record again and redo your change", header, etag(current))}}}
}

// ItemList is a list that is not paged.
type ItemList[T any] struct {
	Items []T `json:"items"`
}

// invalidField is the validation error of one field.
func invalidField(field, format string, args ...any) error {
	var v fresco.Validation
	v.Add(field, format, args...)
	return v.Err()
}

// timePtr is nil for the zero time (a parameter not given), else &t.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
