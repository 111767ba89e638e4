package loop_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/jobs"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// world is a small business: a location with a manager, an agent on the
// manager's team, a customer, a webhook receiver, and the loop running.
type world struct {
	t        *testing.T
	db       *store.DB
	notifier *notify.Notifier
	loop     *loop.Loop
	location int64
	manager  int64
	agent    int64
	customer int64

	mu     sync.Mutex
	events []string
}

func newWorld(t *testing.T, db *store.DB, opts loop.Options) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{t: t, db: db}
	loc := &fresco.Location{Name: "Harbour Street", Timezone: "UTC"}
	if err := db.CreateLocation(ctx, loc); err != nil {
		t.Fatal(err)
	}
	w.location = loc.ID
	w.manager = w.employee("Mona Manager", "mona@example.com", fresco.RoleManager, &loc.ID)
	team := &fresco.Team{Name: "Front desk", LocationID: &loc.ID, ManagerID: &w.manager}
	if err := db.CreateTeam(ctx, team); err != nil {
		t.Fatal(err)
	}
	w.agent = w.employee("Alan Agent", "alan@example.com", fresco.RoleAgent, &loc.ID)
	if _, err := db.Exec(ctx, `UPDATE employees SET team_id = ? WHERE id = ?`, team.ID, w.agent); err != nil {
		t.Fatal(err)
	}
	w.customer = w.newCustomer("Carla Customer")

	rcv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p notify.Payload
		json.Unmarshal(body, &p)
		w.mu.Lock()
		w.events = append(w.events, p.Event)
		w.mu.Unlock()
	}))
	t.Cleanup(rcv.Close)

	w.notifier = notify.New(db, notify.Options{PollInterval: 50 * time.Millisecond})
	if _, err := w.notifier.CreateWebhook(ctx, notify.WebhookInput{URL: rcv.URL, Events: []string{"response.*", "followup.*"}}); err != nil {
		t.Fatal(err)
	}
	opts.DisableDigest = true
	w.loop = loop.New(db, w.notifier, opts)
	q := jobs.New(db, jobs.Options{Workers: 4, PollInterval: 20 * time.Millisecond,
		Backoff: func(int) time.Duration { return 30 * time.Millisecond }, Logger: slog.New(slog.DiscardHandler)})
	w.notifier.Register(q)
	w.loop.Register(q)
	runQueue(t, ctx, q)
	return w
}

