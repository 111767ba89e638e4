package web

import (
	"net/http"
	"time"

	"github.com/fresco-cx/fresco/internal/auth"

	"github.com/fresco-cx/fresco/internal/web/ui"
)

// routes registers every route the server has, each with its role rule:
// this file (the pages) and routes_api.go (the API operations) are what to
// read to know what the server answers and to whom. Every route goes
// through register (API operations) or handle, which record it in the route
// table that routes_test.go walks.
func (s *Server) routes(mux *http.ServeMux) error {
	s.handle(mux, PlainRoute, "GET /healthz", permPublic, s.handleHealthz)
	s.handle(mux, PlainRoute, "GET /readyz", permPublic, s.handleReadyz)
	// Scrapers may be asked for a token (Deps.MetricsToken).
	s.handle(mux, PlainRoute, "GET /metrics", permPublic, s.metricsHandler().ServeHTTP)

	// The JSON API under /api/v1. huma also serves the OpenAPI document at
	// /api/openapi.json (and .yaml) and schemas under /api/schemas/.
	s.apiRoutes()
	s.handle(mux, PlainRoute, "GET /api/docs", permPublic, s.handleAPIDocs) // a readable reference of the OpenAPI document
	// Server-sent events: an employee's own notifications, or everybody's
	// for an owner's or manager's token (the handler tells them apart).
	s.handle(mux, PlainRoute, "GET "+apiPrefix+"/events/stream", auth.Read, s.handleEventStream)
	s.handle(mux, PlainRoute, "/api/", permPublic, s.handleAPINotFound)

	// Public, rate-limited survey links and the widget (survey.go).
	lim := newSurveyLimits(s.db, s.now)
	s.handle(mux, PlainRoute, "GET /s/{token}", permPublic, s.limited(lim.view, s.surveyLinkPage))
	s.handle(mux, PlainRoute, "POST /s/{token}", permPublic, s.limited(lim.submit, s.submitSurveyLink))
	// Public customer links from e-mails (prefs.go): one-click unsubscribe
	// (RFC 8058; unlimited, as mail providers post from few addresses) and
	// the preference page.
	s.handle(mux, PlainRoute, "GET /u/{token}", permPublic, s.unsubscribePage)
	s.handle(mux, PlainRoute, unsubscribePattern, permPublic, s.unsubscribe)
	s.handle(mux, PlainRoute, "GET /p/{token}", permPublic, s.limited(lim.view, s.preferencesPage))
	s.handle(mux, PlainRoute, "POST /p/{token}", permPublic, s.limited(lim.submit, s.savePreferences))
	// The stop link beside suggestions shown to a customer: a GET (from an
	// e-mail) asks with one button, a POST (that button, the thank-you
	// page's, the preference page's) stops them.
	s.handle(mux, PlainRoute, "GET /p/{token}/suggestions-off", permPublic, s.limited(lim.view, s.stopSuggestionsPage))
	s.handle(mux, PlainRoute, "POST /p/{token}/suggestions-off", permPublic, s.limited(lim.submit, s.stopSuggestions))
	// A promoter's referral link (referral_link.go): newcomers join through it.
	s.handle(mux, PlainRoute, "GET /r/{code}", permPublic, s.limited(lim.view, s.referralLinkPage))
	s.handle(mux, PlainRoute, "POST /r/{code}", permPublic, s.limited(lim.submit, s.joinByReferral))
	s.handle(mux, PlainRoute, "GET /logo", permPublic, s.handleLogo) // the business's logo, for pages and survey forms
	s.handle(mux, PlainRoute, "GET /widget.js", permPublic, s.limited(lim.view, s.handleWidgetJS))
	s.handle(mux, PlainRoute, "GET /w/{survey}", permPublic, s.limited(lim.view, s.widgetSurveyPage))
	s.handle(mux, PlainRoute, "POST /w/{survey}", permPublic, s.limited(lim.submit, s.submitWidgetSurvey))

	return s.uiRoutes(mux)
}

