// Package ui is Fresco's web interface for staff: server-rendered
// html/template pages with a little plain JavaScript for progressive
// enhancement, and Apache ECharts (vendored by scripts/vendor.sh and embedded
// here) for charts. Nothing in it needs Node at build or run time.
//
// Every page handler is a method on *UI, whose dependencies are one struct
// (Deps). Routes are registered in internal/web/routes.go, each wrapped in
// UI.Only with its role rule, so a handler finds the viewer already checked
// in the request (viewerFrom). Templates are parsed once, in New; a template error is a start-up
// error, not a request error.
package ui

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/latitude"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/processmap"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/referral"
	"github.com/fresco-cx/fresco/internal/rewards"
	"github.com/fresco-cx/fresco/internal/settings"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/suggestions"
	"github.com/fresco-cx/fresco/internal/value"
	"github.com/fresco-cx/fresco/internal/web/httperr"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps is what the UI needs. DB and Auth are required; the rest are the
// capabilities behind the pages, and a page shows a capability's panel only
// when it is set and has something to say.
type Deps struct {
	DB     *store.DB
	Auth   *auth.Auth // logs employees in and out
	Logger *slog.Logger

	// Insights supplies the lifetime-value panel on the customer profile
	// (CLV, P(alive), segment). Nil hides the panel.
	Insights CustomerInsights
	// Attention supplies the "needs special attention" banner on the customer
	// profile, e.g. from open recovery cases. Nil hides the banner.
	Attention AttentionSource
	// Recovery works the case pages' actions; nil disables them.
	Recovery *recovery.Service
	// Loop, Feedback and Value are the closed loop, listening posts and
	// lifetime value, behind their pages.
	Loop     *loop.Loop
	Feedback *feedback.Service
	Value    *value.Service
	// Pulse is the monthly employee pulse. Nil: a service of its own over DB.
	Pulse *pulse.Service
	// Chain measures the service-profit chain (the chain page); nil hides it.
	Chain *chain.Service
	// Latitude is the latitude audit. Nil: a service of its own over DB
	// and Pulse.
	Latitude *latitude.Service
	// Suggestions are a customer's guarded suggestions (the customer
	// page's small section); nil hides them.
	Suggestions *suggestions.Service
	// Referral issues and revokes a customer's referral code (the
	// customer page's section); nil hides it.
	Referral *referral.Service
	// Staff changes employees (the employee pages); required.
	Staff *staff.Service
	// Goals are the satisfaction goals (the goals page, the home card);
	// nil hides them.
	Goals *goals.Service
	// Maps are the designed process maps (the process-map pages); required.
	Maps *processmap.Service
	// ProcessLog reads event logs for the Process page; nil: a service of its own.
	ProcessLog *processlog.Service
	// People keeps trainings, exits and rehires and costs turnover (the
	// employee page's record, the turnover page); nil hides them.
	People *people.Service
	// Rewards scores results and keeps rewards and nominations (the
	// scorecard, rewards and recognition pages). Nil: a service of its own
	// over DB.
	Rewards *rewards.Service
	// PreviewSurvey writes the public survey page of sv as a preview that
	// records nothing (internal/web/survey.go); nil turns previews off.
	PreviewSurvey func(w http.ResponseWriter, r *http.Request, sv *fresco.Survey)
	// Anticipate keeps preference notes and works out next best actions
	// (the "before you serve" and next-actions pages, the notes on the
	// customer, case, follow-up and call pages). Nil: a service of its
	// own over DB.
	Anticipate *anticipate.Service
	// Settings are the business's; every page formats times, numbers and
	// amounts with them. Nil: a service of its own over DB.
	Settings *settings.Service

	// StreamsDone ends the case pages' live thread streams when closed
	// (the server's shutdown); nil: they end with their requests.
	StreamsDone <-chan struct{}

	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// CustomerInsights is implemented by the lifetime-value capability.
type CustomerInsights interface {
	// CustomerInsight returns what is known about the customer's future
	// value, or nil when nothing is (no model fitted yet, too few purchases).
	CustomerInsight(ctx context.Context, customerID int64) (*Insight, error)
}

// Insight is the lifetime-value panel of a customer profile. Any field may
// be empty; the panel shows only those that are set.
type Insight struct {
	CLV         *fresco.Money // predicted (discounted) lifetime value
	CLVHorizon  string        // e.g. "3 years, discounted at 10%"
	PAlive      *float64      // probability the customer is still active, 0..1
	Segment     string        // e.g. "Loyal high value"
	SegmentNote string        // one line on why, e.g. "bought recently 5, often 4, much 5 (each 1–5, 5 is best)"
	Link        string        // a page with the details, if any
}

// AttentionSource is implemented by the service-recovery capability.
type AttentionSource interface {
	// SpecialAttention returns the reasons staff should take special care
	// with the customer now (e.g. an open Guest Incident), or none.
	SpecialAttention(ctx context.Context, customerID int64) ([]Attention, error)
}

// Attention is one reason a customer needs special attention.
type Attention struct {
	Reason string    // e.g. "Open incident: room not ready on arrival"
	Since  time.Time // when it was raised
	Link   string    // the case, if any
}

// UI holds the parsed templates and the static file server.
type UI struct {
	db         *store.DB
	auth       *auth.Auth
	log        *slog.Logger
	insights   CustomerInsights
	attention  AttentionSource
	recovery   *recovery.Service
	staff      *staff.Service
	people     *people.Service
	rewards    *rewards.Service
	loop       *loop.Loop
	feedback   *feedback.Service
	value      *value.Service
	settings   *settings.Service
	pulse      *pulse.Service
	goals      *goals.Service
	maps       *processmap.Service
	processlog *processlog.Service
	chain      *chain.Service
	latitude   *latitude.Service
	// anticipate: preference notes and next best actions (ui/anticipate.go)
	anticipate *anticipate.Service
	now        func() time.Time

	streamsDone   <-chan struct{} // closed at shutdown: live streams end
	previewSurvey func(w http.ResponseWriter, r *http.Request, sv *fresco.Survey)

	pages  map[string]*template.Template
	assets *assets

	suggestions *suggestions.Service // the customer page's section; kept apart: its name would realign the fields above
	referral    *referral.Service    // the customer page's referral link
	drawings    *processDrawings     // the Process page's drawings of kept logs (process_drawn.go)
}

// New parses the templates and indexes the static files.
func New(d Deps) (*UI, error) {
	if d.DB == nil {
		return nil, errors.New("ui: Deps.DB is required")
	}
	if d.Auth == nil {
		return nil, errors.New("ui: Deps.Auth is required")
	}
	if d.Staff == nil {
		return nil, errors.New("ui: Deps.Staff is required")
	}
	if d.ProcessLog == nil {
		d.ProcessLog = processlog.New(d.DB, processlog.Options{Logger: d.Logger})
	}
	if d.Maps == nil {
		d.Maps = processmap.New(d.DB, d.ProcessLog)
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Settings == nil {
		d.Settings = settings.New(d.DB, settings.Options{Logger: d.Logger, Now: d.Now})
	}
	if d.Rewards == nil {
		d.Rewards = rewards.New(d.DB, nil, d.Now)
	}
	if d.Pulse == nil {
		d.Pulse = pulse.New(d.DB, pulse.Options{Logger: d.Logger, Now: d.Now})
	}
	if d.Latitude == nil {
		d.Latitude = latitude.New(d.DB, latitude.Options{Pulse: d.Pulse, Format: d.Settings.Formatter})
	}
	if d.Anticipate == nil {
		d.Anticipate = anticipate.New(d.DB, anticipate.Options{Logger: d.Logger, Now: d.Now, Settings: d.Settings.Current, Format: d.Settings.Formatter})
	}
	a, err := embeddedAssets()
	if err != nil {
		return nil, err
	}
	u := &UI{db: d.DB, auth: d.Auth, log: d.Logger, chain: d.Chain, insights: d.Insights, attention: d.Attention, recovery: d.Recovery,
		staff: d.Staff, people: d.People, rewards: d.Rewards, loop: d.Loop, feedback: d.Feedback, value: d.Value, now: d.Now, assets: a,
		settings: d.Settings, pulse: d.Pulse, goals: d.Goals, maps: d.Maps, processlog: d.ProcessLog, latitude: d.Latitude,
		anticipate: d.Anticipate, previewSurvey: d.PreviewSurvey, streamsDone: d.StreamsDone, suggestions: d.Suggestions,
		referral: d.Referral, drawings: &processDrawings{}}
	if err := u.parseTemplates(); err != nil {
		return nil, err
	}
	return u, nil
}

// parseTemplates builds one template set per page: the layout, the shared
// partials and the page itself, so that every page defines its own
// "title" and "content" blocks.
func (u *UI) parseTemplates() error {
	funcs := u.funcs()
	maps.Copy(funcs, labelFuncs())
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials.html")
	if err != nil {
		return fmt.Errorf("ui: parse layout: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return err
	}
	u.pages = map[string]*template.Template{}
	for _, name := range names {
		file := path.Base(name)
		if file == "layout.html" || file == "partials.html" {
			continue
		}
		t, err := base.Clone()
		if err != nil {
			return err
		}
		if _, err := t.ParseFS(templateFS, name); err != nil {
			return fmt.Errorf("ui: parse %s: %w", file, err)
		}
		u.pages[strings.TrimSuffix(file, ".html")] = t
	}
	return nil
}

// page is what every template receives.
type page struct {
	Title  string
	Viewer *viewer
	Nav    []navSection
	Path   string // the request path, for the active nav link
	Flash  string // a one-off confirmation, e.g. "Employee created"
	Data   any
	Status int
	// Business is the business's name and logo for the header; reading it
	// also refreshes the settings the format helpers use.
	Business fresco.Settings
}

// render executes the named page into a buffer first, so that a template
// error becomes a clean 500 page rather than half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t, ok := u.pages[name]
	if !ok {
		u.serverError(w, r, fmt.Errorf("ui: no template %q", name))
		return
	}
	v := viewerFrom(r.Context())
	p := page{Title: title, Viewer: v, Path: r.URL.Path, Data: data, Status: status,
		Flash: flashFor(r), Business: u.business(r.Context())}
	if v != nil {
		p.Nav = navFor(v.Role, r.URL.Path)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", p); err != nil {
		if name == "error" {
			// The error page itself failed: fall back to plain text.
			u.log.ErrorContext(r.Context(), "ui: render error page", "err", err)
			http.Error(w, http.StatusText(status), status)
			return
		}
		u.serverError(w, r, fmt.Errorf("ui: render %s: %w", name, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// Pages show customer data: never store them in shared caches or the
	// browser's back-forward cache after logout.
	h.Set("Cache-Control", "no-store")
	// The other security headers (CSP, nosniff, Referrer-Policy) are the
	// server's, on every response (internal/web/headers.go).
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage is the data of the friendly error page.
type errorPage struct {
	Heading string
	Message string
}

// renderError shows the friendly error page for status. message is shown to
// the user as is, so it must never carry internals.
func (u *UI) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	heading := http.StatusText(status)
	switch status {
	case http.StatusNotFound:
		heading = "Page not found"
		if message == "" {
			message = "We couldn't find what you were looking for. It may have been moved, or the link may be mistyped."
		}
	case http.StatusForbidden:
		heading = "You don't have access to this page"
		if message == "" {
			message = "Your role doesn't include this page. If you need it, ask an owner of your Fresco account."
		}
	case http.StatusBadRequest:
		heading = "Something in that request wasn't right"
	case http.StatusConflict:
		heading = "That clashes with something already recorded"
	case http.StatusPreconditionFailed:
		heading = "Someone else changed this first"
		message = strings.TrimSpace(message + " Reload the page to see the latest version, then try again.")
	case http.StatusTooManyRequests:
		heading = "Too many attempts"
	case http.StatusInternalServerError:
		heading = "Something went wrong on our side"
		if message == "" {
			message = "The problem has been logged. Please try again in a moment."
		}
	}
	u.render(w, r, status, "error", heading, errorPage{Heading: heading, Message: message})
}

// NotFound is the UI's 404 page, for the catch-all route.
func (u *UI) NotFound(w http.ResponseWriter, r *http.Request) {
	u.renderError(w, r, http.StatusNotFound, "")
}

// Forbidden is the UI's 403 page.
func (u *UI) Forbidden(w http.ResponseWriter, r *http.Request) {
	u.renderError(w, r, http.StatusForbidden, "")
}

// serverError logs err with the request and shows a generic 500 page.
func (u *UI) serverError(w http.ResponseWriter, r *http.Request, err error) {
	u.log.ErrorContext(r.Context(), "ui: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	u.renderError(w, r, http.StatusInternalServerError, "")
}

// fail shows the page for err, with the status package httperr gives its
// code (the API answers the same): not found and forbidden with their own
// words, other coded errors with their message, anything uncoded as a logged
// 500. A request the service found invalid is a 400 here: the forms that can
// be corrected catch their 422 and show themselves again, so what reaches
// fail is a request the page itself could not make sense of (a damaged paging
// link, acting on oneself).
func (u *UI) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := httperr.Status(err)
	switch {
	case status >= http.StatusInternalServerError:
		if errors.Is(err, context.Canceled) {
			return // the client went away
		}
		u.serverError(w, r, err)
	case status == http.StatusNotFound || status == http.StatusForbidden:
		u.renderError(w, r, status, "")
	case status == http.StatusUnprocessableEntity:
		u.renderError(w, r, http.StatusBadRequest, invalidMessage(err))
	default:
		u.renderError(w, r, status, invalidMessage(err))
	}
}

// invalidMessage says what was wrong with a request in words for the page.
// The messages of coded errors are written for users; a damaged paging
// link gets its own explanation.
func invalidMessage(err error) string {
	var parts []string
	for _, f := range fresco.ErrorFields(err) {
		if f.Field == "cursor" {
			return "This page link is out of date or damaged. Please start again from the first page."
		}
		parts = append(parts, f.Field+": "+f.Message)
	}
	if len(parts) == 0 {
		return sentence(fresco.ErrorMessage(err))
	}
	return sentence(strings.Join(parts, "; "))
}
