package chain_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestMediocrityAlert: two teams of eight agents, hired in 2022, each with
// a manager. Through 2024 both lose almost nobody (Steady loses one, in
// 2024-Q2) and their customers' NPS is +80 every quarter (8 nines and 2
// sevens in 10 answers). In 2025-Q1 Declining loses four of its eight and
// its NPS falls to −60 (4 nines and 16 threes in 20 answers); Steady loses
// one more and keeps its +80.
//
// Declining: turnover 4/8 against 0/32 the year before (Agresti–Caffo
// z ≈ 2.9) and NPS +80 → −60: the alert. Steady: 1/8 against 1/32
// (z ≈ 1.1): no alert. Checked in April 2025 and again in July (when
// 2025-Q1 is the older of the two quarters looked at), it fires once.
func TestMediocrityAlert(t *testing.T) { mediocrityAlert(t, chain.ByTeam) }

// TestMediocrityAlertForLocations: the same business as two locations of
// eight agents each, with a location manager (and no teams); the answers
// name the location. Declining alerts once, to its managers and the
// owner; Steady does not.
func TestMediocrityAlertForLocations(t *testing.T) { mediocrityAlert(t, chain.ByLocation) }

func mediocrityAlert(t *testing.T, by string) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a := apptest.New(t, db)
		hired := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
		employee := func(email string, role fresco.Role, team, location *int64) *fresco.Employee {
			e := &fresco.Employee{Email: email, Name: email, Role: role, Active: true, HiredAt: &hired, TeamID: team, LocationID: location}
			if err := db.CreateEmployee(ctx, e); err != nil {
				t.Fatal(err)
			}
			return e
		}
		owner := employee("owner@example.com", fresco.RoleOwner, nil, nil)
		actor := people.Actor{Ref: "test", Role: fresco.RoleOwner}
		type unit struct {
			id      int64
			manager *fresco.Employee
			server  int64
		}
		// newUnit makes a team with its manager, or a location with a
		// manager of its own; it returns the unit and where its agents go.
		newUnit := func(name string) (u unit, team, location *int64) {
			if by == chain.ByLocation {
				l := &fresco.Location{Name: name, Timezone: "UTC"}
				if err := db.CreateLocation(ctx, l); err != nil {
					t.Fatal(err)
				}
				u.manager = employee(strings.ToLower(name)+"-manager@example.com", fresco.RoleManager, nil, &l.ID)
				u.id = l.ID
				return u, nil, &l.ID
			}
			u.manager = employee(strings.ToLower(name)+"-manager@example.com", fresco.RoleManager, nil, nil)
			tm := &fresco.Team{Name: name, ManagerID: &u.manager.ID}
			if err := db.CreateTeam(ctx, tm); err != nil {
				t.Fatal(err)
			}
			u.id = tm.ID
			return u, &tm.ID, nil
		}
		build := func(name string, leftIn2025 int, leftIn2024 int, q1 []int) unit {
			out, team, location := newUnit(name)
			for i := range 8 {
				e := employee(fmt.Sprintf("%s-%d@example.com", strings.ToLower(name), i), fresco.RoleAgent, team, location)
				var left time.Time
				switch {
				case i < leftIn2025:
					left = time.Date(2025, 2, 10, 0, 0, 0, 0, time.UTC)
				case i < leftIn2025+leftIn2024:
					left = time.Date(2024, 5, 10, 0, 0, 0, 0, time.UTC)
				}
				if !left.IsZero() {
					if _, err := a.People.RecordExit(ctx, actor, e.ID, fresco.Exit{LeftOn: left, Reason: "workload", Regretted: true}); err != nil {
						t.Fatal(err)
					}
				}
				out.server = e.ID
			}
			answer := func(at time.Time, score int) {
				if _, err := a.Feedback.Record(ctx, &feedback.Input{EmployeeID: &out.server, LocationID: location, RespondedAt: at,
					Answers: []feedback.AnswerInput{{Type: feedback.TypeNPS, Score: &score}}}); err != nil {
					t.Fatal(err)
				}
			}
			for q := range 4 { // 2024: +80 a quarter
				for k := range 10 {
					score := 9
					if k >= 8 {
						score = 7
					}
					answer(time.Date(2024, time.Month(3*q+2), 1+k, 12, 0, 0, 0, time.UTC), score)
				}
			}
			for k, score := range q1 {
				answer(time.Date(2025, 2, 1+k, 12, 0, 0, 0, time.UTC), score)
			}
			return out
		}
		var worse, same []int
		for k := range 20 {
			if k < 4 {
				worse = append(worse, 9)
			} else {
				worse = append(worse, 3)
			}
			if k%10 < 8 {
				same = append(same, 9)
			} else {
				same = append(same, 7)
			}
		}
		declining := build("Declining", 4, 0, worse)
		steady := build("Steady", 1, 1, same)

		notes := func(employee int64) int {
			var n int
			if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE event = 'people.mediocrity_cycle' AND employee_id = ?`,
				employee).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		april := time.Date(2025, 4, 15, 6, 30, 0, 0, time.UTC)
		raised, err := a.Chain.CheckMediocrity(ctx, april)
		if err != nil {
			t.Fatal(err)
		}
		if len(raised) != 1 || raised[0].Unit.ID != declining.id || raised[0].Unit.Kind != by || raised[0].Period != "2025-Q1" {
			t.Fatalf("raised %+v, want Declining in 2025-Q1 only", raised)
		}
		al := raised[0]
		heads := 8 // a team's agents; a location's manager works there too
		if by == chain.ByLocation {
			heads = 9
		}
		pct := 400 / float64(heads)
		if math.Abs(al.Turnover.After-pct) > 1e-9 || al.Turnover.Before != 0 || al.Turnover.NBefore != 4*heads || al.Turnover.NAfter != heads || !al.Turnover.Significant {
			t.Errorf("turnover %+v, want 0%% of %d → %.1f%% of %d, significant", al.Turnover, 4*heads, pct, heads)
		}
		if al.NPS == nil || al.NPS.Before != 80 || al.NPS.After != -60 || al.NPS.Period != "2025-Q1" {
			t.Errorf("NPS %+v, want +80 → −60 in 2025-Q1", al.NPS)
		}
		if notes(declining.manager.ID) != 1 || notes(owner.ID) != 1 {
			t.Errorf("notifications: manager %d, owner %d; want one each", notes(declining.manager.ID), notes(owner.ID))
		}
		if notes(steady.manager.ID) != 0 {
			t.Errorf("the steady team's manager was told %d times", notes(steady.manager.ID))
		}
		var body string
		if err := db.QueryRow(ctx, `SELECT body FROM notifications WHERE employee_id = ?`, owner.ID).Scan(&body); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{fmt.Sprintf("%.0f%%", pct), fmt.Sprintf("4 of %d", heads), "+80", "−60", "NPS in Jan–Mar 2025"} {
			if !strings.Contains(body, want) {
				t.Errorf("the notification %q does not give %s", body, want)
			}
		}
		// Again the same day, and in July when 2025-Q1 is looked at as
		// the older quarter: nothing new.
		for _, at := range []time.Time{april, time.Date(2025, 7, 15, 6, 30, 0, 0, time.UTC)} {
			again, err := a.Chain.CheckMediocrity(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			if len(again) != 0 {
				t.Errorf("checked on %s: raised %+v again", at.Format(time.DateOnly), again)
			}
		}
		if notes(declining.manager.ID) != 1 || notes(owner.ID) != 1 {
			t.Errorf("after the re-checks: manager %d, owner %d notifications; want still one each", notes(declining.manager.ID), notes(owner.ID))
		}
		// The finding is still there to see, recorded once.
		found, err := a.Chain.Mediocrity(ctx, april)
		if err != nil || len(found) != 1 {
			t.Errorf("Mediocrity = %+v, %v; want Declining", found, err)
		}
		alerts, err := db.MediocrityAlerts(ctx)
		if err != nil || len(alerts) != 1 || alerts[0].UnitID != declining.id || alerts[0].UnitKind != by {
			t.Errorf("stored alerts %+v, %v", alerts, err)
		}
	})
}
