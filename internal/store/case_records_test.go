package store_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestListCasesFilters pins which cases each inbox filter selects (newest
// first), and that paging through any of them with a small page returns
// every selected case exactly once.
func TestListCasesFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shop, depot := w.location("Shop"), w.location("Depot")
		ann, bob := w.customer("Ann"), w.customer("Bob")
		member, other, watcher := w.employee(fresco.RoleAgent, &shop), w.employee(fresco.RoleAgent, &depot), w.employee(fresco.RoleManager, &shop)
		team := &fresco.Team{Name: "Floor", LocationID: &shop}
		if err := db.CreateTeam(w.ctx, team); err != nil {
			t.Fatal(err)
		}
		member.TeamID = &team.ID
		if err := db.UpdateEmployee(w.ctx, member); err != nil {
			t.Fatal(err)
		}

		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		deadline := func(d time.Duration) func(*fresco.Case) {
			return func(c *fresco.Case) { c.SLADeadline = ptr(at.Add(d)) }
		}
		status := func(s string) func(*fresco.Case) { return func(c *fresco.Case) { c.Status = s } }
		where := func(l int64) func(*fresco.Case) { return func(c *fresco.Case) { c.LocationID = &l } }
		breached := func(c *fresco.Case) { c.SLABreached = true }

		// Deadlines and breaches are written by UpdateCase, as the service does.
		c1 := w.openCase(ann.ID, member.ID, at, where(shop), deadline(time.Hour))
		c2 := w.openCase(ann.ID, other.ID, at, where(depot), deadline(48*time.Hour))
		c3 := w.openCase(bob.ID, member.ID, at, status(fresco.CaseResolved), deadline(time.Hour))
		c4 := w.openCase(bob.ID, other.ID, at, breached)
		c5 := w.openCase(ann.ID, other.ID, at, status(fresco.CaseClosed), where(shop))
		w.tx(func(tx *store.Tx) error {
			for _, c := range []*fresco.Case{c1, c2, c3, c4, c5} {
				if err := tx.UpdateCase(w.ctx, nil, c); err != nil {
					return err
				}
			}
			return tx.AddCasePerson(w.ctx, c2.ID, watcher.ID, "watcher")
		})
		// Involvement is not watching.
		w.tx(func(tx *store.Tx) error { return tx.AddCasePerson(w.ctx, c4.ID, watcher.ID, "involved") })

		soon := at.Add(2 * time.Hour)
		cases := []struct {
			name string
			f    store.CaseFilter
			want []*fresco.Case
		}{
			{"everything, newest first", store.CaseFilter{}, []*fresco.Case{c5, c4, c3, c2, c1}},
			{"open and resolved", store.CaseFilter{Statuses: []string{fresco.CaseOpen, fresco.CaseResolved}}, []*fresco.Case{c4, c3, c2, c1}},
			{"closed", store.CaseFilter{Statuses: []string{fresco.CaseClosed}}, []*fresco.Case{c5}},
			{"owner", store.CaseFilter{OwnerID: &member.ID}, []*fresco.Case{c3, c1}},
			{"watcher sees watched cases only", store.CaseFilter{WatcherID: &watcher.ID}, []*fresco.Case{c2}},
			{"watcher sees owned cases too", store.CaseFilter{WatcherID: &other.ID}, []*fresco.Case{c5, c4, c2}},
			{"team", store.CaseFilter{TeamID: &team.ID}, []*fresco.Case{c3, c1}},
			{"customer", store.CaseFilter{CustomerID: &bob.ID}, []*fresco.Case{c4, c3}},
			{"location", store.CaseFilter{LocationID: &shop}, []*fresco.Case{c5, c1}},
			{"breaching soon: open, due before, or breached", store.CaseFilter{DeadlineBefore: &soon}, []*fresco.Case{c4, c1}},
			{"combined", store.CaseFilter{CustomerID: &ann.ID, OwnerID: &other.ID, Statuses: []string{fresco.CaseOpen}}, []*fresco.Case{c2}},
			{"nothing", store.CaseFilter{CustomerID: ptr(int64(987654))}, nil},
		}
		caseID := func(c *fresco.Case) int64 { return c.ID }
		for _, c := range cases {
			got, next, err := db.ListCases(w.ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !slices.Equal(ids(got, caseID), ids(c.want, caseID)) || next != "" {
				t.Errorf("%s: got %v (next %q), want %v", c.name, ids(got, caseID), next, ids(c.want, caseID))
			}
			// One case a page: the pages, joined, are the same list.
			f := c.f
			f.Limit = 1
			var paged []int64
			for pages := 0; pages < 10; pages++ {
				page, next, err := db.ListCases(w.ctx, f)
				if err != nil {
					t.Fatalf("%s page %d: %v", c.name, pages, err)
				}
				paged = append(paged, ids(page, caseID)...)
				if next == "" {
					break
				}
				f.Cursor = next
			}
			if !slices.Equal(paged, ids(c.want, caseID)) {
				t.Errorf("%s: paged %v, want %v", c.name, paged, ids(c.want, caseID))
			}
		}
		if _, _, err := db.ListCases(w.ctx, store.CaseFilter{Cursor: "not a cursor!"}); err == nil {
			t.Fatal("a forged cursor was accepted")
		} else {
			wantFieldError(t, err, fresco.EINVALID, "cursor")
		}
	})
}

