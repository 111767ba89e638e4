package web

import (
	"net/http"

	"github.com/fresco-cx/fresco/internal/web/ui"
)

// routes registers every route the server has. Keep it that way: one file
// to read to know what the server answers.
func (s *Server) routes(mux *http.ServeMux) error {
	// Health and metrics.
	mux.HandleFunc("GET /healthz", s.handleHealthz)
	mux.HandleFunc("GET /readyz", s.handleReadyz)
	mux.Handle("GET /metrics", s.metricsHandler())

	// JSON API under /api/v1 (huma; every operation in api_*.go goes through
	// register, which enforces its role). huma also serves the OpenAPI
	// document at /api/openapi.json (and .yaml), docs at /api/docs and
	// schemas under /api/schemas/.
	s.sessionRoutes()                                // POST/GET/DELETE /api/v1/session
	s.customerRoutes()                               // /api/v1/customers[/{id}]
	s.productRoutes()                                // /api/v1/products[/{id}]
	s.employeeRoutes()                               // /api/v1/employees[/{id}[/password]]
	s.placeRoutes()                                  // /api/v1/locations[/{id}], /api/v1/teams[/{id}], /api/v1/marketing-spend
	s.purchaseRoutes()                               // /api/v1/purchases[/{id}], POST /api/v1/purchases:batch
	s.tokenRoutes()                                  // /api/v1/tokens[/{id}]
	mux.HandleFunc("GET /api/docs", s.handleAPIDocs) // human-readable reference of the OpenAPI document

	// Service recovery (internal/recovery) ---------------------------------
	// /api/v1/cases[/{id}[/transfer|notes|responses|customer-replies|wait|
	// resume|resolve|close|reopen|merge|involved|holds[/end]|gestures|tasks]],
	// /api/v1/gestures[/{id}/approve|reject], /api/v1/approvals,
	// /api/v1/tasks[/{id}/complete], /api/v1/sla-policies[/{id}],
	// /api/v1/authority-limits, /api/v1/recovery/alerts,
	// /api/v1/reports/recovery (api_cases.go)
	if err := s.caseRoutes(); err != nil {
		return err
	}
	// End of service recovery ------------------------------------------------

	// Closed loop and notifications (internal/loop, internal/notify) --------
	// /api/v1/webhooks[/{id}[/deliveries]], /api/v1/followups[/{id}[:close]],
	// /api/v1/loop/satisfied-leaving, /api/v1/notifications[:read],
	// GET /api/v1/events/stream (server-sent events) (api_loop.go)
	s.loopRoutes(mux)
	// End of closed loop --------------------------------------------------------

	// Lifetime value (internal/value) ----------------------------------------
	// /api/v1/clv/calculator|summary|pareto|segments|customers, POST
	// /api/v1/clv/refit, /api/v1/customers/{id}/value (api_value.go)
	s.valueRoutes(s.value)
	// End of lifetime value --------------------------------------------------

	// Listening posts and feedback (internal/feedback) ----------------------
	// /api/v1/responses[/{id}[/categories]], POST /api/v1/responses:import,
	// /api/v1/metrics/nps|csat|ces|breakdown|trend|distribution|drivers,
	// /api/v1/listening-posts[/{id}[/uses]], /api/v1/reports/acquisition,
	// /api/v1/surveys[/{id}[/invitations]], /api/v1/call-tasks[/script|
	// /{id}/outcome|:sweep], /api/v1/feedback/categories|classifier[:train]|
	// suggest (api_feedback.go). Public, rate-limited: GET/POST /s/{token}
	// (survey links), GET /widget.js and GET/POST /w/{survey} (survey.go).
	s.feedbackRoutes()
	s.surveyRoutes(mux)
	// End of listening posts and feedback ------------------------------------

	mux.HandleFunc("/api/", s.handleAPINotFound)

	// UI routes (internal/web/ui)
	return s.uiRoutes(mux)
}

