// Package recovery is Fresco's service-recovery capability: cases with one
// accountable owner, SLA clocks, call-backs, a handover that carries the whole
// story, gestures within authority limits, follow-through, root causes,
// recurrence alerts and the cost of poor recovery.
//
// A case's story is an append-only log (fresco.CaseEvent). The SLA clocks are
// computed from that log by sla.Evaluate, so a changed policy recomputes them;
// the case row caches status, owner and the next deadline for inbox queries
// and is rewritten after every event. Everything that must happen later (SLA
// warnings and breaches, hold → call-back, follow-through) is a durable job
// enqueued in the same transaction as the event that caused it.
//
// Register the job handlers with Service.RegisterJobs on the process's
// jobs.Queue. Notifications are recorded in case_notifications and handed to
// a Notifier after commit; the default Notifier does nothing (e-mail and SSE
// delivery belong to the notifier capability).
package recovery

import (
	"context"
	"log/slog"
	"text/template"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/sla"
	"github.com/fresco-cx/fresco/internal/store"
)

// Case sources: where a case came from.
var Sources = []string{"complaint", "detractor", "low_csat", "incident", "api", "staff", "email"}

// Gesture kinds.
var GestureKinds = []string{"apology_letter", "coupon", "free_item", "service_credit", "refund", "upgrade"}

// RootCauseSources are the sources of problems in the recovery process itself.
var RootCauseSources = []string{"selection", "support_systems", "training", "latitude", "recognition", "none"}

// Follow-through outcomes.
var Outcomes = []string{"solved", "not_solved", "no_answer"}

// Gesture statuses.
const (
	GestureGranted         = "granted"
	GesturePending         = "pending_approval"
	GestureRejected        = "rejected"
	waitingOnCustomerState = "waiting_on_customer"
)

// Job kinds this package enqueues and handles. They all begin with
// JobKindPrefix, so that jobs.Retire can retire them together.
const (
	JobKindPrefix = "recovery."
	JobSLACheck   = "recovery.sla_check"
	JobHoldCheck  = "recovery.hold_check"
	JobTaskDue    = "recovery.task_due"
)

// slaCheckPayload is the payload of a JobSLACheck job.
type slaCheckPayload struct {
	CaseID int64 `json:"case_id"`
}

// taskDuePayload is the payload of a JobTaskDue job.
type taskDuePayload struct {
	TaskID int64 `json:"task_id"`
}

// Actor is who does something: an employee with a session, or an API token.
type Actor struct {
	Ref        string // "employee:12" or "token:3", as in the audit log
	Name       string
	Role       fresco.Role
	EmployeeID *int64
}

// System is the actor of jobs.
var System = Actor{Ref: "system", Name: "Fresco", Role: fresco.RoleOwner}

// Notifier delivers a recorded notification (e-mail, SSE, chat). It is called
// after the commit; a failure is logged and the record stays undelivered.
type Notifier interface {
	Notify(ctx context.Context, n fresco.CaseNotification) error
}

// NopNotifier delivers nothing: notifications stay in case_notifications.
type NopNotifier struct{}

func (NopNotifier) Notify(context.Context, fresco.CaseNotification) error { return nil }

// DefaultFollowThroughAfter is when a resolved case's follow-through
// falls due unless Options say otherwise.
const DefaultFollowThroughAfter = 72 * time.Hour

