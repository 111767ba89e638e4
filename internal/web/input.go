package web

import (
	"bytes"
	"encoding/json"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// Input no handler should ever see: text PostgreSQL cannot store (a NUL, or
// bytes that are not UTF-8), numbers that are not numbers (NaN, ±Inf) and
// bodies without end. It is refused here, before any handler runs, with a
// 422 naming the field, so that neither engine answers 500.

// maxRequestBytes bounds every request body while it is read. It is one byte
// above the largest operation limit (the purchase batch), so that an
// operation's own, smaller limit is what a client meets: huma answers 413 at
// its limit, while a body cut short under it would read as a broken stream.
const maxRequestBytes = maxBatchBytes + 1

// maxQueryValue bounds each query parameter, in characters. The longest
// legitimate ones are searches and cursors; a search pattern of megabytes
// is work for the database (SQLite refuses LIKE patterns over 50,000 bytes).
const maxQueryValue = 2000

// refuseBadInput bounds the body and refuses a path or query string holding
// text that cannot be stored, for every route: API, UI and survey links.
func (s *Server) refuseBadInput(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		}
		var v fresco.Validation
		v.Text("path", r.URL.Path, false, math.MaxInt)
		v.Values("query.", r.URL.Query(), maxQueryValue)
		if err := v.Err(); err != nil {
			writeProblem(w, r, http.StatusUnprocessableEntity, "invalid input", fresco.ErrorFields(err))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuseBadOperationInput is the API's check of what only the operation
// knows how to read: its numeric query parameters and its JSON body.
func (s *Server) refuseBadOperationInput(ctx huma.Context, next func(huma.Context)) {
	details := nonFiniteParams(ctx)
	if len(details) == 0 {
		details = unstorableJSONText(ctx)
	}
	if len(details) > 0 {
		huma.WriteErr(s.api, ctx, http.StatusUnprocessableEntity, "invalid input", details...)
		return
	}
	next(ctx)
}

// nonFiniteParams refuses NaN and ±Inf in the operation's number parameters,
// which strconv.ParseFloat accepts and every range check lets through.
func nonFiniteParams(ctx huma.Context) []error {
	var details []error
	for _, p := range ctx.Operation().Parameters {
		if p.Schema == nil || p.Schema.Type != huma.TypeNumber || p.In != "query" {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(ctx.Query(p.Name)), 64)
		if err == nil && (math.IsNaN(f) || math.IsInf(f, 0)) {
			details = append(details, &huma.ErrorDetail{Location: "query." + p.Name, Message: "must be a finite number"})
		}
	}
	return details
}

// unstorableJSONText names the strings of a JSON body that hold a NUL or
// are not UTF-8. An operation that validates its items one by one
// (SkipValidateBody: the purchase batch) checks each item itself, rejecting
// the bad ones and storing the rest; its body, the largest, is not read twice.
func unstorableJSONText(ctx huma.Context) []error {
	if ctx.Operation().SkipValidateBody {
		return nil
	}
	r, _ := humago.Unwrap(ctx)
	body, ok := peekJSONBody(ctx, r)
	if !ok || len(body) == 0 {
		return nil // no body, too large or malformed: huma refuses it as it reads
	}
	fields := unstorableText("body", body)
	details := make([]error, len(fields))
	for i, f := range fields {
		details[i] = &huma.ErrorDetail{Location: f.Field, Message: f.Message}
	}
	return details
}

// unstorableText names the strings (values and keys) of the JSON document raw
// that hold a NUL or are not UTF-8, located under at. encoding/json turns
// bytes that are not UTF-8 into U+FFFD as it decodes; so when raw is not
// UTF-8, the strings holding U+FFFD are the ones to blame.
func unstorableText(at string, raw []byte) []fresco.FieldError {
	c := textCheck{notUTF8: !utf8.Valid(raw), nul: bytes.Contains(raw, []byte(`\u0000`))}
	if !c.notUTF8 && !c.nul {
		return nil // the common case: nothing to decode twice
	}
	var doc any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil // not JSON: the decoder that follows says so
	}
	c.walk(at, doc)
	fields := fresco.ErrorFields(c.v.Err())
	if len(fields) == 0 && c.notUTF8 {
		fields = []fresco.FieldError{{Field: at, Message: "is not valid UTF-8"}}
	}
	return fields
}

// textCheck walks a decoded JSON document, checking every string at its
// location ("body.lines[0].sku") for what the raw body showed to look for.
type textCheck struct {
	notUTF8, nul bool
	v            fresco.Validation
}

func (c *textCheck) walk(at string, doc any) {
	walkJSON(at, doc, func(at string, leaf any) {
		if s, ok := leaf.(string); ok {
			c.check(at, s)
		}
	})
}

func (c *textCheck) check(at, s string) {
	switch {
	case c.notUTF8 && strings.ContainsRune(s, utf8.RuneError):
		c.v.Add(at, "is not valid UTF-8")
	case c.nul:
		c.v.Text(at, s, false, math.MaxInt)
	}
}

// walkJSON calls visit with every leaf of a decoded JSON document and its
// location ("body.lines[0].sku"), and with every object key at the object's
// location.
func walkJSON(at string, doc any, visit func(at string, leaf any)) {
	switch x := doc.(type) {
	case []any:
		for i, item := range x {
			walkJSON(at+"["+strconv.Itoa(i)+"]", item, visit)
		}
	case map[string]any:
		for _, key := range slices.Sorted(maps.Keys(x)) {
			visit(at, key)
			walkJSON(joinField(at, key), x[key], visit)
		}
	default:
		visit(at, x)
	}
}

func joinField(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// numbersOutOfRange names the numbers of a document decoded with UseNumber
// that no field can hold: beyond float64, or written as integers beyond
// int64 (money has caps far below either). encoding/json would refuse them
// with a message about Go types and no field.
func numbersOutOfRange(doc any) []FieldError {
	var fields []FieldError
	walkJSON("", doc, func(at string, leaf any) {
		n, ok := leaf.(json.Number)
		if !ok {
			return
		}
		f, err := strconv.ParseFloat(string(n), 64)
		integer := !strings.ContainsAny(string(n), ".eE")
		if _, ierr := strconv.ParseInt(string(n), 10, 64); err != nil || math.IsInf(f, 0) || (integer && ierr != nil) {
			fields = append(fields, FieldError{Field: at, Message: string(n) + " is out of range"})
		}
	})
	return fields
}
