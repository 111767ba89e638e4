// Package app builds the whole of Fresco — store, job queue, notifier,
// capability services and the HTTP server — from one Config. It is the only
// place where the parts are wired together: `fresco serve`, `fresco demo`
// and every test that needs a server call New, so what the tests exercise is
// what production runs.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/jobs"
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
	"github.com/fresco-cx/fresco/internal/secret"
	"github.com/fresco-cx/fresco/internal/settings"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/suggestions"
	"github.com/fresco-cx/fresco/internal/value"
	"github.com/fresco-cx/fresco/internal/web"
)

// Config is everything that may differ between one Fresco and another.
// Zero values are production's defaults.
type Config struct {
	// DB is an open, migrated database. When nil, New opens DatabaseURL
	// and Close closes it.
	DB          *store.DB
	DatabaseURL string // sqlite:PATH or postgres://…
	// ReportsDatabaseURL, when set, is a read replica of the database that
	// the dashboards read (store.DB.AttachReports); writes and every other
	// read stay on the primary.
	ReportsDatabaseURL string
	// SecretKeys seal the webhook secrets and the survey-link key in the
	// database; nil keeps the keys DB already has (a DB without any is
	// refused). The CLI resolves them (cli/secrets.go).
	SecretKeys *secret.Keyring

	Logger *slog.Logger // nil: logs are discarded
	// Registry receives the HTTP and job metrics and is what /metrics
	// exposes; nil: a new one with the Go runtime and process collectors.
	Registry *prometheus.Registry
	Now      func() time.Time // the clock; nil: time.Now
	Version  string           // reported in the OpenAPI document

	Workers           int           // background jobs run at once (jobs' default when 0)
	QueuePollInterval time.Duration // how often the queue looks for due jobs (jobs' default when 0)
	// JobLease is how long a job claimed by a replica that died waits before
	// another takes it over (jobs' default, 5 min, when 0). Running jobs
	// renew their lease, so it does not limit how long a job may take.
	JobLease time.Duration
	// RefitMemoryLimit, when positive, is Go's soft memory limit in bytes
	// while a lifetime-value refit runs (value.Options.RefitMemoryLimit).
	RefitMemoryLimit int64

	SecureCookies     bool           // session cookies Secure behind a TLS proxy
	TrustedProxies    []netip.Prefix // load balancers whose X-Forwarded-For is believed
	MetricsToken      string         // bearer token /metrics requires; empty: open
	LoginAccountLimit int            // failed logins allowed per account (auth's default when 0)

	SMTP    notify.SMTPConfig // unset: e-mails are recorded as skipped
	BaseURL string            // the UI's public URL, for links in e-mails
	// AllowPrivateWebhooks lets webhooks reach loopback, private and
	// link-local addresses; refused by default so that a subscription
	// cannot probe the network the server runs in.
	AllowPrivateWebhooks bool
	NotifyPollInterval   time.Duration // how often live streams look for others' notifications (notify's default when 0)
	NotifyHeartbeat      time.Duration // keep-alive interval of live streams (notify's default when 0)

	// Inbound is the inbound e-mail: the SMTP listener's address and the
	// limits both it and POST /api/v1/inbound/email apply.
	Inbound InboundConfig

	FollowUpDue   time.Duration // time to get back to a customer after a bad answer (loop's default when 0)
	DisableDigest bool          // no daily digest job for managers, nor the weekly goals digest
	// DisablePulse leaves the monthly staff pulse unscheduled (tests whose
	// running queue must not notify everyone); pulse.Service.OpenMonth
	// still opens one when called.
	DisablePulse bool
}

