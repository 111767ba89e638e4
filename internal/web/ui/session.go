package ui

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
)

// viewer is the signed-in employee as the templates see them.
type viewer struct {
	ID    int64
	Name  string
	Email string
	Role  fresco.Role
}

// actor names the viewer in audit records and on what they record, as the
// API names a signed-in employee (auth.Principal.Actor).
func (v *viewer) actor() string { return fmt.Sprintf("employee:%d", v.ID) }

// viewerFrom returns the employee signed in to the UI, or nil. API tokens
// are for programs: a request authenticated by one is not a UI session.
func viewerFrom(ctx context.Context) *viewer {
	p, ok := auth.PrincipalFrom(ctx)
	if !ok || p.Employee == nil {
		return nil
	}
	e := p.Employee
	name := e.Name
	if name == "" {
		name = e.Email
	}
	return &viewer{ID: e.ID, Name: name, Email: e.Email, Role: p.Role}
}

// Role rules of the employee pages, which check the viewer themselves (the
// other pages' rules stand with their routes, see Only).
var (
	managersRoles = fresco.Role.CanManageEmployees // owner, manager
	ownersOnly    = fresco.Role.CanManageUsers     // owner
)

// require returns the signed-in viewer when their role passes allow. An
// anonymous request is sent to the login page (and comes back afterwards);
// a signed-in one whose role does not pass gets the 403 page. It reports
// whether the handler may go on.
func (u *UI) require(w http.ResponseWriter, r *http.Request, allow func(fresco.Role) bool) (*viewer, bool) {
	v := viewerFrom(r.Context())
	if v == nil {
		next := ""
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			next = r.URL.RequestURI()
		}
		http.Redirect(w, r, withQuery("/login", "next", next), http.StatusSeeOther)
		return nil, false
	}
	if !allow(v.Role) {
		u.Forbidden(w, r)
		return nil, false
	}
	return v, true
}

// Only lets through the viewers whose role has perm, the rule the API uses
// for the same permission: anonymous visitors are sent to log in, other roles
// get the 403 page. The server wraps every page's route in it, so that each
// page's role rule stands next to its route.
func (u *UI) Only(perm auth.Permission, h http.HandlerFunc) http.HandlerFunc {
	allow := func(role fresco.Role) bool { return auth.Allowed(role, perm) }
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := u.require(w, r, allow); ok {
			h(w, r)
		}
	}
}

// loginForm is the data of the login page.
type loginForm struct {
	Email string
	Next  string
	Error string
}

// LoginPage shows the sign-in form.
func (u *UI) LoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if viewerFrom(r.Context()) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	f := loginForm{Next: next}
	if r.URL.Query().Has("signed_out") {
		// A fixed message: nothing from the URL is echoed into the page.
		r = withFlash(r, "You have signed out.")
	}
	u.render(w, r, http.StatusOK, "login", "Sign in", f)
}

// Login checks the form and starts a session. Wrong credentials and
// rate-limiting are told apart, because the person at the form needs to
// know whether to retype or to wait; which of e-mail or password was wrong
// is not said.
func (u *UI) Login(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	f := loginForm{Email: strings.TrimSpace(r.PostFormValue("email")), Next: safeNext(r.PostFormValue("next"))}
	old, _ := r.Cookie(auth.SessionCookie)
	_, err := u.auth.StartSession(w, r, f.Email, r.PostFormValue("password"))
	switch {
	case err == nil:
		if old != nil && old.Value != "" {
			// Whatever session the browser held before is over.
			if err := u.auth.Logout(r.Context(), old.Value); err != nil {
				u.log.WarnContext(r.Context(), "ui: end previous session", "err", err)
			}
		}
		http.Redirect(w, r, f.Next, http.StatusSeeOther)
	case auth.RetryAfter(err) > 0:
		wait := auth.RetryAfter(err)
		w.Header().Set("Retry-After", fmt.Sprint(int(math.Ceil(wait.Seconds()))))
		f.Error = "Too many failed sign-in attempts. For your security, please wait " + humanDuration(wait) + " and try again."
		u.render(w, r, http.StatusTooManyRequests, "login", "Sign in", f)
	case errors.Is(err, auth.ErrInvalidCredentials) || fresco.ErrorCode(err) == fresco.EUNAUTHORIZED:
		f.Error = "That e-mail address and password don't match an active account. Check both and try again."
		u.render(w, r, http.StatusUnauthorized, "login", "Sign in", f)
	default:
		u.serverError(w, r, err)
	}
}