// TestCaseUpdates checks reads under lock, updates of missing cases and of
// cases pointing at records that do not exist (refused, nothing written),
// and the customer's live cases.
func TestCaseUpdates(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shop := w.location("Shop")
		ann := w.customer("Ann")
		owner := w.employee(fresco.RoleAgent, &shop)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		bought := w.purchase(&ann.ID, at.Add(-24*time.Hour), "12.00", func(p *fresco.Purchase) { p.LocationID = &shop })
		live := w.openCase(ann.ID, owner.ID, at, func(c *fresco.Case) { c.PurchaseID = &bought.ID })

		w.tx(func(tx *store.Tx) error {
			c, err := tx.CaseForUpdate(w.ctx, live.ID)
			if err != nil {
				return err
			}
			if c.PurchaseID == nil || *c.PurchaseID != bought.ID || c.Summary != "cold soup" {
				t.Errorf("case read for update = %+v", c)
			}
			wantCode(t, fresco.ENOTFOUND, errOf(tx.CaseForUpdate(w.ctx, live.ID+100)))
			customer, location, err := tx.PurchaseOwner(w.ctx, bought.ID)
			if err != nil {
				return err
			}
			if customer == nil || *customer != ann.ID || location == nil || *location != shop {
				t.Errorf("purchase owner = %v, %v; want %d, %d", deref(customer), deref(location), ann.ID, shop)
			}
			_, _, err = tx.PurchaseOwner(w.ctx, bought.ID+100)
			wantFieldError(t, err, fresco.EINVALID, "purchase_id")
			return nil
		})

		missing := *live
		missing.ID = live.ID + 100
		err := db.InTx(w.ctx, func(tx *store.Tx) error { return tx.UpdateCase(w.ctx, nil, &missing) })
		wantCode(t, fresco.ENOTFOUND, err)

		nowhere := int64(424242)
		for _, c := range []struct {
			field string
			edit  func(*fresco.Case)
		}{
			{"owner_id", func(c *fresco.Case) { c.OwnerID = nowhere }},
			{"location_id", func(c *fresco.Case) { c.LocationID = &nowhere }},
			{"purchase_id", func(c *fresco.Case) { c.PurchaseID = &nowhere }},
			{"product_id", func(c *fresco.Case) { c.ProductID = &nowhere }},
			{"merged_into", func(c *fresco.Case) { c.MergedInto = &nowhere }},
		} {
			bad, err := db.Case(w.ctx, live.ID)
			if err != nil {
				t.Fatal(err)
			}
			bad.Summary = "changed"
			c.edit(bad)
			err = db.InTx(w.ctx, func(tx *store.Tx) error { return tx.UpdateCase(w.ctx, nil, bad) })
			wantFieldError(t, err, fresco.EINVALID, c.field)
			if got, _ := db.Case(w.ctx, live.ID); got.Summary != "cold soup" {
				t.Errorf("%s: a refused update wrote the summary %q", c.field, got.Summary)
			}
		}

		resolved := w.openCase(ann.ID, owner.ID, at, func(c *fresco.Case) { c.Status = fresco.CaseResolved })
		w.openCase(ann.ID, owner.ID, at, func(c *fresco.Case) { c.Status = fresco.CaseClosed })
		w.openCase(ann.ID, owner.ID, at, func(c *fresco.Case) { c.Status = fresco.CaseMerged })
		w.openCase(w.customer("Bob").ID, owner.ID, at)
		w.tx(func(tx *store.Tx) error {
			open, err := tx.OpenCasesOf(w.ctx, ann.ID)
			if err != nil {
				return err
			}
			if got := ids(open, func(c *fresco.Case) int64 { return c.ID }); !slices.Equal(got, []int64{live.ID, resolved.ID}) {
				t.Errorf("open cases of Ann = %v, want %v", got, []int64{live.ID, resolved.ID})
			}
			return nil
		})
	})
}

