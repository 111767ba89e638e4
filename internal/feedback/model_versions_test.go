package feedback_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/text"
)

// labelComments records and categorises n comments per label.
func labelComments(t *testing.T, w *world, comments map[string][]string) {
	t.Helper()
	ctx := context.Background()
	for label, list := range comments {
		for i, c := range list {
			r, err := w.svc.Record(ctx, &feedback.Input{Comment: fmt.Sprintf("%s (%d)", c, i), ListeningPost: "web_form"})
			must(t, err)
			must(t, w.svc.Categorise(ctx, r.ID, []string{label}, "employee:1"))
		}
	}
}

var waitingAndPrice = map[string][]string{
	"waiting-delivery": {"The delivery was two days late", "We waited an hour in the queue", "Slow service at the bar",
		"Courier never arrived on time", "Still waiting for my parcel", "Late again", "Queue was huge", "Delivery took a week",
		"Waited ages for the bill", "Slow slow slow", "Parcel arrived late", "The wait was unbearable"},
	"price-billing": {"Far too expensive", "I was charged twice", "Where is my refund", "Overpriced drinks",
		"The bill was wrong", "Hidden fees everywhere", "Refund still not paid", "Charged for water",
		"Price went up again", "Invoice never came", "Too costly for what it is", "Double charge on my card"},
}

func TestClassifierVersionsAndRollback(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		labelComments(t, w, waitingAndPrice)
		first, err := w.svc.TrainClassifier(ctx)
		must(t, err)
		labelComments(t, w, map[string][]string{"price-billing": {"Expensive parking", "Costly menu"}})
		_, err = w.svc.TrainClassifier(ctx)
		must(t, err)
		versions, err := w.svc.ModelVersions(ctx)
		must(t, err)
		if len(versions) != 2 || versions[0].Version != 1 || versions[1].Version != 2 || !versions[1].Active || versions[0].Active {
			t.Fatalf("versions %+v", versions)
		}
		if versions[0].Labelled != first.Labelled || versions[1].Labelled != first.Labelled+2 {
			t.Errorf("labelled counts %+v", versions)
		}
		must(t, w.svc.RollbackClassifier(ctx, 1, "employee:1"))
		audit, err := db.ListAudit(ctx, "feedback_classifier", "1", 5)
		must(t, err)
		if len(audit) != 1 || audit[0].Actor != "employee:1" || audit[0].Action != "rollback" {
			t.Errorf("rollback audit %+v", audit)
		}
		versions, err = w.svc.ModelVersions(ctx)
		must(t, err)
		if !versions[0].Active || versions[1].Active {
			t.Errorf("after rollback %+v", versions)
		}
		st, err := w.svc.ClassifierStatus(ctx)
		must(t, err)
		if st.Evaluation == nil || st.Evaluation.NTest != first.Labelled {
			t.Errorf("status after rollback describes %+v, want version 1's evaluation", st.Evaluation)
		}
		if _, labels, err := w.svc.Suggest(ctx, "the courier was late again"); err != nil || len(labels) == 0 || labels[0] != "waiting-delivery" {
			t.Errorf("rolled-back model suggests %v, %v", labels, err)
		}
		if err := w.svc.RollbackClassifier(ctx, 9, "employee:1"); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("rollback to unknown version: %v", err)
		}
	})
}

