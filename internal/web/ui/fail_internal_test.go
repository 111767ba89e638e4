package ui

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// templatesOnly is a UI that renders pages and nothing else.
func templatesOnly(t *testing.T) *UI {
	t.Helper()
	a, err := embeddedAssets()
	if err != nil {
		t.Fatal(err)
	}
	u := &UI{log: slog.New(slog.DiscardHandler), now: time.Now, assets: a}
	if err := u.parseTemplates(); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestFailStatuses: a coded error reaches the user with the status the API
// gives it and its message, never as a 500 page; only uncoded errors are 500s
// and their internals stay in the log.
func TestFailStatuses(t *testing.T) {
	t.Parallel()
	u := templatesOnly(t)
	stale := fresco.Errorf(fresco.ESTALE, "customer 3 has changed since you read it")
	conflict := fresco.Errorf(fresco.ECONFLICT, "case 7 is already closed")
	invalid := &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
		Fields: []fresco.FieldError{{Field: "amount", Message: "has more than two decimal places"}}}
	badCursor := &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
		Fields: []fresco.FieldError{{Field: "cursor", Message: "is not a cursor"}}}
	for _, tc := range []struct {
		method string
		err    error
		status int
		want   []string
	}{
		{"POST", stale, http.StatusPreconditionFailed, []string{"Someone else changed this first", "Customer 3 has changed since you read it.", "Reload the page"}},
		{"POST", conflict, http.StatusConflict, []string{"Case 7 is already closed."}},
		{"POST", invalid, http.StatusBadRequest, []string{"Amount: has more than two decimal places."}},
		{"GET", badCursor, http.StatusBadRequest, []string{"page link is out of date or damaged"}},
		{"GET", fresco.Errorf(fresco.ENOTFOUND, "customer 9 not found"), http.StatusNotFound, []string{"Page not found"}},
		{"POST", fresco.Errorf(fresco.EFORBIDDEN, "agents close only their own follow-ups"), http.StatusForbidden, []string{"have access to this page"}},
		{"GET", errors.New("disk on fire"), http.StatusInternalServerError, []string{"Something went wrong on our side"}},
	} {
		w := httptest.NewRecorder()
		u.fail(w, httptest.NewRequest(tc.method, "/somewhere", nil), tc.err)
		if w.Code != tc.status {
			t.Errorf("%s %v: status %d, want %d", tc.method, tc.err, w.Code, tc.status)
		}
		body := w.Body.String()
		for _, want := range tc.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s %v: page lacks %q", tc.method, tc.err, want)
			}
		}
		if strings.Contains(body, "disk on fire") {
			t.Error("the 500 page shows the internal error")
		}
	}
}
