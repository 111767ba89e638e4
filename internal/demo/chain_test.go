package demo

import (
	"context"
	"fmt"
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
	teams := 0
	for _, a := range found {
		t.Logf("%s %s %s: turnover %+v, NPS %+v, retention %+v", a.Unit.Kind, a.Unit.Name, a.Period, a.Turnover, a.NPS, a.Retention)
		if a.Unit.Kind != chain.ByTeam {
			if a.Unit.ID != w.sites[seasideHotel].loc.ID { // the hotel may be flagged with its desk
				t.Errorf("location %s is flagged", a.Unit.Name)
			}
			continue
		}
		teams++
		if a.Unit.ID != seaside {
			t.Errorf("%s is flagged too", a.Unit.Name)
		}
	}
	if teams == 0 {
		t.Fatal("the cycle-of-mediocrity check finds nothing; want Seaside Hotel guest services")
	}
	// The chain publishes no pulse figure the pulse's own results do not:
	// a unit-month's figures are its published cell's, a quarter's pool
	// its published months, and a hidden cell gives nulls.
	pulses := pulse.New(db, pulse.Options{Now: now})
	published, hidden := 0, 0
	for _, by := range []string{chain.ByTeam, chain.ByLocation} {
		cells, err := pulses.UnitMonths(ctx, by, "2024-01", "2026-03")
		if err != nil {
			t.Fatal(err)
		}
		shown := map[int64]map[string]int{}
		for _, c := range cells {
			if shown[c.Unit.ID] == nil {
				shown[c.Unit.ID] = map[string]int{}
			}
			if !c.Hidden {
				shown[c.Unit.ID][c.Month] = c.N
			}
		}
		for _, period := range []string{chain.Month, chain.Quarter} {
			r, err := svc.Measure(ctx, chain.Query{By: by, Period: period, From: "2024-04", To: "2026-03"})
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range r.Units {
				want := 0
				for m, n := range shown[u.Unit.ID] {
					if m == u.Period || (period == chain.Quarter && quarterOf(m) == u.Period) {
						want += n
					}
				}
				if want > 0 {
					published++
				} else {
					hidden++
				}
				got := 0
				if u.N.Pulse != nil {
					got = *u.N.Pulse
				}
				if got != want || (want == 0) != (u.EmployeeSatisfaction == nil) {
					t.Errorf("by %s, %s %s: pulse n %v (satisfaction %v), want the published %d", by, u.Unit.Name, u.Period,
						u.N.Pulse, u.EmployeeSatisfaction, want)
				}
			}
		}
	}
	if published == 0 || hidden == 0 {
		t.Errorf("%d unit-periods with pulse figures, %d without: want both", published, hidden)
	}
	t.Logf("pulse figures: %d unit-periods published, %d hidden", published, hidden)
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

// quarterOf is the quarter (YYYY-Qn) of a month (YYYY-MM).
func quarterOf(month string) string {
	t, _ := time.Parse("2006-01", month)
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
}
