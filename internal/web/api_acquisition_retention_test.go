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

func testDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(10 * time.Hour)
}

// retentionWorld is the data set TestAcquisitionRetention works out by
// hand, for the period 2025-03-10 – 2025-04-09: three valued customers
// before it (one of them first seen in March before the 10th), three new
// ones (two valued), and split spend.
func retentionWorld(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	var values []*fresco.CustomerValue
	for i, c := range []struct {
		seen        string
		pAlive, clv float64 // clv in cents; < 0: not valued
	}{
		{"2024-12-05", 0.6, 60000},
		{"2025-01-10", 0.9, 90000},
		{"2025-03-05", 0.5, 30000}, // in the period's month, before it
		{"2025-02-01", 0, -1},      // never valued: not in the base
		{"2025-03-15", 1, 40000},
		{"2025-04-01", 1, 20000},
		{"2025-04-09", 0, -1}, // new, not valued yet
		{"2025-04-10", 1, 70000},
	} {
		cu := &fresco.Customer{Name: fmt.Sprintf("R%d", i), FirstSeen: testDay(t, c.seen)}
		if err := f.db.CreateCustomer(ctx, cu); err != nil {
			t.Fatal(err)
		}
		if c.clv >= 0 {
			values = append(values, &fresco.CustomerValue{CustomerID: cu.ID, PAlive: c.pAlive, CLV: c.clv,
				FirstPurchase: cu.FirstSeen, LastPurchase: cu.FirstSeen, ComputedAt: testDay(t, "2025-05-01"), Segment: "new"})
		}
	}
	if err := f.db.ReplaceCustomerValues(ctx, values, nil); err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		// 31 days, 22 (March 10–31) in the period: 2,200.00 acquisition.
		`{"period_start":"2025-03-01","period_end":"2025-03-31","channel":"Google","amount":"3100.00"}`,
		// 30 days, 9 in the period: 180.00 retention.
		`{"period_start":"2025-04-01","period_end":"2025-04-30","channel":"Email","amount":"600.00","purpose":"retention"}`,
		// The whole period, a quarter retention: 250.00 retention, 750.00 acquisition.
		`{"period_start":"2025-03-10","period_end":"2025-04-09","channel":"Loyalty","amount":"1000.00","purpose":"split","retention_share":0.25}`,
	} {
		f.call(fresco.RoleOwner, "POST", "/api/v1/marketing-spend", body, 201)
	}
}

