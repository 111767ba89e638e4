package rewards

import (
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

func TestJudge(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		r      Result
		target float64
		want   Verdict
	}{
		{Result{N: 20, Percent: 90, CILow: 69.9, CIHigh: 97.2}, 60, Met},
		{Result{N: 20, Percent: 90, CILow: 69.9, CIHigh: 97.2}, 69.9, Met}, // the bound itself reaches the target
		{Result{N: 15, Percent: 66.7, CILow: 41.7, CIHigh: 84.8}, 90, NotMet},
		{Result{N: 16, Percent: 62.5, CILow: 38.6, CIHigh: 81.5}, 50, CantTell},
		{Result{N: 9, Hidden: true}, 0, CantTell}, // too few, even for a target of 0
	} {
		if got := Judge(c.r, c.target); got != c.want {
			t.Errorf("Judge(%+v, %v) = %s, want %s", c.r, c.target, got, c.want)
		}
	}
}

// TestCountSettlesChancesOnlyOnceDecided: a case resolved 100 days ago is
// settled (recovered within 90 days or not), one resolved 10 days ago is
// pending even if the customer already came back; a follow-up not yet due
// is pending even if closed.
func TestCountSettlesChancesOnlyOnceDecided(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC)
	at := func(daysAgo int) *time.Time { x := now.AddDate(0, 0, -daysAgo); return &x }
	nps := func(n int) *int { return &n }
	f := Facts{
		Cases: []store.CaseOutcome{
			{EmployeeID: 1, ResolvedAt: *at(100), NextPurchaseAt: at(80), NextNPS: nps(9)}, // recovered, promoter
			{EmployeeID: 1, ResolvedAt: *at(100), NextPurchaseAt: at(5), NextNPS: nps(8)},  // bought after 95 days: not recovered
			{EmployeeID: 1, ResolvedAt: *at(10), NextPurchaseAt: at(5)},                    // pending
		},
		Due: []store.DueItem{
			{EmployeeID: 1, DueAt: *at(3), ClosedAt: at(4)},  // in time
			{EmployeeID: 1, DueAt: *at(3), ClosedAt: at(1)},  // late
			{EmployeeID: 1, DueAt: *at(3)},                   // never closed
			{EmployeeID: 1, DueAt: *at(-2), ClosedAt: at(1)}, // not due yet: pending
		},
		Served:   []store.ServedCount{{EmployeeID: 1, Settled: 4, Retained: 3, Pending: 2}},
		Comments: []store.CommentCount{{EmployeeID: 1, Comments: 5, KindComments: 4}},
	}
	got := Count([]int64{1, 2}, f, now, DefaultWindow)
	want := map[fresco.Measure]Tally{
		fresco.MeasureRecovered:          {N: 2, Count: 1, Pending: 1},
		fresco.MeasurePromotersAfterCase: {N: 2, Count: 1},
		fresco.MeasureFollowUpsInTime:    {N: 3, Count: 1, Pending: 1},
		fresco.MeasureRetention:          {N: 4, Count: 3, Pending: 2},
		fresco.MeasureKindWords:          {N: 5, Count: 4},
	}
	for m, w := range want {
		if *got[1][m] != w {
			t.Errorf("%s = %+v, want %+v", m, *got[1][m], w)
		}
		if *got[2][m] != (Tally{}) {
			t.Errorf("employee 2 without facts has %s %+v", m, *got[2][m])
		}
	}
	team := Sum(got[1], got[1])
	if r := team[fresco.MeasureKindWords]; *r != (Tally{N: 10, Count: 8}) {
		t.Errorf("team kind words %+v", *r)
	}
	res := Results(team)
	if k := Of(res, fresco.MeasureKindWords); k.Hidden || k.Percent != 80 {
		t.Errorf("kind words 8 of 10 = %+v", k)
	}
	if r := Of(res, fresco.MeasureRecovered); !r.Hidden || r.Percent != 0 || r.CILow != 0 {
		t.Errorf("recovered 2 of 4 is shown: %+v", r)
	}
}

func TestRankMembersTiesAndHides(t *testing.T) {
	t.Parallel()
	row := func(name string, count, n int) MemberRow {
		tl := newTallies()
		*tl[fresco.MeasureRetention] = Tally{N: n, Count: count}
		return MemberRow{Employee: &fresco.Employee{Name: name}, Results: Results(tl)}
	}
	// 19 of 20 [76, 99] and 10 of 10 [72, 100] overlap; 2 of 20 [3, 30]
	// is apart; 3 of 5 is too few.
	members := []MemberRow{row("Cleo", 2, 20), row("Dan", 3, 5), row("Bea", 10, 10), row("Ana", 19, 20)}
	rankMembers(members, fresco.MeasureRetention)
	var got []string
	for _, m := range members {
		got = append(got, m.Employee.Name)
		switch m.Employee.Name {
		case "Ana", "Bea":
			if m.Rank != 1 || !m.Tied {
				t.Errorf("%s: rank %d tied %v, want a shared 1", m.Employee.Name, m.Rank, m.Tied)
			}
		case "Cleo":
			if m.Rank != 3 || m.Tied {
				t.Errorf("Cleo: rank %d tied %v, want 3 alone", m.Rank, m.Tied)
			}
		case "Dan":
			if m.Rank != 0 {
				t.Errorf("Dan (n 5) ranked %d", m.Rank)
			}
		}
	}
	// Inside the tie by name (Ana before Bea, whatever their shares), the
	// hidden last.
	if want := "Ana Bea Cleo Dan"; strings.Join(got, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(got, " "), want)
	}
}
