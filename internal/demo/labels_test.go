package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/store"
)

// testDemoCommentLabels: staff categorised a few hundred of the older
// comments with categories of the taxonomy, the last three weeks stay
// uncategorised, and the classifier is trained on them: a model version,
// its cross-validated figures, the unused category listed as needing
// labels, and a queue of comments to categorise.
func testDemoCommentLabels(t *testing.T, db *store.DB, w *world) {
	ctx := context.Background()
	labelled := count(t, db, `SELECT COUNT(*) FROM responses WHERE categorised_by <> ''`)
	if labelled < feedback.MinTrainingExamples || labelled > labelledComments {
		t.Fatalf("%d comments categorised, want %d to %d", labelled, feedback.MinTrainingExamples, labelledComments)
	}
	quiet := w.end.AddDate(0, 0, -labelQuietDays)
	if n := count(t, db, `SELECT COUNT(*) FROM responses WHERE categorised_by <> '' AND responded_at >= ?`, quiet); n != 0 {
		t.Errorf("%d comments of the last %d days categorised", n, labelQuietDays)
	}
	if n := count(t, db, `SELECT COUNT(*) FROM responses WHERE categorised_by NOT LIKE 'employee:%' AND categorised_by <> ''`); n != 0 {
		t.Errorf("%d comments categorised by nobody in particular", n)
	}
	svc := feedback.New(db, feedback.Options{Now: func() time.Time { return w.end }})
	tax, err := svc.Taxonomy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, cats := range commentCategories {
		for _, c := range cats {
			if _, ok := tax.Lookup(c); !ok {
				t.Errorf("category %q is not in the taxonomy", c)
			}
		}
	}
	st, err := svc.ClassifierStatus(ctx)
	if err != nil || !st.Trained || st.Evaluation == nil || st.Labelled != labelled {
		t.Fatalf("classifier %+v, %v; want trained on the %d categorised comments", st, err, labelled)
	}
	versions, err := svc.ModelVersions(ctx)
	if err != nil || len(versions) != 1 || !versions[0].Active {
		t.Errorf("model versions %+v, %v", versions, err)
	}
	needs, err := svc.CategoryNeeds(ctx)
	if err != nil || len(needs) != len(tax) || needs[0].Label != "feature-request" || needs[0].Support != 0 {
		t.Errorf("category needs %+v, %v: want every category, the unused feature-request first", needs, err)
	}
	queue, err := svc.LabellingQueue(ctx, 5)
	if err != nil || len(queue) == 0 || slices.ContainsFunc(queue, func(q feedback.QueuedComment) bool { return q.Response.CategorisedBy != "" }) {
		t.Errorf("labelling queue %+v, %v: want uncategorised comments", queue, err)
	}
}
