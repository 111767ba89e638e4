package ui_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The customer's profile reads differently on the two engines — on
// PostgreSQL through connections that keep their plans (store.ReusePlans)
// — but must show the same: the same customer built on SQLite and on
// PostgreSQL gives the same page, part for part.
func TestCustomerProfileSameOnBothEngines(t *testing.T) {
	t.Parallel()
	engines := storetest.Engines()
	if len(engines) < 2 {
		t.Skip("needs both engines (FRESCO_TEST_POSTGRES_URL)")
	}
	pages := map[string]string{}
	for _, e := range engines {
		f := newFixture(t, storetest.Open(t, e.URL(t)))
		id := profileWorld(t, f)
		r := f.do(fresco.RoleManager, "GET", fmt.Sprintf("/customers/%d", id), nil)
		if r.status != 200 {
			t.Fatalf("%s: GET /customers/%d = %d: %s", e.Name, id, r.status, r.body)
		}
		for _, part := range []string{"Ada Lovelace", "Grace Hopper", "CAKE", "Cold soup", "Lovely staff", "Prefers the window table"} {
			if !strings.Contains(r.body, part) {
				t.Errorf("%s: the profile leaves out %q", e.Name, part)
			}
		}
		pages[e.Name] = sessionFree.ReplaceAllString(r.body, "")
	}
	sameOnBothEngines(t, "the profile", pages)
}

// sameOnBothEngines fails at the first line where the page built on SQLite
// and the one built on PostgreSQL differ.
func sameOnBothEngines(t *testing.T, what string, pages map[string]string) {
	t.Helper()
	sqlite, postgres := strings.Split(pages["sqlite"], "\n"), strings.Split(pages["postgres"], "\n")
	for i := range max(len(sqlite), len(postgres)) {
		if line(sqlite, i) != line(postgres, i) {
			t.Fatalf("%s differs at line %d:\nsqlite:   %s\npostgres: %s", what, i+1, line(sqlite, i), line(postgres, i))
		}
	}
}

// sessionFree matches what differs between two sessions' pages built
// seconds apart: the request-forgery token, and the times of what was
// made just now (the case; the two engines' pages may straddle a minute
// or midnight).
var sessionFree = regexp.MustCompile(`csrf[^"]*" (value|content)="[^"]*|datetime="[^"]*"|(today|yesterday) \d\d:\d\d`)

func line(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(none)"
}

