package store_test

import (
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The delay rollup the triggers keep equals a rebuild, and the post
// activity read from it equals the one read from the responses for every
// day-bounded period, after inserts, corrections (dates, purchases, posts)
// and deletes.
func TestDelayRollupEqualsRaw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		r := rand.New(rand.NewPCG(11, 12))
		w.applyRandomWrites(t, ctx, db, r, 400)
		for _, monthly := range []bool{false, true} {
			incremental, err := store.DelayRollupRows(ctx, db, monthly, false)
			if err != nil {
				t.Fatal(err)
			}
			rebuilt, err := store.DelayRollupRows(ctx, db, monthly, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(incremental) < 20 {
				t.Fatalf("only %d delay rollup rows (monthly %v): the random writes did not exercise it", len(incremental), monthly)
			}
			if !reflect.DeepEqual(incremental, rebuilt) {
				t.Fatalf("incremental delay rollup (monthly %v) differs from a rebuild\nincremental %+v\nrebuilt %+v", monthly, incremental, rebuilt)
			}
		}

		day := func(d int) time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
		periods := [][2]time.Time{{}, {day(3), {}}, {{}, day(10)}, {day(5), day(6)}, {day(-28), day(31)},
			{day(-1), day(45)}, {day(-40), day(80)}, {day(3), day(2)}}
		for range 30 {
			periods = append(periods, [2]time.Time{day(r.IntN(100) - 40), day(r.IntN(102) - 40)})
		}
		// same reads the period both ways and compares them.
		same := func(p [2]time.Time) map[int64]*store.PostActivity {
			got, err := db.PostActivity(ctx, p[0], p[1], nil)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.PostActivityRaw(ctx, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%v: post activity from the rollup (and the part-days) %v differs from the responses' %v", p, activity(got), activity(want))
			}
			return got
		}
		withDelay := 0
		for _, p := range periods {
			if !(store.ResponseFilter{From: p[0], To: p[1]}).RollupAnswers() {
				t.Fatalf("%v: day-bounded periods are read from the rollup", p)
			}
			for _, a := range same(p) {
				withDelay += len(a.DelayHours)
			}
		}
		if withDelay < 100 {
			t.Fatalf("only %d delay buckets over all periods: the test did not exercise them", withDelay)
		}

		// Bounds within days (the last 90 days up to now): the whole days
		// from the rollup, the part-days from the responses, the same sums.
		at := func(d, minutes int) time.Time { return day(d).Add(time.Duration(minutes) * time.Minute) }
		odd := [][2]time.Time{{at(3, 90), {}}, {{}, at(10, 7)}, {at(5, 60), at(5, 600)}, {at(5, 60), at(6, 1)},
			{at(-28, 1), at(31, 1439)}, {at(-1, 720), day(45)}, {day(-40), at(80, 30)}}
		for range 30 {
			odd = append(odd, [2]time.Time{at(r.IntN(100)-40, r.IntN(1440)), at(r.IntN(102)-40, r.IntN(1440))})
		}
		for _, p := range odd {
			same(p)
		}
	})
}

func activity(m map[int64]*store.PostActivity) map[int64]store.PostActivity {
	out := map[int64]store.PostActivity{}
	for id, a := range m {
		out[id] = *a
	}
	return out
}

// A delay is whole seconds rounded half up to whole hours; feedback given
// before the purchase, or tied to none, counts as a response without one.
func TestDelayHoursRoundHalfUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		at := time.Date(2025, 3, 10, 12, 0, 0, 250_000_000, time.UTC)
		delays := []time.Duration{2*time.Hour + 29*time.Minute + 59*time.Second, 2*time.Hour + 30*time.Minute,
			0, 49 * time.Hour, -time.Second}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			purchases := []*time.Time{nil} // one tied to no purchase
			for _, d := range delays {
				p := at.Add(-d)
				purchases = append(purchases, &p)
			}
			for _, p := range purchases {
				resp := w.randomResponse(rand.New(rand.NewPCG(1, 1)))
				resp.PostID, resp.RespondedAt, resp.PurchasedAt = w.posts[0], at, p
				if err := tx.InsertResponse(ctx, resp); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := store.PostActivity{PostID: w.posts[0], Responses: 6, DelayHours: map[int]int{2: 1, 3: 1, 0: 1, 49: 1}}
		fromRollup := func(ctx context.Context, from, to time.Time) (map[int64]*store.PostActivity, error) {
			return db.PostActivity(ctx, from, to, nil)
		}
		for _, read := range []func(context.Context, time.Time, time.Time) (map[int64]*store.PostActivity, error){fromRollup, db.PostActivityRaw} {
			got, err := read(ctx, time.Time{}, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			if a := got[w.posts[0]]; a == nil || !reflect.DeepEqual(*a, want) {
				t.Fatalf("activity %+v, want %+v", a, want)
			}
		}
	})
}
