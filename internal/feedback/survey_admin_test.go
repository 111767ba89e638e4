package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func newSurvey(t *testing.T, w *world, name, slug string, qs ...fresco.Question) *fresco.Survey {
	t.Helper()
	ctx := context.Background()
	post, err := w.db.ListeningPostBySlug(ctx, feedback.PostSurvey)
	must(t, err)
	sv := &fresco.Survey{Slug: slug, Name: name, PostID: post.ID, PostSlug: post.Slug, Active: true, WidgetEnabled: true, Questions: qs}
	must(t, w.svc.CreateSurvey(ctx, sv, "employee:1"))
	return sv
}

func TestSurveySlugsComeFromTheTitle(t *testing.T) {
	t.Parallel()
	for title, want := range map[string]string{
		"After your visit":          "after-your-visit",
		"  Après ta visite !  ":     "apres-ta-visite",
		"NPS — Q3 2025":             "nps-q3-2025",
		"!!!":                       "survey",
		strings.Repeat("long ", 30): strings.TrimRight(strings.Repeat("long-", 13), "-"),
	} {
		if got := feedback.SlugOf(title); got != want {
			t.Errorf("SlugOf(%q) = %q, want %q", title, got, want)
		}
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		nps := fresco.Question{Type: feedback.TypeNPS}
		first := newSurvey(t, w, "After your visit", "", nps)
		second := newSurvey(t, w, "After your visit", "", nps)
		third := newSurvey(t, w, "After your visit!", "", nps)
		if first.Slug != "after-your-visit" || second.Slug != "after-your-visit-2" || third.Slug != "after-your-visit-3" {
			t.Errorf("slugs %q %q %q", first.Slug, second.Slug, third.Slug)
		}
		// A slug typed by the user is kept, and a taken one refused by name.
		sv := &fresco.Survey{Slug: "after-your-visit", Name: "Again", PostID: first.PostID, Questions: []fresco.Question{nps}}
		if err := w.svc.CreateSurvey(context.Background(), sv, "employee:1"); fieldsOf(err)["slug"] == "" {
			t.Errorf("taken slug: %v", err)
		}
	})
}

func TestArchivedSurveysTakeNoAnswers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		sv := newSurvey(t, w, "Table card", "table-card", fresco.Question{Type: feedback.TypeNPS})
		inv, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID, CustomerID: &w.ada.ID})
		must(t, err)
		got, err := w.svc.ArchiveSurvey(ctx, sv.ID, true, "employee:2")
		must(t, err)
		if got.Active {
			t.Fatal("archived survey still active")
		}
		nine := 9
		answers := []feedback.AnswerInput{{Question: "q1", Type: feedback.TypeNPS, Score: &nine}}
		if _, err := w.svc.SubmitLink(ctx, strings.TrimPrefix(inv.Path, "/s/"), answers, ""); !errors.Is(err, feedback.ErrSurveyClosed) {
			t.Errorf("link of an archived survey: %v", err)
		}
		if _, err := w.svc.SubmitWidget(ctx, sv.Slug, answers, ""); !errors.Is(err, feedback.ErrSurveyClosed) {
			t.Errorf("widget of an archived survey: %v", err)
		}
		if _, err := w.svc.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID}); !strings.Contains(fieldsOf(err)["survey"], "archived") {
			t.Errorf("link for an archived survey: %v", err)
		}
		if _, err := w.svc.ArchiveSurvey(ctx, sv.ID, false, "employee:2"); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.SubmitWidget(ctx, sv.Slug, answers, ""); err != nil {
			t.Errorf("widget after unarchiving: %v", err)
		}
		counts, err := db.CountSurveyAnswers(ctx)
		must(t, err)
		if counts.BySurvey[sv.ID] != 1 {
			t.Errorf("answers %v", counts.BySurvey)
		}
		wantRecords(t, "archive", storetest.AuditLines(t, db, "survey", fmt.Sprint(sv.ID)),
			`employee:1 create {"slug":"table-card"}`, `employee:2 archive {"slug":"table-card"}`, `employee:2 unarchive {"slug":"table-card"}`)
	})
}

