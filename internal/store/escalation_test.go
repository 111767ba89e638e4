package store_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestEscalationLadder pins who each use of the escalation ladder reaches:
// a location climbs team managers, managers, owners; an employee's
// follow-up climbs their own team manager, the location's managers, owners,
// never reaching the employee; the digest takes each location's managers.
func TestEscalationLadder(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		newLocation := func(name string) *int64 {
			l := &fresco.Location{Name: name, Timezone: "UTC"}
			if err := db.CreateLocation(ctx, l); err != nil {
				t.Fatal(err)
			}
			return &l.ID
		}
		shop, teamless, empty := newLocation("Shop"), newLocation("Teamless"), newLocation("Empty")
		n := 0
		newEmployee := func(role fresco.Role, loc *int64, active bool) int64 {
			n++
			e := &fresco.Employee{Name: fmt.Sprint("E", n), Email: fmt.Sprintf("e%d@example.com", n), Role: role,
				LocationID: loc, Active: active}
			if err := db.CreateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
			return e.ID
		}
		owner := newEmployee(fresco.RoleOwner, nil, true)
		newEmployee(fresco.RoleOwner, nil, false)
		shopManager := newEmployee(fresco.RoleManager, shop, true)
		newEmployee(fresco.RoleManager, shop, false)
		teamlessManager := newEmployee(fresco.RoleManager, teamless, true)
		lead := newEmployee(fresco.RoleAgent, nil, true) // manages a team at the shop without being a manager there
		team := &fresco.Team{Name: "Floor", LocationID: shop, ManagerID: &lead}
		if err := db.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		member := newEmployee(fresco.RoleAgent, shop, true)
		e, err := db.Employee(ctx, member)
		if err != nil {
			t.Fatal(err)
		}
		e.TeamID = &team.ID
		if err := db.UpdateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		loner := newEmployee(fresco.RoleAgent, shop, true)

		err = db.InTx(ctx, func(tx *store.Tx) error {
			for _, c := range []struct {
				location *int64
				want     []int64
			}{{shop, []int64{lead}}, {teamless, []int64{teamlessManager}}, {empty, []int64{owner}}, {nil, []int64{owner}}} {
				got, err := tx.LocationManagers(ctx, c.location)
				if err != nil {
					return err
				}
				if !slices.Equal(got, c.want) {
					t.Errorf("LocationManagers(%v) = %v, want %v", c.location, got, c.want)
				}
			}
			for _, c := range []struct {
				name               string
				employee, location *int64
				want               *int64
			}{
				{"team member: their team's manager", &member, nil, &lead},
				{"no team: the manager of their location", &loner, nil, &shopManager},
				{"nobody served: the location's manager", nil, shop, &shopManager},
				{"the location's manager: an owner", &shopManager, nil, &owner},
				{"the only active owner: nobody", &owner, nil, nil},
			} {
				got, err := tx.ManagerOf(ctx, c.employee, c.location)
				if err != nil {
					return err
				}
				if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
					t.Errorf("%s: ManagerOf = %v, want %v", c.name, deref(got), deref(c.want))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		byLocation, err := db.ManagersByLocation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64][]int64{*shop: {shopManager}, *teamless: {teamlessManager}}
		if !maps.EqualFunc(byLocation, want, slices.Equal) {
			t.Errorf("ManagersByLocation = %v, want %v", byLocation, want)
		}
	})
}

func deref(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}
