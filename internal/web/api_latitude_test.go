package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/latitude"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// latitudeWorld is a pulse world whose agents asked for refunds above
// their limit, most of them approved.
func latitudeWorld(t *testing.T, db *store.DB) (w *pulseWorld, alpha, bravo, charlie int64, agent *fresco.Employee) {
	w = newPulseWorld(t, db)
	north := w.location(t, "North")
	alpha, bravo, charlie = w.team(t, "Alpha", &north), w.team(t, "Bravo", &north), w.team(t, "Charlie", nil)
	w.hire(t, "a", 6, &alpha, &north)
	w.hire(t, "b", 5, &bravo, nil)
	w.hire(t, "c", 2, &charlie, &north) // too few: hidden, and with it what would give them away
	p := w.open(t, time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
	for i, e := range w.staff["a"] {
		text := "refund up to 80 without calling a manager"
		if i >= 4 {
			text = "give a free dessert when the kitchen is slow"
		}
		w.answer(t, p, e, 3, text)
	}
	for i, e := range w.staff["b"] {
		w.answer(t, p, e, 4, fmt.Sprintf("swap shifts with a colleague (%d)", i))
	}
	w.answerAll(t, p, "c", 2, "the charlie text")

	// An agent asks for 21 refunds of 60.00 over the €50 total per case:
	// a manager approves 20 two hours later and declines one.
	f := w.f
	s := seedAll(t, f)
	agent = w.staff["a"][0]
	c := f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "cold soup"}, 201)
	path := fmt.Sprintf("/api/v1/cases/%d/gestures", id(t, c))
	var pending []int64
	for range 21 {
		g := f.call(fresco.RoleAgent, "POST", path, map[string]any{"kind": "refund", "amount": "60.00"}, 201)
		if g["status"] != "pending_approval" {
			t.Fatalf("refund of 60.00 = %v, want pending", g)
		}
		pending = append(pending, id(t, g))
	}
	w.clock.Set(w.clock.Now().Add(2 * time.Hour))
	for i, g := range pending {
		if i == 0 {
			f.call(fresco.RoleManager, "POST", fmt.Sprintf("/api/v1/gestures/%d/reject", g), map[string]any{"note": "too much"}, 200)
			continue
		}
		f.call(fresco.RoleManager, "POST", fmt.Sprintf("/api/v1/gestures/%d/approve", g), map[string]any{}, 200)
	}
	c = f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "late"}, 201)
	f.call(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/cases/%d/gestures", id(t, c)), map[string]any{"kind": "coupon", "amount": "10.00"}, 201) // within: granted at once
	f.call(fresco.RoleOwner, "PUT", "/api/v1/authority-limits", map[string]any{"employee_id": agent.ID, "kind": "refund", "amount": "70.00"}, 200)
	w.clock.Set(time.Date(2025, 4, 2, 8, 0, 0, 0, time.UTC)) // March's pulse has closed
	return w, alpha, bravo, charlie, agent
}

func (w *pulseWorld) latitude(t *testing.T, query string) *latitude.Report {
	t.Helper()
	res := w.f.do(request{method: "GET", path: "/api/v1/latitude?" + query, role: fresco.RoleManager})
	if res.Code != http.StatusOK {
		t.Fatalf("latitude?%s = %s", query, res)
	}
	var r latitude.Report
	if err := json.Unmarshal(res.Body, &r); err != nil {
		t.Fatal(err)
	}
	return &r
}

