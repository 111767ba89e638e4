package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCallTasks covers follow-up calls: which purchases still need one, one
// task per purchase, the round trip, the list filters and paging, and
// completing a task once.
func TestCallTasks(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		shop := w.location("Shop")
		ann := w.customer("Ann")
		bob := &fresco.Customer{Name: "Bob", ConsentSurveys: false}
		if err := db.CreateCustomer(w.ctx, bob); err != nil {
			t.Fatal(err)
		}
		team := &fresco.Team{Name: "Floor", LocationID: &shop}
		if err := db.CreateTeam(w.ctx, team); err != nil {
			t.Fatal(err)
		}
		member, loner := w.employee(fresco.RoleAgent, &shop), w.employee(fresco.RoleAgent, &shop)
		member.TeamID = &team.ID
		if err := db.UpdateEmployee(w.ctx, member); err != nil {
			t.Fatal(err)
		}

		day := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		servedBy := func(e *fresco.Employee) func(*fresco.Purchase) {
			return func(p *fresco.Purchase) { p.ServedBy, p.LocationID = &e.ID, &shop }
		}
		p1 := w.purchase(&ann.ID, day.Add(10*time.Hour), "20.00", servedBy(member))
		p2 := w.purchase(&bob.ID, day.Add(30*time.Hour), "5.00")
		w.purchase(nil, day.Add(31*time.Hour), "5.00") // anonymous: nobody to call
		w.purchase(&ann.ID, day.Add(32*time.Hour), "5.00", func(p *fresco.Purchase) {
			p.Lines = []fresco.PurchaseLine{line("SKU-1", -1, "5.00")} // a refund: no call
		})
		p5 := w.purchase(&ann.ID, day.Add(33*time.Hour), "7.00", servedBy(loner))
		p6 := w.purchase(&ann.ID, day.Add(72*time.Hour), "5.00") // after the window

		from, to := day, day.Add(48*time.Hour)
		due, err := db.PurchasesWithoutCallTask(w.ctx, from, to, 10)
		if err != nil {
			t.Fatal(err)
		}
		purchaseID := func(p store.PurchaseToCall) int64 { return p.PurchaseID }
		if got := ids(due, purchaseID); !slices.Equal(got, []int64{p1.ID, p2.ID, p5.ID}) {
			t.Fatalf("purchases needing a call = %v, want %v", got, []int64{p1.ID, p2.ID, p5.ID})
		}
		first := due[0]
		if first.CustomerID != ann.ID || first.EmployeeID == nil || *first.EmployeeID != member.ID || first.TeamID == nil ||
			*first.TeamID != team.ID || first.LocationID == nil || *first.LocationID != shop || !first.Consent ||
			!first.PurchasedAt.Equal(p1.PurchasedAt) {
			t.Errorf("first purchase to call = %+v", first)
		}
		if due[1].Consent || due[1].EmployeeID != nil || due[1].TeamID != nil || due[2].TeamID != nil {
			t.Errorf("Bob's and the loner's purchases to call = %+v, %+v", due[1], due[2])
		}
		if two, _ := db.PurchasesWithoutCallTask(w.ctx, from, to, 2); !slices.Equal(ids(two, purchaseID), []int64{p1.ID, p2.ID}) {
			t.Errorf("first two purchases to call = %v", ids(two, purchaseID))
		}

		tasks := make([]*fresco.CallTask, len(due), len(due)+1)
		w.tx(func(tx *store.Tx) error {
			for i, p := range due {
				tasks[i] = &fresco.CallTask{PurchaseID: p.PurchaseID, CustomerID: p.CustomerID, EmployeeID: p.EmployeeID,
					TeamID: p.TeamID, LocationID: p.LocationID, DueAt: p.PurchasedAt.Add(72 * time.Hour)}
				created, err := tx.CreateCallTask(w.ctx, tasks[i])
				if err != nil {
					return err
				}
				if !created || tasks[i].Status != "open" {
					t.Errorf("task for purchase %d: created %v, status %q", p.PurchaseID, created, tasks[i].Status)
				}
			}
			// A task for the team as a whole, nobody in particular.
			teamTask := &fresco.CallTask{PurchaseID: p6.ID, CustomerID: ann.ID, TeamID: &team.ID, DueAt: p6.PurchasedAt.Add(72 * time.Hour)}
			if _, err := tx.CreateCallTask(w.ctx, teamTask); err != nil {
				return err
			}
			tasks = append(tasks, teamTask)
			again := &fresco.CallTask{PurchaseID: p1.ID, CustomerID: ann.ID, DueAt: day}
			created, err := tx.CreateCallTask(w.ctx, again)
			if err != nil {
				return err
			}
			if created {
				t.Error("a second call task was created for one purchase")
			}
			return nil
		})
		if left, err := db.PurchasesWithoutCallTask(w.ctx, from, to, 10); err != nil || len(left) != 0 {
			t.Errorf("purchases still needing a call after the tasks were made: %v, %v", left, err)
		}

		got, err := db.CallTask(w.ctx, tasks[0].ID)
		if err != nil || got.CustomerName != "Ann" || !got.PurchasedAt.Equal(p1.PurchasedAt) || !got.DueAt.Equal(p1.PurchasedAt.Add(72*time.Hour)) ||
			got.TeamID == nil || *got.TeamID != team.ID || got.CompletedAt != nil || got.ResponseID != nil {
			t.Errorf("call task round trip = %+v, %v", got, err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.CallTask(w.ctx, 987654)))

		callID := func(x *fresco.CallTask) int64 { return x.ID }
		cut := p2.PurchasedAt.Add(72*time.Hour + time.Minute)
		for _, c := range []struct {
			name string
			f    store.CallTaskFilter
			want []int64
		}{
			{"all", store.CallTaskFilter{}, ids(tasks, callID)},
			{"employee", store.CallTaskFilter{EmployeeID: &loner.ID}, []int64{tasks[2].ID}},
			{"team", store.CallTaskFilter{TeamID: &team.ID}, []int64{tasks[0].ID, tasks[3].ID}},
			// Both set: the employee's own tasks, and the team's tasks that
			// nobody in particular was given — not a team-mate's.
			{"employee or team", store.CallTaskFilter{EmployeeID: &loner.ID, TeamID: &team.ID}, []int64{tasks[2].ID, tasks[3].ID}},
			{"member or team", store.CallTaskFilter{EmployeeID: &member.ID, TeamID: &team.ID}, []int64{tasks[0].ID, tasks[3].ID}},
			{"due before", store.CallTaskFilter{DueBefore: cut}, []int64{tasks[0].ID, tasks[1].ID}},
			{"status", store.CallTaskFilter{Status: "done"}, nil},
		} {
			list, next, err := db.ListCallTasks(w.ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(list, callID), c.want) || next != "" {
				t.Errorf("%s: %v (next %q), want %v", c.name, ids(list, callID), next, c.want)
			}
		}
		// One a page: every task once, in order, and then no cursor.
		var paged []int64
		f := store.CallTaskFilter{Limit: 1}
		for range 10 {
			page, next, err := db.ListCallTasks(w.ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, ids(page, callID)...)
			if next == "" {
				break
			}
			f.Cursor = next
		}
		if !slices.Equal(paged, ids(tasks, callID)) {
			t.Errorf("paged call tasks = %v, want %v", paged, ids(tasks, callID))
		}
		_, _, err = db.ListCallTasks(w.ctx, store.CallTaskFilter{Cursor: "LTE"}) // "-1"
		wantFieldError(t, err, fresco.EINVALID, "cursor")

		resp := w.response(&ann.ID, 9)
		at := day.Add(50 * time.Hour)
		complete := func(id int64, status string, response *int64) error {
			return db.InTx(w.ctx, func(tx *store.Tx) error {
				return tx.CompleteCallTask(w.ctx, id, status, "happy", response, "employee:1", at)
			})
		}
		if err := complete(tasks[0].ID, "done", &resp); err != nil {
			t.Fatal(err)
		}
		wantCode(t, fresco.ECONFLICT, complete(tasks[0].ID, "no_answer", nil))
		wantCode(t, fresco.ENOTFOUND, complete(987654, "done", nil))
		if err := complete(tasks[1].ID, "exploded", nil); err == nil {
			t.Error("a call task was completed with status exploded")
		}
		got, _ = db.CallTask(w.ctx, tasks[0].ID)
		if got.Status != "done" || got.Outcome != "happy" || got.ResponseID == nil || *got.ResponseID != resp ||
			got.CompletedAt == nil || !got.CompletedAt.Equal(at) || got.CompletedBy != "employee:1" {
			t.Errorf("completed call task = %+v", got)
		}
		if still, _ := db.CallTask(w.ctx, tasks[1].ID); still.Status != "open" || still.CompletedAt != nil {
			t.Errorf("task after a refused completion = %+v, want it open", still)
		}
		if done, _, _ := db.ListCallTasks(w.ctx, store.CallTaskFilter{Status: "done"}); !slices.Equal(ids(done, callID), []int64{tasks[0].ID}) {
			t.Errorf("done tasks = %v", ids(done, callID))
		}
	})
}