// profileWorld gives a customer something of every part of the profile —
// a referrer, purchases, answers, a case, a follow-up call, notes — and
// returns the customer's id.
func profileWorld(t *testing.T, f *fixture) int64 {
	t.Helper()
	ctx := context.Background()
	db := f.db
	agent, owner := f.people[fresco.RoleAgent], f.people[fresco.RoleOwner]
	grace := &fresco.Customer{Name: "Grace Hopper", Email: "grace@example.com"}
	if err := db.CreateCustomer(ctx, grace); err != nil {
		t.Fatal(err)
	}
	ada := &fresco.Customer{Name: "Ada Lovelace", Email: "ada@example.com", ConsentSurveys: true, ReferredBy: &grace.ID}
	if err := db.CreateCustomer(ctx, ada); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for i := range 4 {
		p := &fresco.Purchase{ExternalID: fmt.Sprintf("P-%d", i), CustomerID: &ada.ID, PurchasedAt: day.AddDate(0, i, 0), ServedBy: &agent.ID,
			Lines: []fresco.PurchaseLine{{SKU: "CAKE", Quantity: int64(i + 1), UnitPrice: 500}, {SKU: "TEA", Quantity: 1, UnitPrice: 250}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for i, score := range []int{10, 3} {
		_, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", CustomerID: &ada.ID, EmployeeID: &agent.ID, RespondedAt: day.AddDate(0, i, 1),
			Comment: fmt.Sprintf("Lovely staff, visit %d", i), Answers: []feedback.AnswerInput{{Type: "nps", Score: new(score)}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.app.Anticipate.AddNote(ctx, staff.CLI, ada.ID, anticipate.Note{Kind: fresco.PreferenceLikes, Text: "Prefers the window table", Source: fresco.SourceObserved}); err != nil {
		t.Fatal(err)
	}
	_, err := f.app.Recovery.Open(ctx, recovery.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Role: owner.Role, EmployeeID: &owner.ID},
		recovery.OpenInput{CustomerID: ada.ID, Summary: "Cold soup"})
	if err != nil {
		t.Fatal(err)
	}
	return ada.ID
}

// A case's page reads by key too (store.ReusePlans on PostgreSQL), and its
// timeline gathers the events of the cases merged into it: the same case
// built on SQLite and on PostgreSQL gives the same page.
func TestCasePageSameOnBothEngines(t *testing.T) {
	t.Parallel()
	engines := storetest.Engines()
	if len(engines) < 2 {
		t.Skip("needs both engines (FRESCO_TEST_POSTGRES_URL)")
	}
	ctx := context.Background()
	pages := map[string]string{}
	for _, e := range engines {
		f := newFixture(t, storetest.Open(t, e.URL(t)))
		id := profileWorld(t, f)
		owner := f.people[fresco.RoleOwner]
		actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Role: owner.Role, EmployeeID: &owner.ID}
		into, err := f.app.Recovery.Open(ctx, actor, recovery.OpenInput{CustomerID: id, Summary: "Soup again"})
		if err != nil {
			t.Fatal(err)
		}
		dup, err := f.app.Recovery.Open(ctx, actor, recovery.OpenInput{CustomerID: id, Summary: "Soup, said twice"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Recovery.Note(ctx, actor, dup.ID, "Called from the terrace"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Recovery.Merge(ctx, actor, dup.ID, into.ID); err != nil {
			t.Fatal(err)
		}
		r := f.do(fresco.RoleManager, "GET", fmt.Sprintf("/cases/%d", into.ID), nil)
		if r.status != 200 {
			t.Fatalf("%s: GET /cases/%d = %d: %s", e.Name, into.ID, r.status, r.body)
		}
		for _, part := range []string{"Ada Lovelace", "Soup again", "Called from the terrace"} {
			if !strings.Contains(r.body, part) {
				t.Errorf("%s: the case page leaves out %q", e.Name, part)
			}
		}
		pages[e.Name] = sessionFree.ReplaceAllString(r.body, "")
	}
	sameOnBothEngines(t, "the case page", pages)
}

// The profile's timeline counts a purchase's items in words: "1 item",
// and a refund is a return, not "Bought -1 items".
func TestCustomerTimelineCountsItems(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		dee := &fresco.Customer{Name: "Dee Dee"}
		if err := db.CreateCustomer(ctx, dee); err != nil {
			t.Fatal(err)
		}
		for _, l := range []fresco.PurchaseLine{
			{SKU: "TEA", Description: "Tea", Quantity: 1, UnitPrice: money(t, "3.60")},
			{SKU: "CAKE", Description: "Cake", Quantity: 2, UnitPrice: money(t, "4.00")},
			{SKU: "CAKE", Description: "Cake returned", Quantity: -2, UnitPrice: money(t, "4.00")},
		} {
			p := &fresco.Purchase{CustomerID: &dee.ID, PurchasedAt: time.Now().Add(-time.Hour), Lines: []fresco.PurchaseLine{l}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		body := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/customers/%d", dee.ID), nil).body
		for _, want := range []string{"Bought 1 item for $3.60", "Bought 2 items for $8.00", "Returned 2 items for −$8.00"} {
			if !strings.Contains(body, want) {
				t.Errorf("the timeline lacks %q", want)
			}
		}
		if strings.Contains(body, "1 items") {
			t.Error(`the timeline says "1 items"`)
		}
	})
}
