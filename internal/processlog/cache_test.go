package processlog_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/eventlog"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/mining"
	"github.com/fresco-cx/fresco/internal/processlog"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// view is what the Process page and the mining API draw from a mined log.
type view struct {
	Stats      mining.Stats
	DFG        mining.DFG
	Variants   []mining.Variant
	Activities []mining.Activity
	Throughput mining.Throughput
	Handovers  []mining.Handover
	Rework     []mining.Rework
}

func draw(m *processlog.Mined) view {
	l := m.Log
	return view{Stats: l.Stats(), DFG: l.DFG(m.DFG), Variants: l.Variants(20), Activities: l.Activities(),
		Throughput: l.Throughput(), Handovers: l.Handovers(mining.ByRole), Rework: l.Rework()}
}

func mine(t testing.TB, svc *processlog.Service, q processlog.Query) *processlog.Mined {
	t.Helper()
	m, err := svc.Mine(context.Background(), analyst, q)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCachedMiningEqualsUncached: every filter and view of a stored log
// mined from memory is what reading the log afresh gives, and the second
// view is from memory.
func TestCachedMiningEqualsUncached(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		cached := processlog.New(db, processlog.Options{})
		uncached := processlog.New(db, processlog.Options{CacheEvents: -1})
		for _, lg := range []struct {
			name string
			log  func() []eventlog.Trace
		}{{"generated", func() []eventlog.Trace { return generated(300) }}, {"lifecycle", builtLog}} {
			l, err := cached.Save(ctx, owner, lg.name, "", "xes", lg.log())
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Date(2025, 1, 1, 8, 0, 0, 0, time.UTC)
			queries := []processlog.Query{
				{ID: l.ID},
				{ID: l.ID, From: t0.Add(10 * time.Hour), To: t0.Add(30 * time.Hour)},
				{ID: l.ID, Where: []string{"region:r2"}},
				{ID: l.ID, Where: []string{"region:north", "channel:web"}},
				{ID: l.ID, BusinessHours: "09:00-17:00", TZ: "Europe/London"},
			}
			for i, q := range queries {
				for round := range 2 {
					got, want := draw(mine(t, cached, q)), draw(mine(t, uncached, q))
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s query %d round %d: cached\n%+v\nuncached\n%+v", lg.name, i, round, got, want)
					}
				}
			}
			if !cached.Cached(l.ID) || uncached.Cached(l.ID) {
				t.Errorf("%s: cached holds it %v, uncached %v; want true, false", lg.name, cached.Cached(l.ID), uncached.Cached(l.ID))
			}
			if a, b := mine(t, cached, queries[0]).Log, mine(t, cached, queries[0]).Log; a != b {
				t.Errorf("%s: the second view read the log again", lg.name)
			}
		}
	})
}

// TestDeleteEvictsCachedLog: a deleted log leaves memory, and a log
// deleted by another replica — even one whose id the database gives to
// the next log — is never mined from memory.
func TestDeleteEvictsCachedLog(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, b := processlog.New(db, processlog.Options{}), processlog.New(db, processlog.Options{})
		x, err := a.Save(ctx, owner, "x", "", "xes", generated(20))
		if err != nil {
			t.Fatal(err)
		}
		mine(t, a, processlog.Query{ID: x.ID})
		if !a.Cached(x.ID) {
			t.Fatal("not cached after a view")
		}
		if err := a.Delete(ctx, owner, x.ID); err != nil {
			t.Fatal(err)
		}
		if a.Cached(x.ID) {
			t.Error("still cached after Delete")
		}
		if _, err := a.Mine(ctx, analyst, processlog.Query{ID: x.ID}); fresco.ErrorCode(err) != fresco.ENOTFOUND {
			t.Errorf("mining a deleted log: %v; want not found", err)
		}

		// Another replica deletes the log this one holds, then stores a
		// different log under the same name (SQLite may give it the same id).
		y, err := a.Save(ctx, owner, "y", "", "xes", generated(20))
		if err != nil {
			t.Fatal(err)
		}
		mine(t, a, processlog.Query{ID: y.ID})
		if err := b.Delete(ctx, owner, y.ID); err != nil {
			t.Fatal(err)
		}
		z, err := b.Save(ctx, owner, "y", "", "xes", generated(7))
		if err != nil {
			t.Fatal(err)
		}
		if z.ID != y.ID {
			if _, err := a.Mine(ctx, analyst, processlog.Query{ID: y.ID}); fresco.ErrorCode(err) != fresco.ENOTFOUND {
				t.Errorf("mining a log another replica deleted: %v; want not found", err)
			}
		}
		if got := mine(t, a, processlog.Query{ID: z.ID}).Log.Stats().Cases; got != 7 {
			t.Errorf("the log stored after a deletion (id %d, the deleted one's %d) mines %d cases; want 7", z.ID, y.ID, got)
		}
	})
}

