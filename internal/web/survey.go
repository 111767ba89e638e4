package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

// Public survey pages: the page behind a signed survey link (/s/{token}) and
// the embeddable widget (/widget.js, which frames /w/{survey}). They need no
// login; submissions are rate-limited per client address, bodies are
// bounded, and a forged, used or expired link gets a clear page and stores
// nothing.

const maxSurveyForm = 64 << 10

// surveyLimits bound the public pages per client address: 20 submissions
// and 120 page views per 10 minutes. Submissions are counted in the
// database, so that several replicas together allow 20, not 20 each; page
// views, which write nothing, are flood control per replica in memory.
type surveyLimits struct {
	submit, view limiter
}

func newSurveyLimits(db *store.DB, now func() time.Time) *surveyLimits {
	return &surveyLimits{
		submit: auth.NewSharedLimiter(db, "survey:", 20, 10*time.Minute, now),
		view:   memoryLimiter{auth.NewLimiter(120, 10*time.Minute, now)},
	}
}

// limiter takes a token from a client's bucket (auth.SharedLimiter, or an
// in-memory auth.Limiter through memoryLimiter).
type limiter interface {
	Take(ctx context.Context, key string) (ok bool, retryAfter time.Duration, err error)
}

// memoryLimiter is an in-memory auth.Limiter as a limiter.
type memoryLimiter struct{ *auth.Limiter }

func (m memoryLimiter) Take(_ context.Context, key string) (bool, time.Duration, error) {
	ok, wait := m.Limiter.Take(key)
	return ok, wait, nil
}

// surveyLinkPage is the survey behind a signed link, in the invited
// customer's language.
func (s *Server) surveyLinkPage(w http.ResponseWriter, r *http.Request) {
	inv, survey, err := s.feedback.OpenLink(r.Context(), r.PathValue("token"))
	if err != nil {
		s.surveyError(w, r, err)
		return
	}
	page := s.formPage(r, survey, inv.CustomerID)
	s.offerNomination(r, &page, inv)
	s.renderSurvey(w, http.StatusOK, page)
}

// submitSurveyLink stores the answers given through a signed link.
func (s *Server) submitSurveyLink(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	inv, survey, err := s.feedback.OpenLink(r.Context(), token)
	if err != nil {
		s.surveyError(w, r, err)
		return
	}
	formErr := parseSurveyForm(w, r)
	page := s.formPage(r, survey, inv.CustomerID)
	s.offerNomination(r, &page, inv)
	answers, comment, keys, err := readSurveyForm(r, survey, page.Words, formErr)
	nomination := strings.TrimSpace(r.PostForm.Get("nominate"))
	if err == nil && page.Nominee != "" {
		var v fresco.Validation
		v.Text("q:nominate", nomination, false, fresco.MaxNominationReason)
		err = v.Err()
	}
	var resp *fresco.Response
	if err == nil {
		resp, err = s.feedback.SubmitLinkIn(r.Context(), token, page.Lang, answers, comment)
	}
	if err == nil && page.Nominee != "" && nomination != "" {
		// The answers are stored; a nomination that fails now (the
		// employee's record gone) is logged, not shown as a failed survey.
		if nerr := s.rewards.CustomerNominates(r.Context(), inv, nomination); nerr != nil {
			s.log.WarnContext(r.Context(), "survey nomination", "invitation", inv.ID, "err", nerr)
		}
	}
	if err == nil && inv.CustomerID != nil {
		page.Suggestions = s.thanksSuggestions(r.Context(), *inv.CustomerID, page.Lang, resp)
	}
	s.afterSubmit(w, r, page, keys, err)
}

