package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// peopleWorld is a location with a leaver and a stayer, each of whom
// served four one-purchase customers on 2024-03-01 (the known-answer data
// of the customer value at risk, docs/architecture.md "People"):
//
//   - the leaver's customers: one bought again after the exit, three lapsed;
//   - the stayer's: three bought again, one lapsed (baseline rate 1/4);
//   - every customer who bought again has a stored CLV of 100.00, every
//     lapsed one 5.00.
//
// Excess lapsers = 3 − 4 × 1/4 = 2, each worth the mean CLV of the retained
// (100.00): the value at risk is 200.00.
type peopleWorld struct {
	location, leaver, stayer int64
}

func buildPeopleWorld(t *testing.T, db *store.DB) peopleWorld {
	t.Helper()
	w, storeValues := buildPeopleWorldBeforeRefit(t, db)
	storeValues()
	return w
}

// buildPeopleWorldBeforeRefit builds the world without its stored CLVs, as
// before the first lifetime-value refit, and returns the function that
// stores them as a refit would.
func buildPeopleWorldBeforeRefit(t *testing.T, db *store.DB) (peopleWorld, func()) {
	t.Helper()
	ctx := context.Background()
	l := &fresco.Location{Name: "Harbour", Timezone: "UTC"}
	if err := db.CreateLocation(ctx, l); err != nil {
		t.Fatal(err)
	}
	hired := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	staff := func(email string) int64 {
		e := &fresco.Employee{Email: email, Name: email, Role: fresco.RoleAgent, LocationID: &l.ID, Active: true, HiredAt: &hired}
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		return e.ID
	}
	w := peopleWorld{location: l.ID, leaver: staff("leaver@example.com"), stayer: staff("stayer@example.com")}
	if err := db.CreateProduct(ctx, &fresco.Product{SKU: "ROOM", ListPrice: 10000}); err != nil {
		t.Fatal(err)
	}
	var values []*fresco.CustomerValue
	buy := func(c int64, at time.Time, by *int64) {
		p := &fresco.Purchase{CustomerID: &c, PurchasedAt: at, LocationID: &l.ID, ServedBy: by,
			Lines: []fresco.PurchaseLine{{SKU: "ROOM", Quantity: 1, UnitPrice: 10000}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	first := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	again := time.Date(2024, 8, 1, 10, 0, 0, 0, time.UTC)
	for i, server := range []int64{w.leaver, w.stayer} {
		for j := range 4 {
			c := &fresco.Customer{Name: fmt.Sprintf("Customer %d-%d", i, j)}
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			buy(c.ID, first, &server)
			kept := (i == 0 && j == 0) || (i == 1 && j > 0)
			clv := 500.0
			if kept {
				buy(c.ID, again, nil)
				clv = 10000
			}
			values = append(values, &fresco.CustomerValue{CustomerID: c.ID, Purchases: 1, FirstPurchase: first,
				LastPurchase: first, CLV: clv, Segment: "regular", ComputedAt: again})
		}
	}
	return w, func() {
		if err := db.ReplaceCustomerValues(ctx, values, nil); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPeopleRecordsAndTurnoverCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		w := buildPeopleWorld(t, db)
		emp := fmt.Sprintf("/api/v1/employees/%d", w.leaver)

		tr := f.call("manager", "POST", emp+"/trainings",
			`{"course":"Complaint handling","skill":"service recovery","taken_on":"2024-02-01","hours":6.5,"cost":"350.00"}`, 201)
		if tr["cost"] != "350.00" || tr["taken_on"] != "2024-02-01" {
			t.Errorf("training = %v", tr)
		}
		bad := problem(t, f.do(request{method: "POST", path: emp + "/trainings", role: "manager",
			body: `{"course":"First aid","taken_on":"2024-02-31","hours":1,"cost":"1,5"}`}), 422)
		for _, field := range []string{"body.taken_on", "body.cost"} {
			if _, ok := bad[field]; !ok {
				t.Errorf("bad training: no error for %s in %v", field, bad)
			}
		}

		noReason := problem(t, f.do(request{method: "POST", path: emp + "/exit", role: "manager",
			body: `{"left_on":"2024-06-30","reason":"boredom","regretted":true}`}), 422)
		if _, ok := noReason["body.reason"]; !ok {
			t.Errorf("unknown reason: %v", noReason)
		}
		sp := f.call("manager", "POST", emp+"/exit", `{"left_on":"2024-06-30","reason":"workload","regretted":true,"notes":"Too many double shifts."}`, 200)
		if sp["left_on"] != "2024-06-30" || sp["reason"] != "workload" || sp["regretted"] != true {
			t.Errorf("exit = %v", sp)
		}
		if e := f.call("owner", "GET", emp, nil, 200); e["active"] != false {
			t.Errorf("after the exit the login is active: %v", e)
		}
		f.call("manager", "POST", emp+"/exit", `{"left_on":"2024-07-30","reason":"pay"}`, 409)

		// Customer value at risk and the rest, with every input overridden.
		q := "/api/v1/turnover/cost?from=2024-06-01&to=2024-06-30&by=location&recruiting_cost_per_hire=1000&coworker_weeks=1" +
			"&coworker_weekly_cost=100&manager_weeks=1&manager_weekly_cost=200&vacancy_days=10&vacancy_daily_cost=10"
		c := f.call("analyst", "GET", q, nil, 200)
		want := map[string]any{"recruiting": "1000.00", "training": "350.00", "lost_productivity": "400.00", "customer_value_at_risk": "200.00"}
		for k, v := range want {
			if got := c["components"].(map[string]any)[k]; got != v {
				t.Errorf("components.%s = %v, want %v", k, got, v)
			}
		}
		if c["leavers"] != 1.0 || c["rate"] != 0.5 || c["cost_total"] != "1950.00" || c["cost_per_leaver"] != "1950.00" {
			t.Errorf("cost = %v", c)
		}
		units := c["units"].([]any)
		if len(units) != 1 || units[0].(map[string]any)["unit"] != "Harbour" || units[0].(map[string]any)["cost_total"] != "1950.00" {
			t.Errorf("units = %v", units)
		}
		// A lapse window too short to see anyone buy again: all four of
		// each group lapse, so nothing is in excess.
		c = f.call("owner", "GET", q+"&lapse_days=7", nil, 200)
		if got := c["components"].(map[string]any)["customer_value_at_risk"]; got != "0.00" {
			t.Errorf("value at risk with lapse_days=7 = %v, want 0.00", got)
		}
		badQ := problem(t, f.do(request{method: "GET", path: "/api/v1/turnover/cost?from=2024-06-01&to=June&coworker_weeks=x", role: "owner"}), 422)
		for _, field := range []string{"query.to", "query.coworker_weeks"} {
			if _, ok := badQ[field]; !ok {
				t.Errorf("bad query: no error for %s in %v", field, badQ)
			}
		}

		r := f.call("analyst", "GET", "/api/v1/turnover/retention?by=location&from=2024-06-01&to=2024-06-30", nil, 200)
		items := r["items"].([]any)
		if len(items) != 1 {
			t.Fatalf("retention = %v", r)
		}
		cell := items[0].(map[string]any)
		if cell["month"] != "2024-06" || cell["headcount"] != 2.0 || cell["leavers"] != 1.0 || cell["regretted"] != 1.0 || cell["retention"] != 0.5 {
			t.Errorf("retention cell = %v", cell)
		}

		problem(t, f.do(request{method: "POST", path: emp + "/rehire", role: "manager", body: `{"started_on":"2024-06-15"}`}), 422)
		f.call("manager", "POST", emp+"/rehire", `{"started_on":"2024-09-01","job_title":"Night manager","reactivate_login":true}`, 201)
		f.call("manager", "POST", emp+"/rehire", `{"started_on":"2024-10-01"}`, 409)
		if e := f.call("owner", "GET", emp, nil, 200); e["active"] != true || e["job_title"] != "Night manager" {
			t.Errorf("after the rehire: %v", e)
		}
		spells := f.call("owner", "GET", emp+"/spells", nil, 200)["items"].([]any)
		if len(spells) != 2 || spells[1].(map[string]any)["left_on"] != nil {
			t.Errorf("spells = %v", spells)
		}
		audit, err := db.ListAudit(context.Background(), "employee", fmt.Sprint(w.leaver), 10)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, a := range audit {
			actions[a.Action] = true
		}
		for _, a := range []string{"training.add", "exit", "rehire"} {
			if !actions[a] {
				t.Errorf("no audit record %q in %v", a, audit)
			}
		}
	})
}

// A manager signed in sees the people records of their own location only.
func TestPeopleManagerScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		w := buildPeopleWorld(t, db)
		ctx := context.Background()
		other := &fresco.Location{Name: "Elsewhere", Timezone: "UTC"}
		if err := db.CreateLocation(ctx, other); err != nil {
			t.Fatal(err)
		}
		m := f.employee("far-manager@example.com", fresco.RoleManager, "a long password 1")
		m.LocationID = &other.ID
		if err := db.UpdateEmployee(ctx, m); err != nil {
			t.Fatal(err)
		}
		cookie := f.login(m.Email, "a long password 1")
		path := fmt.Sprintf("/api/v1/employees/%d/trainings", w.leaver)
		if res := f.do(request{method: "GET", path: path, cookie: cookie}); res.Code != http.StatusForbidden {
			t.Errorf("a manager elsewhere reads the trainings: %s", res)
		}
		m.LocationID = &w.location
		if err := db.UpdateEmployee(ctx, m); err != nil {
			t.Fatal(err)
		}
		cookie = f.login(m.Email, "a long password 1")
		if res := f.do(request{method: "GET", path: path, cookie: cookie}); res.Code != http.StatusOK {
			t.Errorf("the location's manager cannot read the trainings: %s", res)
		}
	})
}

