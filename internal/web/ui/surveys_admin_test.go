package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestSurveyAdmin: the list counts answers (and those that came without a
// form), a new survey's slug comes from its name, a refused form keeps what
// was typed, and a survey is edited, copied, archived and previewed.
func TestSurveyAdmin(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		const M = fresco.RoleManager
		// Answers that came without a form (as demo data does).
		for range 3 {
			if _, err := f.app.Feedback.Record(ctx, &feedback.Input{Comment: "fine", Actor: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		list := f.do(M, "GET", "/feedback/surveys", nil)
		if !strings.Contains(list.body, "No survey forms yet, but answers are coming in another way") || !strings.Contains(list.body, `id="unformed-answers"><strong>3</strong>`) {
			t.Errorf("empty survey list says nothing of the answers:\n%s", list.body)
		}
		// A refused form keeps what was typed.
		typed := url.Values{"name": {"After your visit"}, "slug": {"Bad Slug"}, "intro": {"Two minutes"}, "block_csat": {"on"}, "widget": {"on"}}
		res := f.do(M, "POST", "/feedback/surveys", typed)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("bad slug = %d", res.status)
		}
		for _, want := range []string{"Short name: must be", `value="Bad Slug"`, `value="Two minutes"`, `name="block_csat" checked`, `name="widget" checked`} {
			if !strings.Contains(res.body, want) {
				t.Errorf("refused form lacks %q", want)
			}
		}
		if strings.Contains(res.body, `name="block_nps" checked`) {
			t.Errorf("refused form ticks a block the user did not")
		}
		// An empty slug is made from the name.
		typed.Set("slug", "")
		res = f.do(M, "POST", "/feedback/surveys", typed)
		if res.status != http.StatusSeeOther {
			t.Fatalf("create = %d %s", res.status, res.body)
		}
		sv, err := db.SurveyBySlug(ctx, "after-your-visit")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.app.Feedback.Record(ctx, &feedback.Input{SurveyID: &sv.ID, Comment: "via the form", Actor: "test",
			Answers: []feedback.AnswerInput{{Question: "csat", Type: feedback.TypeCSAT, Score: new(4)}}}); err != nil {
			t.Fatal(err)
		}
		list = f.do(fresco.RoleAnalyst, "GET", "/feedback/surveys", nil)
		row := regexp.MustCompile(`(?s)<tr id="survey-` + fmt.Sprint(sv.ID) + `".*?</tr>`).FindString(list.body)
		if !strings.Contains(row, `<td class="num survey-answers">1</td>`) || !strings.Contains(row, "Open") || strings.Contains(list.body, "No survey forms yet") {
			t.Errorf("survey row %s", row)
		}
		if strings.Contains(row, "Archive") {
			t.Errorf("an analyst is offered archiving")
		}

		// Edit: reword, and an answered question cannot go (nor is removal offered).
		path := fmt.Sprintf("/feedback/surveys/%d", sv.ID)
		edit := f.do(M, "GET", path, nil)
		if !strings.Contains(edit.body, `id="answered-note"`) || strings.Contains(edit.body, `name="remove_0"`) {
			t.Errorf("edit page of an answered survey offers removal")
		}
		form := url.Values{"version": {fmt.Sprint(sv.Version)}, "name": {"After your stay"}, "slug": {"after-your-stay"}, "intro": {""},
			"key_0": {"csat"}, "text_0": {"How happy were you with your stay?"}, "required_0": {"on"}, "block_better": {"on"}, "widget": {"on"}}
		if res := f.do(M, "POST", path, form); res.status != http.StatusSeeOther {
			t.Fatalf("save = %d %s", res.status, res.body)
		}
		saved, _ := db.Survey(ctx, sv.ID)
		if saved.Name != "After your stay" || len(saved.Questions) != 2 || !saved.Questions[0].Required || saved.Questions[0].Text != "How happy were you with your stay?" {
			t.Errorf("saved %+v", saved)
		}
		form.Set("remove_0", "on")
		form.Set("version", fmt.Sprint(saved.Version))
		form.Set("name", "Typed name")
		res = f.do(M, "POST", path, form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "stays on the survey") || !strings.Contains(res.body, `value="Typed name"`) {
			t.Errorf("removing an answered question = %d", res.status)
		}
		form.Del("remove_0")
		form.Set("version", fmt.Sprint(sv.Version)) // read before the save above
		if res := f.do(M, "POST", path, form); res.status != http.StatusPreconditionFailed || !strings.Contains(res.body, "Someone else changed this survey") {
			t.Errorf("stale edit = %d", res.status)
		}

		// Copy, then archive: its links and widget say so politely.
		res = f.do(M, "POST", path+"/copy", url.Values{})
		if res.status != http.StatusSeeOther || !strings.Contains(res.header.Get("Location"), "done=survey-copied") {
			t.Fatalf("copy = %d", res.status)
		}
		if cp, err := db.SurveyBySlug(ctx, "after-your-stay-copy"); err != nil || cp.Name != "After your stay (copy)" || len(cp.Questions) != 2 {
			t.Errorf("copy %+v %v", cp, err)
		}
		if res := f.do(M, "POST", path+"/archive", url.Values{"archived": {"1"}}); res.status != http.StatusSeeOther {
			t.Fatalf("archive = %d", res.status)
		}
		list = f.do(M, "GET", "/feedback/surveys", nil)
		row = regexp.MustCompile(`(?s)<tr id="survey-` + fmt.Sprint(sv.ID) + `".*?</tr>`).FindString(list.body)
		if !strings.Contains(row, "Archived") || !strings.Contains(row, "Bring back") {
			t.Errorf("archived row %s", row)
		}
		widget := f.do("", "GET", "/w/after-your-stay", nil)
		if widget.status != http.StatusConflict || !strings.Contains(widget.body, "no longer taking answers") {
			t.Errorf("widget of an archived survey = %d %s", widget.status, widget.body)
		}

		// Preview: the customer's page under a banner; it sends nothing.
		before, _ := db.CountSurveyAnswers(ctx)
		pv := f.do(fresco.RoleAnalyst, "GET", path+"/preview", nil)
		if pv.status != http.StatusOK || !strings.Contains(pv.body, `id="preview-note"`) || !strings.Contains(pv.body, "How happy were you with your stay?") ||
			strings.Contains(pv.body, `method="post"`) || !strings.Contains(pv.body, "disabled") {
			t.Errorf("preview = %d %s", pv.status, pv.body)
		}
		after, _ := db.CountSurveyAnswers(ctx)
		if fmt.Sprint(before) != fmt.Sprint(after) {
			t.Errorf("a preview recorded something")
		}
		for _, p := range []string{path, path + "/copy", path + "/archive"} {
			method := "POST"
			if p == path {
				method = "GET"
			}
			if res := f.do(fresco.RoleAgent, method, p, url.Values{}); res.status != http.StatusForbidden {
				t.Errorf("agent %s %s = %d", method, p, res.status)
			}
		}
	})
}