// thanksSuggestions are the suggestions the thank-you page shows the
// customer who answered (package suggestions: the owner's switch and every
// guard rail), none after an answer that says something went wrong — a
// customer who just told us so is not sold to — and none when they cannot
// be read (logged: the thanks matter more).
func (s *Server) thanksSuggestions(ctx context.Context, customerID int64, lang string, resp *fresco.Response) *suggestions.ForCustomer {
	if resp == nil || feedback.FlagsOf(resp).Any() {
		return nil
	}
	f, err := s.suggestions.ToCustomer(ctx, customerID, lang)
	if err != nil {
		s.log.WarnContext(ctx, "thank-you page suggestions", "customer_id", customerID, "err", err)
		return nil
	}
	return f
}

// offerNomination asks, on a link that names who served the customer,
// whether they would nominate them for an award (package rewards): by
// first name only, as the customer knows them.
func (s *Server) offerNomination(r *http.Request, page *surveyPage, inv *fresco.Invitation) {
	if inv.EmployeeID == nil {
		return
	}
	e, err := s.db.Employee(r.Context(), *inv.EmployeeID)
	if err != nil || !e.Active {
		return
	}
	first, _, _ := strings.Cut(strings.TrimSpace(e.Name), " ")
	page.Nominee = first
}

// widgetSurveyPage is a survey answerable anonymously through the widget.
func (s *Server) widgetSurveyPage(w http.ResponseWriter, r *http.Request) {
	survey, err := s.feedback.WidgetSurvey(r.Context(), r.PathValue("survey"))
	if err != nil {
		s.surveyError(w, r, err)
		return
	}
	page := s.formPage(r, survey, nil)
	page.Widget = true
	s.renderSurvey(w, http.StatusOK, page)
}

// submitWidgetSurvey stores the answers given through the widget.
func (s *Server) submitWidgetSurvey(w http.ResponseWriter, r *http.Request) {
	survey, err := s.feedback.WidgetSurvey(r.Context(), r.PathValue("survey"))
	if err != nil {
		s.surveyError(w, r, err)
		return
	}
	formErr := parseSurveyForm(w, r)
	page := s.formPage(r, survey, nil)
	page.Widget = true
	answers, comment, keys, err := readSurveyForm(r, survey, page.Words, formErr)
	if err == nil {
		_, err = s.feedback.SubmitWidgetIn(r.Context(), survey.Slug, page.Lang, answers, comment)
	}
	s.afterSubmit(w, r, page, keys, err)
}

// formPage is the form of survey in the language the customer reads: the
// one picked on the form's switcher (lang in the query or the posted
// form), else the invited customer's locale, else the browser's
// Accept-Language, else the business's default (feedback.PickLanguage).
func (s *Server) formPage(r *http.Request, survey *fresco.Survey, customerID *int64) surveyPage {
	def := fresco.LanguageOf(s.settings.Current(r.Context()))
	offered := feedback.OfferedLanguages(survey, def)
	chosen := r.URL.Query().Get("lang")
	if posted := r.PostForm.Get("lang"); posted != "" {
		chosen = posted
	}
	var customerLocale string
	if customerID != nil && !slices.Contains(offered, chosen) {
		c, err := s.db.Customer(r.Context(), *customerID)
		switch {
		case err == nil:
			customerLocale = c.Locale
		case fresco.ErrorCode(err) != fresco.ENOTFOUND: // the form still shows, in the browser's language
			s.log.WarnContext(r.Context(), "survey form: customer's locale", "err", err)
		}
	}
	lang := feedback.PickLanguage(offered, chosen, customerLocale, r.Header.Get("Accept-Language"))
	return surveyPage{Survey: survey, Action: r.URL.Path, Lang: lang, Offered: offered, Words: wordsIn(lang),
		Texts: feedback.TextsIn(survey, lang)}
}

// messagePage is a page without a survey in the browser's language, of
// those Fresco speaks, else the business's default.
func (s *Server) messagePage(r *http.Request, title, msg func(*surveyWords) string) surveyPage {
	def := fresco.LanguageOf(s.settings.Current(r.Context()))
	langs := append([]string{def}, slices.DeleteFunc(slices.Clone(fresco.Languages), func(l string) bool { return l == def })...)
	lang := feedback.PickLanguage(langs, "", "", r.Header.Get("Accept-Language"))
	words := wordsIn(lang)
	return surveyPage{Lang: lang, Words: words, Title: title(words), Message: msg(words)}
}

