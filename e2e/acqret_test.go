package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// TestBrowserAcquisitionRetention: the owner goes from the value page to
// acquisition vs retention, picks March 2025 and compares 1,000.00 of
// acquisition spend for two new customers (500.00 each) with 400.00 of
// retention spend for the 2.0 customers expected to have stayed (200.00
// each); then asks what moving 200.00 to retention would do with a lift of
// 0.5 points: 0.4 new customers (120.00) given up, 1.0 kept (900.00), a
// change of +0.6 customers and +780.00 — with the assumptions in words.
func TestBrowserAcquisitionRetention(t *testing.T) {
	st := newStage(t, retentionWorld)
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	load("open the value page", chromedp.Navigate(st.base+"/value"))
	load("follow the link to acquisition vs retention", chromedp.Click(chromedp.ID("value-retention-link")))
	do("from March 2025", chromedp.SetValue(chromedp.ID("from"), "2025-03-01"))
	do("to its end", chromedp.SetValue(chromedp.ID("to"), "2025-03-31"))
	load("update", chromedp.Click(chromedp.ID("retention-update")))
	for id, want := range map[string]string{
		"acquisition-spend": "$1,000.00", "retention-spend": "$400.00", "new-customers": "2 new",
		"expected-retained": "2.0 expected to have stayed, of 3", "cost-per-new": "$500.00", "cost-per-retained": "$200.00",
	} {
		if got := text("#" + id); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	do("move 200.00", chromedp.SetValue(chromedp.ID("move"), "200.00"))
	do("assume a lift of 0.5 points", chromedp.SetValue(chromedp.ID("retention_lift"), "0.5"))
	load("update", chromedp.Click(chromedp.ID("retention-update")))
	for id, want := range map[string]string{"lost-new": "-0.4", "extra-retained": "+1.0", "change-customers": "+0.6", "change-clv": "+$780.00"} {
		if got := text("#" + id); got != want {
			t.Errorf("#%s = %q, want %q", id, got, want)
		}
	}
	shot(t, st.ctx, filepath.Join(os.TempDir(), "fresco-e2e-acquisition-retention.png"))
	words := text("#assumptions")
	for _, want := range []string{"$500.00", "by 0.5 percentage points (typed)", "$300.00", "$900.00", "estimates"} {
		if !strings.Contains(words, want) {
			t.Errorf("assumptions %q lack %q", words, want)
		}
	}
	if got := text("#what-if h2"); !strings.Contains(got, "$200.00") || !strings.Contains(got, "estimate") {
		t.Errorf("what-if heading %q", got)
	}
	do("type a lift that is not a number", chromedp.SetValue(chromedp.ID("retention_lift"), "lots"))
	load("update", chromedp.Click(chromedp.ID("retention-update")))
	if got := text("#form-errors"); !strings.Contains(strings.ToLower(got), "retention_lift: \"lots\" is not a number") {
		t.Errorf("error %q does not name retention_lift", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// retentionWorld adds three customers first seen in 2024 whom the refit
// valued (P(alive) 0.6, 0.9, 0.5; lifetime value 600.00, 900.00, 300.00),
// two first seen in March 2025 (400.00 and 200.00), and March's spend:
// 1,000.00 on acquisition, 400.00 on retention.
func retentionWorld(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var values []*fresco.CustomerValue
	for i, c := range []struct {
		seen        time.Time
		pAlive, clv float64
	}{
		{time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), 0.6, 60000},
		{time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC), 0.9, 90000},
		{time.Date(2024, 7, 1, 10, 0, 0, 0, time.UTC), 0.5, 30000},
		{time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC), 1, 40000},
		{time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC), 1, 20000},
	} {
		cu := &fresco.Customer{Name: fmt.Sprintf("Customer %d", i), FirstSeen: c.seen}
		if err := db.CreateCustomer(ctx, cu); err != nil {
			t.Fatal(err)
		}
		values = append(values, &fresco.CustomerValue{CustomerID: cu.ID, PAlive: c.pAlive, CLV: c.clv,
			FirstPurchase: c.seen, LastPurchase: c.seen, ComputedAt: time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC), Segment: "new"})
	}
	if err := db.ReplaceCustomerValues(ctx, values, nil); err != nil {
		t.Fatal(err)
	}
	march, end := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
	for _, m := range []fresco.MarketingSpend{
		{PeriodStart: march, PeriodEnd: end, Channel: "Search", Amount: 100000},
		{PeriodStart: march, PeriodEnd: end, Channel: "Newsletter", Amount: 40000, RetentionShare: 1},
	} {
		if err := db.CreateMarketingSpend(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
}
