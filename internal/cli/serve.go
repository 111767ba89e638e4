package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"golang.org/x/term"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/value"
	"github.com/fresco-cx/fresco/internal/web"
)

func init() {
	commands["serve"] = command{summary: "serve the web UI, the JSON API and the background jobs", run: runServe}
}

func runServe(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("serve", env)
	addr := fs.String("addr", envOr(env, "FRESCO_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT (env FRESCO_ADDR)")
	db := dbFlag(fs, env)
	logFormat := fs.String("log-format", envOr(env, "FRESCO_LOG_FORMAT", "auto"), "log format: json, text or auto (text on a terminal) (env FRESCO_LOG_FORMAT)")
	secure := fs.Bool("secure-cookies", env.Getenv("FRESCO_SECURE_COOKIES") == "1", "mark session cookies Secure (behind a TLS proxy) (env FRESCO_SECURE_COOKIES=1)")
	workers := fs.Int("workers", 32, "background jobs run at once in this process (mostly waiting on webhooks and e-mail, so many)")
	proxies := fs.String("trusted-proxies", env.Getenv("FRESCO_TRUSTED_PROXIES"),
		"comma-separated addresses or CIDRs of the load balancers in front; their X-Forwarded-For is believed (env FRESCO_TRUSTED_PROXIES)")
	metricsToken := fs.String("metrics-token", env.Getenv("FRESCO_METRICS_TOKEN"),
		"bearer token that /metrics requires; unset, /metrics is open (env FRESCO_METRICS_TOKEN)")
	webhookPrivate := fs.Bool("webhook-private", env.Getenv("FRESCO_WEBHOOK_PRIVATE") == "1",
		"allow webhook receivers on loopback, private and link-local addresses (inside your network) (env FRESCO_WEBHOOK_PRIVATE=1)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		return usageError("--trusted-proxies: %v", err)
	}
	var followUpDue time.Duration
	if v := env.Getenv("FRESCO_FOLLOWUP_DUE"); v != "" {
		if followUpDue, err = time.ParseDuration(v); err != nil || followUpDue <= 0 {
			return usageError("FRESCO_FOLLOWUP_DUE=%q: want a duration such as 48h", v)
		}
	}
	logger := newLogger(env.Stderr, *logFormat)
	database, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer database.Close()
	return serve(ctx, database, serveOptions{addr: *addr, logger: logger, secureCookies: *secure, workers: *workers, trustedProxies: trusted,
		smtp: notify.SMTPFromEnv(env.Getenv), baseURL: env.Getenv("FRESCO_BASE_URL"), followUpDue: followUpDue,
		refusePrivateWebhooks: !*webhookPrivate, metricsToken: *metricsToken,
		ready: func(url string) {
			logger.Info("fresco is serving", "url", url, "db", database.Dialect(), "version", buildVersion())
		}})
}

type serveOptions struct {
	addr           string
	logger         *slog.Logger
	secureCookies  bool
	workers        int
	trustedProxies []netip.Prefix
	smtp           notify.SMTPConfig // e-mail (env FRESCO_SMTP_*); unset: e-mails are recorded as skipped
	baseURL        string            // the UI's public URL, for links in e-mails (env FRESCO_BASE_URL)
	followUpDue    time.Duration     // time to get back to a customer after a bad answer (env FRESCO_FOLLOWUP_DUE; 0: 48h)
	ready          func(url string)  // called once the listener is open
	// refusePrivateWebhooks keeps webhooks from reaching inside the network
	// (serve's default; demo runs on this machine and allows local receivers).
	refusePrivateWebhooks bool
	metricsToken          string // /metrics requires it as a bearer token (env FRESCO_METRICS_TOKEN)
}

// app is a running Fresco: the HTTP server and the job queue over one database.
type app struct {
	server *web.Server
	queue  *jobs.Queue
}

// newApp wires every capability to the database, the job queue and the web
// server. New capabilities register their job handlers and web dependencies here.
func newApp(database *store.DB, opts serveOptions) (*app, error) {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	queue := jobs.New(database, jobs.Options{Workers: opts.workers, Logger: opts.logger, Registry: reg})
	registerHousekeeping(queue, database, opts.logger)
	// Closed loop and notifications (internal/notify, internal/loop).
	notifier := notify.New(database, notify.Options{SMTP: opts.smtp, BaseURL: opts.baseURL, Logger: opts.logger,
		RefusePrivateHosts: opts.refusePrivateWebhooks})
	notifier.Register(queue)
	// A complaint also opens a service-recovery case (recovery.open_from_complaint).
	closedLoop := loop.New(database, notifier, loop.Options{Logger: opts.logger, FollowUpDue: opts.followUpDue,
		Escalate: recovery.EnqueueCaseFromComplaint})
	closedLoop.Register(queue)
	// Service recovery (internal/recovery): SLA checks, hold → call-back, task reminders.
	recoverySvc, err := recovery.New(recovery.Options{DB: database, Logger: opts.logger,
		Notifier: recovery.ViaNotify(notifier), Notify: queue.Notify})
	if err != nil {
		return nil, err
	}
	recoverySvc.RegisterJobs(queue)
	// Lifetime value (internal/value): the nightly refit ("clv.refit"; on
	// demand via POST /api/v1/clv/refit).
	valueSvc := value.New(database, value.Options{Logger: opts.logger})
	valueSvc.Register(queue)
	// Listening posts and feedback (internal/feedback): the follow-up call
	// sweep ("feedback.call_sweep", every 15 minutes) and classifier
	// retraining; a stored response wakes the workers, so the closed loop
	// alerts the serving employee at once.
	feedbackSvc := feedback.New(database, feedback.Options{Logger: opts.logger, AfterCommit: notifier.Wake})
	feedbackSvc.RegisterJobs(queue, 0)
	// The web server works with the same instances the jobs use.
	server, err := web.NewServer(web.Deps{
		DB: database, Logger: opts.logger, Registry: reg, SecureCookies: opts.secureCookies, Version: buildVersion(),
		TrustedProxies: opts.trustedProxies, Notifier: notifier, Loop: closedLoop,
		Feedback: feedbackSvc, Recovery: recoverySvc, Value: valueSvc, MetricsToken: opts.metricsToken,
	})
	if err != nil {
		return nil, err
	}
	return &app{server: server, queue: queue}, nil
}

// serve runs the web server and the job queue until ctx ends, then shuts
// both down gracefully.
func serve(ctx context.Context, database *store.DB, opts serveOptions) error {
	a, err := newApp(database, opts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           a.server,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(opts.logger.Handler(), slog.LevelWarn),
	}
	srv.RegisterOnShutdown(a.server.CloseStreams) // end live event streams so that Shutdown need not wait for them
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queueDone := make(chan error, 1)
	go func() { queueDone <- a.queue.Run(ctx) }()
	serveDone := make(chan error, 1)
	go func() { serveDone <- srv.Serve(ln) }()
	if opts.ready != nil {
		opts.ready("http://" + ln.Addr().String())
	}
	select {
	case <-ctx.Done():
	case err = <-serveDone:
		cancel()
	}
	shutdownCtx, stop := context.WithTimeout(context.Background(), 15*time.Second)
	defer stop()
	shutdownErr := srv.Shutdown(shutdownCtx)
	cancel()
	queueErr := <-queueDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if errors.Is(queueErr, context.Canceled) {
		queueErr = nil
	}
	return errors.Join(err, shutdownErr, queueErr)
}

// parsePrefixes reads "10.0.0.0/8, 192.168.1.10" into prefixes; a bare
// address is a single-address prefix.
func parsePrefixes(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		addr, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR", item)
		}
		out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
	}
	return out, nil
}

func envOr(env Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

// newLogger logs JSON in production and readable text on a terminal.
func newLogger(w io.Writer, format string) *slog.Logger {
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