// limited refuses a client over its allowance with 429 and Retry-After.
func (s *Server) limited(l limiter, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		ok, wait, err := l.Take(r.Context(), host)
		if err != nil {
			s.surveyError(w, r, err)
			return
		}
		if !ok {
			w.Header().Set("Retry-After", retryAfterSeconds(wait))
			s.renderSurvey(w, http.StatusTooManyRequests, s.messagePage(r,
				func(w *surveyWords) string { return w.TooManyTitle }, func(w *surveyWords) string { return w.TooMany }))
			return
		}
		h(w, r)
	}
}

// parseSurveyForm reads the posted form, bounded; its error is the form's
// first (readSurveyForm returns it).
func parseSurveyForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxSurveyForm)
	if err := r.ParseForm(); err != nil {
		return errFormUnreadable
	}
	return nil
}

// errFormUnreadable is a body that is not a form; afterSubmit says so in
// the form's words.
var errFormUnreadable = fresco.Errorf(fresco.EINVALID, "the form could not be read")

// readSurveyForm turns the parsed form into answers, with errors in the
// form's words (formErr, parseSurveyForm's, comes back first). keys[i] is
// the question key of answers[i], for placing errors next to their
// question.
func readSurveyForm(r *http.Request, survey *fresco.Survey, words *surveyWords, formErr error) (answers []feedback.AnswerInput, comment string, keys []string, err error) {
	if formErr != nil {
		return nil, "", nil, formErr
	}
	if err := storableSurveyForm(r.PostForm); err != nil {
		return nil, "", nil, err
	}
	var v fresco.Validation
	missing := func(q fresco.Question) {
		if q.Required {
			v.Add("q:"+q.Key, "%s", words.ErrRequired)
		}
	}
	for _, q := range survey.Questions {
		name := "q_" + q.Key
		vals := r.PostForm[name]
		a := feedback.AnswerInput{Question: q.Key, Type: q.Type, Item: q.Item}
		switch q.Type {
		case feedback.TypeMultipleChoice:
			if len(vals) == 0 {
				missing(q)
				continue
			}
			a.Choices = vals
		case feedback.TypeText:
			if len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
				missing(q)
				continue
			}
			a.Text = vals[0]
		case feedback.TypeSingleChoice, feedback.TypeAcquisitionSource:
			if len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
				missing(q)
				continue
			}
			a.Choice = vals[0]
		default:
			if len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
				missing(q)
				continue
			}
			n, convErr := strconv.Atoi(strings.TrimSpace(vals[0]))
			if convErr != nil {
				v.Add("q:"+q.Key, "%s", words.ErrNumber)
				continue
			}
			a.Score = &n
		}
		answers = append(answers, a)
		keys = append(keys, q.Key)
	}
	comment = r.PostForm.Get("comment")
	if len(answers) == 0 && strings.TrimSpace(comment) == "" && v.Err() == nil {
		v.Add("answers", "%s", words.ErrAnswerOne)
	}
	return answers, comment, keys, v.Err()
}

// storableSurveyForm refuses text nothing could store (a NUL, bytes that are
// not UTF-8), placing the error where afterSubmit shows it: next to its
// question, or above the form.
func storableSurveyForm(form url.Values) error {
	var bad fresco.Validation
	bad.Values("", form, maxSurveyForm)
	var v fresco.Validation
	for _, f := range fresco.ErrorFields(bad.Err()) {
		field := "answers"
		if key, ok := strings.CutPrefix(f.Field, "q_"); ok {
			field = "q:" + key
		}
		v.Add(field, "%s", f.Message)
	}
	return v.Err()
}