// runQueue runs q until the test ends.
func runQueue(t *testing.T, ctx context.Context, q *jobs.Queue) {
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- q.Run(runCtx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

func (w *world) employee(name, email string, role fresco.Role, loc *int64) int64 {
	w.t.Helper()
	e := &fresco.Employee{Name: name, Email: email, Role: role, LocationID: loc, Active: true}
	if err := w.db.CreateEmployee(context.Background(), e); err != nil {
		w.t.Fatal(err)
	}
	return e.ID
}

func (w *world) newCustomer(name string) int64 {
	w.t.Helper()
	c := &fresco.Customer{Name: name}
	if err := w.db.CreateCustomer(context.Background(), c); err != nil {
		w.t.Fatal(err)
	}
	return c.ID
}

func (w *world) purchase(customer int64, at time.Time) {
	w.t.Helper()
	if _, err := w.db.Exec(context.Background(), `INSERT INTO purchases (customer_id, purchased_at, location_id, total, items, created_at)
		VALUES (?, ?, ?, 1000, 1, ?)`, customer, at.UTC(), w.location, time.Now().UTC()); err != nil {
		w.t.Fatal(err)
	}
}

// respond records a response the way package feedback does: the row and the
// "feedback.response_recorded" job in one transaction.
func (w *world) respond(customer int64, employee *int64, post string, nps, csat *int, at time.Time, enqueue bool) int64 {
	w.t.Helper()
	ctx := context.Background()
	var id int64
	err := w.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO responses (post_id, customer_id, employee_id, location_id, source, responded_at, nps, csat, comment, created_at)
			VALUES ((SELECT id FROM listening_posts WHERE slug = ?), ?, ?, ?, 'api', ?, ?, ?, 'The room was cold.', ?) RETURNING id`,
			post, customer, employee, w.location, at.UTC(), nps, csat, time.Now().UTC()).Scan(&id); err != nil {
			return err
		}
		if !enqueue {
			return nil
		}
		p := feedback.ResponseRecorded{ResponseID: id, Flags: feedback.Flags{Detractor: nps != nil && *nps <= 6,
			CSATLow: csat != nil && *csat <= 2, Complaint: post == "complaint"}}
		_, err := jobs.Enqueue(ctx, tx, jobs.Job{Kind: feedback.JobResponseRecorded, Payload: p})
		return err
	})
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

func (w *world) webhookEvents() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := slices.Clone(w.events)
	slices.Sort(out)
	return out
}

func ptr[T any](v T) *T { return &v }

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDetractorOpensFollowUpAndNotifies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, loop.Options{FollowUpDue: 24 * time.Hour})
		resp := w.respond(w.customer, &w.agent, "survey", ptr(3), ptr(2), time.Now(), true)

		var fu *fresco.FollowUp
		waitFor(t, "follow-up", func() bool {
			list, _, err := db.ListFollowUps(ctx, store.FollowUpFilter{Status: fresco.FollowUpOpen})
			if err == nil && len(list) == 1 {
				fu = list[0]
			}
			return fu != nil
		})
		if fu.ResponseID != resp || *fu.OwnerID != w.agent || *fu.ManagerID != w.manager || *fu.CustomerID != w.customer ||
			!slices.Equal(fu.Reasons, []string{loop.ReasonDetractor, loop.ReasonCSATLow}) || fu.CustomerName != "Carla Customer" {
			t.Errorf("follow-up %+v", fu)
		}
		if d := time.Until(fu.DueAt); d < 23*time.Hour || d > 25*time.Hour {
			t.Errorf("due in %s, want 24h", d)
		}
		for _, emp := range []int64{w.agent, w.manager} {
			list, err := db.RecentNotifications(ctx, emp, 10)
			if err != nil || len(list) != 1 || list[0].Event != notify.EventDetractor || list[0].Link == "" {
				t.Errorf("employee %d notifications %v %v", emp, list, err)
			}
		}
		want := []string{notify.EventFollowUpOpened, notify.EventCSATLow, notify.EventDetractor}
		slices.Sort(want)
		waitFor(t, "webhooks", func() bool { return len(w.webhookEvents()) >= 3 })
		if got := w.webhookEvents(); !slices.Equal(got, want) {
			t.Errorf("webhook events %v, want %v", got, want)
		}

		// The immediate attempt delivered, so the safety-net jobs were withdrawn.
		waitFor(t, "safety-net jobs withdrawn", func() bool {
			var queued int
			err := db.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = ? AND status = 'queued'`, notify.JobWebhook).Scan(&queued)
			return err == nil && queued == 0
		})

		// The handler is idempotent: a second run opens nothing.
		again, err := w.loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp, Flags: feedback.Flags{Detractor: true}})
		if err != nil || again != nil {
			t.Errorf("second run: %v %v", again, err)
		}
		// A promoter opens nothing.
		if fu, err := w.loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: w.respond(w.customer, &w.agent, "survey", ptr(10), nil, time.Now(), false)}); err != nil || fu != nil {
			t.Errorf("promoter: %v %v", fu, err)
		}
	})
}

func TestFollowUpOwnerFallsBackToManager(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, loop.Options{})
		resp := w.respond(w.customer, nil, "complaint", nil, nil, time.Now(), false)
		fu, err := w.loop.HandleResponse(ctx, feedback.ResponseRecorded{ResponseID: resp, Flags: feedback.Flags{Complaint: true}})
		if err != nil {
			t.Fatal(err)
		}
		if fu == nil || fu.OwnerID == nil || *fu.OwnerID != w.manager {
			t.Fatalf("follow-up %+v: want the location's manager as owner", fu)
		}
		list, err := db.RecentNotifications(ctx, w.manager, 10)
		if err != nil || len(list) != 1 || list[0].Event != notify.EventComplaint {
			t.Errorf("manager notifications %v %v", list, err)
		}
	})
}

func TestCloseFollowUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, loop.Options{})
		fu, err := w.loop.HandleResponse(ctx, feedback.ResponseRecorded{
			ResponseID: w.respond(w.customer, &w.agent, "survey", ptr(2), nil, time.Now(), false), Flags: feedback.Flags{Detractor: true}})
		if err != nil || fu == nil {
			t.Fatal(fu, err)
		}
		_, err = w.loop.CloseFollowUp(ctx, fu.ID, loop.CloseInput{Outcome: "  "})
		if fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("close without contact: %v", err)
		}
		fields := map[string]bool{}
		for _, f := range fresco.ErrorFields(err) {
			fields[f.Field] = true
		}
		if !fields["contact_channel"] || !fields["outcome"] {
			t.Errorf("errors %v: want contact_channel and outcome named", err)
		}
		if _, err := w.loop.CloseFollowUp(ctx, fu.ID, loop.CloseInput{ContactChannel: "pigeon", Outcome: "x"}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Errorf("bad channel: %v", err)
		}
		at := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
		closed, err := w.loop.CloseFollowUp(ctx, fu.ID, loop.CloseInput{ContactChannel: "phone", ContactAt: &at,
			Outcome: "Apologised; room upgrade on next stay.", Actor: "employee:2"})
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != fresco.FollowUpClosed || !closed.ContactAt.Equal(at) || closed.ContactChannel != "phone" ||
			closed.ClosedBy != "employee:2" || closed.ClosedAt == nil {
			t.Errorf("closed %+v", closed)
		}
		if _, err := w.loop.CloseFollowUp(ctx, fu.ID, loop.CloseInput{ContactChannel: "phone", Outcome: "again"}); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("second close: %v", err)
		}
		if _, err := w.loop.CloseFollowUp(ctx, 9999, loop.CloseInput{ContactChannel: "phone", Outcome: "x"}); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("unknown follow-up: %v", err)
		}
		waitFor(t, "followup.closed webhook", func() bool { return slices.Contains(w.webhookEvents(), notify.EventFollowUpClosed) })
	})
}

func TestOverdueSweep(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// The world runs the real queue, whose periodic sweep may claim the
		// follow-up before the test's own call does: what must hold is that
		// it is reported exactly once, whoever sweeps. The clock is read by
		// the workers too, hence atomic.
		var offset atomic.Int64
		clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
		w := newWorld(t, db, loop.Options{Now: clock, FollowUpDue: time.Hour})
		fu, err := w.loop.HandleResponse(ctx, feedback.ResponseRecorded{
			ResponseID: w.respond(w.customer, &w.agent, "survey", ptr(1), nil, time.Now(), false), Flags: feedback.Flags{Detractor: true}})
		if err != nil || fu == nil {
			t.Fatal(fu, err)
		}
		if n, err := w.loop.SweepOverdue(ctx); err != nil || n != 0 {
			t.Fatalf("sweep before due: %d %v", n, err)
		}
		overdueNotices := func() int {
			list, err := db.RecentNotifications(ctx, w.manager, 10)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, note := range list {
				if note.Event == notify.EventFollowUpOverdue {
					n++
				}
			}
			return n
		}
		if n := overdueNotices(); n != 0 {
			t.Fatalf("%d overdue notices before the follow-up was due", n)
		}
		offset.Store(int64(2 * time.Hour))
		if n, err := w.loop.SweepOverdue(ctx); err != nil || n > 1 {
			t.Fatalf("sweep after due: %d %v", n, err)
		}
		waitFor(t, "the overdue notice", func() bool { return overdueNotices() >= 1 })
		if n, err := w.loop.SweepOverdue(ctx); err != nil || n != 0 {
			t.Fatalf("second sweep: %d %v (each follow-up is reported once)", n, err)
		}
		if n := overdueNotices(); n != 1 {
			t.Errorf("%d overdue notices, want exactly 1", n)
		}
		overdue, _, err := db.ListFollowUps(ctx, store.FollowUpFilter{Overdue: true, Now: clock()})
		if err != nil || len(overdue) != 1 {
			t.Errorf("overdue list %v %v", overdue, err)
		}
	})
}