func TestCopyAndEditOfAnsweredSurveys(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		sv := newSurvey(t, w, "Stay", "stay", fresco.Question{Key: "nps", Type: feedback.TypeNPS},
			fresco.Question{Key: "room", Type: feedback.TypeSingleChoice, Choices: []string{"Sea", "Town"}})
		// Before any answer every question may change.
		edit, err := db.Survey(ctx, sv.ID)
		must(t, err)
		edit.Questions[1].Choices = []string{"Sea view", "Town"}
		must(t, w.svc.UpdateSurvey(ctx, edit, store.AnyVersion, "employee:1"))

		seven := 7
		_, err = w.svc.Record(ctx, &feedback.Input{SurveyID: &sv.ID, Answers: []feedback.AnswerInput{{Question: "nps", Type: feedback.TypeNPS, Score: &seven}}, Actor: "test"})
		must(t, err)
		// Rewording, required and new questions and choices are allowed.
		edit, err = db.Survey(ctx, sv.ID)
		must(t, err)
		edit.Questions[0].Text, edit.Questions[0].Required = "Would you recommend the Stay?", true
		edit.Questions[1].Choices = append(edit.Questions[1].Choices, "Garden")
		edit.Questions = append(edit.Questions, fresco.Question{Key: "better", Type: feedback.TypeText})
		must(t, w.svc.UpdateSurvey(ctx, edit, store.AnyVersion, "employee:1"))
		// Removing a question, changing its kind or dropping a choice is not.
		for name, change := range map[string]func(s *fresco.Survey) string{
			"remove": func(s *fresco.Survey) string { s.Questions = s.Questions[1:]; return "questions" },
			"retype": func(s *fresco.Survey) string { s.Questions[0].Type = feedback.TypeCSAT; return "questions[0].type" },
			"drop choice": func(s *fresco.Survey) string {
				s.Questions[1].Choices = []string{"Town"}
				return "questions[1].choices"
			},
		} {
			s, err := db.Survey(ctx, sv.ID)
			must(t, err)
			field := change(s)
			if err := w.svc.UpdateSurvey(ctx, s, store.AnyVersion, "employee:1"); fieldsOf(err)[field] == "" {
				t.Errorf("%s: %v, want an error on %s", name, err, field)
			}
		}
		// The copy is open, has the questions and no answers, so it may change freely.
		cp, err := w.svc.CopySurvey(ctx, sv.ID, "employee:3")
		must(t, err)
		if cp.Slug != "stay-copy" || cp.Name != "Stay (copy)" || !cp.Active || len(cp.Questions) != 3 {
			t.Errorf("copy %+v", cp)
		}
		cp.Questions = cp.Questions[1:]
		must(t, w.svc.UpdateSurvey(ctx, cp, store.AnyVersion, "employee:3"))
		again, err := w.svc.CopySurvey(ctx, sv.ID, "employee:3")
		must(t, err)
		if again.Slug != "stay-copy-2" {
			t.Errorf("second copy's slug %q", again.Slug)
		}
		wantRecords(t, "copy", storetest.AuditLines(t, db, "survey", fmt.Sprint(cp.ID)),
			fmt.Sprintf(`employee:3 copy {"from":%d,"slug":"stay-copy"}`, sv.ID), `employee:3 update {"slug":"stay-copy"}`)
	})
}

func TestLabelCommentsInBulk(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		var ids []int64
		for i, c := range []string{"The room was cold", "Waited an hour for the lift", "Lovely staff"} {
			r, err := w.svc.Record(ctx, &feedback.Input{Comment: c, Actor: "test", Answers: []feedback.AnswerInput{{Type: feedback.TypeNPS, Score: &i}}})
			must(t, err)
			ids = append(ids, r.ID)
		}
		must(t, w.svc.Categorise(ctx, ids[0], []string{"staff-manner"}, "employee:1"))
		must(t, w.svc.LabelComments(ctx, ids[:2], []string{"waiting-delivery", "staff-manner"}, "employee:2"))
		for i, want := range []string{"[staff-manner waiting-delivery]", "[waiting-delivery staff-manner]", "[]"} {
			r, err := db.Response(ctx, ids[i])
			must(t, err)
			if fmt.Sprint(r.Categories) != want {
				t.Errorf("response %d categories %v, want %s", i, r.Categories, want)
			}
		}
		wantRecords(t, "label", storetest.AuditLines(t, db, "response", fmt.Sprint(ids[1])),
			`employee:2 label {"added":["waiting-delivery","staff-manner"],"bulk":2}`)
		// Refused, naming the field, and changing nothing: no comment, no
		// category, an unknown category, a comment that does not exist.
		for field, try := range map[string]func() error{
			"id":            func() error { return w.svc.LabelComments(ctx, nil, []string{"staff-manner"}, "x") },
			"category":      func() error { return w.svc.LabelComments(ctx, ids, nil, "x") },
			"categories[0]": func() error { return w.svc.LabelComments(ctx, ids, []string{"no-such"}, "x") },
		} {
			if err := try(); fieldsOf(err)[field] == "" {
				t.Errorf("%s: %v", field, err)
			}
		}
		if err := w.svc.LabelComments(ctx, []int64{ids[2], 999999}, []string{"staff-manner"}, "x"); fieldsOf(err)["id"] == "" {
			t.Errorf("unknown id: %v", err)
		}
		if r, _ := db.Response(ctx, ids[2]); len(r.Categories) != 0 {
			t.Errorf("a refused bulk labelling changed %v", r.Categories)
		}
	})
}
