package processmap_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/processmap"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

type fixedClock struct{ t time.Time }

func (c *fixedClock) Now() time.Time { return c.t }

// TestOverlayOfOwnWork lays Fresco's own cases over a map and joins its
// real fail point to what the cases through it cost: re-opened, a repeat
// contact, a refund.
func TestOverlayOfOwnWork(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		ann := &fresco.Employee{Name: "Ann Lee", Email: "ann@example.com", Role: fresco.RoleOwner, Active: true}
		if err := db.CreateEmployee(ctx, ann); err != nil {
			t.Fatal(err)
		}
		cust := &fresco.Customer{Name: "Cy Customer"}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		c := &fixedClock{t: t0}
		rec, err := recovery.New(recovery.Options{DB: db, Now: c.Now})
		if err != nil {
			t.Fatal(err)
		}
		a := recovery.Actor{Ref: fmt.Sprintf("employee:%d", ann.ID), Name: ann.Name, Role: ann.Role, EmployeeID: &ann.ID}
		must := func(_ any, err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		open := func(at time.Time, summary string) int64 {
			c.t = at
			k, err := rec.Open(ctx, a, recovery.OpenInput{CustomerID: cust.ID, OwnerID: &ann.ID, Summary: summary, Source: "complaint", OpenedAt: at})
			must(k, err)
			return k.ID
		}
		at := func(d time.Time) { c.t = d }
		// Case 1: a slow first response (3 h against 30 min), a refund, re-opened later.
		k1 := open(t0, "Cold room")
		at(t0.Add(3 * time.Hour))
		must(rec.Respond(ctx, a, k1, "Sorry", "phone"))
		must(rec.RequestGesture(ctx, a, k1, recovery.GestureInput{Kind: "refund", Amount: 4550}))
		at(t0.Add(4 * time.Hour))
		must(rec.Resolve(ctx, a, k1, "Moved room"))
		at(t0.Add(5 * time.Hour))
		must(rec.Reopen(ctx, a, k1, "Still cold"))
		at(t0.Add(6 * time.Hour))
		must(rec.Resolve(ctx, a, k1, "Fixed the heating"))
		// Case 2, by the same customer 10 days later (a repeat contact of case 1): no response at all.
		k2 := open(t0.AddDate(0, 0, 10), "Noisy")
		at(t0.AddDate(0, 0, 10).Add(time.Hour))
		must(rec.Resolve(ctx, a, k2, "Apologised"))
		m, err := processmap.New(db).Create(ctx, owner, processmap.Draft{Name: "Complaint", TimeUnit: fresco.UnitHours,
			Lanes: []fresco.MapLane{{Key: "desk", Name: "Desk", CustomerFacing: true}},
			Activities: []fresco.MapActivity{
				{Key: "opened", Name: "case opened", Lane: "desk", Duration: 5, DurationUnit: fresco.UnitMinutes},
				{Key: "first", Name: "Responded to customer", Lane: "desk", Duration: 30, DurationUnit: fresco.UnitMinutes, Position: fresco.MapPosition{X: 1}},
				{Key: "resolved", Name: "Case resolved ", Lane: "desk", Duration: 1, Position: fresco.MapPosition{X: 2}},
			},
			Arrows: []fresco.MapArrow{{Key: "a1", From: "opened", To: "first"}, {Key: "a2", From: "first", To: "resolved"}}})
		if err != nil {
			t.Fatal(err)
		}
		analyst := processmap.Actor{Ref: "employee:9", Role: fresco.RoleAnalyst}
		o, err := processmap.New(db).Overlay(ctx, analyst, m, processmap.OverlayQuery{Log: processmap.OwnLog})
		if err != nil {
			t.Fatal(err)
		}
		if o.Cases != 2 || o.Arrows["a1"].Count != 1 || *o.Arrows["a1"].MedianWaitS != 3*3600 {
			t.Fatalf("overlay: %d cases, a1 %+v", o.Cases, o.Arrows["a1"])
		}
		if o.Conformance.Fitting != 0 || o.Conformance.Fitness >= 1 {
			t.Errorf("conformance %+v: case 1 reopens, case 2 skips the response", o.Conformance)
		}
		var skip *mining.Deviation
		for i, d := range o.Conformance.Deviations {
			if d.Kind == mining.DeviationArc && d.From == "case opened" && d.To == "Case resolved" {
				skip = &o.Conformance.Deviations[i]
			}
		}
		if skip == nil || fmt.Sprint(skip.CaseIDs) != fmt.Sprintf("[case-%d]", k2) {
			t.Errorf("skipped response: %+v in %+v", skip, o.Conformance.Deviations)
		}
		f := o.FailOn("r", "a1")
		if f == nil || !strings.Contains(f.Reason, "median wait 3 h against 30 min") || f.Outcomes == nil {
			t.Fatalf("a1 not a real fail point: %+v", o.Fails)
		}
		if got := *f.Outcomes; got.Cases != 1 || got.Reopened != 1 || got.RepeatContact != 1 || got.GestureCost != 4550 {
			t.Errorf("outcomes %+v, want 1 case re-opened with a repeat contact and 45.50 refunded", got)
		}
		// Agents do not read logs; a period with nothing in it mines nothing.
		if _, err := processmap.New(db).Overlay(ctx, agent, m, processmap.OverlayQuery{}); fresco.ErrorCode(err) != fresco.EFORBIDDEN {
			t.Errorf("agent: %v", err)
		}
		o, err = processmap.New(db).Overlay(ctx, analyst, m, processmap.OverlayQuery{From: t0.AddDate(0, 0, 5)})
		if err != nil || o.Cases != 1 {
			t.Errorf("period: %v, %d cases", err, o.Cases)
		}
		if _, err := processmap.New(db).Overlay(ctx, analyst, m, processmap.OverlayQuery{Log: "999"}); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("unknown log: %v", err)
		}
	})
}