// TestMergeMovesCaseRecords merges one case into another: tasks, gestures
// and people move, people already on the surviving case are not doubled,
// and the survivor's timeline tells both stories in time order while its
// own event log stays its own.
func TestMergeMovesCaseRecords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann := w.customer("Ann")
		owner, helper, watcher := w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleManager, nil)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		from, into := w.openCase(ann.ID, owner.ID, at), w.openCase(ann.ID, owner.ID, at.Add(time.Hour))
		untouched := w.openCase(ann.ID, owner.ID, at)
		var task *fresco.CaseTask
		var gesture *fresco.Gesture
		w.tx(func(tx *store.Tx) error {
			task = &fresco.CaseTask{CaseID: from.ID, Kind: "callback", DueAt: at.Add(time.Hour)}
			gesture = &fresco.Gesture{CaseID: from.ID, CustomerID: ann.ID, Kind: "voucher", Amount: 500, Status: "granted",
				RequestedBy: "employee:1", RequestedRole: fresco.RoleAgent}
			for _, err := range []error{
				tx.InsertTask(w.ctx, task), tx.InsertGesture(w.ctx, gesture),
				tx.InsertTask(w.ctx, &fresco.CaseTask{CaseID: untouched.ID, Kind: "resurvey", DueAt: at}),
				tx.AddCasePerson(w.ctx, from.ID, helper.ID, "involved"),
				tx.AddCasePerson(w.ctx, from.ID, watcher.ID, "watcher"),
				tx.AddCasePerson(w.ctx, into.ID, watcher.ID, "watcher"),
			} {
				if err != nil {
					return err
				}
			}
			for i, c := range []struct {
				id   int64
				at   time.Time
				kind string
			}{{from.ID, at, "opened"}, {into.ID, at.Add(time.Hour), "opened"}, {from.ID, at.Add(30 * time.Minute), "note"}, {into.ID, at.Add(2 * time.Hour), "note"}} {
				if _, err := tx.AppendCaseEvent(w.ctx, c.id, c.at, "employee:1", c.kind, map[string]int{"step": i}); err != nil {
					return err
				}
			}
			if err := tx.MoveCaseRecords(w.ctx, from.ID, into.ID); err != nil {
				return err
			}
			from.Status, from.MergedInto = fresco.CaseMerged, &into.ID
			return tx.UpdateCase(w.ctx, nil, from)
		})

		if got, err := db.Task(w.ctx, task.ID); err != nil || got.CaseID != into.ID {
			t.Errorf("task after merge: %+v, %v; want it on case %d", got, err, into.ID)
		}
		if got, err := db.Gesture(w.ctx, gesture.ID); err != nil || got.CaseID != into.ID {
			t.Errorf("gesture after merge: %+v, %v; want it on case %d", got, err, into.ID)
		}
		if left, err := db.ListTasks(w.ctx, store.TaskFilter{CaseID: &untouched.ID}); err != nil || len(left) != 1 {
			t.Errorf("another case's tasks: %d, %v; want its 1 task left alone", len(left), err)
		}
		involved, watchers, err := db.CasePeople(w.ctx, into.ID)
		if err != nil || !slices.Equal(involved, []int64{helper.ID}) || !slices.Equal(watchers, []int64{watcher.ID}) {
			t.Errorf("people of the surviving case: involved %v, watchers %v, %v", involved, watchers, err)
		}

		timeline, err := db.CaseTimeline(w.ctx, into.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range timeline {
			var body map[string]int
			if err := json.Unmarshal(e.Body, &body); err != nil {
				t.Fatal(err)
			}
			steps = append(steps, e.Kind+string(rune('0'+body["step"])))
		}
		if want := []string{"opened0", "note2", "opened1", "note3"}; !slices.Equal(steps, want) {
			t.Errorf("timeline of the survivor = %v, want %v", steps, want)
		}
		w.tx(func(tx *store.Tx) error {
			own, err := tx.CaseEvents(w.ctx, into.ID)
			if err != nil {
				return err
			}
			if len(own) != 2 || own[0].CaseID != into.ID || own[1].CaseID != into.ID {
				t.Errorf("own events of the survivor = %+v, want its 2", own)
			}
			return nil
		})
	})
}

