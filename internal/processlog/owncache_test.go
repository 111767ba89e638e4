package processlog_test

import (
	"context"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// ownQueries are the views of Fresco's own log the tests compare: all of
// it, periods (the own log is first chosen by when work started) and an
// attribute.
func ownQueries(t0 time.Time) []processlog.Query {
	return []processlog.Query{
		{Own: true},
		{Own: true, From: t0.Add(-time.Hour), To: t0.AddDate(0, 0, 1)},
		{Own: true, To: t0.Add(-time.Hour)},
		{Own: true, From: t0.AddDate(0, 0, 1)},
		{Own: true, Where: []string{"location:Harbour Hotel"}},
		{Own: true, Where: []string{"type:case"}, BusinessHours: "09:00-17:00", TZ: "UTC"},
	}
}

// sameAsUncached fails unless every view of the own log from svc is what
// reading it afresh gives, cases and attributes included.
func sameAsUncached(t *testing.T, svc, uncached *processlog.Service, t0 time.Time) {
	t.Helper()
	for _, q := range ownQueries(t0) {
		got, want := mine(t, svc, q), mine(t, uncached, q)
		if !reflect.DeepEqual(got.Log.Cases, want.Log.Cases) {
			t.Errorf("%+v: cached cases\n%+v\nwant\n%+v", q, got.Log.Cases, want.Log.Cases)
		}
		if g, w := draw(got), draw(want); !reflect.DeepEqual(g, w) {
			t.Errorf("%+v: cached view\n%+v\nwant\n%+v", q, g, w)
		}
	}
}

// asBo is the recovery service on a clock five hours into w's day, and
// Bo, its manager.
func asBo(t *testing.T, db *store.DB, w world) (*recovery.Service, recovery.Actor) {
	rec, err := recovery.New(recovery.Options{DB: db, Now: func() time.Time { return w.t0.Add(5 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	return rec, recovery.Actor{Ref: fmt.Sprintf("employee:%d", w.bo.ID), Name: w.bo.Name, Role: w.bo.Role, EmployeeID: &w.bo.ID}
}

// TestOwnLogCachedEqualsUncached: every view of Fresco's own log is, from
// memory, what reading it afresh gives; the log is kept while nothing
// changes, and read again after each kind of write it is made of — a case
// event, a case's attribute, a follow-up, a call task, an employee's or a
// location's name.
func TestOwnLogCachedEqualsUncached(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedWorld(t, db)
		svc := processlog.New(db, processlog.Options{})
		uncached := processlog.New(db, processlog.Options{CacheEvents: -1})
		sameAsUncached(t, svc, uncached, w.t0)
		whole := mine(t, svc, processlog.Query{Own: true})
		if !whole.Kept || mine(t, svc, ownQueries(w.t0)[1]).Kept || mine(t, uncached, processlog.Query{Own: true}).Kept {
			t.Error("Kept: want it for the whole kept log only")
		}
		kept := whole.Log
		if again := mine(t, svc, processlog.Query{Own: true}).Log; again != kept {
			t.Fatal("an unchanged own log was read again")
		}
		rec, bo := asBo(t, db, w)
		sql := func(q string, args ...any) func() error {
			return func() error { _, err := db.Exec(ctx, q, args...); return err }
		}
		for _, write := range []struct {
			what string
			do   func() error
		}{
			{"a case event", func() error { _, err := rec.Reopen(ctx, bo, w.caseID, "Still cold"); return err }},
			{"a case's category", sql(`UPDATE recovery_cases SET category = 'noise' WHERE id = ?`, w.caseID)},
			{"a follow-up", sql(`UPDATE follow_ups SET contact_channel = 'email' WHERE id = ?`, w.followUp)},
			{"a call task", sql(`UPDATE call_tasks SET status = 'done' WHERE id = ?`, w.callTask)},
			{"an employee's name", sql(`UPDATE employees SET name = 'Bo Díaz' WHERE id = ?`, w.bo.ID)},
			{"a location's name", sql(`UPDATE locations SET name = 'Harbour Inn' WHERE id = ?`, w.location.ID)},
		} {
			if err := write.do(); err != nil {
				t.Fatalf("%s: %v", write.what, err)
			}
			now := mine(t, svc, processlog.Query{Own: true}).Log
			if now == kept {
				t.Errorf("after %s: the kept own log was used", write.what)
			}
			kept = now
			sameAsUncached(t, svc, uncached, w.t0)
		}
	})
}

// TestOwnLogConcurrentViews: views at the same time as case events are
// written each get a whole log, share one read while nothing changes (run
// with -race), and the last view after the writes is the database's.
func TestOwnLogConcurrentViews(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedWorld(t, db)
		svc := processlog.New(db, processlog.Options{})
		uncached := processlog.New(db, processlog.Options{CacheEvents: -1})
		rec, bo := asBo(t, db, w)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for range 5 {
					m, err := svc.Mine(ctx, analyst, processlog.Query{Own: true})
					if err != nil {
						t.Error(err)
						return
					}
					if st := m.Log.Stats(); st.Cases < 4 {
						t.Errorf("a view of %d cases", st.Cases)
					}
					draw(m)
				}
			})
		}
		wg.Go(func() {
			for i := range 3 {
				if _, err := rec.Reopen(ctx, bo, w.caseID, "again"); err != nil {
					t.Error(err)
				}
				if _, err := rec.Note(ctx, bo, w.caseID, fmt.Sprint("note ", i)); err != nil {
					t.Error(err)
				}
				if _, err := rec.Resolve(ctx, bo, w.caseID, "done"); err != nil {
					t.Error(err)
				}
			}
		})
		wg.Wait()
		sameAsUncached(t, svc, uncached, w.t0)
	})
}
