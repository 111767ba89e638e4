package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// TestBrowserSources: the owner goes from the feedback dashboard's "How
// did you hear about us?" to the sources page, picks March–April 2025 and
// reads Facebook's CAC (3,000.00 spent on three new customers: 1,000.00)
// and lifetime value ÷ CAC (2,000 ÷ 1,000 = 2.00) in the table and the
// charts, and Radio — $300.00 spent, nobody — named as losing money.
func TestBrowserSources(t *testing.T) {
	st := newStage(t, sourcesWorld)
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	load("open the feedback dashboard", chromedp.Navigate(st.base+"/feedback"))
	load("follow the link to the sources page", chromedp.Click(chromedp.ID("sources-page-link")))
	do("from March 2025", chromedp.SetValue(chromedp.ID("from"), "2025-03-01"))
	do("to April 2025", chromedp.SetValue(chromedp.ID("to"), "2025-04-30"))
	load("update", chromedp.Click(chromedp.ID("sources-update")))

	fb := text(`#sources-table tr[data-source="Facebook"]`)
	for _, want := range []string{"3", "3,000.00", "1,000.00", "2,000.00", "2.00", "33.33"} {
		if !strings.Contains(fb, want) {
			t.Errorf("Facebook's row %q lacks %q", fb, want)
		}
	}
	if got := text("#losing-money"); !strings.Contains(got, "Radio: $300.00 spent, no new customer.") || strings.Contains(got, "Facebook") {
		t.Errorf("sources that lose money: %q", got)
	}
	if n := st.get("count the CAC bars", chromedp.Evaluate[string](`document.querySelectorAll("#chart-cac rect").length + "/" + document.querySelectorAll("#chart-clv-cac line").length`)); n != "2/1" {
		t.Errorf("CAC bars / CLV÷CAC reference lines %q, want 2/1", n)
	}
	if got := st.get("read the CLV ÷ CAC chart", chromedp.Evaluate[string](`document.getElementById("chart-clv-cac").textContent`)); !strings.Contains(got, "2.00") {
		t.Errorf("the CLV ÷ CAC chart says %q", got)
	}
	if n := st.get("count the trend's lines", chromedp.Evaluate[string](`document.querySelectorAll("#chart-cac-trend polyline").length + ""`)); n != "1" {
		t.Errorf("%s lines in the CAC trend, want Facebook's only (Radio has no CAC)", n)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// sourcesWorld adds three Facebook customers first seen in March–April
// 2025, valued 1,000, 2,000 and 3,000 with 20, 30 and 40 of gross profit a
// month, 3,000.00 of Facebook spend and 300.00 of Radio spend in the period.
func sourcesWorld(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	var values []*fresco.CustomerValue
	for i, seen := range []time.Time{
		time.Date(2025, 3, 5, 10, 0, 0, 0, time.UTC), time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC), time.Date(2025, 4, 10, 10, 0, 0, 0, time.UTC),
	} {
		c := &fresco.Customer{Name: "Facebook customer " + string(rune('A'+i)), AcquisitionSource: "Facebook", FirstSeen: seen}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		values = append(values, &fresco.CustomerValue{CustomerID: c.ID, CLV: float64(100000 * (i + 1)), HistoricalProfit: fresco.Money(4000 + 2000*i),
			FirstPurchase: seen, LastPurchase: seen, ComputedAt: seen.Add(60*24*time.Hour + 21*time.Hour), Segment: "new"})
	}
	if err := db.ReplaceCustomerValues(ctx, values, nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range []fresco.MarketingSpend{
		{PeriodStart: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC), Channel: "facebook", Amount: 300000},
		{PeriodStart: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2025, 4, 30, 0, 0, 0, 0, time.UTC), Channel: "Radio", Amount: 30000},
	} {
		if err := db.CreateMarketingSpend(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
}
