package recovery_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// auditCount is how many audit records the case has.
func auditCount(t *testing.T, db *store.DB, caseID int64) int {
	t.Helper()
	a, err := db.ListAudit(context.Background(), "case", fmt.Sprint(caseID), 1000)
	must(t, err)
	return len(a)
}

// wantField fails unless err is a validation error naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if fresco.ErrorCode(err) != fresco.EINVALID {
		t.Fatalf("err = %v, want invalid %s", err, field)
	}
	for _, f := range fresco.ErrorFields(err) {
		if f.Field == field {
			return
		}
	}
	t.Fatalf("err = %v names %v, not %s", err, fresco.ErrorFields(err), field)
}

// Who owns a new case: the one asked for if they can own cases; else the
// employee opening it; else (an analyst, the API) the location's manager.
func TestOpenChoosesAnOwnerWhoCanOwn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		inactive := &fresco.Employee{Email: "gone@example.com", Name: "Gone", Role: fresco.RoleAgent, LocationID: &w.location}
		must(t, db.CreateEmployee(ctx, inactive))
		api := recovery.Actor{Ref: "token:1", Name: "nightly", Role: fresco.RoleAgent}
		in := func(owner *int64) recovery.OpenInput {
			return recovery.OpenInput{CustomerID: w.customer, PurchaseID: &w.purchase, Summary: "late breakfast", OwnerID: owner}
		}
		missing := int64(999999)
		refusals := []struct {
			name  string
			owner *int64
			want  string
		}{
			{"analyst", w.analyst.EmployeeID, "analyst"},
			{"inactive", &inactive.ID, "not active"},
			{"missing", &missing, "does not exist"},
		}
		for _, r := range refusals {
			_, err := w.svc.Open(ctx, w.agent, in(r.owner))
			wantField(t, err, "owner_id")
			if !strings.Contains(err.Error(), r.want) {
				t.Errorf("%s owner: %v, want it to say %q", r.name, err, r.want)
			}
		}
		owners := []struct {
			name  string
			by    recovery.Actor
			owner *int64
			want  int64
		}{
			{"asked for", w.agent, w.agent2.EmployeeID, *w.agent2.EmployeeID},
			{"the opener", w.agent2, nil, *w.agent2.EmployeeID},
			{"manager for an analyst", w.analyst, nil, *w.manager.EmployeeID},
			{"manager for the API", api, nil, *w.manager.EmployeeID},
		}
		for _, o := range owners {
			c, err := w.svc.Open(ctx, o.by, in(o.owner))
			must(t, err)
			if c.OwnerID != o.want {
				t.Errorf("%s: owner %d, want %d", o.name, c.OwnerID, o.want)
			}
			wantSource := "staff"
			if o.by.EmployeeID == nil {
				wantSource = "api"
			}
			if c.Source != wantSource {
				t.Errorf("%s: source %q, want %q", o.name, c.Source, wantSource)
			}
			// An owner who did not open the case is told it is theirs.
			notes, err := db.ListCaseNotifications(ctx, c.ID, o.want, 100)
			must(t, err)
			assigned := false
			for _, n := range notes {
				assigned = assigned || n.Kind == "case_assigned"
			}
			if assigned != (o.by.EmployeeID == nil || *o.by.EmployeeID != o.want) {
				t.Errorf("%s: case_assigned sent = %v", o.name, assigned)
			}
		}
	})
}

// A location without a manager leaves an analyst's case without an owner:
// refused, naming owner_id, nothing stored.
func TestOpenWithoutAnyPossibleOwnerIsRefused(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		empty := &fresco.Location{Name: "Pop-up stand"}
		must(t, db.CreateLocation(ctx, empty))
		_, err := w.svc.Open(ctx, w.analyst, recovery.OpenInput{CustomerID: w.customer, LocationID: &empty.ID, Summary: "stand closed early"})
		wantField(t, err, "owner_id")
		cases, _, err := db.ListCases(ctx, store.CaseFilter{CustomerID: &w.customer})
		must(t, err)
		if len(cases) != 0 {
			t.Fatalf("a refused case was stored: %+v", cases)
		}
	})
}

// Open's input is checked field by field.
func TestOpenValidatesInput(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		other := &fresco.Customer{Name: "Someone else"}
		must(t, db.CreateCustomer(ctx, other))
		long := strings.Repeat("x", 4001)
		cases := []struct {
			name  string
			in    recovery.OpenInput
			field string
		}{
			{"no customer", recovery.OpenInput{Summary: "x"}, "customer_id"},
			{"no summary", recovery.OpenInput{CustomerID: w.customer, Summary: "  "}, "summary"},
			{"long expectation", recovery.OpenInput{CustomerID: w.customer, Summary: "x", Expectation: long}, "expectation"},
			{"long incident", recovery.OpenInput{CustomerID: w.customer, Summary: "x", Incident: recovery.Incident{Where: long}}, "incident.where"},
			{"unknown source", recovery.OpenInput{CustomerID: w.customer, Summary: "x", Source: "pigeon"}, "source"},
			{"future", recovery.OpenInput{CustomerID: w.customer, Summary: "x", OpenedAt: w.clock.Now().Add(time.Hour)}, "opened_at"},
			{"another's purchase", recovery.OpenInput{CustomerID: other.ID, Summary: "x", PurchaseID: &w.purchase}, "purchase_id"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := w.svc.Open(ctx, w.agent, tc.in)
				wantField(t, err, tc.field)
			})
		}
	})
}

