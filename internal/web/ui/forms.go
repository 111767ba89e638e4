package ui

import (
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// pathID reads the {id} path value: a positive integer.
func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// pageID returns the page's {id}; a malformed one is the 404 page.
func (u *UI) pageID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(r)
	if !ok {
		u.NotFound(w, r)
	}
	return id, ok
}

// idAndForm returns the page's {id} and reads its form of at most limit
// bytes; when either is bad it has answered already.
func (u *UI) idAndForm(w http.ResponseWriter, r *http.Request, limit int64) (int64, bool) {
	id, ok := u.pageID(w, r)
	return id, ok && u.readForm(w, r, limit)
}

// maxFormBytes bounds an ordinary form; pages with large text fields (the
// taxonomy editor) pass their own limit to readForm.
const maxFormBytes = 64 << 10

// readForm parses a posted form of at most limit bytes. A form it cannot read
// (too large, malformed) gets the 400 page, one holding text nothing could
// store (a NUL, bytes that are not UTF-8) the 422 page, and readForm reports
// false.
func (u *UI) readForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		u.renderError(w, r, http.StatusBadRequest, "The form could not be read. Please try again.")
		return false
	}
	var v fresco.Validation
	v.Values("", r.PostForm, int(limit)) // the form as a whole is bounded already
	if fields := fresco.ErrorFields(v.Err()); len(fields) > 0 {
		u.renderError(w, r, http.StatusUnprocessableEntity,
			"The form's "+strconv.Quote(fields[0].Field)+" field "+fields[0].Message+". Please correct it and try again.")
		return false
	}
	return true
}
