package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/prefs"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

// Customer links (package prefs): /u/{token} unsubscribes in one click
// (RFC 8058: a POST from the mail client, without login or CSRF token —
// the signed token is the authority; a GET only asks to confirm, because
// link scanners follow GETs) and /p/{token} is the preference page. The
// pages need no login, speak the customer's language and wear the
// business's name, logo and colour; a bad link gets a 404 page, never a
// 500.

const maxPrefsForm = 8 << 10

// unsubscribePattern is the one-click unsubscribe route, which the
// cross-origin protection lets through (middleware.go).
const unsubscribePattern = "POST /u/{token}"

// prefsPage is what the customer-link pages show.
type prefsPage struct {
	Words    prefs.Words
	Business fresco.Settings
	Accent   fresco.Palette
	// Mode: "confirm" (GET /u), "done" (after unsubscribing), "form" (the
	// preference page), "stop" (GET of the stop link beside suggestions)
	// or "message" (a bad link, an error).
	Mode             string
	Action, PrefsURL string
	Scope            prefs.Scope
	Choices          prefs.Choices
	Languages        []prefs.Language
	Saved            bool
	Error            string
	// SuggestionsOff: the customer opted out of suggestions; StopAction
	// is where the one-click opt-out posts.
	SuggestionsOff bool
	StopAction     string
	Title, Message string
}

// SurveysOnly says the link unsubscribes from surveys alone.
func (p prefsPage) SurveysOnly() bool { return p.Scope == prefs.ScopeSurveys }

// unsubscribePage asks to confirm the one-click unsubscribe.
func (s *Server) unsubscribePage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	c, l, err := s.prefs.Open(r.Context(), token)
	if err != nil {
		s.prefsError(w, r, err)
		return
	}
	s.renderPrefs(w, http.StatusOK, c, prefsPage{Mode: "confirm", Scope: l.Scope,
		Action: prefs.UnsubscribePath(token), PrefsURL: prefs.PreferencesPath(token)})
}

// unsubscribe turns the consent off at once: the mail client's one-click
// POST (body "List-Unsubscribe=One-Click", not needed) or the confirm
// page's button.
func (s *Server) unsubscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPrefsForm)
	token := r.PathValue("token")
	c, l, err := s.prefs.Unsubscribe(r.Context(), token)
	if err != nil {
		s.prefsError(w, r, err)
		return
	}
	s.renderPrefs(w, http.StatusOK, c, prefsPage{Mode: "done", Scope: l.Scope, PrefsURL: prefs.PreferencesPath(token)})
}

// preferencesPage shows the customer's consents and language.
func (s *Server) preferencesPage(w http.ResponseWriter, r *http.Request) {
	s.linkPage(w, r, func(token string, c *fresco.Customer) prefsPage {
		return prefsPage{Mode: "form", Action: prefs.PreferencesPath(token), Choices: prefs.ChoicesOf(c), Saved: r.URL.Query().Get("saved") == "1"}
	})
}

// stopSuggestionsPage is where the "stop these suggestions" link of an
// e-mail leads: one button that stops them (a GET changes nothing, as link
// scanners follow GETs); a customer already opted out is told so.
func (s *Server) stopSuggestionsPage(w http.ResponseWriter, r *http.Request) {
	s.linkPage(w, r, func(token string, _ *fresco.Customer) prefsPage {
		return prefsPage{Mode: "stop", PrefsURL: prefs.PreferencesPath(token)}
	})
}

// linkPage shows the page of a customer link that offers to stop
// suggestions (or says they are stopped): page fills the rest.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request, page func(token string, c *fresco.Customer) prefsPage) {
	token := r.PathValue("token")
	c, _, err := s.prefs.Open(r.Context(), token)
	if err != nil {
		s.prefsError(w, r, err)
		return
	}
	off, err := s.suggestions.OptedOut(r.Context(), c.ID)
	if err != nil {
		s.prefsError(w, r, err)
		return
	}
	p := page(token, c)
	p.SuggestionsOff, p.StopAction = off, suggestions.StopPath(token)
	s.renderPrefs(w, http.StatusOK, c, p)
}

// stopSuggestions is the preference page's one-click opt-out from
// suggestions: none for the customer, and their purchases out of the
// next training. Audited as the customer.
func (s *Server) stopSuggestions(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPrefsForm)
	token := r.PathValue("token")
	c, _, err := s.prefs.Open(r.Context(), token)
	if err == nil {
		err = s.suggestions.SetOptOut(r.Context(), "customer:"+strconv.FormatInt(c.ID, 10), c.ID, true)
	}
	if err != nil {
		s.prefsError(w, r, err)
		return
	}
	http.Redirect(w, r, prefs.PreferencesPath(token)+"?saved=1", http.StatusSeeOther)
}

