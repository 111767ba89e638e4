package loop_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The detector reads each candidate's purchase summary; on a generated
// business it flags exactly whom, and with exactly the evidence, the
// computation over every purchase it replaced did: without P(alive), and
// with one for a random half of the candidates.
func TestLeavingFromSummaryEqualsFromPurchases(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: 500, End: end, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		opts := loop.LeavingOptions{Window: 365 * 24 * time.Hour}
		l := loop.New(db, notify.New(db, notify.Options{}), loop.Options{Now: func() time.Time { return end }, Leaving: opts, DisableDigest: true})
		got, _ := storedLeaving(t, l, 0)
		candidates, err := db.SatisfiedCandidates(ctx, end.Add(-opts.Window))
		if err != nil {
			t.Fatal(err)
		}
		answers := make([]store.PositiveAnswer, len(candidates))
		for i, c := range candidates {
			answers[i] = c.Answer
		}
		purchases := candidatePurchases(t, db)
		want := detectFromPurchases(answers, purchases, nil, end, opts)
		if len(want) < 5 || !reflect.DeepEqual(got, want) {
			t.Fatalf("from the summary %d: %+v\nfrom the purchases %d: %+v", len(got), got, len(want), want)
		}
		r := rand.New(rand.NewPCG(1, 2))
		pAlive := map[int64]float64{}
		for _, a := range answers {
			if r.IntN(2) == 0 {
				pAlive[a.CustomerID] = r.Float64()
			}
		}
		got = loop.Detect(candidates, pAlive, end, opts)
		want = detectFromPurchases(answers, purchases, pAlive, end, opts)
		if !slices.ContainsFunc(want, func(x loop.Leaving) bool { return x.Rule == "p_alive" }) || !reflect.DeepEqual(got, want) {
			t.Fatalf("with P(alive), from the summary %+v\nfrom the purchases %+v", got, want)
		}
	})
}

// The stored list is exactly the direct computation at the time of its
// refresh — every customer, in order, with all the evidence, for the whole
// business and for each location — with and without P(alive); and a
// refresh that finishes after a later one does not overwrite it.
func TestStoredLeavingEqualsComputed(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: 500, End: end, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		now := end
		opts := loop.Options{Now: func() time.Time { return now }, Leaving: loop.LeavingOptions{Window: 365 * 24 * time.Hour}, DisableDigest: true}
		l := loop.New(db, notify.New(db, notify.Options{}), opts)
		compare := func(step string, wantRule string) {
			t.Helper()
			if _, _, err := l.RefreshLeaving(ctx); err != nil {
				t.Fatal(err)
			}
			now = now.Add(time.Hour) // the direct computation at the refresh's time, not the clock's
			stored, at := storedLeaving(t, l, 0)
			want, err := l.ComputeSatisfiedLeaving(ctx, db, at, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !at.Equal(now.Add(-time.Hour)) || len(want) < 5 || !reflect.DeepEqual(stored, want) {
				t.Fatalf("%s, at %v: stored %d %+v\ncomputed %d %+v", step, at, len(stored), stored, len(want), want)
			}
			if !slices.ContainsFunc(want, func(x loop.Leaving) bool { return x.Rule == wantRule }) {
				t.Errorf("%s: no customer flagged by %s", step, wantRule)
			}
			locations := map[int64]bool{}
			for _, x := range want {
				if x.LocationID != nil {
					locations[*x.LocationID] = true
				}
			}
			for loc := range locations {
				stored, _ := storedLeaving(t, l, loc)
				want, err := l.ComputeSatisfiedLeaving(ctx, db, at, loc)
				if err != nil || len(want) == 0 || !reflect.DeepEqual(stored, want) {
					t.Errorf("%s, location %d: stored %+v\ncomputed %+v (%v)", step, loc, stored, want, err)
				}
			}
		}
		compare("gaps", "gap")

		candidates, err := db.SatisfiedCandidates(ctx, now.Add(-opts.Leaving.Window))
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(3, 4))
		for _, c := range candidates {
			if r.IntN(2) == 0 {
				setPAlive(t, db, c.Answer.CustomerID, r.Float64(), end)
			}
		}
		compare("with P(alive)", "p_alive")

		// An older computation finishing last is dropped.
		before, at := storedLeaving(t, l, 0)
		if stored, err := db.ReplaceSatisfiedLeaving(ctx, nil, at.Add(-time.Minute)); err != nil || stored {
			t.Fatalf("older list stored: %v %v", stored, err)
		}
		if after, at2 := storedLeaving(t, l, 0); !at2.Equal(at) || !reflect.DeepEqual(after, before) {
			t.Fatalf("after an older refresh: %d at %v, want %d at %v", len(after), at2, len(before), at)
		}
	})
}

