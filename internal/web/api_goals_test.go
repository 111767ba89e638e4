package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/web"
)

// goalsMatrix: everyone reads goals, owners and managers set them. The
// matrix runs the roles least powerful first, so the manager's create is
// goal 1, which the reads and the change then find; the delete names a
// goal that does not exist, so every allowed role gets the same 404.
func goalsMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	return []endpoint{
		{"POST", "/api/v1/goals", fixed(`{"metric":"nps","scope":"all","target":30}`), 201, managers},
		{"GET", "/api/v1/goals", none, 200, everyone},
		{"GET", "/api/v1/goals/progress", none, 200, everyone},
		{"GET", "/api/v1/goals/1", none, 200, everyone},
		{"PATCH", "/api/v1/goals/1", fixed(`{"target":35}`), 200, managers},
		{"DELETE", "/api/v1/goals/999999", none, 404, managers},
	}
}

// TestGoalsAPIValidation: every bad field is named, and nothing is stored.
func TestGoalsAPIValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		for _, tc := range []struct{ body, field string }{
			{`{"metric":"happiness","scope":"all","target":30}`, "metric"},
			{`{"metric":"nps","scope":"galaxy","target":30}`, "scope"},
			{`{"metric":"nps","scope":"all"}`, "target"},
			{`{"metric":"nps","scope":"all","target":130}`, "target"},
			{`{"metric":"ces","scope":"all","target":9}`, "target"},
			{`{"metric":"nps","scope":"location","target":30}`, "location_id"},
			{`{"metric":"nps","scope":"location","location_id":999999,"target":30}`, "location_id"},
			{`{"metric":"nps","scope":"team","team_id":999999,"target":30}`, "team_id"},
			{fmt.Sprintf(`{"metric":"nps","scope":"all","team_id":%d,"target":30}`, s.team), "team_id"},
			{`{"metric":"nps","scope":"segment","target":30}`, "segment"},
			{`{"metric":"pulse_satisfaction","scope":"segment","segment":"repeat","target":4}`, "scope"},
			{`{"metric":"nps","scope":"all","target":30,"direction":"sideways"}`, "direction"},
			{`{"metric":"nps","scope":"all","target":30,"period":"decade"}`, "period"},
			{`{"metric":"nps","scope":"all","target":30,"period":"fixed","ends_on":"2025-01-31"}`, "starts_on"},
			{`{"metric":"nps","scope":"all","target":30,"period":"fixed","starts_on":"2025-02-01","ends_on":"2025-01-31"}`, "ends_on"},
			{`{"metric":"nps","scope":"all","target":30,"period":"fixed","starts_on":"someday","ends_on":"2025-01-31"}`, "starts_on"},
			{`{"metric":"nps","scope":"all","target":30,"period":"month","starts_on":"2025-01-01"}`, "starts_on"},
		} {
			res := f.do(request{method: "POST", path: "/api/v1/goals", role: fresco.RoleOwner, body: tc.body})
			if res.Code != http.StatusUnprocessableEntity {
				t.Errorf("%s: %s, want 422", tc.body, res)
				continue
			}
			if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body."+tc.field] == "" {
				t.Errorf("%s: fields %v, want %s named", tc.body, fields, tc.field)
			}
		}
		if list := f.call(fresco.RoleOwner, "GET", "/api/v1/goals", nil, 200); len(list["items"].([]any)) != 0 {
			t.Fatalf("bad goals were stored: %v", list)
		}
		// A good one, then a bad change of it: 422 naming the field, and the goal as it was.
		g := f.call(fresco.RoleOwner, "POST", "/api/v1/goals", fmt.Sprintf(`{"metric":"followup_closure_hours","scope":"location","location_id":%d,"target":24}`, s.location), 201)
		if g["direction"] != "at_most" || g["period"] != "month" || g["name"] != "Hours to close a follow-up at most 24" {
			t.Errorf("defaults: %v", g)
		}
		path := fmt.Sprintf("/api/v1/goals/%d", id(t, g))
		res := f.do(request{method: "PATCH", path: path, role: fresco.RoleOwner, body: `{"scope":"team"}`})
		if fields := problem(t, res, http.StatusUnprocessableEntity); fields["body.team_id"] == "" {
			t.Errorf("scope team without team_id: %v", fields)
		}
		res = f.do(request{method: "PATCH", path: path, role: fresco.RoleOwner, body: `{"target":30}`, header: http.Header{"If-Match": {`"7"`}}})
		if fields := problem(t, res, http.StatusPreconditionFailed); fields["header.If-Match"] == "" {
			t.Errorf("stale If-Match: %v", fields)
		}
		if got := f.call(fresco.RoleOwner, "GET", path, nil, 200); got["scope"] != "location" || got["target"] != 24.0 || got["version"] != 1.0 {
			t.Errorf("after refused changes: %v", got)
		}
		changed := f.call(fresco.RoleOwner, "PATCH", path, fmt.Sprintf(`{"scope":"team","team_id":%d,"target":12}`, s.team), 200)
		if changed["scope"] != "team" || changed["location_id"] != nil || changed["target"] != 12.0 || changed["version"] != 2.0 {
			t.Errorf("changed: %v", changed)
		}
		f.call(fresco.RoleOwner, "DELETE", path, nil, 204)
		f.call(fresco.RoleOwner, "GET", path, nil, 404)
	})
}

