package ui_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestValueEquationPages: one response with the four value items — (4 + 4)
// ÷ ((6 − 3) + (6 − 5)) = 2 — shows on the Lifetime value page, the
// Feedback dashboard and /value/equation by location; a bad date is named.
func TestValueEquationPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		A := fresco.RoleAgent
		empty := f.do(A, "GET", "/value", nil)
		if !strings.Contains(empty.body, `id="ve-empty"`) {
			t.Error("the value page without value answers does not say so")
		}
		var answers []feedback.AnswerInput
		for i, s := range []int{4, 4, 3, 5} {
			answers = append(answers, feedback.AnswerInput{Type: "value", Item: feedback.ValueItems[i], Score: &s})
		}
		if _, err := f.app.Feedback.Record(t.Context(), &feedback.Input{Actor: "test", RespondedAt: time.Now().Add(-time.Hour), Answers: answers}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/value", "/feedback", "/value/equation?by=location"} {
			r := f.do(A, "GET", path, nil)
			if r.status != 200 || !strings.Contains(r.body, `id="ve-index">2.00 (one answer)`) {
				t.Errorf("%s: %d, no index 2.00", path, r.status)
			}
		}
		if r := f.do(A, "GET", "/value/equation?by=location", nil); !strings.Contains(r.body, `id="ve-groups"`) || !strings.Contains(r.body, "(none)") {
			t.Error("the equation page lacks the group without a location")
		}
		if r := f.do(A, "GET", "/value/equation?from=nope", nil); r.status != 422 || !strings.Contains(r.body, "is not a date") {
			t.Errorf("from=nope: %d", r.status)
		}
	})
}