// storedLeaving reads the whole stored list, of one location (> 0) or all,
// seven at a time, and the time it was computed.
func storedLeaving(t *testing.T, l *loop.Loop, locationID int64) ([]loop.Leaving, time.Time) {
	t.Helper()
	var all []loop.Leaving
	f := store.LeavingFilter{LocationID: locationID, Limit: 7}
	for {
		page, next, at, err := l.SatisfiedLeaving(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) > f.Limit || (next != "" && len(page) != f.Limit) {
			t.Fatalf("a page of %d, next %q", len(page), next)
		}
		all = append(all, page...)
		if next == "" {
			return all, at
		}
		f.Cursor = next
	}
}

// purchaseTime is one purchase, as the detector used to read them.
type purchaseTime struct {
	CustomerID int64
	At         time.Time
	LocationID *int64
}

// candidatePurchases reads every purchase with a customer, in customer and
// time order (and id among equal times: the summary's "last").
func candidatePurchases(t *testing.T, db *store.DB) []purchaseTime {
	t.Helper()
	rows, err := db.Query(context.Background(), `SELECT customer_id, purchased_at, location_id FROM purchases
		WHERE customer_id IS NOT NULL ORDER BY customer_id, purchased_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []purchaseTime
	for rows.Next() {
		var p purchaseTime
		if err := rows.Scan(&p.CustomerID, &p.At, &p.LocationID); err != nil {
			t.Fatal(err)
		}
		p.At = p.At.UTC()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// detectFromPurchases is the detector as it was before the purchase
// summary: every purchase of every candidate, the median of their gaps
// computed here.
func detectFromPurchases(answers []store.PositiveAnswer, purchases []purchaseTime, pAlive map[int64]float64, now time.Time, o loop.LeavingOptions) []loop.Leaving {
	days := func(d time.Duration) float64 { return float64(d) / float64(24*time.Hour) }
	byCustomer := map[int64][]purchaseTime{}
	for _, p := range purchases {
		byCustomer[p.CustomerID] = append(byCustomer[p.CustomerID], p)
	}
	var out []loop.Leaving
	for _, a := range answers {
		ps := byCustomer[a.CustomerID]
		if len(ps) == 0 {
			continue
		}
		last := ps[len(ps)-1]
		l := loop.Leaving{CustomerID: a.CustomerID, CustomerName: a.CustomerName, LocationID: last.LocationID,
			LastAnswerAt: a.AnsweredAt, Purchases: len(ps), LastPurchaseAt: last.At,
			DaysSinceLast: days(now.Sub(last.At))}
		if l.LocationID == nil {
			l.LocationID = a.LocationID
		}
		if a.NPS != nil {
			l.LastScore, l.LastScoreType = *a.NPS, "nps"
		} else if a.CSAT != nil {
			l.LastScore, l.LastScoreType = *a.CSAT, "csat"
		}
		if len(ps) >= 2 {
			gaps := make([]float64, 0, len(ps)-1)
			for i := 1; i < len(ps); i++ {
				gaps = append(gaps, days(ps[i].At.Sub(ps[i-1].At)))
			}
			slices.Sort(gaps)
			m := gaps[len(gaps)/2]
			if len(gaps)%2 == 0 {
				m = (gaps[len(gaps)/2-1] + gaps[len(gaps)/2]) / 2
			}
			l.MedianIntervalDays = &m
		}
		if p, ok := pAlive[a.CustomerID]; ok {
			l.PAlive, l.Rule = &p, "p_alive"
			if p < 0.5 {
				out = append(out, l)
			}
			continue
		}
		l.Rule = "gap"
		if len(ps) >= 3 && l.MedianIntervalDays != nil && *l.MedianIntervalDays > 0 && l.DaysSinceLast > 2**l.MedianIntervalDays {
			out = append(out, l)
		}
	}
	severity := func(l loop.Leaving) float64 {
		if l.PAlive != nil {
			return 10 * (1 - *l.PAlive)
		}
		if l.MedianIntervalDays != nil && *l.MedianIntervalDays > 0 {
			return l.DaysSinceLast / *l.MedianIntervalDays
		}
		return 0
	}
	sort.SliceStable(out, func(i, j int) bool { return severity(out[i]) > severity(out[j]) })
	return out
}