// Each operation refuses a case in the wrong status, with a conflict, and
// leaves neither an event nor an audit record behind.
func TestOperationsRefuseTheWrongStatus(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		closeIn := recovery.CloseInput{RootCauseCategory: "facilities", RootCauseSource: "training", Resolution: "fixed"}
		open := w.open(t, w.agent)
		resolved := w.open(t, w.agent)
		_, err := w.svc.Resolve(ctx, w.agent, resolved.ID, "done")
		must(t, err)
		closed := w.open(t, w.agent)
		_, err = w.svc.Close(ctx, w.agent, closed.ID, closeIn)
		must(t, err)
		merged := w.open(t, w.agent)
		_, err = w.svc.Merge(ctx, w.agent, merged.ID, open.ID)
		must(t, err)

		ops := []struct {
			name string
			do   func(id int64) error
			bad  []int64 // cases the operation refuses
		}{
			{"wait", func(id int64) error {
				_, err := w.svc.Wait(ctx, w.agent, id, "", "asked for a photo")
				return err
			}, []int64{resolved.ID, closed.ID, merged.ID}},
			{"resume a case not waiting", func(id int64) error {
				_, err := w.svc.Resume(ctx, w.agent, id, "back")
				return err
			}, []int64{open.ID, resolved.ID, closed.ID}},
			{"resolve", func(id int64) error {
				_, err := w.svc.Resolve(ctx, w.agent, id, "done")
				return err
			}, []int64{resolved.ID, closed.ID, merged.ID}},
			{"close", func(id int64) error {
				_, err := w.svc.Close(ctx, w.agent, id, closeIn)
				return err
			}, []int64{closed.ID, merged.ID}},
			{"reopen", func(id int64) error {
				_, err := w.svc.Reopen(ctx, w.agent, id, "again")
				return err
			}, []int64{open.ID, merged.ID}},
			{"transfer", func(id int64) error {
				_, err := w.svc.Transfer(ctx, w.agent, id, *w.manager.EmployeeID, "over to you")
				return err
			}, []int64{closed.ID, merged.ID}},
			{"transfer to the owner", func(id int64) error {
				_, err := w.svc.Transfer(ctx, w.agent, id, *w.agent.EmployeeID, "to me")
				return err
			}, []int64{open.ID}},
			{"note", func(id int64) error {
				_, err := w.svc.Note(ctx, w.agent, id, "hello")
				return err
			}, []int64{closed.ID, merged.ID}},
			{"gesture", func(id int64) error {
				_, err := w.svc.RequestGesture(ctx, w.agent, id, recovery.GestureInput{Kind: "apology_letter"})
				return err
			}, []int64{closed.ID, merged.ID}},
			{"merge", func(id int64) error {
				_, err := w.svc.Merge(ctx, w.agent, id, resolved.ID)
				return err
			}, []int64{closed.ID, merged.ID}},
		}
		for _, op := range ops {
			for _, id := range op.bad {
				before, err := db.CaseTimeline(ctx, id)
				must(t, err)
				audits := auditCount(t, db, id)
				err = op.do(id)
				if fresco.ErrorCode(err) != fresco.ECONFLICT {
					t.Errorf("%s on case %d: %v, want a conflict", op.name, id, err)
					continue
				}
				after, err := db.CaseTimeline(ctx, id)
				must(t, err)
				if len(after) != len(before) || auditCount(t, db, id) != audits {
					t.Errorf("%s on case %d: the refusal left %d events and %d audit records behind",
						op.name, id, len(after)-len(before), auditCount(t, db, id)-audits)
				}
			}
		}
		// The merged case's refusals leave the survivor unchanged too.
		if _, err := w.svc.Merge(ctx, w.agent, open.ID, closed.ID); fresco.ErrorCode(err) != fresco.ECONFLICT {
			t.Errorf("merge into a closed case: %v", err)
		}
	})
}

