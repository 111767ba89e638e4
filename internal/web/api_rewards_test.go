package web_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// rewardsNow is the clock of the scorecard tests: every chance of the
// first quarter of 2025 is settled (31 March + 90 days = 29 June).
var rewardsNow = time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC)

// rewardsWorld is a team of two agents with known results in Q1 2025
// (from 2025-01-01 to 2025-03-31), and an agent of another team:
//
//	                      Ana            Ben
//	recovered             9 of 12        1 of 4 (hidden)
//	promoters after case  7 of 10        —      (hidden)
//	follow-ups in time    8 of 10        10 of 10 (calls; a skipped call left out)
//	retention             19 of 20       2 of 20
//	kind words            9 of 12        1 of 3  (hidden)
//
// Team (pooled): recovered 10 of 16, follow-ups 18 of 20, kind words 10 of 15.
type rewardsWorld struct {
	team, otherTeam       int64
	ana, ben, cleo        *fresco.Employee
	anaCookie, cleoCookie *http.Cookie
	customer              int64
}

func buildRewardsWorld(t *testing.T, f *fixture) rewardsWorld {
	t.Helper()
	ctx := context.Background()
	db := f.db
	var w rewardsWorld
	team := func(name string) int64 {
		tm := &fresco.Team{Name: name}
		if err := db.CreateTeam(ctx, tm); err != nil {
			t.Fatal(err)
		}
		return tm.ID
	}
	w.team, w.otherTeam = team("Harbour desk"), team("Night shift")
	agent := func(email string, teamID int64) *fresco.Employee {
		e := f.employee(email, fresco.RoleAgent, "a long password 123")
		e.TeamID = &teamID
		if err := db.UpdateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e
	}
	w.ana, w.ben, w.cleo = agent("ana@example.com", w.team), agent("ben@example.com", w.team), agent("cleo@example.com", w.otherTeam)
	// Sessions expire by the database's clock: log in on today's.
	w.anaCookie = realClock(t, db).login("ana@example.com", "a long password 123")
	w.cleoCookie = realClock(t, db).login("cleo@example.com", "a long password 123")
	if err := db.CreateProduct(ctx, &fresco.Product{SKU: "MEAL", ListPrice: 2000}); err != nil {
		t.Fatal(err)
	}
	var post int64
	if err := db.QueryRow(ctx, `SELECT MIN(id) FROM listening_posts`).Scan(&post); err != nil {
		t.Fatal(err)
	}
	n := 0
	customer := func() int64 {
		n++
		c := &fresco.Customer{Name: fmt.Sprintf("Guest %d", n)}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	buy := func(c int64, at time.Time, by *int64) int64 {
		p := &fresco.Purchase{CustomerID: &c, PurchasedAt: at, ServedBy: by, Lines: []fresco.PurchaseLine{{SKU: "MEAL", Quantity: 1, UnitPrice: 2000}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	exec := func(q string, args ...any) int64 {
		var id int64
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.QueryRow(ctx, q+` RETURNING id`, args...).Scan(&id) }); err != nil {
			t.Fatal(err)
		}
		return id
	}
	respond := func(c *int64, e *int64, at time.Time, nps int, comment string) int64 {
		return exec(`INSERT INTO responses (post_id, customer_id, employee_id, responded_at, nps, comment, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			post, c, e, at, nps, comment, at)
	}
	resolvedCase := func(owner int64, resolved time.Time) int64 {
		c := customer()
		exec(`INSERT INTO recovery_cases (customer_id, source, summary, status, state, owner_id, opened_at, resolved_at, created_at, updated_at)
			VALUES (?, 'manual', 'Cold soup', 'resolved', 'resolved', ?, ?, ?, ?, ?)`, c, owner, resolved.AddDate(0, 0, -2), resolved, resolved, resolved)
		return c
	}
	day := func(m time.Month, d int) time.Time { return time.Date(2025, m, d, 10, 0, 0, 0, time.UTC) }

	// Recovered: Ana 9 of 12 (one bought again only after 120 days, two
	// never), Ben 1 of 4. Promoters after a case: Ana 7 of 10, counting
	// each customer's first NPS answer after the resolution only.
	for i := range 12 {
		resolved := day(2, 1+i)
		c := resolvedCase(w.ana.ID, resolved)
		switch {
		case i < 9:
			buy(c, resolved.AddDate(0, 0, 30), nil)
		case i == 9:
			buy(c, resolved.AddDate(0, 0, 120), nil)
		}
		if i < 10 {
			respond(&c, nil, resolved.AddDate(0, 0, -1), 0, "") // before the resolution: not counted
			score := 10
			if i >= 7 {
				score = 6
			}
			respond(&c, nil, resolved.AddDate(0, 0, 3), score, "")
			respond(&c, nil, resolved.AddDate(0, 0, 9), 10-score+6, "") // a later answer: not the next one
		}
	}
	for i := range 4 {
		resolved := day(3, 1+i)
		c := resolvedCase(w.ben.ID, resolved)
		if i == 0 {
			buy(c, resolved.AddDate(0, 0, 10), nil)
		}
	}
	w.customer = customer()
	// Follow-ups: Ana 8 of 10 in time (one closed late, one still open).
	for i := range 10 {
		due := day(1, 10+i)
		r := respond(nil, nil, due.AddDate(0, 0, -2), 3, "")
		var closed any
		switch {
		case i < 8:
			closed = due.Add(-time.Hour)
		case i == 8:
			closed = due.Add(time.Hour)
		}
		status := "closed"
		if closed == nil {
			status = "open"
		}
		exec(`INSERT INTO follow_ups (response_id, owner_id, due_at, status, closed_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			r, w.ana.ID, due, status, closed, due.AddDate(0, 0, -2))
	}
	// Calls: Ben 10 of 10 in time; a skipped call is not work to do.
	for i := range 11 {
		due := day(1, 5+i)
		p := buy(w.customer, due.AddDate(0, 0, -3), nil)
		status := "done"
		if i == 10 {
			status = "skipped"
		}
		exec(`INSERT INTO call_tasks (purchase_id, customer_id, employee_id, due_at, status, completed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			p, w.customer, w.ben.ID, due, status, due.Add(-time.Hour), due.AddDate(0, 0, -3))
	}
	// Retention: Ana 19 of 20 customers bought again within 90 days, Ben 2
	// of 20. A customer served twice counts once, from the first purchase.
	for i := range 40 {
		by, kept := &w.ana.ID, i < 19
		if i >= 20 {
			by, kept = &w.ben.ID, i < 22
		}
		c := customer()
		first := day(1, 2+i%20)
		buy(c, first, by)
		if kept {
			buy(c, first.AddDate(0, 0, 45), nil)
		}
	}
	// Kind words: Ana 9 of 12 comments kind, Ben 1 of 3.
	for i := range 15 {
		e, score := &w.ana.ID, 9
		if (i >= 9 && i < 12) || i >= 13 {
			score = 5
		}
		if i >= 12 {
			e = &w.ben.ID
		}
		respond(nil, e, day(3, 1+i), score, fmt.Sprintf("Comment %d", i))
	}
	return w
}

// realClock is a server on today's clock over db.
func realClock(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	return newFixture(t, db)
}

// wantMeasure checks one measure of a scorecard's JSON: n, count and the
// Wilson interval hand-computed in internal/stats/wilson_test.go, or that
// it is hidden without a figure.
func wantMeasure(t *testing.T, who string, list any, measure string, count, n int, pct, low, high float64) {
	t.Helper()
	for _, x := range list.([]any) {
		m := x.(map[string]any)
		if m["measure"] != measure {
			continue
		}
		if m["n"] != float64(n) || m["count"] != float64(count) {
			t.Errorf("%s %s: %v of %v, want %d of %d", who, measure, m["count"], m["n"], count, n)
		}
		if n < 10 {
			if m["hidden"] != true || m["percent"] != nil || m["ci_low"] != nil || m["ci_high"] != nil {
				t.Errorf("%s %s with n %d is shown: %v", who, measure, n, m)
			}
			return
		}
		near := func(v any, want float64) bool { f, ok := v.(float64); return ok && math.Abs(f-want) < 1e-3 }
		if m["hidden"] != false || !near(m["percent"], pct) || !near(m["ci_low"], low) || !near(m["ci_high"], high) {
			t.Errorf("%s %s = %v%% [%v, %v], want %v%% [%v, %v]", who, measure, m["percent"], m["ci_low"], m["ci_high"], pct, low, high)
		}
		return
	}
	t.Errorf("%s: no %s in %v", who, measure, list)
}

func TestScorecardsOnAConstructedBusiness(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(c *app.Config) { c.Now = func() time.Time { return rewardsNow } })
		w := buildRewardsWorld(t, f)
		q := "?from=2025-01-01&to=2025-03-31"

		ana := f.call("owner", "GET", fmt.Sprintf("/api/v1/employees/%d/scorecard%s", w.ana.ID, q), nil, 200)
		if ana["min_n"] != float64(10) || ana["window_days"] != float64(90) || ana["from"] != "2025-01-01" {
			t.Errorf("scorecard head %v", ana)
		}
		wantMeasure(t, "Ana", ana["measures"], "recovered", 9, 12, 75, 46.7695, 91.1058)
		wantMeasure(t, "Ana", ana["measures"], "promoters_after_case", 7, 10, 70, 39.6778, 89.2209)
		wantMeasure(t, "Ana", ana["measures"], "followups_in_time", 8, 10, 80, 49.0162, 94.3318)
		wantMeasure(t, "Ana", ana["measures"], "retention", 19, 20, 95, 76.3869, 99.1119)
		wantMeasure(t, "Ana", ana["measures"], "kind_words", 9, 12, 75, 46.7695, 91.1058)

		ben := f.call("manager", "GET", fmt.Sprintf("/api/v1/employees/%d/scorecard%s", w.ben.ID, q), nil, 200)
		wantMeasure(t, "Ben", ben["measures"], "recovered", 1, 4, 0, 0, 0)
		wantMeasure(t, "Ben", ben["measures"], "promoters_after_case", 0, 0, 0, 0, 0)
		wantMeasure(t, "Ben", ben["measures"], "followups_in_time", 10, 10, 100, 72.2467, 100)
		wantMeasure(t, "Ben", ben["measures"], "retention", 2, 20, 10, 2.7866, 30.1034)
		wantMeasure(t, "Ben", ben["measures"], "kind_words", 1, 3, 0, 0, 0)

		// The same period seen earlier: the last 90-day windows still run.
		early := newFixture(t, db, func(c *app.Config) { c.Now = func() time.Time { return time.Date(2025, 4, 15, 0, 0, 0, 0, time.UTC) } })
		pending := early.call("owner", "GET", fmt.Sprintf("/api/v1/employees/%d/scorecard%s", w.ana.ID, q), nil, 200)
		for _, x := range pending["measures"].([]any) {
			if m := x.(map[string]any); m["measure"] == "recovered" && (m["n"] != float64(0) || m["pending"] != float64(12)) {
				t.Errorf("recovered before any window ended: %v", m)
			}
		}

		teamPath := fmt.Sprintf("/api/v1/teams/%d/scorecard%s", w.team, q)
		tm := f.call("owner", "GET", teamPath, nil, 200)
		wantMeasure(t, "team", tm["measures"], "recovered", 10, 16, 62.5, 38.641, 81.5188)
		wantMeasure(t, "team", tm["measures"], "followups_in_time", 18, 20, 90, 69.8966, 97.2134)
		wantMeasure(t, "team", tm["measures"], "kind_words", 10, 15, 66.6667, 41.7135, 84.8237)

		ranks := func(rankBy string) map[string]any {
			out := map[string]any{}
			body := f.call("owner", "GET", teamPath+"&rank_by="+rankBy, nil, 200)
			for _, x := range body["members"].([]any) {
				m := x.(map[string]any)
				out[m["name"].(string)] = []any{m["rank"], m["tied"]}
			}
			return out
		}
		// Retention separates them: 95% [76, 99] against 10% [3, 30].
		if r := ranks("retention"); fmt.Sprint(r[w.ana.Name]) != "[1 false]" || fmt.Sprint(r[w.ben.Name]) != "[2 false]" {
			t.Errorf("retention ranks %v", r)
		}
		// Follow-ups do not: 80% [49, 94] and 100% [72, 100] overlap, so a
		// shared rank, not Ben first.
		if r := ranks("followups_in_time"); fmt.Sprint(r[w.ana.Name]) != "[1 true]" || fmt.Sprint(r[w.ben.Name]) != "[1 true]" {
			t.Errorf("follow-up ranks %v", r)
		}
		// Ben's 4 cases are too few to rank him at all.
		if r := ranks("recovered"); fmt.Sprint(r[w.ana.Name]) != "[1 false]" || fmt.Sprint(r[w.ben.Name]) != "[<nil> false]" {
			t.Errorf("recovered ranks %v", r)
		}
		bad := problem(t, f.do(request{method: "GET", path: teamPath + "&rank_by=effort", role: "owner"}), 422)
		if _, ok := bad["query.rank_by"]; !ok {
			t.Errorf("rank_by=effort: %v", bad)
		}
		bad = problem(t, f.do(request{method: "GET", path: fmt.Sprintf("/api/v1/employees/%d/scorecard?from=2025-03-01&to=2025-01-01", w.ana.ID), role: "owner"}), 422)
		if _, ok := bad["query.to"]; !ok {
			t.Errorf("to before from: %v", bad)
		}
	})
}

func TestScorecardRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(c *app.Config) { c.Now = func() time.Time { return rewardsNow } })
		w := buildRewardsWorld(t, f)
		as := func(cookie *http.Cookie, path string, want int) {
			t.Helper()
			res := f.do(request{method: "GET", path: path, cookie: cookie})
			if res.Code != want {
				t.Errorf("GET %s = %s, want %d", path, res, want)
			}
		}
		emp := func(e *fresco.Employee) string { return fmt.Sprintf("/api/v1/employees/%d/scorecard", e.ID) }
		team := func(id int64) string { return fmt.Sprintf("/api/v1/teams/%d/scorecard", id) }
		as(w.anaCookie, emp(w.ana), 200)        // her own
		as(w.anaCookie, team(w.team), 200)      // her team's
		as(w.anaCookie, emp(w.ben), 403)        // a teammate's own card
		as(w.anaCookie, team(w.otherTeam), 403) // another team's
		as(w.cleoCookie, emp(w.ana), 403)

		// A manager of the other team sees it, not Ana's.
		boss := f.employee("boss@example.com", fresco.RoleManager, "a long password 123")
		if _, err := db.Exec(context.Background(), `UPDATE teams SET manager_id = ? WHERE id = ?`, boss.ID, w.otherTeam); err != nil {
			t.Fatal(err)
		}
		bossCookie := realClock(t, db).login("boss@example.com", "a long password 123")
		as(bossCookie, team(w.otherTeam), 200)
		as(bossCookie, emp(w.cleo), 200)
		as(bossCookie, team(w.team), 403)
		as(bossCookie, emp(w.ana), 403)
		// Analysts read no one's results.
		problem(t, f.do(request{method: "GET", path: team(w.team), role: "analyst"}), 403)
	})
}

func TestNominationsRewardsAndRecognition(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, func(c *app.Config) { c.Now = func() time.Time { return rewardsNow } })
		w := buildRewardsWorld(t, f)
		nominate := func(cookie *http.Cookie, role fresco.Role, body string) *response {
			return f.do(request{method: "POST", path: "/api/v1/nominations", role: role, cookie: cookie, body: body})
		}
		count := func() int {
			var n int
			if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM nominations`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for _, c := range []struct {
			name        string
			cookie      *http.Cookie
			role        fresco.Role
			body, field string
		}{
			{"herself", w.anaCookie, "", fmt.Sprintf(`{"employee_id":%d,"reason":"I was great"}`, w.ana.ID), "body.employee_id"},
			{"no reason", w.anaCookie, "", fmt.Sprintf(`{"employee_id":%d,"reason":"  "}`, w.ben.ID), "body.reason"},
			{"nobody", w.anaCookie, "", `{"employee_id":999999,"reason":"Helped"}`, "body.employee_id"},
			{"peer by a token", nil, fresco.RoleAgent, fmt.Sprintf(`{"employee_id":%d,"reason":"Helped"}`, w.ben.ID), "body.source"},
			{"unknown customer", nil, fresco.RoleAgent, fmt.Sprintf(`{"employee_id":%d,"reason":"Helped","source":"customer","customer_id":999999}`, w.ben.ID), "body.customer_id"},
			{"too long", w.anaCookie, "", fmt.Sprintf(`{"employee_id":%d,"reason":%q}`, w.ben.ID, strings.Repeat("x", 1001)), "body.reason"},
		} {
			details := problem(t, nominate(c.cookie, c.role, c.body), 422)
			if _, ok := details[c.field]; !ok {
				t.Errorf("%s: no error for %s in %v", c.name, c.field, details)
			}
		}
		if n := count(); n != 0 {
			t.Fatalf("refused nominations stored %d rows", n)
		}
		res := nominate(w.anaCookie, "", fmt.Sprintf(`{"employee_id":%d,"reason":"Covered my shift when my son was ill"}`, w.ben.ID))
		if res.Code != 201 {
			t.Fatalf("peer nomination = %s", res)
		}
		if n := res.JSON(t); n["source"] != "peer" || n["nominator_id"] != float64(w.ana.ID) {
			t.Errorf("peer nomination %v", n)
		}
		res = nominate(nil, fresco.RoleAgent, fmt.Sprintf(`{"employee_id":%d,"reason":"Found my lost ring","source":"customer","customer_id":%d}`, w.ana.ID, w.customer))
		if res.Code != 201 || res.JSON(t)["nominator_id"] != nil {
			t.Fatalf("customer nomination = %s", res)
		}

		feed := f.call("analyst", "GET", "/api/v1/recognition", nil, 200)["items"].([]any)
		kinds := map[string]int{}
		for _, x := range feed {
			kinds[x.(map[string]any)["kind"].(string)]++
		}
		// Both nominations; Ben's and Ana's recoveries of the last 90 days
		// are older than the feed looks (it is June), kind words too.
		if kinds["nomination"] != 2 {
			t.Errorf("feed kinds %v", kinds)
		}
		first := feed[0].(map[string]any)
		if first["employee_name"] != w.ana.Name || first["text"] != "Found my lost ring" {
			t.Errorf("newest entry %v", first)
		}
		teamFeed := f.call("agent", "GET", fmt.Sprintf("/api/v1/recognition?team=%d", w.otherTeam), nil, 200)["items"].([]any)
		if len(teamFeed) != 0 {
			t.Errorf("the other team's feed shows %v", teamFeed)
		}

		// Rewards, judged against the interval of the team's result.
		reward := func(measure string, target float64) map[string]any {
			return f.call("owner", "POST", "/api/v1/rewards", fmt.Sprintf(`{"name":"Team dinner","team_id":%d,"measure":%q,"target":%v,"from":"2025-01-01","to":"2025-03-31"}`,
				w.team, measure, target), 201)
		}
		for _, c := range []struct {
			measure string
			target  float64
			want    string
		}{
			{"followups_in_time", 60, "met"},    // 90% [69.9, 97.2]
			{"kind_words", 90, "not_met"},       // 66.7% [41.7, 84.8]
			{"recovered", 50, "cant_tell"},      // 62.5% [38.6, 81.5]
			{"promoters_after_case", 10, "met"}, // 7 of 10 [39.7, 89.2]
		} {
			if r := reward(c.measure, c.target); r["status"] != c.want || r["running"] != false {
				t.Errorf("%s ≥ %v: %v", c.measure, c.target, r)
			}
		}
		bad := problem(t, f.do(request{method: "POST", path: "/api/v1/rewards", role: "owner",
			body: fmt.Sprintf(`{"name":"","team_id":%d,"measure":"effort","target":120,"from":"2025-04-01","to":"2025-03-01"}`, w.team)}), 422)
		for _, field := range []string{"body.name", "body.measure", "body.target", "body.to"} {
			if _, ok := bad[field]; !ok {
				t.Errorf("bad reward: no error for %s in %v", field, bad)
			}
		}
		if list := f.call("agent", "GET", fmt.Sprintf("/api/v1/rewards?team=%d", w.team), nil, 200)["items"].([]any); len(list) != 4 {
			t.Errorf("%d rewards listed, want 4", len(list))
		}
	})
}

// rewardsMatrix: who may call the rewards API. Tokens name no employee: an
// agent's or analyst's token sees no one's scorecard; a manager's token is
// business-wide.
func rewardsMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	return []endpoint{
		{"GET", fmt.Sprintf("/api/v1/employees/%d/scorecard", s.employee), none, 200, managers},
		{"GET", fmt.Sprintf("/api/v1/teams/%d/scorecard?rank_by=retention", s.team), none, 200, managers},
		{"GET", "/api/v1/rewards", none, 200, everyone},
		{"POST", "/api/v1/rewards", func(r fresco.Role) any {
			return fmt.Sprintf(`{"name":"Dinner for %s","team_id":%d,"measure":"retention","target":50,"from":"2025-01-01","to":"2025-03-31"}`, r, s.team)
		}, 201, ownerOnly},
		{"POST", "/api/v1/nominations", func(r fresco.Role) any {
			return fmt.Sprintf(`{"employee_id":%d,"reason":"Thanks from %s","source":"customer","customer_id":%d}`, s.employee, r, s.customer)
		}, 201, writers},
		{"GET", "/api/v1/recognition", none, 200, everyone},
	}
}

// TestCustomerNominatesOnTheSurveyPage: a survey link that names who served
// the customer offers to nominate them; the nomination is stored with the
// answers, once, and a reason too long stores neither.
func TestCustomerNominatesOnTheSurveyPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		_, path := surveyFixture(t, w)
		page := w.do(request{method: "GET", path: path})
		if page.Code != 200 || !strings.Contains(string(page.Body), `name="nominate"`) || !strings.Contains(string(page.Body), "nominate Bob for an award") {
			t.Fatalf("survey page offers no nomination: %d %s", page.Code, page.Body)
		}
		stored := func() (responses, nominations int) {
			for q, n := range map[string]*int{`SELECT COUNT(*) FROM responses`: &responses, `SELECT COUNT(*) FROM nominations`: &nominations} {
				if err := db.QueryRow(context.Background(), q).Scan(n); err != nil {
					t.Fatal(err)
				}
			}
			return
		}
		req := form(url.Values{"q_nps": {"10"}, "nominate": {strings.Repeat("é", 1001)}})
		req.path = path
		if res := w.do(req); res.Code != 422 || !strings.Contains(string(res.Body), `id="e_nominate"`) {
			t.Fatalf("too long a nomination: %d %s", res.Code, res.Body)
		}
		if r, n := stored(); r != 0 || n != 0 {
			t.Fatalf("a refused form stored %d responses and %d nominations", r, n)
		}
		req = form(url.Values{"q_nps": {"10"}, "nominate": {"Bob remembered my daughter's birthday"}})
		req.path = path
		if res := w.do(req); res.Code != 200 {
			t.Fatalf("submit %d %s", res.Code, res.Body)
		}
		var nominee, customer int64
		var source, by string
		if err := db.QueryRow(context.Background(), `SELECT nominee_id, customer_id, source, created_by FROM nominations`).Scan(&nominee, &customer, &source, &by); err != nil {
			t.Fatal(err)
		}
		if nominee != w.bob || customer != w.customer || source != "customer" || !strings.HasPrefix(by, "invitation:") {
			t.Errorf("nomination of %d by customer %d, %s, %s", nominee, customer, source, by)
		}
		feed := w.call(fresco.RoleAgent, "GET", "/api/v1/recognition", nil, 200)["items"].([]any)
		found := false
		for _, x := range feed {
			e := x.(map[string]any)
			found = found || (e["kind"] == "nomination" && e["employee_name"] == "Bob" && e["text"] == "Bob remembered my daughter's birthday")
		}
		if !found {
			t.Errorf("the customer's nomination is not in the feed: %v", feed)
		}
	})
}
