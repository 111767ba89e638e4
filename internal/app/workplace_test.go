package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// What the customer said reaches everyone who acts, through the real chain
// (feedback → closed loop → service recovery, with the job queue running):
// a follow-up call that finds the customer unhappy opens a case that keeps
// the purchase, the employee and the location; a promoter's comment reaches
// the employee who served, as a notification and among their kind words;
// the customer search finds people by the start of their name or e-mail, or
// by their whole external id.
func TestWhatTheCustomerSaidTravels(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apptest.New(t, db, func(c *app.Config) { c.QueuePollInterval, c.DisableDigest = 20*time.Millisecond, true })
		loc := &fresco.Location{Name: "Quay", Timezone: "UTC"}
		check(t, db.CreateLocation(ctx, loc))
		check(t, db.CreateEmployee(ctx, &fresco.Employee{Name: "Max Manager", Email: "max@example.com", Role: fresco.RoleManager,
			Active: true, LocationID: &loc.ID}))
		agent := &fresco.Employee{Name: "Ann Agent", Email: "ann@example.com", Role: fresco.RoleAgent, Active: true, LocationID: &loc.ID}
		check(t, db.CreateEmployee(ctx, agent))
		cust := &fresco.Customer{Name: "Zoë Quill", Email: "Zoe.Quill@example.com", ExternalID: "C-9001", ConsentSurveys: true}
		check(t, db.CreateCustomer(ctx, cust))
		check(t, db.CreateCustomer(ctx, &fresco.Customer{Name: "100% Percent", Email: "pc@example.com"}))
		buy := &fresco.Purchase{ExternalID: "ORD-7", CustomerID: &cust.ID, PurchasedAt: time.Now().UTC().Add(-8 * 24 * time.Hour),
			LocationID: &loc.ID, ServedBy: &agent.ID, Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 1, UnitPrice: 500}}}
		check(t, db.CreatePurchase(ctx, buy))
		task := &fresco.CallTask{PurchaseID: buy.ID, CustomerID: cust.ID, EmployeeID: &agent.ID, LocationID: &loc.ID,
			DueAt: time.Now().UTC(), Status: feedback.CallOpen}
		check(t, db.InTx(ctx, func(tx *store.Tx) error { _, err := tx.CreateCallTask(ctx, task); return err }))

		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Queue.Run(runCtx) }()
		defer func() { stop(); <-done }()

		one := 1
		if _, err := a.Feedback.CompleteCallTask(ctx, task.ID, feedback.CallOutcome{Status: feedback.CallDone,
			Answers: []feedback.AnswerInput{{Question: "csat", Type: feedback.TypeCSAT, Score: &one},
				{Question: "better", Type: feedback.TypeText, Text: "The lens was scratched"}}, Actor: "test"}); err != nil {
			t.Fatal(err)
		}
		ten := 10
		praise, err := a.Feedback.Record(ctx, &feedback.Input{CustomerID: &cust.ID, EmployeeID: &agent.ID,
			Answers: []feedback.AnswerInput{{Type: feedback.TypeNPS, Score: &ten}}, Comment: "Ann went out of her way for us."})
		check(t, err)

		var cases []*fresco.Case
		var notes []*fresco.Notification
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && (len(cases) == 0 || !hasEvent(notes, notify.EventPraise)); {
			time.Sleep(50 * time.Millisecond)
			cases, _, err = db.ListCases(ctx, store.CaseFilter{CustomerID: &cust.ID})
			check(t, err)
			notes, err = db.NotificationsAfter(ctx, agent.ID, 0, 100)
			check(t, err)
		}
		if len(cases) != 1 {
			t.Fatalf("%d cases after a bad call, want 1", len(cases))
		}
		c := cases[0]
		if c.Source != "low_csat" || c.PurchaseID == nil || *c.PurchaseID != buy.ID || c.LocationID == nil || *c.LocationID != loc.ID ||
			c.SourceResponseID == nil {
			t.Errorf("case from the call: %+v", c)
		}
		involved, _, err := db.CasePeople(ctx, c.ID)
		check(t, err)
		if len(involved) != 1 || involved[0] != agent.ID {
			t.Errorf("involved %v, want the agent who served", involved)
		}
		if !hasEvent(notes, notify.EventPraise) {
			t.Errorf("the agent's notifications %v lack the praise", notes)
		}
		kind, err := db.KindWords(ctx, agent.ID, 10)
		check(t, err)
		if len(kind) != 1 || kind[0].ID != praise.ID {
			t.Errorf("kind words %v, want the promoter's comment only", kind)
		}

		for q, want := range map[string]int{"zoë": 1, "ZOE.Q": 1, "C-9001": 1, "C-90": 0, "%": 0, "100%": 1, "nobody": 0} {
			got, err := db.SearchCustomers(ctx, q, 10)
			check(t, err)
			if len(got) != want {
				t.Errorf("search %q found %d, want %d", q, len(got), want)
			}
		}
	})
}

func hasEvent(list []*fresco.Notification, event string) bool {
	for _, n := range list {
		if n.Event == event {
			return true
		}
	}
	return false
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