// TestCaseEventsAndPeople checks the job idempotency marker search, and
// that people are recorded once, refused when unknown, and split by role.
func TestCaseEventsAndPeople(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann := w.customer("Ann")
		owner, helper := w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleAgent, nil)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		c, other := w.openCase(ann.ID, owner.ID, at), w.openCase(ann.ID, owner.ID, at)
		w.tx(func(tx *store.Tx) error {
			e, err := tx.AppendCaseEvent(w.ctx, c.ID, at.In(time.FixedZone("CET", 3600)), "job:sla", "sla_warning", map[string]string{"deadline": "d-42"})
			if err != nil {
				return err
			}
			if e.ID == 0 || e.At.Location() != time.UTC || !e.At.Equal(at) {
				t.Errorf("appended event = %+v", e)
			}
			if _, err := tx.AppendCaseEvent(w.ctx, c.ID, at, "x", "note", nil); err != nil {
				return err
			}
			for _, q := range []struct {
				caseID       int64
				kind, marker string
				want         bool
			}{
				{c.ID, "sla_warning", "d-42", true},
				{c.ID, "sla_warning", "d-43", false},
				{c.ID, "sla_breach", "d-42", false},
				{other.ID, "sla_warning", "d-42", false},
				{c.ID, "note", "{}", true},
			} {
				got, err := tx.HasCaseEvent(w.ctx, q.caseID, q.kind, q.marker)
				if err != nil {
					return err
				}
				if got != q.want {
					t.Errorf("HasCaseEvent(case %d, %q, %q) = %v, want %v", q.caseID, q.kind, q.marker, got, q.want)
				}
			}
			events, err := tx.CaseEvents(w.ctx, c.ID)
			if err != nil {
				return err
			}
			if len(events) != 2 || string(events[1].Body) != "{}" {
				t.Errorf("events = %+v; want two, the second with body {}", events)
			}
			return nil
		})

		for range 2 { // adding twice records once
			w.tx(func(tx *store.Tx) error {
				if err := tx.AddCasePerson(w.ctx, c.ID, helper.ID, "involved"); err != nil {
					return err
				}
				return tx.AddCasePerson(w.ctx, c.ID, owner.ID, "watcher")
			})
		}
		err := db.InTx(w.ctx, func(tx *store.Tx) error { return tx.AddCasePerson(w.ctx, c.ID, 999999, "watcher") })
		wantFieldError(t, err, fresco.EINVALID, "employee_id")
		before := w.count("case_people")
		if err := db.InTx(w.ctx, func(tx *store.Tx) error { return tx.AddCasePerson(w.ctx, c.ID, helper.ID, "boss") }); err == nil {
			t.Error("a role outside involved/watcher was stored")
		}
		if after := w.count("case_people"); after != before || before != 2 {
			t.Errorf("case_people rows: %d before a refused add, %d after; want 2 and 2", before, after)
		}
		involved, watchers, err := db.CasePeople(w.ctx, c.ID)
		if err != nil || !slices.Equal(involved, []int64{helper.ID}) || !slices.Equal(watchers, []int64{owner.ID}) {
			t.Errorf("people: involved %v, watchers %v, %v", involved, watchers, err)
		}
		if involved, watchers, err := db.CasePeople(w.ctx, other.ID); err != nil || involved != nil || watchers != nil {
			t.Errorf("people of a case without any: %v %v %v", involved, watchers, err)
		}
	})
}

