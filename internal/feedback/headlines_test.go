package feedback_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The headlines kept in memory equal those worked out from the database
// after every kind of write to the answers, and are served from memory
// while nothing they count has changed: a rollup changed behind the
// triggers' back shows only in the live figures, until a rebuild.
func TestHeadlinesKeptEqualLive(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		periods := func() (now, before store.ResponseFilter) {
			day := w.clock.Now().UTC().Truncate(24 * time.Hour)
			from, to := day.AddDate(0, 0, -29), day.AddDate(0, 0, 1)
			return store.ResponseFilter{From: from, To: to}, store.ResponseFilter{From: from.AddDate(0, 0, -30), To: from}
		}
		rec := func(at time.Time, nps, csat, ces int) int64 {
			t.Helper()
			r, err := w.svc.Record(ctx, &feedback.Input{EmployeeID: &w.bob.ID, RespondedAt: at, Answers: []feedback.AnswerInput{
				{Type: "nps", Score: intp(nps)}, {Type: "csat", Score: intp(csat)}, {Type: "ces", Score: intp(ces)}}})
			must(t, err)
			return r.ID
		}
		for i := range 60 {
			rec(w.clock.Now().AddDate(0, 0, -i), []int{10, 9, 7, 3}[i%4], 1+i%5, 1+i%7)
		}
		headlines := func(read func(context.Context, store.ResponseFilter, store.ResponseFilter) (feedback.Headlines, error)) string {
			t.Helper()
			now, before := periods()
			h, err := read(ctx, now, before)
			must(t, err)
			return fmt.Sprintf("%+v", h)
		}
		same := func(after string) string {
			t.Helper()
			kept, live := headlines(w.svc.Headlines), headlines(w.svc.HeadlinesLive)
			if kept != live {
				t.Fatalf("after %s the kept headlines\n%s\ndiffer from the live ones\n%s", after, kept, live)
			}
			return kept
		}
		first := same("the first answers")
		id := rec(w.clock.Now(), 0, 1, 1)
		if same("an answer today") == first {
			t.Fatal("an answer of 0 today left the headlines as they were")
		}
		exec := func(q string, args ...any) {
			t.Helper()
			_, err := db.Exec(ctx, q, args...)
			must(t, err)
		}
		exec(`UPDATE responses SET nps = 10, csat = 5 WHERE id = ?`, id)
		same("a changed score")
		exec(`UPDATE responses SET responded_at = ? WHERE id = ?`, w.clock.Now().AddDate(0, 0, -45), id)
		same("a changed day")
		exec(`DELETE FROM responses WHERE id = ?`, id)
		same("a deleted answer")
		w.clock.Add(24 * time.Hour)
		same("a day passed")

		// Behind the triggers' back: the kept headlines do not see it …
		kept := headlines(w.svc.Headlines)
		exec(`UPDATE feedback_score_daily SET n = n + 5 WHERE scale = 'nps' AND score = 10`)
		exec(`UPDATE feedback_score_monthly SET n = n + 5 WHERE scale = 'nps' AND score = 10`)
		if headlines(w.svc.Headlines) != kept || headlines(w.svc.HeadlinesLive) == kept {
			t.Fatal("the headlines were not kept: a rollup changed without its mark showed in them")
		}
		// … and a rebuild, which repairs the rollup, moves the mark.
		_, err := db.RebuildRollups(ctx)
		must(t, err)
		if same("a rebuild") != kept {
			t.Fatal("the rebuilt rollups give other headlines than before the change")
		}
	})
}
