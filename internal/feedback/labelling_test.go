package feedback_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/text"
)

func TestLabellingQueueAndTrainingJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		if q, err := w.svc.LabellingQueue(ctx, 5); err != nil || len(q) != 0 {
			t.Fatalf("queue without comments = %v, %v", q, err)
		}
		labelComments(t, w, waitingAndPrice)
		_, err := w.svc.TrainClassifier(ctx)
		must(t, err)
		for _, c := range []string{"The courier was late and slow", "late refund for the expensive bill", "Overpriced and charged twice", "Late refund for the  expensive bill"} {
			_, err := w.svc.Record(ctx, &feedback.Input{Comment: c, ListeningPost: "web_form"})
			must(t, err)
		}
		q, err := w.svc.LabellingQueue(ctx, 2)
		must(t, err)
		if len(q) != 2 || !strings.Contains(q[0].Comment, "refund") || q[0].ResponseID == 0 || len(q[0].Suggestions) == 0 {
			t.Errorf("queue %+v, want the mixed comment first", q)
		}
		all, err := w.svc.LabellingQueue(ctx, 10)
		must(t, err)
		if len(all) != 3 {
			t.Errorf("queue of %d comments, want the 3 distinct ones: %+v", len(all), all)
		}
		waiting := func() (n int, runAt time.Time) {
			const queued = ` FROM jobs WHERE kind = ? AND status = 'queued'`
			must(t, db.QueryRow(ctx, `SELECT COUNT(*)`+queued, feedback.JobTrainClassifier).Scan(&n))
			must(t, db.QueryRow(ctx, `SELECT run_at`+queued+` ORDER BY run_at DESC LIMIT 1`, feedback.JobTrainClassifier).Scan(&runAt))
			return n, runAt
		}
		// Labelling queued one retraining, a few minutes out, for the whole session.
		if n, runAt := waiting(); n != 1 || !runAt.After(w.clock.Now()) {
			t.Errorf("after labelling: %d retrainings waiting, due %v", n, runAt)
		}
		_, err = w.svc.QueueTraining(ctx, "test")
		must(t, err)
		_, err = w.svc.QueueTraining(ctx, "test")
		must(t, err)
		if n, runAt := waiting(); n != 1 || runAt.After(time.Now()) {
			t.Errorf("after retrain now: %d retrainings waiting, due %v", n, runAt)
		}
	})
}

func TestCommentsWithAspect(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		for _, c := range []string{"The staff were rude and dismissive, terrible", "Lovely staff, very kind",
			"We waited 40 minutes for cold food, awful", "Awful, the receptionist was rude to my mother"} {
			_, err := w.svc.Record(ctx, &feedback.Input{Comment: c, ListeningPost: "web_form"})
			must(t, err)
		}
		got, _, err := w.svc.CommentsWithAspect(ctx, store.ResponseFilter{Limit: 1}, text.Empathy)
		must(t, err)
		if len(got) < 1 {
			t.Fatalf("no empathy complaints found")
		}
		for _, r := range got {
			if feedback.AspectOf(r.Comment) != text.Empathy {
				t.Errorf("%q listed under empathy", r.Comment)
			}
		}
		all, next, err := w.svc.CommentsWithAspect(ctx, store.ResponseFilter{Limit: 50}, text.Empathy)
		must(t, err)
		if len(all) != 2 || next != "" {
			t.Errorf("empathy complaints %d (next %q), want 2", len(all), next)
		}
		if feedback.AspectOf("Lovely staff, very kind") != "" {
			t.Error("praise given an aspect")
		}
	})
}