// peopleMatrix is the role matrix's people rows (roles_test.go). Tokens name
// no employee, so a manager's token is business-wide and an agent's sees no
// trainings (agents see their own when signed in). Exits and rehires are
// sent bad dates, so each allowed role reaches validation (422) without
// changing the employee for the next role.
func peopleMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	aggregates := []fresco.Role{fresco.RoleOwner, fresco.RoleManager, fresco.RoleAnalyst}
	emp := fmt.Sprintf("/api/v1/employees/%d", s.employee)
	return []endpoint{
		{"GET", emp + "/trainings", none, 200, managers},
		{"POST", emp + "/trainings", fixed(`{"course":"Listening","taken_on":"2024-01-10","hours":2,"cost":"80.00"}`), 201, managers},
		{"GET", emp + "/spells", none, 200, managers},
		{"POST", emp + "/exit", fixed(`{"left_on":"someday","reason":"pay"}`), 422, managers},
		{"POST", emp + "/rehire", fixed(`{"started_on":"someday"}`), 422, managers},
		{"GET", "/api/v1/exit-reasons", none, 200, everyone},
		{"PUT", "/api/v1/exit-reasons/schedule", fixed(`{"name":"Schedule","position":7}`), 200, ownerOnly},
		{"GET", "/api/v1/turnover/cost?from=2024-01-01&to=2024-12-31&by=team", none, 200, aggregates},
		{"GET", "/api/v1/turnover/retention?from=2024-01-01&to=2024-12-31", none, 200, aggregates},
		{"GET", "/api/v1/turnover/inputs", none, 200, everyone},
		{"PUT", "/api/v1/turnover/inputs", fixed(`{"recruiting_cost_per_hire":"3000.00","coworker_weeks":3,"coworker_weekly_cost":"250.00",` +
			`"manager_weeks":1,"manager_weekly_cost":"500.00","vacancy_days":20,"vacancy_daily_cost":"100.00","lapse_days":180}`), 200, managers},
	}
}