// goalWorld is a business with answers, follow-ups and a pulse in
// February 2025, the clock on 10 March (the pulse of February closed).
type goalWorld struct {
	*pulseWorld
	north, south, alpha, beta, gamma int64
}

func newGoalWorld(t *testing.T, db *store.DB) *goalWorld {
	w := &goalWorld{pulseWorld: newPulseWorld(t, db)}
	w.north, w.south = w.location(t, "North"), w.location(t, "South")
	w.alpha, w.beta, w.gamma = w.team(t, "Alpha", &w.north), w.team(t, "Beta", &w.north), w.team(t, "Gamma", &w.north)
	w.hire(t, "alpha", 6, &w.alpha, &w.north)
	w.hire(t, "beta", 5, &w.beta, &w.north)
	w.hire(t, "gamma", 3, &w.gamma, &w.north)
	p := w.open(t, time.Date(2025, 2, 3, 9, 0, 0, 0, time.UTC))
	for i, e := range w.staff["alpha"] { // satisfaction 3, 4, 5, 3, 4, 5: mean 4
		w.answer(t, p, e, 3+i%3, "")
	}
	w.answerAll(t, p, "beta", 5, "")
	w.answerAll(t, p, "gamma", 2, "")
	w.clock.Set(time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC))
	ctx := context.Background()
	at := time.Date(2025, 2, 10, 10, 0, 0, 0, time.UTC)
	// North: 60 promoters, 30 passives, 10 detractors.
	scores := map[int]int{10: 60, 8: 30, 3: 10}
	must(t, db.InTx(ctx, func(tx *store.Tx) error {
		for score, n := range scores {
			for range n {
				if _, err := tx.Exec(ctx, `INSERT INTO responses (post_id, location_id, source, responded_at, nps, created_at)
					VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, ?, ?)`, w.north, at, score, at); err != nil {
					return err
				}
			}
		}
		// Five follow-ups at North closed after 2, 4, 6, 8 and 5 hours.
		for i, hours := range []int{2, 4, 6, 8, 5} {
			var resp int64
			if err := tx.QueryRow(ctx, `INSERT INTO responses (post_id, location_id, source, responded_at, nps, created_at)
				VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), ?, 'api', ?, 0, ?) RETURNING id`,
				w.south, at.AddDate(0, -3, 0), at).Scan(&resp); err != nil {
				return err
			}
			opened := at.Add(time.Duration(i) * time.Hour)
			if _, err := tx.Exec(ctx, `INSERT INTO follow_ups (response_id, location_id, reasons, due_at, status, closed_at, created_at)
				VALUES (?, ?, '["detractor"]', ?, 'closed', ?, ?)`, resp, w.north, opened.Add(48*time.Hour),
				opened.Add(time.Duration(hours)*time.Hour), opened); err != nil {
				return err
			}
		}
		return nil
	}))
	return w
}

