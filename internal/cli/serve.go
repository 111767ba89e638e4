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

	"golang.org/x/term"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/inbound"
	"github.com/fresco-cx/fresco/internal/notify"
)

func init() {
	commands["serve"] = command{summary: "serve the web UI, the JSON API and the background jobs", run: runServe}
}

func runServe(ctx context.Context, args []string, env Env) error {
	cfg, addr, err := serveConfig(args, env)
	if err != nil {
		return err
	}
	a, err := app.New(cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return serve(ctx, a, addr, cfg.Logger, func(url string) {
		cfg.Logger.Info("fresco is serving", "url", url, "db", a.DB.Dialect(), "version", buildVersion())
	})
}

// The job lease's bounds. Workers renew a lease every third of it, so below
// a few seconds a slow database round trip could lose a lease of a live
// worker; above a day a dead replica's jobs would wait longer than anyone
// would want.
const (
	defaultJobLease = 5 * time.Minute
	minJobLease     = 5 * time.Second
	maxJobLease     = 24 * time.Hour
)

// serveConfig reads serve's flags and environment into the application's
// configuration and the listen address.
func serveConfig(args []string, env Env) (app.Config, string, error) {
	fs := newFlagSet("serve", env)
	config := configFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "listen address HOST:PORT")
	db := fs.String("db", defaultDB, "database URL: sqlite:PATH or postgres://…")
	dbRead := fs.String("db-read", "", "a read replica of --db for the dashboards' reads (feedback metrics, value, case reports, customers leaving); unset, they read --db")
	secretKey := secretKeyFlag(fs)
	logFormat := fs.String("log-format", "auto", "log format: json, text or auto (text on a terminal)")
	logLevel := fs.String("log-level", "info", "least important log records written: debug, info, warn or error")
	secure := fs.Bool("secure-cookies", false, "mark session cookies Secure (behind a TLS proxy)")
	workers := fs.Int("workers", 32, "background jobs run at once in this process (mostly waiting on webhooks and e-mail, so many)")
	jobLease := fs.Duration("job-lease", defaultJobLease, "how long a job claimed by a replica that died waits before another takes it over; running jobs renew it")
	refitMemory := fs.Int64("refit-memory-limit", 0, "Go's soft memory limit in MiB while a lifetime-value refit runs, put back after it (0: none but GOMEMLIMIT's; see docs/operations.md)")
	proxies := fs.String("trusted-proxies", "", "comma-separated addresses or CIDRs of the load balancers in front; their X-Forwarded-For is believed")
	metricsToken := fs.String("metrics-token", "", "bearer token that /metrics requires; unset, /metrics is open")
	webhookPrivate := fs.Bool("webhook-private", false, "allow webhook receivers on loopback, private and link-local addresses (inside your network)")
	baseURL := fs.String("base-url", "", "the UI's public URL, for links in e-mails")
	followUpDue := fs.Duration("followup-due", 0, "time to get back to a customer after a bad answer (0: 48h)")
	var smtp notify.SMTPConfig
	smtpURL := fs.String("smtp-url", "", "SMTP server: smtp://[USER:PASS@]HOST[:587] (STARTTLS) or smtps://…[:465] (implicit TLS), ?auth=plain|login|cram-md5; unset, e-mails are recorded as skipped")
	fs.StringVar(&smtp.Addr, "smtp-addr", "", "SMTP server HOST:PORT, STARTTLS when offered (older form of --smtp-url)")
	fs.StringVar(&smtp.From, "smtp-from", "", "sender address of Fresco's e-mails")
	fs.StringVar(&smtp.User, "smtp-user", "", "SMTP user name")
	fs.StringVar(&smtp.Password, "smtp-password", "", "SMTP password (prefer FRESCO_SMTP_PASSWORD_FILE)")
	fs.BoolVar(&smtp.RequireTLS, "smtp-require-tls", false, "refuse to send without STARTTLS")
	var in app.InboundConfig
	fs.StringVar(&in.Listen, "smtp-listen", "", "inbound SMTP listener HOST:PORT (e.g. 127.0.0.1:2525) for a mail relay or MX to deliver customers' mail to; unset, none (POST /api/v1/inbound/email still works)")
	fs.StringVar(&in.Hostname, "smtp-hostname", "", "the name the inbound SMTP listener greets with (the MX's name); unset, localhost")
	inboundDomains := fs.String("inbound-domains", "", "comma-separated recipient domains the inbound SMTP listener accepts (e.g. support.example.com); unset, any")
	fs.Int64Var(&in.MaxBytes, "inbound-max-bytes", inbound.DefaultMaxBytes, "largest inbound e-mail accepted, in bytes (SMTP SIZE, and the webhook's body)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "Usage: fresco serve [flags]\n\nEvery flag --name is also the environment variable FRESCO_NAME (dashes as\nunderscores), FRESCO_NAME_FILE (the value read from a file) and 'name = value'\nin the --config file; the command line wins, then the environment, then the file.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return app.Config{}, "", err
	}
	if err := applySettings(fs, env, *config); err != nil {
		return app.Config{}, "", err
	}
	if *smtpURL != "" {
		if smtp.Addr != "" {
			return app.Config{}, "", usageError("--smtp-url and --smtp-addr: give one of them")
		}
		if err := smtp.ParseSMTPURL(*smtpURL); err != nil {
			return app.Config{}, "", usageError("%v", err)
		}
	}
	if in.MaxBytes <= 0 {
		return app.Config{}, "", usageError("--inbound-max-bytes: want a positive number of bytes, such as 10485760")
	}
	for _, d := range strings.Split(*inboundDomains, ",") {
		if d = strings.TrimSpace(d); d != "" {
			in.Domains = append(in.Domains, d)
		}
	}
	trusted, err := parsePrefixes(*proxies)
	if err != nil {
		return app.Config{}, "", usageError("--trusted-proxies: %v", err)
	}
	if *followUpDue < 0 {
		return app.Config{}, "", usageError("--followup-due: want a positive duration such as 48h")
	}
	if *jobLease < minJobLease || *jobLease > maxJobLease {
		return app.Config{}, "", usageError("--job-lease: %v: want a duration from %v to %v, such as 30s or 5m", *jobLease, minJobLease, maxJobLease)
	}
	if *refitMemory < 0 {
		return app.Config{}, "", usageError("--refit-memory-limit: want MiB, such as 256, or 0 for none")
	}
	logger, err := newLogger(env.Stderr, *logFormat, *logLevel)
	if err != nil {
		return app.Config{}, "", err
	}
	keys, err := secretKeys(*db, *secretKey)
	if err != nil {
		return app.Config{}, "", err
	}
	return app.Config{DatabaseURL: *db, ReportsDatabaseURL: *dbRead, SecretKeys: keys, Logger: logger, Version: buildVersion(), Workers: *workers,
		JobLease: *jobLease, RefitMemoryLimit: *refitMemory << 20, SecureCookies: *secure, TrustedProxies: trusted, MetricsToken: *metricsToken,
		SMTP: smtp, BaseURL: *baseURL, FollowUpDue: *followUpDue, Inbound: in,
		AllowPrivateWebhooks: *webhookPrivate}, *addr, nil
}