// savePreferences stores the preference form. The form carries no CSRF
// token: the signed link is the authority, and the server's cross-origin
// protection refuses a POST another site's page makes.
func (s *Server) savePreferences(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPrefsForm)
	token := r.PathValue("token")
	if err := r.ParseForm(); err != nil || r.PostForm.Get("preferences") != "1" {
		// Not the page's form (an empty POST must not turn everything off).
		c, _, err := s.prefs.Open(r.Context(), token)
		if err != nil {
			s.prefsError(w, r, err)
			return
		}
		s.renderPrefs(w, http.StatusBadRequest, c, prefsPage{Mode: "form", Action: prefs.PreferencesPath(token),
			Choices: prefs.ChoicesOf(c), Error: "The form could not be read; nothing was changed."})
		return
	}
	in := prefs.Choices{Surveys: r.PostForm.Get("consent_surveys") != "", Marketing: r.PostForm.Get("consent_marketing") != "",
		Personalisation: r.PostForm.Get("consent_personalisation") != "", Referral: r.PostForm.Get("consent_referral") != "",
		Locale: r.PostForm.Get("locale")}
	_, err := s.prefs.Update(r.Context(), token, in)
	if fresco.ErrorCode(err) == fresco.EINVALID {
		c, _, oerr := s.prefs.Open(r.Context(), token)
		if oerr != nil {
			s.prefsError(w, r, oerr)
			return
		}
		s.renderPrefs(w, http.StatusUnprocessableEntity, c, prefsPage{Mode: "form", Action: prefs.PreferencesPath(token),
			Choices: in, Error: fresco.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.prefsError(w, r, err)
		return
	}
	http.Redirect(w, r, prefs.PreferencesPath(token)+"?saved=1", http.StatusSeeOther)
}

// prefsError answers a bad link with a 404 page in the business's
// language; anything else is logged and answered 500.
func (s *Server) prefsError(w http.ResponseWriter, r *http.Request, err error) {
	words := prefs.WordsFor("", s.settings.Current(r.Context()).Locale)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		s.renderPrefs(w, http.StatusNotFound, nil, prefsPage{Mode: "message", Title: words.InvalidTitle, Message: words.InvalidText})
		return
	}
	s.log.ErrorContext(r.Context(), "customer link", "path", r.URL.Path, "err", err)
	s.renderPrefs(w, http.StatusInternalServerError, nil, prefsPage{Mode: "message", Title: words.ErrorTitle, Message: words.TryLater})
}

func (s *Server) renderPrefs(w http.ResponseWriter, status int, c *fresco.Customer, p prefsPage) {
	p.Business = s.settings.Current(context.Background())
	p.Accent = p.Business.Accent()
	locale := ""
	if c != nil {
		locale = c.Locale
	}
	p.Words = prefs.WordsFor(locale, p.Business.Locale)
	p.Languages = prefs.Languages
	if p.Mode == "form" && p.Choices.Locale != "" && !knownLanguage(p.Choices.Locale) {
		// A locale set by staff (e.g. fr-CA) stays choosable as it is.
		p.Languages = append([]prefs.Language{{Tag: p.Choices.Locale, Name: p.Choices.Locale}}, p.Languages...)
	}
	customerPageHeaders(w, status)
	if err := prefsTmpl.Execute(w, p); err != nil {
		s.log.Error("render customer link page", "err", err)
	}
}

// customerPageHeaders writes the headers and status of a public page opened
// from a link whose token or code is in the URL: not cached, not passed on
// as a referrer, no scripts.
func customerPageHeaders(w http.ResponseWriter, status int) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	w.WriteHeader(status)
}

func knownLanguage(tag string) bool {
	for _, l := range prefs.Languages {
		if l.Tag == tag {
			return true
		}
	}
	return false
}

