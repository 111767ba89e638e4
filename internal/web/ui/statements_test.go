package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// statements requests target as role and returns how many statements the
// request ran and their first lines, failing the test unless it answered
// 200.
func (f *fixture) statements(role fresco.Role, target string) (int64, []string) {
	f.t.Helper()
	ctx, count := store.CountStatements(context.Background())
	req := httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	req.AddCookie(f.cookie[role])
	rec := httptest.NewRecorder()
	f.srv.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		f.t.Fatalf("GET %s = %d: %s", target, rec.Code, rec.Body)
	}
	return count()
}

// sameStatements checks that target runs as many statements with the rows
// that add adds as before them: a page reads its rows in a fixed number of
// statements, not one or more per row.
func (f *fixture) sameStatements(role fresco.Role, target string, add func()) {
	f.t.Helper()
	f.statements(role, target) // caches (the classifier, the taxonomy) filled
	before, _ := f.statements(role, target)
	add()
	if after, texts := f.statements(role, target); after != before {
		f.t.Errorf("GET %s ran %d statements, %d after more rows were added: it reads per row:\n%s",
			target, before, after, strings.Join(texts, "\n"))
	}
}

// The comments list reads a page of comments, their answers and the
// cases opened from them in a number of statements that does not grow with
// the page: at a million customers, three statements per row made it the
// slowest page (p95 1.1 s with 8 clients).
func TestCommentsListStatementsDoNotGrowWithRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		record := func(n int) {
			for i := range n {
				_, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", Comment: fmt.Sprintf("The parcel came late, %d days", i),
					Answers: []feedback.AnswerInput{{Type: "nps", Score: new(i % 11)}, {Question: "what_else", Type: feedback.TypeText, Text: "Nothing"}}})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		record(2)
		f.sameStatements(fresco.RoleManager, "/feedback/comments", func() { record(20) })
	})
}

// The customer's profile and the employee's page show answers with the
// case opened from each: one statement for the cases of all of them, not
// one an answer.
func TestAnswerPagesStatementsDoNotGrowWithAnswers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		cust := &fresco.Customer{Name: "Grace Hopper"}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		agent := f.people[fresco.RoleAgent].ID
		record := func(n int) {
			for i := range n {
				_, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", CustomerID: &cust.ID, EmployeeID: &agent,
					Comment: fmt.Sprintf("Lovely staff, visit %d", i), Answers: []feedback.AnswerInput{{Type: "nps", Score: new(10)}}})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
		record(2)
		f.sameStatements(fresco.RoleManager, fmt.Sprintf("/customers/%d", cust.ID), func() { record(6) })
		f.sameStatements(fresco.RoleManager, fmt.Sprintf("/employees/%d", agent), func() { record(6) })
	})
}
