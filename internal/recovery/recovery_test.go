package recovery_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/sla"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// clock is a settable clock for the service.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// world is a business with one location, its staff and one customer.
type world struct {
	db                              *store.DB
	svc                             *recovery.Service
	clock                           *clock
	location                        int64
	agent, agent2, manager, analyst recovery.Actor
	customer, purchase              int64
	customerName                    string
}

func actor(e *fresco.Employee) recovery.Actor {
	id := e.ID
	return recovery.Actor{Ref: fmt.Sprintf("employee:%d", e.ID), Name: e.Name, Role: e.Role, EmployeeID: &id}
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{db: db, clock: &clock{t: time.Date(2026, 1, 9, 16, 0, 0, 0, time.UTC)}} // a Friday
	loc := &fresco.Location{Name: "Harbour Hotel", Timezone: "Europe/London"}
	must(t, db.CreateLocation(ctx, loc))
	w.location = loc.ID
	emp := func(email string, role fresco.Role) recovery.Actor {
		e := &fresco.Employee{Email: email, Name: strings.Split(email, "@")[0], Role: role, LocationID: &loc.ID, Active: true}
		must(t, db.CreateEmployee(ctx, e))
		return actor(e)
	}
	w.agent = emp("ann@example.com", fresco.RoleAgent)
	w.agent2 = emp("bob@example.com", fresco.RoleAgent)
	w.manager = emp("meg@example.com", fresco.RoleManager)
	w.analyst = emp("al@example.com", fresco.RoleAnalyst)
	c := &fresco.Customer{Name: "Grace Hopper", Email: "grace@example.com"}
	must(t, db.CreateCustomer(ctx, c))
	w.customer, w.customerName = c.ID, c.Name
	p := &fresco.Purchase{CustomerID: &c.ID, LocationID: &loc.ID, PurchasedAt: time.Date(2026, 1, 8, 12, 0, 0, 0, time.UTC),
		Lines: []fresco.PurchaseLine{{SKU: "ROOM", Quantity: 1, UnitPrice: 20000}}}
	must(t, db.CreatePurchase(ctx, p))
	w.purchase = p.ID
	svc, err := recovery.New(recovery.Options{DB: db, Now: w.clock.Now})
	must(t, err)
	w.svc = svc
	return w
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t testing.TB, err error, code string) {
	t.Helper()
	if fresco.ErrorCode(err) != code {
		t.Fatalf("err = %v (%s), want %s", err, fresco.ErrorCode(err), code)
	}
}

func (w *world) open(t *testing.T, by recovery.Actor) *fresco.Case {
	t.Helper()
	c, err := w.svc.Open(context.Background(), by, recovery.OpenInput{CustomerID: w.customer, PurchaseID: &w.purchase,
		Summary: "cold room, heating broken", Expectation: "a working room tonight",
		Incident: recovery.Incident{WhatHappened: "no heating", Where: "room 12", Who: "night porter"}})
	must(t, err)
	return c
}

func kinds(events []fresco.CaseEvent) []string {
	var out []string
	for _, e := range events {
		out = append(out, e.Kind)
	}
	return out
}

func hasKind(events []fresco.CaseEvent, kind string) bool {
	for _, e := range events {
		if e.Kind == kind {
			return true
		}
	}
	return false
}

func (w *world) attention(t *testing.T) bool {
	t.Helper()
	v, err := w.db.CustomerNeedsAttention(context.Background(), w.customer)
	must(t, err)
	return v
}

func TestLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		if w.attention(t) {
			t.Fatal("customer needs attention before any case")
		}
		c := w.open(t, w.agent)
		if c.OwnerID != *w.agent.EmployeeID || c.Status != "open" || c.LocationID == nil || *c.LocationID != w.location {
			t.Fatalf("opened case = %+v", c)
		}
		if !w.attention(t) {
			t.Fatal("customer with an open case does not need special attention")
		}
		notes, err := db.ListCaseNotifications(ctx, c.ID, 0, 100)
		must(t, err)
		special := 0
		for _, n := range notes {
			if n.Kind == "special_attention" {
				special++
			}
		}
		if special != 4 { // every employee at the location, the same day
			t.Errorf("special-attention notifications = %d, want 4: %+v", special, notes)
		}

		// Ownership: a transfer needs a note; the old owner keeps watching.
		_, err = w.svc.Transfer(ctx, w.agent, c.ID, *w.agent2.EmployeeID, " ")
		wantCode(t, err, fresco.EINVALID)
		_, err = w.svc.Transfer(ctx, w.agent, c.ID, *w.analyst.EmployeeID, "over to you")
		wantCode(t, err, fresco.EINVALID)
		c, err = w.svc.Transfer(ctx, w.agent, c.ID, *w.agent2.EmployeeID, "guest is upset, porter knows the details")
		must(t, err)
		if c.OwnerID != *w.agent2.EmployeeID {
			t.Fatalf("owner = %d after transfer", c.OwnerID)
		}
		_, watchers, err := db.CasePeople(ctx, c.ID)
		must(t, err)
		if len(watchers) != 1 || watchers[0] != *w.agent.EmployeeID {
			t.Errorf("watchers = %v, want the previous owner", watchers)
		}

		_, err = w.svc.Respond(ctx, w.agent2, c.ID, "A technician is on the way", "phone")
		must(t, err)
		_, err = w.svc.Wait(ctx, w.agent2, c.ID, "waiting_on_customer", "asked which room suits")
		must(t, err)
		c, err = w.svc.CustomerReply(ctx, w.agent2, c.ID, "room 14 please")
		must(t, err)
		if c.State != "open" {
			t.Errorf("state after the customer's reply = %q, want open", c.State)
		}
		_, err = w.svc.Close(ctx, w.agent2, c.ID, recovery.CloseInput{RootCauseCategory: "facilities"})
		wantCode(t, err, fresco.EINVALID) // root-cause source required
		c, err = w.svc.Resolve(ctx, w.agent2, c.ID, "moved to room 14, heating checked")
		must(t, err)
		tasks, err := db.ListTasks(ctx, store.TaskFilter{CaseID: &c.ID, Kind: "follow_through"})
		must(t, err)
		if len(tasks) != 1 || !tasks[0].DueAt.Equal(c.ResolvedAt.Add(72*time.Hour)) {
			t.Fatalf("follow-through tasks = %+v, want one due 3 days after resolution", tasks)
		}
		if !w.attention(t) {
			t.Error("the flag dropped on resolution; it lasts until the case closes")
		}
		// The follow-through finds it solved; the outcome is on the case.
		_, err = w.svc.CompleteTask(ctx, w.agent2, tasks[0].ID, recovery.CompleteInput{Outcome: "maybe"})
		wantCode(t, err, fresco.EINVALID)
		_, err = w.svc.CompleteTask(ctx, w.agent2, tasks[0].ID, recovery.CompleteInput{Outcome: "solved", Note: "happy"})
		must(t, err)
		c, err = w.svc.Close(ctx, w.agent2, c.ID, recovery.CloseInput{RootCauseCategory: "facilities", RootCauseSource: "support_systems"})
		must(t, err)
		if c.Status != "closed" || c.FollowThroughOutcome != "solved" || c.RootCauseSource != "support_systems" {
			t.Fatalf("closed case = %+v", c)
		}
		if w.attention(t) {
			t.Error("customer still flagged after the case closed")
		}

		// The customer comes back within the window: the case reopens.
		w.clock.Add(24 * time.Hour)
		c, err = w.svc.CustomerReply(ctx, w.agent2, c.ID, "the heating failed again")
		must(t, err)
		if c.Status != "open" || c.ReopenCount != 1 || !w.attention(t) {
			t.Fatalf("after the customer came back: %+v", c)
		}

		// A duplicate case merges into it; its story shows in the survivor's timeline.
		dup := w.open(t, w.agent)
		_, err = w.svc.Note(ctx, w.agent, dup.ID, "guest phoned the front desk too")
		must(t, err)
		_, err = w.svc.Merge(ctx, w.agent, dup.ID, dup.ID)
		wantCode(t, err, fresco.EINVALID)
		_, err = w.svc.Merge(ctx, w.agent, dup.ID, c.ID)
		must(t, err)
		dup, err = db.Case(ctx, dup.ID)
		must(t, err)
		if dup.Status != "merged" || dup.MergedInto == nil || *dup.MergedInto != c.ID {
			t.Fatalf("duplicate = %+v", dup)
		}
		timeline, err := db.CaseTimeline(ctx, c.ID)
		must(t, err)
		for _, want := range []string{"opened", "transferred", "agent_responded", "state_changed", "customer_replied",
			"resolved", "task_created", "task_completed", "closed", "reopened", "note", "merged", "merged_from"} {
			if !hasKind(timeline, want) {
				t.Errorf("timeline lacks %s: %v", want, kinds(timeline))
			}
		}
		// Every change is audited.
		audit, err := db.ListAudit(ctx, "case", fmt.Sprint(c.ID), 100)
		must(t, err)
		if len(audit) < 10 {
			t.Errorf("audit entries for the case = %d", len(audit))
		}

		// Beyond the reopen window a closed case stays closed.
		c, err = w.svc.Close(ctx, w.agent2, c.ID, recovery.CloseInput{RootCauseCategory: "facilities",
			RootCauseSource: "training", Resolution: "boiler replaced"})
		must(t, err)
		w.clock.Add(31 * 24 * time.Hour)
		_, err = w.svc.Reopen(ctx, w.agent2, c.ID, "again")
		wantCode(t, err, fresco.ECONFLICT)
	})
}

