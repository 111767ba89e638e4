package feedback

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// A survey speaks the business's default language (its settings locale's)
// in its own fields, and other languages (fresco.Languages) through its
// translations. The form shows each text in the customer's language where
// it is translated and in the default language where it is not, so no
// text is ever blank; the owner sees which texts lack which language.
// Answers store choices as the default language words them, so reports
// count every language together.

// TextsIn returns every text of the survey in lang, each falling back to
// the default language's where lang lacks it: what the form shows.
// A standard question's text, untranslated, is Fresco's own translation
// of it (builtinTexts), in the default language too.
func TextsIn(sv *fresco.Survey, lang string) fresco.SurveyTexts {
	tr := sv.Translations[lang]
	text := func(translated, own string) string { return or(translated, or(builtinText(own, lang), own)) }
	out := fresco.SurveyTexts{Name: or(tr.Name, sv.Name), Intro: or(tr.Intro, sv.Intro), Thanks: or(tr.Thanks, sv.Thanks),
		Questions: make(map[string]fresco.QuestionTexts, len(sv.Questions))}
	for _, q := range sv.Questions {
		qt := tr.Questions[q.Key]
		t := fresco.QuestionTexts{Text: text(qt.Text, q.Text), Choices: make(map[string]string, len(q.Choices))}
		for _, c := range q.Choices {
			t.Choices[c] = text(qt.Choices[c], c)
		}
		out.Questions[q.Key] = t
	}
	return out
}

func or(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// MissingText is a text of a survey that one language lacks.
type MissingText struct {
	Language string `json:"language"`
	// Field names the text as a translation writes it: name, intro,
	// thanks, questions.{key}.text, questions.{key}.choices.{choice}.
	Field string `json:"field"`
	// Default is the text in the default language, shown meanwhile.
	Default string `json:"default_text"`
}

// MissingTranslations lists, language by language (fresco.Languages
// order, the default language left out), each text of the survey that
// language lacks (a standard question's text is never missing: Fresco
// has its own translation).
func MissingTranslations(sv *fresco.Survey, defaultLang string) []MissingText {
	var out []MissingText
	for _, lang := range fresco.Languages {
		if lang == defaultLang {
			continue
		}
		tr := sv.Translations[lang]
		add := func(field, have, def string) {
			if strings.TrimSpace(def) != "" && strings.TrimSpace(have) == "" && builtinText(def, lang) == "" {
				out = append(out, MissingText{Language: lang, Field: field, Default: def})
			}
		}
		add("name", tr.Name, sv.Name)
		add("intro", tr.Intro, sv.Intro)
		add("thanks", tr.Thanks, sv.Thanks)
		for _, q := range sv.Questions {
			qt := tr.Questions[q.Key]
			add("questions."+q.Key+".text", qt.Text, q.Text)
			for _, c := range q.Choices {
				add("questions."+q.Key+".choices."+c, qt.Choices[c], c)
			}
		}
	}
	return out
}

// OfferedLanguages are the languages the survey's form offers: the
// default first, then each language with at least one translated text.
func OfferedLanguages(sv *fresco.Survey, defaultLang string) []string {
	out := []string{defaultLang}
	for _, lang := range fresco.Languages {
		if lang != defaultLang && hasText(sv.Translations[lang]) {
			out = append(out, lang)
		}
	}
	return out
}

func hasText(t fresco.SurveyTexts) bool {
	if t.Name != "" || t.Intro != "" || t.Thanks != "" {
		return true
	}
	for _, q := range t.Questions {
		if q.Text != "" || len(q.Choices) > 0 {
			return true
		}
	}
	return false
}

// PickLanguage chooses the language a form is shown in, from those offered
// (the default first): the one the customer picked on the form (chosen),
// else the customer's own locale, else the browser's Accept-Language
// header, else the default. Each is matched the way browsers mean it
// ("de-CH" gets German, q-values ranked), by x/text's language.Matcher.
func PickLanguage(offered []string, chosen, customerLocale, acceptLanguage string) string {
	if slices.Contains(offered, chosen) {
		return chosen
	}
	tags := make([]language.Tag, len(offered))
	for i, l := range offered {
		tags[i] = language.Make(l)
	}
	m := language.NewMatcher(tags)
	if customerLocale != "" {
		if t, err := language.Parse(customerLocale); err == nil {
			if _, i, conf := m.Match(t); conf != language.No {
				return offered[i]
			}
		}
	}
	if prefs := acceptedTags(acceptLanguage); len(prefs) > 0 {
		if _, i, conf := m.Match(prefs...); conf != language.No {
			return offered[i]
		}
	}
	return offered[0]
}

// acceptedTags are the languages of an Accept-Language header, most wanted
// first. Each entry is parsed alone, so that one tag x/text does not know
// ("xx", a typo) loses only itself, not the whole header; an entry with a
// broken q-value is dropped.
func acceptedTags(header string) []language.Tag {
	type pref struct {
		tag language.Tag
		q   float32
	}
	var prefs []pref
	for entry := range strings.SplitSeq(header, ",") {
		if strings.TrimSpace(entry) == "" {
			continue
		}
		tags, qs, err := language.ParseAcceptLanguage(entry)
		if err != nil || len(tags) != 1 {
			continue
		}
		prefs = append(prefs, pref{tags[0], qs[0]})
	}
	slices.SortStableFunc(prefs, func(a, b pref) int { return cmp.Compare(b.q, a.q) })
	out := make([]language.Tag, len(prefs))
	for i, p := range prefs {
		out[i] = p.tag
	}
	return out
}

// SetSurveyTranslation replaces the survey's texts in lang with texts
// (blank texts are missing ones), when the survey is still at version
// (store.AnyVersion: whatever it is), recording who did it. The default
// language is the survey's own fields, so it is refused here, as are
// unknown languages, questions and choices and over-long texts, each
// naming its field.
func (s *Service) SetSurveyTranslation(ctx context.Context, id int64, lang, defaultLang string, texts fresco.SurveyTexts,
	version int64, actor string) (*fresco.Survey, error) {
	sv, err := s.db.Survey(ctx, id)
	if err != nil {
		return nil, err
	}
	tidy, err := ValidateTranslation(sv, lang, defaultLang, texts)
	if err != nil {
		return nil, err
	}
	if version == store.AnyVersion {
		version = sv.Version // the survey as just read: an edit meanwhile is ESTALE, not lost
	}
	sv.Translations = maps.Clone(sv.Translations)
	if sv.Translations == nil {
		sv.Translations = map[string]fresco.SurveyTexts{}
	}
	if hasText(tidy) {
		sv.Translations[lang] = tidy
	} else {
		delete(sv.Translations, lang)
	}
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.UpdateSurveyIfVersion(ctx, sv, version); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "translate", "survey", strconv.FormatInt(sv.ID, 10), map[string]any{"slug": sv.Slug, "language": lang})
	})
	return sv, err
}

