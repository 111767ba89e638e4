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

// TestBrowserSegmentCalculator: the owner goes from the Lifetime value page
// to the calculator group by group and reads, worked by hand:
//
//	Friend or family, average of A (10 purchases, 20 items, $1,000 revenue,
//	$400 profit) and B (2, 2, $100, $40): 6 purchases, 22/12 = 1.83 items,
//	$50.00 a unit, gross value $549.99 (6 × 1.8333 × 50: the calculator
//	keeps four decimals of items per purchase, as on /value), margin 40%,
//	gross profit $220.00,
//	no spend on the source, so lifetime value $220.00; loyal (the top 20%
//	of two is one customer: A) $400.00.
//	Radio, C alone (1, 1, $50, $20) with $100.00 of radio spend for one
//	new customer: lifetime value $20 − $100.
//
// then opens the one-page print and makes a share link that opens.
func TestBrowserSegmentCalculator(t *testing.T) {
	st := newStage(t, segmentsWorld)
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	load("open the Lifetime value page", chromedp.Navigate(st.base+"/value"))
	load("follow the link to the calculator by group", chromedp.Click(chromedp.ID("value-segments-link")))
	do("group by how they heard of us", chromedp.SetValue(chromedp.ID("seg-by"), "source"))
	load("update", chromedp.Click(chromedp.ID("segments-update")))

	row := func(source, kind string) string {
		return text(`#segments-table tr[data-segment="` + source + `"][data-kind="` + kind + `"]`)
	}
	for _, c := range []struct {
		source, kind string
		want         []string
	}{
		{"Friend or family", "average", []string{"2", "6.00", "1.83", "$50.00", "$549.99", "40%", "$220.00", "$0.00"}},
		{"Friend or family", "loyal", []string{"1", "10.00", "2.00", "$1,000.00", "$400.00"}},
		{"Radio", "average", []string{"1", "$50.00", "$20.00", "$100.00", "80.00"}},
	} {
		got := row(c.source, c.kind)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %s row %q lacks %q", c.source, c.kind, got, w)
			}
		}
	}

	load("open the one-page print", chromedp.Click(chromedp.ID("segments-print")))
	if got := text("#segment-print"); !strings.Contains(got, "Friend or family") || !strings.Contains(got, "$400.00") {
		t.Errorf("the printable page says %q", got)
	}
	if got := st.get("read the print stylesheet", chromedp.Evaluate[string](`Array.from(document.styleSheets[0].cssRules).some(r => r.media && r.media.mediaText === "print") + ""`)); got != "true" {
		t.Errorf("the printable page has no print stylesheet: %s", got)
	}

	load("back to the calculator", chromedp.NavigateBack())
	do("a link for a week", chromedp.SetValue(chromedp.ID("share-days"), "7"))
	load("make a share link", chromedp.Click(chromedp.ID("share-make")))
	link := st.get("read the link", chromedp.Evaluate[string](`document.getElementById("share-url").href`))
	if !strings.Contains(link, "/share/calculator/") {
		t.Fatalf("share link %q", link)
	}
	load("open the shared link", chromedp.Navigate(link))
	if got := text("#share-note"); !strings.Contains(got, "valid until") {
		t.Errorf("the shared page says %q", got)
	}
	if got := text("#segment-print"); !strings.Contains(got, "Radio") {
		t.Errorf("the shared page's table %q", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// segmentsWorld values three customers as the test above works them out
// and spends 100.00 on radio while C arrived.
func segmentsWorld(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	start := time.Date(2023, 3, 1, 10, 0, 0, 0, time.UTC)
	at := time.Date(2025, 6, 1, 3, 0, 0, 0, time.UTC)
	var values []*fresco.CustomerValue
	for _, c := range []struct {
		name, source    string
		purchases       int
		items           int64
		revenue, profit fresco.Money
		first           time.Time
	}{
		{"Ann", "Friend or family", 10, 20, 100000, 40000, start},
		{"Ben", "Friend or family", 2, 2, 10000, 4000, start.AddDate(0, 1, 0)},
		{"Cas", "Radio", 1, 1, 5000, 2000, start.AddDate(0, 2, 0)},
	} {
		cu := &fresco.Customer{Name: c.name, AcquisitionSource: c.source, FirstSeen: c.first}
		if err := db.CreateCustomer(ctx, cu); err != nil {
			t.Fatal(err)
		}
		values = append(values, &fresco.CustomerValue{CustomerID: cu.ID, Purchases: c.purchases, Items: c.items, HistoricalValue: c.revenue,
			HistoricalProfit: c.profit, FirstPurchase: c.first, LastPurchase: c.first, ComputedAt: at, Segment: "loyal"})
	}
	if err := db.ReplaceCustomerValues(ctx, values, nil); err != nil {
		t.Fatal(err)
	}
	radio := fresco.MarketingSpend{PeriodStart: time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC), PeriodEnd: time.Date(2023, 5, 31, 0, 0, 0, 0, time.UTC),
		Channel: "radio", Amount: 10000}
	if err := db.CreateMarketingSpend(ctx, &radio); err != nil {
		t.Fatal(err)
	}
}