// UI routes (internal/web/ui) ------------------------------------------------
//
// uiRoutes registers the server-rendered UI. The UI engineer owns this
// function's body: construct the UI here with ui.New(ui.Deps{…}) — s.db,
// s.log, s.now and s.auth (login/logout, auth.PrincipalFrom) are available —
// and add one mux.Handle line per page, e.g.
//
//	mux.Handle("GET /customers", u.Customers())
//
// Every request already passes logging, metrics, panic recovery,
// http.CrossOriginProtection and s.auth.Authenticate (see middleware.go), so
// pages call auth.PrincipalFrom(r.Context()) to find the user.
func (s *Server) uiRoutes(mux *http.ServeMux) error {
	u, err := ui.New(ui.Deps{DB: s.db, Auth: s.auth, Logger: s.log, Now: s.now,
		Attention: ui.CaseAttention(s.db), // service recovery: the special-attention banner
		Recovery:  s.recovery,             // service recovery: the case page's actions
		Staff:     s.staff,                // employee administration
		// Lifetime value (internal/value): the profile's CLV panel.
		Insights: ui.ValueInsights(s.value),
	})
	if err != nil {
		return err
	}
	mux.HandleFunc("GET "+ui.StaticPrefix, u.Static) // embedded CSS, JS, vendored ECharts; versioned URLs

	mux.HandleFunc("GET /login", u.LoginPage)
	mux.HandleFunc("POST /login", u.Login)
	mux.HandleFunc("POST /logout", u.Logout)

	mux.HandleFunc("GET /{$}", u.Home) // → /customers
	mux.HandleFunc("GET /customers", u.Customers)
	mux.HandleFunc("GET /customers/{id}", u.Customer)
	mux.HandleFunc("GET /purchases", u.Purchases)
	mux.HandleFunc("GET /cases", u.Cases)                    // service recovery: the inbox (ui/cases.go)
	mux.HandleFunc("GET /cases/{id}", u.Case)                // service recovery: a case and its timeline
	mux.HandleFunc("POST /cases/{id}/actions", u.CaseAction) // service recovery: the case page's forms

	// Closed loop (ui/loop.go): follow-ups and satisfied-but-leaving; the
	// live notification bell on every page is static/loop.js.
	mux.HandleFunc("GET /followups", u.FollowUps(s.loop))
	mux.HandleFunc("GET /followups/{id}", u.FollowUp(s.loop))
	mux.HandleFunc("POST /followups/{id}/close", u.CloseFollowUp(s.loop))
	mux.HandleFunc("GET /loop/satisfied-leaving", u.SatisfiedLeaving(s.loop))

	// Lifetime value (ui/value.go): the CLV page.
	mux.HandleFunc("GET /value", u.ValuePage(s.value))
	mux.HandleFunc("POST /value/refit", u.ValuePage(s.value)) // managers and owners

	// Listening posts and feedback (internal/feedback): ui/feedback.go ----
	fb := s.feedback
	mux.HandleFunc("GET /feedback", u.FeedbackPage(fb))                           // dashboard with charts
	mux.HandleFunc("GET /feedback/comments", u.FeedbackComments(fb))              // sentiment, categories, classifier
	mux.HandleFunc("POST /feedback/comments/{id}", u.FeedbackCategorise(fb))      // staff assign categories
	mux.HandleFunc("POST /feedback/categories", u.FeedbackTaxonomy(fb))           // edit the taxonomy
	mux.HandleFunc("POST /feedback/classifier", u.FeedbackTrain(fb))              // retrain
	mux.HandleFunc("GET /feedback/calls", u.FeedbackCalls(fb))                    // my follow-up calls
	mux.HandleFunc("POST /feedback/calls/{id}", u.FeedbackCallOutcome(fb))        // record a call
	mux.HandleFunc("GET /feedback/surveys", u.FeedbackSurveys(fb))                // surveys, widget snippet
	mux.HandleFunc("POST /feedback/surveys", u.FeedbackCreateSurvey(fb))          // quick survey form
	mux.HandleFunc("POST /feedback/surveys/{id}/links", u.FeedbackCreateLink(fb)) // a signed survey link
	// End of listening posts and feedback ------------------------------------

	mux.HandleFunc("GET /employees", u.Employees)
	mux.HandleFunc("GET /employees/new", u.NewEmployee)
	mux.HandleFunc("POST /employees", u.CreateEmployee)
	mux.HandleFunc("POST /employees/{id}/deactivate", u.DeactivateEmployee)
	mux.HandleFunc("POST /employees/{id}/activate", u.ActivateEmployee)
	mux.HandleFunc("POST /employees/{id}/password", u.ResetPassword)
	return nil
}