// Options configure a Service. Only DB is required.
type Options struct {
	DB       *store.DB
	Notifier Notifier
	Logger   *slog.Logger
	Now      func() time.Time
	// Notify wakes a local jobs worker after a commit (jobs.Queue.Notify); optional.
	Notify func()
	// ReopenWindow is how long after resolution a customer coming back
	// reopens the case rather than opening a new one (default 30 days).
	ReopenWindow time.Duration
	// FollowThroughAfter is when the follow-through task falls due after
	// resolution (default DefaultFollowThroughAfter).
	FollowThroughAfter time.Duration
	// HoldLimit is how long a customer may be on hold before the hold turns
	// into a call-back task (default 2 minutes).
	HoldLimit time.Duration
	// CallbackWithin is when a call-back created from a hold falls due (default 15 minutes).
	CallbackWithin time.Duration
	// RecurrenceWindow and RecurrenceThreshold: this many cases with the
	// same category, product or location within the window raise an alert
	// (defaults 30 days, 3 cases).
	RecurrenceWindow    time.Duration
	RecurrenceThreshold int
	// LetterTemplate is the apology letter (text/template over LetterData).
	LetterTemplate string
	// PolicyBatchSize is how many live cases one transaction re-evaluates
	// after an SLA policy change (default 100).
	PolicyBatchSize int
	// DefaultCalendar is the calendar of an SLA policy given without one:
	// the business's hours in its zone (settings.Service.Calendar). Nil: a
	// policy must bring its own.
	DefaultCalendar func(context.Context) (sla.Calendar, error)
	// Mailer queues the e-mails staff send to customers from a case
	// (notify.Notifier); nil: Reply refuses.
	Mailer CustomerMailer
	// Business is the business's settings, for {business} in reply
	// templates (settings.Service.Current); nil: the defaults.
	Business func(context.Context) fresco.Settings
	// Format writes times in notifications the business's way (its zone
	// and locale: settings.Service.Formatter); nil: UTC.
	Format func(context.Context) fresco.Formatter
	// ReportEvery is how often the report of the last twelve months is
	// worked out in the background (15 min; < 0: only when first viewed).
	ReportEvery time.Duration
}

// LetterData is what the apology letter template sees.
type LetterData struct {
	CustomerName string
	Summary      string
	Expectation  string
	OwnerName    string
	Gesture      string
}

// DefaultLetter is the default apology letter.
const DefaultLetter = `Dear {{.CustomerName}},

Thank you for telling us what went wrong ({{.Summary}}). I am sorry: this is
not the experience we want you to have, and I have taken the matter in hand
personally.
{{if .Gesture}}
As a small token of our apology, please accept {{.Gesture}}.
{{end}}
If anything is still not right, reply to this letter and it will come
straight to me.

Yours sincerely,
{{.OwnerName}}
`

// Service runs service recovery over the database.
type Service struct {
	db     *store.DB
	notif  Notifier
	log    *slog.Logger
	now    func() time.Time
	wake   func()
	opts   Options
	letter *template.Template
	batch  *batchTx // the transaction of a Batch; nil: a transaction per change
	// policies are the SLA policies parsed so far, shared by a Batch's copy.
	policies *policyCache
	// seen is the caller's version of case seenCase (Seeing); nil: no check.
	seen     *Seen
	seenCase int64
}

// New returns a Service.
func New(o Options) (*Service, error) {
	if o.Notifier == nil {
		o.Notifier = NopNotifier{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Notify == nil {
		o.Notify = func() {}
	}
	if o.Format == nil {
		o.Format = func(context.Context) fresco.Formatter { return fresco.NewFormatter(fresco.DefaultSettings()) }
	}
	if o.Business == nil {
		o.Business = func(context.Context) fresco.Settings { return fresco.DefaultSettings() }
	}
	if o.ReopenWindow <= 0 {
		o.ReopenWindow = 30 * 24 * time.Hour
	}
	if o.FollowThroughAfter <= 0 {
		o.FollowThroughAfter = DefaultFollowThroughAfter
	}
	if o.HoldLimit <= 0 {
		o.HoldLimit = 2 * time.Minute
	}
	if o.CallbackWithin <= 0 {
		o.CallbackWithin = 15 * time.Minute
	}
	if o.RecurrenceWindow <= 0 {
		o.RecurrenceWindow = 30 * 24 * time.Hour
	}
	if o.RecurrenceThreshold <= 0 {
		o.RecurrenceThreshold = 3
	}
	if o.ReportEvery == 0 {
		o.ReportEvery = 15 * time.Minute
	}
	if o.PolicyBatchSize <= 0 {
		o.PolicyBatchSize = defaultPolicyBatch
	}
	if o.LetterTemplate == "" {
		o.LetterTemplate = DefaultLetter
	}
	tmpl, err := template.New("letter").Option("missingkey=error").Parse(o.LetterTemplate)
	if err != nil {
		return nil, fresco.Errorf(fresco.EINVALID, "recovery: letter template: %v", err)
	}
	return &Service{db: o.DB, notif: o.Notifier, log: o.Logger, now: o.Now, wake: o.Notify, opts: o, letter: tmpl,
		policies: &policyCache{}}, nil
}

// DB is the service's database.
func (s *Service) DB() *store.DB { return s.db }

// Now is the service's clock, UTC, microsecond precision.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// ReopenWindow is the configured reopen window.
func (s *Service) ReopenWindow() time.Duration { return s.opts.ReopenWindow }

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}