// Logout ends the session and returns to the login page.
func (u *UI) Logout(w http.ResponseWriter, r *http.Request) {
	if err := u.auth.EndSession(w, r); err != nil {
		u.log.ErrorContext(r.Context(), "ui: logout", "err", err)
	}
	http.Redirect(w, r, "/login?signed_out=1", http.StatusSeeOther)
}

// safeNext keeps a post-login redirect on this site: a path, never a URL
// to elsewhere ("//evil.example", "/\evil.example", "https://…").
func safeNext(next string) string {
	const home = "/" // each role's home page (home.go)
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n\t") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || strings.HasPrefix(u.Path, "/login") {
		return home
	}
	return next
}

// humanDuration says a wait in words: "about 40 seconds", "12 minutes".
func humanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		s := int(math.Ceil(d.Seconds()))
		if s <= 1 {
			return "a second"
		}
		return fmt.Sprintf("%d seconds", s)
	default:
		m := int(math.Ceil(d.Minutes()))
		if m == 1 {
			return "a minute"
		}
		return fmt.Sprintf("%d minutes", m)
	}
}

type flashKey struct{}

// withFlash attaches a confirmation message for the page about to render.
func withFlash(r *http.Request, msg string) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), flashKey{}, msg))
}

// flashes are the messages a redirect may ask for with ?done=KEY; only these
// fixed texts are ever shown, never text from the URL, which anyone can
// write into a link; an unknown key shows nothing.
var flashes = map[string]string{
	"employee-created":          "Employee added. They can sign in now.",
	"post-saved":                "Listening post saved.",
	"settings-saved":            "Settings saved.",
	"employee-deactivated":      "Employee deactivated and signed out everywhere.",
	"employee-activated":        "Employee reactivated. They can sign in again.",
	"call-recorded":             "Call recorded.",
	"survey-created":            "Survey created.",
	"survey-saved":              "Survey saved.",
	"survey-translated":         "Translation saved. Texts left blank show in the default language.",
	"survey-copied":             "Survey copied. The copy is open for answers; change it as you like.",
	"survey-archived":           "Survey archived. It takes no new answers; its answers are kept.",
	"survey-unarchived":         "Survey back from the archive. It takes answers again.",
	"invitation-rule-added":     "Invitation rule added. It acts on events from now on.",
	"invitation-rule-saved":     "Invitation rule saved.",
	"invitation-template-saved": "Invitation e-mail saved.",
	"comments-labelled":         "Categories added to the chosen comments.",
	"comments-label-none":       "Nothing changed: tick at least one comment and at least one category.",
	"classifier-trained":        "Classifier retrained.",
	"classifier-queued":         "Retraining has started. The new version appears under Model versions when it is done.",
	"classifier-too-few": fmt.Sprintf("The classifier was not retrained: it needs at least %d categorised comments to learn from; "+
		"until then suggestions come from the taxonomy's keywords.", feedback.MinTrainingExamples),
	"categories-saved": "Categories saved.",
	"categories-invalid": "Categories not saved: write one category a line as “slug | Name | keyword, keyword | description”, " +
		"each slug once.",
}

func flashFor(r *http.Request) string {
	if msg, ok := r.Context().Value(flashKey{}).(string); ok {
		return msg
	}
	return flashes[r.URL.Query().Get("done")]
}