// uiRoutes registers the server-rendered UI (internal/web/ui). Every
// request has already passed logging, metrics, panic recovery, cross-origin
// protection and authentication (middleware.go).
func (s *Server) uiRoutes(mux *http.ServeMux) error {
	u, err := ui.New(ui.Deps{DB: s.db, Auth: s.auth, Logger: s.log, Now: s.now,
		Attention:     ui.CaseAttention(s.db), // the special-attention banner of open recovery cases
		Recovery:      s.recovery,
		Insights:      ui.ValueInsights(s.value), // the profile's lifetime-value panel
		Loop:          s.loop,
		Feedback:      s.feedback,
		Value:         s.value,
		Staff:         s.staff,         // employee administration
		People:        s.people,        // trainings, exits, rehires, turnover cost
		Rewards:       s.rewards,       // scorecards, rewards, nominations, recognition
		PreviewSurvey: s.previewSurvey, // the public survey page, recording nothing (survey.go)
		Settings:      s.settings,
		Pulse:         s.pulse,                 // the staff pulse (ui/pulse.go)
		Goals:         s.goals,                 // satisfaction goals (ui/goals.go)
		Maps:          s.maps,                  // designed process maps (ui/process_maps.go)
		ProcessLog:    s.processlog,            // event logs mined on the Process page (ui/process.go)
		Chain:         s.chain,                 // the service-profit chain (ui/chain.go)
		Latitude:      s.latitude,              // the latitude audit (ui/latitude.go)
		Suggestions:   s.suggestions,           // the customer page's suggestions
		Referral:      s.referral,              // the customer page's referral link
		StreamsDone:   s.notifier.Hub().Done(), // the case page's live thread ends with the other streams
	})
	if err != nil {
		return err
	}
	// page registers a UI page that only roles with perm may use.
	page := func(pattern string, perm auth.Permission, h http.HandlerFunc) {
		if perm != permPublic {
			h = u.Only(perm, h)
		}
		s.handle(mux, UIPage, pattern, perm, h)
	}
	s.handle(mux, PlainRoute, "GET "+ui.StaticPrefix, permPublic, u.Static) // embedded CSS, JS, vendored ECharts; versioned URLs

	page("GET /login", permPublic, u.LoginPage)
	page("POST /login", permPublic, u.Login)
	page("POST /logout", permPublic, u.Logout)

	page("GET /{$}", auth.Read, u.Home) // each role's home page (ui/home.go)
	page("GET /customers", auth.Read, u.Customers)
	page("GET /customers/{id}", auth.Read, byKey(u.Customer))  // reads by key keep their plans (reused_plans.go)
	page("GET /customers/search", auth.Read, u.CustomerSearch) // the customer picker's matches (ui/case_new.go)
	// Anticipatory service (ui/anticipate.go): the "before you serve" card
	// found by customer search, next best actions across customers,
	// preference notes and the marks on actions.
	page("GET /serve", auth.Read, u.Serve)
	page("GET /next-actions", auth.Read, u.NextActions)
	page("POST /next-actions/mark", auth.Write, u.MarkAction)
	page("POST /customers/{id}/notes", auth.Write, u.AddNote)
	page("GET /notes/{id}/edit", auth.Write, u.EditNote) // a note's form, filled; saved if nobody changed it meanwhile
	page("POST /notes/{id}", auth.Write, u.SaveNote)
	page("POST /customers/{id}/referral", auth.Write, u.IssueReferral) // a promoter's referral link (ui/referral.go)
	page("POST /customers/{id}/referral/revoke", auth.Write, u.RevokeReferral)
	page("POST /notes/{id}/delete", auth.Write, u.DeleteNote)
	page("GET /purchases", auth.Read, u.Purchases)
	page("GET /responses", auth.Read, u.Responses) // every answer and comment, filtered (ui/responses.go)

	// Service recovery (ui/cases.go): the inbox, a case and its timeline,
	// and the case page's forms.
	page("GET /cases", auth.Read, u.Cases)
	page("GET /cases/new", auth.Write, u.NewCase) // open a case from anywhere (ui/case_new.go)
	page("POST /cases/new", auth.Write, u.CreateCase)
	page("GET /cases/sources", auth.Read, u.RecoverySources) // closed cases by the source of the problem (ui/recovery_sources.go)
	page("GET /cases/{id}", auth.Read, byKey(u.Case))        // a case's reads are by its key, its customer's, its people's (reused_plans.go)
	page("POST /cases/{id}/actions", auth.Write, u.CaseAction)
	page("GET /cases/{id}/attachments/{attachment}", auth.Read, u.CaseAttachment) // a file of the case's e-mail thread (ui/case_thread.go)
	// The open case page's live thread (static/case-thread.js).
	s.handle(mux, PlainRoute, "GET /cases/{id}/thread/stream", auth.Read, u.Only(auth.Read, u.CaseThreadStream))
	page("GET /reply-templates", auth.ManageEmployees, u.ReplyTemplates) // reply templates (macros) for case replies (ui/reply_templates.go)
	page("POST /reply-templates", auth.ManageEmployees, u.SaveReplyTemplate)
	page("POST /reply-templates/{id}/delete", auth.ManageEmployees, u.DeleteReplyTemplate)

	// Closed loop (ui/loop.go); the live notification bell on every page is
	// static/loop.js.
	page("GET /followups", auth.Read, u.FollowUps)
	page("GET /followups/{id}", auth.Read, u.FollowUp)
	page("POST /followups/{id}/close", auth.Write, u.CloseFollowUp)
	page("GET /loop/satisfied-leaving", auth.Read, u.SatisfiedLeaving)
	page("POST /loop/satisfied-leaving/refresh", auth.ManageEmployees, u.RefreshLeaving)

	// The notification centre (ui/notifications.go): one's own notifications.
	page("GET /notifications", auth.Read, u.Notifications)
	page("POST /notifications/read", auth.Read, u.ReadAllNotifications)
	page("POST /notifications/{id}/read", auth.Read, u.ReadNotification)
	page("POST /notifications/{id}/open", auth.Read, u.OpenNotification)

	// Lifetime value (ui/value.go).
	page("GET /value", auth.Read, u.ValuePage)
	page("POST /value/refit", auth.ManageEmployees, u.ValuePage)
	page("GET /value/sources", auth.Read, u.ValueSources)                            // cost and return per acquisition source (ui/value_sources.go)
	page("GET /value/acquisition-retention", auth.Read, u.ValueAcquisitionRetention) // acquisition vs retention spend, the what-if (ui/value_retention.go)
	page("GET /value/calibration", auth.Read, u.ValueCalibration)                    // the models' holdout check (ui/value_calibration.go)
	// The Customer Value Equation by group (ui/value_equation.go).
	page("GET /value/equation", auth.Read, u.ValueEquation)
	// The calculator per segment, its share links and its one-page print (ui/value_segments.go).
	page("GET /value/segments", auth.Read, u.ValueSegments)
	page("POST /value/segments", auth.ManageEmployees, u.ValueSegments)
	page("GET /value/segments/print", auth.Read, u.ValueSegmentsPrint)
	shareViews := memoryLimiter{auth.NewLimiter(120, 10*time.Minute, s.now)}
	s.handle(mux, PlainRoute, "GET /share/calculator/{token}", permPublic, s.limited(shareViews, u.SharedCalculator))

	// Listening posts and feedback (ui/feedback.go).
	page("GET /feedback", auth.Read, u.FeedbackPage)                            // dashboard with charts
	page("GET /feedback/comments", auth.Read, u.FeedbackComments)               // sentiment, categories, classifier
	page("POST /feedback/comments/label", auth.Write, u.FeedbackLabelComments)  // categories for many comments at once
	page("POST /feedback/comments/{id}", auth.Write, u.FeedbackCategorise)      // staff assign categories
	page("POST /feedback/categories", auth.ManageEmployees, u.FeedbackTaxonomy) // edit the taxonomy
	page("POST /feedback/classifier", auth.ManageEmployees, u.FeedbackTrain)    // queue the retraining job
	page("GET /feedback/calls", auth.Read, u.FeedbackCalls)                     // my follow-up calls
	page("POST /feedback/calls/{id}", auth.Write, u.FeedbackCallOutcome)        // record a call
	page("GET /feedback/posts/{slug}", auth.Read, u.ListeningPost)              // a post, its evidence and checklist; "new" adds one (ui/listening_posts.go)
	page("POST /feedback/posts", auth.ManageEmployees, u.CreateListeningPost)
	page("POST /feedback/posts/{slug}", auth.ManageEmployees, u.SaveListeningPost) // edit, checklist, retire
	page("GET /feedback/ask", auth.Write, u.Ask)                                   // choose whom to ask: survey link or call (ui/pick_who.go)
	page("POST /feedback/ask/link", auth.Write, u.AskLink)                         // a survey link for the chosen customer
	page("POST /feedback/ask/call", auth.Write, u.AskCall)                         // schedule a follow-up call
	page("GET /feedback/surveys", auth.Read, u.FeedbackSurveys)                    // surveys, widget snippet
	page("POST /feedback/surveys", auth.ManageEmployees, u.FeedbackCreateSurvey)   // quick survey form
	// A survey's own page (ui/feedback_survey_edit.go).
	page("GET /feedback/surveys/{id}", auth.ManageEmployees, u.FeedbackSurvey)
	page("POST /feedback/surveys/{id}", auth.ManageEmployees, u.FeedbackSaveSurvey)
	page("POST /feedback/surveys/{id}/translations", auth.ManageEmployees, u.FeedbackTranslateSurvey) // one language's texts (ui/feedback_survey_translate.go)
	page("POST /feedback/surveys/{id}/copy", auth.ManageEmployees, u.FeedbackCopySurvey)
	page("POST /feedback/surveys/{id}/archive", auth.ManageEmployees, u.FeedbackArchiveSurvey)
	page("GET /feedback/surveys/{id}/preview", auth.Read, u.FeedbackPreviewSurvey)
	// Its invitations that send themselves (ui/feedback_survey_invite.go).
	page("POST /feedback/surveys/{id}/invitation-rules", auth.ManageEmployees, u.FeedbackAddInvitationRule)
	page("POST /feedback/surveys/{id}/invitation-rules/{rule}", auth.ManageEmployees, u.FeedbackSwitchInvitationRule)
	page("POST /feedback/surveys/{id}/invitation-templates", auth.ManageEmployees, u.FeedbackSaveInvitationTemplate)

	// The comments page's themes and model versions (ui/feedback_comments_insights.go).
	page("POST /feedback/themes/category", auth.ManageEmployees, u.FeedbackThemeCategory)
	page("POST /feedback/classifier/versions/{version}/rollback", auth.ManageEmployees, u.FeedbackRollback)

	// The employee pulse (ui/pulse.go): every employee answers, results behind the anonymity floor.
	page("GET /pulse", auth.Read, u.PulsePage)
	page("POST /pulse", auth.Read, u.AnswerPulse)
	page("GET /pulse/results", auth.StaffAggregates, u.PulseResults)
	page("GET /pulse/questions", auth.ManageUsers, u.PulseQuestions)
	page("POST /pulse/questions", auth.ManageUsers, u.SavePulseQuestions)
	// The latitude audit (ui/latitude.go; package latitude): limits beside staff's asks and approvals.
	page("GET /latitude", auth.StaffAggregates, u.Latitude)

	// Rewards for results (ui/rewards.go): package rewards decides who sees
	// whose scorecard; the employee page carries its own.
	page("GET /teams/{id}/scorecard", auth.Read, u.TeamScorecard)
	page("GET /rewards", auth.Read, u.RewardsPage)
	page("POST /rewards", auth.ManageUsers, u.CreateReward)
	page("GET /recognition", auth.Read, u.Recognition)
	page("POST /recognition/nominate", auth.Write, u.Nominate)

	page("GET /audit", auth.ManageUsers, u.AuditLog)
	page("GET /settings", auth.ManageUsers, u.SettingsPage) // the business's settings (ui/settings.go)
	page("POST /settings", auth.ManageUsers, u.SaveSettings)
	page("POST /settings/logo", auth.ManageUsers, u.SaveLogo)
	page("GET /employees", auth.ManageEmployees, u.Employees)
	page("GET /employees/new", auth.ManageUsers, u.NewEmployee)
	page("GET /employees/{id}", auth.Read, u.EmployeePage) // who they are and their kind words (ui/kind_words.go)
	page("POST /employees", auth.ManageUsers, u.CreateEmployee)
	page("POST /employees/{id}/deactivate", auth.ManageUsers, u.DeactivateEmployee)
	page("POST /employees/{id}/activate", auth.ManageUsers, u.ActivateEmployee)
	page("POST /employees/{id}/password", auth.ManageUsers, u.ResetPassword)
	// Satisfaction goals (ui/goals.go): everyone reads (agents their own
	// unit's), owners and managers set them; package goals decides which.
	// Designed process maps (ui/process_maps.go): everyone reads them;
	// owners and managers draw them (the editor saves through the API)
	// and mark fail points.
	// The mined process (ui/process.go): who reads event logs.
	page("GET /process", auth.ProcessLogs, u.Process)
	page("GET /process-maps", auth.Read, u.ProcessMaps)
	page("POST /process-maps", auth.ManageEmployees, u.CreateProcessMap)
	page("GET /process-maps/{id}", auth.Read, u.ProcessMap)
	page("GET /process-maps/{id}/edit", auth.ManageEmployees, u.EditProcessMap)
	page("POST /process-maps/{id}/fail-points", auth.ManageEmployees, u.MarkFailPoint)
	page("POST /process-maps/{id}/fail-points/{fp}", auth.ManageEmployees, u.UpdateFailPoint)
	// The drawing as a file (the SVG export).
	s.handle(mux, PlainRoute, "GET /process-maps/{id}/map.svg", auth.Read, u.Only(auth.Read, u.ProcessMapSVG))
	page("GET /goals", auth.Read, u.Goals)
	page("POST /goals", auth.ManageEmployees, u.CreateGoal)
	page("GET /goals/{id}", auth.ManageEmployees, u.EditGoal)
	page("POST /goals/{id}", auth.ManageEmployees, u.UpdateGoal)
	page("POST /goals/{id}/delete", auth.ManageEmployees, u.DeleteGoal)

	// People records and turnover cost (ui/people.go); package people
	// scopes managers to their own team and location.
	page("POST /employees/{id}/trainings", auth.ManageEmployees, u.AddTraining)
	page("POST /employees/{id}/exit", auth.ManageEmployees, u.RecordExit)
	page("POST /employees/{id}/rehire", auth.ManageEmployees, u.Rehire)
	page("GET /turnover", auth.Read, u.Turnover) // not for agents (the handler refuses them)
	page("POST /turnover/inputs", auth.ManageEmployees, u.SaveTurnoverInputs)
	page("GET /chain", auth.StaffAggregates, u.Chain) // the service-profit chain (ui/chain.go)
	page("GET /settings/exit-reasons", auth.ManageUsers, u.ExitReasons)
	page("POST /settings/exit-reasons", auth.ManageUsers, u.SaveExitReason)

	// Every other URL gets the styled 404 page (the API's unknown paths have
	// their problem document above), signed in or not: it names nothing.
	s.handle(mux, PlainRoute, "/", permPublic, u.NotFound)
	return nil
}