// TestOwnLogNeverStale: Fresco's own log shows a case opened after the
// last view.
func TestOwnLogNeverStale(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := seedWorld(t, db)
		svc := processlog.New(db, processlog.Options{})
		before := mine(t, svc, processlog.Query{Own: true}).Log.Stats()
		mine(t, svc, processlog.Query{Own: true})
		cust := &fresco.Customer{Name: "Di Customer"}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		rec, err := recovery.New(recovery.Options{DB: db, Now: func() time.Time { return w.t0.Add(time.Hour) }})
		if err != nil {
			t.Fatal(err)
		}
		ann := recovery.Actor{Ref: fmt.Sprintf("employee:%d", w.ann.ID), Name: w.ann.Name, Role: w.ann.Role, EmployeeID: &w.ann.ID}
		if _, err := rec.Open(ctx, ann, recovery.OpenInput{CustomerID: cust.ID, OwnerID: &w.ann.ID, Summary: "Noise", Source: "complaint",
			OpenedAt: w.t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		after := mine(t, svc, processlog.Query{Own: true}).Log.Stats()
		if after.Cases != before.Cases+1 || after.Events != before.Events+1 {
			t.Errorf("after a new case: %d cases, %d events; before %d, %d", after.Cases, after.Events, before.Cases, before.Events)
		}
	})
}

// TestCacheBoundedByEvents: the least recently viewed log leaves memory
// when another would take the total over the budget, and a log bigger than
// the whole budget is mined without being kept.
func TestCacheBoundedByEvents(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.Engines()[0].URL(t))
	ctx := context.Background()
	svc := processlog.New(db, processlog.Options{CacheEvents: 250})
	var ids []int64
	for i, cases := range []int{10, 10, 10, 30} { // 100, 100, 100 and 300 events
		l, err := svc.Save(ctx, owner, fmt.Sprint("log ", i), "", "xes", generated(cases))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, l.ID)
	}
	held := func() []bool {
		out := make([]bool, len(ids))
		for i, id := range ids {
			out[i] = svc.Cached(id)
		}
		return out
	}
	for _, step := range []struct {
		view int
		want []bool
	}{
		{0, []bool{true, false, false, false}},
		{1, []bool{true, true, false, false}},
		{0, []bool{true, true, false, false}}, // 0 is now the most recent
		{2, []bool{true, false, true, false}}, // 1 leaves
		{3, []bool{true, false, true, false}}, // too big to keep
	} {
		if got := mine(t, svc, processlog.Query{ID: ids[step.view]}).Log.Stats().Events; got == 0 {
			t.Fatalf("log %d mined empty", step.view)
		}
		if got := held(); !reflect.DeepEqual(got, step.want) {
			t.Errorf("after viewing log %d: held %v; want %v", step.view, got, step.want)
		}
	}
}

// TestConcurrentViewsShareOneLoad: views asked for at once wait for one
// read of the log; a view whose request is cancelled leaves nothing behind
// for the next.
func TestConcurrentViewsShareOneLoad(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, storetest.Engines()[0].URL(t))
	ctx := context.Background()
	svc := processlog.New(db, processlog.Options{})
	l, err := svc.Save(ctx, owner, "shared", "", "xes", generated(200))
	if err != nil {
		t.Fatal(err)
	}
	gone, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := svc.Mine(gone, analyst, processlog.Query{ID: l.ID}); err == nil {
		t.Fatal("a cancelled request mined")
	}
	logs := make(chan *mining.Log, 8)
	for range cap(logs) {
		go func() {
			m, err := svc.Mine(ctx, analyst, processlog.Query{ID: l.ID})
			if err != nil {
				t.Error(err)
				logs <- nil
				return
			}
			logs <- m.Log
		}()
	}
	first := <-logs
	for range cap(logs) - 1 {
		if got := <-logs; got != first {
			t.Fatal("concurrent views read the log more than once")
		}
	}
	if got := first.Stats().Events; got != 2000 {
		t.Errorf("%d events; want 2000", got)
	}
}
