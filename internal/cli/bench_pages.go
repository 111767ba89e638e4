package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// pagesResult is what `fresco bench pages --json` prints.
type pagesResult struct {
	Benchmark string       `json:"benchmark"`
	Engine    string       `json:"engine"`
	Customers int64        `json:"customers"`
	Clients   int          `json:"clients"`
	Seconds   float64      `json:"seconds"`
	Requests  int          `json:"requests"`
	Errors    int          `json:"errors"`
	Cores     int          `json:"cores"`
	Routes    []routeStats `json:"routes"`
	Skipped   []skipped    `json:"skipped,omitempty"`
}

// routeStats is one route's figures: latencies in milliseconds.
type routeStats struct {
	Route      string  `json:"route"` // as in the route table, e.g. "GET /api/v1/customers/{id}"
	Requests   int     `json:"requests"`
	Errors     int     `json:"errors"` // answers other than 2xx (after redirects) and failed requests
	FirstError string  `json:"first_error,omitempty"`
	RPS        float64 `json:"rps"`
	P50        float64 `json:"p50_ms"`
	P95        float64 `json:"p95_ms"`
	P99        float64 `json:"p99_ms"`
	Max        float64 `json:"max_ms"`
	// CPUms is the process's CPU time per request — server and, on SQLite,
	// database — measured only with one client on an in-process server,
	// where requests do not overlap: a figure the load of a shared machine
	// does not inflate as it does the latencies.
	CPUms float64 `json:"cpu_ms,omitempty"`
	// DBCPUms is, on a PostgreSQL server on the same machine, its backends'
	// CPU time per request (measured as CPUms is): the database's share,
	// which on SQLite is inside CPUms.
	DBCPUms float64 `json:"db_cpu_ms,omitempty"`
}

// skipped is a route the walk could not fill in: no row to take an id from.
type skipped struct {
	Route  string `json:"route"`
	Reason string `json:"reason"`
}

// benchTarget is one route of the walk with the concrete URLs it requests,
// its path parameters filled with ids taken from the database.
type benchTarget struct {
	route string
	urls  []string
}

// benchPages walks every UI page and every GET operation of the JSON API as
// an owner, with clients requests in flight, and reports latency
// percentiles and throughput per route.
//
// The routes come from the server's route table, so a new page or endpoint
// is measured without touching this file. Path parameters get ids sampled
// from the database (customers, cases, surveys …). By default the server is
// started in-process on the loopback interface, configured as `fresco
// serve` would be (background jobs included); with --url the requests go to
// a running server on the same database instead, and --db is only used to
// open the session and pick the ids.
func benchPages(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("bench pages", env)
	db := dbFlag(fs, env)
	target := fs.String("url", "", "base URL of a running server on the same database (default: start one in-process)")
	clients := fs.Int("clients", 8, "requests in flight at once")
	duration := fs.Duration("duration", 20*time.Second, "how long to walk the routes (at least one request to each)")
	timeout := fs.Duration("timeout", 60*time.Second, "a request slower than this counts as an error")
	ids := fs.Int("ids", 200, "ids sampled per kind of path parameter")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	routes := fs.String("routes", "", "walk only the routes whose name (\"GET /cases/{id}\") matches this regular expression")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the walk (server and bench, one process) to FILE")
	drain := fs.Duration("drain", 10*time.Minute, "before the walk, wait up to this long for the jobs already due to run (0: do not wait)")
	secretKey := secretKeyFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *clients <= 0 || *duration <= 0 || *timeout <= 0 || *ids <= 0 || *drain < 0 {
		return usageError("--clients, --duration, --timeout and --ids must be positive, --drain not negative")
	}
	only, err := regexp.Compile(*routes)
	if err != nil {
		return usageError("--routes: " + err.Error())
	}
	srv, err := startBenchServer(ctx, *db, *secretKey, *target, env)
	if err != nil {
		return err
	}
	defer srv.stop()
	targets, skips, err := benchTargets(ctx, srv.db, srv.app.Server.Routes(), *ids)
	if err != nil {
		return err
	}
	targets = slices.DeleteFunc(targets, func(t benchTarget) bool { return !only.MatchString(t.route) })
	if len(targets) == 0 {
		return usageError("--routes: no route to walk matches " + strconv.Quote(*routes))
	}
	if *target == "" {
		if err := drainJobs(ctx, srv.db, *drain, env); err != nil {
			return err
		}
	}
	client, err := benchClient(srv.base, srv.session, *timeout)
	if err != nil {
		return err
	}
	var meter *cpuMeter
	if *clients == 1 && *target == "" {
		meter = &cpuMeter{db: newDBCPUMeter(ctx, srv.db, *db)}
		defer meter.db.close(context.WithoutCancel(ctx))
	}
	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	res := walkRoutes(ctx, client, srv.base, targets, *clients, *duration, meter)
	stopProfile()
	res.Engine = string(srv.db.Dialect())
	res.Skipped = skips
	if err := srv.db.QueryRow(ctx, `SELECT COUNT(*) FROM customers`).Scan(&res.Customers); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	return printPages(env.Stdout, res)
}

