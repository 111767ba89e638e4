package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestSurveyTranslationTab: the survey page says which texts each language
// lacks, its tab saves one language's texts, a refused one comes back as
// typed, and the preview shows the translation.
func TestSurveyTranslationTab(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		const M = fresco.RoleManager
		sv := &fresco.Survey{Slug: "stay", Name: "Your stay", PostID: 1, Active: true, Questions: []fresco.Question{
			{Key: "nps", Type: "nps", Text: "Would you recommend us?"},
			{Key: "room", Type: "single_choice", Text: "Which room?", Choices: []string{"Garden", "Street"}}}}
		post, err := db.ListeningPostBySlug(ctx, "survey")
		if err != nil {
			t.Fatal(err)
		}
		sv.PostID = post.ID
		if err := f.app.Feedback.CreateSurvey(ctx, sv, "test"); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/feedback/surveys/%d", sv.ID)
		row := func(body, lang string) string {
			return regexp.MustCompile(`(?s)<tr id="lang-` + lang + `".*?</tr>`).FindString(body)
		}
		page := f.do(M, "GET", path, nil)
		if de := row(page.body, "de"); !strings.Contains(de, "0 of 5") || !strings.Contains(de, `<span class="missing-count">5</span>`) ||
			!strings.Contains(de, `data-field="questions.room.choices.Street"`) || !strings.Contains(de, "not offered") {
			t.Fatalf("German row: %s", de)
		}
		if strings.Contains(page.body, `id="translate-form"`) || row(page.body, "en") != "" {
			t.Errorf("a tab is open without a language, or the default language is offered for translation")
		}
		tab := f.do(M, "GET", path+"?lang=de", nil)
		for _, want := range []string{`id="translate-form"`, `name="lang" value="de"`, `name="q_0"`, `name="c_1_1"`, "Which room?"} {
			if !strings.Contains(tab.body, want) {
				t.Errorf("German tab lacks %q", want)
			}
		}

		form := url.Values{"lang": {"de"}, "version": {fmt.Sprint(sv.Version)}, "name": {"Ihr Aufenthalt"},
			"q_0": {"Würden Sie uns empfehlen?"}, "c_1_0": {"Garten"}}
		if res := f.do(M, "POST", path+"/translations", form); res.status != http.StatusSeeOther {
			t.Fatalf("save German = %d %s", res.status, res.body)
		}
		page = f.do(M, "GET", path, nil)
		if de := row(page.body, "de"); !strings.Contains(de, "3 of 5") || strings.Contains(de, "not offered") ||
			strings.Contains(de, `data-field="questions.nps.text"`) || !strings.Contains(de, `data-field="questions.room.text"`) {
			t.Errorf("German row after saving: %s", de)
		}
		preview := f.do(fresco.RoleAnalyst, "GET", path+"/preview?lang=de", nil)
		for _, want := range []string{`<html lang="de">`, "Ihr Aufenthalt", "Würden Sie uns empfehlen?", "Garten", "Which room?", "Street"} {
			if !strings.Contains(preview.body, want) {
				t.Errorf("German preview lacks %q", want)
			}
		}

		// Refused: the text too long comes back as typed, naming the question.
		form.Set("version", fmt.Sprint(sv.Version+1))
		form.Set("q_0", strings.Repeat("lang ", 120))
		res := f.do(M, "POST", path+"/translations", form)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Question 1: is longer than 500") || !strings.Contains(res.body, "lang lang lang") {
			t.Errorf("too long = %d %s", res.status, res.body)
		}
		// Stale: a form read before the save above answers 412, as the API
		// does, with the texts kept as typed.
		form.Set("version", fmt.Sprint(sv.Version))
		form.Set("q_0", "Empfehlen Sie uns weiter?")
		if res := f.do(M, "POST", path+"/translations", form); res.status != http.StatusPreconditionFailed ||
			!strings.Contains(res.body, "Someone else changed this survey") || !strings.Contains(res.body, "Empfehlen Sie uns weiter?") {
			t.Errorf("stale translation = %d", res.status)
		}
		form.Set("version", fmt.Sprint(sv.Version+1))
		form.Set("lang", "en")
		if res := f.do(M, "POST", path+"/translations", form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "default language") {
			t.Errorf("translating into the default language = %d", res.status)
		}
		if got, _ := db.Survey(ctx, sv.ID); got.Translations["de"].Questions["nps"].Text != "Würden Sie uns empfehlen?" || len(got.Translations) != 1 {
			t.Errorf("refused forms changed the translations: %+v", got.Translations)
		}
		if res := f.do(fresco.RoleAgent, "POST", path+"/translations", form); res.status != http.StatusForbidden {
			t.Errorf("an agent translated: %d", res.status)
		}
	})
}
