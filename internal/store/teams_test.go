package store_test

import (
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestTeamLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		loc := &fresco.Location{Name: "Leeds"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		boss := &fresco.Employee{Email: "boss@example.com", Name: "Boss", Role: fresco.RoleManager, Active: true}
		if err := db.CreateEmployee(ctx, boss); err != nil {
			t.Fatal(err)
		}
		support := &fresco.Team{Name: "Support", LocationID: &loc.ID, ManagerID: &boss.ID}
		if err := db.CreateTeam(ctx, support); err != nil {
			t.Fatal(err)
		}
		sales := &fresco.Team{Name: "Sales"}
		if err := db.CreateTeam(ctx, sales); err != nil {
			t.Fatal(err)
		}
		got, err := db.Team(ctx, support.ID)
		if err != nil || got.Name != "Support" || got.LocationID == nil || *got.LocationID != loc.ID ||
			got.ManagerID == nil || *got.ManagerID != boss.ID || !got.CreatedAt.Equal(support.CreatedAt) {
			t.Fatalf("read back %+v %v", got, err)
		}
		wantConflict(t, db.CreateTeam(ctx, &fresco.Team{Name: "Support"}), "name")

		missing := int64(999)
		err = db.CreateTeam(ctx, &fresco.Team{Name: "Ghosts", LocationID: &missing, ManagerID: &missing})
		wantFieldError(t, err, fresco.EINVALID, "location_id")
		wantFieldError(t, err, fresco.EINVALID, "manager_id")
		sales.ManagerID = &missing
		wantFieldError(t, db.UpdateTeam(ctx, sales), fresco.EINVALID, "manager_id")

		sales.ManagerID, sales.Name = &boss.ID, "Field sales"
		if err := db.UpdateTeam(ctx, sales); err != nil {
			t.Fatal(err)
		}
		sales.Name = "Support"
		wantConflict(t, db.UpdateTeam(ctx, sales), "name")
		wantCode(t, fresco.ENOTFOUND, errOf(db.Team(ctx, 999)))
		wantCode(t, fresco.ENOTFOUND, db.UpdateTeam(ctx, &fresco.Team{ID: 999, Name: "X"}))

		teams, err := db.ListTeams(ctx)
		if err != nil || len(teams) != 2 || teams[0].Name != "Field sales" || teams[1].Name != "Support" {
			t.Fatalf("list: %v %v", teams, err)
		}
	})
}

// TestTeamVersion checks that an update moves a team's version and that a
// stale update writes nothing.
func TestTeamVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		team := &fresco.Team{Name: "Desk"}
		if err := db.CreateTeam(ctx, team); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, team.Version, 1)
		stale := *team
		team.Name = "Front desk"
		if err := db.UpdateTeamIfVersion(ctx, team, 1); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, team.Version, 2)
		stale.Name = "Lost update"
		wantCode(t, fresco.ESTALE, db.UpdateTeamIfVersion(ctx, &stale, 1))
		if got, _ := db.Team(ctx, team.ID); got.Name != "Front desk" || got.Version != 2 {
			t.Fatalf("stored %+v", got)
		}
	})
}
