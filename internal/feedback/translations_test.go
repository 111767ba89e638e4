package feedback_test

import (
	"context"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestPickLanguage(t *testing.T) {
	t.Parallel()
	offered := []string{"en", "de", "fr"} // the default first
	for _, c := range []struct {
		chosen, customer, accept, want string
	}{
		{"", "", "de-CH,de;q=0.9,en;q=0.8", "de"},
		{"", "", "en;q=0.2,fr;q=0.9", "fr"},                 // q-values, not order
		{"", "", "es-MX,es;q=0.9,fr;q=0.4", "fr"},           // Spanish not offered: the next the browser takes
		{"", "", "ja,zh;q=0.5", "en"},                       // nothing offered: the default
		{"", "", "", "en"},                                  // no header
		{"", "", "de;q=garbage,,;;", "en"},                  // a broken header is no header
		{"", "fr-CA", "de-CH,de;q=0.9", "fr"},               // the customer's locale beats the header
		{"", "de_AT", "fr", "de"},                           // x/text reads the POSIX spelling too
		{"", "not a locale!", "fr", "fr"},                   // a locale that is no language tag is skipped
		{"", "ja-JP", "de", "de"},                           // a locale not offered falls through to the header
		{"de", "fr", "fr", "de"},                            // the switcher beats everything
		{"es", "", "de", "de"},                              // a switcher value not offered is ignored
		{"", "", "*", "en"},                                 // anything: the default
		{"", "", "de-DE-u-co-phonebk;q=0.5,xx;q=0.9", "de"}, // extensions and unknown tags
	} {
		if got := feedback.PickLanguage(offered, c.chosen, c.customer, c.accept); got != c.want {
			t.Errorf("PickLanguage(chosen %q, customer %q, Accept-Language %q) = %q, want %q", c.chosen, c.customer, c.accept, got, c.want)
		}
	}
}

func TestTextsFallBackPerText(t *testing.T) {
	t.Parallel()
	sv := &fresco.Survey{Name: "Your stay", Intro: "Two minutes", Questions: []fresco.Question{
		{Key: "nps", Type: "nps", Text: "Would you recommend us?"},
		{Key: "room", Type: "single_choice", Text: "Which room?", Choices: []string{"Garden", "Street"}}},
		Translations: map[string]fresco.SurveyTexts{"fr": {Name: "Votre séjour", Questions: map[string]fresco.QuestionTexts{
			"room": {Text: "Quelle chambre ?", Choices: map[string]string{"Street": "Rue"}}}}}}
	fr := feedback.TextsIn(sv, "fr")
	if fr.Name != "Votre séjour" || fr.Intro != "Two minutes" || fr.Questions["nps"].Text != "Would you recommend us?" ||
		fr.Questions["room"].Choices["Street"] != "Rue" || fr.Questions["room"].Choices["Garden"] != "Garden" {
		t.Errorf("French texts = %+v", fr)
	}
	missing := map[string]bool{}
	for _, m := range feedback.MissingTranslations(sv, "en") {
		missing[m.Language+" "+m.Field] = true
	}
	for _, want := range []string{"fr intro", "fr questions.nps.text", "fr questions.room.choices.Garden", "de name", "es questions.room.choices.Street"} {
		if !missing[want] {
			t.Errorf("%s not listed as missing: %v", want, missing)
		}
	}
	if missing["fr name"] || missing["fr questions.room.choices.Street"] || missing["en name"] || missing["fr thanks"] {
		t.Errorf("listed as missing what is there, or the default language, or a text the survey has not: %v", missing)
	}
	if got := feedback.OfferedLanguages(sv, "en"); len(got) != 2 || got[1] != "fr" {
		t.Errorf("offered = %v", got)
	}
}

// TestTranslationsFollowTheSurvey: an edit that removes a question drops its
// translations; a copy keeps them.
func TestTranslationsFollowTheSurvey(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		sv := newSurvey(t, w, "Your stay", "stay",
			fresco.Question{Key: "nps", Type: feedback.TypeNPS, Text: "Would you recommend us?"},
			fresco.Question{Key: "room", Type: feedback.TypeSingleChoice, Text: "Which room?", Choices: []string{"Garden", "Street"}})
		_, err := w.svc.SetSurveyTranslation(ctx, sv.ID, "de", "en", fresco.SurveyTexts{Name: " Ihr Aufenthalt ",
			Questions: map[string]fresco.QuestionTexts{"nps": {Text: "Empfehlen?"}, "room": {Choices: map[string]string{"Garden": "Garten", "Street": " "}}}},
			store.AnyVersion, "employee:1")
		must(t, err)
		got, err := db.Survey(ctx, sv.ID)
		must(t, err)
		if de := got.Translations["de"]; de.Name != "Ihr Aufenthalt" || de.Questions["room"].Choices["Garden"] != "Garten" || len(de.Questions["room"].Choices) != 1 {
			t.Fatalf("stored German = %+v", de)
		}
		if _, err := w.svc.SetSurveyTranslation(ctx, sv.ID, "fr", "en", fresco.SurveyTexts{Name: "Séjour"}, sv.Version, "employee:1"); fresco.ErrorCode(err) != fresco.ESTALE {
			t.Errorf("a translation over an old version = %v, want ESTALE", err)
		}
		copied, err := w.svc.CopySurvey(ctx, sv.ID, "employee:1")
		must(t, err)
		got.Questions = got.Questions[1:] // no answers yet: nps may go
		must(t, w.svc.UpdateSurvey(ctx, got, got.Version, "employee:1"))
		got, err = db.Survey(ctx, sv.ID)
		must(t, err)
		if _, ok := got.Translations["de"].Questions["nps"]; ok || got.Translations["de"].Questions["room"].Choices["Garden"] != "Garten" {
			t.Errorf("after removing nps, German = %+v", got.Translations["de"])
		}
		c, err := db.Survey(ctx, copied.ID)
		must(t, err)
		if c.Translations["de"].Questions["nps"].Text != "Empfehlen?" {
			t.Errorf("the copy lost its translations: %+v", c.Translations)
		}
	})
}