// benchServer is the server a bench sends its requests to, with an owner's
// session to send them in.
type benchServer struct {
	db       *store.DB
	app      *app.App
	base     string // the server's base URL
	session  string
	cleanups []func() // run last first by stop
}

// startBenchServer opens the database and, unless target names a running
// server on it, starts one in-process on the loopback interface, configured
// as `fresco serve` would be (background jobs included). A database without
// a lifetime-value refit gets one first, untimed.
func startBenchServer(ctx context.Context, dbURL, secretKey, target string, env Env) (*benchServer, error) {
	logger := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	a, database, err := benchApp(ctx, dbURL, secretKey, logger, env)
	if err != nil {
		return nil, err
	}
	srv := &benchServer{db: database, app: a, base: strings.TrimRight(target, "/"), cleanups: []func(){func() { database.Close() }}}
	if err := srv.start(ctx, logger, env); err != nil {
		srv.stop()
		return nil, err
	}
	return srv, nil
}

// benchApp opens the database at dbURL and the application on it, as the
// server would.
func benchApp(ctx context.Context, dbURL, secretKey string, logger *slog.Logger, env Env) (*app.App, *store.DB, error) {
	given, err := secretKeySetting(secretKey, env)
	if err != nil {
		return nil, nil, err
	}
	keys, err := secretKeys(dbURL, given)
	if err != nil {
		return nil, nil, err
	}
	database, err := openDB(ctx, dbURL)
	if err != nil {
		return nil, nil, err
	}
	a, err := app.New(app.Config{DB: database, SecretKeys: keys, Logger: logger, Version: buildVersion(), Workers: 32})
	if err != nil {
		database.Close()
		return nil, nil, err
	}
	return a, database, nil
}