// The value at risk of an exit is read from the stored snapshot, which a
// job refreshes: a purchase recorded since does not move the figure until
// the next refresh, and then it does. (Working it out reads a year of the
// location's purchases: at a million customers the cost took over a
// minute a view.)
func TestTurnoverCostReadsStoredValueAtRisk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		w := buildPeopleWorld(t, db)
		f.call("manager", "POST", fmt.Sprintf("/api/v1/employees/%d/exit", w.leaver), `{"left_on":"2024-06-30","reason":"workload"}`, 200)
		const q = "/api/v1/turnover/cost?from=2024-06-01&to=2024-06-30"
		atRisk := func() any {
			return f.call("analyst", "GET", q, nil, 200)["components"].(map[string]any)["customer_value_at_risk"]
		}
		if got := atRisk(); got != "200.00" {
			t.Fatalf("value at risk = %v, want 200.00", got)
		}
		// One of the leaver's lapsed customers comes back.
		var back int64
		if err := db.QueryRow(ctx, `SELECT id FROM customers WHERE name = ?`, "Customer 0-1").Scan(&back); err != nil {
			t.Fatal(err)
		}
		if err := db.CreatePurchase(ctx, &fresco.Purchase{CustomerID: &back, PurchasedAt: time.Date(2024, 8, 2, 10, 0, 0, 0, time.UTC),
			LocationID: &w.location, Lines: []fresco.PurchaseLine{{SKU: "ROOM", Quantity: 1, UnitPrice: 10000}}}); err != nil {
			t.Fatal(err)
		}
		if got := atRisk(); got != "200.00" {
			t.Errorf("before the refresh the value at risk = %v, want the stored 200.00", got)
		}
		if _, err := f.app.People.RefreshValueAtRisk(ctx); err != nil {
			t.Fatal(err)
		}
		// Two of four lapsed against a baseline of one in four: one in
		// excess, worth the mean CLV of the five retained customers,
		// (4 × 100.00 + 5.00) / 5.
		if got := atRisk(); got != "81.00" {
			t.Errorf("after the refresh the value at risk = %v, want 81.00", got)
		}
	})
}

// A fresh database's first server works the values at risk out at start,
// seconds before its first lifetime-value refit stores any CLV: every
// exit's value came out 0.00, and the turnover cost showed it until the
// next refresh, six hours on. Values worked out before the first refit are
// worked out again once there is one.
func TestValueAtRiskWorkedOutBeforeTheFirstRefit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		w, storeValues := buildPeopleWorldBeforeRefit(t, db)
		f.call("manager", "POST", fmt.Sprintf("/api/v1/employees/%d/exit", w.leaver), `{"left_on":"2024-06-30","reason":"workload"}`, 200)
		const q = "/api/v1/turnover/cost?from=2024-06-01&to=2024-06-30"
		atRisk := func() any {
			return f.call("analyst", "GET", q, nil, 200)["components"].(map[string]any)["customer_value_at_risk"]
		}
		if _, err := f.app.People.RefreshValueAtRisk(ctx); err != nil {
			t.Fatal(err)
		}
		if got := atRisk(); got != "0.00" {
			t.Fatalf("without any CLV the value at risk = %v, want 0.00", got)
		}
		storeValues()
		if got := atRisk(); got != "200.00" {
			t.Errorf("after the first refit the value at risk = %v, want 200.00", got)
		}
	})
}
