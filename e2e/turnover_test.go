package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
)

// TestBrowserTurnover: the owner opens the turnover page from the menu,
// sees last year's leaver and what they cost, tries other inputs, then
// opens the leaver's page and rehires them.
func TestBrowserTurnover(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a := st.db, st.app
	hired := time.Now().AddDate(-2, 0, 0)
	leaver := &fresco.Employee{Name: "Lee Leaver", Email: "lee@example.com", Role: fresco.RoleAgent, Active: true, HiredAt: &hired}
	if err := db.CreateEmployee(ctx, leaver); err != nil {
		t.Fatal(err)
	}
	owner := people.Actor{Ref: "test", Role: fresco.RoleOwner}
	lastDay := people.Day(time.Now().AddDate(0, -1, 0))
	if err := a.People.AddTraining(ctx, owner, &fresco.Training{EmployeeID: leaver.ID, Course: "Complaint handling",
		TakenOn: lastDay.AddDate(0, -3, 0), Hours: 6, Cost: 35000}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.People.RecordExit(ctx, owner, leaver.ID, fresco.Exit{LeftOn: lastDay, Reason: "workload", Regretted: true,
		Notes: "Double shifts"}); err != nil {
		t.Fatal(err)
	}
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	st.fromMenu("open the turnover page from the menu", "/turnover")
	if got := text("#turnover-leavers"); got != "1" {
		t.Fatalf("leavers %q, want 1", got)
	}
	if got := text("#turnover-components"); !strings.Contains(got, "$350.00") {
		t.Errorf("components %q: the training cost is missing", got)
	}
	// What if: recruiting 1,000, nothing else but the training.
	for id, v := range map[string]string{"recruiting_cost_per_hire": "1000", "coworker_weeks": "0", "manager_weeks": "0", "vacancy_days": "0"} {
		do("set "+id, chromedp.SetValue(chromedp.ID(id), v))
	}
	load("update the figures", chromedp.Click(chromedp.ID("turnover-update")))
	if got := text("#turnover-total"); got != "$1,350.00" {
		t.Errorf("total %q after the what-if, want $1,350.00", got)
	}
	if got := strings.ToLower(text("#turnover-units")); !strings.Contains(got, "none") || !strings.Contains(got, "$1,350.00") {
		t.Errorf("per-team table %q", got)
	}

	load("open the leaver's page", chromedp.Navigate(fmt.Sprintf("%s/employees/%d", st.base, leaver.ID)))
	if got := text("#spells"); !strings.Contains(got, "Workload") || !strings.Contains(got, "Double shifts") {
		t.Errorf("spells %q", got)
	}
	do("open the rehire form", chromedp.Click(chromedp.CSS(`#people details summary`)))
	do("choose the first day", chromedp.SetValue(chromedp.ID("started_on"), people.Day(time.Now()).Format(time.DateOnly)))
	load("rehire", chromedp.Click(chromedp.ID("rehire-save")))
	if got := text(".flash"); !strings.HasPrefix(got, "Rehired") {
		t.Fatalf("after the rehire: %q", got)
	}
	if got := text("#spells"); !strings.Contains(got, "employed") {
		t.Errorf("spells after the rehire %q", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