// App is a built Fresco: the services share one database and one job queue,
// and the HTTP server works with the same instances the jobs use.
type App struct {
	DB       *store.DB
	Registry *prometheus.Registry
	Queue    *jobs.Queue
	Notifier *notify.Notifier
	Loop     *loop.Loop
	Recovery *recovery.Service
	Value    *value.Service
	Feedback *feedback.Service
	Staff    *staff.Service
	People   *people.Service  // trainings, exits, rehires, retention and turnover cost
	Rewards  *rewards.Service // scorecards of results, rewards for team goals, nominations
	Settings *settings.Service
	Prefs    *prefs.Service      // customers' unsubscribe and preference links
	Pulse    *pulse.Service      // the monthly employee pulse
	Goals    *goals.Service      // satisfaction goals and their weekly digest
	Maps     *processmap.Service // designed process maps and their fail points
	Chain    *chain.Service      // the service-profit chain and the cycle-of-mediocrity alert
	Latitude *latitude.Service   // the latitude audit: limits, staff's asks, approvals
	// Anticipate keeps preference notes and works out next best actions.
	Anticipate *anticipate.Service
	// Suggestions: "bought this, also bought" with its guard rails, trained nightly.
	Suggestions *suggestions.Service
	Inbound     *inbound.Service
	// Referral: promoters' referral codes, their links and thanks.
	Referral *referral.Service
	// InboundSMTP is the inbound SMTP listener, nil without
	// Config.Inbound.Listen; serve runs it beside the web server.
	InboundSMTP   *inbound.SMTPServer
	InboundListen string
	Server        *web.Server

	// ProcessLog keeps imported process event logs and draws Fresco's own work as one.
	ProcessLog *processlog.Service

	closeDB bool
}

// New builds the application. It starts nothing: run a.Queue.Run and serve
// a.Server as the caller needs.
func New(cfg Config) (*App, error) {
	cfg = cfg.withDefaults()
	a := &App{DB: cfg.DB, Registry: cfg.Registry}
	if a.DB == nil {
		db, err := store.Open(context.Background(), cfg.DatabaseURL)
		if err != nil {
			return nil, err
		}
		a.DB, a.closeDB = db, true
	}
	if cfg.ReportsDatabaseURL != "" {
		if err := a.DB.AttachReports(context.Background(), cfg.ReportsDatabaseURL); err != nil {
			return nil, errors.Join(err, a.Close())
		}
	}
	if err := a.sealSecrets(cfg); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	if err := a.build(cfg); err != nil {
		return nil, errors.Join(err, a.Close())
	}
	return a, nil
}

