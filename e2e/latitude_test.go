package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserLatitude: last month Sam, an agent, asked for 21 refunds of
// $65 over the agents' $50 limit per case and Olivia approved 20; the
// front desk's six said in the pulse they would like to refund without
// asking. Olivia opens the latitude page from the menu, reads the
// recommendation beside the staff's words, and narrows the words to the
// front desk.
func TestBrowserLatitude(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	seeded := seed(t, db)
	var mu sync.Mutex
	now := time.Now().UTC().Truncate(time.Minute)
	clock := now.AddDate(0, -1, 0)
	set := func(t time.Time) { mu.Lock(); defer mu.Unlock(); clock = t }
	a := apptest.New(t, db, func(c *app.Config) {
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	})
	loc, team, staff := frontDesk(t, db)
	sam := staff[0]
	olivia, err := db.EmployeeByEmail(ctx, "olivia@example.com")
	must(t, err)
	p, _, err := a.Pulse.OpenMonth(ctx, clock)
	must(t, err)
	for i, e := range staff {
		s, n := 3, 7
		must(t, a.Pulse.Answer(ctx, e.ID, p.ID, map[string]fresco.PulseAnswer{pulse.KeySatisfaction: {Score: &s},
			pulse.KeyCapability: {Score: &s}, pulse.KeyLatitude: {Score: &s}, pulse.KeyENPS: {Score: &n},
			pulse.KeyDecisions: {Text: fmt.Sprintf("Refund a guest up to $80 without waiting (%d)", i)}}))
	}

	actor := func(e *fresco.Employee) recovery.Actor {
		return recovery.Actor{Ref: fmt.Sprintf("employee:%d", e.ID), Name: e.Name, Role: e.Role, EmployeeID: &e.ID}
	}
	c, err := a.Recovery.Open(ctx, actor(olivia), recovery.OpenInput{CustomerID: seeded.ada.ID, LocationID: &loc.ID,
		Summary: "Room not ready", Incident: recovery.Incident{WhatHappened: "Waited two hours for the room"}})
	must(t, err)
	for i := range 21 {
		g, err := a.Recovery.RequestGesture(ctx, actor(sam), c.ID, recovery.GestureInput{Kind: "refund", Amount: 6500})
		must(t, err)
		set(clock.Add(90 * time.Minute))
		_, err = a.Recovery.DecideGesture(ctx, actor(olivia), g.ID, i > 0, map[bool]string{true: "", false: "Too much"}[i > 0])
		must(t, err)
	}
	set(now)

	ts := httptest.NewServer(a.Server)
	t.Cleanup(func() {
		a.Server.CloseStreams()
		ts.Close()
	})
	s := steps{t, bctx}
	s.load("open the login page", chromedp.Navigate(ts.URL+"/login"))
	s.login("olivia@example.com")
	s.fromMenu("open the latitude page from the menu", "/latitude")
	agents := s.text("#latitude-role-agent")
	for _, want := range []string{"total per case $50.00", "21", "95% (76–100%, of 21 decided)", "1.5 hours",
		"Consider raising the agent limit per case to $65.00, which would have covered 100% of the requests that waited"} {
		if !strings.Contains(agents, want) {
			t.Errorf("agents' section lacks %q:\n%s", want, agents)
		}
	}
	asks := s.text("#latitude-asks")
	if !strings.Contains(asks, "All staff") || !strings.Contains(strings.ToLower(asks), "refunds") || !strings.Contains(asks, "Refund a guest up to $80 without waiting (0)") {
		t.Errorf("staff's asks:\n%s", asks)
	}
	if strings.Contains(asks, "Sam") || strings.Contains(asks, now.Format("2006-01-02")) {
		t.Errorf("the asks name or date someone:\n%s", asks)
	}
	s.do("choose the front desk", chromedp.SetValue(chromedp.ID("latitude-unit"), fmt.Sprintf("team:%d", team.ID)))
	s.load("show", chromedp.Click(chromedp.CSS(`#latitude-filters button[type=submit]`)))
	if got := s.text("#latitude-answers"); got != "6" {
		t.Errorf("the front desk's answers: %q, want 6", got)
	}
	if got := s.text("#latitude-asks"); !strings.Contains(got, "Front desk") {
		t.Errorf("asks after choosing the team:\n%s", got)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}

	// Sam, an agent, has no latitude page.
	s.load("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	s.load("open the login page again", chromedp.Navigate(ts.URL+"/login"))
	s.login("sam@example.com")
	if got := s.text("nav"); strings.Contains(got, "Latitude") {
		t.Errorf("an agent's menu offers the latitude page: %q", got)
	}
}