func TestGesturesWithinAuthority(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		refund := func(by recovery.Actor, amount string) *fresco.Gesture {
			t.Helper()
			m, err := fresco.ParseMoney(amount)
			must(t, err)
			g, err := w.svc.RequestGesture(ctx, by, c.ID, recovery.GestureInput{Kind: "refund", Amount: m})
			must(t, err)
			return g
		}
		if g := refund(w.agent, "80.00"); g.Status != recovery.GesturePending || g.PurchaseID == nil || *g.PurchaseID != w.purchase {
			t.Fatalf("agent's 80.00 refund = %+v, want pending on the case's purchase", g)
		}
		if g := refund(w.agent, "30.00"); g.Status != recovery.GestureGranted {
			t.Fatalf("agent's 30.00 refund = %s, want granted", g.Status)
		}
		// The limit is per case: a second 30.00 would make 60.00.
		pending := refund(w.agent, "30.00")
		if pending.Status != recovery.GesturePending {
			t.Fatalf("split refund = %s, want pending", pending.Status)
		}
		_, err := w.svc.DecideGesture(ctx, w.agent2, pending.ID, true, "")
		wantCode(t, err, fresco.EFORBIDDEN)
		g, err := w.svc.DecideGesture(ctx, w.manager, pending.ID, true, "fine")
		must(t, err)
		if g.Status != recovery.GestureGranted || g.Letter == "" {
			t.Fatalf("approved = %+v", g)
		}
		_, err = w.svc.DecideGesture(ctx, w.manager, pending.ID, true, "again")
		wantCode(t, err, fresco.ECONFLICT)

		// A manager's own authority (500.00) bounds what they approve.
		big, err := w.svc.RequestGesture(ctx, w.agent, c.ID, recovery.GestureInput{Kind: "service_credit", Amount: 90000})
		must(t, err)
		// The approval request names the gesture in words, not its code.
		asks, err := db.ListCaseNotifications(ctx, c.ID, *w.manager.EmployeeID, 100)
		must(t, err)
		var asked bool
		for _, n := range asks {
			asked = asked || strings.HasPrefix(n.Message, "Approve service credit of $900.00")
			if strings.Contains(n.Message, "service_credit") {
				t.Errorf("approval request shows a code: %q", n.Message)
			}
		}
		if !asked {
			t.Errorf("no approval request for the service credit among %+v", asks)
		}
		_, err = w.svc.DecideGesture(ctx, w.manager, big.ID, true, "")
		wantCode(t, err, fresco.EFORBIDDEN)
		g, err = w.svc.DecideGesture(ctx, w.manager, big.ID, false, "too much; offered an upgrade instead")
		must(t, err)
		if g.Status != recovery.GestureRejected {
			t.Fatalf("rejected = %s", g.Status)
		}

		// A per-employee override lifts one agent's refund limit.
		hundred := fresco.Money(10000)
		unlimited := (*fresco.Money)(nil)
		_, err = w.svc.SetLimit(ctx, w.manager, recovery.LimitInput{EmployeeID: w.agent2.EmployeeID, Kind: "refund", Amount: &hundred})
		must(t, err)
		_, err = w.svc.SetLimit(ctx, w.manager, recovery.LimitInput{EmployeeID: w.agent2.EmployeeID, Kind: "*", Amount: unlimited})
		must(t, err)
		if g := refund(w.agent2, "99.00"); g.Status != recovery.GestureGranted {
			t.Fatalf("agent2's 99.00 refund with a 100.00 override = %s (%s)", g.Status, g.LimitReason)
		}
		if g := refund(w.agent2, "101.00"); g.Status != recovery.GesturePending {
			t.Fatalf("agent2's 101.00 refund = %s", g.Status)
		}

		// An apology letter is personalised and always within authority.
		letter, err := w.svc.RequestGesture(ctx, w.agent, c.ID, recovery.GestureInput{Kind: "apology_letter"})
		must(t, err)
		if letter.Status != recovery.GestureGranted || !strings.Contains(letter.Letter, w.customerName) ||
			!strings.Contains(letter.Letter, "cold room") {
			t.Fatalf("letter = %+v", letter)
		}
		_, err = w.svc.RequestGesture(ctx, w.agent, c.ID, recovery.GestureInput{Kind: "refund"})
		wantCode(t, err, fresco.EINVALID)
		_, err = w.svc.RequestGesture(ctx, w.agent, c.ID, recovery.GestureInput{Kind: "cash", Amount: 100})
		wantCode(t, err, fresco.EINVALID)

		// The ledger: granted 30 + 30 (approved) + 99 + 0 against the customer.
		totals, err := db.GestureTotals(ctx, []int64{w.customer})
		must(t, err)
		if totals[w.customer] != 15900 {
			t.Errorf("granted total = %s, want 159.00", totals[w.customer])
		}
		audit, err := db.ListAudit(ctx, "case", fmt.Sprint(c.ID), 100)
		must(t, err)
		var approved bool
		for _, a := range audit {
			approved = approved || a.Action == "case.gesture_approved"
		}
		if !approved {
			t.Error("approval not audited")
		}
	})
}

