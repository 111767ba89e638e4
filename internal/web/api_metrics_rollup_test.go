package web_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// GET /api/v1/metrics/nps gives the NPS and interval the recorded responses
// give, counted here straight from the responses table, whether the filter
// is answered from the rollup (day bounds, kept dimensions) or from the
// responses (a bound within a day, a customer).
func TestMetricNPSFromRollupMatchesResponses(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newFBWorld(t, db)
		ctx := t.Context()
		r := rand.New(rand.NewPCG(7, 8))
		start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		for i := range 80 {
			at := start.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour))))
			emp := ""
			if i%3 != 0 {
				emp = fmt.Sprintf(`"employee_id":%d,`, w.bob)
			}
			post := []string{"survey", "satisfaction_card", "web_form"}[r.IntN(3)]
			w.call(fresco.RoleAgent, "POST", "/api/v1/responses", fmt.Sprintf(`{"customer_id":%d,%s"listening_post":%q,"responded_at":%q,"answers":[{"type":"nps","score":%d}]}`,
				w.customer, emp, post, at.Format(time.RFC3339), r.IntN(11)), 201)
		}
		// A correction that moves a response to another day and score.
		if _, err := db.Exec(ctx, `UPDATE responses SET responded_at = ?, nps = 0 WHERE id = (SELECT MIN(id) FROM responses)`, start.AddDate(0, 0, 1)); err != nil {
			t.Fatal(err)
		}
		// Timestamp literals are UTC: SQLite compares them with the stored
		// text, PostgreSQL in the test database's UTC session.
		cases := []struct{ query, where string }{
			{"", "1 = 1"},
			{"from=2025-03-03&to=2025-03-06", "r.responded_at >= '2025-03-03' AND r.responded_at < '2025-03-07'"},
			{fmt.Sprintf("employee=%d", w.bob), fmt.Sprintf("r.employee_id = %d", w.bob)},
			{fmt.Sprintf("employee=%d&location=%d", w.bob, w.loc), fmt.Sprintf("r.employee_id = %d AND r.location_id = %d", w.bob, w.loc)},
			{"post=satisfaction_card&from=2025-03-05", "p.slug = 'satisfaction_card' AND r.responded_at >= '2025-03-05'"},
			{"segment=new", "r.segment = 'new'"},
			{"from=2025-03-02T12:00:00Z", "r.responded_at >= '2025-03-02 12:00:00'"}, // within a day: the responses
			{fmt.Sprintf("customer=%d&to=2025-03-04", w.customer), fmt.Sprintf("r.customer_id = %d AND r.responded_at < '2025-03-05'", w.customer)},
		}
		for _, c := range cases {
			got := w.call(fresco.RoleAnalyst, "GET", "/api/v1/metrics/nps?"+c.query, nil, 200)
			var tally stats.Tally
			rows, err := db.Query(ctx, `SELECT r.nps FROM responses r JOIN listening_posts p ON p.id = r.post_id
				WHERE r.nps IS NOT NULL AND `+c.where)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var score int
				if err := rows.Scan(&score); err != nil {
					t.Fatal(err)
				}
				switch {
				case score >= 9:
					tally.Promoters++
				case score >= 7:
					tally.Passives++
				default:
					tally.Detractors++
				}
			}
			rows.Close()
			want, err := stats.NPS(tally, 0)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(want)
			var wantJSON map[string]any
			json.Unmarshal(b, &wantJSON)
			delete(got, "$schema")
			if !reflect.DeepEqual(got, wantJSON) {
				t.Errorf("%q:\n api       %v\n responses %v", c.query, got, wantJSON)
			}
			if c.query == "" && want.N != 80 {
				t.Fatalf("counted %d responses, want 80", want.N)
			}
		}
	})
}