// Merge joins only the same customer's live cases; the duplicate's owner
// watches the survivor and its tasks move across.
func TestMergeRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		other := &fresco.Customer{Name: "Ada"}
		must(t, db.CreateCustomer(ctx, other))
		survivor := w.open(t, w.agent)
		dup := w.open(t, w.agent2)
		foreign, err := w.svc.Open(ctx, w.agent, recovery.OpenInput{CustomerID: other.ID, Summary: "noisy room"})
		must(t, err)

		_, err = w.svc.Merge(ctx, w.agent, dup.ID, foreign.ID)
		wantField(t, err, "into")
		_, err = w.svc.Merge(ctx, w.agent, dup.ID, 999999)
		wantField(t, err, "into")
		_, err = w.svc.Merge(ctx, w.agent, 999999, survivor.ID)
		wantCode(t, err, fresco.ENOTFOUND)

		_, err = w.svc.Resolve(ctx, w.agent2, dup.ID, "sorted") // a follow-through task on the duplicate
		must(t, err)
		got, err := w.svc.Merge(ctx, w.agent, dup.ID, survivor.ID)
		must(t, err)
		if got.ID != survivor.ID || got.Status != fresco.CaseOpen {
			t.Fatalf("merge returned %+v, want the open survivor", got)
		}
		_, watchers, err := db.CasePeople(ctx, survivor.ID)
		must(t, err)
		if len(watchers) != 1 || watchers[0] != *w.agent2.EmployeeID {
			t.Errorf("watchers of the survivor = %v, want the duplicate's owner", watchers)
		}
		tasks, err := db.ListTasks(ctx, store.TaskFilter{CaseID: &survivor.ID, Kind: "follow_through"})
		must(t, err)
		if len(tasks) != 1 {
			t.Errorf("tasks on the survivor after the merge = %+v", tasks)
		}
		audit, err := db.ListAudit(ctx, "case", fmt.Sprint(survivor.ID), 100)
		must(t, err)
		found := false
		for _, a := range audit {
			found = found || a.Action == "case.merged_from"
		}
		if !found {
			t.Error("the survivor's audit lacks case.merged_from")
		}
	})
}

// A waiting case resumes with a reason; only a waiting state is accepted.
func TestWaitAndResume(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		for _, state := range []string{"open", "resolved", "waiting on customer", strings.Repeat("w", 65)} {
			_, err := w.svc.Wait(ctx, w.agent, c.ID, state, "because")
			wantField(t, err, "state")
		}
		_, err := w.svc.Wait(ctx, w.agent, c.ID, "waiting_on_supplier", "")
		wantField(t, err, "reason")
		c, err = w.svc.Wait(ctx, w.agent, c.ID, "", "asked for the receipt")
		must(t, err)
		if c.State != "waiting_on_customer" || c.StateReason != "asked for the receipt" {
			t.Fatalf("default waiting state = %q (%q)", c.State, c.StateReason)
		}
		c, err = w.svc.Resume(ctx, w.agent, c.ID, "receipt arrived")
		must(t, err)
		if c.State != "open" || c.StateReason != "receipt arrived" {
			t.Fatalf("resumed = %q (%q)", c.State, c.StateReason)
		}
		timeline, err := db.CaseTimeline(ctx, c.ID)
		must(t, err)
		n := 0
		for _, e := range timeline {
			if e.Kind == "state_changed" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("state_changed events = %d, want 2: %v", n, kinds(timeline))
		}
	})
}

// Closing an open case resolves it on the way and needs a resolution; the
// root-cause source is one of the listed ones.
func TestCloseRules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		_, err := w.svc.Close(ctx, w.agent, c.ID, recovery.CloseInput{RootCauseCategory: "facilities", RootCauseSource: "luck"})
		wantField(t, err, "root_cause_source")
		_, err = w.svc.Close(ctx, w.agent, c.ID, recovery.CloseInput{RootCauseSource: "training"})
		wantField(t, err, "root_cause_category")
		_, err = w.svc.Close(ctx, w.agent, c.ID, recovery.CloseInput{RootCauseCategory: "facilities", RootCauseSource: "training"})
		wantField(t, err, "resolution")
		c, err = w.svc.Close(ctx, w.agent, c.ID, recovery.CloseInput{RootCauseCategory: " facilities ", RootCauseSource: "training", Resolution: "fixed"})
		must(t, err)
		if c.Status != fresco.CaseClosed || c.ResolvedAt == nil || c.ClosedAt == nil || c.RootCauseCategory != "facilities" || c.Category != "facilities" {
			t.Fatalf("closed = %+v", c)
		}
		timeline, err := db.CaseTimeline(ctx, c.ID)
		must(t, err)
		if !hasKind(timeline, "resolved") || !hasKind(timeline, "closed") {
			t.Errorf("closing an open case: %v", kinds(timeline))
		}
	})
}