// TestGoalsProgressStatuses: known counts give known intervals, and the
// intervals known statuses, through the API on both engines. NPS of North
// is 50 with the adjusted-Wald interval [35.4666, 61.6208]
// (internal/stats TestGoalStatusBoundaries); the follow-ups' mean of 2, 4,
// 6, 8 and 5 hours is 5 with SD √(20/4) = 2.236068, t(0.975, 4) =
// 2.776445, half 2.776445·2.236068/√5 = 2.776445 → [2.2236, 7.7764];
// Alpha's pulse satisfaction 3, 4, 5, 3, 4, 5 is 4 with SD 0.894427,
// t(0.975, 5) = 2.570582, half 0.938678 → [3.0613, 4.9387]. Gamma's
// three answers are under the anonymity floor, and Beta's five are hidden
// with them, or North minus Alpha and Beta would show Gamma's.
func TestGoalsProgressStatuses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newGoalWorld(t, db)
		feb := `"period":"fixed","starts_on":"2025-02-01","ends_on":"2025-02-28"`
		type want struct {
			status    string
			value     float64 // NaN: null
			low, high float64
			n         int
		}
		nan := math.NaN()
		cases := []struct {
			body string
			want want
		}{
			{fmt.Sprintf(`{"name":"North NPS 30","metric":"nps","scope":"location","location_id":%d,"target":30,%s}`, w.north, feb), want{"on_track", 50, 35.4666, 61.6208, 100}},
			{fmt.Sprintf(`{"name":"North NPS 40","metric":"nps","scope":"location","location_id":%d,"target":40,%s}`, w.north, feb), want{"cant_tell", 50, 35.4666, 61.6208, 100}},
			{fmt.Sprintf(`{"name":"North NPS 65","metric":"nps","scope":"location","location_id":%d,"target":65,%s}`, w.north, feb), want{"off_track", 50, 35.4666, 61.6208, 100}},
			{fmt.Sprintf(`{"name":"South NPS","metric":"nps","scope":"location","location_id":%d,"target":30,%s}`, w.south, feb), want{"cant_tell", nan, 0, 0, 0}},
			{fmt.Sprintf(`{"name":"Closure 10","metric":"followup_closure_hours","scope":"location","location_id":%d,"target":10,%s}`, w.north, feb), want{"on_track", 5, 2.2236, 7.7764, 5}},
			{fmt.Sprintf(`{"name":"Closure 5","metric":"followup_closure_hours","scope":"all","target":5,%s}`, feb), want{"cant_tell", 5, 2.2236, 7.7764, 5}},
			{fmt.Sprintf(`{"name":"Closure 2","metric":"followup_closure_hours","scope":"all","target":2,%s}`, feb), want{"off_track", 5, 2.2236, 7.7764, 5}},
			{fmt.Sprintf(`{"name":"Alpha pulse 3","metric":"pulse_satisfaction","scope":"team","team_id":%d,"target":3,%s}`, w.alpha, feb), want{"on_track", 4, 3.0613, 4.9387, 6}},
			{fmt.Sprintf(`{"name":"Alpha pulse 4.5","metric":"pulse_satisfaction","scope":"team","team_id":%d,"target":4.5,%s}`, w.alpha, feb), want{"cant_tell", 4, 3.0613, 4.9387, 6}},
			{fmt.Sprintf(`{"name":"Gamma pulse","metric":"pulse_satisfaction","scope":"team","team_id":%d,"target":1,%s}`, w.gamma, feb), want{"cant_tell", nan, 0, 0, 0}},
			{fmt.Sprintf(`{"name":"Beta pulse","metric":"pulse_satisfaction","scope":"team","team_id":%d,"target":1,%s}`, w.beta, feb), want{"cant_tell", nan, 0, 0, 0}},
		}
		for _, c := range cases {
			w.f.call(fresco.RoleOwner, "POST", "/api/v1/goals", c.body, 201)
		}
		res := w.f.do(request{method: "GET", path: "/api/v1/goals/progress", role: fresco.RoleAnalyst})
		if res.Code != 200 {
			t.Fatal(res)
		}
		var body struct{ Items []web.GoalProgress }
		must(t, json.Unmarshal(res.Body, &body))
		if len(body.Items) != len(cases) {
			t.Fatalf("%d goals, want %d", len(body.Items), len(cases))
		}
		for i, p := range body.Items {
			want := cases[i].want
			if !p.Ended {
				t.Errorf("%s: February 2025 has not ended", p.Name)
			}
			if p.Status != want.status || p.N != want.n {
				t.Errorf("%s: status %s n %d (%s), want %s n %d", p.Name, p.Status, p.N, p.Reason, want.status, want.n)
			}
			if math.IsNaN(want.value) {
				if p.Value != nil || p.CILow != nil || p.CIHigh != nil {
					t.Errorf("%s: value %v [%v, %v], want none", p.Name, p.Value, p.CILow, p.CIHigh)
				}
				continue
			}
			if p.Value == nil || p.CILow == nil || p.CIHigh == nil || !near4(*p.Value, want.value) || !near4(*p.CILow, want.low) || !near4(*p.CIHigh, want.high) {
				t.Errorf("%s: %v [%v, %v], want %v [%v, %v]", p.Name, p.Value, p.CILow, p.CIHigh, want.value, want.low, want.high)
			}
			if p.PeriodFrom != "2025-02-01" || p.PeriodTo != "2025-02-28" || p.Elapsed != 1 {
				t.Errorf("%s: period %s..%s elapsed %v", p.Name, p.PeriodFrom, p.PeriodTo, p.Elapsed)
			}
		}
		// The needed n: NPS 50 against 40, half-width 13.0771: 100·(13.0771/10)² = 171.01 → 172.
		if nn := body.Items[1].NeededN; nn == nil || *nn != 172 {
			t.Errorf("needed n for North NPS 40: %v, want 172", nn)
		}
		// The floor holds the whole way: Gamma's and Beta's goals name no figure.
		for _, p := range body.Items[9:] {
			if p.Reason == "" || p.Unit != "of 5" || p.NeededN != nil {
				t.Errorf("%s: %+v", p.Name, p)
			}
		}
	})
}