// TestCaseTasks covers the to-do list of cases: defaults, round trip,
// completion, the filters and the due order, and a refused task rolling its
// transaction back.
func TestCaseTasks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann := w.customer("Ann")
		ada, ben := w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleAgent, nil)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		c1, c2 := w.openCase(ann.ID, ada.ID, at), w.openCase(ann.ID, ben.ID, at)
		paris := time.FixedZone("Paris", 3600)
		tasks := []*fresco.CaseTask{
			{CaseID: c1.ID, Kind: "callback", DueAt: at.Add(3 * time.Hour).In(paris), AssigneeID: &ada.ID, Note: "call back"},
			{CaseID: c1.ID, Kind: "follow_through", DueAt: at.Add(time.Hour), AssigneeID: &ben.ID},
			{CaseID: c2.ID, Kind: "resurvey", DueAt: at.Add(2 * time.Hour)},
			{CaseID: c2.ID, Kind: "callback", DueAt: at.Add(time.Hour), AssigneeID: &ada.ID, Status: "cancelled"},
		}
		w.tx(func(tx *store.Tx) error {
			for _, task := range tasks {
				if err := tx.InsertTask(w.ctx, task); err != nil {
					return err
				}
			}
			got, err := tx.Task(w.ctx, tasks[0].ID)
			if err != nil {
				return err
			}
			if got.Status != "open" || got.Note != "call back" || !got.DueAt.Equal(at.Add(3*time.Hour)) ||
				got.DueAt.Location() != time.UTC || got.DoneAt != nil || string(got.Result) != "{}" {
				t.Errorf("task read in its transaction = %+v", got)
			}
			return nil
		})
		wantCode(t, fresco.ENOTFOUND, errOf(db.Task(w.ctx, 987654)))

		taskID := func(x *fresco.CaseTask) int64 { return x.ID }
		for _, c := range []struct {
			name string
			f    store.TaskFilter
			want []int64
		}{
			// Ties on the due time fall back to id order.
			{"all by due time", store.TaskFilter{}, []int64{tasks[1].ID, tasks[3].ID, tasks[2].ID, tasks[0].ID}},
			{"case", store.TaskFilter{CaseID: &c1.ID}, []int64{tasks[1].ID, tasks[0].ID}},
			{"assignee", store.TaskFilter{AssigneeID: &ada.ID}, []int64{tasks[3].ID, tasks[0].ID}},
			{"kind", store.TaskFilter{Kind: "callback"}, []int64{tasks[3].ID, tasks[0].ID}},
			{"status", store.TaskFilter{Status: "open"}, []int64{tasks[1].ID, tasks[2].ID, tasks[0].ID}},
			{"limit", store.TaskFilter{Limit: 2}, []int64{tasks[1].ID, tasks[3].ID}},
			{"combined", store.TaskFilter{AssigneeID: &ada.ID, Status: "open"}, []int64{tasks[0].ID}},
		} {
			got, err := db.ListTasks(w.ctx, c.f)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !slices.Equal(ids(got, taskID), c.want) {
				t.Errorf("%s: %v, want %v", c.name, ids(got, taskID), c.want)
			}
		}

		done := at.Add(4 * time.Hour)
		w.tx(func(tx *store.Tx) error {
			task, err := tx.Task(w.ctx, tasks[0].ID)
			if err != nil {
				return err
			}
			task.Status, task.Outcome, task.DoneAt, task.DoneBy = "done", "reached", &done, "employee:7"
			task.Result = json.RawMessage(`{"nps":9}`)
			task.AssigneeID = nil
			if err := tx.UpdateTask(w.ctx, task); err != nil {
				return err
			}
			open, err := tx.ListTasks(w.ctx, store.TaskFilter{Status: "open", CaseID: &c1.ID})
			if err != nil {
				return err
			}
			if !slices.Equal(ids(open, taskID), []int64{tasks[1].ID}) {
				t.Errorf("open tasks of case 1 after one is done: %v", ids(open, taskID))
			}
			return nil
		})
		got, err := db.Task(w.ctx, tasks[0].ID)
		if err != nil || got.Status != "done" || got.Outcome != "reached" || got.DoneAt == nil || !got.DoneAt.Equal(done) ||
			got.DoneBy != "employee:7" || got.AssigneeID != nil || string(got.Result) != `{"nps":9}` {
			t.Errorf("completed task = %+v, %v", got, err)
		}

		// A task of an unknown kind fails its transaction: the good task
		// written before it in the same transaction is rolled back too.
		before := w.count("case_tasks")
		err = db.InTx(w.ctx, func(tx *store.Tx) error {
			if err := tx.InsertTask(w.ctx, &fresco.CaseTask{CaseID: c1.ID, Kind: "callback", DueAt: at}); err != nil {
				return err
			}
			return tx.InsertTask(w.ctx, &fresco.CaseTask{CaseID: c1.ID, Kind: "teleport", DueAt: at})
		})
		if err == nil {
			t.Fatal("a task of kind teleport was stored")
		}
		if after := w.count("case_tasks"); after != before {
			t.Errorf("case_tasks: %d rows before a failed transaction, %d after", before, after)
		}
	})
}

