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
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserPulse: the agent Sam finds this month's staff pulse on the
// home page and answers it; the owner reads last month's results, where
// Sam's team of six shows its figures and free text, and the answer Sam
// just gave is nowhere (the month is still open).
func TestBrowserPulse(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	seed(t, db)
	var mu sync.Mutex
	now := time.Now().UTC().Truncate(time.Minute)
	clock := now.AddDate(0, -1, 0)
	a := apptest.New(t, db, func(c *app.Config) {
		c.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	})
	_, _, staff := frontDesk(t, db)

	// Last month: everyone answered.
	last, _, err := a.Pulse.OpenMonth(ctx, clock)
	must(t, err)
	for i, e := range staff {
		s, n := 4, 9
		must(t, a.Pulse.Answer(ctx, e.ID, last.ID, map[string]fresco.PulseAnswer{pulse.KeySatisfaction: {Score: &s},
			pulse.KeyCapability: {Score: &s}, pulse.KeyLatitude: {Score: &s}, pulse.KeyENPS: {Score: &n},
			pulse.KeyDecisions: {Text: fmt.Sprintf("Idea number %d", i)}}))
	}
	mu.Lock()
	clock = now
	mu.Unlock()
	this, opened, err := a.Pulse.OpenMonth(ctx, now)
	if err != nil || !opened {
		t.Fatal(opened, err)
	}
	ts := httptest.NewServer(a.Server)
	t.Cleanup(func() {
		a.Server.CloseStreams() // first: an open event stream would keep ts.Close waiting
		ts.Close()
	})
	s := steps{t, bctx}

	s.load("open the login page", chromedp.Navigate(ts.URL+"/login"))
	s.login("sam@example.com")
	s.load("follow the home page's pulse link", chromedp.Click(chromedp.ID("home-pulse-link")))
	s.do("answer the pulse",
		chromedp.Click(chromedp.CSS(`input[name=q_satisfaction][value="2"]`)),
		chromedp.Click(chromedp.CSS(`input[name=q_capability][value="3"]`)),
		chromedp.Click(chromedp.CSS(`input[name=q_latitude][value="2"]`)),
		chromedp.Click(chromedp.CSS(`input[name=q_enps][value="6"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name=q_decisions]`), "Refund a night without asking"))
	s.load("send the answers", chromedp.Click(chromedp.ID("pulse-submit")))
	if got := s.text("#pulse-answered"); !strings.Contains(got, "You have answered") {
		t.Fatalf("after answering: %q", got)
	}
	if p, err := db.Pulse(ctx, this.ID); err != nil || p.Responses != 1 {
		t.Fatalf("this month's pulse: %+v %v, want 1 response", p, err)
	}
	// An agent does not read results.
	if got := s.text("body"); strings.Contains(got, "Results") {
		t.Errorf("the agent's pulse page offers results: %q", got)
	}
	s.load("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))

	s.load("open the login page again", chromedp.Navigate(ts.URL+"/login"))
	s.login("olivia@example.com")
	s.load("open the results", chromedp.Navigate(ts.URL+"/pulse/results?by=team"))
	lastTable := s.text("#pulse-" + last.Period)
	if !strings.Contains(lastTable, "Front desk") || !strings.Contains(lastTable, "6") || !strings.Contains(lastTable, "4.0") ||
		!strings.Contains(lastTable, "+100") {
		t.Errorf("last month's results: %q", lastTable)
	}
	s.do("open the comments", chromedp.Click(chromedp.CSS("#pulse-"+last.Period+" details.pulse-comments summary")))
	if got := s.text("#pulse-" + last.Period + " details.pulse-comments"); !strings.Contains(got, "Idea number 0") {
		t.Errorf("comments: %q", got)
	}
	thisMonth := s.text("#pulse-" + this.Period)
	if !strings.Contains(thisMonth, "still open") || strings.Contains(thisMonth, "Refund a night") {
		t.Errorf("this month, still open: %q", thisMonth)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript exceptions:\n%s", strings.Join(errs, "\n"))
	}
}

// frontDesk puts Sam and five new agents in the team "Front desk" at the
// location "Harbour"; staff[0] is Sam.
func frontDesk(t *testing.T, db *store.DB) (loc *fresco.Location, team *fresco.Team, staff []*fresco.Employee) {
	ctx := context.Background()
	loc = &fresco.Location{Name: "Harbour", Timezone: "UTC"}
	must(t, db.CreateLocation(ctx, loc))
	team = &fresco.Team{Name: "Front desk", LocationID: &loc.ID}
	must(t, db.CreateTeam(ctx, team))
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	must(t, err)
	sam.TeamID = &team.ID
	must(t, db.UpdateEmployee(ctx, sam))
	staff = []*fresco.Employee{sam}
	for i := range 5 {
		e := &fresco.Employee{Name: fmt.Sprintf("Desk %d", i), Email: fmt.Sprintf("desk%d@example.com", i), Role: fresco.RoleAgent,
			TeamID: &team.ID, Active: true}
		must(t, db.CreateEmployee(ctx, e))
		staff = append(staff, e)
	}
	return loc, team, staff
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