// afterSubmit thanks the customer, or shows page again with what to
// correct, in the page's language.
func (s *Server) afterSubmit(w http.ResponseWriter, r *http.Request, page surveyPage, keys []string, err error) {
	switch {
	case err == nil:
		thanks := page.Texts.Thanks
		if thanks == "" {
			thanks = page.Words.ThanksMessage
		}
		s.renderSurvey(w, http.StatusOK, surveyPage{Lang: page.Lang, Words: page.Words, Title: page.Words.ThanksTitle, Message: thanks,
			Suggestions: page.Suggestions})
	case feedback.IsLinkError(err):
		s.surveyError(w, r, err)
	case errors.Is(err, errFormUnreadable):
		page.Errors, page.Top = map[string]string{}, []string{page.Words.ErrForm}
		s.renderSurvey(w, http.StatusUnprocessableEntity, page)
	case fresco.ErrorCode(err) == fresco.EINVALID:
		page.Errors, page.Values = map[string]string{}, r.PostForm
		for _, f := range fresco.ErrorFields(err) {
			key := f.Field
			if k, ok := strings.CutPrefix(key, "q:"); ok {
				key = k
			} else if rest, ok := strings.CutPrefix(key, "answers["); ok {
				n, _, _ := strings.Cut(rest, "]")
				if i, err := strconv.Atoi(n); err == nil && i < len(keys) {
					key = keys[i]
				}
			} else if key == "answers" || key == "comment" {
				page.Top = append(page.Top, f.Message)
				continue
			}
			if _, dup := page.Errors[key]; !dup {
				page.Errors[key] = f.Message
			}
		}
		if len(fresco.ErrorFields(err)) == 0 {
			page.Top = append(page.Top, fresco.ErrorMessage(err))
		}
		s.renderSurvey(w, http.StatusUnprocessableEntity, page)
	default:
		s.surveyError(w, r, err)
	}
}

// surveyError explains a link or survey that cannot be answered, in the
// browser's language.
func (s *Server) surveyError(w http.ResponseWriter, r *http.Request, err error) {
	say := func(status int, title, msg func(*surveyWords) string) {
		s.renderSurvey(w, status, s.messagePage(r, title, msg))
	}
	switch {
	case errors.Is(err, feedback.ErrLinkUsed):
		say(http.StatusConflict, func(w *surveyWords) string { return w.UsedTitle }, func(w *surveyWords) string { return w.Used })
	case errors.Is(err, feedback.ErrLinkExpired):
		say(http.StatusGone, func(w *surveyWords) string { return w.ExpiredTitle }, func(w *surveyWords) string { return w.Expired })
	case errors.Is(err, feedback.ErrLinkInvalid), fresco.ErrorCode(err) == fresco.ENOTFOUND:
		say(http.StatusNotFound, func(w *surveyWords) string { return w.NotFoundTitle }, func(w *surveyWords) string { return w.NotFound })
	case errors.Is(err, feedback.ErrSurveyClosed):
		say(http.StatusConflict, func(w *surveyWords) string { return w.ClosedTitle }, func(w *surveyWords) string { return w.Closed })
	case fresco.ErrorCode(err) == fresco.ECONFLICT:
		msg := fresco.ErrorMessage(err)
		say(http.StatusConflict, func(w *surveyWords) string { return w.ClosedTitle }, func(*surveyWords) string { return msg })
	default:
		s.log.ErrorContext(r.Context(), "survey page", "err", err)
		say(http.StatusInternalServerError, func(w *surveyWords) string { return w.WrongTitle }, func(w *surveyWords) string { return w.Wrong })
	}
}

type surveyPage struct {
	Survey *fresco.Survey
	Action string
	Widget bool
	Errors map[string]string
	Top    []string
	Values map[string][]string
	// Preview: staff look at the page; its form sends nothing.
	Preview bool
	// Message pages.
	Title, Message string
	// Lang is the page's language, Offered the languages its switcher
	// offers, Words the form's own words and Texts the survey's, in Lang.
	Lang    string
	Offered []string
	Words   *surveyWords
	Texts   fresco.SurveyTexts
	// Business names the business, with its logo, at the top of the form.
	Business fresco.Settings
	// Nominee is the first name of who served the customer, when the link
	// names them: the form offers to nominate them for an award.
	Nominee string
	// Suggestions are the thank-you page's, for the customer who answered
	// through their own link; nil: none.
	Suggestions *suggestions.ForCustomer
}

