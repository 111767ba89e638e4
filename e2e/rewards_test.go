package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// TestBrowserScorecard: the owner opens an agent's page and reads their
// results with the likely range (a measure with too few customers shows no
// figure), opens the team's scorecard where the colleague with too few is
// not ranked, nominates the agent, finds the nomination in the recognition
// feed, and defines a reward the team has met.
func TestBrowserScorecard(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a := st.db, st.app
	team := &fresco.Team{Name: "Harbour desk"}
	if err := db.CreateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	sam, err := db.EmployeeByEmail(ctx, "sam@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sam.TeamID = &team.ID
	if err := db.UpdateEmployee(ctx, sam); err != nil {
		t.Fatal(err)
	}
	tess := &fresco.Employee{Name: "Tess Newcomer", Email: "tess@example.com", Role: fresco.RoleAgent, Active: true, TeamID: &team.ID}
	if err := db.CreateEmployee(ctx, tess); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProduct(ctx, &fresco.Product{SKU: "TEA", ListPrice: 450}); err != nil {
		t.Fatal(err)
	}
	// 150 days ago lies in the default period (the 90 days that ended 90
	// days ago): Sam served 12 customers, 9 came back within 30 days; Tess
	// served 3, one came back. Team: 10 of 15.
	served := time.Now().AddDate(0, 0, -150)
	for i := range 15 {
		by, back := sam.ID, i < 9
		if i >= 12 {
			by, back = tess.ID, i == 12
		}
		c := &fresco.Customer{Name: fmt.Sprintf("Guest %d", i)}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		for _, at := range []time.Time{served, served.AddDate(0, 0, 30)} {
			p := &fresco.Purchase{CustomerID: &c.ID, PurchasedAt: at, ServedBy: &by, Lines: []fresco.PurchaseLine{{SKU: "TEA", Quantity: 1, UnitPrice: 450}}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
			if !back {
				break
			}
		}
	}
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	load("open Sam's page", chromedp.Navigate(fmt.Sprintf("%s/employees/%d", st.base, sam.ID)))
	// 9 of 12: Wilson 95% interval 46.8% to 91.1%.
	if got := text(`#scorecard-table tr[data-measure="retention"]`); !strings.Contains(got, "75%") || !strings.Contains(got, "47–91%") || !strings.Contains(got, "9 of 12") {
		t.Errorf("retention row %q", got)
	}
	if got := text(`#scorecard-table tr[data-measure="kind_words"]`); !strings.Contains(got, "Too few to tell yet") || strings.Contains(got, "%") {
		t.Errorf("kind words row %q: a figure below the minimum", got)
	}

	load("open the team's scorecard", chromedp.Click(chromedp.ID("team-scorecard-link")))
	do("rank by customers who came back", chromedp.SetValue(chromedp.ID("rank_by"), "retention"))
	load("show", chromedp.Click(chromedp.ID("team-update")))
	members := strings.ToLower(strings.Join(strings.Fields(text("#members")), " "))
	if !strings.Contains(members, "1 sam agent") || !strings.Contains(members, "— tess newcomer") {
		t.Errorf("members %q: Sam ranked first, Tess (3 customers) not ranked", members)
	}
	if got := text(`#team-results tr[data-measure="retention"]`); !strings.Contains(got, "67%") || !strings.Contains(got, "10 of 15") {
		t.Errorf("team retention %q", got)
	}

	load("back to Sam's page", chromedp.Navigate(fmt.Sprintf("%s/employees/%d", st.base, sam.ID)))
	do("open the nominate form", chromedp.Click(chromedp.CSS(`#scorecard details summary`)))
	do("say why", chromedp.SendKeys(chromedp.ID("nominate-reason"), "Calmed a furious guest and won them back"))
	load("nominate", chromedp.Click(chromedp.ID("nominate-send")))
	if got := text(".flash"); !strings.HasPrefix(got, "Nomination sent") {
		t.Fatalf("after nominating: %q", got)
	}
	st.fromMenu("open the recognition feed from the menu", "/recognition")
	if got := text("#recognition-feed"); !strings.Contains(got, "Sam Agent") || !strings.Contains(got, "Calmed a furious guest") {
		t.Errorf("feed %q", got)
	}

	load("open the rewards", chromedp.Navigate(st.base+"/rewards"))
	period := a.Rewards.DefaultPeriod(ctx)
	do("name the reward", chromedp.SendKeys(chromedp.ID("reward-name"), "Team dinner"))
	do("choose the measure", chromedp.SetValue(chromedp.ID("reward-measure"), "retention"))
	do("set the target", chromedp.SendKeys(chromedp.ID("reward-target"), "40"))
	do("set the period", chromedp.SetValue(chromedp.ID("reward-from"), period.From.Format(time.DateOnly)),
		chromedp.SetValue(chromedp.ID("reward-to"), period.To.Format(time.DateOnly)))
	load("define the reward", chromedp.Click(chromedp.ID("reward-save")))
	// 10 of 15 = 67%, likely range 42% to 85%: wholly above 40%.
	if got := strings.ToLower(text("#rewards")); !strings.Contains(got, "team dinner") || !strings.Contains(got, "met") || strings.Contains(got, "not met") {
		t.Errorf("rewards %q", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
