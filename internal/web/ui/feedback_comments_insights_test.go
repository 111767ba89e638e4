package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/feedback/feedbacktest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// commentsWorld trains the classifier twice (two versions) and plants
// uncategorised comments with a growing theme.
func commentsWorld(t *testing.T, f *fixture) {
	t.Helper()
	feedbacktest.Train(t, f.app.Feedback, 2)
	feedbacktest.PlantThemes(t, f.app.Feedback)
}

func TestCommentsPageShowsQualityQueueThemesAndVersions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		commentsWorld(t, f)
		page := f.do(fresco.RoleAnalyst, "GET", "/feedback/comments", nil)
		if page.status != http.StatusOK {
			t.Fatalf("comments page = %d", page.status)
		}
		for _, want := range []string{`id="category-quality"`, "Right when suggested", `id="labelling-queue"`,
			feedbacktest.Doubtful, "The classifier hesitates between", "fits none of its categories", `id="emerging-themes"`, "parking",
			"growing", "share too little with the others to make a theme", `id="model-versions"`, "in use", "about Empathy", "never suggested"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("comments page lacks %q", want)
			}
		}
		for _, notForAnalysts := range []string{"Make this a category", "Roll back to this version"} {
			if strings.Contains(page.body, notForAnalysts) {
				t.Errorf("an analyst is offered %q", notForAnalysts)
			}
		}
		page = f.do(fresco.RoleManager, "GET", "/feedback/comments", nil)
		for _, want := range []string{"Make this a category", "Roll back to this version"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("a manager is not offered %q", want)
			}
		}
	})
}

func TestCommentsPageActions(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		commentsWorld(t, f)

		theme := url.Values{"slug": {"car-park"}, "name": {"Car park"}, "keyword": {"car park", "parking"}}
		if res := f.do(fresco.RoleAnalyst, "POST", "/feedback/themes/category", theme); res.status != http.StatusForbidden {
			t.Errorf("analyst makes a category: %d", res.status)
		}
		if res := f.do(fresco.RoleManager, "POST", "/feedback/themes/category", theme); res.status != http.StatusSeeOther {
			t.Fatalf("manager makes a category: %d %s", res.status, res.body)
		}
		if tax, err := f.app.Feedback.Taxonomy(ctx); err != nil {
			t.Fatal(err)
		} else if _, ok := tax.Lookup("car-park"); !ok {
			t.Error("theme did not become a category")
		}

		if res := f.do(fresco.RoleAnalyst, "POST", "/feedback/classifier/versions/1/rollback", url.Values{}); res.status != http.StatusForbidden {
			t.Errorf("analyst rolls back: %d", res.status)
		}
		if res := f.do(fresco.RoleOwner, "POST", "/feedback/classifier/versions/1/rollback", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("owner rolls back: %d %s", res.status, res.body)
		}
		versions, err := f.app.Feedback.ModelVersions(ctx)
		if err != nil || !versions[0].Active {
			t.Errorf("after rollback: %+v, %v", versions, err)
		}
		if res := f.do(fresco.RoleOwner, "POST", "/feedback/classifier/versions/9/rollback", url.Values{}); res.status != http.StatusNotFound {
			t.Errorf("rollback to a version never kept: %d", res.status)
		}

		queue, err := f.app.Feedback.LabellingQueue(ctx, 1)
		if err != nil || len(queue) != 1 {
			t.Fatalf("queue %v, %v", queue, err)
		}
		res := f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/feedback/comments/%d", queue[0].ResponseID),
			url.Values{"show": {"queue"}, "category": {"price-billing"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/feedback/comments#queue" {
			t.Errorf("labelling from the queue = %d → %q", res.status, res.header.Get("Location"))
		}

		res = f.do(fresco.RoleManager, "POST", "/feedback/classifier", url.Values{})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/feedback/comments?done=classifier-queued" {
			t.Errorf("retrain now = %d → %q", res.status, res.header.Get("Location"))
		}
		var queued int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = 'queued'`, feedback.JobTrainClassifier).Scan(&queued); err != nil || queued != 1 {
			t.Errorf("%d retraining jobs waiting (%v), want 1", queued, err)
		}

		empathy := f.do(fresco.RoleAgent, "GET", "/feedback/comments?aspect=empathy", nil)
		_, list, _ := strings.Cut(empathy.body, `id="comments"`)
		list, _, _ = strings.Cut(list, "</ul>") // the list comes first on the page
		if !strings.Contains(list, "rude and dismissive") || strings.Contains(list, "hospital food was cold") {
			t.Errorf("aspect filter lists the wrong comments:\n%s", list)
		}
	})
}

// TestCommentsQueueOfAMultiLabelModel: a model that gives several
// categories queues the comment whose second category it is unsure to add,
// and says which, not "hesitates between" two it gives anyway.
func TestCommentsQueueOfAMultiLabelModel(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ago := time.Now().UTC().Add(-21 * 24 * time.Hour)
		for i := range 12 {
			feedbacktest.Record(t, f.app.Feedback, fmt.Sprintf("The delivery was late again, waited %d hours", i+2), ago, "waiting-delivery")
			feedbacktest.Record(t, f.app.Feedback, fmt.Sprintf("Far too expensive, charged %d pounds twice", i+2), ago, "price-billing")
			feedbacktest.Record(t, f.app.Feedback, fmt.Sprintf("Late delivery %d days and an expensive bill", i+2), ago, "waiting-delivery", "price-billing")
		}
		if _, err := f.app.Feedback.TrainClassifier(context.Background()); err != nil {
			t.Fatal(err)
		}
		feedbacktest.Record(t, f.app.Feedback, "Late delivery and the bill", time.Now().UTC().Add(-time.Hour))
		page := f.do(fresco.RoleAnalyst, "GET", "/feedback/comments", nil)
		_, queue, _ := strings.Cut(page.body, `id="labelling-queue"`)
		queue, _, _ = strings.Cut(queue, "</ul>")
		if !strings.Contains(queue, "The classifier is unsure whether it is also about") || strings.Contains(queue, "hesitates between") {
			t.Errorf("the queue of a multi-label model:\n%s", queue)
		}
	})
}
