package processmap_test

import (
	"context"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/processmap"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestKeptOverlayEqualsWorkedOut: the overlay of Fresco's own log kept in
// memory is what working it out afresh gives, in every period; it is kept
// while nothing changes, views at once share one working out (run with
// -race), and it is worked out again after each kind of write its figures
// and outcomes are made of: a case event, an NPS answer of a case's
// customer, a gesture, a lifetime-value refit.
func TestKeptOverlayEqualsWorkedOut(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		d := newDesk(t, db, t0)
		rec, a, c, cust, must := d.rec, d.a, d.clock, d.cust, d.must
		open := func(at time.Time) int64 { return d.open(at, "Cold") }
		// A slow first response (3 h against 30 min): a real fail point
		// joined to its customers' outcomes.
		k1 := open(t0)
		c.t = t0.Add(3 * time.Hour)
		must(rec.Respond(ctx, a, k1, "Sorry", "phone"))
		c.t = t0.Add(4 * time.Hour)
		must(rec.Resolve(ctx, a, k1, "Moved room"))
		k2 := open(t0.AddDate(0, 0, 10))
		m, err := processmap.New(db, nil).Create(ctx, owner, processmap.Draft{Name: "Complaint", TimeUnit: fresco.UnitHours,
			Lanes: []fresco.MapLane{{Key: "desk", Name: "Desk", CustomerFacing: true}},
			Activities: []fresco.MapActivity{
				{Key: "opened", Name: "Case opened", Lane: "desk", Duration: 5, DurationUnit: fresco.UnitMinutes},
				{Key: "first", Name: "Responded to customer", Lane: "desk", Duration: 30, DurationUnit: fresco.UnitMinutes, Position: fresco.MapPosition{X: 1}},
				{Key: "resolved", Name: "Case resolved", Lane: "desk", Duration: 1, Position: fresco.MapPosition{X: 2}},
			},
			Arrows: []fresco.MapArrow{{Key: "a1", From: "opened", To: "first"}, {Key: "a2", From: "first", To: "resolved"}}})
		if err != nil {
			t.Fatal(err)
		}
		analyst := processmap.Actor{Ref: "employee:9", Role: fresco.RoleAnalyst}
		kept := processmap.New(db, processlog.New(db, processlog.Options{}))
		afresh := processmap.New(db, processlog.New(db, processlog.Options{CacheEvents: -1}))
		periods := []processmap.OverlayQuery{{}, {Log: processmap.OwnLog, From: t0.AddDate(0, 0, 5)}, {To: t0.AddDate(0, 0, 5)}}
		overlay := func(svc *processmap.Service, q processmap.OverlayQuery) *processmap.Overlay {
			t.Helper()
			o, err := svc.Overlay(ctx, analyst, m, q)
			if err != nil {
				t.Fatal(err)
			}
			return o
		}
		same := func(when string) *processmap.Overlay {
			t.Helper()
			for _, q := range periods {
				if got, want := overlay(kept, q), overlay(afresh, q); !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %+v: kept\n%+v\nworked out\n%+v", when, q, got, want)
				}
			}
			return overlay(kept, processmap.OverlayQuery{})
		}
		last := same("at first")
		if f := last.FailOn("r", "a1"); f == nil || f.Outcomes == nil {
			t.Fatalf("no real fail point with outcomes: %+v", last.Fails)
		}
		var wg sync.WaitGroup
		views := make([]*processmap.Overlay, 8)
		for i := range views {
			wg.Go(func() { views[i] = overlay(kept, processmap.OverlayQuery{}) })
		}
		wg.Wait()
		for _, o := range views {
			if o != last {
				t.Fatal("an unchanged overlay was worked out again")
			}
		}
		post, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		for _, write := range []struct {
			what string
			do   func() error
		}{
			{"a case event", func() error {
				c.t = t0.AddDate(0, 0, 11)
				_, err := rec.Respond(ctx, a, k2, "Sorry", "phone")
				return err
			}},
			{"an NPS answer", func() error {
				nps, id := 3, cust.ID
				return db.InTx(ctx, func(tx *store.Tx) error {
					return tx.InsertResponse(ctx, &fresco.Response{PostID: post.ID, CustomerID: &id, RespondedAt: t0.AddDate(0, 0, 1), NPS: &nps})
				})
			}},
			{"a gesture", func() error {
				_, err := rec.RequestGesture(ctx, a, k1, recovery.GestureInput{Kind: "refund", Amount: 2500})
				return err
			}},
			{"a refit", func() error {
				return db.ReplaceCustomerValues(ctx, []*fresco.CustomerValue{{CustomerID: cust.ID, Purchases: 2, PAlive: 0.4, Segment: "regular",
					FirstPurchase: t0.AddDate(-1, 0, 0), LastPurchase: t0, ComputedAt: t0.AddDate(0, 0, 12)}}, nil)
			}},
		} {
			if err := write.do(); err != nil {
				t.Fatalf("%s: %v", write.what, err)
			}
			now := same("after " + write.what)
			if now == last {
				t.Errorf("after %s: the kept overlay was used", write.what)
			}
			last = now
		}
	})
}
