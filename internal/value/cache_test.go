package value_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// The view cache (cache.go): a view is computed once per refit and
// parameters, whichever replica wrote the refit.

// cacheRefitAt is the computed_at of every refit these tests write: the
// same for all of them, so that only the refit's own identity can tell
// them apart.
var cacheRefitAt = time.Date(2026, 1, 1, 3, 15, 0, 0, time.UTC)

// cacheFits are the fits of the refits these tests write, with a nested
// detail for the copy test.
func cacheFits() []*fresco.CLVFit {
	return []*fresco.CLVFit{{Model: "bgnbd", Params: `{"r":0.24,"alpha":4.4}`, LogLikelihood: -10, Customers: 1, Converged: true,
		Detail: `{"iterations":31,"std_errors":{"r":0.01},"warnings":["none"]}`, ComputedAt: cacheRefitAt}}
}

// writeRefit replaces customer_value with customers 1..n (created by
// insertBareCustomers) drawn from seed, and returns the rows.
func writeRefit(t *testing.T, db *store.DB, n int, seed uint64) []*fresco.CustomerValue {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 3))
	rows := make([]*fresco.CustomerValue, n)
	for i := range rows {
		rows[i] = randomCustomerValue(rng, int64(i+1), cacheRefitAt)
	}
	if err := db.ReplaceCustomerValues(context.Background(), rows, cacheFits()); err != nil {
		t.Fatal(err)
	}
	return rows
}

// pageViews are the views of the /value page.
type pageViews struct {
	Summary  *value.Summary
	Pareto   *value.Pareto
	Segments *value.SegmentTable
}

func getPageViews(t *testing.T, svc *value.Service) pageViews {
	t.Helper()
	ctx := context.Background()
	var v pageViews
	var err error
	if v.Summary, err = svc.Summary(ctx, 20); err != nil {
		t.Fatal(err)
	}
	if v.Pareto, err = svc.Pareto(ctx, "profit", 20, 20); err != nil {
		t.Fatal(err)
	}
	if v.Segments, err = svc.Segments(ctx); err != nil {
		t.Fatal(err)
	}
	return v
}

// checkComputed fails unless svc has computed want views so far.
func checkComputed(t *testing.T, svc *value.Service, when string, want int64) {
	t.Helper()
	if got := svc.ViewsComputed(); got != want {
		t.Fatalf("%s: %d views computed, want %d", when, got, want)
	}
}

// waitFor polls cond until it holds, failing after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func TestViewCacheServesRepeatsFromMemory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insertBareCustomers(t, db, 500, cacheRefitAt)
		rows := writeRefit(t, db, 500, 1)
		svc := value.New(db, value.Options{})
		first := getPageViews(t, svc)
		checkComputed(t, svc, "first request", 3)
		same(t, "first summary", first.Summary.Totals, refSummary(rows, 20).Totals)

		second := getPageViews(t, svc)
		checkComputed(t, svc, "second request", 3)
		same(t, "second request", second, first)

		// The defaults are filled in before the lookup: the same entries.
		if _, err := svc.Summary(ctx, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Pareto(ctx, "", 0, 0); err != nil {
			t.Fatal(err)
		}
		checkComputed(t, svc, "default parameters", 3)

		// Invalid parameters are refused before the cache: no entry.
		if _, err := svc.Summary(ctx, 201); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("bins 201: %v, want EINVALID", err)
		}
		if n := svc.CachedViews(); n != 3 {
			t.Errorf("%d cached views, want 3", n)
		}
	})
}

// TestViewCacheSeesNewRefit writes refits with the same computed_at and
// the same customers: only the refit's identity changes, and the views
// must follow it.
func TestViewCacheSeesNewRefit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertBareCustomers(t, db, 500, cacheRefitAt)
		writeRefit(t, db, 500, 1)
		svc := value.New(db, value.Options{})
		before := getPageViews(t, svc)

		rows := writeRefit(t, db, 500, 2)
		after := getPageViews(t, svc)
		checkComputed(t, svc, "after the refit", 6)
		same(t, "summary totals", after.Summary.Totals, refSummary(rows, 20).Totals)
		same(t, "summary distribution", after.Summary.Distribution, refSummary(rows, 20).Distribution)
		same(t, "pareto", after.Pareto, refPareto(rows, "profit", 20, 20))
		same(t, "segments", after.Segments, refSegments(rows))
		if after.Summary.Totals == before.Summary.Totals {
			t.Fatal("the two refits have the same totals: the test proves nothing")
		}
		getPageViews(t, svc)
		checkComputed(t, svc, "again after the refit", 6)
	})
}

