package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// rollupWorld is a few posts, locations, employees and customers to hang
// random responses on.
type rollupWorld struct {
	posts     []int64
	postSlugs []string
	locations []int64
	employees []int64
	customers []int64
}

func newRollupWorld(t *testing.T, ctx context.Context, db *store.DB) *rollupWorld {
	t.Helper()
	w := &rollupWorld{}
	posts, err := db.ListeningPosts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range posts[:4] {
		w.posts, w.postSlugs = append(w.posts, p.ID), append(w.postSlugs, p.Slug)
	}
	for i := range 3 {
		l := &fresco.Location{Name: fmt.Sprintf("Site %d", i), Timezone: "UTC"}
		if err := db.CreateLocation(ctx, l); err != nil {
			t.Fatal(err)
		}
		w.locations = append(w.locations, l.ID)
		e := &fresco.Employee{Email: fmt.Sprintf("e%d@example.com", i), Name: fmt.Sprintf("Emp %d", i), Role: fresco.RoleAgent, LocationID: &l.ID}
		if err := db.CreateEmployee(ctx, e); err != nil {
			t.Fatal(err)
		}
		w.employees = append(w.employees, e.ID)
		c := &fresco.Customer{Name: fmt.Sprintf("Cust %d", i)}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		w.customers = append(w.customers, c.ID)
	}
	return w
}

func pick[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// deleteCustomerWithoutPurchases deletes a random one of customers if they
// have no purchases left, and then drops them from the list.
func deleteCustomerWithoutPurchases(ctx context.Context, tx *store.Tx, r *rand.Rand, customers *[]int64) error {
	k := r.IntN(len(*customers))
	c := (*customers)[k]
	res, err := tx.Exec(ctx, `DELETE FROM customers WHERE id = ? AND NOT EXISTS (SELECT 1 FROM purchases WHERE customer_id = ?)`, c, c)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		*customers = slices.Delete(*customers, k, k+1)
	}
	return nil
}

// maybe returns one of list, or nil one time in three.
func maybe(r *rand.Rand, list []int64) *int64 {
	if r.IntN(3) == 0 {
		return nil
	}
	v := pick(r, list)
	return &v
}

func maybeScore(r *rand.Rand, lo, hi int) *int {
	if r.IntN(4) == 0 {
		return nil
	}
	v := lo + r.IntN(hi-lo+1)
	return &v
}

// randomAt is a time within 100 days from 2025-01-20 (four months), often
// near midnight so that UTC day and month boundaries are exercised.
func randomAt(r *rand.Rand) time.Time {
	base := time.Date(2025, 1, 20, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(100))
	if r.IntN(2) == 0 {
		return base.Add(time.Duration(r.IntN(120)-60) * time.Second)
	}
	return base.Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
}

func (w *rollupWorld) randomResponse(r *rand.Rand) *fresco.Response {
	at := randomAt(r)
	return &fresco.Response{
		PostID: pick(r, w.posts), LocationID: maybe(r, w.locations), EmployeeID: maybe(r, w.employees),
		CustomerID: maybe(r, w.customers), Segment: pick(r, []string{"", "new", "repeat", "anonymous"}),
		RespondedAt: at, PurchasedAt: randomPurchasedAt(r, at),
		NPS: maybeScore(r, 0, 10), CSAT: maybeScore(r, 1, 5), CES: maybeScore(r, 1, 7),
		Comment: pick(r, []string{"", "fine"}), Answers: randomAnswers(r),
	}
}

// randomPurchasedAt is none one time in four, else up to ten days before
// at (now and then after it), with fractions of a second and often on the
// half hour that rounds up to the next hour.
func randomPurchasedAt(r *rand.Rand, at time.Time) *time.Time {
	var delay time.Duration
	switch r.IntN(4) {
	case 0:
		return nil
	case 1:
		delay = time.Duration(r.IntN(40))*time.Hour + 30*time.Minute
	case 2:
		delay = -time.Duration(r.Int64N(int64(3 * time.Hour)))
	default:
		delay = time.Duration(r.Int64N(int64(240 * time.Hour)))
	}
	p := at.Add(-delay)
	return &p
}

// randomAnswers is up to five answers of the kinds the driver report reads
// and skips: scored items, a rating named by its question, an NPS answer,
// an unscored text, and now and then one item answered twice.
func randomAnswers(r *rand.Rand) []fresco.Answer {
	kinds := []fresco.Answer{
		{Type: "process_quality", Item: "empathy"}, {Type: "process_quality", Item: "speed"}, {Type: "value", Item: "price"},
		{Type: "rating", Question: "Was the shop clean?"}, {Type: "csat"}, {Type: "nps"}, {Type: "text", Text: "hm"},
	}
	var out []fresco.Answer
	for range r.IntN(6) {
		a := pick(r, kinds)
		if a.Type != "text" {
			a.Score = maybeScore(r, 1, 5)
		}
		out = append(out, a)
	}
	return out
}

