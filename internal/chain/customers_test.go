package chain_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/chain/chaintest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// bought is one purchase as the test's own computation sees it.
type bought struct {
	customer, location int64
	at                 time.Time
	total, cost        int64
}

// expectedCustomers works the customer figures of one location and period
// [from, to) out from the purchases by hand: distinct customers, how many
// of them bought in [to, to + (to − from)), revenue and cost.
func expectedCustomers(all []bought, location int64, from, to time.Time) (customers, returned int, profit fresco.Money) {
	againTo := to.Add(to.Sub(from))
	in, again := map[int64]bool{}, map[int64]bool{}
	var revenue, cost int64
	for _, b := range all {
		if !b.at.Before(to) && b.at.Before(againTo) && b.total > 0 {
			again[b.customer] = true
		}
		if b.location == location && !b.at.Before(from) && b.at.Before(to) {
			in[b.customer] = true
			revenue, cost = revenue+b.total, cost+b.cost
		}
	}
	for c := range in {
		if again[c] {
			returned++
		}
	}
	if len(in) > 0 {
		profit = fresco.Money((revenue - cost) / int64(len(in)))
	}
	return len(in), returned, profit
}

// checkCustomers compares the chain's customer figures per location, for
// the months January to June 2024 and the quarters Q1 and Q2, with the
// hand computation.
func checkCustomers(t *testing.T, a *app.App, all []bought, locations []int64, now time.Time) {
	t.Helper()
	for _, kind := range []string{chain.Month, chain.Quarter} {
		m, err := a.Chain.Measure(context.Background(), chain.Query{By: chain.ByLocation, Period: kind, From: "2024-01", To: "2024-06"})
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, u := range m.Units {
			var from, to time.Time
			if kind == chain.Month {
				from, _ = time.Parse("2006-01", u.Period)
				to = from.AddDate(0, 1, 0)
			} else {
				var q int
				var y int
				fmt.Sscanf(u.Period, "%d-Q%d", &y, &q)
				from = time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC)
				to = from.AddDate(0, 3, 0)
			}
			customers, returned, profit := expectedCustomers(all, u.Unit.ID, from, to)
			final := !to.Add(to.Sub(from)).After(now)
			if u.N.Customers != customers || u.N.Returned != returned {
				t.Errorf("%s %s: %d customers, %d returned; want %d, %d", u.Unit.Name, u.Period, u.N.Customers, u.N.Returned, customers, returned)
			}
			if customers < chain.MinCustomers {
				continue
			}
			checked++
			if u.Profit == nil || *u.Profit != profit {
				t.Errorf("%s %s: profit %v, want %d", u.Unit.Name, u.Period, u.Profit, profit)
			}
			if want := float64(returned) / float64(customers); final && (u.CustomerLoyalty == nil || *u.CustomerLoyalty != want) {
				t.Errorf("%s %s: loyalty %v, want %v", u.Unit.Name, u.Period, u.CustomerLoyalty, want)
			}
			if !final && u.CustomerLoyalty != nil {
				t.Errorf("%s %s: loyalty %v before the next period is over", u.Unit.Name, u.Period, *u.CustomerLoyalty)
			}
		}
		if checked == 0 {
			t.Fatalf("%s: no unit-period has enough customers to check", kind)
		}
	}
}

// checkCurrent compares location's customers in July 2024 and the third
// quarter, both under way on 15 July, with the hand computation over all,
// and the chain's as-of time with when the job stored each period.
func checkCurrent(t *testing.T, a *app.App, db *store.DB, all []bought, location int64, now time.Time) {
	t.Helper()
	ctx := context.Background()
	for _, kind := range []string{chain.Month, chain.Quarter} {
		label, months := "2024-07", 1
		if kind == chain.Quarter {
			label, months = "2024-Q3", 3
		}
		m, err := a.Chain.Measure(ctx, chain.Query{By: chain.ByLocation, Period: kind, From: label, To: label})
		if err != nil {
			t.Fatal(err)
		}
		from := time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC)
		want, _, _ := expectedCustomers(all, location, from, from.AddDate(0, months, 0))
		found := false
		for _, u := range m.Units {
			if u.Unit.ID == location && u.Period == label {
				found = true
				if u.N.Customers != want {
					t.Errorf("%s %s: %d customers, want %d", u.Unit.Name, label, u.N.Customers, want)
				}
			}
		}
		if !found {
			t.Errorf("%s: location %d not shown", label, location)
		}
		_, storedAt, err := db.ReportSnapshot(ctx, "chain.customers."+kind+"."+label)
		if err != nil {
			t.Fatal(err)
		}
		if storedAt.IsZero() || m.AsOf == nil || !m.AsOf.Equal(storedAt) {
			t.Errorf("%s: as of %v, want when it was stored (%v)", label, m.AsOf, storedAt)
		}
	}
}

// skipped returns the first of customers who bought at location in month
// of 2024 and nowhere in the month after (0: none).
func skipped(all []bought, customers []int64, location int64, month time.Month) int64 {
	for _, c := range customers {
		in, next := false, false
		for _, b := range all {
			in = in || (b.customer == c && b.location == location && b.at.Month() == month)
			next = next || (b.customer == c && b.at.Month() == month+1)
		}
		if in && !next {
			return c
		}
	}
	return 0
}

