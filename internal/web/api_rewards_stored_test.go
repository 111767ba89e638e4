package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestStoredScorecardsMatchLive: the scorecards read from the rows the job
// stores are the scorecards worked out live, for the default period (its
// retention still open at rewardsNow) and a reward's period (settled), for
// the team, each member and the reward, and say as of when; late purchases
// and a late comment change nothing until the job runs again, and then
// what the view shows is again what a live count gives.
func TestStoredScorecardsMatchLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db, func(c *app.Config) { c.Now = func() time.Time { return rewardsNow } })
		w := buildRewardsWorld(t, f)
		f.call("owner", "POST", "/api/v1/rewards", map[string]any{"name": "Team dinner", "team_id": w.team,
			"measure": "retention", "target": 50, "from": "2025-01-01", "to": "2025-03-31"}, 201)

		paths := []string{
			fmt.Sprintf("/api/v1/teams/%d/scorecard", w.team), // the default period: 2025-01-02 to 2025-04-01
			fmt.Sprintf("/api/v1/teams/%d/scorecard?from=2025-01-01&to=2025-03-31&rank_by=retention", w.team),
			fmt.Sprintf("/api/v1/employees/%d/scorecard", w.ana.ID),
			fmt.Sprintf("/api/v1/employees/%d/scorecard?from=2025-01-01&to=2025-03-31", w.ben.ID),
			fmt.Sprintf("/api/v1/rewards?team=%d", w.team),
		}
		// view returns each path's body without as_of, and the as_of
		// values seen, in order.
		view := func() (bodies []string, asOf []any) {
			t.Helper()
			for _, p := range paths {
				body := f.call("owner", "GET", p, nil, 200)
				if items, ok := body["items"].([]any); ok {
					for _, it := range items {
						m := it.(map[string]any)
						asOf = append(asOf, m["as_of"])
						delete(m, "as_of")
					}
				} else {
					asOf = append(asOf, body["as_of"])
					delete(body, "as_of")
				}
				b, err := json.Marshal(body)
				if err != nil {
					t.Fatal(err)
				}
				bodies = append(bodies, string(b))
			}
			return bodies, asOf
		}
		same := func(what string, got, want []string) {
			t.Helper()
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("%s: GET %s\n got %s\nwant %s", what, paths[i], got[i], want[i])
				}
			}
		}
		stamp := rewardsNow.Format(time.RFC3339)
		wantAsOf := func(what string, got []any, want ...any) {
			t.Helper()
			if fmt.Sprintf("%v", got) != fmt.Sprintf("%v", want) {
				t.Errorf("%s: as_of %v, want %v", what, got, want)
			}
		}
		retention := func(body string, who string) string {
			var m map[string]any
			json.Unmarshal([]byte(body), &m)
			for _, x := range m["measures"].([]any) {
				if r := x.(map[string]any); r["measure"] == "retention" {
					return fmt.Sprintf("%s %v of %v (%v pending)", who, r["count"], r["n"], r["pending"])
				}
			}
			return who + " no retention"
		}

		live, asOf := view() // nothing stored: counted live
		wantAsOf("live", asOf, nil, nil, nil, nil, nil)
		if n, err := f.app.Rewards.RefreshScorecards(ctx); err != nil || n != 3 {
			t.Fatalf("first run worked out %d periods (%v), want 3: today's and tomorrow's default period, the reward's", n, err)
		}
		stored, asOf := view()
		same("stored", stored, live)
		wantAsOf("stored", asOf, stamp, stamp, stamp, stamp, stamp)
		// The page says so; a period the job does not keep is counted live.
		page := func(q string) string {
			t.Helper()
			res := f.do(request{method: "GET", path: fmt.Sprintf("/teams/%d/scorecard%s", w.team, q), cookie: w.anaCookie})
			if res.Code != 200 {
				t.Fatalf("team scorecard page%s = %s", q, res)
			}
			return string(res.Body)
		}
		if body := page(""); !strings.Contains(body, `id="scorecard-as-of"`) {
			t.Errorf("the default period's page does not say its retention counts are as of the job's run")
		}
		if body := page("?from=2025-01-01&to=2025-03-30"); strings.Contains(body, `id="scorecard-as-of"`) {
			t.Errorf("a period of one's own, counted live, says it is as of a run")
		}
		if got := retention(stored[3], "Ben"); got != "Ben 2 of 20 (0 pending)" {
			t.Errorf("stored: %s, want Ben 2 of 20", got)
		}

		// Late purchases: a customer Ben served in January who had not come
		// back buys in February; Ana serves a new customer in March. And a
		// late kind comment about Ben.
		var benCustomer int64
		if err := db.QueryRow(ctx, `SELECT p.customer_id FROM purchases p WHERE p.served_by = ? AND NOT EXISTS
			(SELECT 1 FROM purchases q WHERE q.customer_id = p.customer_id AND q.id <> p.id) ORDER BY p.id LIMIT 1`, w.ben.ID).Scan(&benCustomer); err != nil {
			t.Fatal(err)
		}
		late := &fresco.Customer{Name: "Late guest"}
		if err := db.CreateCustomer(ctx, late); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*fresco.Purchase{
			{CustomerID: &benCustomer, PurchasedAt: time.Date(2025, 2, 20, 10, 0, 0, 0, time.UTC)},
			{CustomerID: &late.ID, PurchasedAt: time.Date(2025, 3, 10, 10, 0, 0, 0, time.UTC), ServedBy: &w.ana.ID},
		} {
			p.Lines = []fresco.PurchaseLine{{SKU: "MEAL", Quantity: 1, UnitPrice: 2000}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.InTx(ctx, func(tx *store.Tx) error {
			_, err := tx.Exec(ctx, `INSERT INTO responses (post_id, employee_id, responded_at, nps, comment, created_at)
				SELECT MIN(id), ?, ?, 10, 'Lovely', ? FROM listening_posts`, w.ben.ID, time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC), rewardsNow)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		stale, _ := view()
		same("before the job runs again", stale, stored)

		if n, err := f.app.Rewards.RefreshScorecards(ctx); err != nil || n != 3 {
			t.Fatalf("run after the late purchases worked out %d periods (%v), want 3", n, err)
		}
		after, asOf := view()
		wantAsOf("after", asOf, stamp, stamp, stamp, stamp, stamp)
		if got := retention(after[3], "Ben"); got != "Ben 3 of 20 (0 pending)" {
			t.Errorf("after the late purchase: %s, want Ben 3 of 20", got)
		}
		if got := retention(after[1], "team"); got != "team 22 of 41 (0 pending)" {
			t.Errorf("after the late purchases: %s, want team 22 of 41", got)
		}
		if !strings.Contains(after[3], `"count":2,"hidden":true,"measure":"kind_words","n":4,`) {
			t.Errorf("after the late comment Ben's kind words are not 2 of 4: %s", after[3])
		}
		// The view of the same data with nothing stored: counted live.
		rows, err := db.ReportSnapshotRange(ctx, "rewards.scorecard.", "rewards.scorecard.~")
		if err != nil || len(rows) != 3 {
			t.Fatalf("%d stored periods (%v), want 3", len(rows), err)
		}
		for _, r := range rows {
			if err := db.DeleteReportSnapshot(ctx, r.Name); err != nil {
				t.Fatal(err)
			}
		}
		relive, _ := view()
		same("stored after the late purchases against live", after, relive)

		// Settled periods untouched by new purchases are not worked out
		// again, nor tomorrow's default period once stored; today's, open,
		// is, every run.
		for _, want := range []int{3, 1} { // stored anew; then nothing new
			if n, err := f.app.Rewards.RefreshScorecards(ctx); err != nil || n != want {
				t.Errorf("run worked out %d periods (%v), want %d", n, err, want)
			}
		}
	})
}
