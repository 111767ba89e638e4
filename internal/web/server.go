// Package web is Fresco's HTTP server: the JSON API under /api/v1 (described
// by the OpenAPI document at /api/openapi.json), the server-rendered UI
// (package ui), health checks and metrics.
//
// Every route is in routes.go (pages) or routes_api.go (API operations).
// Errors leave the API as RFC 9457 application/problem+json, mapped from
// fresco error codes by package httperr.
package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/latitude"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/prefs"
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
)

// Deps is everything the server needs from outside. The database, the
// registry, the authenticator and the services are required: package app
// builds them, once, for the server and the job workers alike. Logger, Now
// and Version have defaults.
type Deps struct {
	DB     *store.DB
	Logger *slog.Logger
	// Registry is where the server registers its HTTP metrics and which
	// /metrics exposes; other packages register theirs on it too.
	Registry *prometheus.Registry
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Auth authenticates requests.
	Auth *auth.Auth
	// Version is reported in the OpenAPI document.
	Version string
	// TrustedProxies are the load balancers and reverse proxies in front of
	// the server. A request from one of them has its client address taken
	// from X-Forwarded-For (the right-most address that is not itself a
	// trusted proxy), so that logs and per-address login limits see the real
	// client. Empty: X-Forwarded-For is ignored.
	TrustedProxies []netip.Prefix
	// Notifier and Loop are the closed loop and its notifications
	// (internal/notify, internal/loop); Feedback, Recovery and Value the
	// other capabilities' services: the instances whose jobs the queue runs.
	Notifier *notify.Notifier
	Feedback *feedback.Service
	Recovery *recovery.Service
	Value    *value.Service
	Loop     *loop.Loop
	// Staff changes employees, their roles and passwords.
	Staff *staff.Service
	// People keeps trainings, exits and rehires, and costs turnover.
	People *people.Service
	// Rewards scores results and keeps rewards and nominations.
	Rewards *rewards.Service
	// Settings are the business's name, logo, currency, zone, locale and
	// hours, which every page formats with.
	Settings *settings.Service
	// Prefs are the customers' own choices behind the signed links in
	// their e-mails: one-click unsubscribe and the preference page.
	Prefs *prefs.Service
	// Inbound files the e-mail providers post to /api/v1/inbound/email
	// (the same path as the SMTP listener's).
	Inbound *inbound.Service
	// Pulse is the monthly employee pulse (internal/pulse).
	Pulse *pulse.Service
	// Goals are the satisfaction goals (internal/goals).
	Goals *goals.Service
	// Chain measures the service-profit chain (internal/chain); nil: the
	// chain's API and page answer 404.
	Chain *chain.Service
	// Latitude is the latitude audit (internal/latitude).
	Latitude *latitude.Service
	// ProcessLog keeps imported process event logs (internal/processlog).
	ProcessLog *processlog.Service
	// Maps are the designed process maps (internal/processmap).
	Maps *processmap.Service
	// Anticipate keeps preference notes and works out next best actions
	// (internal/anticipate).
	Anticipate *anticipate.Service
	// Suggestions are the guarded "bought this, also bought" suggestions
	// (internal/suggestions).
	Suggestions *suggestions.Service
	// Referral issues and revokes promoters' referral codes and lets
	// newcomers join by a link (internal/referral).
	Referral *referral.Service
	// MetricsToken, when set, is the bearer token /metrics requires
	// (Prometheus: authorization.credentials). Empty: /metrics is open,
	// to be restricted at the proxy.
	MetricsToken string
}

