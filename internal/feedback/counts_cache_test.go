package feedback_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The dashboard's counts kept with the scores mark equal those read from
// the database after every kind of write to the answers and after a
// rebuild; a change behind the triggers' back does not show in them
// (they are kept), and a renamed employee shows in the ranking at once
// (named groups are never kept).
func TestDashboardCountsKeptEqualLive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		rec := func(at time.Time, nps, quality int) int64 {
			t.Helper()
			r, err := w.svc.Record(ctx, &feedback.Input{EmployeeID: &w.bob.ID, RespondedAt: at, Answers: []feedback.AnswerInput{
				{Type: "nps", Score: intp(nps)}, {Type: "csat", Score: intp(1 + quality%5)},
				{Type: "process_quality", Item: "responsiveness", Score: intp(quality)}}})
			must(t, err)
			return r.ID
		}
		for i := range 40 {
			rec(w.clock.Now().AddDate(0, 0, -3*i), []int{10, 9, 7, 3}[i%4], 1+i%5)
		}
		filters := []store.ResponseFilter{{}, {From: w.clock.Now().AddDate(0, -2, 0), To: w.clock.Now().AddDate(0, 0, 1)}}
		dashboard := func(ctx context.Context) string {
			t.Helper()
			var out string
			for _, f := range filters {
				nps, dist, err := w.svc.NPSWithDistribution(ctx, f)
				must(t, err)
				csat, err := w.svc.CSAT(ctx, f)
				must(t, err)
				trend, err := w.svc.Trend(ctx, f, feedback.ScaleNPS, feedback.PeriodMonth)
				must(t, err)
				days, err := w.svc.Trend(ctx, f, feedback.ScaleNPS, feedback.PeriodDay)
				must(t, err)
				segments, err := w.svc.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupSegment, 0)
				must(t, err)
				drivers, err := w.svc.Drivers(ctx, f)
				must(t, err)
				b, err := json.Marshal([]any{nps, dist, csat, trend, days, segments, drivers})
				must(t, err)
				out += string(b) + "\n"
			}
			return out
		}
		c := keptCheck{t: t, db: db, read: dashboard}
		same, exec := c.same, c.exec
		first := same("the first answers")
		id := rec(w.clock.Now(), 0, 1)
		if same("an answer today") == first {
			t.Fatal("an answer of 0 today left the dashboard as it was")
		}
		exec(`UPDATE responses SET nps = 10 WHERE id = ?`, id)
		same("a changed score")
		exec(`UPDATE responses SET responded_at = ? WHERE id = ?`, w.clock.Now().AddDate(0, -1, 0), id)
		same("a changed day")
		exec(`DELETE FROM response_answers WHERE response_id = ?`, id)
		exec(`DELETE FROM responses WHERE id = ?`, id)
		same("a deleted answer")

		c.keptUntilRebuild(`UPDATE feedback_score_monthly SET n = n + 5 WHERE scale = 'nps' AND score = 10`,
			`UPDATE feedback_driver_monthly SET n = n + 5 WHERE score = 5`)

		// A ranking names its groups after rows that change without an
		// answer: it is read afresh.
		w.bob.Name = "Robert"
		must(t, db.UpdateEmployee(ctx, w.bob))
		ranking, err := w.svc.Breakdown(ctx, store.ResponseFilter{}, feedback.ScaleNPS, store.GroupEmployee, 1)
		must(t, err)
		if len(ranking) == 0 || ranking[0].Label != "Robert" {
			t.Fatalf("the ranking after a rename = %+v, want Robert", ranking)
		}
	})
}