func TestAcquisitionRetention(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		retentionWorld(t, f)
		path := "/api/v1/reports/acquisition-retention?from=2025-03-10&to=2025-04-09"
		r := f.call(fresco.RoleAnalyst, "GET", path+"&move=500.00&retention_lift=0.1&cac=1000.00", nil, 200)
		want := map[string]any{
			"acquisition_spend": "2950.00", "retention_spend": "430.00",
			"new_customers": 3.0, "new_valued": 2.0, "new_clv": "600.00", "new_clv_mean": "300.00",
			// 2,950.00 ÷ 3.
			"cost_per_new_customer": "983.33",
			// P(alive) 0.6 + 0.9 + 0.5; CLV 600 + 900 + 300.
			"base_customers": 3.0, "expected_retained": 2.0, "retained_clv": "1800.00",
			"value_per_retained": "900.00", "cost_per_retained_customer": "215.00",
		}
		for k, v := range want {
			if r[k] != v {
				t.Errorf("%s = %v, want %v", k, r[k], v)
			}
		}
		w := r["what_if"].(map[string]any)
		// 500 ÷ 1,000 = 0.5 new customers lost, at 300.00 each; 0.1% × 500
		// = 0.5 customers kept, at 900.00 each.
		wantIf := map[string]any{
			"move": "500.00", "cac": "1000.00", "cac_source": "owner", "retention_lift": 0.1, "retention_lift_source": "owner",
			"lost_new_customers": 0.5, "lost_clv": "150.00", "extra_retained": 0.5, "gained_clv": "450.00",
			"capped": false, "change_customers": 0.0, "change_clv": "300.00", "history_months": 0.0, "history_lift": nil,
		}
		for k, v := range wantIf {
			if w[k] != v {
				t.Errorf("what_if %s = %v, want %v", k, w[k], v)
			}
		}
		words := fmt.Sprint(w["assumptions"])
		for _, s := range []string{"1000.00 (typed)", "300.00", "by 0.1 percentage points (typed)", "900.00", "estimates"} {
			if !strings.Contains(words, s) {
				t.Errorf("assumptions lack %q: %s", s, words)
			}
		}
		// From February 15th: March whole (the per-refit monthly sums) and
		// both ends by index; the March 5th customer is now new.
		wide := f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/acquisition-retention?from=2025-02-15&to=2025-04-09", nil, 200)
		if wide["new_customers"] != 4.0 || wide["new_valued"] != 3.0 || wide["new_clv"] != "900.00" ||
			wide["base_customers"] != 2.0 || wide["expected_retained"] != 1.5 || wide["retained_clv"] != "1500.00" {
			t.Errorf("from February 15th: %v", wide)
		}
		// A lift of 0.5 would keep 2.5, more than the 1.0 expected to leave.
		w = f.call(fresco.RoleAnalyst, "GET", path+"&move=500.00&retention_lift=0.5&cac=1000.00", nil, 200)["what_if"].(map[string]any)
		if w["extra_retained"] != 1.0 || w["capped"] != true || w["gained_clv"] != "900.00" || w["change_customers"] != 0.5 || w["change_clv"] != "750.00" {
			t.Errorf("capped what-if %v", w)
		}
		// Defaults: a tenth of the acquisition spend (295.00) at the
		// period's cost per new customer (983.33): 0.3 customers, 90.00; no
		// history, so no retention gain.
		w = f.call(fresco.RoleAnalyst, "GET", path, nil, 200)["what_if"].(map[string]any)
		if w["move"] != "295.00" || w["cac"] != "983.33" || w["cac_source"] != "period" || w["lost_new_customers"] != 0.3 ||
			w["lost_clv"] != "90.00" || w["retention_lift_source"] != "none" || w["extra_retained"] != 0.0 || w["change_clv"] != "-90.00" {
			t.Errorf("default what-if %v", w)
		}
		// The acquisition report's CAC counts acquisition spend only: the
		// Loyalty channel's 750.00, not its 1,000.00.
		acq := f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/acquisition?from=2025-03-10&to=2025-04-09", nil, 200)
		for _, s := range acq["sources"].([]any) {
			if row := s.(map[string]any); row["source"] == "Loyalty" && row["spend"] != "750.00" || row["source"] == "Email" {
				t.Errorf("acquisition report row %v: want Loyalty's 750.00 and no Email (retention only)", row)
			}
		}
		for _, bad := range []struct{ query, field string }{
			{"move=abc", "query.move"}, {"move=-5.00", "move"}, {"move=3000.00", "move"},
			{"retention_lift=x", "query.retention_lift"}, {"retention_lift=-1", "retention_lift"}, {"retention_lift=101", "retention_lift"},
			{"cac=0", "cac"}, {"cac=1,5", "query.cac"},
		} {
			res := f.do(request{method: "GET", path: path + "&" + bad.query, role: fresco.RoleAnalyst})
			if p := problem(t, res, 422); !strings.Contains(fmt.Sprint(p), bad.field) {
				t.Errorf("%s: %v", bad.query, p)
			}
		}
	})
}

