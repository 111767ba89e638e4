package fresco

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Error codes. The web layer maps each to one HTTP status in one place.
const (
	ECONFLICT     = "conflict"     // a unique key is taken, or the state forbids the change
	EINTERNAL     = "internal"     // a bug or an outage; details are logged, not shown
	EINVALID      = "invalid"      // the input is wrong; FieldErrors say where
	ENOTFOUND     = "not_found"    // the thing does not exist (or is not visible to the caller)
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // valid credentials, not allowed
	ERATELIMIT    = "rate_limited" // too many attempts
	ETOOLARGE     = "too_large"    // the request is over a documented limit
	ESTALE        = "stale"        // the record changed since the caller read it (optimistic locking)
)

// FieldError names one bad field: a JSON path such as "lines[2].unit_price",
// or a CSV column, and says what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an application error with a code, a message fit for the user and,
// for EINVALID, the fields at fault.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Message + ": " + strings.Join(parts, "; ")
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the user-facing message of err; internal errors are
// not described to the user.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorFields returns the field errors of err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Validation collects field errors so that a caller reports every bad field
// at once rather than the first one only.
type Validation struct {
	fields []FieldError
}

// Add records that field is wrong.
func (v *Validation) Add(field, format string, args ...any) {
	v.fields = append(v.fields, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Check records the message for field when ok is false.
func (v *Validation) Check(ok bool, field, format string, args ...any) {
	if !ok {
		v.Add(field, format, args...)
	}
}

// Text records what is wrong with a free-text field: missing when required,
// not UTF-8, holding a NUL (which PostgreSQL cannot store in text), or
// longer than maxLen characters.
func (v *Validation) Text(field, s string, required bool, maxLen int) {
	switch {
	case required && strings.TrimSpace(s) == "":
		v.Add(field, "is required")
	case !utf8.ValidString(s):
		v.Add(field, "is not valid UTF-8")
	case strings.ContainsRune(s, 0):
		v.Add(field, "must not contain NUL characters")
	case utf8.RuneCountInString(s) > maxLen:
		v.Add(field, "is longer than %d characters", maxLen)
	}
}

// Past records the message for field when t, a time that has happened, is
// before 1900 or after now plus slack. A time outside those years is a typo,
// and one near the year 10000 could be stored but never written back as
// RFC 3339 once its offset is applied.
func (v *Validation) Past(field string, t, now time.Time, slack time.Duration) {
	switch {
	case t.UTC().Year() < 1900:
		v.Add(field, "%s is before 1900", t.Format(time.RFC3339))
	case t.After(now.Add(slack)):
		v.Add(field, "%s is in the future", t.Format(time.RFC3339))
	}
}

// Values checks every name and value of a query string or form as Text
// checks free text (UTF-8, no NUL, at most maxLen characters), naming a bad
// one prefix+name: whatever a handler reads from them can then be stored,
// searched for and logged.
func (v *Validation) Values(prefix string, values map[string][]string, maxLen int) {
	for _, name := range slices.Sorted(maps.Keys(values)) {
		field := prefix + strings.ToValidUTF8(strings.ReplaceAll(name, "\x00", ""), "")
		v.Text(field, name, false, maxLen)
		for _, s := range values[name] {
			v.Text(field, s, false, maxLen)
		}
	}
}

// Merge adds the field errors of err (an EINVALID *Error) under prefix.
func (v *Validation) Merge(prefix string, err error) {
	if err == nil {
		return
	}
	fields := ErrorFields(err)
	if len(fields) == 0 {
		v.Add(prefix, "%s", ErrorMessage(err))
		return
	}
	for _, f := range fields {
		name := f.Field
		if prefix != "" {
			name = prefix + "." + name
		}
		v.fields = append(v.fields, FieldError{Field: name, Message: f.Message})
	}
}

// Err returns an EINVALID error listing every recorded field, or nil.
func (v *Validation) Err() error {
	if len(v.fields) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "invalid input", Fields: v.fields}
}