// applyRandomWrites records, corrects (scores, dates moved into the past,
// attribution) and deletes responses at random, each write in its own
// transaction as the application does, and returns the live ids.
func (w *rollupWorld) applyRandomWrites(t *testing.T, ctx context.Context, db *store.DB, r *rand.Rand, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		op := r.IntN(10)
		if len(ids) == 0 {
			op = 0
		}
		err := db.InTx(ctx, func(tx *store.Tx) error {
			switch {
			case op < 6:
				resp := w.randomResponse(r)
				if err := tx.InsertResponse(ctx, resp); err != nil {
					return err
				}
				ids = append(ids, resp.ID)
			case op < 9: // a correction: one or more fields of an existing response
				id := pick(r, ids)
				resp := w.randomResponse(r)
				var err error
				switch r.IntN(9) {
				case 0:
					_, err = tx.Exec(ctx, `UPDATE responses SET nps = ?, csat = ?, ces = ? WHERE id = ?`, resp.NPS, resp.CSAT, resp.CES, id)
				case 1: // late-dated: the response moves to another day
					_, err = tx.Exec(ctx, `UPDATE responses SET responded_at = ? WHERE id = ?`, resp.RespondedAt, id)
				case 2:
					_, err = tx.Exec(ctx, `UPDATE responses SET employee_id = ?, location_id = ?, segment = ? WHERE id = ?`,
						resp.EmployeeID, resp.LocationID, resp.Segment, id)
				case 3:
					_, err = tx.Exec(ctx, `UPDATE responses SET post_id = ? WHERE id = ?`, resp.PostID, id)
				case 4: // the purchase it was about corrected, or unlinked
					_, err = tx.Exec(ctx, `UPDATE responses SET purchased_at = ? WHERE id = ?`, resp.PurchasedAt, id)
				case 5: // an answer corrected: its score, or what it is about
					if r.IntN(2) == 0 {
						_, err = tx.Exec(ctx, `UPDATE response_answers SET score = ? WHERE response_id = ?`, maybeScore(r, 1, 5), id)
					} else {
						_, err = tx.Exec(ctx, `UPDATE response_answers SET item = 'speed', type = 'process_quality' WHERE response_id = ? AND position = 0`, id)
					}
				case 6: // an answer withdrawn
					_, err = tx.Exec(ctx, `DELETE FROM response_answers WHERE response_id = ? AND position = 0`, id)
				case 7: // an answer added late
					_, err = tx.Exec(ctx, `INSERT INTO response_answers (response_id, position, type, item, score) VALUES (?, ?, 'value', 'quality', ?)`,
						id, 100+i, maybeScore(r, 1, 5))
				default: // a write that leaves the rollup alone
					_, err = tx.Exec(ctx, `UPDATE responses SET comment = 'edited' WHERE id = ?`, id)
				}
				return err
			default:
				k := r.IntN(len(ids))
				if _, err := tx.Exec(ctx, `DELETE FROM responses WHERE id = ?`, ids[k]); err != nil {
					return err
				}
				ids = append(ids[:k], ids[k+1:]...)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("write %d (op %d): %v", i, op, err)
		}
	}
	return ids
}

// The rollup the triggers keep write by write equals the one a rebuild
// computes from the responses, after inserts, corrections that move
// responses between days and dimensions, and deletes.
func TestFeedbackRollupIncrementalEqualsRebuild(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		r := rand.New(rand.NewPCG(1, 2))
		w.applyRandomWrites(t, ctx, db, r, 400)
		incremental, err := store.FeedbackRollupRows(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		rebuilt, err := store.FeedbackRollupRows(ctx, db, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(incremental) < 50 {
			t.Fatalf("only %d rollup rows: the random writes did not exercise it", len(incremental))
		}
		if !reflect.DeepEqual(incremental, rebuilt) {
			t.Fatalf("incremental rollup (%d rows) differs from a rebuild (%d rows)\nfirst incremental %+v\nfirst rebuilt %+v",
				len(incremental), len(rebuilt), incremental[0], rebuilt[0])
		}
		monthly, err := store.FeedbackMonthlyRows(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		monthlyRebuilt, err := store.FeedbackMonthlyRows(ctx, db, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(monthly) < 50 {
			t.Fatalf("only %d monthly rollup rows: the random writes did not exercise it", len(monthly))
		}
		if !reflect.DeepEqual(monthly, monthlyRebuilt) {
			t.Fatalf("incremental monthly rollup (%d rows) differs from a rebuild (%d rows)\nincremental %+v\nrebuilt %+v",
				len(monthly), len(monthlyRebuilt), monthly, monthlyRebuilt)
		}
		drivers, err := store.FeedbackDriverRows(ctx, db, false)
		if err != nil {
			t.Fatal(err)
		}
		driversRebuilt, err := store.FeedbackDriverRows(ctx, db, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(drivers) < 200 {
			t.Fatalf("only %d driver rollup rows: the random writes did not exercise it", len(drivers))
		}
		if !reflect.DeepEqual(drivers, driversRebuilt) {
			t.Fatalf("incremental driver rollup (%d rows) differs from a rebuild (%d rows)\nincremental %+v\nrebuilt %+v",
				len(drivers), len(driversRebuilt), drivers, driversRebuilt)
		}
		// Rebuild over a damaged rollup restores it.
		if _, err := db.Exec(ctx, `UPDATE feedback_score_daily SET n = n + 5`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM feedback_score_monthly WHERE dim = 'employee'`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM feedback_driver_monthly WHERE dim = 'post'`); err != nil {
			t.Fatal(err)
		}
		var counts []store.RollupCount
		err = db.InTx(ctx, func(tx *store.Tx) error {
			counts, err = tx.RebuildFeedbackRollups(ctx)
			return err
		})
		want := []store.RollupCount{{"feedback_score_daily", int64(len(rebuilt))}, {"feedback_score_monthly", int64(len(monthlyRebuilt))},
			{"feedback_driver_monthly", int64(len(driversRebuilt))}}
		if err == nil && len(counts) > len(want) {
			counts = counts[:len(want)] // the delay and acquisition rollups and the purchase summary have their own tests
		}
		if err != nil || !reflect.DeepEqual(counts, want) {
			t.Fatalf("rebuild wrote %v rows (want %v): %v", counts, want, err)
		}
		again, err := store.FeedbackRollupRows(ctx, db, false)
		if err != nil || !reflect.DeepEqual(again, rebuilt) {
			t.Fatalf("after rebuild the rollup differs: %v", err)
		}
		monthlyAgain, err := store.FeedbackMonthlyRows(ctx, db, false)
		if err != nil || !reflect.DeepEqual(monthlyAgain, monthlyRebuilt) {
			t.Fatalf("after rebuild the monthly rollup differs: %v", err)
		}
		driversAgain, err := store.FeedbackDriverRows(ctx, db, false)
		if err != nil || !reflect.DeepEqual(driversAgain, driversRebuilt) {
			t.Fatalf("after rebuild the driver rollup differs: %v", err)
		}
	})
}

// ScoreCounts answered from the rollup equals ScoreCounts over the
// responses, for every scale and grouping and many filters.
func TestScoreCountsFromRollupEqualsRaw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		r := rand.New(rand.NewPCG(3, 4))
		w.applyRandomWrites(t, ctx, db, r, 300)
		day := func(d int) time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
		month := func(m int) time.Time { return time.Date(2025, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
		filters := []store.ResponseFilter{{}, {From: day(3)}, {To: day(10)}, {From: day(5), To: day(6)}, {From: day(80)},
			{From: month(2), To: month(4)}, {From: month(2)}, {To: month(3)}, {From: day(-20), To: day(40)}, {From: day(-3), To: day(2)},
			// Most of a month, read as the month less its other days.
			{From: day(2), To: day(29)}, {From: day(-27), To: day(3)}, {From: day(1), To: day(60)}}
		for range 60 {
			f := store.ResponseFilter{}
			if r.IntN(2) == 0 {
				f.From = day(r.IntN(100) - 40)
			}
			if r.IntN(2) == 0 {
				f.To = day(r.IntN(102) - 40)
			}
			if r.IntN(4) == 0 {
				f.PostSlug = pick(r, w.postSlugs)
			}
			if r.IntN(4) == 0 {
				f.LocationID = &w.locations[r.IntN(len(w.locations))]
			}
			if r.IntN(4) == 0 {
				f.EmployeeID = &w.employees[r.IntN(len(w.employees))]
			}
			if r.IntN(4) == 0 {
				f.Segment = pick(r, []string{"new", "repeat", "anonymous"})
			}
			filters = append(filters, f)
		}
		compared, monthly := 0, 0
		for _, f := range filters {
			if !f.RollupAnswers() {
				t.Fatalf("filter %+v should be answered from the rollup", f)
			}
			for _, scale := range []string{"nps", "csat", "ces"} {
				for _, by := range []string{store.GroupNone, store.GroupEmployee, store.GroupLocation, store.GroupPost, store.GroupSegment, store.GroupDay, store.GroupMonth} {
					if f.MonthlyAnswers(by) {
						monthly++
					}
					got, err := db.ScoreCounts(ctx, f, scale, by)
					if err != nil {
						t.Fatal(err)
					}
					want, err := db.ScoreCountsRaw(ctx, f, scale, by)
					if err != nil {
						t.Fatal(err)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s by %q, filter %+v:\nrollup %s\nraw    %s", scale, by, f, groups(got), groups(want))
					}
					compared += len(want)
				}
			}
		}
		if compared < 500 || monthly < 200 {
			t.Fatalf("only %d groups compared, %d reports read whole months: the data is too thin to prove anything", compared, monthly)
		}
	})
}

// DriverCounts answered from the driver rollup (whole months) and the
// answers (the days around them) equals DriverCounts over the answers, for
// filters on dates — at midnight or within a day — and on each dimension.
func TestDriverCountsFromRollupEqualsRaw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newRollupWorld(t, ctx, db)
		r := rand.New(rand.NewPCG(5, 6))
		w.applyRandomWrites(t, ctx, db, r, 300)
		day := func(d int) time.Time { return time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d) }
		month := func(m int) time.Time { return time.Date(2025, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
		filters := []store.ResponseFilter{{}, {From: day(3)}, {To: day(10)}, {From: month(2), To: month(4)}, {From: month(2)},
			{To: month(3)}, {From: day(-20), To: day(40)}, {From: day(-20).Add(7 * time.Hour), To: day(40).Add(-time.Minute)}}
		for range 40 {
			f := store.ResponseFilter{}
			if r.IntN(3) > 0 {
				f.From = day(r.IntN(100) - 40).Add(time.Duration(r.IntN(3)) * 5 * time.Hour)
			}
			if r.IntN(3) > 0 {
				f.To = day(r.IntN(102) - 40)
			}
			switch r.IntN(5) {
			case 0:
				f.PostSlug = pick(r, w.postSlugs)
			case 1:
				f.LocationID = &w.locations[r.IntN(len(w.locations))]
			case 2:
				f.EmployeeID = &w.employees[r.IntN(len(w.employees))]
			case 3:
				f.Segment = pick(r, []string{"new", "repeat", "anonymous"})
			}
			filters = append(filters, f)
		}
		compared := 0
		for _, f := range filters {
			got, err := db.DriverCounts(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.DriverCountsRaw(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("filter %+v:\nrollup %+v\nraw    %+v", f, got, want)
			}
			compared += len(want)
		}
		if compared < 1000 {
			t.Fatalf("only %d counts compared: the data is too thin to prove anything", compared)
		}
		// The whole-history report reads the rollup, not the answers.
		if _, err := db.Exec(ctx, `UPDATE feedback_driver_monthly SET n = n + 1 WHERE dim = 'all'`); err != nil {
			t.Fatal(err)
		}
		got, err := db.DriverCounts(ctx, store.ResponseFilter{})
		want, _ := db.DriverCountsRaw(ctx, store.ResponseFilter{})
		if err != nil || reflect.DeepEqual(got, want) {
			t.Fatalf("a damaged rollup went unnoticed: the report did not read it (%v)", err)
		}
	})
}

func groups(list []*store.ScoreGroup) string {
	s := ""
	for _, g := range list {
		s += fmt.Sprintf("%s/%s%v ", g.Key, g.Label, g.Counts)
	}
	return s
}

// Filters the rollup does not keep go to the responses.
func TestRollupAnswersOnlyWhatItKeeps(t *testing.T) {
	id := int64(1)
	yes := true
	midnight := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []store.ResponseFilter{
		{CustomerID: &id}, {SurveyID: &id}, {Labelled: &yes}, {WithComment: true}, {Category: "price"},
		{From: midnight.Add(time.Hour)}, {To: midnight.Add(time.Nanosecond)},
		{From: time.Date(2025, 3, 1, 0, 0, 0, 0, time.FixedZone("CET", 3600))},
	} {
		if f.RollupAnswers() {
			t.Errorf("%+v answered from the rollup", f)
		}
	}
	if !(store.ResponseFilter{From: midnight, To: midnight.AddDate(0, 0, 1), Segment: "new"}).RollupAnswers() {
		t.Error("a day-bounded filter on kept dimensions is not answered from the rollup")
	}
}