func near4(a, b float64) bool { return math.Abs(a-b) <= 1e-4 }

// TestGoalsAgentsSeeTheirUnit: an agent sees the business's goals and
// their own location's and team's, and nothing of another unit's (404).
func TestGoalsAgentsSeeTheirUnit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newGoalWorld(t, db)
		agent := w.staff["alpha"][0]
		post := func(body string) int64 {
			return id(t, w.f.call(fresco.RoleOwner, "POST", "/api/v1/goals", body, 201))
		}
		all := post(`{"metric":"nps","scope":"all","target":30}`)
		mine := post(fmt.Sprintf(`{"metric":"nps","scope":"team","team_id":%d,"target":30}`, w.alpha))
		home := post(fmt.Sprintf(`{"metric":"csat","scope":"location","location_id":%d,"target":80}`, w.north))
		other := post(fmt.Sprintf(`{"metric":"nps","scope":"team","team_id":%d,"target":30}`, w.beta))
		away := post(fmt.Sprintf(`{"metric":"nps","scope":"location","location_id":%d,"target":30}`, w.south))
		cookie := apptest.Session(t, db, agent.ID)
		res := w.f.do(request{method: "GET", path: "/api/v1/goals/progress", cookie: cookie})
		var body struct{ Items []web.GoalProgress }
		must(t, json.Unmarshal(res.Body, &body))
		var got []int64
		for _, g := range body.Items {
			got = append(got, g.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint([]int64{all, mine, home}) {
			t.Errorf("agent sees %v, want %v", got, []int64{all, mine, home})
		}
		for _, hidden := range []int64{other, away} {
			if res := w.f.do(request{method: "GET", path: fmt.Sprintf("/api/v1/goals/%d", hidden), cookie: cookie}); res.Code != 404 {
				t.Errorf("agent reads goal %d: %s", hidden, res)
			}
		}
		if res := w.f.do(request{method: "POST", path: "/api/v1/goals", cookie: cookie, body: `{"metric":"nps","scope":"all","target":1}`}); res.Code != 403 {
			t.Errorf("agent creates a goal: %s", res)
		}
		// A manager of South sets South's goals, not North's nor the business's.
		boss := &fresco.Employee{Email: "south-boss@example.com", Name: "South boss", Role: fresco.RoleManager, LocationID: &w.south, Active: true}
		must(t, db.CreateEmployee(context.Background(), boss))
		bc := apptest.Session(t, db, boss.ID)
		for body, code := range map[string]int{
			fmt.Sprintf(`{"metric":"nps","scope":"location","location_id":%d,"target":30}`, w.south): 201,
			fmt.Sprintf(`{"metric":"nps","scope":"location","location_id":%d,"target":30}`, w.north): 403,
			fmt.Sprintf(`{"metric":"nps","scope":"team","team_id":%d,"target":30}`, w.alpha):         403,
			`{"metric":"nps","scope":"all","target":30}`:                                             403,
		} {
			if res := w.f.do(request{method: "POST", path: "/api/v1/goals", cookie: bc, body: body}); res.Code != code {
				t.Errorf("South's manager posts %s: %s, want %d", body, res, code)
			}
		}
		if res := w.f.do(request{method: "DELETE", path: fmt.Sprintf("/api/v1/goals/%d", home), cookie: bc}); res.Code != 403 {
			t.Errorf("South's manager deletes North's goal: %s", res)
		}
	})
}

