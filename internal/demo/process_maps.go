package demo

import (
	"context"
	"fmt"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processmap"
	"github.com/fresco-cx/fresco/internal/store"
)

// The designed "Complaint to resolution" process (internal/processmap):
// the map the owner drew of how a recovery case should go, with the
// activities named as Fresco's own event log of cases names them (Case
// opened, Responded to customer, Put on hold, Handed over, Gesture
// granted, Case resolved, Case closed: internal/processlog), so that the times mined from the cases can be laid over it and
// the real flow checked against it. Two fail points are marked: the day a
// handed-over case waits in the other team's queue, and the manager's
// approval a gesture above the front line's limit waits for.

// ComplaintMapName is the demo's designed map.
const ComplaintMapName = "Complaint to resolution"

func complaintMap() processmap.Draft {
	at := func(x float64, y int) fresco.MapPosition { return fresco.MapPosition{X: x, Y: y} }
	return processmap.Draft{Name: ComplaintMapName, TimeUnit: fresco.UnitHours,
		Description: "How a complaint should go, from the case being opened to its close with a root cause: first response within 4 hours, resolved within 2 days.",
		Lanes: []fresco.MapLane{
			{Key: "customer", Name: "Customer", CustomerFacing: true},
			{Key: "front-line", Name: "Front line", CustomerFacing: true},
			{Key: "back-office", Name: "Back office and managers"},
		},
		Activities: []fresco.MapActivity{
			{Key: "case-opened", Number: 1, Name: "Case opened", Lane: "front-line", Duration: 15, DurationUnit: fresco.UnitMinutes, Position: at(0, 0),
				Description: "From a complaint, a detractor's answer or an e-mail; the customer's expectation recorded."},
			{Key: "first-response", Number: 2, Name: "Responded to customer", Lane: "front-line", Duration: 2, DurationUnit: fresco.UnitHours, Position: at(1.25, 0),
				Description: "Call the customer, apologise and hear the whole story."},
			{Key: "on-hold", Number: 3, Name: "Put on hold", Lane: "customer", Duration: 4, DurationUnit: fresco.UnitHours, Position: at(3, 0),
				Description: "Waiting for the customer's answer or a time to talk."},
			{Key: "handed-over", Number: 4, Name: "Handed over", Lane: "back-office", Duration: 1, DurationUnit: fresco.UnitDays, Position: at(3, 0),
				Description: "To the team or manager who can put it right."},
			{Key: "gesture-granted", Number: 5, Name: "Gesture granted", Lane: "front-line", Duration: 30, DurationUnit: fresco.UnitMinutes, Position: at(4.5, 0),
				Description: "An apology letter, a coupon or a refund within the authority limit."},
			{Key: "resolved", Number: 6, Name: "Case resolved", Lane: "front-line", Duration: 1, DurationUnit: fresco.UnitHours, Position: at(6.75, 0),
				Description: "The customer told what was done."},
			{Key: "closed", Number: 7, Name: "Case closed", Lane: "back-office", Duration: 3, DurationUnit: fresco.UnitDays, Position: at(8.25, 0),
				Description: "After the follow-through call, closed with its root cause."},
		},
		Arrows: []fresco.MapArrow{
			{Key: "opened-response", From: "case-opened", To: "first-response"},
			{Key: "response-hold", From: "first-response", To: "on-hold", Label: "customer to answer"},
			{Key: "hold-resolved", From: "on-hold", To: "resolved"},
			{Key: "response-handover", From: "first-response", To: "handed-over", Label: "another team fixes it"},
			{Key: "handover-resolved", From: "handed-over", To: "resolved"},
			{Key: "response-gesture", From: "first-response", To: "gesture-granted", Label: "put right now"},
			{Key: "gesture-resolved", From: "gesture-granted", To: "resolved"},
			{Key: "resolved-closed", From: "resolved", To: "closed"},
		},
	}
}

func generateProcessMaps(ctx context.Context, w *world, _ *rng) error {
	var owner, manager *fresco.Employee
	for _, e := range w.employees {
		switch e.Email {
		case ownerLogin.email:
			owner = e
		case managerLogin.email:
			manager = e
		}
	}
	if owner == nil || manager == nil {
		return fmt.Errorf("no owner or manager")
	}
	actor := processmap.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Role: fresco.RoleOwner, EmployeeID: &owner.ID}
	svc := processmap.New(w.db, nil)
	m, err := svc.Create(ctx, actor, complaintMap())
	if err != nil {
		return err
	}
	// Refunds an agent asked for, each waiting on a manager's approval:
	// the evidence of the second fail point.
	gestures, err := w.db.ListGestures(ctx, store.GestureFilter{Limit: 200})
	if err != nil {
		return err
	}
	var refunds []int64
	for _, g := range gestures {
		if g.Kind == "refund" && g.RequestedRole == fresco.RoleAgent && len(refunds) < 3 {
			refunds = append(refunds, g.CaseID)
		}
	}
	for _, in := range []processmap.FailInput{
		{Activity: "handed-over", Kind: fresco.FailLostTime, Influence: fresco.InfluenceResponsiveness, OwnerID: &manager.ID,
			Status: fresco.FixInProgress, Note: "A handed-over case waits a day in the other team's queue while the customer hears nothing."},
		{Arrow: "response-gesture", Kind: fresco.FailInefficiency, Influence: fresco.InfluenceAuthority, OwnerID: &owner.ID, CaseIDs: refunds,
			Note: "A refund above the front line's limit waits for a manager's approval the customer never sees."},
	} {
		if _, err := svc.MarkFailPoint(ctx, actor, m.ID, in); err != nil {
			return err
		}
	}
	return nil
}
