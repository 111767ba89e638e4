package feedback_test

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestScheduleCall: staff start a call about a customer's latest purchase
// (or one they name); the same request again returns the same open call;
// another customer's purchase, a customer without purchases or consent,
// and a purchase whose call is over are refused with the field named.
func TestScheduleCall(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		older := w.purchase
		latest := w.buy(t, w.ada, w.bob, w.clock.Now().Add(-time.Hour))

		task, created, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: w.ada.ID})
		must(t, err)
		if !created || task.PurchaseID != latest.ID || task.Status != feedback.CallOpen || task.EmployeeID == nil ||
			*task.EmployeeID != w.bob.ID || task.LocationID == nil || *task.LocationID != w.loc.ID || !task.DueAt.Equal(w.clock.Now()) {
			t.Fatalf("call about the latest purchase: %+v created=%v", task, created)
		}
		again, created, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: w.ada.ID, PurchaseID: &latest.ID})
		if err != nil || created || again.ID != task.ID {
			t.Fatalf("the same call again: %+v created=%v %v, want task %d", again, created, err, task.ID)
		}
		// Ada was just asked: the contact-frequency rule stops a second call.
		if _, _, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: w.ada.ID, PurchaseID: &older.ID,
			EmployeeID: &w.eve.ID}); fresco.ErrorCode(err) != fresco.ECONFLICT || fieldsOf(err)["customer_id"] == "" {
			t.Errorf("a second call within the contact interval: %v", err)
		}

		dee := &fresco.Customer{Name: "Dee"} // no consent
		must(t, db.CreateCustomer(ctx, dee))
		if _, _, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: dee.ID}); fieldsOf(err)["purchase_id"] == "" {
			t.Errorf("a customer without purchases: %v", err)
		}
		for _, p := range []*fresco.Purchase{older, latest} { // latest has Ada's open call
			if _, _, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: dee.ID, PurchaseID: &p.ID}); fieldsOf(err)["purchase_id"] == "" {
				t.Errorf("another customer's purchase %d: %v", p.ID, err)
			}
		}
		w.buy(t, dee, w.eve, w.clock.Now().Add(-time.Hour))
		if _, _, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: dee.ID}); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("a customer who did not consent: %v", err)
		}
		if _, _, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: 0}); fieldsOf(err)["customer_id"] == "" {
			t.Errorf("no customer: %v", err)
		}

		_, err = w.svc.CompleteCallTask(ctx, task.ID, feedback.CallOutcome{Status: feedback.CallNoAnswer})
		must(t, err)
		w.clock.Add(90 * 24 * time.Hour)
		if _, _, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: w.ada.ID, PurchaseID: &latest.ID}); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("a purchase whose call is over: %v", err)
		}
		// Eve calls about the older purchase; the task is hers.
		mine, created, err := w.svc.ScheduleCall(ctx, feedback.CallRequest{CustomerID: w.ada.ID, PurchaseID: &older.ID, EmployeeID: &w.eve.ID})
		must(t, err)
		if !created || mine.EmployeeID == nil || *mine.EmployeeID != w.eve.ID {
			t.Errorf("Eve's call: %+v", mine)
		}
	})
}