func (srv *benchServer) start(ctx context.Context, logger *slog.Logger, env Env) error {
	a := srv.app
	if err := ensureRefit(ctx, a, env); err != nil {
		return err
	}
	if err := settle(ctx, a, env); err != nil {
		return err
	}
	var err error
	if srv.session, err = benchSession(ctx, srv.db); err != nil {
		return err
	}
	srv.cleanups = append(srv.cleanups, func() {
		srv.db.DeleteSession(context.WithoutCancel(ctx), auth.HashToken(srv.session))
	})
	if srv.base != "" {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	ready := make(chan string, 1)
	serveErr := make(chan error, 1)
	go func() { serveErr <- serve(ctx, a, "127.0.0.1:0", logger, func(u string) { ready <- u }) }()
	srv.cleanups = append(srv.cleanups, func() { cancel(); <-serveErr })
	select {
	case srv.base = <-ready:
		return nil
	case err := <-serveErr:
		serveErr <- err // for the cleanup
		return err
	}
}

// stop stops the server, removes the session and closes the database; a
// second call does nothing.
func (srv *benchServer) stop() {
	for i := len(srv.cleanups) - 1; i >= 0; i-- {
		srv.cleanups[i]()
	}
	srv.cleanups = nil
}

// ensureRefit runs the lifetime-value refit once if none has run (a fresh
// demo or import): a server that has run for a night has one, and the value
// pages and endpoints read its results. It is not timed.
func ensureRefit(ctx context.Context, a *app.App, env Env) error {
	fits, err := a.Value.Fits(ctx)
	if err != nil || len(fits) > 0 {
		return err
	}
	start := time.Now()
	if _, err := a.Value.Refit(ctx); err != nil {
		return fmt.Errorf("refit before the bench: %w", err)
	}
	fmt.Fprintf(env.Stderr, "no lifetime-value refit yet: refitted in %.1f s before the bench\n", time.Since(start).Seconds())
	return nil
}

// settle does, untimed, what a server that has been running a while has
// done in the background: the lifetime-value views of the current refit
// and the stored dashboards (satisfied but leaving, the recovery report,
// the emerging themes, the scorecards' retention counts, the latitude
// audit's settled months),
// which a fresh database has not yet worked out and a first view would.
func settle(ctx context.Context, a *app.App, env Env) error {
	start := time.Now()
	if err := a.Value.WarmViews(ctx); err != nil {
		return fmt.Errorf("lifetime-value views before the bench: %w", err)
	}
	if _, _, _, err := a.Loop.SatisfiedLeaving(ctx, store.LeavingFilter{Limit: 1}); err != nil {
		return fmt.Errorf("satisfied but leaving before the bench: %w", err)
	}
	if _, err := a.Recovery.LastYearReport(ctx); err != nil {
		return fmt.Errorf("recovery report before the bench: %w", err)
	}
	if _, err := a.Feedback.Themes(ctx); err != nil {
		return fmt.Errorf("emerging themes before the bench: %w", err)
	}
	if err := a.People.WarmValueAtRisk(ctx); err != nil {
		return fmt.Errorf("the exits' value at risk before the bench: %w", err)
	}
	if _, err := a.Rewards.RefreshScorecards(ctx); err != nil {
		return fmt.Errorf("the scorecards' stored retention counts before the bench: %w", err)
	}
	if err := a.Latitude.RefreshMonths(ctx); err != nil {
		return fmt.Errorf("the latitude audit's stored months before the bench: %w", err)
	}
	if d := time.Since(start); d > time.Second {
		fmt.Fprintf(env.Stderr, "background views worked out in %.1f s before the bench\n", d.Seconds())
	}
	return nil
}

// drainJobs waits, up to limit, until no job that is due is queued or
// running: a fresh demo or import leaves thousands (e-mails, response
// events) which the server's workers would otherwise run during the walk,
// measured as if the pages were slow. Jobs scheduled for later are left.
func drainJobs(ctx context.Context, db *store.DB, limit time.Duration, env Env) error {
	start := time.Now()
	for first := true; ; first = false {
		var due int64
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running') AND run_at <= ?`,
			time.Now().UTC()).Scan(&due); err != nil {
			return fmt.Errorf("jobs due before the bench: %w", err)
		}
		waited := time.Since(start)
		switch {
		case due == 0:
			if !first {
				fmt.Fprintf(env.Stderr, "the jobs due ran in %.1f s before the bench\n", waited.Seconds())
			}
			return nil
		case waited >= limit:
			fmt.Fprintf(env.Stderr, "%d jobs still due after %.0f s: they run during the bench\n", due, waited.Seconds())
			return nil
		case first:
			fmt.Fprintf(env.Stderr, "%d jobs due: waiting for them before the bench (--drain %s)\n", due, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

// benchSession opens a session for the first active owner, as a login
// would, and returns the cookie value. It does not need the owner's
// password, which the bench cannot know; the session is removed afterwards.
func benchSession(ctx context.Context, db *store.DB) (string, error) {
	var owner int64
	err := db.QueryRow(ctx, `SELECT id FROM employees WHERE role = ? AND active = ? ORDER BY id LIMIT 1`,
		string(fresco.RoleOwner), true).Scan(&owner)
	if err != nil {
		return "", fmt.Errorf("a bench needs an active owner to log in as (fresco user create, or a demo database): %w", err)
	}
	id, hash, err := auth.NewSessionID()
	if err != nil {
		return "", err
	}
	return id, db.CreateSession(ctx, hash, owner, time.Now().Add(24*time.Hour))
}

// benchClient sends the session cookie with every request and follows
// redirects: GET /login sends the signed-in client on to the home page, so
// its figures are the home page's plus a redirect.
func benchClient(base, session string, timeout time.Duration) (*http.Client, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, usageError("--url: want a base URL such as http://127.0.0.1:8080")
	}
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, []*http.Cookie{{Name: auth.SessionCookie, Value: session, Path: "/"}})
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 256
	return &http.Client{Jar: jar, Timeout: timeout, Transport: tr}, nil
}

// walkRoutes sends requests until the duration has passed and every route
// has been asked at least once. Request k goes to route k mod len(targets),
// so every route gets the same share of requests, a slow page holding its
// client as it would hold a person.
func walkRoutes(ctx context.Context, client *http.Client, base string, targets []benchTarget, clients int, d time.Duration, meter *cpuMeter) pagesResult {
	samples, elapsed := hammer(ctx, clients, d, len(targets), meter, routeRequest(ctx, client, base, targets))
	res := pagesResult{Benchmark: "pages", Clients: clients, Seconds: elapsed, Cores: runtime.NumCPU()}
	for i, t := range targets {
		st := routeFigures(t.route, samples[i], elapsed)
		res.Requests += st.Requests
		res.Errors += st.Errors
		res.Routes = append(res.Routes, st)
	}
	return res
}

// routeRequest sends request k of a walk of the targets and returns the
// index of its target.
func routeRequest(ctx context.Context, client *http.Client, base string, targets []benchTarget) func(k int) (int, time.Duration, error) {
	return func(k int) (int, time.Duration, error) {
		i := k % len(targets)
		t := targets[i]
		took, err := benchGet(ctx, client, base+t.urls[(k/len(targets))%len(t.urls)])
		return i, took, err
	}
}

// sample is one request's time and error, if any, and the CPU time of the
// process and of the database server meanwhile if it was measured.
type sample struct {
	took  time.Duration
	cpu   time.Duration
	dbCPU time.Duration
	err   string
}

// cpuMeter measures the CPU a request costs, with one client only (requests
// must not overlap): the process's and, when db is set, that of the
// PostgreSQL backends serving it.
type cpuMeter struct {
	db *dbCPUMeter
}

// measure runs do and fills in s the CPU it cost.
func (m *cpuMeter) measure(ctx context.Context, s *sample, do func()) {
	var dbBefore map[int]time.Duration
	if m.db != nil {
		dbBefore, _ = m.db.sample(ctx)
	}
	before, _ := processUsage()
	do()
	after, _ := processUsage()
	s.cpu = after - before
	if m.db != nil {
		s.dbCPU = m.db.since(ctx, dbBefore)
	}
}

// hammer sends requests from clients goroutines at once until the duration
// has passed and at least groups requests were sent. do sends request k (0,
// 1, 2 …) and returns which of the groups it belongs to; the samples come
// back by group, with the seconds it all took. With a meter (one client
// only) each sample has the CPU time spent during the request.
func hammer(ctx context.Context, clients int, d time.Duration, groups int, meter *cpuMeter, do func(k int) (int, time.Duration, error)) ([][]sample, float64) {
	samples := make([][]sample, groups)
	var mu sync.Mutex
	var next atomic.Int64
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				k := int(next.Add(1) - 1)
				if k >= groups && time.Now().After(deadline) {
					return
				}
				var (
					s   sample
					i   int
					err error
				)
				send := func() { i, s.took, err = do(k) }
				if meter != nil {
					meter.measure(ctx, &s, send)
				} else {
					send()
				}
				if err != nil {
					s.err = err.Error()
				}
				mu.Lock()
				samples[i] = append(samples[i], s)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return samples, time.Since(start).Seconds()
}

// routeFigures gives the figures of one route's samples.
func routeFigures(route string, samples []sample, elapsed float64) routeStats {
	st := routeStats{Route: route, Requests: len(samples), RPS: float64(len(samples)) / elapsed}
	var ms []float64
	var cpu, dbCPU time.Duration
	for _, s := range samples {
		ms = append(ms, float64(s.took.Microseconds())/1000)
		cpu += s.cpu
		dbCPU += s.dbCPU
		if s.err != "" {
			st.Errors++
			if st.FirstError == "" {
				st.FirstError = s.err
			}
		}
	}
	slices.Sort(ms)
	st.P50, st.P95, st.P99 = percentile(ms, 0.50), percentile(ms, 0.95), percentile(ms, 0.99)
	if len(ms) > 0 {
		st.Max = ms[len(ms)-1]
		st.CPUms = float64(cpu.Microseconds()) / 1000 / float64(len(ms))
		st.DBCPUms = float64(dbCPU.Microseconds()) / 1000 / float64(len(ms))
	}
	return st
}

// benchGet requests one URL and reads the whole answer, which counts in the
// time. Anything but a 2xx (after redirects) is an error.
func benchGet(ctx context.Context, client *http.Client, u string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return time.Since(start), err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err != nil {
		return took, err
	}
	if resp.StatusCode/100 != 2 {
		return took, errors.New(resp.Request.URL.Path + " answered " + resp.Status + ": " + firstLine(body))
	}
	return took, nil
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// cpuFigure prints a CPU time per request, or a dash where none was
// measured (more than one client, or no local PostgreSQL server).
func cpuFigure(ms float64) string {
	if ms <= 0 {
		return "–"
	}
	return strconv.FormatFloat(ms, 'f', 1, 64)
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	k := int(p*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(k, 0), len(sorted)-1)]
}

func printPages(w io.Writer, res pagesResult) error {
	fmt.Fprintf(w, "%s, %d customers, %d clients, %.1f s, %d requests, %d errors\n\n",
		res.Engine, res.Customers, res.Clients, res.Seconds, res.Requests, res.Errors)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "route\trequests\terrors\treq/s\tp50 ms\tp95 ms\tp99 ms\tCPU ms\tDB CPU ms\t")
	for _, r := range res.Routes {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%s\t%s\t\n", r.Route, r.Requests, r.Errors, r.RPS, r.P50, r.P95, r.P99, cpuFigure(r.CPUms), cpuFigure(r.DBCPUms))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range res.Routes {
		if r.FirstError != "" {
			fmt.Fprintf(w, "error on %s: %s\n", r.Route, r.FirstError)
		}
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", s.Route, s.Reason)
	}
	return nil
}
