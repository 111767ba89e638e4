package recovery_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestQuantile(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   []float64
		q    float64
		want float64
	}{
		{[]float64{5}, 0.5, 5}, {[]float64{1, 2, 3, 4}, 0.5, 2.5}, {[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9, 9.1},
		{[]float64{2, 4}, 0.9, 3.8}, {[]float64{0, 10}, 0, 0}, {[]float64{0, 10}, 1, 10},
	} {
		if got, ok := recovery.Quantile(tt.in, tt.q); !ok || got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("Quantile(%v, %v) = %v, want %v", tt.in, tt.q, got, tt.want)
		}
	}
	if _, ok := recovery.Quantile(nil, 0.5); ok {
		t.Error("Quantile of nothing is defined")
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		buy := func(customer int64, at time.Time, cents fresco.Money) {
			t.Helper()
			must(t, db.CreatePurchase(ctx, &fresco.Purchase{CustomerID: &customer, PurchasedAt: at,
				Lines: []fresco.PurchaseLine{{SKU: "ROOM", Quantity: 1, UnitPrice: cents}}}))
		}
		person := func(name string) int64 {
			c := &fresco.Customer{Name: name}
			must(t, db.CreateCustomer(ctx, c))
			return c.ID
		}
		day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 10, 0, 0, 0, time.UTC) }
		// A (the world's customer, bought 200.00 on 8 January) has a case and comes back.
		a := w.customer
		buy(a, day(2, 1), 5000)
		// B has a case and never buys again.
		b := person("B")
		buy(b, time.Date(2025, 12, 1, 10, 0, 0, 0, time.UTC), 20000)
		// C and D never had a case: C comes back, D does not.
		c, d := person("C"), person("D")
		buy(c, day(1, 5), 1000)
		buy(c, day(2, 1), 1000)
		buy(d, day(1, 7), 1000)

		open := func(customer int64, at time.Time, category string) *fresco.Case {
			t.Helper()
			w.clock.Set(at)
			cs, err := w.svc.Open(ctx, w.agent, recovery.OpenInput{CustomerID: customer, Summary: "problem", Category: category})
			must(t, err)
			return cs
		}
		ca := open(a, day(1, 10), "housekeeping")
		w.clock.Set(day(1, 10).Add(2 * time.Hour))
		_, err := w.svc.Respond(ctx, w.agent, ca.ID, "on it", "")
		must(t, err)
		w.clock.Set(day(1, 10).Add(10 * time.Hour))
		_, err = w.svc.Resolve(ctx, w.agent, ca.ID, "fixed")
		must(t, err)
		must(t, err)
		cb := open(b, day(1, 12), "housekeeping")
		w.clock.Set(day(1, 12).Add(4 * time.Hour))
		_, err = w.svc.Respond(ctx, w.agent, cb.ID, "on it", "")
		must(t, err)
		gb, err := w.svc.RequestGesture(ctx, w.agent, cb.ID, recovery.GestureInput{Kind: "coupon", Amount: 1500})
		must(t, err)
		if gb.Status != recovery.GestureGranted {
			t.Fatalf("coupon %s", gb.Status)
		}

		// The baseline is January's cohort: C and D bought in January
		// without a case, and C again within 90 days.
		w.clock.Set(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
		january, february := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
		r, err := w.svc.Report(ctx, january, february)
		must(t, err)
		if r.Cases != 2 || r.TimeToFirstResponse.Count != 2 || *r.TimeToFirstResponse.MedianHours != 3 ||
			*r.TimeToFirstResponse.P90Hours != 3.8 || r.TimeToResolution.Count != 1 || *r.TimeToResolution.MedianHours != 10 {
			t.Fatalf("times: %+v / %+v", r.TimeToFirstResponse, r.TimeToResolution)
		}
		rr := r.Recovery
		if rr.Customers != 2 || rr.StillBuying != 1 || *rr.Rate != 0.5 || rr.BaselineCustomers != 2 || rr.BaselineRetained != 1 || *rr.Difference != 0 {
			t.Fatalf("recovery rate = %+v", rr)
		}
		if rr.BaselineFirst == nil || *rr.BaselineFirst != "2026-01" || rr.BaselineLast == nil || *rr.BaselineLast != "2026-01" {
			t.Fatalf("baseline months %v to %v, want 2026-01", rr.BaselineFirst, rr.BaselineLast)
		}
		// A period that covers January only in part has no whole month to compare with.
		partial, err := w.svc.Report(ctx, day(1, 1), day(2, 1))
		must(t, err)
		if p := partial.Recovery; p.Customers != 2 || p.BaselineCustomers != 0 || p.BaselineRate != nil || p.BaselineFirst != nil || p.Difference != nil {
			t.Fatalf("recovery rate over part of January = %+v", p)
		}
		cost := r.CostOfPoorRecovery
		if cost.FailedCustomers != 1 || cost.ValueLost != 20000 || cost.GesturesFailed != 1500 ||
			cost.RecoveredCustomers != 1 || cost.RecoveredValueBefore != 20000 || cost.RecoveredValueAfter != 5000 {
			t.Fatalf("cost of poor recovery = %+v", cost)
		}
		if len(r.ByCategory) != 1 || r.ByCategory[0].Cases != 2 || r.ReopenRate == nil || *r.ReopenRate != 0 {
			t.Fatalf("categories %+v, reopen rate %v", r.ByCategory, r.ReopenRate)
		}

		// A third housekeeping case within 30 days raises a recurrence alert.
		w.clock.Set(day(1, 20))
		third := open(d, day(1, 20), "housekeeping")
		alerts, err := db.ListRecurrenceAlerts(ctx, 10)
		must(t, err)
		if len(alerts) != 1 || alerts[0].Dimension != "category" || alerts[0].Value != "housekeeping" || alerts[0].Cases != 3 {
			t.Fatalf("alerts = %+v", alerts)
		}
		timeline, err := db.CaseTimeline(ctx, third.ID)
		must(t, err)
		if !hasKind(timeline, "recurrence_alert") {
			t.Errorf("timeline of the third case lacks the alert: %v", kinds(timeline))
		}
		open(d, day(1, 21), "housekeeping") // no second alert inside the window
		alerts, err = db.ListRecurrenceAlerts(ctx, 10)
		must(t, err)
		if len(alerts) != 1 {
			t.Errorf("alerts after a fourth case = %d, want still 1", len(alerts))
		}
		// Three cases at one location raise its alert although their
		// category has had its own inside the window.
		for h := 0; h < 3; h++ {
			w.clock.Set(day(1, 22+h))
			_, err := w.svc.Open(ctx, w.agent, recovery.OpenInput{CustomerID: a, Summary: "problem", Category: "housekeeping", LocationID: &w.location})
			must(t, err)
		}
		alerts, err = db.ListRecurrenceAlerts(ctx, 10)
		must(t, err)
		if len(alerts) != 2 || alerts[0].Dimension != "location" || alerts[0].Cases != 3 || !alerts[0].CreatedAt.Equal(day(1, 24)) {
			t.Errorf("alerts after three cases at one location = %+v, want a location alert at the third case's time", alerts)
		}
	})
}