// Reopening cancels the previous follow-through and tells the owner; the
// window counts from the resolution.
func TestReopenCancelsFollowThroughAndRespectsWindow(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		_, err := w.svc.Reopen(ctx, w.agent, c.ID, "")
		wantField(t, err, "reason")
		_, err = w.svc.Resolve(ctx, w.agent, c.ID, "fixed")
		must(t, err)
		w.clock.Add(w.svc.ReopenWindow() - time.Minute)
		c, err = w.svc.Reopen(ctx, w.agent, c.ID, "broke again")
		must(t, err)
		if c.Status != fresco.CaseOpen || c.ReopenCount != 1 || c.ResolvedAt != nil {
			t.Fatalf("reopened = %+v", c)
		}
		tasks, err := db.ListTasks(ctx, store.TaskFilter{CaseID: &c.ID, Kind: "follow_through"})
		must(t, err)
		if len(tasks) != 1 || tasks[0].Status != "cancelled" {
			t.Fatalf("follow-through after reopening = %+v", tasks)
		}
		notes, err := db.ListCaseNotifications(ctx, c.ID, *w.agent.EmployeeID, 100)
		must(t, err)
		told := false
		for _, n := range notes {
			told = told || n.Kind == "case_reopened" && strings.Contains(n.Message, "broke again")
		}
		if !told {
			t.Error("owner not told of the reopening")
		}
		_, err = w.svc.Resolve(ctx, w.agent, c.ID, "fixed properly")
		must(t, err)
		w.clock.Add(w.svc.ReopenWindow() + time.Minute)
		_, err = w.svc.Reopen(ctx, w.agent, c.ID, "third time")
		wantCode(t, err, fresco.ECONFLICT)
		if !strings.Contains(err.Error(), "reopen window") {
			t.Errorf("refusal does not explain the window: %v", err)
		}
	})
}

// Involve records an employee on the case, once, with an event each time.
func TestInvolveRecordsPerson(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		c := w.open(t, w.agent)
		for range 2 {
			_, err := w.svc.Involve(ctx, w.agent, c.ID, *w.agent2.EmployeeID)
			must(t, err)
		}
		involved, _, err := db.CasePeople(ctx, c.ID)
		must(t, err)
		if len(involved) != 1 || involved[0] != *w.agent2.EmployeeID {
			t.Fatalf("involved = %v", involved)
		}
		timeline, err := db.CaseTimeline(ctx, c.ID)
		must(t, err)
		n := 0
		for _, e := range timeline {
			if e.Kind == "employee_involved" {
				n++
			}
		}
		if n != 2 {
			t.Errorf("employee_involved events = %d", n)
		}
	})
}

// Authority limits: set by role or employee, never both, for a known gesture
// kind, never negative; an employee limit needs the employee.
func TestSetLimitValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		minus := fresco.Money(-1)
		ten := fresco.Money(1000)
		missing := int64(999999)
		cases := []struct {
			name  string
			in    recovery.LimitInput
			field string
		}{
			{"both", recovery.LimitInput{Role: fresco.RoleAgent, EmployeeID: w.agent.EmployeeID, Kind: "refund", Amount: &ten}, "role"},
			{"unknown role", recovery.LimitInput{Role: "intern", Kind: "refund", Amount: &ten}, "role"},
			{"unknown kind", recovery.LimitInput{Role: fresco.RoleAgent, Kind: "cash", Amount: &ten}, "kind"},
			{"negative", recovery.LimitInput{Role: fresco.RoleAgent, Kind: "refund", Amount: &minus}, "amount"},
			{"missing employee", recovery.LimitInput{EmployeeID: &missing, Kind: "refund", Amount: &ten}, "employee_id"},
		}
		for _, tc := range cases {
			_, err := w.svc.SetLimit(ctx, w.manager, tc.in)
			if fresco.ErrorCode(err) != fresco.EINVALID {
				t.Errorf("%s: %v, want invalid", tc.name, err)
				continue
			}
			wantField(t, err, tc.field)
		}
		l, err := w.svc.SetLimit(ctx, w.manager, recovery.LimitInput{Role: fresco.RoleAgent, Kind: "refund", Amount: &ten})
		must(t, err)
		if l.Scope != "role:agent" {
			t.Fatalf("scope %q", l.Scope)
		}
		// The new, lower agent limit applies at once: 20.00 now waits.
		c := w.open(t, w.agent)
		g, err := w.svc.RequestGesture(ctx, w.agent, c.ID, recovery.GestureInput{Kind: "refund", Amount: 2000})
		must(t, err)
		if g.Status != recovery.GesturePending || !strings.Contains(g.LimitReason, "10.00") {
			t.Fatalf("20.00 refund under a 10.00 limit: %s (%s)", g.Status, g.LimitReason)
		}
		audit, err := db.ListAudit(ctx, "authority_limit", "role:agent/refund", 10)
		must(t, err)
		if len(audit) != 1 || audit[0].Actor != w.manager.Ref {
			t.Fatalf("limit audit = %+v", audit)
		}
	})
}