// serve runs the web server and the job queue until ctx ends, then shuts
// both down gracefully. ready is called once the listener is open.
func serve(ctx context.Context, a *app.App, addr string, logger *slog.Logger, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := httpServer(a.Server, logger)
	srv.RegisterOnShutdown(a.Server.CloseStreams) // end live event streams so that Shutdown need not wait for them
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queueDone := make(chan error, 1)
	go func() { queueDone <- a.Queue.Run(ctx) }()
	go a.Value.KeepViewsWarm(ctx, time.Minute)
	serveDone := make(chan error, 1)
	go func() { serveDone <- srv.Serve(ln) }()
	smtpDone := make(chan error, 1)
	if a.InboundSMTP != nil {
		sln, err := net.Listen("tcp", a.InboundListen)
		if err != nil {
			srv.Close()
			cancel()
			<-queueDone
			return fmt.Errorf("--smtp-listen: %w", err)
		}
		go func() { smtpDone <- a.InboundSMTP.Serve(sln) }()
		logger.Info("fresco is receiving e-mail", "smtp", sln.Addr().String())
	}
	ready("http://" + ln.Addr().String())
	select {
	case <-ctx.Done():
	case err = <-serveDone:
		cancel()
	case err = <-smtpDone:
		cancel()
	}
	shutdownCtx, stop := context.WithTimeout(context.Background(), 15*time.Second)
	defer stop()
	shutdownErr := srv.Shutdown(shutdownCtx)
	if a.InboundSMTP != nil {
		shutdownErr = errors.Join(shutdownErr, a.InboundSMTP.Shutdown(shutdownCtx))
	}
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

// httpServer is the server every listener of Fresco's gets: no request may
// hold a connection by sending slowly, nor a client keep an idle one forever.
func httpServer(h http.Handler, logger *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// ReadTimeout bounds reading a whole request, so a slow form body
		// cannot hold a connection. The live event stream, which writes for
		// hours, is untouched by it (net/http clears the deadline once the
		// request is read; api_loop_test.go checks), and it is why there is
		// deliberately no WriteTimeout.
		ReadTimeout: time.Minute,
		IdleTimeout: 2 * time.Minute,
		ErrorLog:    slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
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
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError("--log-level: %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	if format == "auto" {
		format = "json"
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			format = "text"
		}
	}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError("--log-format: %q: want json, text or auto", format)
}
