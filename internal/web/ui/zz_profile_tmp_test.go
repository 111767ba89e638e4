package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestZZProfileStatements(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		cust := &fresco.Customer{Name: "Grace Hopper"}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		agent := f.people[fresco.RoleAgent].ID
		for i := range 3 {
			_, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", CustomerID: &cust.ID, EmployeeID: &agent,
				Comment: fmt.Sprintf("Lovely staff, visit %d", i), Answers: []feedback.AnswerInput{{Type: "nps", Score: new(10)}}})
			if err != nil {
				t.Fatal(err)
			}
		}
		f.statements(fresco.RoleManager, fmt.Sprintf("/customers/%d", cust.ID))
		n, texts := f.statements(fresco.RoleManager, fmt.Sprintf("/customers/%d", cust.ID))
		t.Logf("%d statements:\n%s", n, strings.Join(texts, "\n"))
		n, texts = f.statements(fresco.RoleManager, fmt.Sprintf("/api/v1/customers/%d", cust.ID))
		t.Logf("API %d statements:\n%s", n, strings.Join(texts, "\n"))
	})
}