// TestViewCacheSeesRefitOnAnotherReplica runs two services, each on its
// own connection pool to the same database, as two replicas would: a
// refit by one shows on the other's next request.
func TestViewCacheSeesRefitOnAnotherReplica(t *testing.T) {
	t.Parallel()
	for _, eng := range storetest.Engines() {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			url := eng.URL(t)
			dbA, dbB := storetest.Open(t, url), storetest.Open(t, url)
			x := newTiny(t, dbA)
			clock := value.Options{Now: func() time.Time { return now }} // both refits at the same instant
			replicaA, replicaB := value.New(dbA, clock), value.New(dbB, clock)
			if _, err := replicaB.Refit(ctx); err != nil {
				t.Fatal(err)
			}
			first := getPageViews(t, replicaA)
			getPageViews(t, replicaA)
			checkComputed(t, replicaA, "replica A, before the second refit", 3)

			// Dan buys another spa (50.00); replica B refits.
			dan := x.dan
			if err := dbB.CreatePurchase(ctx, &fresco.Purchase{CustomerID: &dan, PurchasedAt: day(2025, 6, 20, 10), Channel: "store",
				Lines: []fresco.PurchaseLine{{ProductID: x.spa, Quantity: 1, UnitPrice: 5000}}}); err != nil {
				t.Fatal(err)
			}
			if _, err := replicaB.Refit(ctx); err != nil {
				t.Fatal(err)
			}
			second := getPageViews(t, replicaA)
			checkComputed(t, replicaA, "replica A, after replica B's refit", 6)
			if !second.Summary.ComputedAt.Equal(*first.Summary.ComputedAt) {
				t.Fatalf("computed_at %v then %v: the refits were meant to share it", first.Summary.ComputedAt, second.Summary.ComputedAt)
			}
			near(t, "historical value after the refit", second.Summary.Totals.HistoricalValue, first.Summary.Totals.HistoricalValue+50)
			same(t, "replica A's summary, against B's", second.Summary, mustSummary(t, replicaB))
		})
	}
}

func mustSummary(t *testing.T, svc *value.Service) *value.Summary {
	t.Helper()
	s, err := svc.Summary(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestViewCacheKeysByParameters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insertBareCustomers(t, db, 300, cacheRefitAt)
		writeRefit(t, db, 300, 1)
		svc := value.New(db, value.Options{})
		requests := []struct {
			name string
			get  func() (any, error)
		}{
			{"summary 7 bins", func() (any, error) { return svc.Summary(ctx, 7) }},
			{"summary 20 bins", func() (any, error) { return svc.Summary(ctx, 20) }},
			{"pareto of profit", func() (any, error) { return svc.Pareto(ctx, "profit", 20, 20) }},
			{"pareto of revenue", func() (any, error) { return svc.Pareto(ctx, "revenue", 20, 20) }},
			{"pareto of 10 points", func() (any, error) { return svc.Pareto(ctx, "profit", 10, 20) }},
			{"pareto of the top 33.3%", func() (any, error) { return svc.Pareto(ctx, "profit", 20, 33.3) }},
			{"segments", func() (any, error) { return svc.Segments(ctx) }},
		}
		firsts := make([]string, len(requests))
		for round := range 2 {
			for i, r := range requests {
				got, err := r.get()
				if err != nil {
					t.Fatal(err)
				}
				raw, _ := json.Marshal(got)
				if round == 0 {
					firsts[i] = string(raw)
					for j := range i {
						if firsts[j] == firsts[i] {
							t.Errorf("%s answered as %s", r.name, requests[j].name)
						}
					}
				} else if string(raw) != firsts[i] {
					t.Errorf("%s from the cache:\n got  %s\n want %s", r.name, raw, firsts[i])
				}
			}
			checkComputed(t, svc, "round "+string(rune('1'+round)), int64(len(requests)))
		}
		if n := svc.CachedViews(); n != len(requests) {
			t.Errorf("%d cached views, want %d", n, len(requests))
		}
	})
}

// TestViewCacheBound fills the cache past its bound: it keeps
// MaxCachedViews entries and drops the least recently used.
func TestViewCacheBound(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertBareCustomers(t, db, 50, cacheRefitAt)
		writeRefit(t, db, 50, 1)
		svc := value.New(db, value.Options{})
		pareto := func(points int) {
			t.Helper()
			if _, err := svc.Pareto(context.Background(), "clv", points, 20); err != nil {
				t.Fatal(err)
			}
		}
		const full = value.MaxCachedViews
		for points := 1; points <= full; points++ {
			pareto(points)
		}
		pareto(1) // now the most recently used; 2 is the least
		checkComputed(t, svc, "a full cache", full)
		pareto(full + 1)
		if n := svc.CachedViews(); n != full {
			t.Fatalf("%d cached views, want the bound %d", n, full)
		}
		pareto(1)
		checkComputed(t, svc, "the recently used entry", full+1)
		pareto(2)
		checkComputed(t, svc, "the dropped entry", full+2)
		if n := svc.CachedViews(); n != full {
			t.Fatalf("%d cached views, want the bound %d", n, full)
		}
	})
}