// Server is the HTTP server. It is an http.Handler.
type Server struct {
	db      *store.DB
	log     *slog.Logger
	reg     *prometheus.Registry
	now     func() time.Time
	auth    *auth.Auth
	version string
	proxies []netip.Prefix
	// metricsToken guards /metrics when set (Deps.MetricsToken).
	metricsToken string

	notifier *notify.Notifier
	feedback *feedback.Service
	recovery *recovery.Service
	value    *value.Service
	loop     *loop.Loop
	staff    *staff.Service
	people   *people.Service
	rewards  *rewards.Service
	settings *settings.Service
	prefs    *prefs.Service
	inbound  *inbound.Service
	pulse    *pulse.Service
	goals    *goals.Service
	chain    *chain.Service
	latitude *latitude.Service
	maps     *processmap.Service

	processlog *processlog.Service // imported event logs
	// anticipate: preference notes and next best actions (api_anticipate.go)
	anticipate *anticipate.Service

	suggestions *suggestions.Service // kept apart: its name would realign the block above
	referral    *referral.Service

	mux        *http.ServeMux
	routeTable []Route // every route and its role rule, as routes.go and routes_api.go register them
	api        huma.API
	metrics    *httpMetrics
	handler    http.Handler
}

// NewServer builds the server and registers every route.
func NewServer(deps Deps) (*Server, error) {
	if err := deps.check(); err != nil {
		return nil, err
	}
	s := &Server{
		db:           deps.DB,
		log:          deps.Logger,
		reg:          deps.Registry,
		now:          deps.Now,
		auth:         deps.Auth,
		version:      deps.Version,
		proxies:      deps.TrustedProxies,
		metricsToken: deps.MetricsToken,
		notifier:     deps.Notifier,
		feedback:     deps.Feedback,
		recovery:     deps.Recovery,
		value:        deps.Value,
		loop:         deps.Loop,
		staff:        deps.Staff,
		people:       deps.People,
		rewards:      deps.Rewards,
		settings:     deps.Settings,
		prefs:        deps.Prefs,
		inbound:      deps.Inbound,
		pulse:        deps.Pulse,
		goals:        deps.Goals,
		chain:        deps.Chain,
		latitude:     deps.Latitude,
		processlog:   deps.ProcessLog,
		maps:         deps.Maps,
		anticipate:   deps.Anticipate,
		suggestions:  deps.Suggestions,
		referral:     deps.Referral,
		mux:          http.NewServeMux(),
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.version == "" {
		s.version = "dev"
	}
	m, err := newHTTPMetrics(s.reg)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	s.api = s.newAPI()
	if err := s.routes(s.mux); err != nil {
		return nil, err
	}
	describeAPI(s.api.OpenAPI())
	s.handler = s.middleware(s.mux)
	return s, nil
}

// ServeHTTP serves a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Handler returns the server as an http.Handler.
func (s *Server) Handler() http.Handler { return s }

// Registry is the Prometheus registry /metrics exposes; register collectors on it.
func (s *Server) Registry() *prometheus.Registry { return s.reg }

// Auth is the server's authenticator (sessions, tokens, login limits).
func (s *Server) Auth() *auth.Auth { return s.auth }

// API is the huma API behind /api/v1, for tests and for the OpenAPI document.
func (s *Server) API() huma.API { return s.api }

// CloseStreams ends the live event streams (server-sent events), which would
// otherwise keep http.Server.Shutdown or httptest.Server.Close waiting for
// browsers that never hang up.
func (s *Server) CloseStreams() {
	s.notifier.Hub().Close()
}

// check names the required dependencies that are missing.
func (d *Deps) check() error {
	var missing []string
	for name, absent := range map[string]bool{
		"DB": d.DB == nil, "Registry": d.Registry == nil, "Auth": d.Auth == nil,
		"Notifier": d.Notifier == nil, "Loop": d.Loop == nil, "Feedback": d.Feedback == nil,
		"Recovery": d.Recovery == nil, "Value": d.Value == nil, "Staff": d.Staff == nil,
		"Settings": d.Settings == nil, "Prefs": d.Prefs == nil,
		"Inbound": d.Inbound == nil, "Pulse": d.Pulse == nil, "Goals": d.Goals == nil, "Rewards": d.Rewards == nil,
		"Latitude": d.Latitude == nil, "ProcessLog": d.ProcessLog == nil, "Maps": d.Maps == nil, "Anticipate": d.Anticipate == nil,
		"Suggestions": d.Suggestions == nil, "Referral": d.Referral == nil,
	} {
		if absent {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return fmt.Errorf("web.NewServer: Deps without %s (build the server with app.New)", strings.Join(missing, ", "))
	}
	return nil
}