// sealSecrets checks that the secret keys open every stored secret — a wrong
// key stops the start here, not at the first webhook — and seals the ones an
// older Fresco stored in plain text.
func (a *App) sealSecrets(cfg Config) error {
	if cfg.SecretKeys != nil {
		a.DB.UseSecretKeys(cfg.SecretKeys)
	}
	sealed, err := a.DB.SealSecrets(context.Background(), false)
	if errors.Is(err, secret.ErrUnknownKey) || errors.Is(err, secret.ErrCorrupt) {
		return fmt.Errorf("%w: start with the key the database was sealed with (--secret-key or FRESCO_SECRET_KEY_FILE; for SQLite the .key file next to the database)", err)
	}
	if err != nil {
		return err
	}
	if sealed > 0 {
		cfg.Logger.Info("sealed secrets stored in plain text by an older version", "count", sealed)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
		c.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func (a *App) build(cfg Config) error {
	db, log := a.DB, cfg.Logger
	a.Settings = settings.New(db, settings.Options{Logger: log, Now: cfg.Now})
	a.Queue = jobs.New(db, jobs.Options{Workers: cfg.Workers, PollInterval: cfg.QueuePollInterval, Lease: cfg.JobLease, Logger: log, Registry: a.Registry})
	registerHousekeeping(a.Queue, db, log)
	registerOperationsMetrics(a.Registry, db, cfg.Version)

	a.Notifier = notify.New(db, notify.Options{SMTP: cfg.SMTP, BaseURL: cfg.BaseURL, Logger: log, Now: cfg.Now, Business: a.Settings.Current,
		RefusePrivateHosts: !cfg.AllowPrivateWebhooks, PollInterval: cfg.NotifyPollInterval, Heartbeat: cfg.NotifyHeartbeat,
		Registry: a.Registry})
	a.Notifier.Register(a.Queue)
	a.Referral = referral.New(db, referral.Options{BaseURL: cfg.BaseURL, Mailer: a.Notifier, Business: a.Settings.Current,
		Now: cfg.Now, Logger: log})
	// A complaint also opens a service-recovery case; a consenting
	// promoter is thanked with their referral link.
	a.Loop = loop.New(db, a.Notifier, loop.Options{Logger: log, Now: cfg.Now, FollowUpDue: cfg.FollowUpDue,
		DisableDigest: cfg.DisableDigest, Escalate: recovery.EnqueueCaseFromComplaint, Promoter: a.Referral.ThankPromoter,
		Format: a.Settings.Formatter})
	a.Loop.Register(a.Queue)

	recoverySvc, err := recovery.New(recovery.Options{DB: db, Logger: log, Now: cfg.Now,
		Notifier: recovery.ViaNotify(a.Notifier), Notify: a.Queue.Notify,
		DefaultCalendar: a.Settings.Calendar, Format: a.Settings.Formatter, // a policy without hours runs on the business's
		Mailer: a.Notifier, Business: a.Settings.Current}) // replies to customers from a case
	if err != nil {
		return err
	}
	a.Recovery = recoverySvc
	a.Recovery.RegisterJobs(a.Queue)

	// The refit's purchase model is the owner's (settings' clv_model), read
	// at each refit; unreadable settings mean auto.
	a.Value = value.New(db, value.Options{Logger: log, Now: cfg.Now, RefitMemoryLimit: cfg.RefitMemoryLimit,
		ModelChoice: func(ctx context.Context) string { return a.Settings.Current(ctx).CLVModel }})
	a.Value.Register(a.Queue)

	a.Suggestions = suggestions.New(db, suggestions.Options{Logger: log, Now: cfg.Now, Settings: a.Settings.Current})
	a.Suggestions.Register(a.Queue)

	// A stored response wakes the workers, so the closed loop alerts the
	// serving employee at once rather than at the next poll.
	a.Feedback = feedback.New(db, feedback.Options{Logger: log, Now: cfg.Now, AfterCommit: a.Notifier.Wake,
		Notifier: a.Notifier, Business: a.Settings.Current, BaseURL: cfg.BaseURL,
		Suggestions: func(ctx context.Context, customerID int64, lang string) (string, error) { // in invitations, when the owner allows
			f, err := a.Suggestions.ToCustomer(ctx, customerID, lang)
			return f.MailText(cfg.BaseURL), err
		}})
	a.Feedback.RegisterJobs(a.Queue, 0)

	a.Staff = staff.New(db)
	a.People = people.New(db, func(ctx context.Context) *time.Location { return a.Settings.Formatter(ctx).Zone }, cfg.Now)
	a.Rewards = rewards.New(db, func(ctx context.Context) *time.Location { return a.Settings.Formatter(ctx).Zone }, cfg.Now)
	a.People.RegisterJobs(a.Queue)
	a.Rewards.UseNotifier(a.Notifier)
	a.Rewards.RegisterJobs(a.Queue)
	a.Prefs = prefs.New(db)
	a.Pulse = pulse.New(db, pulse.Options{Logger: log, Now: cfg.Now, Notifier: a.Notifier,
		Zone: func(ctx context.Context) *time.Location { return a.Settings.Formatter(ctx).Zone }})
	if !cfg.DisablePulse {
		a.Pulse.Register(a.Queue)
	}
	a.Chain = chain.New(db, a.People, a.Pulse, chain.Options{Logger: log, Now: cfg.Now, Notifier: a.Notifier})
	a.Chain.Register(a.Queue)

	zone := func(ctx context.Context) *time.Location { return a.Settings.Formatter(ctx).Zone }
	a.Goals = goals.New(db, goals.Options{Logger: log, Now: cfg.Now, Zone: zone, Notifier: a.Notifier, Format: a.Settings.Formatter,
		Pulse: func(ctx context.Context, kind string, id int64, from, to string) (map[int]int, int, string, error) {
			p, err := a.Pulse.PooledScale(ctx, kind, id, from, to, pulse.KeySatisfaction)
			return p.Counts, p.Hidden, p.Reason, err
		}})
	if !cfg.DisableDigest {
		a.Goals.Register(a.Queue)
	}
	a.ProcessLog = processlog.New(db, processlog.Options{Logger: log})
	a.Maps = processmap.New(db, a.ProcessLog) // the overlay mines stored logs from the shared cache
	a.Latitude = latitude.New(db, latitude.Options{Pulse: a.Pulse, Format: a.Settings.Formatter, Now: cfg.Now})
	a.Latitude.RegisterJobs(a.Queue, time.Hour) // the settled months' approvals, stored
	a.Anticipate = anticipate.New(db, anticipate.Options{Logger: log, Now: cfg.Now, Settings: a.Settings.Current, Format: a.Settings.Formatter})

	a.Inbound = inbound.New(inbound.Options{DB: db, Recovery: a.Recovery, Feedback: a.Feedback, Logger: log,
		Registry: a.Registry, Domains: cfg.Inbound.Domains, MaxBytes: cfg.Inbound.MaxBytes, Now: cfg.Now,
		Policy: inbound.Policy{OwnDomains: ownDomains(cfg.SMTP.From), LoopMarker: senderAddress(cfg.SMTP.From)}})
	if cfg.Inbound.Listen != "" {
		a.InboundSMTP, a.InboundListen = inbound.NewSMTPServer(a.Inbound, cfg.Inbound.Hostname), cfg.Inbound.Listen
	}

	a.Server, err = web.NewServer(web.Deps{
		DB: db, Logger: log, Registry: a.Registry, Now: cfg.Now, Version: cfg.Version,
		Auth: auth.New(auth.Options{DB: db, Logger: log, Now: cfg.Now, SecureCookies: cfg.SecureCookies,
			AccountLimit: cfg.LoginAccountLimit}),
		TrustedProxies: cfg.TrustedProxies, MetricsToken: cfg.MetricsToken,
		Notifier: a.Notifier, Loop: a.Loop, Feedback: a.Feedback, Recovery: a.Recovery, Value: a.Value, Staff: a.Staff,
		Settings: a.Settings, Prefs: a.Prefs, People: a.People, Rewards: a.Rewards,
		Inbound: a.Inbound, Pulse: a.Pulse, Goals: a.Goals, Chain: a.Chain,
		Latitude: a.Latitude, ProcessLog: a.ProcessLog, Maps: a.Maps, Anticipate: a.Anticipate, Suggestions: a.Suggestions,
		Referral: a.Referral,
	})
	return err
}

// Close closes the database when New opened it.
func (a *App) Close() error {
	if a.closeDB && a.DB != nil {
		return a.DB.Close()
	}
	return nil
}

// InboundConfig configures inbound e-mail.
type InboundConfig struct {
	Listen   string   // the SMTP listener's HOST:PORT; empty, none (the webhook still works)
	Hostname string   // the name the listener greets with; empty, localhost
	Domains  []string // recipient domains accepted over SMTP; empty, any
	MaxBytes int64    // the largest message (inbound.DefaultMaxBytes when 0)
}

// senderAddress is the bare address of Fresco's sender, "" when unset.
func senderAddress(from string) string {
	if a, err := mail.ParseAddress(from); err == nil {
		return a.Address
	}
	return ""
}

// ownDomains is the domain of Fresco's sender address, on which its
// Message-IDs are made (notify.NewMessageID): mail with such an ID coming
// in is Fresco's own come back.
func ownDomains(from string) []string {
	if _, d, ok := strings.Cut(senderAddress(from), "@"); ok && d != "" {
		return []string{d, "fresco.invalid"}
	}
	return []string{"fresco.invalid"}
}