// TestViewCacheComputesOnceForConcurrentRequests holds the first
// computation until every other request is waiting for it.
func TestViewCacheComputesOnceForConcurrentRequests(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertBareCustomers(t, db, 300, cacheRefitAt)
		rows := writeRefit(t, db, 300, 1)
		svc := value.New(db, value.Options{})
		release := make(chan struct{})
		svc.BeforeComputingViews(func() { <-release })
		const requests = 8
		results := make([]*value.Summary, requests)
		errs := make([]error, requests)
		var wg sync.WaitGroup
		for i := range requests {
			wg.Go(func() { results[i], errs[i] = svc.Summary(context.Background(), 20) })
		}
		waitFor(t, "the other requests to wait", func() bool { return svc.ViewsJoined() == requests-1 })
		close(release)
		wg.Wait()
		checkComputed(t, svc, "concurrent requests", 1)
		for i := range requests {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			same(t, "a concurrent request's totals", results[i].Totals, refSummary(rows, 20).Totals)
			if i > 0 && results[i] == results[0] {
				t.Error("two requests were given the same *Summary")
			}
		}
	})
}

// TestViewCacheOutlivesAGivingUpRequest cancels the request computing a
// view while another waits for it: the waiting one computes the view
// itself, and the error is not cached.
func TestViewCacheOutlivesAGivingUpRequest(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insertBareCustomers(t, db, 300, cacheRefitAt)
		rows := writeRefit(t, db, 300, 1)
		svc := value.New(db, value.Options{})
		release := make(chan struct{})
		var computations atomic.Int32
		svc.BeforeComputingViews(func() {
			if computations.Add(1) == 1 {
				<-release
			}
		})
		leaderCtx, cancelLeader := context.WithCancel(ctx)
		leader := make(chan error, 1)
		go func() {
			_, err := svc.Summary(leaderCtx, 20)
			leader <- err
		}()
		waitFor(t, "the first request to compute", func() bool { return svc.ViewsComputed() == 1 })
		var follower *value.Summary
		var followerErr error
		followed := make(chan struct{})
		go func() {
			defer close(followed)
			follower, followerErr = svc.Summary(ctx, 20)
		}()
		waitFor(t, "the second request to wait", func() bool { return svc.ViewsJoined() == 1 })
		cancelLeader()
		close(release)
		if err := <-leader; !errors.Is(err, context.Canceled) {
			t.Fatalf("the cancelled request: %v, want context.Canceled", err)
		}
		<-followed
		if followerErr != nil {
			t.Fatalf("the waiting request: %v", followerErr)
		}
		same(t, "the waiting request's totals", follower.Totals, refSummary(rows, 20).Totals)
		checkComputed(t, svc, "after the retry", 2)
		mustSummary(t, svc)
		checkComputed(t, svc, "the next request", 2)
	})
}

// TestViewCacheHandsOutCopies edits every part of the views it was given:
// the next request must not see the edits.
func TestViewCacheHandsOutCopies(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		insertBareCustomers(t, db, 300, cacheRefitAt)
		writeRefit(t, db, 300, 1)
		svc := value.New(db, value.Options{})
		v := getPageViews(t, svc)
		want, _ := json.Marshal(v)

		*v.Summary.ComputedAt = time.Time{}
		v.Summary.Distribution[0].Count = -1
		fit := &v.Summary.Fits[0]
		fit.Params["r"] = -1
		fit.Detail["std_errors"].(map[string]any)["r"] = -1.0
		fit.Detail["warnings"].([]any)[0] = "edited"
		v.Pareto.Curve[1].ValueShare = -1
		v.Segments.Segments[0].Customers = -1
		v.Segments.Flags[0].Customers = -1

		got, _ := json.Marshal(getPageViews(t, svc))
		checkComputed(t, svc, "served from the cache", 3)
		if string(got) != string(want) {
			t.Errorf("a caller's edits reached the cache:\n got  %s\n want %s", got, want)
		}
	})
}

// TestWarmViewsWorksOutThePageViews: after WarmViews the /value page's
// views, the calculator's default, /value/segments' default and the
// acquisition cohort sums are served from memory, and a second WarmViews
// on the same refit computes nothing; after a new refit, the next
// WarmViews works them out again.
func TestWarmViewsWorksOutThePageViews(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		insertBareCustomers(t, db, 200, cacheRefitAt)
		writeRefit(t, db, 200, 1)
		svc := value.New(db, value.Options{})
		if err := svc.WarmViews(ctx); err != nil {
			t.Fatal(err)
		}
		warmed := svc.ViewsComputed()
		// The calculator by source reads the acquisition economics, whose
		// days come from the per-refit cohort sums: warmed too, and the
		// sums by first-seen day of acquisition vs retention.
		if warmed != 7 {
			t.Fatalf("WarmViews computed %d views, want 7 (summary, Pareto, segments, calculator, calculator by source, cohort sums by day, valued sums by day)", warmed)
		}
		getPageViews(t, svc)
		if _, err := svc.Calculator(ctx, value.CalcInput{}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SegmentCalculator(ctx, value.SegmentCalcInput{By: store.CalcBySource}); err != nil {
			t.Fatal(err)
		}
		checkComputed(t, svc, "the page after WarmViews", warmed)
		if err := svc.WarmViews(ctx); err != nil {
			t.Fatal(err)
		}
		checkComputed(t, svc, "WarmViews again", warmed)
		writeRefit(t, db, 200, 2)
		if err := svc.WarmViews(ctx); err != nil {
			t.Fatal(err)
		}
		checkComputed(t, svc, "WarmViews after a new refit", 2*warmed)
	})
}