func TestCategoryNeedsAndActiveLearning(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		if q, err := w.svc.ActiveLearningQueue(ctx, []string{"anything"}, 5); err != nil || q != nil {
			t.Fatalf("queue without a model = %v, %v", q, err)
		}
		labelComments(t, w, waitingAndPrice)
		_, err := w.svc.TrainClassifier(ctx)
		must(t, err)
		needs, err := w.svc.CategoryNeeds(ctx)
		must(t, err)
		if len(needs) == 0 || needs[0].F1 > needs[len(needs)-1].F1 {
			t.Fatalf("needs %+v", needs)
		}
		for _, n := range needs {
			if (n.F1 >= feedback.TargetCategoryF1) != (n.MoreLabels == 0) {
				t.Errorf("category %s: F1 %.2f but %d more labels", n.Label, n.F1, n.MoreLabels)
			}
		}
		// Every category of the taxonomy is listed; those no label has used
		// yet come first, unmeasured, each needing a first 20.
		tax, err := w.svc.Taxonomy(ctx)
		must(t, err)
		if len(needs) != len(tax) {
			t.Errorf("%d categories listed, the taxonomy has %d", len(needs), len(tax))
		}
		seenMeasured := false
		for _, n := range needs {
			switch {
			case n.Support > 0:
				seenMeasured = true
			case seenMeasured:
				t.Errorf("unlabelled category %s listed after a measured one", n.Label)
			case n.MoreLabels != 20 || n.Precision != 0:
				t.Errorf("unlabelled category %+v", n)
			}
		}
		if !seenMeasured {
			t.Error("no measured category listed")
		}
		comments := []string{"The courier was late and slow", "late refund for the expensive bill", "Overpriced and charged twice"}
		q, err := w.svc.ActiveLearningQueue(ctx, comments, 1)
		must(t, err)
		if len(q) != 1 || q[0].Index != 1 {
			t.Errorf("queue %+v, want the mixed comment (index 1) first", q)
		}
	})
}

func TestClassifierKeepsLastFiveVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		labelComments(t, w, waitingAndPrice)
		for range 7 {
			_, err := w.svc.TrainClassifier(ctx)
			must(t, err)
		}
		versions, err := w.svc.ModelVersions(ctx)
		must(t, err)
		if len(versions) != 5 || versions[0].Version != 3 || versions[4].Version != 7 || !versions[4].Active {
			t.Fatalf("versions %+v", versions)
		}
		must(t, w.svc.RollbackClassifier(ctx, 3, ""))
		if err := w.svc.RollbackClassifier(ctx, 2, ""); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("rollback to a forgotten version: %v", err)
		}
	})
}

// TestClassifierKeepsSentenceVectors: training stores each labelled
// comment's sentence vector beside it, so that the next training reads
// rather than encodes it; one of another encoder is made again, and
// editing a comment (erasure does) removes its vector.
func TestClassifierKeepsSentenceVectors(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		labelComments(t, w, waitingAndPrice)
		_, err := w.svc.TrainClassifier(ctx)
		must(t, err)
		comments, err := db.LabelledComments(ctx, 100)
		must(t, err)
		for _, c := range comments {
			if !slices.Equal(c.Vector, text.StoredSentenceVector(c.Text)) {
				t.Fatalf("comment %d %q: stored vector of %d bytes is not its own", c.ResponseID, c.Text, len(c.Vector))
			}
		}
		stale, edited := comments[0], comments[1]
		must(t, db.SetResponseVectors(ctx, map[int64][]byte{stale.ResponseID: []byte("another encoder")}))
		_, err = w.svc.TrainClassifier(ctx)
		must(t, err)
		if got := vectorOf(t, db, stale.ResponseID); !slices.Equal(got, text.StoredSentenceVector(stale.Text)) {
			t.Errorf("a vector of another encoder was kept: %d bytes", len(got))
		}
		_, err = db.Exec(ctx, `UPDATE responses SET comment = ? WHERE id = ?`, "Edited after training", edited.ResponseID)
		must(t, err)
		if got := vectorOf(t, db, edited.ResponseID); got != nil {
			t.Errorf("an edited comment kept the vector of its old words")
		}
	})
}

// vectorOf is the sentence vector stored for a labelled response, nil when
// none is.
func vectorOf(t *testing.T, db *store.DB, id int64) []byte {
	t.Helper()
	comments, err := db.LabelledComments(context.Background(), 100)
	must(t, err)
	for _, c := range comments {
		if c.ResponseID == id {
			return c.Vector
		}
	}
	t.Fatalf("response %d is not a labelled comment", id)
	return nil
}