// TestLatitudeThroughTheAPI reads the audit of a constructed month: the
// limits, staff's asks by theme from published cells only, and the agent
// refunds that waited, with the recommendation they support.
func TestLatitudeThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w, alpha, bravo, charlie, agent := latitudeWorld(t, db)
		r := w.latitude(t, "from=2025-03&to=2025-03")
		if r.From != "2025-03" || r.To != "2025-03" {
			t.Errorf("months = %s..%s", r.From, r.To)
		}
		var agentLimits []latitude.Limit
		for _, rl := range r.Roles {
			if rl.Role == "agent" {
				agentLimits = rl.Limits
			}
		}
		if len(agentLimits) != 1 || agentLimits[0] != (latitude.Limit{Kind: "*", Amount: "50.00"}) {
			t.Errorf("agent limits = %+v, want * 50.00", agentLimits)
		}
		if len(r.Employees) != 1 || r.Employees[0].EmployeeID != agent.ID || r.Employees[0].Name != agent.Name || r.Employees[0].Amount != "70.00" {
			t.Errorf("employee limits = %+v", r.Employees)
		}

		// All staff: 13 answered, 13 texts; the two themes and the shifts.
		a := r.Asks
		if a.Unit.Kind != "all" || a.Answers != 13 || len(a.Months) != 1 || a.HiddenMonths != 0 || len(a.Latitude) != 1 {
			t.Fatalf("asks = %+v", a)
		}
		themes := map[string]latitude.ThemeCount{}
		for _, th := range a.Themes {
			themes[th.Slug] = th
		}
		if themes["refunds"].Count != 4 || themes["refunds"].Gesture != "refund" || themes["scheduling"].Count != 5 ||
			themes["replacements"].Count != 2 || themes[latitude.Other].Count != 2 {
			t.Errorf("themes = %+v", a.Themes)
		}
		if q := themes["refunds"].Quotes; len(q) != 1 || q[0] != "refund up to 80 without calling a manager" {
			t.Errorf("refund quotes = %q, want the one text once", q)
		}

		// Approvals: 21 waited, 20 approved after two hours.
		var refunds *latitude.Approvals
		for i := range r.Approvals {
			if r.Approvals[i].Role == "agent" && r.Approvals[i].Kind == "refund" {
				refunds = &r.Approvals[i]
			}
		}
		if refunds == nil || refunds.Gestures != 21 || refunds.Waited != 21 || refunds.Approved != 20 || refunds.Declined != 1 {
			t.Fatalf("agent refunds = %+v", refunds)
		}
		if rate := refunds.ApprovalRate; rate == nil || rate.N != 21 || rate.Percent < 95.2 || rate.Percent > 95.3 || rate.CILow > rate.Percent || rate.CIHigh < rate.Percent {
			t.Errorf("rate = %+v, want 20/21", rate)
		}
		if refunds.MedianWaitHours == nil || *refunds.MedianWaitHours != 2 {
			t.Errorf("median wait = %v, want 2 h", refunds.MedianWaitHours)
		}
		if refunds.Compared != "*" || refunds.Band == nil || refunds.Band.High != "60.00" || refunds.Band.Percent != 100 {
			t.Errorf("band = %+v (compared %q)", refunds.Band, refunds.Compared)
		}
		if !strings.HasPrefix(refunds.Recommendation, "Consider raising the agent limit per case to ") || !strings.Contains(refunds.Recommendation, "60.00") {
			t.Errorf("recommendation = %q", refunds.Recommendation)
		}
		for _, ap := range r.Approvals {
			if ap.Kind == "coupon" && (ap.Waited != 0 || ap.Gestures != 1 || ap.Recommendation != "") {
				t.Errorf("coupon within the limit = %+v", ap)
			}
		}

		// One team's answers: Alpha's six, quoted. Charlie's two are hidden,
		// and so is Bravo (North's 13 minus Alpha and Bravo would leave
		// Charlie's 2): neither tells anything.
		al := w.latitude(t, fmt.Sprintf("by=team&unit=%d&from=2025-03&to=2025-03", alpha)).Asks
		if al.Unit.ID != alpha || al.Answers != 6 || len(al.Themes) != 2 || al.Themes[0].Slug != "refunds" || len(al.Themes[0].Quotes) != 1 {
			t.Errorf("Alpha's asks = %+v", al)
		}
		for _, unit := range []int64{bravo, charlie} {
			c := w.latitude(t, fmt.Sprintf("by=team&unit=%d&from=2025-03&to=2025-03", unit)).Asks
			if c.Answers != 0 || c.HiddenMonths != 1 || len(c.Themes) != 0 || len(c.Months) != 0 || len(c.Latitude) != 0 {
				t.Errorf("team %d's asks = %+v, want nothing but a hidden month", unit, c)
			}
		}

		// Bad input names its field.
		for query, field := range map[string]string{
			"unit=1":                  "unit",
			"by=team&unit=999999":     "unit",
			"by=team&unit=-1":         "unit",
			"by=everyone":             "by",
			"from=March":              "from",
			"from=2025-04&to=2025-03": "from",
			"by=location&unit=abc":    "unit",
		} {
			res := w.f.do(request{method: "GET", path: "/api/v1/latitude?" + query, role: fresco.RoleManager})
			if fields := problem(t, res, http.StatusUnprocessableEntity); fields["query."+field] == "" && fields["body."+field] == "" {
				t.Errorf("%s: fields %v, want %s named", query, fields, field)
			}
		}
	})
}
