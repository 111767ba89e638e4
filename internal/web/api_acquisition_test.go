package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// acquisitionWorld is a constructed data set whose figures are worked out
// by hand in TestAcquisitionEconomics: three Facebook customers in the
// period (and one before it), one Friend customer with no refit row yet,
// and Radio spend that brought nobody.
func acquisitionWorld(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d.Add(10 * time.Hour)
	}
	var values []*fresco.CustomerValue
	for i, c := range []struct {
		source, seen string
		clv          float64 // cents
		profit       fresco.Money
	}{
		{"Facebook", "2025-02-28", 900000, 1},
		{"Facebook", "2025-03-05", 100000, 4000},
		{"Facebook", "2025-03-20", 200000, 6000},
		{"Facebook", "2025-04-10", 300000, 8000},
		{"Friend", "2025-03-10", -1, 0},
	} {
		cu := &fresco.Customer{Name: fmt.Sprintf("C%d", i), AcquisitionSource: c.source, FirstSeen: day(c.seen)}
		if err := db.CreateCustomer(ctx, cu); err != nil {
			t.Fatal(err)
		}
		if c.clv < 0 {
			continue // not valued yet
		}
		first := day(c.seen)
		// Two months of 30.4375 days from the first purchase to the refit:
		// the monthly gross profit is half the profit.
		values = append(values, &fresco.CustomerValue{CustomerID: cu.ID, CLV: c.clv, HistoricalProfit: c.profit,
			FirstPurchase: first, LastPurchase: first, ComputedAt: first.Add(60*24*time.Hour + 21*time.Hour), Segment: "new"})
	}
	if err := db.ReplaceCustomerValues(ctx, values, nil); err != nil {
		t.Fatal(err)
	}
	for _, m := range []fresco.MarketingSpend{
		// 30 days, 16 of them (March 1–16) in the period: 1,600.00.
		{PeriodStart: day("2025-02-15"), PeriodEnd: day("2025-03-16"), Channel: "facebook", Amount: 300000},
		// Mapped to Facebook by the owner: all 1,400.00.
		{PeriodStart: day("2025-04-01"), PeriodEnd: day("2025-04-30"), Channel: "FB Ads", Amount: 140000},
		// 61 days, April's 30 in the period: 300.00.
		{PeriodStart: day("2025-04-01"), PeriodEnd: day("2025-05-31"), Channel: "Radio", Amount: 61000},
	} {
		if err := db.CreateMarketingSpend(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAcquisitionEconomics(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		acquisitionWorld(t, db)
		path := "/api/v1/reports/acquisition?from=2025-03-01&to=2025-04-30"
		bySource := func(r map[string]any) map[string]map[string]any {
			out := map[string]map[string]any{}
			for _, s := range r["sources"].([]any) {
				row := s.(map[string]any)
				out[row["source"].(string)] = row
			}
			return out
		}
		// Before the owner maps "FB Ads", it is a source of its own with
		// spend and nobody.
		before := bySource(f.call(fresco.RoleAnalyst, "GET", path, nil, 200))
		if before["Facebook"]["spend"] != "1600.00" || before["FB Ads"]["spend"] != "1400.00" || before["FB Ads"]["cac"] != nil {
			t.Fatalf("before mapping: %v / %v", before["Facebook"], before["FB Ads"])
		}
		m := f.call(fresco.RoleOwner, "PUT", "/api/v1/marketing-spend/channel-sources", `{"channels":{"FB Ads":"Facebook","Radio":"radio"}}`, 200)
		if fmt.Sprint(m["channels"]) != "map[fb ads:Facebook]" {
			t.Fatalf("mapping %v", m)
		}
		r := f.call(fresco.RoleAnalyst, "GET", path, nil, 200)
		got := bySource(r)
		fb := got["Facebook"]
		want := map[string]any{
			"customers": 4.0, "new_customers": 3.0, "spend": "3000.00", "cac": "1000.00", "clv_n": 3.0,
			// CLV 1,000, 2,000, 3,000: mean 2,000, SD 1,000, t(0.975, 2) = 4.3027.
			"clv": "2000.00", "clv_ci_low": "-484.14", "clv_ci_high": "4484.14",
			"clv_to_cac": 2.0, "clv_to_cac_ci_low": -0.48, "clv_to_cac_ci_high": 4.48,
			// Monthly gross profit 20, 30, 40: mean 30, SD 10.
			"monthly_gross_profit": "30.00", "monthly_gross_profit_ci_low": "5.16", "monthly_gross_profit_ci_high": "54.84",
			// 1,000 ÷ 30 = 33.33 months; 1,000 ÷ 54.84 and ÷ 5.16.
			"payback_months": 33.33, "payback_months_ci_low": 18.23, "payback_months_ci_high": 193.85,
			"loses_money": false,
		}
		for k, v := range want {
			if fb[k] != v {
				t.Errorf("Facebook %s = %v, want %v", k, fb[k], v)
			}
		}
		fr := got["Friend"]
		if fr["new_customers"] != 1.0 || fr["spend"] != "0.00" || fr["cac"] != "0.00" || fr["clv"] != nil || fr["clv_to_cac"] != nil ||
			fr["payback_months"] != nil || fr["clv_n"] != 0.0 {
			t.Errorf("Friend %v", fr)
		}
		ra := got["Radio"]
		if ra["new_customers"] != 0.0 || ra["spend"] != "300.00" || ra["cac"] != nil || ra["clv"] != nil || ra["loses_money"] != true || ra["customers"] != 0.0 {
			t.Errorf("Radio %v", ra)
		}
		if _, ok := got["FB Ads"]; ok {
			t.Errorf("FB Ads still a source after the mapping: %v", got["FB Ads"])
		}
		if l := fmt.Sprint(r["losing_money"]); l != "[Radio: 300.00 spent, no new customer.]" {
			t.Errorf("losing_money = %s", l)
		}
		months := r["months"].([]any)
		if len(months) != 2 {
			t.Fatalf("months %v", months)
		}
		monthOf := func(i int, source string) map[string]any {
			mo := months[i].(map[string]any)
			for _, s := range mo["sources"].([]any) {
				if e := s.(map[string]any); e["source"] == source {
					return e
				}
			}
			t.Fatalf("no %s in %v", source, mo)
			return nil
		}
		if mar, apr := monthOf(0, "Facebook"), monthOf(1, "Facebook"); months[0].(map[string]any)["month"] != "2025-03" ||
			mar["new_customers"] != 2.0 || mar["spend"] != "1600.00" || mar["cac"] != "800.00" || mar["clv"] != "1500.00" ||
			apr["new_customers"] != 1.0 || apr["spend"] != "1400.00" || apr["cac"] != "1400.00" || apr["clv_ci_low"] != nil {
			t.Errorf("Facebook by month: %v / %v", mar, apr)
		}
		if ra := monthOf(0, "Radio"); ra["spend"] != "0.00" || ra["cac"] != nil {
			t.Errorf("Radio in March %v", ra)
		}
		// Bad dates are named.
		for _, bad := range []struct{ query, field string }{
			{"from=2025-13-01", "query.from"}, {"from=2025-05-01&to=2025-04-01", "query.to"}, {"from=1990-01-01&to=2025-01-01", "query.from"},
		} {
			res := f.do(request{method: "GET", path: "/api/v1/reports/acquisition?" + bad.query, role: fresco.RoleAnalyst})
			if p := problem(t, res, 422); !strings.Contains(fmt.Sprint(p), bad.field) {
				t.Errorf("%s: %v", bad.query, p)
			}
		}
		res := f.do(request{method: "PUT", path: "/api/v1/marketing-spend/channel-sources", role: fresco.RoleOwner, body: `{"channels":{"tv":" "}}`})
		if p := problem(t, res, 422); !strings.Contains(fmt.Sprint(p), "channels.tv") {
			t.Errorf("empty source: %v", p)
		}
	})
}
