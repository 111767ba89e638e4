package feedback_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/text"
)

// Each change below is audited by the service in the change's transaction,
// so the UI and the API, which both call it, leave the same record; a
// refused change leaves none.

func wantRecords(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: audit\n%s\nwant\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func ptr[T any](v T) *T { return &v }

func TestUpdatePostIsValidatedAndAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		p, err := db.ListeningPostBySlug(ctx, feedback.PostComplaint)
		must(t, err)
		id := fmt.Sprint(p.ID)
		read := p.Version
		change := feedback.PostChange{UsedFor: ptr("Weekly service review"), Solicited: ptr(false)}
		must(t, w.svc.UpdatePost(ctx, p, read, change, "employee:3"))
		stored, err := db.ListeningPost(ctx, p.ID)
		must(t, err)
		if stored.UsedFor != "Weekly service review" || stored.Solicited || stored.Version != read+1 || stored.Name != p.Name {
			t.Errorf("stored %+v", stored)
		}
		wantRecords(t, "update", storetest.AuditLines(t, db, "listening_post", id),
			`employee:3 update {"solicited":false,"used_for":"Weekly service review"}`)

		// Refused: a stale version, an empty name, an over-long text.
		again, err := db.ListeningPost(ctx, p.ID)
		must(t, err)
		if err := w.svc.UpdatePost(ctx, again, read, feedback.PostChange{Name: ptr("Late")}, "employee:3"); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Errorf("stale: %v, want ESTALE", err)
		}
		if err := w.svc.UpdatePost(ctx, again, store.AnyVersion, feedback.PostChange{Name: ptr("")}, "employee:3"); fieldsOf(err)["name"] == "" {
			t.Errorf("empty name: %v, want an error naming name", err)
		}
		long := strings.Repeat("x", 2001)
		if err := w.svc.UpdatePost(ctx, again, store.AnyVersion, feedback.PostChange{Description: &long}, "employee:3"); fieldsOf(err)["description"] == "" {
			t.Errorf("long description: %v, want an error naming description", err)
		}
		wantRecords(t, "after refusals", storetest.AuditLines(t, db, "listening_post", ""),
			`employee:3 update {"solicited":false,"used_for":"Weekly service review"}`)
	})
}

func TestUpdateSurveyIsValidatedAndAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		post, err := db.ListeningPostBySlug(ctx, feedback.PostSurvey)
		must(t, err)
		sv := &fresco.Survey{Slug: "visit", Name: "After your visit", PostID: post.ID, Active: true,
			Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}
		must(t, w.svc.CreateSurvey(ctx, sv, "employee:1"))
		id := fmt.Sprint(sv.ID)

		sv.Slug, sv.Name = "stay", "After your stay"
		must(t, w.svc.UpdateSurvey(ctx, sv, 1, "employee:2"))
		if stored, err := db.Survey(ctx, sv.ID); err != nil || stored.Slug != "stay" || stored.Version != 2 {
			t.Errorf("stored %+v, %v", stored, err)
		}
		created, updated := `employee:1 create {"slug":"visit"}`, `employee:2 update {"slug":"stay"}`
		wantRecords(t, "update", storetest.AuditLines(t, db, "survey", id), created, updated)

		bad := *sv
		bad.Slug = "Not A Slug"
		if err := w.svc.UpdateSurvey(ctx, &bad, store.AnyVersion, "employee:2"); fieldsOf(err)["slug"] == "" {
			t.Errorf("bad slug: %v, want an error naming slug", err)
		}
		stale := *sv
		stale.Name = "Old"
		if err := w.svc.UpdateSurvey(ctx, &stale, 1, "employee:2"); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Errorf("stale: %v, want ESTALE", err)
		}
		other := &fresco.Survey{Slug: "other", Name: "Other", PostID: post.ID, Questions: []fresco.Question{{Key: "nps", Type: "nps"}}}
		must(t, w.svc.CreateSurvey(ctx, other, "employee:1"))
		other.Slug = "stay"
		if err := w.svc.UpdateSurvey(ctx, other, store.AnyVersion, "employee:2"); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("taken slug: %v, want ECONFLICT", err)
		}
		wantRecords(t, "after refusals", storetest.AuditLines(t, db, "survey", id), created, updated)
		if n := len(storetest.AuditLines(t, db, "survey", "")); n != 3 {
			t.Errorf("%d survey records, want 3 (two creates, one update)", n)
		}
	})
}

func TestSetTaxonomyIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		// Seeding the defaults on first read is nobody's change.
		def, err := w.svc.Taxonomy(ctx)
		must(t, err)
		if len(def) == 0 {
			t.Fatal("no default taxonomy")
		}
		wantRecords(t, "seeded", storetest.AuditLines(t, db, "feedback_categories", ""))

		two := text.Taxonomy{{Slug: "speed", Name: "Speed", Keywords: []string{"slow"}}, {Slug: "price", Name: "Price"}}
		must(t, w.svc.SetTaxonomy(ctx, two, "employee:4"))
		got, err := w.svc.Taxonomy(ctx)
		must(t, err)
		if len(got) != 2 || got[0].Slug != "speed" {
			t.Errorf("taxonomy %+v", got)
		}
		dup := text.Taxonomy{{Slug: "speed", Name: "Speed"}, {Slug: "speed", Name: "Again"}}
		if err := w.svc.SetTaxonomy(ctx, dup, "employee:4"); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("duplicate slug: %v, want EINVALID", err)
		}
		wantRecords(t, "set", storetest.AuditLines(t, db, "feedback_categories", "0"), `employee:4 update {"count":2}`)
	})
}

func TestQueueTrainingIsAudited(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		// The second request replaces the waiting job; each is recorded
		// with the job that will run.
		first, err := w.svc.QueueTraining(ctx, "employee:5")
		must(t, err)
		wantRecords(t, "first", storetest.AuditLines(t, db, "job", fmt.Sprint(first)), `employee:5 feedback.retrain {}`)
		second, err := w.svc.QueueTraining(ctx, "token:2")
		must(t, err)
		got := storetest.AuditLines(t, db, "job", "")
		wantRecords(t, "both", got, `employee:5 feedback.retrain {}`, `token:2 feedback.retrain {}`)
		if last := storetest.AuditLines(t, db, "job", fmt.Sprint(second)); len(last) == 0 || last[len(last)-1] != `token:2 feedback.retrain {}` {
			t.Errorf("second job %d: audit %v", second, last)
		}
	})
}