// goalsReadOnlyPublished checks, inside the pulse's attack
// (TestPulseAnonymityFloor), that a staff-satisfaction goal of any unit
// over any span of the attack's months stands on exactly the answers of
// that unit's published cells: its n is their sum, and without any it
// shows no figure. The goal's figure is then computed from published
// cells only, and isolates nothing they do not.
func (w *pulseWorld) goalsReadOnlyPublished(t *testing.T, published map[string]pulse.Cell, months []time.Time) {
	t.Helper()
	ctx := context.Background()
	units := map[pulse.Unit]bool{}
	for _, c := range published {
		units[pulse.Unit{Kind: c.Unit.Kind, ID: c.Unit.ID}] = true
	}
	spans := [][2]time.Time{{months[0], months[0]}, {months[1], months[1]}, {months[0], months[1]}}
	want := map[int64]int{}
	for u := range units {
		for _, span := range spans {
			from, to := span[0], span[1].AddDate(0, 1, -1)
			from = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC)
			to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
			in := goals.Input{Metric: fresco.MetricPulseSatisfaction, Scope: u.Kind, Target: ptrFloat(3),
				Period: fresco.PeriodFixed, StartsOn: &from, EndsOn: &to}
			switch u.Kind {
			case pulse.UnitTeam:
				in.TeamID = &u.ID
			case pulse.UnitLocation:
				in.LocationID = &u.ID
			}
			g, err := w.f.app.Goals.Create(ctx, goals.Actor{Ref: "test", Role: fresco.RoleOwner}, in)
			must(t, err)
			n := 0
			for m := span[0]; !m.After(span[1]); m = m.AddDate(0, 1, 0) {
				if c, ok := published[fmt.Sprintf("%s/%d %s", u.Kind, u.ID, m.Format("2006-01"))]; ok && !c.Hidden {
					n += *c.N
				}
			}
			want[g.ID] = n
		}
	}
	res := w.f.do(request{method: "GET", path: "/api/v1/goals/progress", role: fresco.RoleAnalyst})
	var body struct{ Items []web.GoalProgress }
	must(t, json.Unmarshal(res.Body, &body))
	checked := 0
	for _, p := range body.Items {
		n, ok := want[p.ID]
		if !ok {
			continue // an earlier round's
		}
		if p.N != n || (n == 0) != (p.Value == nil) {
			t.Errorf("goal of %s %v: n %d value %v, the published cells hold %d answers", p.ScopeName, p.PeriodFrom, p.N, p.Value, n)
		}
		if n > 0 {
			checked++
		}
	}
	if checked == 0 {
		t.Error("no goal stood on a published cell: the check checked nothing")
	}
}

func ptrFloat(v float64) *float64 { return &v }
