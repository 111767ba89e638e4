package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// caseFactsOneByOne is the computation CaseReportFacts replaced: one query
// for the purchases and one for the gestures of every case. The set-based
// version must give exactly the same facts.
func caseFactsOneByOne(t *testing.T, db *store.DB, list []store.CaseFacts, asOf time.Time) []store.CaseFacts {
	t.Helper()
	ctx := context.Background()
	out := make([]store.CaseFacts, len(list))
	for i, f := range list {
		yearBefore, yearAfter := f.OpenedAt.AddDate(-1, 0, 0), f.OpenedAt.AddDate(1, 0, 0)
		if asOf.Before(yearAfter) {
			yearAfter = asOf
		}
		u := func(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
		var before, after, within, g int64
		if err := db.QueryRow(ctx, `SELECT
				COALESCE(SUM(CASE WHEN purchased_at >= ? AND purchased_at < ? THEN total ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN purchased_at > ? AND purchased_at <= ? THEN total ELSE 0 END), 0),
				COALESCE(SUM(CASE WHEN purchased_at > ? AND purchased_at <= ? AND total > 0 THEN 1 ELSE 0 END), 0)
			FROM purchases WHERE customer_id = ?`,
			u(yearBefore), u(f.OpenedAt), u(f.OpenedAt), u(yearAfter), u(f.OpenedAt), u(f.OpenedAt.AddDate(0, 0, 90)),
			f.CustomerID).Scan(&before, &after, &within); err != nil {
			t.Fatal(err)
		}
		if err := db.QueryRow(ctx, `SELECT COALESCE(SUM(amount), 0) FROM gestures WHERE case_id = ? AND status = 'granted'`,
			f.CaseID).Scan(&g); err != nil {
			t.Fatal(err)
		}
		f.RevenueBefore, f.RevenueAfter, f.BoughtWithin90d = fresco.Money(before), fresco.Money(after), within > 0
		f.GesturesGranted = fresco.Money(g)
		f.Observable90Days = !asOf.Before(f.OpenedAt.AddDate(0, 0, 90))
		out[i] = f
	}
	return out
}

// caseOwner creates the employee who owns a test's cases.
func caseOwner(t *testing.T, db *store.DB) *fresco.Employee {
	t.Helper()
	owner := &fresco.Employee{Email: "owner@example.com", Name: "Owner", Role: "agent", Active: true}
	if err := db.CreateEmployee(context.Background(), owner); err != nil {
		t.Fatal(err)
	}
	return owner
}

// TestCaseReportFactsMatchOneByOne generates customers, purchases (refunds,
// zero totals, purchases exactly on the window edges), cases (some opened on
// 29 February, some merged) and gestures, and compares the set-based facts
// with the case-by-case computation for several periods and as-of times.
func TestCaseReportFactsMatchOneByOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner := caseOwner(t, db)
		rng := rand.New(rand.NewPCG(10, 1))
		start := time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC)
		randTime := func() time.Time {
			return start.Add(time.Duration(rng.Int64N(int64(4 * 365 * 24 * time.Hour)))).Truncate(time.Microsecond)
		}
		leap := time.Date(2024, 2, 29, 15, 30, 0, 0, time.UTC)
		cases := 0
		err := db.InTx(ctx, func(tx *store.Tx) error {
			for c := range 120 {
				cust := &fresco.Customer{Name: fmt.Sprintf("Customer %d", c)}
				if err := tx.CreateCustomer(ctx, cust); err != nil {
					return err
				}
				var opened []time.Time
				for range rng.IntN(12) {
					at := randTime()
					if rng.IntN(5) == 0 {
						at = leap.AddDate(0, 0, rng.IntN(3)-1)
					}
					opened = append(opened, at)
				}
				var times []time.Time
				for range rng.IntN(15) {
					times = append(times, randTime())
				}
				for _, o := range opened { // purchases on the edges of the windows
					times = append(times, o, o.AddDate(-1, 0, 0), o.AddDate(1, 0, 0), o.AddDate(0, 0, 90), o.Add(time.Microsecond))
				}
				for _, at := range times {
					total := []int64{rng.Int64N(50000), -rng.Int64N(5000), 0}[rng.IntN(3)]
					if _, err := tx.Exec(ctx, `INSERT INTO purchases (customer_id, purchased_at, total, items, created_at)
						VALUES (?, ?, ?, 1, ?)`, cust.ID, at, total, at); err != nil {
						return err
					}
				}
				for _, o := range opened {
					status := []string{"open", "resolved", "closed", "merged"}[rng.IntN(4)]
					var id int64
					if err := tx.QueryRow(ctx, `INSERT INTO recovery_cases (customer_id, source, summary, status, state,
						owner_id, opened_at, follow_through_outcome, created_at, updated_at)
						VALUES (?, 'manual', 'x', ?, 'new', ?, ?, ?, ?, ?) RETURNING id`,
						cust.ID, status, owner.ID, o, []string{"", "solved", "not_solved"}[rng.IntN(3)], o, o).Scan(&id); err != nil {
						return err
					}
					cases++
					for range rng.IntN(3) {
						if _, err := tx.Exec(ctx, `INSERT INTO gestures (case_id, customer_id, kind, amount, status,
							requested_by, requested_role, created_at) VALUES (?, ?, 'refund', ?, ?, 'test', 'agent', ?)`, id, cust.ID, rng.Int64N(10000),
							[]string{"granted", "pending_approval", "rejected"}[rng.IntN(3)], o); err != nil {
							return err
						}
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if cases < 600 {
			t.Fatalf("only %d cases generated; the test wants several chunks", cases)
		}
		for _, p := range []struct{ from, to, asOf time.Time }{
			{start, start.AddDate(5, 0, 0), start.AddDate(5, 0, 0)},
			{start, start.AddDate(5, 0, 0), time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)},
			{time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
			{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC)},
		} {
			got, err := db.CaseReportFactsChunked(ctx, p.from, p.to, p.asOf, 97)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 {
				t.Fatalf("no cases in [%v, %v)", p.from, p.to)
			}
			want := caseFactsOneByOne(t, db, got, p.asOf)
			var bought, gestures int
			for i := range got {
				if fmt.Sprint(got[i]) != fmt.Sprint(want[i]) {
					t.Errorf("case %d in [%v, %v) as of %v:\n got %+v\nwant %+v", got[i].CaseID, p.from, p.to, p.asOf, got[i], want[i])
				}
				if got[i].BoughtWithin90d {
					bought++
				}
				if got[i].GesturesGranted > 0 {
					gestures++
				}
			}
			if bought == 0 || gestures == 0 {
				t.Errorf("[%v, %v): %d cases bought within 90 days, %d had gestures: the data does not exercise the facts", p.from, p.to, bought, gestures)
			}
		}
	})
}

// TestCaseReportBaselineRollupEqualsRaw makes random writes to purchases
// and cases — purchases one by one and several in one statement, on month
// edges and exactly 90 days after another, totals turned into refunds and
// back, times moved, purchases moved to another customer as a merge does,
// deleted; cases opened (several at once for one customer), moved to
// another customer and deleted — then checks that the month cohorts the
// report reads from the rollup equal those counted from the purchases, for
// many periods, and that the rollup equals a rebuild, also after damage.
func TestCaseReportBaselineRollupEqualsRaw(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner := caseOwner(t, db)
		r := rand.New(rand.NewPCG(18, 1))
		start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
		var customers, purchases, cases []int64
		bought := map[int64][]time.Time{} // each customer's purchase times, to buy again on the edges
		when := func(c int64) time.Time {
			switch k := r.IntN(8); {
			case k == 0 && len(bought[c]) > 0: // 90 days after another purchase, to the microsecond or either side
				return pick(r, bought[c]).AddDate(0, 0, 90).Add(time.Duration(r.IntN(3)-1) * time.Microsecond)
			case k == 1: // on a month edge
				return start.AddDate(0, r.IntN(16), 0).Add(time.Duration(r.IntN(3)-1) * time.Microsecond)
			case k == 2 && len(bought[c]) > 0: // at the same instant as another
				return pick(r, bought[c])
			}
			at := start.Add(time.Duration(r.Int64N(int64(480 * 24 * time.Hour)))).Truncate(time.Microsecond)
			bought[c] = append(bought[c], at)
			return at
		}
		total := func() int64 {
			return []int64{int64(r.IntN(5000) + 1), -int64(r.IntN(500)), 0, int64(r.IntN(900) + 1)}[r.IntN(4)]
		}
		insertPurchase := func(tx *store.Tx, cust *int64) error {
			var c int64
			if cust != nil {
				c = *cust
			}
			at := when(c)
			var id int64
			if err := tx.QueryRow(ctx, `INSERT INTO purchases (customer_id, purchased_at, total, items, created_at) VALUES (?, ?, ?, 1, ?) RETURNING id`,
				cust, at, total(), at).Scan(&id); err != nil {
				return err
			}
			purchases = append(purchases, id)
			return nil
		}
		openCase := `INSERT INTO recovery_cases (customer_id, source, summary, status, state, owner_id, opened_at, created_at, updated_at)
			VALUES (?, 'manual', 'x', 'open', 'new', ?, ?, ?, ?)`
		for i := range 900 {
			op := 1 + r.IntN(39)
			if len(customers) < 5 || r.IntN(20) == 0 {
				op = 0
			}
			err := db.InTx(ctx, func(tx *store.Tx) error {
				switch {
				case op == 0:
					c := &fresco.Customer{Name: fmt.Sprintf("C%d", i)}
					if err := tx.CreateCustomer(ctx, c); err != nil {
						return err
					}
					customers = append(customers, c.ID)
				case op < 20:
					if r.IntN(10) == 0 {
						return insertPurchase(tx, nil)
					}
					c := pick(r, customers)
					return insertPurchase(tx, &c)
				case op < 22: // several purchases of one customer in one statement
					c := pick(r, customers)
					a, b := when(c), when(c)
					_, err := tx.Exec(ctx, `INSERT INTO purchases (customer_id, purchased_at, total, items, created_at) VALUES (?, ?, ?, 1, ?), (?, ?, ?, 1, ?)`,
						c, a, total(), a, c, b, total(), b)
					return err
				case op < 25 && len(purchases) > 0:
					_, err := tx.Exec(ctx, `UPDATE purchases SET total = ? WHERE id = ?`, total(), pick(r, purchases))
					return err
				case op < 28 && len(purchases) > 0:
					_, err := tx.Exec(ctx, `UPDATE purchases SET purchased_at = ? WHERE id = ?`, when(pick(r, customers)), pick(r, purchases))
					return err
				case op == 28: // a merge moves every purchase of one customer to another
					_, err := tx.Exec(ctx, `UPDATE purchases SET customer_id = ? WHERE customer_id = ?`, pick(r, customers), pick(r, customers))
					return err
				case op < 32 && len(purchases) > 0:
					_, err := tx.Exec(ctx, `DELETE FROM purchases WHERE id = ?`, pick(r, purchases))
					return err
				case op == 32:
					c := pick(r, customers)
					at := when(c)
					var id int64
					if err := tx.QueryRow(ctx, openCase+` RETURNING id`, c, owner.ID, at, at, at).Scan(&id); err != nil {
						return err
					}
					cases = append(cases, id)
				case op == 33: // two cases of one customer in one statement
					c := pick(r, customers)
					at := when(c)
					_, err := tx.Exec(ctx, openCase+`, (?, 'manual', 'y', 'open', 'new', ?, ?, ?, ?)`,
						c, owner.ID, at, at, at, c, owner.ID, at, at, at)
					return err
				case op < 36 && len(cases) > 0:
					_, err := tx.Exec(ctx, `DELETE FROM recovery_cases WHERE id = ?`, pick(r, cases))
					return err
				case op == 36: // a merge moves every case of one customer to another
					_, err := tx.Exec(ctx, `UPDATE recovery_cases SET customer_id = ? WHERE customer_id = ?`, pick(r, customers), pick(r, customers))
					return err
				default: // writes the rollup ignores
					if _, err := tx.Exec(ctx, `UPDATE recovery_cases SET status = 'resolved' WHERE customer_id = ?`, pick(r, customers)); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, `UPDATE purchases SET items = 2 WHERE customer_id = ?`, pick(r, customers))
					return err
				}
				return nil
			})
			if err != nil {
				t.Fatalf("write %d (op %d): %v", i, op, err)
			}
		}
		checkReports := func(when string) {
			t.Helper()
			var retained, lost int
			for k := range 40 {
				from := start.AddDate(0, 0, r.IntN(400)).Add(time.Duration(r.IntN(2)) * 7 * time.Hour)
				if k == 0 {
					from = start
				}
				to := from.AddDate(0, 0, 1+r.IntN(500))
				asOf := to.AddDate(0, 0, r.IntN(200)-60)
				got, err := db.BaselineRetention(ctx, from, to, asOf)
				if err != nil {
					t.Fatal(err)
				}
				want, err := db.BaselineRetentionRaw(ctx, from, to, asOf)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Fatalf("%s: baseline of [%v, %v) as of %v from the rollup %+v, from the purchases %+v", when, from, to, asOf, got, want)
				}
				retained, lost = retained+got.Retained, lost+got.Customers-got.Retained
			}
			if retained == 0 || lost == 0 {
				t.Fatalf("%s: %d retained, %d not: the data does not exercise the baseline", when, retained, lost)
			}
		}
		checkRollup := func(when string) {
			t.Helper()
			kept, err := store.BaselineRollupRows(ctx, db, false)
			if err != nil {
				t.Fatal(err)
			}
			rebuilt, err := store.BaselineRollupRows(ctx, db, true)
			if err != nil || !reflect.DeepEqual(kept, rebuilt) {
				t.Fatalf("%s: incremental %+v\nrebuilt %+v (%v)", when, kept, rebuilt, err)
			}
			if n, err := db.BaselineCustomerMonthDrift(ctx); n != 0 || err != nil {
				t.Fatalf("%s: %d rows of baseline_customer_month differ from a rebuild (%v)", when, n, err)
			}
		}
		checkRollup("after random writes")
		checkReports("after random writes")
		// A damaged rollup is what the report shows, and a rebuild repairs it.
		if _, err := db.Exec(ctx, `UPDATE baseline_month SET customers = customers + 1`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `DELETE FROM baseline_customer_month WHERE customer_id = ?`, customers[0]); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.BaselineRetention(ctx, start, start.AddDate(2, 0, 0), start.AddDate(2, 0, 0)); got.Customers == 0 {
			t.Fatal("no baseline customers at all")
		} else if want, _ := db.BaselineRetentionRaw(ctx, start, start.AddDate(2, 0, 0), start.AddDate(2, 0, 0)); got == want {
			t.Fatal("the report did not read the rollup")
		}
		var counts []store.RollupCount
		err := db.InTx(ctx, func(tx *store.Tx) error {
			var err error
			counts, err = tx.RebuildFeedbackRollups(ctx)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(counts); n < 2 || counts[n-2].Table != "baseline_customer_month" || counts[n-1].Table != "baseline_month" || counts[n-1].Rows == 0 {
			t.Fatalf("rebuild counts %v", counts)
		}
		checkRollup("after rebuild")
		checkReports("after rebuild")
		// The per-customer rows are rebuilt too: later writes stay exact.
		if err := db.InTx(ctx, func(tx *store.Tx) error { return insertPurchase(tx, &customers[0]) }); err != nil {
			t.Fatal(err)
		}
		checkRollup("after rebuild and a purchase")
		checkReports("after rebuild and a purchase")
	})
}