// The listening posts' delay counts kept with the scores mark equal those
// read from the database after every write that moves the delay rollup
// and after a rebuild; a change of the rollup behind the triggers' back
// does not show in them (they are kept).
func TestPostDelaysKeptEqualLive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		rec := func(bought time.Time, after time.Duration) int64 {
			t.Helper()
			p := w.buy(t, w.ada, w.bob, bought)
			r, err := w.svc.Record(ctx, &feedback.Input{CustomerID: &w.ada.ID, PurchaseID: &p.ID, EmployeeID: &w.bob.ID,
				RespondedAt: bought.Add(after), Answers: []feedback.AnswerInput{{Type: "nps", Score: intp(9)}}})
			must(t, err)
			return r.ID
		}
		for i := range 30 {
			rec(w.clock.Now().AddDate(0, 0, -2*i-1), time.Duration(1+i%4)*time.Hour)
		}
		// From and to at noon: the part-days at both ends are read from
		// the responses, the 59 whole days between from the rollup.
		from, to := w.clock.Now().AddDate(0, 0, -60), w.clock.Now()
		stats := func(ctx context.Context) string {
			t.Helper()
			list, err := w.svc.PostStats(ctx, from, to)
			must(t, err)
			var out []any
			for _, ps := range list {
				out = append(out, []any{ps.Post.Slug, ps.Responses, ps.WithPurchase, ps.MedianDelay})
			}
			b, err := json.Marshal(out)
			must(t, err)
			return string(b)
		}
		c := keptCheck{t: t, db: db, read: stats}
		same, exec := c.same, c.exec
		first := same("the first answers")
		// Two answers 30 hours after their purchases, on whole days of
		// the period: the median delay moves.
		id := rec(w.clock.Now().AddDate(0, 0, -20), 30*time.Hour)
		rec(w.clock.Now().AddDate(0, 0, -30), 30*time.Hour)
		if same("answers on whole days") == first {
			t.Fatal("answers on whole days of the period left the post's counts as they were")
		}
		exec(`UPDATE responses SET responded_at = ? WHERE id = ?`, w.clock.Now().AddDate(0, -4, 0), id)
		same("an answer moved out of the period")
		exec(`DELETE FROM response_answers WHERE response_id = ?`, id)
		exec(`DELETE FROM responses WHERE id = ?`, id)
		before := same("a deleted answer")
		// A response's purchase time alone moves its delay (migration
		// 00079 moves the mark for it): every purchase 90 days back moves
		// the median delay.
		exec(`UPDATE responses SET purchased_at = ?`, w.clock.Now().AddDate(0, 0, -90))
		if same("an answer's purchase time alone changed") == before {
			t.Fatal("answers with their purchases moved left the post's counts as they were")
		}

		c.keptUntilRebuild(`UPDATE feedback_delay_daily SET n = n + 5`, `UPDATE feedback_delay_monthly SET n = n + 5`)
	})
}

// keptCheck compares figures read with kept counts (read) with the same
// read live.
type keptCheck struct {
	t    *testing.T
	db   *store.DB
	read func(context.Context) string
}

// same fails unless the kept figures equal the live ones, and returns them.
func (c keptCheck) same(after string) string {
	c.t.Helper()
	ctx := context.Background()
	kept, live := c.read(ctx), c.read(feedback.Live(ctx))
	if kept != live {
		c.t.Fatalf("after %s the kept counts give\n%s\nthe live ones\n%s", after, kept, live)
	}
	return kept
}

func (c keptCheck) exec(q string, args ...any) {
	c.t.Helper()
	_, err := c.db.Exec(context.Background(), q, args...)
	must(c.t, err)
}

// keptUntilRebuild changes the rollups with stmts behind the triggers'
// back: the kept figures do not show it (they are kept), the live ones
// do; a rebuild, which repairs the rollups and moves the mark, brings
// back the figures of before.
func (c keptCheck) keptUntilRebuild(stmts ...string) {
	c.t.Helper()
	ctx := context.Background()
	kept := c.read(ctx)
	for _, q := range stmts {
		c.exec(q)
	}
	if c.read(ctx) != kept || c.read(feedback.Live(ctx)) == kept {
		c.t.Fatal("the counts were not kept: a rollup changed without its mark showed in them")
	}
	_, err := c.db.RebuildRollups(ctx)
	must(c.t, err)
	if c.same("a rebuild") != kept {
		c.t.Fatal("the rebuilt rollups give other counts than before the change")
	}
}