// TestStandardQuestionsSpeakEveryLanguage: a survey of Fresco's standard
// questions (texts left empty, as the survey form's blocks make them) reads
// in every language without a translation, none of its question texts is
// listed as missing, and an owner's translation still wins.
func TestStandardQuestionsSpeakEveryLanguage(t *testing.T) {
	t.Parallel()
	sv := &fresco.Survey{Slug: "std", Name: "Standard", Questions: []fresco.Question{{Type: feedback.TypeNPS},
		{Type: feedback.TypeCSAT}, {Type: feedback.TypeCES}, {Type: feedback.TypeAcquisitionSource}, {Type: feedback.TypeText}}}
	for _, it := range feedback.ProcessQualityItems {
		sv.Questions = append(sv.Questions, fresco.Question{Type: feedback.TypeProcessQuality, Item: it})
	}
	for _, it := range feedback.ValueItems {
		sv.Questions = append(sv.Questions, fresco.Question{Type: feedback.TypeValue, Item: it})
	}
	must(t, feedback.ValidateSurvey(sv))
	for _, lang := range []string{"de", "fr", "es"} {
		texts := feedback.TextsIn(sv, lang)
		for _, q := range sv.Questions {
			if got := texts.Questions[q.Key]; got.Text == q.Text || got.Text == "" {
				t.Errorf("%s: %s question %q has no %s text", lang, q.Type, q.Text, lang)
			}
			for _, c := range q.Choices {
				if got := texts.Questions[q.Key].Choices[c]; got == c || got == "" {
					t.Errorf("%s: choice %q untranslated", lang, c)
				}
			}
		}
	}
	for _, m := range feedback.MissingTranslations(sv, "en") {
		if m.Field != "name" {
			t.Errorf("a standard text is listed as missing: %+v", m)
		}
	}
	sv.Translations = map[string]fresco.SurveyTexts{"de": {Questions: map[string]fresco.QuestionTexts{"q1": {Text: "Empfehlen Sie uns?"}}}}
	if got := feedback.TextsIn(sv, "de").Questions["q1"].Text; got != "Empfehlen Sie uns?" {
		t.Errorf("the owner's German lost to Fresco's: %q", got)
	}
	if got := feedback.TextsIn(sv, "en").Questions["q1"].Text; got != "How likely are you to recommend us to a friend or colleague?" {
		t.Errorf("English = %q", got)
	}
}