func TestSatisfiedLeaving(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		// Refreshed on demand only: a scheduled refresh while the customers
		// below are being made would store a part of them.
		w := newWorld(t, db, loop.Options{Now: func() time.Time { return now }, LeavingEvery: -1})
		day := 24 * time.Hour
		series := func(c int64, n int, every time.Duration, last time.Time) {
			for i := n - 1; i >= 0; i-- {
				w.purchase(c, last.Add(-time.Duration(i)*every))
			}
		}
		// Leaving: a promoter who bought every 10 days and stopped 60 days ago.
		leaving := w.newCustomer("Lena Leaving")
		series(leaving, 5, 10*day, now.Add(-60*day))
		w.respond(leaving, nil, "survey", ptr(9), nil, now.Add(-20*day), false)
		// Loyal: same rhythm, bought 5 days ago.
		loyal := w.newCustomer("Larry Loyal")
		series(loyal, 5, 10*day, now.Add(-5*day))
		w.respond(loyal, nil, "survey", ptr(10), nil, now.Add(-20*day), false)
		// Unhappy and gone: a detractor is not "satisfied".
		unhappy := w.newCustomer("Ursula Unhappy")
		series(unhappy, 5, 10*day, now.Add(-60*day))
		w.respond(unhappy, nil, "survey", ptr(3), nil, now.Add(-20*day), false)
		// Too few purchases for a rhythm.
		fresh := w.newCustomer("Fred Fresh")
		series(fresh, 2, 10*day, now.Add(-60*day))
		w.respond(fresh, nil, "survey", nil, ptr(5), now.Add(-20*day), false)
		// Was satisfied long ago: outside the window.
		old := w.newCustomer("Olga Old")
		series(old, 5, 10*day, now.Add(-300*day))
		w.respond(old, nil, "survey", ptr(9), nil, now.Add(-250*day), false)
		// CSAT 4 without NPS counts as satisfied.
		csat := w.newCustomer("Cecil CSAT")
		series(csat, 4, 7*day, now.Add(-30*day))
		w.respond(csat, nil, "satisfaction_card", nil, ptr(4), now.Add(-40*day), false)

		list, _ := storedLeaving(t, w.loop, 0)
		var got []int64
		for _, x := range list {
			got = append(got, x.CustomerID)
		}
		if !slices.Equal(got, []int64{leaving, csat}) { // most overdue first: 60/10 > 30/7
			t.Fatalf("leaving %v, want [%d %d] (lena, cecil)", got, leaving, csat)
		}
		lena := list[0]
		if lena.LastScore != 9 || lena.LastScoreType != "nps" || lena.Purchases != 5 || *lena.MedianIntervalDays != 10 ||
			int(lena.DaysSinceLast+0.5) != 60 || lena.PAlive != nil || lena.Rule != "gap" || *lena.LocationID != w.location {
			t.Errorf("evidence %+v", lena)
		}
		if other, _ := storedLeaving(t, w.loop, w.location+1); len(other) != 0 {
			t.Errorf("other location: %v", other)
		}

		// Where the lifetime-value engine provides P(alive), it decides.
		for c, p := range map[int64]float64{loyal: 0.2, leaving: 0.9} {
			setPAlive(t, db, c, p, now)
		}
		// The stored list changes with the next refresh.
		if stale, _ := storedLeaving(t, w.loop, 0); len(stale) != 2 || stale[0].CustomerID != leaving {
			t.Fatalf("before the refresh: %v", stale)
		}
		if _, _, err := w.loop.RefreshLeaving(ctx); err != nil {
			t.Fatal(err)
		}
		list, _ = storedLeaving(t, w.loop, 0)
		got = got[:0]
		for _, x := range list {
			got = append(got, x.CustomerID)
		}
		if !slices.Equal(got, []int64{loyal, csat}) {
			t.Errorf("with P(alive): %v, want [%d %d] (larry by P(alive), cecil by gap)", got, loyal, csat)
		}
		if list[0].PAlive == nil || *list[0].PAlive != 0.2 || list[0].Rule != "p_alive" {
			t.Errorf("evidence %+v", list[0])
		}

		// The digest goes to the location's manager.
		n, err := w.loop.SendDigest(ctx)
		if err != nil || n != 1 {
			t.Fatalf("digest: %d %v", n, err)
		}
		notes, err := db.RecentNotifications(ctx, w.manager, 5)
		if err != nil || len(notes) != 1 || notes[0].Event != notify.EventDigest {
			t.Fatalf("manager notifications %v %v", notes, err)
		}
	})
}

// setPAlive gives customer c a lifetime-value row with P(alive) p, as a
// refit would.
func setPAlive(t *testing.T, db *store.DB, c int64, p float64, now time.Time) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `INSERT INTO `+store.PAliveTable+` (customer_id, frequency, recency, t, monetary, purchases,
		first_purchase, last_purchase, p_alive, expected_purchases, expected_spend, clv, historical_value, historical_profit,
		related_sales_value, referral_value, referrals, referrals_total, rfm_r, rfm_f, rfm_m, segment, computed_at)
		VALUES (?, 4, 40, 50, 10, 5, ?, ?, ?, 1, 10, 100, 5000, 1000, 0, 0, 0, 0, 3, 3, 3, 'loyal', ?)`,
		c, now, now, p, now); err != nil {
		t.Fatal(err)
	}
}