var prefsTmpl = template.Must(template.New("prefs").Parse(`<!doctype html>
<html lang="{{.Words.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if eq .Mode "message"}}{{.Title}}{{else if eq .Mode "form"}}{{.Words.Title}}{{else if eq .Mode "stop"}}{{.Words.StopThese}}{{else if eq .Mode "done"}}{{.Words.DoneTitle}}{{else}}{{.Words.ConfirmTitle}}{{end}} · {{.Business.BusinessName}}</title>
` + customerPageStyle + `</head>
<body><main><div class="card">
{{with .Business}}<p class="business" id="business">{{if .LogoType}}<img src="/logo?v={{.Version}}" alt="">{{end}}<span>{{.BusinessName}}</span></p>{{end}}
{{if eq .Mode "message"}}
<h1>{{.Title}}</h1><p id="message">{{.Message}}</p>
{{else if eq .Mode "stop"}}
<h1>{{.Words.StopThese}}</h1>
{{if .SuggestionsOff}}<p id="suggestions-stopped">{{.Words.SuggestionsStopped}}</p>
{{else}}<p>{{.Words.StopConfirm}}</p>
<form method="post" action="{{.StopAction}}" id="stop-suggestions-form"><button type="submit" id="stop-suggestions">{{.Words.StopThese}}</button></form>{{end}}
<p><a href="{{.PrefsURL}}" id="preferences-link">{{.Words.ChangeMore}}</a></p>
{{else if eq .Mode "confirm"}}
<h1>{{.Words.ConfirmTitle}}</h1>
<p>{{if .SurveysOnly}}{{.Words.DoneSurveys}}{{else}}{{.Words.DoneAll}}{{end}}</p>
<p>{{.Words.ConfirmText}}</p>
<form method="post" action="{{.Action}}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit" id="unsubscribe">{{.Words.Unsubscribe}}</button></form>
<p><a href="{{.PrefsURL}}" id="preferences-link">{{.Words.ChangeMore}}</a></p>
{{else if eq .Mode "done"}}
<h1 id="done">{{.Words.DoneTitle}}</h1>
<p>{{if .SurveysOnly}}{{.Words.DoneSurveys}}{{else}}{{.Words.DoneAll}}{{end}}</p>
<p><a href="{{.PrefsURL}}" id="preferences-link">{{.Words.ChangeMore}}</a></p>
{{else}}
<h1>{{.Words.Title}}</h1>
{{if .Saved}}<p class="saved" role="status" id="saved">{{.Words.Saved}}</p>{{end}}
{{with .Error}}<p class="error" role="alert" id="error">{{.}}</p>{{end}}
<p>{{.Words.Intro}}</p>
<form method="post" action="{{.Action}}" id="preferences">
<input type="hidden" name="preferences" value="1">
<label class="check"><input type="checkbox" name="consent_surveys" id="consent_surveys" value="1"{{if .Choices.Surveys}} checked{{end}}><span>{{.Words.Surveys}}</span></label>
<label class="check"><input type="checkbox" name="consent_marketing" id="consent_marketing" value="1"{{if .Choices.Marketing}} checked{{end}}><span>{{.Words.Marketing}}</span></label>
<label class="check"><input type="checkbox" name="consent_personalisation" id="consent_personalisation" value="1"{{if .Choices.Personalisation}} checked{{end}}><span>{{.Words.Personalisation}}</span></label>
<label class="check"><input type="checkbox" name="consent_referral" id="consent_referral" value="1"{{if .Choices.Referral}} checked{{end}}><span>{{.Words.Referral}}</span></label>
<label class="field" for="locale">{{.Words.Language}}</label>
<select name="locale" id="locale">
<option value=""{{if eq .Choices.Locale ""}} selected{{end}}>{{.Words.BusinessLanguage}}</option>
{{$cur := .Choices.Locale}}{{range .Languages}}<option value="{{.Tag}}"{{if eq .Tag $cur}} selected{{end}}>{{.Name}}</option>{{end}}
</select>
<button type="submit" id="save">{{.Words.Save}}</button>
</form>
{{if .SuggestionsOff}}<p id="suggestions-stopped">{{.Words.SuggestionsStopped}}</p>
{{else}}<form method="post" action="{{.StopAction}}" id="stop-suggestions-form"><button type="submit" id="stop-suggestions">{{.Words.StopSuggestions}}</button></form>{{end}}
{{end}}
</div></main></body></html>`))

// customerPageStyle styles the public pages customers open from a link
// (these and the referral page, referral_link.go) in the business's
// colour: the page's data has an Accent (fresco.Palette).
const customerPageStyle = `<style>
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:#f4f6f8}
main{max-width:36rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:.5rem;padding:1rem 1.25rem;box-shadow:0 1px 3px rgba(0,0,0,.12);border-top:4px solid {{.Accent.Fill}}}
h1{font-size:1.35rem;margin:.2rem 0 .8rem}
a{color:{{.Accent.Ink}}}
.business{display:flex;align-items:center;gap:.6rem;margin:0 0 .8rem;color:{{.Accent.Ink}};font-weight:600}
.business img{max-height:2.5rem;max-width:10rem}
.check{display:flex;gap:.7rem;align-items:flex-start;padding:.6rem 0;border-bottom:1px solid #e3e7ec;cursor:pointer}
.check input{width:1.4rem;height:1.4rem;margin:.1rem 0 0;flex:none;accent-color:{{.Accent.Fill}}}
label.field{display:block;font-weight:600;margin:1rem 0 .3rem}
select,input.text{font:inherit;box-sizing:border-box;width:100%;max-width:20rem;padding:.5rem;border:1px solid #9aa5b1;border-radius:.4rem;background:#fff}
button{font:inherit;font-weight:600;background:{{.Accent.Fill}};color:{{.Accent.OnFill}};border:0;border-radius:.4rem;padding:.75rem 1.4rem;cursor:pointer;margin-top:1.2rem;width:100%;max-width:20rem}
button:hover{background:{{.Accent.Hover}};color:#fff}
.saved{background:#e8f4ec;color:#1d5e35;border-radius:.4rem;padding:.6rem .9rem}
.error{color:#b3261e;font-weight:600}
</style>`
