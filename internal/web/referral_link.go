package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/referral"
)

// The referral link a promoter passes on: /r/{code} greets the newcomer in
// the business's name and colour and asks for a name and an e-mail; the
// form records them as a customer referred by the code's owner
// (referral.Service.Join). No login; rate-limited like the survey links. A
// code that is unknown or revoked gets a 404 page that names nothing.

// referralPage is what the referral link page shows.
type referralPage struct {
	Business fresco.Settings
	W        referral.Words // in the newcomer's language
	Accent   fresco.Palette
	// Mode: "form", "done" (joined, or already a customer: the same words)
	// or "message" (a bad link).
	Mode     string
	Referrer string // the owner's first name
	Action   string
	Name     string
	Email    string
	Err      error // the rejected form's, told in W's words where it has them
}

// ErrorText says what is wrong with each field of the rejected form, in the
// page's language where it has words for the field.
func (p referralPage) ErrorText() string {
	if p.Err == nil {
		return ""
	}
	var out []string
	for _, f := range fresco.ErrorFields(p.Err) {
		if say, ok := p.W.Fields[f.Field]; ok {
			out = append(out, say)
			continue
		}
		out = append(out, f.Field+": "+f.Message+".")
	}
	if len(out) == 0 {
		return fresco.ErrorMessage(p.Err)
	}
	return strings.Join(out, " ")
}

func (s *Server) referralLinkPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	_, owner, err := s.referral.Live(r.Context(), code, "code")
	if err != nil {
		s.referralLinkError(w, r, err)
		return
	}
	s.renderReferral(w, r, http.StatusOK, referralPage{Mode: "form", Referrer: firstName(owner.Name), Action: r.URL.Path})
}

func (s *Server) joinByReferral(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxPrefsForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	code := r.PathValue("code")
	_, owner, err := s.referral.Live(r.Context(), code, "code")
	if err != nil {
		s.referralLinkError(w, r, err)
		return
	}
	n := referral.Newcomer{Name: r.PostForm.Get("name"), Email: r.PostForm.Get("email"),
		ConsentSurveys: r.PostForm.Get("consent_surveys") != "", ConsentMarketing: r.PostForm.Get("consent_marketing") != ""}
	if _, err := s.referral.Join(r.Context(), code, n); err != nil {
		if fresco.ErrorCode(err) != fresco.EINVALID {
			s.referralLinkError(w, r, err)
			return
		}
		s.renderReferral(w, r, http.StatusUnprocessableEntity, referralPage{Mode: "form", Referrer: firstName(owner.Name),
			Action: r.URL.Path, Name: n.Name, Email: n.Email, Err: err})
		return
	}
	s.renderReferral(w, r, http.StatusOK, referralPage{Mode: "done", Referrer: firstName(owner.Name)})
}

// referralLinkError answers a bad code with the 404 page and anything else
// with a 500 page, logged.
func (s *Server) referralLinkError(w http.ResponseWriter, r *http.Request, err error) {
	if code := fresco.ErrorCode(err); code == fresco.EINVALID || code == fresco.ENOTFOUND {
		s.renderReferral(w, r, http.StatusNotFound, referralPage{Mode: "message"})
		return
	}
	s.log.ErrorContext(r.Context(), "referral link", "path", r.URL.Path, "err", err)
	s.renderReferral(w, r, http.StatusInternalServerError, referralPage{Mode: "error"})
}

// newcomerLanguage is the referral page's language: the newcomer's
// browser's (Accept-Language) among the languages the customer pages speak,
// else the business's, else English. The referrer's language is not the
// newcomer's, so it is not asked.
func newcomerLanguage(b fresco.Settings, acceptLanguage string) string {
	offered := referral.Languages
	if home := fresco.LanguageOf(b); slices.Contains(offered, home) { // the default goes first
		offered = append([]string{home}, slices.DeleteFunc(slices.Clone(offered), func(l string) bool { return l == home })...)
	}
	return feedback.PickLanguage(offered, "", "", acceptLanguage)
}

// firstName is the first word of a name: the newcomer learns who sent
// them, not the referrer's full name.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

func (s *Server) renderReferral(w http.ResponseWriter, r *http.Request, status int, p referralPage) {
	p.Business = s.settings.Current(context.Background())
	p.W = referral.WordsIn(newcomerLanguage(p.Business, r.Header.Get("Accept-Language")))
	p.Accent = p.Business.Accent()
	customerPageHeaders(w, status) // the code is in the URL
	if err := referralTmpl.Execute(w, p); err != nil {
		s.log.Error("render referral page", "err", err)
	}
}

var referralTmpl = template.Must(template.New("referral").Parse(`<!doctype html>
<html lang="{{.W.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Business.BusinessName}}</title>
` + customerPageStyle + `</head>
<body><main><div class="card">
{{with .Business}}<p class="business" id="business">{{if .LogoType}}<img src="/logo?v={{.Version}}" alt="">{{end}}<span>{{.BusinessName}}</span></p>{{end}}
{{- with .W}}{{if eq $.Mode "message"}}
<h1>{{.InvalidTitle}}</h1><p id="message">{{.InvalidText}}</p>
{{else if eq $.Mode "error"}}
<h1>{{.ErrorTitle}}</h1><p id="message">{{.TryLater}}</p>
{{else if eq $.Mode "done"}}
<h1 id="done">{{.Welcome}}</h1>
<p>{{if $.Referrer}}{{printf .CameThrough $.Referrer $.Business.BusinessName}}{{else}}{{printf .CameThroughFriend $.Business.BusinessName}}{{end}}</p>
{{else}}
<h1>{{if $.Referrer}}{{printf .Thinks $.Referrer $.Business.BusinessName}}{{else}}{{printf .FriendThinks $.Business.BusinessName}}{{end}}</h1>
{{with $.ErrorText}}<p class="error" role="alert" id="error">{{.}}</p>{{end}}
<p>{{.Leave}}</p>
<form method="post" action="{{$.Action}}" id="join">
<label class="field" for="name">{{.Name}}</label><input class="text" type="text" name="name" id="name" value="{{$.Name}}" required maxlength="200" autocomplete="name">
<label class="field" for="email">{{.Email}}</label><input class="text" type="email" name="email" id="email" value="{{$.Email}}" required maxlength="320" autocomplete="email">
<label class="check"><input type="checkbox" name="consent_surveys" value="1"><span>{{.Surveys}}</span></label>
<label class="check"><input type="checkbox" name="consent_marketing" value="1"><span>{{.Marketing}}</span></label>
<button type="submit" id="join-button">{{.Join}}</button>
</form>
{{end}}{{end}}
</div></main></body></html>`))
