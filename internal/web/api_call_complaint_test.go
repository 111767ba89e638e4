package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCallComplaintAPI: a call recorded with complaint=true reaches the
// closed loop as a complaint; a complaint on a call that reached nobody is
// refused by the field.
func TestCallComplaintAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		c := &fresco.Customer{Name: "Ivy", ConsentSurveys: true}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		p := &fresco.Purchase{CustomerID: &c.ID, PurchasedAt: time.Now().UTC().Add(-time.Hour),
			Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 1, UnitPrice: 100}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
		task, _, err := f.app.Feedback.ScheduleCall(ctx, feedback.CallRequest{CustomerID: c.ID})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/call-tasks/%d/outcome", task.ID)
		fields := problem(t, f.do(request{method: "POST", path: path, role: fresco.RoleAgent,
			body: map[string]any{"status": "declined", "complaint": true}}), http.StatusUnprocessableEntity)
		if fields["body.complaint"] == "" {
			t.Errorf("a complaint on a declined call: %v", fields)
		}
		f.call(fresco.RoleAgent, "POST", path, map[string]any{"status": "done", "comment": "Rude on the phone", "complaint": true,
			"answers": []map[string]any{{"question": "csat", "type": "csat", "score": 4}}}, http.StatusOK)
		var payload string
		if err := db.QueryRow(ctx, `SELECT payload FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT 1`, feedback.JobResponseRecorded).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var recorded feedback.ResponseRecorded
		if err := json.Unmarshal([]byte(payload), &recorded); err != nil || !recorded.Complaint {
			t.Errorf("the call reaches the loop as %+v (%v), want a complaint", recorded, err)
		}
	})
}
