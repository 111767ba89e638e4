package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/feedback/feedbacktest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestClassifierAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		feedbacktest.Train(t, f.app.Feedback, 2)
		feedbacktest.PlantThemes(t, f.app.Feedback)
		analyst, manager := fresco.RoleAnalyst, fresco.RoleManager

		quality := f.call(analyst, "GET", "/api/v1/feedback/classifier/quality", nil, 200)
		cats := quality["categories"].([]any)
		tax, err := f.app.Feedback.Taxonomy(context.Background())
		must(t, err)
		if quality["target_f1"].(float64) != feedback.TargetCategoryF1 || len(cats) != len(tax) {
			t.Errorf("quality %v: want every one of the %d categories", quality, len(tax))
		}
		measured := 0
		for _, c := range cats {
			if c.(map[string]any)["support"].(float64) > 0 {
				measured++
			}
		}
		if measured != 2 {
			t.Errorf("%d categories measured, want the 2 labelled", measured)
		}
		for _, c := range cats {
			if _, ok := c.(map[string]any)["more_labels"]; !ok {
				t.Errorf("category without more_labels: %v", c)
			}
		}

		queue := f.call(analyst, "GET", "/api/v1/feedback/classifier/queue?limit=10", nil, 200)["comments"].([]any)
		if len(queue) != 5 || !strings.Contains(fmt.Sprint(queue), feedbacktest.Doubtful) {
			t.Errorf("queue %v", queue)
		}

		themes := f.call(analyst, "GET", "/api/v1/feedback/themes", nil, 200)
		found := false
		for _, th := range themes["themes"].([]any) {
			m := th.(map[string]any)
			if strings.Contains(fmt.Sprint(m["terms"]), "park") {
				found = m["growing"] == true && m["this_week"].(float64) == 10
			}
		}
		if !found {
			t.Errorf("no growing parking theme in %v", themes)
		}
		created := f.call(manager, "POST", "/api/v1/feedback/categories", `{"name":"Car park","keywords":["parking"]}`, 201)
		if created["slug"] != "car-park" {
			t.Errorf("created %v", created)
		}
		f.call(manager, "POST", "/api/v1/feedback/categories", `{"name":"Car park"}`, 409)
		f.call(analyst, "POST", "/api/v1/feedback/categories", `{"name":"Parking"}`, 403)

		versions := f.call(analyst, "GET", "/api/v1/feedback/classifier/versions", nil, 200)["versions"].([]any)
		if len(versions) != 2 || versions[1].(map[string]any)["active"] != true {
			t.Fatalf("versions %v", versions)
		}
		f.call(analyst, "POST", "/api/v1/feedback/classifier/versions/1:rollback", nil, 403)
		versions = f.call(manager, "POST", "/api/v1/feedback/classifier/versions/1:rollback", nil, 200)["versions"].([]any)
		if versions[0].(map[string]any)["active"] != true || versions[1].(map[string]any)["active"] != false {
			t.Errorf("after rollback %v", versions)
		}

		if job := f.call(manager, "POST", "/api/v1/feedback/classifier:retrain", nil, 202); job["kind"] != feedback.JobTrainClassifier {
			t.Errorf("retrain queued %v", job)
		}

		empathy := f.call(analyst, "GET", "/api/v1/responses?aspect=empathy", nil, 200)["items"].([]any)
		if !strings.Contains(fmt.Sprint(empathy), "rude and dismissive") {
			t.Errorf("the rude-staff complaint is not among the empathy complaints")
		}
		for _, r := range empathy {
			if r.(map[string]any)["aspect"] != "empathy" {
				t.Errorf("listed under empathy: %v", r)
			}
		}
	})
}
