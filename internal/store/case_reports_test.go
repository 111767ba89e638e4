package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
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

// TestCaseReportFactsMatchOneByOne generates customers, purchases (refunds,
// zero totals, purchases exactly on the window edges), cases (some opened on
// 29 February, some merged) and gestures, and compares the set-based facts
// with the case-by-case computation for several periods and as-of times.
func TestCaseReportFactsMatchOneByOne(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		owner := &fresco.Employee{Email: "owner@example.com", Name: "Owner", Role: "agent", Active: true}
		if err := db.CreateEmployee(ctx, owner); err != nil {
			t.Fatal(err)
		}
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