// NominatePrompt asks to nominate the Nominee, in the page's words.
func (p surveyPage) NominatePrompt() string { return fmt.Sprintf(p.Words.Nominate, p.Nominee) }

// Nomination is what the customer wrote to nominate, when the page is
// shown again.
func (p surveyPage) Nomination() string {
	if v := p.Values["nominate"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (p surveyPage) Value(key string) string {
	if v := p.Values["q_"+key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func (p surveyPage) Checked(key, value string) bool {
	for _, v := range p.Values["q_"+key] {
		if v == value {
			return true
		}
	}
	return false
}

func (p surveyPage) Comment() string {
	if v := p.Values["comment"]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func scaleOf(q fresco.Question) []int {
	lo, hi := 1, 5
	switch q.Type {
	case feedback.TypeNPS:
		lo, hi = 0, 10
	case feedback.TypeCES:
		hi = 7
	case feedback.TypeRating:
		if q.Max > 0 {
			lo, hi = q.Min, q.Max
		}
	case feedback.TypeCSAT, feedback.TypeProcessQuality, feedback.TypeValue:
	default:
		return nil
	}
	out := make([]int, 0, hi-lo+1)
	for i := lo; i <= hi; i++ {
		out = append(out, i)
	}
	return out
}

// Hint explains the ends of q's scale in the page's words.
func (p surveyPage) Hint(q fresco.Question) string { return p.Words.hint(q) }

// Question is q's text in the page's language.
func (p surveyPage) Question(q fresco.Question) string { return p.Texts.Questions[q.Key].Text }

// Choice is a choice of q in the page's language; the form still sends
// the choice itself, as the default language words it.
func (p surveyPage) Choice(q fresco.Question, c string) string {
	return p.Texts.Questions[q.Key].Choices[c]
}

// LanguageName is a language by its own name, for the switcher.
func (p surveyPage) LanguageName(lang string) string { return fresco.LanguageNames[lang] }

var surveyTmpl = template.Must(template.New("survey").Funcs(template.FuncMap{"scale": scaleOf}).Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Survey}}{{.Texts.Name}}{{else}}{{.Title}}{{end}} · {{.Business.BusinessName}}</title>
<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:{{if .Widget}}#fff{{else}}#f4f6f8{{end}}}
main{max-width:40rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:.5rem;padding:1rem 1.25rem;{{if not .Widget}}box-shadow:0 1px 3px rgba(0,0,0,.12){{end}}}
h1{font-size:1.4rem;margin:.2rem 0 .8rem}
fieldset{border:0;margin:0 0 1.2rem;padding:0}
legend{font-weight:600;margin-bottom:.4rem}
.scale{display:flex;flex-wrap:wrap;gap:.3rem}
.scale label{display:inline-flex;align-items:center;justify-content:center;min-width:2.6rem;min-height:2.6rem;border:1px solid #9aa5b1;border-radius:.4rem;cursor:pointer}
.scale input{position:absolute;opacity:0;width:1px;height:1px}
.scale input:checked+span{font-weight:700}
.scale label:has(input:checked){background:#1f5fbf;color:#fff;border-color:#1f5fbf}
.scale label:has(input:focus-visible){outline:3px solid #f0b400;outline-offset:2px}
.hint{font-size:.85rem;color:#52606d;margin:.2rem 0 0}
.choice{display:block;padding:.35rem 0}
textarea{width:100%;box-sizing:border-box;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #9aa5b1;border-radius:.4rem}
button{font:inherit;font-weight:600;background:#1f5fbf;color:#fff;border:0;border-radius:.4rem;padding:.7rem 1.4rem;cursor:pointer}
.error{color:#b3261e;font-weight:600;margin:.3rem 0}
.preview{background:#fff4ce;border:1px solid #e0b400;border-radius:.4rem;padding:.6rem .9rem;margin:0 0 1rem}
button:disabled{opacity:.6;cursor:not-allowed}
.business{display:flex;align-items:center;gap:.6rem;margin:0 0 .8rem;color:#52606d;font-weight:600}
.business img{max-height:2.5rem;max-width:10rem}
.languages{margin:0 0 .6rem;font-size:.9rem;text-align:right}
.languages a,.languages strong{margin-left:.5rem}
h2{font-size:1.1rem;margin:1.4rem 0 .4rem}
.suggestions{padding-left:1.2rem}.suggestion{margin:.3rem 0}.reason{font-size:.9rem;color:#52606d}
button.quiet{background:none;color:#1f5fbf;padding:0;font-weight:400;text-decoration:underline}
</style></head>
<body><main>
{{if .Preview}}<p class="preview" role="note" id="preview-note"><strong>Preview.</strong> This is the page your customers see. Nothing you choose here is sent or recorded.</p>{{end}}
<div class="card">
{{if not .Widget}}{{with .Business}}<p class="business" id="business">{{if .LogoType}}<img src="/logo?v={{.Version}}" alt="">{{end}}<span>{{.BusinessName}}</span></p>{{end}}{{end}}
{{if .Survey}}
{{if gt (len .Offered) 1}}<nav class="languages" id="languages" aria-label="{{.Words.Language}}">{{$lang := .Lang}}{{$p := .}}{{range .Offered}}{{if eq . $lang}}<strong lang="{{.}}" aria-current="true">{{$p.LanguageName .}}</strong>{{else}}<a href="?lang={{.}}" lang="{{.}}" hreflang="{{.}}">{{$p.LanguageName .}}</a>{{end}}{{end}}</nav>{{end}}
<h1>{{.Texts.Name}}</h1>
{{with .Texts.Intro}}<p>{{.}}</p>{{end}}
{{range .Top}}<p class="error" role="alert">{{.}}</p>{{end}}
{{if .Preview}}<form novalidate>{{else}}<form method="post" action="{{.Action}}" novalidate>{{end}}
<input type="hidden" name="lang" value="{{.Lang}}">
{{$p := .}}
{{range .Survey.Questions}}{{$q := .}}{{$err := index $p.Errors .Key}}
<fieldset{{if $err}} aria-invalid="true"{{end}}>
<legend id="l_{{.Key}}">{{$p.Question .}}{{if .Required}} <span aria-hidden="true">*</span><span class="sr">({{$p.Words.Required}})</span>{{end}}</legend>
{{with $err}}<p class="error" role="alert" id="e_{{$q.Key}}">{{.}}</p>{{end}}
{{$scale := scale .}}
{{if $scale}}<div class="scale" role="radiogroup" aria-labelledby="l_{{.Key}}">{{range $scale}}<label><input type="radio" name="q_{{$q.Key}}" value="{{.}}"{{if $p.Checked $q.Key (print .)}} checked{{end}}><span>{{.}}</span></label>{{end}}</div>
<p class="hint">{{$p.Hint .}}</p>
{{else if eq .Type "text"}}<textarea name="q_{{.Key}}" aria-labelledby="l_{{.Key}}" maxlength="2000">{{$p.Value .Key}}</textarea>
{{else if eq .Type "multiple_choice"}}{{range .Choices}}<label class="choice"><input type="checkbox" name="q_{{$q.Key}}" value="{{.}}"{{if $p.Checked $q.Key .}} checked{{end}}> {{$p.Choice $q .}}</label>{{end}}
{{else}}{{range .Choices}}<label class="choice"><input type="radio" name="q_{{$q.Key}}" value="{{.}}"{{if $p.Checked $q.Key .}} checked{{end}}> {{$p.Choice $q .}}</label>{{end}}
{{end}}
</fieldset>
{{end}}
<fieldset><legend id="l_comment">{{.Words.Comment}}</legend>
<textarea name="comment" aria-labelledby="l_comment" maxlength="5000">{{.Comment}}</textarea></fieldset>
{{if .Nominee}}<fieldset id="nominate"><legend id="l_nominate">{{.NominatePrompt}}</legend>
{{with index .Errors "nominate"}}<p class="error" role="alert" id="e_nominate">{{.}}</p>{{end}}
<textarea name="nominate" aria-labelledby="l_nominate" maxlength="1000">{{.Nomination}}</textarea></fieldset>{{end}}
<button type="submit"{{if .Preview}} disabled title="A preview sends nothing"{{end}}>{{.Words.Send}}</button>
</form>
{{else}}
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
{{with .Suggestions}}<section id="suggestions" aria-labelledby="suggestions-heading">
<h2 id="suggestions-heading">{{.Heading}}</h2>
<ul class="suggestions">{{range .Items}}<li class="suggestion"><strong>{{.Name}}</strong><br><span class="reason">{{.Reason}}</span></li>{{end}}</ul>
<form method="post" action="{{.StopPath}}" id="stop-suggestions-form"><button type="submit" class="quiet" id="stop-suggestions">{{.StopWords}}</button></form>
</section>{{end}}
{{end}}
</div></main>
<style>.sr{position:absolute;left:-9999px}</style>
</body></html>`))

func (s *Server) renderSurvey(w http.ResponseWriter, status int, p surveyPage) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer") // the token is in the URL
	if p.Widget {
		h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors *")
		h.Del("X-Frame-Options") // set for every other page (headers.go)
	} else {
		h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Frame-Options", "DENY")
	}
	// The business's name and logo. Current reads the database at most
	// every few seconds and never fails, so the form shows even then.
	p.Business = s.settings.Current(context.Background())
	w.WriteHeader(status)
	if err := surveyTmpl.Execute(w, p); err != nil {
		s.log.Error("render survey page", "err", err)
	}
}

// previewSurvey writes the public page of sv for staff: the same page a
// link shows, with a banner, and a form that posts nowhere; in the
// language its switcher picked (lang), else the business's default.
func (s *Server) previewSurvey(w http.ResponseWriter, r *http.Request, sv *fresco.Survey) {
	r = r.Clone(r.Context())
	r.Header.Del("Accept-Language") // staff's own browser language is not the customer's
	page := s.formPage(r, sv, nil)
	page.Preview, page.Action = true, ""
	s.renderSurvey(w, http.StatusOK, page)
}

// handleWidgetJS serves the embeddable widget: one script tag
//
//	<script src="https://fresco.example.com/widget.js" data-survey="site-feedback" async></script>
//
// puts the survey in a small iframe served by Fresco itself, so that answers
// are posted to Fresco's own origin (no third-party cookies, no CORS).
func (s *Server) handleWidgetJS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Write([]byte(widgetJS))
}

const widgetJS = `(function () {
  "use strict";
  var scripts = document.querySelectorAll("script[data-survey]");
  for (var i = 0; i < scripts.length; i++) {
    var s = scripts[i];
    if (s.getAttribute("data-fresco-done")) continue;
    s.setAttribute("data-fresco-done", "1");
    var origin = new URL(s.src, location.href).origin;
    var slug = s.getAttribute("data-survey");
    if (!/^[a-z0-9_-]{1,64}$/.test(slug)) continue;
    var f = document.createElement("iframe");
    f.src = origin + "/w/" + encodeURIComponent(slug);
    f.title = s.getAttribute("data-title") || "Feedback";
    f.loading = "lazy";
    f.style.cssText = "width:100%;max-width:40rem;height:" + (s.getAttribute("data-height") || "640") + "px;border:0";
    s.parentNode.insertBefore(f, s.nextSibling);
  }
})();
`
