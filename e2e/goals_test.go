package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/store"
)

// TestBrowserGoals: this month's 100 answers give an NPS of 50, likely
// between 35 and 62. The owner opens Goals from the menu and sets two
// goals: at least 30 (on track: even the low end meets it) and at least 65
// (off track: even the high end misses it). The home page's card shows
// both, off track first; changing the second to 40 makes it "can't tell
// yet". The agent sees the goals and no form to set one.
func TestBrowserGoals(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db := st.db
	now := time.Now().UTC()
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		for score, n := range map[int]int{10: 60, 8: 30, 3: 10} {
			for range n {
				if _, err := tx.Exec(ctx, `INSERT INTO responses (post_id, source, responded_at, nps, created_at)
					VALUES ((SELECT id FROM listening_posts WHERE slug = 'survey'), 'api', ?, ?, ?)`, now, score, now); err != nil {
					return err
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	st.fromMenu("open the goals from the menu", "/goals")
	if got := text("#goals-list"); !strings.Contains(got, "No goals yet") {
		t.Fatalf("goals before any: %q", got)
	}
	setGoal := func(name, target string) {
		t.Helper()
		do("fill in the goal "+name, chromedp.SetValue(chromedp.ID("goal-name"), name),
			chromedp.SetValue(chromedp.ID("goal-metric"), "nps"), chromedp.SetValue(chromedp.ID("goal-scope"), "all"),
			chromedp.SetValue(chromedp.ID("goal-target"), target), chromedp.SetValue(chromedp.ID("goal-period"), "month"))
		load("set the goal "+name, chromedp.Click(chromedp.ID("goal-add")))
		if got := text(".flash"); got != "Goal saved." {
			t.Fatalf("after setting %s: flash %q", name, got)
		}
	}
	setGoal("NPS at least 30", "30")
	setGoal("NPS at least 65", "65")
	rows := text("#goals-list tbody")
	for _, want := range []string{"NPS at least 30", "On track", "NPS at least 65", "Off track", "50 so far from 100 answers, likely 35 to 62"} {
		if !strings.Contains(rows, want) {
			t.Errorf("goals list %q lacks %q", rows, want)
		}
	}

	load("go home", chromedp.Navigate(st.base+"/"))
	card := text("#home-goals")
	if off, on := strings.Index(card, "Off track"), strings.Index(card, "On track"); off < 0 || on < 0 || off > on {
		t.Errorf("home card %q: want both goals, off track first", card)
	}

	load("open the goals from the card", chromedp.Click(chromedp.CSS(`#home-goals .card-head a`)))
	load("change the second goal", chromedp.Click(chromedp.CSS(`#goals-list tbody tr:nth-child(2) a`)))
	do("lower its target", chromedp.SetValue(chromedp.ID("goal-name"), "NPS at least 40"), chromedp.SetValue(chromedp.ID("goal-target"), "40"))
	load("save it", chromedp.Click(chromedp.ID("goal-save")))
	if got := text("#goals-list tbody tr:nth-child(2)"); !strings.Contains(got, "NPS at least 40") || !strings.Contains(got, "Can't tell yet") {
		t.Errorf("after the change: %q", got)
	}
	// A bad target is named on the page, and nothing changes.
	load("change it again", chromedp.Click(chromedp.CSS(`#goals-list tbody tr:nth-child(2) a`)))
	do("a target beyond the scale", chromedp.SetValue(chromedp.ID("goal-target"), "140"))
	load("try to save it", chromedp.Click(chromedp.ID("goal-save")))
	if got := text("#form-errors"); !strings.Contains(strings.ToLower(got), "target") {
		t.Errorf("refusal %q does not name the target", got)
	}

	load("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)))
	st.login("sam@example.com")
	load("the agent opens the goals", chromedp.Navigate(st.base+"/goals"))
	if got := text("#goals-list"); !strings.Contains(got, "NPS at least 30") || strings.Contains(got, "Change") {
		t.Errorf("agent's goals %q", got)
	}
	if forms := st.get("count the forms", chromedp.Evaluate[string](`String(document.querySelectorAll("#goal-new").length)`)); forms != "0" {
		t.Errorf("the agent is offered the form to set a goal")
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