// TestLastYearReportIsStored: the report of the last twelve months is the
// one Report works out as of its refresh, read back from the stored
// snapshot until the next refresh, which sees the cases opened since; a
// refresh that started earlier than the stored one does not replace it.
func TestLastYearReportIsStored(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		w := newWorld(t, db)
		at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		open := func() {
			t.Helper()
			w.clock.Set(at)
			_, err := w.svc.Open(ctx, w.agent, recovery.OpenInput{CustomerID: w.customer, Summary: "problem", Category: "housekeeping"})
			must(t, err)
			at = at.Add(time.Hour)
		}
		open()
		w.clock.Set(at)
		first, err := w.svc.LastYearReport(ctx) // none stored yet: works it out and stores it
		must(t, err)
		want, err := w.svc.Report(ctx, at.AddDate(-1, 0, 0), at)
		must(t, err)
		want.AsOf = at
		if first.Cases != 1 || jsonOf(t, first) != jsonOf(t, want) {
			t.Fatalf("first last-year report\n%s\nwant Report's\n%s", jsonOf(t, first), jsonOf(t, want))
		}
		open()
		w.clock.Set(at)
		again, err := w.svc.LastYearReport(ctx)
		must(t, err)
		if again.Cases != 1 || !again.AsOf.Equal(first.AsOf) || jsonOf(t, again) != jsonOf(t, first) {
			t.Fatalf("before a refresh the report is not the stored one: %s", jsonOf(t, again))
		}
		refreshed, err := w.svc.RefreshLastYearReport(ctx)
		must(t, err)
		read, err := w.svc.LastYearReport(ctx)
		must(t, err)
		if refreshed.Cases != 2 || jsonOf(t, read) != jsonOf(t, refreshed) || !read.AsOf.Equal(at) {
			t.Fatalf("after a refresh: %d cases, read back %s", refreshed.Cases, jsonOf(t, read))
		}
		// A refresh that finishes late, as of an earlier time, is dropped.
		if stored, err := db.ReplaceReportSnapshot(ctx, "recovery.last_year", []byte(`{}`), at.Add(-time.Minute)); err != nil || stored {
			t.Fatalf("an older snapshot replaced the newer one: %v, %v", stored, err)
		}
		if read, err := w.svc.LastYearReport(ctx); err != nil || read.Cases != 2 {
			t.Fatalf("after an older snapshot: %+v, %v", read, err)
		}
	})
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}