// TestRetentionLiftFromHistory fits the default lift on constructed months:
// January's buyers got no retention spend and none came back, February's
// 100.00 each and half came back, March's 200.00 each and all did — a slope
// of 0.5 percentage points per 1.00 per customer.
func TestRetentionLiftFromHistory(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := context.Background()
		for i, p := range []struct{ first, again string }{
			{"2025-01-05", ""}, {"2025-01-05", ""},
			{"2025-02-03", "2025-02-10"}, {"2025-02-03", ""},
			{"2025-03-03", "2025-03-10"}, {"2025-03-03", "2025-03-12"},
		} {
			cu := &fresco.Customer{Name: fmt.Sprintf("H%d", i), FirstSeen: testDay(t, p.first)}
			if err := db.CreateCustomer(ctx, cu); err != nil {
				t.Fatal(err)
			}
			for _, at := range []string{p.first, p.again} {
				if at == "" {
					continue
				}
				if err := db.CreatePurchase(ctx, &fresco.Purchase{CustomerID: &cu.ID, PurchasedAt: testDay(t, at),
					Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 1, UnitPrice: 1000}}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		f.call(fresco.RoleOwner, "POST", "/api/v1/marketing-spend",
			`{"period_start":"2025-02-01","period_end":"2025-02-28","channel":"Email","amount":"200.00","purpose":"retention"}`, 201)
		f.call(fresco.RoleOwner, "POST", "/api/v1/marketing-spend",
			`{"period_start":"2025-03-01","period_end":"2025-03-31","channel":"Email","amount":"800.00","purpose":"split","retention_share":0.5}`, 201)
		r := f.call(fresco.RoleAnalyst, "GET", "/api/v1/reports/acquisition-retention?from=2025-03-01&to=2025-06-30&move=100.00", nil, 200)
		w := r["what_if"].(map[string]any)
		if w["history_months"] != 3.0 || w["retention_lift_source"] != "history" || fmt.Sprintf("%.6f", w["retention_lift"]) != "0.500000" ||
			fmt.Sprintf("%.6f", w["history_lift_se"]) != "0.000000" {
			t.Fatalf("history %v", w)
		}
		if !strings.Contains(fmt.Sprint(w["assumptions"]), "over 3 months of this business's history") {
			t.Errorf("assumptions %v", w["assumptions"])
		}
	})
}

func TestSpendPurposeValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		base := `"period_start":"2025-01-01","period_end":"2025-01-31","amount":"100.00"`
		for _, c := range []struct {
			extra, purpose string
			share          float64
		}{
			{``, "acquisition", 0}, // existing clients send neither
			{`,"purpose":"acquisition"`, "acquisition", 0},
			{`,"purpose":"retention"`, "retention", 1},
			{`,"retention_share":1`, "retention", 1},
			{`,"purpose":"split","retention_share":0.3`, "split", 0.3},
			{`,"retention_share":0.3`, "split", 0.3},
			{`,"purpose":"Retention","retention_share":1`, "retention", 1},
		} {
			got := f.call(fresco.RoleOwner, "POST", "/api/v1/marketing-spend", "{"+base+c.extra+"}", 201)
			if got["purpose"] != c.purpose || got["retention_share"] != c.share {
				t.Errorf("%s: %v", c.extra, got)
			}
		}
		for _, c := range []struct{ extra, field string }{
			{`,"purpose":"brand"`, "purpose"},
			{`,"purpose":"split"`, "retention_share"},
			{`,"purpose":"acquisition","retention_share":0.5`, "retention_share"},
			{`,"purpose":"retention","retention_share":0.5`, "retention_share"},
			{`,"retention_share":1.5`, "retention_share"},
			{`,"retention_share":-0.1`, "retention_share"},
		} {
			res := f.do(request{method: "POST", path: "/api/v1/marketing-spend", role: fresco.RoleOwner, body: "{" + base + c.extra + "}"})
			if p := problem(t, res, 422); !strings.Contains(fmt.Sprint(p), c.field) {
				t.Errorf("%s: %v", c.extra, p)
			}
		}
		list := f.call(fresco.RoleAnalyst, "GET", "/api/v1/marketing-spend", nil, 200)
		if items := list["items"].([]any); len(items) != 7 || items[2].(map[string]any)["purpose"] != "retention" {
			t.Errorf("list %v", list)
		}
	})
}
