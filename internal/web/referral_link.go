package web

import (
	"context"
	"html/template"
	"net/http"
	"strings"

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
	Accent   fresco.Palette
	// Mode: "form", "done" (joined, or already a customer: the same words)
	// or "message" (a bad link).
	Mode     string
	Referrer string // the owner's first name
	Action   string
	Name     string
	Email    string
	Error    string
}

func (s *Server) referralLinkPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	_, owner, err := s.referral.Live(r.Context(), code, "code")
	if err != nil {
		s.referralLinkError(w, r, err)
		return
	}
	s.renderReferral(w, http.StatusOK, referralPage{Mode: "form", Referrer: firstName(owner.Name), Action: r.URL.Path})
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
		s.renderReferral(w, http.StatusUnprocessableEntity, referralPage{Mode: "form", Referrer: firstName(owner.Name),
			Action: r.URL.Path, Name: n.Name, Email: n.Email, Error: fieldMessages(err)})
		return
	}
	s.renderReferral(w, http.StatusOK, referralPage{Mode: "done", Referrer: firstName(owner.Name)})
}

// referralLinkError answers a bad code with the 404 page and anything else
// with a 500 page, logged.
func (s *Server) referralLinkError(w http.ResponseWriter, r *http.Request, err error) {
	if code := fresco.ErrorCode(err); code == fresco.EINVALID || code == fresco.ENOTFOUND {
		s.renderReferral(w, http.StatusNotFound, referralPage{Mode: "message"})
		return
	}
	s.log.ErrorContext(r.Context(), "referral link", "path", r.URL.Path, "err", err)
	s.renderReferral(w, http.StatusInternalServerError, referralPage{Mode: "error"})
}

// fieldMessages says what is wrong with each field of a rejected form.
func fieldMessages(err error) string {
	var out []string
	for _, f := range fresco.ErrorFields(err) {
		out = append(out, f.Field+": "+f.Message+".")
	}
	if len(out) == 0 {
		return fresco.ErrorMessage(err)
	}
	return strings.Join(out, " ")
}

// firstName is the first word of a name: the newcomer learns who sent
// them, not the referrer's full name.
func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

func (s *Server) renderReferral(w http.ResponseWriter, status int, p referralPage) {
	p.Business = s.settings.Current(context.Background())
	p.Accent = p.Business.Accent()
	customerPageHeaders(w, status) // the code is in the URL
	if err := referralTmpl.Execute(w, p); err != nil {
		s.log.Error("render referral page", "err", err)
	}
}

var referralTmpl = template.Must(template.New("referral").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Business.BusinessName}}</title>
` + customerPageStyle + `</head>
<body><main><div class="card">
{{with .Business}}<p class="business" id="business">{{if .LogoType}}<img src="/logo?v={{.Version}}" alt="">{{end}}<span>{{.BusinessName}}</span></p>{{end}}
{{if eq .Mode "message"}}
<h1>This link is not valid</h1><p id="message">Check that it was copied whole, or ask the person who gave it to you for a new one.</p>
{{else if eq .Mode "error"}}
<h1>Something went wrong</h1><p id="message">Please try again in a few minutes.</p>
{{else if eq .Mode "done"}}
<h1 id="done">Welcome</h1>
<p>Thank you. We know you came through {{if .Referrer}}{{.Referrer}}{{else}}a friend{{end}}, and look forward to seeing you at {{.Business.BusinessName}}.</p>
{{else}}
<h1>{{if .Referrer}}{{.Referrer}} thinks{{else}}A friend thinks{{end}} you would like {{.Business.BusinessName}}</h1>
{{with .Error}}<p class="error" role="alert" id="error">{{.}}</p>{{end}}
<p>Leave your name and e-mail address, and we will know who sent you.</p>
<form method="post" action="{{.Action}}" id="join">
<label class="field" for="name">Name</label><input class="text" type="text" name="name" id="name" value="{{.Name}}" required maxlength="200" autocomplete="name">
<label class="field" for="email">E-mail</label><input class="text" type="email" name="email" id="email" value="{{.Email}}" required maxlength="320" autocomplete="email">
<label class="check"><input type="checkbox" name="consent_surveys" value="1"><span>You may ask me how you did after I buy</span></label>
<label class="check"><input type="checkbox" name="consent_marketing" value="1"><span>You may send me news and offers</span></label>
<button type="submit" id="join-button">Join</button>
</form>
{{end}}
</div></main></body></html>`))