// TestStoredCustomers: in chaintest's world, 120 customers (20 per
// location) buy at their location in the first half of 2024, some months
// and not others. On 15 July the months January to May and the first
// quarter are over (their "bought again" windows too); June and the second
// quarter are open. The figures the chain shows are the hand-computed ones
// before the job runs (worked out and stored by the view), after it, and,
// after a late purchase lands in February (a new customer, and one who
// had not come back in March now has), once the job has run again; until
// then the view shows the stored, older figures. So do July and the third
// quarter, under way: a customer new in July shows once the job has run
// again, and the chain says as of when. June and the second
// quarter, stored while their windows were open, are counted again by the
// first view after the windows end.
func TestStoredCustomers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2024, 7, 15, 12, 0, 0, 0, time.UTC)
		a := apptest.New(t, db, func(c *app.Config) { c.Now = func() time.Time { return now } })
		locations := chaintest.Build(t, a)
		var products []*fresco.Product
		for i, cost := range []fresco.Money{300, 1200, 50} {
			p := &fresco.Product{SKU: fmt.Sprintf("P%d", i), Name: fmt.Sprintf("Product %d", i), ListPrice: 1000 * fresco.Money(i+1), UnitCost: cost}
			if err := db.CreateProduct(ctx, p); err != nil {
				t.Fatal(err)
			}
			products = append(products, p)
		}
		var all []bought
		buy := func(customer, location int64, at time.Time, product, qty int) {
			pr := products[product]
			p := &fresco.Purchase{CustomerID: &customer, LocationID: &location, PurchasedAt: at, Channel: "store",
				Lines: []fresco.PurchaseLine{{ProductID: pr.ID, Quantity: int64(qty), UnitPrice: pr.ListPrice}}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
			all = append(all, bought{customer, location, at, int64(pr.ListPrice) * int64(qty), int64(pr.UnitCost) * int64(qty)})
		}
		var customers []int64
		seed := uint32(7)
		for i := range 120 {
			c := &fresco.Customer{Name: fmt.Sprintf("Customer %d", i), Email: fmt.Sprintf("c%d@example.com", i)}
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
			customers = append(customers, c.ID)
			for month := 1; month <= 6; month++ {
				seed = seed*1103515245 + 12345
				if (seed>>16)%3 == 0 { // skips about a third of the months
					continue
				}
				buy(c.ID, locations[i%6], time.Date(2024, time.Month(month), 1+int(seed>>8)%27, 10, 0, 0, 0, time.UTC), int(seed>>4)%3, 1+int(seed>>12)%3)
			}
		}

		checkCustomers(t, a, all, locations, now) // nothing stored: worked out and stored by the view
		if _, err := a.Chain.RefreshCustomers(ctx); err != nil {
			t.Fatal(err)
		}
		stored, err := db.ReportSnapshotRange(ctx, "chain.customers.month.2024-01", "chain.customers.month.2024-12")
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != 7 { // January to June, and July as of the run
			t.Fatalf("%d months stored, want 7", len(stored))
		}
		checkCustomers(t, a, all, locations, now)

		// Late purchases: a new customer in February, and at location 0 a
		// customer of February who did not buy in March, in March.
		late := &fresco.Customer{Name: "Late", Email: "late@example.com"}
		if err := db.CreateCustomer(ctx, late); err != nil {
			t.Fatal(err)
		}
		comeBack := skipped(all, customers, locations[0], time.February)
		if comeBack == 0 {
			t.Fatal("no customer of February at location 0 who skipped March")
		}
		before := append([]bought(nil), all...)
		buy(late.ID, locations[0], time.Date(2024, 2, 20, 9, 0, 0, 0, time.UTC), 1, 2)
		buy(comeBack, locations[1], time.Date(2024, 3, 28, 9, 0, 0, 0, time.UTC), 0, 1)
		checkCustomers(t, a, before, locations, now) // stored: the job has not run

		n, err := a.Chain.RefreshCustomers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// January (February is its "bought again" window), February,
		// March, the first quarter and the last of 2023 (whose window is
		// the first); and, as every run, June and the second quarter,
		// whose windows are open, and July and the third quarter, under way.
		if n != 9 {
			t.Errorf("the job worked out %d periods after the late purchases, want 9", n)
		}
		checkCustomers(t, a, all, locations, now)
		// The next run looks again (ids may commit out of order), the one
		// after finds nothing new.
		if _, err := a.Chain.RefreshCustomers(ctx); err != nil {
			t.Fatal(err)
		}
		if n, err := a.Chain.RefreshCustomers(ctx); err != nil || n != 4 {
			t.Errorf("third run after the late purchases worked out %d periods (%v), want 4 (June, July, 2024-Q2, 2024-Q3)", n, err)
		}
		checkCustomers(t, a, all, locations, now)

		// The current month and quarter come from the rows the job stored:
		// a customer who buys in July shows once the job has run again.
		checkCurrent(t, a, db, all, locations[0], now)
		newcomer := &fresco.Customer{Name: "Newcomer", Email: "newcomer@example.com"}
		if err := db.CreateCustomer(ctx, newcomer); err != nil {
			t.Fatal(err)
		}
		before = append([]bought(nil), all...)
		buy(newcomer.ID, locations[0], time.Date(2024, 7, 10, 9, 0, 0, 0, time.UTC), 1, 1)
		checkCurrent(t, a, db, before, locations[0], now) // stored: the job has not run
		if _, err := a.Chain.RefreshCustomers(ctx); err != nil {
			t.Fatal(err)
		}
		checkCurrent(t, a, db, all, locations[0], now)

		// July goes on: a June customer of location 2 buys again. On
		// 15 October June's and the second quarter's windows are over:
		// the first view, before any run of the job, counts them back.
		if c := skipped(all, customers, locations[2], time.June); c != 0 {
			buy(c, locations[3], time.Date(2024, 7, 20, 9, 0, 0, 0, time.UTC), 2, 1)
		} else {
			t.Fatal("no customer of June at location 2 who skipped July")
		}
		now = time.Date(2024, 10, 15, 12, 0, 0, 0, time.UTC)
		checkCustomers(t, a, all, locations, now)
	})
}
