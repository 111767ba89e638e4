package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/store"
)

// writesResult is what `fresco bench writes --json` prints.
type writesResult struct {
	Benchmark    string       `json:"benchmark"`
	Engine       string       `json:"engine"`
	Customers    int64        `json:"customers"`
	Responses    int64        `json:"responses"` // before the bench
	Writers      int          `json:"writers"`
	Readers      int          `json:"readers"`
	Seconds      float64      `json:"seconds"`
	Cores        int          `json:"cores"`
	Writes       routeStats   `json:"writes"`
	Reads        routeStats   `json:"reads"` // every read route together
	ReadRoutes   []routeStats `json:"read_routes"`
	Errors       int          `json:"errors"`
	Rollups      string       `json:"rollups"` // "consistent" or "inconsistent"
	Inconsistent []string     `json:"inconsistent_rollups,omitempty"`
}

// writeRoute is the endpoint the writers post to.
const writeRoute = "POST /api/v1/responses"

// benchWrites has writers post survey responses through the API — each one
// updating the trigger-kept feedback rollups — while readers walk the
// dashboards that read those rollups (/feedback, /value and the metrics
// endpoints), and reports the latency of both. Afterwards it checks that
// every rollup equals a rebuild. Errors or a rollup that differs fail the
// command, after the figures are printed.
func benchWrites(ctx context.Context, args []string, env Env) error {
	fs := newFlagSet("bench writes", env)
	db := dbFlag(fs, env)
	writers := fs.Int("writers", 16, "responses posted at once")
	readers := fs.Int("readers", 8, "dashboard requests in flight at once")
	duration := fs.Duration("duration", 20*time.Second, "how long to write and read")
	timeout := fs.Duration("timeout", 60*time.Second, "a request slower than this counts as an error")
	ids := fs.Int("ids", 200, "ids sampled per kind (customers, purchases, employees, locations)")
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the timed part to FILE")
	secretKey := secretKeyFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *writers <= 0 || *readers <= 0 || *duration <= 0 || *timeout <= 0 || *ids <= 0 {
		return usageError("--writers, --readers, --duration, --timeout and --ids must be positive")
	}
	srv, err := startBenchServer(ctx, *db, *secretKey, "", env)
	if err != nil {
		return err
	}
	defer srv.stop()
	res := writesResult{Benchmark: "writes", Engine: string(srv.db.Dialect()), Writers: *writers, Readers: *readers, Cores: runtime.NumCPU()}
	if err := srv.db.QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM responses)`).
		Scan(&res.Customers, &res.Responses); err != nil {
		return err
	}
	targets, err := dashboardTargets(ctx, srv)
	if err != nil {
		return err
	}
	post, err := newResponsePoster(ctx, srv, *ids, *timeout)
	if err != nil {
		return err
	}
	client, err := benchClient(srv.base, srv.session, *timeout)
	if err != nil {
		return err
	}

	stopProfile, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	var reads [][]sample
	wg.Add(1)
	go func() {
		defer wg.Done()
		reads, _ = hammer(ctx, *readers, *duration, len(targets), nil, routeRequest(ctx, client, srv.base, targets))
	}()
	writes, elapsed := hammer(ctx, *writers, *duration, 1, nil, post.request)
	wg.Wait()
	stopProfile()
	res.Seconds = elapsed
	res.Writes = routeFigures(writeRoute, writes[0], elapsed)
	var all []sample
	for i, t := range targets {
		res.ReadRoutes = append(res.ReadRoutes, routeFigures(t.route, reads[i], elapsed))
		all = append(all, reads[i]...)
	}
	res.Reads = routeFigures("reads", all, elapsed)
	res.Errors = res.Writes.Errors + res.Reads.Errors

	srv.stop() // the background jobs too: nothing writes while the rollups are compared
	if err := checkRollups(ctx, *db, &res); err != nil {
		return err
	}
	if err := printWrites(env.Stdout, res, *asJSON); err != nil {
		return err
	}
	switch {
	case res.Errors > 0:
		return fmt.Errorf("%d requests failed", res.Errors)
	case len(res.Inconsistent) > 0:
		return fmt.Errorf("rollups differ from a rebuild: %s", strings.Join(res.Inconsistent, ", "))
	}
	return nil
}

// dashboardTargets are the reads of the bench: the pages and endpoints
// a manager watches while feedback comes in.
func dashboardTargets(ctx context.Context, srv *benchServer) ([]benchTarget, error) {
	all, _, err := benchTargets(ctx, srv.db, srv.app.Server.Routes(), 1)
	if err != nil {
		return nil, err
	}
	var targets []benchTarget
	for _, t := range all {
		if t.route == "GET /feedback" || t.route == "GET /value" || strings.HasPrefix(t.route, "GET /api/v1/metrics/") {
			targets = append(targets, t)
		}
	}
	if len(targets) == 0 {
		return nil, errors.New("bench writes: no dashboard route (/feedback, /value, /api/v1/metrics/…) in the route table")
	}
	return targets, nil
}

// checkRollups reopens the database and compares every rollup with a
// rebuild, recording the outcome in res.
func checkRollups(ctx context.Context, dbURL string, res *writesResult) error {
	db, err := openDB(ctx, dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if res.Inconsistent, err = store.RollupDifferences(ctx, db); err != nil {
		return err
	}
	res.Rollups = "consistent"
	if len(res.Inconsistent) > 0 {
		res.Rollups = "inconsistent"
	}
	return nil
}

// responsePoster posts generated survey responses, attributed to ids taken
// from the database, as an agent's API token would.
type responsePoster struct {
	ctx                                      context.Context
	client                                   *http.Client
	url, token, run                          string
	purchases, customers, employees, locales []int64
}

func newResponsePoster(ctx context.Context, srv *benchServer, n int, timeout time.Duration) (*responsePoster, error) {
	token, id, err := benchToken(ctx, srv.db)
	if err != nil {
		return nil, err
	}
	srv.cleanups = append(srv.cleanups, func() { srv.db.RevokeAPIToken(context.WithoutCancel(ctx), id) })
	p := &responsePoster{ctx: ctx, url: srv.base + "/api/v1/responses", token: token,
		run: time.Now().UTC().Format("20060102T150405.000"), client: &http.Client{Timeout: timeout}}
	for _, s := range []struct {
		ids *[]int64
		src idSource
	}{
		{&p.purchases, idSource{"purchases", "id"}}, {&p.customers, idSource{"customers", "id"}},
		{&p.employees, idSource{"employees", "id"}}, {&p.locales, idSource{"locations", "id"}},
	} {
		if *s.ids, err = sampleIDs(ctx, srv.db, s.src, n); err != nil {
			return nil, err
		}
		if len(*s.ids) == 0 {
			return nil, fmt.Errorf("bench writes needs %s to attribute responses to (a demo database has them)", s.src.table)
		}
	}
	return p, nil
}

// request posts response k; it is hammer's do.
func (p *responsePoster) request(k int) (int, time.Duration, error) {
	body, err := json.Marshal(p.response(k))
	if err != nil {
		return 0, 0, err
	}
	req, err := http.NewRequestWithContext(p.ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+p.token)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	took := time.Since(start)
	if err == nil && resp.StatusCode != http.StatusCreated {
		err = fmt.Errorf("answered %s: %s", resp.Status, firstLine(answer))
	}
	return 0, took, err
}

// response k is a survey answer as customers give them: about half about
// a purchase (customer, employee and location follow from it), the rest
// from a customer served by an employee, some anonymous at a location;
// NPS always, CSAT, effort, a process-quality and a value item often, the
// acquisition source and a comment now and then, on a day of the past year
// so that old rollup rows change as well as today's.
func (p *responsePoster) response(k int) map[string]any {
	r := rand.New(rand.NewPCG(uint64(k), 7))
	pick := func(ids []int64) int64 { return ids[r.IntN(len(ids))] }
	score := func(lo, hi int) map[string]any { return map[string]any{"score": lo + r.IntN(hi-lo+1)} }
	answer := func(typ string, a map[string]any) map[string]any { a["type"] = typ; return a }
	body := map[string]any{
		"external_id":  fmt.Sprintf("bench-writes-%s-%d", p.run, k),
		"responded_at": time.Now().UTC().Add(-time.Duration(r.IntN(365*24)) * time.Hour).Format(time.RFC3339),
	}
	switch k % 10 {
	case 0, 2, 4, 6, 8:
		body["purchase_id"] = pick(p.purchases)
	case 1, 3, 5, 7:
		body["customer_id"], body["employee_id"] = pick(p.customers), pick(p.employees)
	default:
		body["location_id"] = pick(p.locales)
	}
	answers := []map[string]any{answer("nps", score(0, 10))}
	if r.IntN(3) > 0 {
		answers = append(answers, answer("csat", score(1, 5)))
	}
	if r.IntN(3) == 0 {
		answers = append(answers, answer("ces", score(1, 7)))
	}
	if r.IntN(2) == 0 {
		a := score(1, 5)
		a["item"] = feedback.ProcessQualityItems[r.IntN(len(feedback.ProcessQualityItems))]
		answers = append(answers, answer("process_quality", a))
	}
	if r.IntN(2) == 0 {
		a := score(1, 5)
		a["item"] = feedback.ValueItems[r.IntN(len(feedback.ValueItems))]
		answers = append(answers, answer("value", a))
	}
	if r.IntN(5) == 0 {
		choice := feedback.DefaultAcquisitionChoices[r.IntN(len(feedback.DefaultAcquisitionChoices))]
		answers = append(answers, answer("acquisition_source", map[string]any{"choice": choice}))
	}
	body["answers"] = answers
	if r.IntN(4) == 0 {
		body["comment"] = benchComments[r.IntN(len(benchComments))]
	}
	return body
}

var benchComments = []string{
	"Quick and friendly, thank you.", "Waited far too long at the counter and nobody apologised.",
	"The staff member knew exactly what I needed.", "Price went up again, quality did not.",
	"Booking online was easy but the confirmation e-mail never came.",
}

func printWrites(w io.Writer, res writesResult, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(w, "%s, %d customers, %d responses before, %d writers, %d readers, %.1f s, %d errors, rollups %s\n\n",
		res.Engine, res.Customers, res.Responses, res.Writers, res.Readers, res.Seconds, res.Errors, res.Rollups)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\trequests\terrors\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\t")
	for _, r := range append([]routeStats{res.Writes, res.Reads}, res.ReadRoutes...) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t\n", r.Route, r.Requests, r.Errors, r.RPS, r.P50, r.P95, r.P99, r.Max)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range append([]routeStats{res.Writes}, res.ReadRoutes...) {
		if r.FirstError != "" {
			fmt.Fprintf(w, "error on %s: %s\n", r.Route, r.FirstError)
		}
	}
	if len(res.Inconsistent) > 0 {
		fmt.Fprintf(w, "rollups that differ from a rebuild: %s\n", strings.Join(res.Inconsistent, ", "))
	}
	return nil
}
