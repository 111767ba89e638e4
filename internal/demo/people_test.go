package demo

import (
	"context"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// demoReplacements is how many people the demo hires to replace leavers
// (exitPlans without a rehire, when each finds a leaver).
const demoReplacements = 6

// The demo's people records: Seaside Hotel guest services churns in the
// second year (regretted exits for workload and the manager, a replacement
// who leaves too, fewer trainings) while the other teams stay healthy; one
// leaver is rehired; nobody serves a purchase after their last day.
func TestDemoPeople(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w, err := generate(ctx, db, Options{Seed: 3, Customers: 400, End: testEnd})
		if err != nil {
			t.Fatal(err)
		}
		if got := count(t, db, `SELECT COUNT(*) FROM employees`); got != 24+demoReplacements {
			t.Errorf("%d employees, want %d", got, 24+demoReplacements)
		}
		seaside, city := w.sites[seasideHotel], w.sites[cityHotel]
		mid := w.at(0.5).Format(time.DateOnly)
		leftIn := func(team int64, second bool) int {
			op := "<"
			if second {
				op = ">="
			}
			return count(t, db, `SELECT COUNT(*) FROM employment_spells WHERE team_id = ? AND left_on IS NOT NULL AND left_on `+op+` ?`, team, mid)
		}
		if first, second := leftIn(seaside.team.ID, false), leftIn(seaside.team.ID, true); first != 0 || second < 3 {
			t.Errorf("Seaside leavers: %d in the first year, %d in the second; want none, then several", first, second)
		}
		for _, s := range w.sites {
			if s.key != seasideHotel && leftIn(s.team.ID, true) > 1 {
				t.Errorf("%s: %d leavers in the second year", s.team.Name, leftIn(s.team.ID, true))
			}
		}
		if n := count(t, db, `SELECT COUNT(*) FROM employment_spells WHERE team_id = ? AND regretted AND reason IN ('workload', 'manager')`, seaside.team.ID); n < 3 {
			t.Errorf("%d regretted Seaside exits for workload or the manager, want at least 3", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM (SELECT employee_id FROM employment_spells GROUP BY employee_id HAVING COUNT(*) > 1) x`); n != 1 {
			t.Errorf("%d rehired employees, want 1", n)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM employment_spells s JOIN employees e ON e.id = s.employee_id
			WHERE s.left_on IS NULL AND NOT e.active`); n != 0 {
			t.Errorf("%d employees in an open spell with their login off", n)
		}
		spells, err := db.SpellsOverlapping(ctx, w.start, w.end)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range spells {
			if sp.LeftOn == nil {
				continue
			}
			until := w.end.Add(time.Hour)
			for _, next := range spells {
				if next.EmployeeID == sp.EmployeeID && next.StartedOn.After(*sp.LeftOn) {
					until = next.StartedOn
				}
			}
			if n := count(t, db, `SELECT COUNT(*) FROM purchases WHERE served_by = ? AND purchased_at >= ? AND purchased_at < ?`,
				sp.EmployeeID, sp.LeftOn.AddDate(0, 0, 1), until); n > 0 {
				t.Errorf("employee %d served %d purchases after their last day %s", sp.EmployeeID, n, sp.LeftOn.Format(time.DateOnly))
			}
		}
		trainingsPerHead := func(s *site, from, to string) float64 {
			return float64(count(t, db, `SELECT COUNT(*) FROM employee_trainings tr JOIN employees e ON e.id = tr.employee_id
				WHERE e.team_id = ? AND tr.taken_on >= ? AND tr.taken_on < ?`, s.team.ID, from, to)) / float64(len(s.staff))
		}
		start, end := w.start.Format(time.DateOnly), w.end.Format(time.DateOnly)
		if a, b := trainingsPerHead(seaside, mid, end), trainingsPerHead(city, mid, end); a >= b/2 {
			t.Errorf("second-year trainings per head: Seaside %.1f, City Hotel %.1f; want Seaside well below", a, b)
		}
		if a := trainingsPerHead(seaside, start, mid); a < 1 {
			t.Errorf("first-year Seaside trainings per head %.1f, want the team trained as the others", a)
		}

		// The retention series the chain will read shows it too.
		svc := people.New(db, nil, func() time.Time { return testEnd })
		cells, err := svc.Retention(ctx, people.ByTeam, w.at(0.5), w.end)
		if err != nil {
			t.Fatal(err)
		}
		leavers := map[string]int{}
		for _, c := range cells {
			leavers[c.Unit.Name] += c.Leavers
		}
		if leavers[seaside.team.Name] < 3 || leavers[seaside.team.Name] <= leavers[city.team.Name] {
			t.Errorf("second-year leavers by team: %v", leavers)
		}
	})
}