// TestCaseNotifications checks the notifier's outbox for cases: by case, by
// employee, both, newest first, limited.
func TestCaseNotifications(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		ann := w.customer("Ann")
		ada, ben := w.employee(fresco.RoleAgent, nil), w.employee(fresco.RoleAgent, nil)
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		c1, c2 := w.openCase(ann.ID, ada.ID, at), w.openCase(ann.ID, ben.ID, at)
		notes := []*fresco.CaseNotification{
			{CaseID: c1.ID, EmployeeID: &ada.ID, Kind: "assigned", Message: "yours"},
			{CaseID: c1.ID, Kind: "breach", Message: "late"},
			{CaseID: c2.ID, EmployeeID: &ada.ID, Kind: "mention", Message: "look"},
			{CaseID: c2.ID, EmployeeID: &ben.ID, Kind: "assigned", Message: "yours"},
		}
		w.tx(func(tx *store.Tx) error {
			for _, n := range notes {
				if err := tx.InsertCaseNotification(w.ctx, n); err != nil {
					return err
				}
			}
			return nil
		})
		noteID := func(n fresco.CaseNotification) int64 { return n.ID }
		for _, c := range []struct {
			name             string
			caseID, employee int64
			limit            int
			want             []int64
		}{
			{"case", c1.ID, 0, 0, []int64{notes[1].ID, notes[0].ID}},
			{"employee", 0, ada.ID, 0, []int64{notes[2].ID, notes[0].ID}},
			{"case and employee", c2.ID, ada.ID, 0, []int64{notes[2].ID}},
			{"everything, limited", 0, 0, 3, []int64{notes[3].ID, notes[2].ID, notes[1].ID}},
			{"nobody's", 0, 987654, 0, nil},
		} {
			got, err := db.ListCaseNotifications(w.ctx, c.caseID, c.employee, c.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(got, noteID), c.want) {
				t.Errorf("%s: %v, want %v", c.name, ids(got, noteID), c.want)
			}
		}
		got, _ := db.ListCaseNotifications(w.ctx, c1.ID, 0, 0)
		if got[0].EmployeeID != nil || got[0].DeliveredAt != nil || got[0].Message != "late" || got[1].EmployeeID == nil || *got[1].EmployeeID != ada.ID {
			t.Errorf("round trip: %+v", got)
		}
		before := w.count("case_notifications")
		err := db.InTx(w.ctx, func(tx *store.Tx) error {
			return tx.InsertCaseNotification(w.ctx, &fresco.CaseNotification{CaseID: 987654, Kind: "x", Message: "y"})
		})
		if err == nil || w.count("case_notifications") != before {
			t.Errorf("notification of a missing case: %v, rows %d → %d", err, before, w.count("case_notifications"))
		}
	})
}

// TestCaseVersion: a case's version is the id of the last event of its own
// timeline — another case's events do not move it — and CaseEventsSince
// reads the events after a version, up to a bound.
func TestCaseVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		owner := w.employee(fresco.RoleAgent, nil).ID
		at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		c, other := w.openCase(w.customer("Ann").ID, owner, at), w.openCase(w.customer("Bo").ID, owner, at)
		var events []*fresco.CaseEvent
		w.tx(func(tx *store.Tx) error {
			for i, kind := range []string{"opened", "note", "resolved"} {
				e, err := tx.AppendCaseEvent(w.ctx, c.ID, at, "system", kind, nil)
				if err != nil {
					return err
				}
				events = append(events, e)
				if i == 1 { // another case's event in between
					if _, err := tx.AppendCaseEvent(w.ctx, other.ID, at, "system", "opened", nil); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if v, err := db.CaseVersion(w.ctx, c.ID); err != nil || v != events[2].ID {
			t.Fatalf("version = %d, %v; want the last event's id %d", v, err, events[2].ID)
		}
		if v, err := db.CaseVersion(w.ctx, 1<<40); err != nil || v != 0 {
			t.Errorf("a case without events: version %d, %v", v, err)
		}
		for _, tc := range []struct {
			after, upTo int64
			want        []string
		}{
			{events[0].ID, 0, []string{"note", "resolved"}},
			{events[0].ID, events[1].ID, []string{"note"}},
			{events[2].ID, 0, nil},
			{0, 0, []string{"opened", "note", "resolved"}},
		} {
			got, err := db.CaseEventsSince(w.ctx, c.ID, tc.after, tc.upTo)
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, e := range got {
				kinds = append(kinds, e.Kind)
			}
			if !slices.Equal(kinds, tc.want) {
				t.Errorf("events after %d up to %d = %v, want %v", tc.after, tc.upTo, kinds, tc.want)
			}
		}
	})
}
