// Package web is Fresco's HTTP server: the JSON API under /api/v1 (described
// by the OpenAPI document at /api/openapi.json), the server-rendered UI
// (package ui), health checks and metrics.
//
// Every route is in routes.go. Errors leave the API as RFC 9457
// application/problem+json, mapped from fresco error codes by package httperr.
package web

import (
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/value"
)

// Deps is everything the server needs from outside. DB is required; the rest
// have defaults. Later capabilities add their dependencies here (the jobs
// queue, the notifier, …).
type Deps struct {
	DB     *store.DB
	Logger *slog.Logger
	// Registry is where the server registers its HTTP metrics and which
	// /metrics exposes. When nil the server makes one with the Go runtime
	// and process collectors; other packages register theirs through
	// Server.Registry.
	Registry *prometheus.Registry
	// Now is the clock; tests replace it.
	Now func() time.Time
	// Auth authenticates requests; when nil one is made from DB with
	// default limits.
	Auth *auth.Auth
	// SecureCookies marks session cookies Secure on plain-HTTP requests too,
	// for a server behind a TLS-terminating proxy.
	SecureCookies bool
	// Version is reported in the OpenAPI document.
	Version string
	// TrustedProxies are the load balancers and reverse proxies in front of
	// the server. A request from one of them has its client address taken
	// from X-Forwarded-For (the right-most address that is not itself a
	// trusted proxy), so that logs and per-address login limits see the real
	// client. Empty: X-Forwarded-For is ignored.
	TrustedProxies []netip.Prefix
	// Notifier and Loop are the closed loop and its notifications
	// (internal/notify, internal/loop); when nil they are made over DB.
	Notifier *notify.Notifier
	// Feedback, Recovery and Value are the capabilities' services. serve
	// passes the instances whose jobs it runs; nil ones are made from DB
	// (tests, tools).
	Feedback *feedback.Service
	Recovery *recovery.Service
	Value    *value.Service
	Loop     *loop.Loop
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

	mux        *http.ServeMux
	routeTable []Route // every route and its role rule, as routes.go registers them
	api        huma.API
	metrics    *httpMetrics
	handler    http.Handler
}

// NewServer builds the server and registers every route.
func NewServer(deps Deps) (*Server, error) {
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
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
		s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if s.auth == nil {
		s.auth = auth.New(auth.Options{DB: s.db, Logger: s.log, Now: s.now, SecureCookies: deps.SecureCookies})
	}
	m, err := newHTTPMetrics(s.reg)
	if err != nil {
		return nil, err
	}
	s.metrics = m
	if err := s.defaultServices(); err != nil {
		return nil, err
	}
	s.api = s.newAPI()
	if err := s.routes(s.mux); err != nil {
		return nil, err
	}
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
	if s.notifier != nil {
		s.notifier.Hub().Close()
	}
}

// defaultServices makes the capabilities' services the caller did not pass.
func (s *Server) defaultServices() error {
	notifier, _ := s.closedLoop()
	if s.feedback == nil {
		s.feedback = feedback.New(s.db, feedback.Options{Logger: s.log, Now: s.now, AfterCommit: notifier.Wake})
	}
	if s.value == nil {
		s.value = value.New(s.db, value.Options{Logger: s.log, Now: s.now})
	}
	if s.recovery == nil {
		svc, err := recovery.New(recovery.Options{DB: s.db, Logger: s.log, Now: s.now, Notifier: recovery.ViaNotify(notifier), Notify: notifier.Wake})
		if err != nil {
			return err
		}
		s.recovery = svc
	}
	return nil
}