func TestDecidePure(t *testing.T) {
	t.Parallel()
	m := func(v fresco.Money) *fresco.Money { return &v }
	limits := []fresco.AuthorityLimit{
		{Scope: "role:agent", Kind: "*", Amount: m(5000)},
		{Scope: "role:agent", Kind: "coupon", Amount: m(1000)},
		{Scope: "role:owner", Kind: "*"},
		{Scope: "employee:7", Kind: "*", Amount: m(20000)},
	}
	seven := int64(7)
	tests := []struct {
		name    string
		actor   recovery.Actor
		kind    string
		amount  fresco.Money
		already fresco.Money
		within  bool
	}{
		{"agent at the limit", recovery.Actor{Role: fresco.RoleAgent}, "refund", 5000, 0, true},
		{"agent above", recovery.Actor{Role: fresco.RoleAgent}, "refund", 5001, 0, false},
		{"agent split", recovery.Actor{Role: fresco.RoleAgent}, "refund", 3000, 3000, false},
		{"agent coupon limit", recovery.Actor{Role: fresco.RoleAgent}, "coupon", 1500, 0, false},
		{"owner unlimited", recovery.Actor{Role: fresco.RoleOwner}, "refund", 99999999, 0, true},
		{"employee override", recovery.Actor{Role: fresco.RoleAgent, EmployeeID: &seven}, "refund", 15000, 0, true},
		{"no limit set", recovery.Actor{Role: fresco.RoleManager}, "refund", 1, 0, false},
	}
	for _, tt := range tests {
		if d := recovery.Decide(limits, tt.actor, tt.kind, tt.amount, tt.already); d.Within != tt.within {
			t.Errorf("%s: within = %v (%s), want %v", tt.name, d.Within, d.Reason, tt.within)
		}
	}
}

// londonPolicy: weekdays 09:00–17:00 London, first response 4h, resolution
// 16h, warn 1h before, clocks paused while waiting on the customer.
func londonPolicy(holidays ...string) json.RawMessage {
	h, _ := json.Marshal(holidays)
	if holidays == nil {
		h = []byte("[]")
	}
	return json.RawMessage(`{"calendar":{"time_zone":"Europe/London","weekly":{
		"monday":[{"start":"09:00","end":"17:00"}],"tuesday":[{"start":"09:00","end":"17:00"}],
		"wednesday":[{"start":"09:00","end":"17:00"}],"thursday":[{"start":"09:00","end":"17:00"}],
		"friday":[{"start":"09:00","end":"17:00"}]},"holidays":` + string(h) + `},
		"first_response":"4h","resolution":"16h","warn_before":"1h","pause_states":["waiting_on_customer"]}`)
}

