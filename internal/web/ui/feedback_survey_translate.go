package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// A survey's languages, on its own page: which texts lack which language,
// and a form per language (a tab each) to write them.

// surveyLanguagesView is the survey page's languages card.
type surveyLanguagesView struct {
	Default string         // the business's default language, the survey's own
	Rows    []languageRow  // every other language
	Tab     *translateForm // the language being translated, if one is chosen
}

// languageRow is one language's state.
type languageRow struct {
	Lang, Name string
	Missing    []feedback.MissingText
	Total      int
	Offered    bool // the form offers it (it has at least one text)
}

// Translated counts the language's texts.
func (l languageRow) Translated() int { return l.Total - len(l.Missing) }

// translateForm is the form of one language: each text of the survey in the
// default language beside its translation.
type translateForm struct {
	Lang, Name string
	Texts      []translateField
	Error      string
}

// translateField is one text to translate.
type translateField struct {
	Input   string // the form field's name
	Label   string // what the text is, in words
	Default string // the text in the default language
	Value   string // its translation, "" missing
	Builtin string // Fresco's own translation of a standard text, shown when Value is ""
	Long    bool   // a paragraph rather than a line
}

// surveyLanguages builds the languages card of sv, with the form of tab
// (a language code, "" none) open.
func (u *UI) surveyLanguages(r *http.Request, sv *fresco.Survey, tab string) *surveyLanguagesView {
	def := fresco.LanguageOf(u.settings.Current(r.Context()))
	missing := feedback.MissingTranslations(sv, def)
	offered := feedback.OfferedLanguages(sv, def)
	total := len(translateFormOf(sv, def).Texts) // every text the survey has
	view := &surveyLanguagesView{Default: fresco.LanguageNames[def]}
	for _, lang := range fresco.Languages {
		if lang == def {
			continue
		}
		row := languageRow{Lang: lang, Name: fresco.LanguageNames[lang], Total: total, Offered: slices.Contains(offered, lang)}
		for _, m := range missing {
			if m.Language == lang {
				row.Missing = append(row.Missing, m)
			}
		}
		view.Rows = append(view.Rows, row)
		if lang == tab {
			view.Tab = translateFormOf(sv, lang)
		}
	}
	return view
}

// translateFormOf lists every text of sv with its translation into lang.
// Fields are numbered by the question's and choice's place on the survey,
// and carry the question's key, so that a reply maps back to them.
func translateFormOf(sv *fresco.Survey, lang string) *translateForm {
	tr := sv.Translations[lang]
	f := &translateForm{Lang: lang, Name: fresco.LanguageNames[lang]}
	shown := feedback.TextsIn(&fresco.Survey{Questions: sv.Questions}, lang) // the standard texts in lang
	add := func(input, label, def, value string, long bool) {
		if strings.TrimSpace(def) != "" {
			f.Texts = append(f.Texts, translateField{Input: input, Label: label, Default: def, Value: value, Long: long})
		}
	}
	builtin := func(shown string) {
		if last := &f.Texts[len(f.Texts)-1]; shown != last.Default {
			last.Builtin = shown
		}
	}
	add("name", "Title", sv.Name, tr.Name, false)
	add("intro", "Introduction", sv.Intro, tr.Intro, true)
	add("thanks", "Thank-you", sv.Thanks, tr.Thanks, true)
	for i, q := range sv.Questions {
		qt := tr.Questions[q.Key]
		n := strconv.Itoa(i)
		add("q_"+n, fmt.Sprintf("Question %d", i+1), q.Text, qt.Text, false)
		builtin(shown.Questions[q.Key].Text)
		for j, c := range q.Choices {
			add("c_"+n+"_"+strconv.Itoa(j), fmt.Sprintf("Question %d, choice %d", i+1, j+1), c, qt.Choices[c], false)
			builtin(shown.Questions[q.Key].Choices[c])
		}
	}
	return f
}

// FeedbackTranslateSurvey is POST /feedback/surveys/{id}/translations: the
// texts of one language. A refused form comes back as typed.
func (u *UI) FeedbackTranslateSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	ctx := r.Context()
	sv, err := u.db.Survey(ctx, id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	f := r.PostForm
	lang := f.Get("lang")
	texts := fresco.SurveyTexts{Name: f.Get("name"), Intro: f.Get("intro"), Thanks: f.Get("thanks"),
		Questions: map[string]fresco.QuestionTexts{}}
	for i, q := range sv.Questions {
		n := strconv.Itoa(i)
		qt := fresco.QuestionTexts{Text: f.Get("q_" + n), Choices: map[string]string{}}
		for j, c := range q.Choices {
			qt.Choices[c] = f.Get("c_" + n + "_" + strconv.Itoa(j))
		}
		texts.Questions[q.Key] = qt
	}
	version, err := strconv.ParseInt(f.Get("version"), 10, 64)
	if err != nil || version <= 0 {
		version = sv.Version
	}
	def := fresco.LanguageOf(u.settings.Current(ctx))
	_, err = u.feedback.SetSurveyTranslation(ctx, id, lang, def, texts, version, viewerFrom(ctx).actor())
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/feedback/surveys/%d?lang=%s&done=survey-translated#languages", id, lang), http.StatusSeeOther)
		return
	case fresco.EINVALID, fresco.ESTALE:
	default:
		u.fail(w, r, err)
		return
	}
	view := surveyEditViewOf(sv)
	typed := *sv
	typed.Translations = map[string]fresco.SurveyTexts{lang: texts}
	view.Languages = u.surveyLanguages(r, sv, lang)
	if view.Languages.Tab == nil { // not a language to translate into: say so at the top
		view.Error = surveyErrors(err)
		u.renderSurveyEdit(w, r, http.StatusUnprocessableEntity, view)
		return
	}
	view.Languages.Tab = translateFormOf(&typed, lang)
	status := http.StatusUnprocessableEntity
	if fresco.ErrorCode(err) == fresco.ESTALE {
		status = http.StatusPreconditionFailed // as the API answers a stale If-Match
		view.Languages.Tab.Error = "Someone else changed this survey while you were translating it. Your texts are below, not saved: check them and save again."
	} else {
		view.Languages.Tab.Error = translateErrors(sv, err)
	}
	u.renderSurveyEdit(w, r, status, view)
}

// translateErrors says what is wrong with a translation, naming its texts
// as the form does ("Question 2, choice 1", not "questions.nps.choices.Yes").
func translateErrors(sv *fresco.Survey, err error) string {
	var v fresco.Validation
	for _, f := range fresco.ErrorFields(err) {
		field := f.Field
		if rest, ok := strings.CutPrefix(field, "questions."); ok {
			key, sub, _ := strings.Cut(rest, ".")
			if i := slices.IndexFunc(sv.Questions, func(q fresco.Question) bool { return q.Key == key }); i >= 0 {
				field = fmt.Sprintf("Question %d", i+1)
				if c, ok := strings.CutPrefix(sub, "choices."); ok {
					field += fmt.Sprintf(", choice %d", slices.Index(sv.Questions[i].Choices, c)+1)
				}
			}
		}
		v.Add(field, "%s", f.Message)
	}
	if v.Err() == nil {
		return surveyErrors(err)
	}
	return surveyErrors(v.Err())
}