// ValidateTranslation checks texts as the survey's translation into lang
// and returns them trimmed, without blank texts.
func ValidateTranslation(sv *fresco.Survey, lang, defaultLang string, texts fresco.SurveyTexts) (fresco.SurveyTexts, error) {
	var v fresco.Validation
	switch {
	case !slices.Contains(fresco.Languages, lang):
		v.Add("language", "must be one of %s (got %q)", strings.Join(fresco.Languages, ", "), lang)
	case lang == defaultLang:
		v.Add("language", "%s is the business's default language: edit the survey itself", lang)
	}
	out := fresco.SurveyTexts{Name: strings.TrimSpace(texts.Name), Intro: strings.TrimSpace(texts.Intro),
		Thanks: strings.TrimSpace(texts.Thanks)}
	v.Text("name", out.Name, false, 200)
	v.Text("intro", out.Intro, false, MaxTextLen)
	v.Text("thanks", out.Thanks, false, MaxTextLen)
	for _, key := range slices.Sorted(maps.Keys(texts.Questions)) {
		qt, field := texts.Questions[key], "questions."+key
		i := indexOfQuestion(sv.Questions, key)
		if i < 0 {
			v.Add(field, "%q is not a question of survey %q", key, sv.Slug)
			continue
		}
		t := fresco.QuestionTexts{Text: strings.TrimSpace(qt.Text)}
		v.Text(field+".text", t.Text, false, maxQuestionLen)
		for _, c := range slices.Sorted(maps.Keys(qt.Choices)) {
			cf := field + ".choices." + c
			if !slices.Contains(sv.Questions[i].Choices, c) {
				v.Add(cf, "%q is not a choice of question %q", c, key)
				continue
			}
			label := strings.TrimSpace(qt.Choices[c])
			v.Text(cf, label, false, MaxChoiceLen)
			if label != "" {
				if t.Choices == nil {
					t.Choices = map[string]string{}
				}
				t.Choices[c] = label
			}
		}
		if t.Text != "" || len(t.Choices) > 0 {
			if out.Questions == nil {
				out.Questions = map[string]fresco.QuestionTexts{}
			}
			out.Questions[key] = t
		}
	}
	return out, v.Err()
}

func indexOfQuestion(qs []fresco.Question, key string) int {
	return slices.IndexFunc(qs, func(q fresco.Question) bool { return q.Key == key })
}

// pruneTranslations drops the translations of questions and choices the
// survey no longer has, so that none is listed or kept for nothing.
func pruneTranslations(sv *fresco.Survey) {
	for lang, tr := range sv.Translations {
		for key, qt := range tr.Questions {
			i := indexOfQuestion(sv.Questions, key)
			if i < 0 {
				delete(tr.Questions, key)
				continue
			}
			for c := range qt.Choices {
				if !slices.Contains(sv.Questions[i].Choices, c) {
					delete(qt.Choices, c)
				}
			}
		}
		if !hasText(tr) {
			delete(sv.Translations, lang)
		}
	}
}