func jobRunAts(t *testing.T, db *store.DB, kind string) []time.Time {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT run_at FROM jobs WHERE kind = ? AND status = 'queued' ORDER BY run_at`, kind)
	must(t, err)
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var at time.Time
		must(t, rows.Scan(&at))
		out = append(out, at.UTC())
	}
	return out
}

func TestSLAClocks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		_, err := w.svc.SetPolicy(ctx, w.manager, recovery.PolicyInput{LocationID: w.location, Policy: londonPolicy()})
		must(t, err)
		_, err = w.svc.SetPolicy(ctx, w.manager, recovery.PolicyInput{LocationID: w.location, Policy: json.RawMessage(`{"first_response":"4h"}`)})
		wantCode(t, err, fresco.EINVALID)

		// Friday 9 January 2026 16:00 GMT: 1h on Friday, then Monday from 09:00.
		c := w.open(t, w.agent)
		wantDeadline := time.Date(2026, 1, 12, 12, 0, 0, 0, time.UTC) // Monday 12:00
		if c.SLAStatus != "running" || c.SLADeadline == nil || !c.SLADeadline.Equal(wantDeadline) {
			t.Fatalf("sla = %s %v, want running until %s", c.SLAStatus, c.SLADeadline, wantDeadline)
		}
		if runs := jobRunAts(t, db, recovery.JobSLACheck); len(runs) == 0 || !runs[0].Equal(wantDeadline.Add(-time.Hour)) {
			t.Fatalf("SLA check jobs at %v, want the warning at %s", runs, wantDeadline.Add(-time.Hour))
		}
		// The weekend does not count: Monday 10:30 is still fine.
		w.clock.Set(time.Date(2026, 1, 12, 10, 30, 0, 0, time.UTC))
		c, err = w.svc.CheckSLA(ctx, c.ID)
		must(t, err)
		if c.SLAStatus != "running" {
			t.Fatalf("Monday 10:30: %s", c.SLAStatus)
		}
		w.clock.Set(time.Date(2026, 1, 12, 11, 15, 0, 0, time.UTC))
		c, err = w.svc.CheckSLA(ctx, c.ID)
		must(t, err)
		if c.SLAStatus != "warning" {
			t.Fatalf("Monday 11:15: %s, want warning", c.SLAStatus)
		}
		if notes, _ := db.ListCaseNotifications(ctx, c.ID, c.OwnerID, 10); len(notes) == 0 || notes[0].Kind != "sla_warning" {
			t.Errorf("owner not warned: %+v", notes)
		}
		w.clock.Set(time.Date(2026, 1, 12, 12, 30, 0, 0, time.UTC))
		c, err = w.svc.CheckSLA(ctx, c.ID)
		must(t, err)
		_, err = w.svc.CheckSLA(ctx, c.ID) // idempotent: one breach, one escalation
		must(t, err)
		timeline, err := db.CaseTimeline(ctx, c.ID)
		must(t, err)
		count := map[string]int{}
		for _, e := range timeline {
			count[e.Kind]++
		}
		if c.SLAStatus != "breached" || !c.SLABreached || count["sla_breached"] != 1 || count["escalated"] != 1 || count["sla_warning"] != 1 {
			t.Fatalf("after the deadline: %s, events %v", c.SLAStatus, count)
		}
		_, watchers, err := db.CasePeople(ctx, c.ID)
		must(t, err)
		if len(watchers) != 1 || watchers[0] != *w.manager.EmployeeID {
			t.Errorf("watchers after escalation = %v, want the manager", watchers)
		}
		notes, err := db.ListCaseNotifications(ctx, c.ID, *w.manager.EmployeeID, 100)
		must(t, err)
		if len(notes) == 0 || notes[0].Kind != "sla_breached" {
			t.Errorf("manager notifications = %+v", notes)
		}

		// A policy change recomputes (in a job): with an 8h first response it is not breached.
		_, err = w.svc.SetPolicy(ctx, w.manager, recovery.PolicyInput{LocationID: w.location, Policy: withFirstResponse("8h")})
		must(t, err)
		runPolicyJobs(t, db, w.svc.PolicyChangedHandler())
		c, err = db.Case(ctx, c.ID)
		must(t, err)
		if c.SLABreached || !c.SLADeadline.Equal(time.Date(2026, 1, 12, 16, 0, 0, 0, time.UTC)) {
			t.Fatalf("after the policy change: breached=%v deadline=%v", c.SLABreached, c.SLADeadline)
		}
	})
}

func TestSLAHolidaysPausesAndDST(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		// Monday 30 March 2026 is a holiday; the clocks went forward on Sunday 29 March.
		_, err := w.svc.SetPolicy(ctx, w.manager, recovery.PolicyInput{LocationID: w.location, Policy: londonPolicy("2026-03-30")})
		must(t, err)
		w.clock.Set(time.Date(2026, 3, 27, 15, 0, 0, 0, time.UTC)) // Friday 15:00 GMT
		c := w.open(t, w.agent)
		// 2h on Friday, Monday is a holiday, 2h on Tuesday from 09:00 BST (08:00 UTC).
		want := time.Date(2026, 3, 31, 10, 0, 0, 0, time.UTC)
		if c.SLADeadline == nil || !c.SLADeadline.Equal(want) {
			t.Fatalf("deadline across a weekend, a DST change and a holiday = %v, want %s (11:00 BST)", c.SLADeadline, want)
		}
		// One business hour waiting on the customer moves the deadline back an hour.
		w.clock.Set(time.Date(2026, 3, 27, 16, 0, 0, 0, time.UTC))
		c, err = w.svc.Wait(ctx, w.agent, c.ID, "waiting_on_customer", "asked for the booking reference")
		must(t, err)
		if c.SLAStatus != "paused" {
			t.Fatalf("waiting: sla status %s", c.SLAStatus)
		}
		w.clock.Set(time.Date(2026, 3, 31, 8, 0, 0, 0, time.UTC)) // Tuesday 09:00 BST
		c, err = w.svc.CustomerReply(ctx, w.agent, c.ID, "it is AB123")
		must(t, err)
		// 1h elapsed Friday; 3h left from Tuesday 09:00 BST → 12:00 BST = 11:00 UTC.
		want = time.Date(2026, 3, 31, 11, 0, 0, 0, time.UTC)
		if c.SLAStatus != "running" || !c.SLADeadline.Equal(want) {
			t.Fatalf("after the pause: %s %v, want running until %s", c.SLAStatus, c.SLADeadline, want)
		}
		ev, err := w.svc.Evaluate(ctx, c)
		must(t, err)
		if ev.FirstResponse == nil || ev.FirstResponse.PausedFor != sla.Duration(time.Hour) {
			t.Fatalf("first response clock = %+v, want 1h paused", ev.FirstResponse)
		}
	})
}

func TestHoldBecomesCallback(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		short, err := w.svc.Hold(ctx, w.agent, c.ID)
		must(t, err)
		w.clock.Add(90 * time.Second)
		_, err = w.svc.EndHold(ctx, w.agent, c.ID, short)
		must(t, err)
		must(t, w.svc.HoldCheck(ctx, c.ID, short)) // the job fires: nothing to do
		long, err := w.svc.Hold(ctx, w.agent, c.ID)
		must(t, err)
		runs := jobRunAts(t, db, recovery.JobHoldCheck)
		if len(runs) != 2 || !runs[1].Equal(w.clock.Now().UTC().Add(2*time.Minute)) {
			t.Fatalf("hold-check jobs at %v, want one two minutes after the hold", runs)
		}
		w.clock.Add(2 * time.Minute)
		must(t, w.svc.HoldCheck(ctx, c.ID, long))
		must(t, w.svc.HoldCheck(ctx, c.ID, long)) // at least once: a second run adds nothing
		tasks, err := db.ListTasks(ctx, store.TaskFilter{CaseID: &c.ID, Kind: "callback"})
		must(t, err)
		if len(tasks) != 1 || tasks[0].AssigneeID == nil || *tasks[0].AssigneeID != c.OwnerID {
			t.Fatalf("call-back tasks = %+v, want one for the owner", tasks)
		}
		_, err = w.svc.EndHold(ctx, w.agent, c.ID, long)
		wantCode(t, err, fresco.ECONFLICT)
		must(t, w.svc.TaskDue(ctx, tasks[0].ID))
		notes, err := db.ListCaseNotifications(ctx, c.ID, c.OwnerID, 100)
		must(t, err)
		if len(notes) == 0 || notes[0].Kind != "task_due" {
			t.Errorf("owner notifications = %+v", notes)
		}
	})
}
