package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/validation"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/web/httperr"
)

// Problem is an RFC 9457 problem document as Fresco writes it: huma's
// ErrorModel, whose "errors" list names each bad field by location
// ("body.lines[0].unit_price", "query.cursor").
type Problem = huma.ErrorModel

// fieldLocation turns a domain field name ("lines[0].unit_price") into a
// huma-style location ("body.lines[0].unit_price"). Paging parameters live in
// the query string; names that already carry a location keep it.
func fieldLocation(field string) string {
	for _, p := range []string{"body", "query", "path", "header"} {
		if field == p || strings.HasPrefix(field, p+".") {
			return field
		}
	}
	switch field {
	case "cursor", "limit":
		return "query." + field
	case "":
		return "body"
	}
	return "body." + field
}

func problemDetails(fields []fresco.FieldError) []*huma.ErrorDetail {
	if len(fields) == 0 {
		return nil
	}
	d := make([]*huma.ErrorDetail, len(fields))
	for i, f := range fields {
		d[i] = &huma.ErrorDetail{Message: f.Message, Location: fieldLocation(f.Field)}
	}
	return d
}

// apiError converts an error from a handler into the problem huma writes.
// Internal errors are logged and not described.
func (s *Server) apiError(ctx context.Context, err error) error {
	status := httperr.Status(err)
	msg := fresco.ErrorMessage(err)
	if status >= 500 {
		s.log.ErrorContext(ctx, "request failed", "err", err)
		msg = "internal error"
	}
	p := &Problem{
		Status: status,
		Title:  http.StatusText(status),
		Detail: msg,
		Errors: problemDetails(fresco.ErrorFields(err)),
	}
	if stale, ok := errors.AsType[*recovery.StaleError](err); ok {
		p.Errors = staleCaseDetails(stale) // who changed the case since the caller's If-Match
	}
	if status == http.StatusPreconditionFailed && len(p.Errors) == 0 {
		// Only a PATCH with If-Match writes on condition, so a record that
		// changed under the write is that header failing: name it.
		p.Errors = []*huma.ErrorDetail{{Location: "header.If-Match", Message: msg}}
	}
	if wait := auth.RetryAfter(err); wait > 0 {
		return huma.ErrorWithHeaders(p, http.Header{"Retry-After": {retryAfterSeconds(wait)}})
	}
	return p
}

func retryAfterSeconds(d time.Duration) string {
	return strconv.Itoa(int(max(1, (d+time.Second-1)/time.Second)))
}

// writeProblem writes a problem from a plain net/http handler.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, detail string, fields []fresco.FieldError) {
	p := &Problem{
		Status: status,
		Title:  http.StatusText(status),
		Detail: detail,
		Errors: problemDetails(fields),
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// huma's validation messages are reshaped here, in its documented hook
// (huma.NewError), so that they read like Fresco's own field errors:
//   - a missing required property is reported at its parent ("body", "expected
//     required property x to be present"); Fresco names the field itself
//     ("body.x", "is required");
//   - Money is the only oneOf in the API, and "expected value to match
//     exactly one schema" says nothing useful about an amount;
//   - whole objects and bodies echoed back as "value" only add noise;
//   - encoding/json's messages speak of Go types;
//   - a 400 without details (an empty body) names the body.
func init() {
	newError := huma.NewError
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		se := newError(status, msg, errs...)
		if m, ok := se.(*huma.ErrorModel); ok {
			for _, d := range m.Errors {
				fixDetail(d)
			}
			switch {
			case status == http.StatusBadRequest && msg == "validation failed":
				m.Detail = "the request body is not well-formed JSON"
			case status == http.StatusUnsupportedMediaType:
				m.Detail = "send the request body as JSON, with Content-Type: application/json"
			}
			if status == http.StatusBadRequest && len(m.Errors) == 0 {
				// An empty or unreadable body: the field at fault is the body.
				m.Errors = []*huma.ErrorDetail{{Location: "body", Message: msg}}
			}
		}
		return se
	}
}

const moneyMessage = `must be an amount: a string such as "12.50" or a number`

func fixDetail(d *huma.ErrorDetail) {
	if d == nil {
		return
	}
	const pre, post = "expected required property ", " to be present"
	if name, ok := strings.CutPrefix(d.Message, pre); ok && strings.HasSuffix(name, post) {
		name = strings.TrimSuffix(name, post)
		if d.Location == "" {
			d.Location = name
		} else {
			d.Location += "." + name
		}
		d.Message = "is required"
		d.Value = nil
	}
	if d.Message == validation.MsgExpectedMatchExactlyOneSchema {
		d.Message = moneyMessage
	}
	if strings.HasPrefix(d.Message, "json: ") {
		// encoding/json's own words name Go types, not fields ("cannot
		// unmarshal array into Go value of type web.BatchRequest"): they
		// reach here only for a body whose schema huma does not check.
		d.Message = "does not have the type the API's schema gives"
	}
	switch d.Value.(type) {
	case map[string]any, []any:
		d.Value = nil
	}
	if d.Location == "body" {
		d.Value = nil
	}
}