// TestInlineDeliveryFallsBackToJob: when the immediate attempt fails, the
// delivery's job delivers after the grace period.
func TestInlineDeliveryFallsBackToJob(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db, loop.Options{})
		var calls sync.Map
		rcv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(notify.HeaderDelivery)
			if _, seen := calls.LoadOrStore(id, true); !seen {
				rw.WriteHeader(http.StatusBadGateway) // the first try of each delivery fails
			}
		}))
		t.Cleanup(rcv.Close)
		// The grace must outlast the inline attempt even on a loaded machine:
		// if the job fired first it would deliver at once (correct, but not
		// the path under test).
		n := notify.New(db, notify.Options{InlineGrace: 1500 * time.Millisecond})
		hook, err := n.CreateWebhook(ctx, notify.WebhookInput{URL: rcv.URL, Events: []string{notify.EventDetractor}})
		if err != nil {
			t.Fatal(err)
		}
		l := loop.New(db, n, loop.Options{DisableDigest: true})
		q := jobs.New(db, jobs.Options{Workers: 2, PollInterval: 20 * time.Millisecond, Logger: slog.New(slog.DiscardHandler)})
		n.Register(q)
		runQueue(t, ctx, q)
		if _, err := l.HandleResponse(ctx, feedback.ResponseRecorded{
			ResponseID: w.respond(w.customer, &w.agent, "survey", ptr(0), nil, time.Now(), false), Flags: feedback.Flags{Detractor: true}}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "delivered by the job", func() bool {
			l, err := db.ListDeliveries(ctx, hook.ID, 0, 10)
			return err == nil && len(l) == 1 && l[0].Status == fresco.DeliveryDelivered
		})
		list, _ := db.ListDeliveries(ctx, hook.ID, 0, 10)
		if d := list[0]; d.Attempts != 2 || len(d.AttemptLog) != 2 || *d.AttemptLog[0].StatusCode != http.StatusBadGateway {
			t.Errorf("delivery %+v attempts %+v", d, d.AttemptLog)
		}
	})
}

// A complaint is handed to Escalate (service recovery opens a case there)
// inside the follow-up's transaction, once per response; a detractor is not.
func TestComplaintEscalates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var escalated []int64
		var mu sync.Mutex
		w := newWorld(t, db, loop.Options{Escalate: func(_ context.Context, _ *store.Tx, r *store.LoopResponse) error {
			mu.Lock()
			defer mu.Unlock()
			escalated = append(escalated, r.ID)
			return nil
		}})
		detractor := w.respond(w.customer, &w.agent, "survey", ptr(2), nil, time.Now(), false)
		complaint := w.respond(w.customer, &w.agent, "complaint", nil, nil, time.Now(), false)
		for _, p := range []feedback.ResponseRecorded{
			{ResponseID: detractor, Flags: feedback.Flags{Detractor: true}},
			{ResponseID: complaint, Flags: feedback.Flags{Complaint: true}},
			{ResponseID: complaint, Flags: feedback.Flags{Complaint: true}}, // the job retried
		} {
			if _, err := w.loop.HandleResponse(ctx, p); err != nil {
				t.Fatal(err)
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if len(escalated) != 1 || escalated[0] != complaint {
			t.Fatalf("escalated %v, want just the complaint %d", escalated, complaint)
		}
	})
}

func TestAlertShowsTheBusinessZone(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.SQLiteURL(t))
	ctx := context.Background()
	kolkata := fresco.NewFormatter(fresco.Settings{TimeZone: "Asia/Kolkata", Locale: "en-GB"})
	w := newWorld(t, db, loop.Options{Format: func(context.Context) fresco.Formatter { return kolkata }})
	w.respond(w.customer, &w.agent, "survey", ptr(2), nil, time.Now(), true)
	var list []*fresco.Notification
	waitFor(t, "alert", func() bool {
		var err error
		list, err = db.RecentNotifications(ctx, w.agent, 10)
		return err == nil && len(list) == 1
	})
	fus, _, err := db.ListFollowUps(ctx, store.FollowUpFilter{Status: fresco.FollowUpOpen})
	if err != nil || len(fus) != 1 {
		t.Fatalf("follow-ups %v %v", fus, err)
	}
	if want := "Get back to them by " + kolkata.Stamp(fus[0].DueAt); !strings.Contains(list[0].Body, want) || !strings.Contains(want, " IST") {
		t.Fatalf("alert %q lacks %q", list[0].Body, want)
	}
}
