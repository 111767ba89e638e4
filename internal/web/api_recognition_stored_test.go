package web_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/rewards"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The recognition feed's recoveries are stored (rewards/recovered.go): the
// feed read from them equals the recoveries found at the time they were
// worked out, for everyone and per team, says when that was, falls behind
// a new purchase until the job runs, and equals it again after.
func TestRecognitionStoredRecoveriesEqualLive(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2025, 4, 15, 12, 0, 0, 0, time.UTC) // the world's recoveries of February and March are within 90 days
		f := newFixture(t, db, func(c *app.Config) { c.Now = func() time.Time { return now } })
		w := buildRewardsWorld(t, f)
		ctx := context.Background()
		type feedCase struct {
			id   int64
			asOf string
		}
		feed := func(query string) []feedCase {
			var out []feedCase
			for _, x := range f.call("analyst", "GET", "/api/v1/recognition"+query, nil, 200)["items"].([]any) {
				if e := x.(map[string]any); e["kind"] == "recovered" {
					out = append(out, feedCase{int64(e["case_id"].(float64)), e["as_of"].(string)})
				}
			}
			return out
		}
		live := func(employees []int64) []feedCase {
			list, err := db.AllRecoveredCustomers(ctx, store.RecognitionQuery{Employees: employees, Since: now.AddDate(0, 0, -rewards.FeedDays)})
			if err != nil {
				t.Fatal(err)
			}
			list = list[:min(len(list), rewards.FeedLimit)]
			out := []feedCase{}
			for _, r := range list {
				out = append(out, feedCase{r.CaseID, now.Format(time.RFC3339)})
			}
			return out
		}
		check := func(when string) {
			t.Helper()
			for _, tc := range []struct {
				query     string
				employees []int64
			}{{"", nil}, {fmt.Sprintf("?team=%d", w.team), []int64{w.ana.ID, w.ben.ID}}, {fmt.Sprintf("?team=%d", w.otherTeam), []int64{w.cleo.ID}}} {
				got, want := feed(tc.query), live(tc.employees)
				if !slices.Equal(got, want) {
					t.Fatalf("%s: recoveries of the feed%s %v, want %v", when, tc.query, got, want)
				}
			}
		}
		check("first view")
		n := len(live(nil))
		if n < 10 {
			t.Fatalf("%d recoveries in the world, want at least Ana's 10 and Ben's 1", n)
		}

		// Ana's last case's customer buys: stored, the feed does not show
		// it until the job works the recoveries out again.
		var c, caseID int64
		if err := db.QueryRow(ctx, `SELECT customer_id, id FROM recovery_cases WHERE owner_id = ? ORDER BY resolved_at DESC LIMIT 1`, w.ana.ID).Scan(&c, &caseID); err != nil {
			t.Fatal(err)
		}
		before := feed("")
		if err := db.CreatePurchase(ctx, &fresco.Purchase{CustomerID: &c, PurchasedAt: now.Add(-time.Hour),
			Lines: []fresco.PurchaseLine{{SKU: "MEAL", Quantity: 1, UnitPrice: 2000}}}); err != nil {
			t.Fatal(err)
		}
		if got := feed(""); !slices.Equal(got, before) {
			t.Fatalf("the stored recoveries changed before the job ran: %v", got)
		}
		now = now.Add(time.Hour)
		if _, err := f.app.Rewards.RefreshRecovered(ctx); err != nil {
			t.Fatal(err)
		}
		check("after the job")
		has := func(list []feedCase) bool {
			return slices.ContainsFunc(list, func(c feedCase) bool { return c.id == caseID })
		}
		if got := feed(""); len(got) != n+1 || !has(got) || has(before) {
			t.Fatalf("after the job the recoveries are %v, want case %d among %d (before: %v)", got, caseID, n+1, before)
		}
	})
}
