package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// trainedWithThemes categorises comments, trains the classifier twice and
// records uncategorised comments: a parking theme new this week, a
// doubtful comment and a rude-staff complaint.
func trainedWithThemes(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	svc := f.app.Feedback
	record := func(comment string, at time.Time, cats ...string) {
		r, err := svc.Record(ctx, &feedback.Input{Comment: comment, ListeningPost: "web_form", RespondedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		if len(cats) > 0 {
			if err := svc.Categorise(ctx, r.ID, cats, "employee:1"); err != nil {
				t.Fatal(err)
			}
		}
	}
	now := time.Now().UTC()
	for i := range 12 {
		record(fmt.Sprintf("The delivery was late again, waited %d hours", i+2), now.Add(-20*24*time.Hour), "waiting-delivery")
		record(fmt.Sprintf("Far too expensive, charged %d pounds twice", i+2), now.Add(-20*24*time.Hour), "price-billing")
	}
	for range 2 {
		if _, err := svc.TrainClassifier(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 8 {
		record("The car park was full and parking cost a fortune", now.Add(-time.Duration(i+1)*time.Hour))
		record("The hospital food was cold and tasteless", now.Add(-time.Duration(i+8)*24*time.Hour))
	}
	record("Late refund for the expensive bill", now.Add(-time.Hour))
	record("The staff were rude and dismissive, terrible", now.Add(-time.Hour))
}

func TestClassifierAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		trainedWithThemes(t, f)
		analyst, manager := fresco.RoleAnalyst, fresco.RoleManager

		quality := f.call(analyst, "GET", "/api/v1/feedback/classifier/quality", nil, 200)
		cats := quality["categories"].([]any)
		if quality["target_f1"].(float64) != feedback.TargetCategoryF1 || len(cats) != 2 {
			t.Errorf("quality %v", quality)
		}
		for _, c := range cats {
			if _, ok := c.(map[string]any)["more_labels"]; !ok {
				t.Errorf("category without more_labels: %v", c)
			}
		}

		queue := f.call(analyst, "GET", "/api/v1/feedback/classifier/queue?limit=3", nil, 200)["comments"].([]any)
		if len(queue) != 3 || !strings.Contains(fmt.Sprint(queue), "Late refund for the expensive bill") {
			t.Errorf("queue %v", queue)
		}

		themes := f.call(analyst, "GET", "/api/v1/feedback/themes", nil, 200)
		found := false
		for _, th := range themes["themes"].([]any) {
			m := th.(map[string]any)
			if strings.Contains(fmt.Sprint(m["terms"]), "park") {
				found = m["growing"] == true && m["this_week"].(float64) == 8
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
