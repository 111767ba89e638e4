package process

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/pkg/webhook"
)

// jobLease is how long a dead replica's running jobs wait before another
// replica takes them over: the shortest `--job-lease` allows, rather than
// the default five minutes, so that the test need not wait long.
const jobLease = 5 * time.Second

// Two `fresco serve` replicas on one PostgreSQL database, with load through
// both and one of them killed with SIGKILL mid-run: every response's job
// runs once (one follow-up, one case per complaint, one delivery per
// event), every webhook arrives at least once, a repeat carries the same
// webhook-id, none is lost; failed logins and survey-form submissions draw
// on one allowance whichever replica answers.
func TestReplicasShareWorkAndLimits(t *testing.T) {
	t.Parallel()
	bin, dbURL, token, db := sharedDatabase(t)
	recv := newReceiver(t, "whsec_replicas_test_0123456789")

	// The subscription exists before the second replica starts, so that no
	// replica can hold a list of subscriptions from before it (each caches
	// the list for a second).
	a := startServer(t, bin, "replica A", dbURL, "--job-lease", jobLease.String())
	recv.subscribe(a, token)
	b := startServer(t, bin, "replica B", dbURL, "--job-lease", jobLease.String())
	var customers []int64
	for i := range 4 {
		var c struct{ ID int64 }
		b.must(token, "POST", "/api/v1/customers", map[string]any{"name": fmt.Sprintf("Customer %d", i)}, 201, &c)
		customers = append(customers, c.ID)
	}

	// Load through both replicas; A is killed once half is acknowledged. A
	// request that fails on A is retried on B, as a load balancer would: 409
	// says A stored it before it died.
	const n = 90
	var acked atomic.Int64
	var killOnce sync.Once
	inParallel(n, func(i int) bool {
		body := map[string]any{"external_id": fmt.Sprintf("r-%d", i), "answers": []map[string]any{{"type": "nps", "score": 0}}}
		if i%3 == 2 {
			body = map[string]any{"external_id": fmt.Sprintf("r-%d", i), "listening_post": "complaint",
				"customer_id": customers[i%len(customers)], "comment": "The soup was cold and the waiter was rude."}
		}
		if !postResponse(t, []*server{a, b}[i%2], b, token, body) {
			return false
		}
		if acked.Add(1) == n/2 {
			killOnce.Do(a.kill)
		}
		return true
	})
	if t.Failed() {
		return
	}

	// The jobs A was running keep their leases for jobLease, no longer
	// renewed; then B's queue takes them over.
	a2 := startServer(t, bin, "replica A restarted", dbURL, "--job-lease", jobLease.String())

	// Login limits: 5 failures per account, whichever replica counts them.
	for i := range 6 {
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		res, body, err := []*server{a2, b}[i%2].call("", "POST", "/api/v1/session",
			map[string]string{"email": "nobody@example.com", "password": "not the password"}, nil, nil)
		if err != nil || res.StatusCode != want {
			t.Fatalf("failed login %d: %v %v %s, want %d", i+1, err, res, body, want)
		}
	}
	// Survey-form limits: 20 submissions per address in 10 minutes, in all.
	b.must(token, "POST", "/api/v1/surveys", map[string]any{"slug": "after-visit", "name": "After your visit",
		"widget_enabled": true, "questions": []map[string]any{{"key": "nps", "type": "nps", "required": true}}}, 201, nil)
	for i := range 21 {
		want := http.StatusOK
		if i == 20 {
			want = http.StatusTooManyRequests
		}
		srv := []*server{a2, b}[i%2]
		res, err := http.PostForm(srv.URL+"/w/after-visit", url.Values{"q_nps": {"0"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("survey submission %d through %s: %d, want %d", i+1, srv.name, res.StatusCode, want)
		}
	}

	// Every response's work done and every webhook arrived.
	expected := expectedEvents(t, db)
	if len(expected) != 2*(n+20) {
		t.Fatalf("%d events expected from the stored responses, want %d: responses were lost or doubled", len(expected), 2*(n+20))
	}
	kinds := []any{feedback.JobResponseRecorded, notify.JobWebhook, recovery.JobOpenFromComplaint}
	waitFor(t, "every job done and every webhook received", 45*time.Second, func() (bool, string) {
		var pending int
		if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM jobs WHERE status <> 'done' AND kind IN (?, ?, ?)`, kinds...).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		missing := recv.missing(expected)
		return pending == 0 && len(missing) == 0, fmt.Sprintf("%d jobs not done (%s), %d webhooks missing (e.g. %v)",
			pending, notDone(t, db), len(missing), first(missing))
	})

	// Jobs ran once: one job, one follow-up per response, one case per
	// complaint, one delivery per event.
	var responses, jobs, followUps, followUpResponses, cases, caseKeys int
	row := db.QueryRow(t.Context(), `SELECT
		(SELECT COUNT(*) FROM responses),
		(SELECT COUNT(*) FROM jobs WHERE kind = ?),
		(SELECT COUNT(*) FROM follow_ups), (SELECT COUNT(DISTINCT response_id) FROM follow_ups),
		(SELECT COUNT(*) FROM recovery_cases WHERE source = 'complaint'),
		(SELECT COUNT(*) FROM (SELECT DISTINCT customer_id, opened_at FROM recovery_cases WHERE source = 'complaint') k)`,
		feedback.JobResponseRecorded)
	if err := row.Scan(&responses, &jobs, &followUps, &followUpResponses, &cases, &caseKeys); err != nil {
		t.Fatal(err)
	}
	if responses != n+20 || jobs != responses || followUps != responses || followUpResponses != responses {
		t.Errorf("%d responses (want %d), %d response jobs, %d follow-ups for %d responses: want one of each per response",
			responses, n+20, jobs, followUps, followUpResponses)
	}
	if cases != n/3 || caseKeys != cases {
		t.Errorf("%d cases from complaints (%d distinct), want %d", cases, caseKeys, n/3)
	}
	var deliveries, delivered int
	if err := db.QueryRow(t.Context(), `SELECT COUNT(*), COUNT(*) FILTER (WHERE status = ?) FROM webhook_deliveries`,
		fresco.DeliveryDelivered).Scan(&deliveries, &delivered); err != nil {
		t.Fatal(err)
	}
	if deliveries != len(expected) || delivered != deliveries {
		t.Errorf("%d webhook deliveries, %d delivered, want %d: one per event", deliveries, delivered, len(expected))
	}
	var failed []string
	rows, err := db.Query(t.Context(), `SELECT kind || ': ' || last_error FROM jobs WHERE status = 'failed'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var f string
		rows.Scan(&f)
		failed = append(failed, f)
	}
	rows.Close()
	if len(failed) > 0 {
		t.Errorf("failed jobs: %v", failed)
	}
	// Webhooks: each event under one id, however often it arrived.
	arrivals, repeats := recv.check(t, expected)
	var takenOver int
	if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM jobs WHERE last_error LIKE 'lease expired%'`).Scan(&takenOver); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d responses, A killed after %d acknowledged, %d jobs taken over after their lease; %d webhooks arrived for %d events (%d repeats)",
		responses, n/2, takenOver, arrivals, len(expected), repeats)
}

// sharedDatabase returns the fresco binary and a new PostgreSQL database
// for replicas to share, migrated, with an owner's API token and an owner
// on file, who owns the cases opened from complaints.
func sharedDatabase(t *testing.T) (bin, dbURL, token string, db *store.DB) {
	t.Helper()
	if os.Getenv("FRESCO_TEST_POSTGRES_URL") == "" {
		t.Skip("several replicas need one shared PostgreSQL database: set FRESCO_TEST_POSTGRES_URL (CI does)")
	}
	bin = frescoBinary(t)
	dbURL = storetest.PostgresURL(t)
	token = createToken(t, bin, dbURL)
	db = storetest.Open(t, dbURL)
	if err := db.CreateEmployee(t.Context(), &fresco.Employee{Name: "Olga Owner", Email: "olga@example.com",
		Role: fresco.RoleOwner, Active: true}); err != nil {
		t.Fatal(err)
	}
	return bin, dbURL, token, db
}

// inParallel calls do(i) for i from 0 to n-1 on six goroutines, as six
// clients would; a goroutine stops at the first call that reports false.
func inParallel(n int, do func(i int) bool) {
	work := make(chan int)
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			for i := range work {
				if !do(i) {
					for range work { // drain, so that the sender is not stuck
					}
					return
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
}

// postResponse records a response through srv, or through fallback when
// srv cannot be reached. It reports false (having failed t) on any other
// failure.
func postResponse(t *testing.T, srv, fallback *server, token string, body map[string]any) bool {
	for _, s := range []*server{srv, fallback} {
		res, data, err := s.call(token, "POST", "/api/v1/responses", body, nil, nil)
		switch {
		case err != nil && s != fallback:
			continue // the replica is gone: try the other
		case err != nil:
			t.Errorf("%s: %v", s.name, err)
			return false
		case res.StatusCode == http.StatusCreated:
			return true
		case res.StatusCode == http.StatusConflict && strings.Contains(string(data), "external_id") && s == fallback && s != srv:
			return true // stored by the replica that died before answering
		default:
			t.Errorf("%s: response %v: %d %s", s.name, body["external_id"], res.StatusCode, data)
			return false
		}
	}
	return false
}

// event is a webhook expected for a response.
type event struct {
	Event      string
	ResponseID int64
}

// expectedEvents lists the webhooks the stored responses must cause: the
// bad answer's event and followup.opened.
func expectedEvents(t *testing.T, db *store.DB) map[event]bool {
	t.Helper()
	rows, err := db.Query(t.Context(), `SELECT r.id, p.slug FROM responses r JOIN listening_posts p ON p.id = r.post_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[event]bool{}
	for rows.Next() {
		var id int64
		var post string
		if err := rows.Scan(&id, &post); err != nil {
			t.Fatal(err)
		}
		ev := notify.EventDetractor
		if post == "complaint" {
			ev = notify.EventComplaint
		}
		out[event{ev, id}] = true
		out[event{notify.EventFollowUpOpened, id}] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// receiver is a webhook endpoint that verifies and records every delivery.
type receiver struct {
	*httptest.Server
	secret string

	mu       sync.Mutex
	ids      map[event]map[string]int // webhook-ids of each event, with arrival counts
	problems []string
}

func newReceiver(t *testing.T, secret string) *receiver {
	r := &receiver{secret: secret, ids: map[event]map[string]int{}}
	verifier := webhook.Verifier{Secret: secret, RejectLegacy: true}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, err := io.ReadAll(req.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var p struct {
			ID    string
			Event string
			Data  struct {
				ResponseID int64 `json:"response_id"`
			}
		}
		problem := ""
		switch err := verifier.Verify(req.Header, body); {
		case err != nil:
			problem = "signature: " + err.Error()
		case json.Unmarshal(body, &p) != nil:
			problem = "body is not a payload: " + string(body)
		case p.ID == "" || req.Header.Get(webhook.HeaderID) != p.ID || req.Header.Get(notify.HeaderDelivery) != p.ID:
			problem = fmt.Sprintf("id %q, webhook-id %q, %s %q: want one id", p.ID, req.Header.Get(webhook.HeaderID),
				notify.HeaderDelivery, req.Header.Get(notify.HeaderDelivery))
		}
		r.mu.Lock()
		defer r.mu.Unlock()
		if problem != "" {
			r.problems = append(r.problems, problem)
			http.Error(w, problem, http.StatusBadRequest)
			return
		}
		ev := event{p.Event, p.Data.ResponseID}
		if r.ids[ev] == nil {
			r.ids[ev] = map[string]int{}
		}
		r.ids[ev][p.ID]++
	}))
	t.Cleanup(r.Close)
	return r
}

// subscribe subscribes r, through srv, to the events a bad answer causes.
func (r *receiver) subscribe(srv *server, token string) {
	srv.must(token, "POST", "/api/v1/webhooks", map[string]any{"url": r.URL, "secret": r.secret,
		"events": []string{notify.EventDetractor, notify.EventComplaint, notify.EventFollowUpOpened}}, 201, nil)
}

// missing lists the expected events that have not arrived.
func (r *receiver) missing(expected map[event]bool) []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []event
	for ev := range expected {
		if len(r.ids[ev]) == 0 {
			out = append(out, ev)
		}
	}
	return out
}

// check fails t for a delivery that did not verify, an unexpected event, or
// an event that arrived under two ids (raised twice); it returns the number
// of arrivals and of repeats.
func (r *receiver) check(t *testing.T, expected map[event]bool) (arrivals, repeats int) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.problems {
		t.Errorf("bad delivery: %s", p)
	}
	for ev, ids := range r.ids {
		if !expected[ev] {
			t.Errorf("unexpected webhook %v", ev)
		}
		if len(ids) != 1 {
			t.Errorf("%v arrived under %d ids %v, want one: the event was raised more than once", ev, len(ids), ids)
		}
		for _, count := range ids {
			arrivals += count
			repeats += count - 1
		}
	}
	return arrivals, repeats
}

func first(evs []event) any {
	if len(evs) == 0 {
		return nil
	}
	return evs[0]
}

// notDone summarises the jobs not done, by kind and status.
func notDone(t *testing.T, db *store.DB) string {
	rows, err := db.Query(t.Context(), `SELECT kind, status, COUNT(*), MAX(last_error) FROM jobs WHERE status <> 'done' GROUP BY kind, status`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var kind, status, lastError string
		var n int
		if err := rows.Scan(&kind, &status, &n, &lastError); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s: %d %q", kind, status, n, lastError))
	}
	return strings.Join(out, "; ")
}
