package demo

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
)

// testDemoChain checks that the demo tells the service-profit chain's
// story: Seaside Hotel guest services is in the cycle of mediocrity (the
// alert finds it, and no other team), and the chain page has real links
// to show.
func testDemoChain(t *testing.T, db *store.DB, w *world) {
	ctx := context.Background()
	now := func() time.Time { return testEnd }
	svc := chain.New(db, people.New(db, nil, now), pulse.New(db, pulse.Options{Now: now}), chain.Options{Now: now})
	found, err := svc.Mediocrity(ctx, testEnd)
	if err != nil {
		t.Fatal(err)
	}
	seaside := w.sites[seasideHotel].team.ID
	if len(found) == 0 {
		t.Fatal("the cycle-of-mediocrity check finds nothing; want Seaside Hotel guest services")
	}
	for _, a := range found {
		t.Logf("%s %s: turnover %+v, NPS %+v, retention %+v", a.Unit.Name, a.Period, a.Turnover, a.NPS, a.Retention)
		if a.Unit.ID != seaside {
			t.Errorf("%s is flagged too", a.Unit.Name)
		}
	}
	for _, q := range []chain.Query{{By: chain.ByLocation, Period: chain.Month}, {By: chain.ByTeam, Period: chain.Quarter}} {
		r, err := svc.Measure(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		withR := 0
		for _, l := range r.Links {
			t.Logf("%s/%s: %s", q.By, q.Period, l.Words)
			if l.R != nil {
				withR++
			}
		}
		if withR < 3 {
			t.Errorf("by %s per %s: %d links with r, want at least 3", q.By, q.Period, withR)
		}
	}
}
