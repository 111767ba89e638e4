package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// homeWork is what the home tests find on the pages: an overdue
// follow-up owned by the agent, the agent's case with a refund waiting for
// approval, and a digest that named a satisfied customer who is leaving.
type homeWork struct {
	customer *fresco.Customer
	followUp *fresco.FollowUp
	c        *fresco.Case
	gesture  *fresco.Gesture
}

func seedHomeWork(t *testing.T, f *fixture) homeWork {
	t.Helper()
	ctx := context.Background()
	db, agent, owner := f.db, f.people[fresco.RoleAgent], f.people[fresco.RoleOwner]
	w := homeWork{customer: &fresco.Customer{Name: "Grace Hopper"}}
	if err := db.CreateCustomer(ctx, w.customer); err != nil {
		t.Fatal(err)
	}
	score := 1
	resp, err := f.app.Feedback.Record(ctx, &feedback.Input{CustomerID: &w.customer.ID, EmployeeID: &agent.ID,
		Answers: []feedback.AnswerInput{{Type: "nps", Score: &score}}, Comment: "The room was cold and nobody came."})
	if err != nil {
		t.Fatal(err)
	}
	if w.followUp, err = f.app.Loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp.ID,
		Flags: feedback.Flags{Detractor: true}}); err != nil || w.followUp == nil {
		t.Fatal(w.followUp, err)
	}
	// Overdue: its due time has passed.
	if _, err := db.Exec(ctx, `UPDATE follow_ups SET due_at = ? WHERE id = ?`, time.Now().UTC().Add(-time.Hour), w.followUp.ID); err != nil {
		t.Fatal(err)
	}
	actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", agent.ID), Role: agent.Role, EmployeeID: &agent.ID}
	if w.c, err = f.app.Recovery.Open(ctx, actor, recovery.OpenInput{CustomerID: w.customer.ID, Summary: "Heating broken"}); err != nil {
		t.Fatal(err)
	}
	if w.gesture, err = f.app.Recovery.RequestGesture(ctx, actor, w.c.ID,
		recovery.GestureInput{Kind: "refund", Amount: money(t, "900.00")}); err != nil || w.gesture.Status != recovery.GesturePending {
		t.Fatalf("gesture %+v %v: want one waiting for approval", w.gesture, err)
	}
	data, _ := json.Marshal(map[string]any{"customers": 1, "customer_ids": []int64{w.customer.ID}})
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.InsertNotification(ctx, &fresco.Notification{Event: notify.EventDigest, EmployeeID: &owner.ID,
			Subject: "1 satisfied customer(s) may be leaving", Link: "/loop/satisfied-leaving", Data: data})
	}); err != nil {
		t.Fatal(err)
	}
	return w
}

// TestHomeByRole: each role lands on its own home; every number links to
// the list behind it and that list holds what was counted.
func TestHomeByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		w := seedHomeWork(t, f)

		owner := f.do(fresco.RoleOwner, "GET", "/", nil)
		if owner.status != http.StatusOK {
			t.Fatalf("owner home = %d %s", owner.status, owner.body)
		}
		for _, want := range []string{
			"How customers feel", "Net Promoter Score", "Satisfied customers", "Easy to deal with",
			`id="count-overdue-followups" href="/followups?view=overdue">1</a>`,
			fmt.Sprintf(`href="/followups/%d"`, w.followUp.ID), "Would not recommend us",
			`id="count-breaching-cases" href="/cases?view=breaching">`,
			`id="count-approvals" href="/cases?view=approvals">1</a>`,
			fmt.Sprintf(`href="/cases/%d#gestures-heading">Refund of $900.00</a>`, w.c.ID),
			`id="count-leaving" href="/loop/satisfied-leaving">1</a>`,
			fmt.Sprintf(`<a href="/customers/%d">Grace Hopper</a>`, w.customer.ID),
			`class="tone-negative"`, "The room was cold and nobody came.",
		} {
			if !strings.Contains(owner.body, want) {
				t.Errorf("owner home lacks %q", want)
			}
		}
		manager := f.do(fresco.RoleManager, "GET", "/", nil).body
		if !strings.Contains(manager, `id="count-overdue-followups"`) || !strings.Contains(manager, "the daily check has not reported yet") {
			t.Errorf("manager home:\n%s", manager)
		}

		agent := f.do(fresco.RoleAgent, "GET", "/", nil).body
		for _, want := range []string{
			`id="count-my-followups" href="/followups?view=mine">1</a>`,
			`id="count-my-cases" href="/cases?view=mine">1</a>`,
			`id="count-my-calls" href="/feedback/calls">0</a>`,
			`id="count-approvals" href="/cases?view=asked">1</a>`,
			fmt.Sprintf(`href="/cases/%d">Heating broken</a>`, w.c.ID), "My calls today",
		} {
			if !strings.Contains(agent, want) {
				t.Errorf("agent home lacks %q", want)
			}
		}
		for _, not := range []string{"How customers feel", "Satisfied but leaving", "Recent comments"} {
			if strings.Contains(agent, not) {
				t.Errorf("agent home shows %q", not)
			}
		}

		analyst := f.do(fresco.RoleAnalyst, "GET", "/", nil).body
		if !strings.Contains(analyst, "Net Promoter Score") || !strings.Contains(analyst, `<a href="/value">`) ||
			strings.Contains(analyst, `id="count-`) || strings.Contains(analyst, "/followups/") {
			t.Errorf("analyst home:\n%s", analyst)
		}

		// The lists behind the numbers hold what was counted.
		caseLink := fmt.Sprintf(`href="/cases/%d"`, w.c.ID)
		for _, c := range []struct {
			role fresco.Role
			path string
			want bool
		}{
			{fresco.RoleOwner, "/followups?view=overdue", true},
			{fresco.RoleOwner, "/cases?view=approvals", true},
			{fresco.RoleAgent, "/cases?view=asked", true},
			{fresco.RoleOwner, "/cases?view=asked", false}, // the owner asked for nothing
		} {
			body := f.do(c.role, "GET", c.path, nil).body
			link := caseLink
			if strings.HasPrefix(c.path, "/followups") {
				link = fmt.Sprintf(`href="/followups/%d"`, w.followUp.ID)
			}
			if strings.Contains(body, link) != c.want {
				t.Errorf("%s as %s: lists it = %v, want %v", c.path, c.role, !c.want, c.want)
			}
		}
	})
}

// TestHomeScoreChange: a change is called out only when it is significant.
func TestHomeScoreChange(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		record := func(daysAgo, score, n int) {
			t.Helper()
			for range n {
				s := score
				if _, err := f.app.Feedback.Record(ctx, &feedback.Input{RespondedAt: time.Now().UTC().AddDate(0, 0, -daysAgo),
					Answers: []feedback.AnswerInput{{Type: "nps", Score: &s}}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		record(40, 10, 2) // before: two promoters
		record(2, 0, 2)   // now: two detractors
		body := f.do(fresco.RoleOwner, "GET", "/", nil).body
		if !strings.Contains(body, "No clear change") || strings.Contains(body, "Down ") {
			t.Errorf("two answers each side flagged a change:\n%s", body)
		}
		record(40, 10, 38)
		record(2, 0, 38)
		body = f.do(fresco.RoleOwner, "GET", "/", nil).body
		if !strings.Contains(body, `class="change significant falling">Down 200 points`) {
			t.Errorf("a fall from 100 to −100 on 40 answers each is not called out:\n%s", body)
		}
		if !strings.Contains(body, ">40 answers</a>") {
			t.Error("the number of answers is not shown as a link")
		}
	})
}
