package fresco

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

func TestErrorCodeFollowsTheChain(t *testing.T) {
	coded := Errorf(ECONFLICT, "email %q is taken", "a@b.c")
	cases := []struct {
		err     error
		code    string
		message string
	}{
		{nil, "", "internal error"},
		{coded, ECONFLICT, `email "a@b.c" is taken`},
		{fmt.Errorf("save customer: %w", coded), ECONFLICT, `email "a@b.c" is taken`},
		{errors.Join(errors.New("other"), coded), ECONFLICT, `email "a@b.c" is taken`},
		{errors.New("disk on fire"), EINTERNAL, "internal error"},
	}
	for _, c := range cases {
		if got := ErrorCode(c.err); got != c.code {
			t.Errorf("ErrorCode(%v) = %q, want %q", c.err, got, c.code)
		}
		if got := ErrorMessage(c.err); got != c.message {
			t.Errorf("ErrorMessage(%v) = %q, want %q", c.err, got, c.message)
		}
	}
}

func TestErrorTextListsFields(t *testing.T) {
	e := &Error{Code: EINVALID, Message: "invalid input", Fields: []FieldError{
		{Field: "email", Message: "is required"}, {Field: "lines[0].sku", Message: "is required"},
	}}
	if got, want := e.Error(), "invalid input: email: is required; lines[0].sku: is required"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := ErrorFields(fmt.Errorf("wrapped: %w", e)); !reflect.DeepEqual(got, e.Fields) {
		t.Errorf("ErrorFields through a wrap = %v", got)
	}
	if ErrorFields(errors.New("plain")) != nil {
		t.Error("a plain error has no fields")
	}
}

func TestValidationCollectsEveryField(t *testing.T) {
	var v Validation
	if v.Err() != nil {
		t.Fatal("an empty validation is not an error")
	}
	v.Check(true, "ok", "never recorded")
	v.Check(false, "count", "must be positive, got %d", -2)
	v.Text("name", "  ", true, 10)
	v.Text("note", "\xff", false, 10)
	v.Text("title", "ünïcödé chars", false, 12)
	v.Text("short", "ünï", false, 3) // three characters, six bytes: fits
	v.Merge("address", &Error{Code: EINVALID, Fields: []FieldError{{Field: "city", Message: "is required"}}})
	v.Merge("", &Error{Code: EINVALID, Fields: []FieldError{{Field: "top", Message: "bad"}}})
	v.Merge("owner", Errorf(ECONFLICT, "is someone else"))
	v.Merge("nothing", nil)
	err := v.Err()
	if ErrorCode(err) != EINVALID {
		t.Fatalf("code %q, want %q", ErrorCode(err), EINVALID)
	}
	want := []FieldError{
		{"count", "must be positive, got -2"},
		{"name", "is required"},
		{"note", "is not valid UTF-8"},
		{"title", "is longer than 12 characters"},
		{"address.city", "is required"},
		{"top", "bad"},
		{"owner", "is someone else"},
	}
	if got := ErrorFields(err); !reflect.DeepEqual(got, want) {
		t.Errorf("fields\n got %v\nwant %v", got, want)
	}
}
