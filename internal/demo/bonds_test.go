package demo

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/value"
)

// testDemoValueAtRisk checks the service-profit chain's staff-to-customer
// link the demo plants (bonds.go). The customers a well-liked regretted
// leaver mostly served lapse after the exit well beyond what customers who
// bought as often, served by colleagues who stayed, did; and once a refit
// has stored the CLVs, the turnover cost, as the API works it out, puts a
// customer value at risk on those exits.
func testDemoValueAtRisk(t *testing.T, db *store.DB, w *world) {
	ctx := context.Background()
	now := func() time.Time { return w.end }
	if _, err := value.New(db, value.Options{Now: now}).Refit(ctx); err != nil {
		t.Fatal(err)
	}
	svc := people.New(db, nil, now)
	in := people.DefaultInputs()
	spells, err := db.SpellsOverlapping(ctx, time.Time{}, w.end)
	if err != nil {
		t.Fatal(err)
	}
	var atRisk, rest fresco.Money
	var regulars, lapsed, expected float64
	for _, sp := range spells {
		b, ok := bondOfExit(w, sp)
		if !ok {
			continue // not regretted, or a curt leaver whose guests had no favourite in them
		}
		c, err := svc.Cost(ctx, people.Actor{Role: fresco.RoleOwner}, *sp.LeftOn, *sp.LeftOn, "", in)
		if err != nil {
			t.Fatal(err)
		}
		v := c.Components.CustomerValueAtRisk
		atRisk += v
		rest += c.Total - v
		n, l, e := regularsLapse(t, db, w, b, sp, in.LapseDays)
		regulars, lapsed, expected = regulars+n, lapsed+l, expected+e
		t.Logf("employee %d left %s: value at risk %s; %.0f of the %.0f customers they mostly served lapsed, %.1f expected at the stayers' rates",
			sp.EmployeeID, sp.LeftOn.Format(time.DateOnly), v, l, n, e)
	}
	if regulars == 0 {
		t.Fatal("no regretted exit of a well-liked leaver with customers they mostly served")
	}
	t.Logf("all: %.0f%% of %.0f lapsed, %.0f%% expected; value at risk %s, other costs %s",
		100*lapsed/regulars, regulars, 100*expected/regulars, atRisk, rest)
	if lapsed/regulars < expected/regulars+0.08 {
		t.Errorf("%.0f of %.0f customers mostly served by a well-liked leaver lapsed, %.1f expected: want well over",
			lapsed, regulars, expected)
	}
	if atRisk <= 0 {
		t.Error("no customer value at risk on the regretted exits of well-liked leavers")
	}
	// Believable: the order of the other costs of those exits, not a fortune.
	if atRisk > 5*rest {
		t.Errorf("value at risk %s against %s of other costs: implausibly large", atRisk, rest)
	}
}

// bondOfExit is the bond of the exit that ended spell sp, if it has one.
func bondOfExit(w *world, sp *fresco.Spell) (bond, bool) {
	if sp.LeftOn == nil || !sp.Regretted {
		return bond{}, false
	}
	for _, b := range w.bonds {
		if b.leaver.ID == sp.EmployeeID && b.exit.Equal(sp.LeftOn.AddDate(0, 0, 1)) {
			return b, true
		}
	}
	return bond{}, false
}

// regularsLapse counts the customers the leaver mostly served — two or
// more purchases at the location in the year before the exit, at least
// half of them served by the leaver — and those of them who bought nothing
// in the lapse window after it; expected is how many would have lapsed at
// the rate of the stayers' customers who bought as often (1, 2–3, 4+
// times: the strata of the method, cost.go).
func regularsLapse(t *testing.T, db *store.DB, w *world, b bond, sp *fresco.Spell, lapseDays int) (n, lapsed, expected float64) {
	t.Helper()
	exit := b.exit
	lapseEnd := exit.AddDate(0, 0, lapseDays)
	if lapseEnd.After(w.end) {
		lapseEnd = w.end
	}
	served, err := db.ServedCustomers(context.Background(), store.ServedQuery{
		Leaver: sp.EmployeeID, LocationID: sp.LocationID, From: exit.AddDate(0, 0, -people.ServiceWindow), Exit: exit,
		LapseEnd: lapseEnd, StayersFrom: sp.LeftOn.AddDate(0, 0, -people.ServiceWindow), StayersTo: sp.LeftOn.AddDate(0, 0, lapseDays),
	})
	if err != nil {
		t.Fatal(err)
	}
	stratum := func(purchases int) int { return min(purchases, 4) / 2 } // 1 → 0, 2–3 → 1, 4+ → 2
	var base, baseLapsed [3]float64
	for _, c := range served {
		if c.ByStayer && !c.ByLeaver {
			k := stratum(c.Purchases)
			base[k]++
			if c.After == 0 {
				baseLapsed[k]++
			}
		}
	}
	// Who served each customer's purchases at the location in the window,
	// as drawn (the stored ones after the exit went to a replacement).
	byLeaver, all := map[int64]int{}, map[int64]int{}
	from := exit.AddDate(0, 0, -people.ServiceWindow)
	for _, pu := range w.purchases {
		if pu.CustomerID == nil || *pu.LocationID != *sp.LocationID || pu.PurchasedAt.Before(from) || !pu.PurchasedAt.Before(exit) {
			continue
		}
		all[*pu.CustomerID]++
		if pu.ServedBy != nil && *pu.ServedBy == sp.EmployeeID {
			byLeaver[*pu.CustomerID]++
		}
	}
	for _, c := range served {
		if all[c.CustomerID] < 2 || 2*byLeaver[c.CustomerID] <= all[c.CustomerID] {
			continue
		}
		k := stratum(c.Purchases)
		if base[k] == 0 {
			t.Fatalf("employee %d: no stayers' customers who bought as often as customer %d", sp.EmployeeID, c.CustomerID)
		}
		n++
		expected += baseLapsed[k] / base[k]
		if c.After == 0 {
			lapsed++
		}
	}
	return n, lapsed, expected
}
