package staff_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
)

// entry is an audit record as these tests compare it: without its time.
type entry struct {
	Actor, Action, Detail string
}

// recorded lists the audit records of one entity, oldest first, with each
// detail re-encoded with sorted keys.
func recorded(t *testing.T, db *store.DB, entity string, id int64) []entry {
	t.Helper()
	list, err := db.ListAudit(context.Background(), entity, fmt.Sprint(id), 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]entry, len(list))
	for i, e := range list {
		var d any
		if err := json.Unmarshal(e.Detail, &d); err != nil {
			t.Fatalf("audit detail %s: %v", e.Detail, err)
		}
		b, _ := json.Marshal(d)
		out[len(list)-1-i] = entry{e.Actor, e.Action, string(b)}
	}
	return out
}

func wantRecords(t *testing.T, what string, got []entry, want ...entry) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("%s: audit %v, want %v", what, got, want)
	}
}

// countAudit counts every audit record of an entity.
func countAudit(t *testing.T, db *store.DB, entity string) int {
	t.Helper()
	list, err := db.ListAudit(context.Background(), entity, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

var manager = staff.Actor{Ref: "employee:7", Role: fresco.RoleManager}

// A location's creation and each change are recorded with their actor and
// the name, in the change's transaction: a change refused (invalid, stale,
// unknown) leaves no record.
func TestLocationChangesAreAudited(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service) {
		l := &fresco.Location{Name: "High Street", Address: "1 High St"}
		if err := svc.CreateLocation(ctx, manager, l); err != nil {
			t.Fatal(err)
		}
		if l.ID == 0 || l.Timezone != "UTC" || l.Version != 1 {
			t.Errorf("created %+v", l)
		}
		l.Name = "Market Square"
		if err := svc.UpdateLocation(ctx, manager, l, 1); err != nil {
			t.Fatal(err)
		}
		if stored, err := db.Location(ctx, l.ID); err != nil || stored.Name != "Market Square" || stored.Version != 2 {
			t.Errorf("stored %+v, %v", stored, err)
		}
		create := entry{"employee:7", "create", `{"name":"High Street"}`}
		update := entry{"employee:7", "update", `{"name":"Market Square"}`}
		wantRecords(t, "after create and update", recorded(t, db, "location", l.ID), create, update)

		stale := *l
		stale.Name = "Stale"
		if err := svc.UpdateLocation(ctx, manager, &stale, 1); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Errorf("stale update: %v, want ESTALE", err)
		}
		invalid := *l
		invalid.Name = ""
		if err := svc.UpdateLocation(ctx, manager, &invalid, store.AnyVersion); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("nameless update: %v, want EINVALID", err)
		}
		if err := svc.UpdateLocation(ctx, manager, &fresco.Location{ID: 999, Name: "Nowhere"}, store.AnyVersion); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("unknown location: %v, want ENOTFOUND", err)
		}
		if err := svc.CreateLocation(ctx, manager, &fresco.Location{Name: "Bad zone", Timezone: "Mars/Olympus"}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("bad time zone: %v, want EINVALID", err)
		}
		wantRecords(t, "after refused changes", recorded(t, db, "location", l.ID), create, update)
		if n := countAudit(t, db, "location"); n != 2 {
			t.Errorf("%d location records, want 2", n)
		}
	})
}

// A team's creation and changes are audited alike; a team naming a manager
// who does not exist is refused and leaves no record.
func TestTeamChangesAreAudited(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service) {
		boss := person(t, svc, "boss@example.com", fresco.RoleManager)
		team := &fresco.Team{Name: "Floor", ManagerID: &boss.ID}
		if err := svc.CreateTeam(ctx, staff.CLI, team); err != nil {
			t.Fatal(err)
		}
		team.Name = "Kitchen"
		if err := svc.UpdateTeam(ctx, manager, team, team.Version); err != nil {
			t.Fatal(err)
		}
		wantRecords(t, "team", recorded(t, db, "team", team.ID),
			entry{"cli", "create", `{"name":"Floor"}`}, entry{"employee:7", "update", `{"name":"Kitchen"}`})

		ghost := int64(999)
		if err := svc.CreateTeam(ctx, manager, &fresco.Team{Name: "Ghosts", ManagerID: &ghost}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("unknown manager: %v, want EINVALID", err)
		}
		if err := svc.UpdateTeam(ctx, manager, &fresco.Team{ID: team.ID, Name: "Old"}, 1); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Errorf("stale update: %v, want ESTALE", err)
		}
		if n := countAudit(t, db, "team"); n != 2 {
			t.Errorf("%d team records, want 2", n)
		}
	})
}

// An API token is issued with its secret shown once, recorded by name and
// role (never the secret), and revoked with a record; bad input names the
// field and writes nothing.
func TestTokensAreAudited(t *testing.T) {
	t.Parallel()
	eachService(t, func(t *testing.T, ctx context.Context, db *store.DB, svc *staff.Service) {
		secret, tok, err := svc.CreateToken(ctx, staff.CLI, "  Nightly export  ", fresco.RoleAnalyst)
		if err != nil {
			t.Fatal(err)
		}
		if secret == "" || tok.Name != "Nightly export" || tok.Role != fresco.RoleAnalyst {
			t.Errorf("created %+v with secret %q", tok, secret)
		}
		if err := svc.RevokeToken(ctx, manager, tok.ID); err != nil {
			t.Fatal(err)
		}
		got := recorded(t, db, "api_token", tok.ID)
		wantRecords(t, "token", got,
			entry{"cli", "create", `{"name":"Nightly export","role":"analyst"}`}, entry{"employee:7", "revoke", `{}`})
		for _, e := range got {
			if strings.Contains(e.Detail, secret) {
				t.Errorf("the secret is in the audit log: %v", e)
			}
		}

		for field, call := range map[string]func() error{
			"name": func() error { _, _, err := svc.CreateToken(ctx, staff.CLI, " ", fresco.RoleAgent); return err },
			"role": func() error { _, _, err := svc.CreateToken(ctx, staff.CLI, "Root", "root"); return err },
		} {
			if err := call(); !hasField(err, field) {
				t.Errorf("bad %s: %v, want EINVALID naming it", field, err)
			}
		}
		if err := svc.RevokeToken(ctx, manager, 999); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("unknown token: %v, want ENOTFOUND", err)
		}
		if n := countAudit(t, db, "api_token"); n != 2 {
			t.Errorf("%d token records, want 2", n)
		}
	})
}

func hasField(err error, field string) bool {
	if fresco.ErrorCode(err) != fresco.EINVALID {
		return false
	}
	for _, fe := range fresco.ErrorFields(err) {
		if fe.Field == field {
			return true
		}
	}
	return false
}
