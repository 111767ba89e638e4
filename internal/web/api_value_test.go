package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/demo"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/value"
)

// valueMatrix is the lifetime-value rows of the role matrix: everyone reads,
// only managers and owners queue a refit. Before a refit, a customer's
// value is 404 (for the roles allowed to ask).
func valueMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	return []endpoint{
		{"GET", "/api/v1/clv/calculator", none, 200, everyone},
		{"GET", "/api/v1/clv/calculator/segments?by=rfm", none, 200, everyone},
		{"POST", "/api/v1/clv/calculator/share", func(fresco.Role) any { return `{"by":"source","expires_in_days":7}` }, 201, managers},
		{"GET", "/api/v1/clv/summary", none, 200, everyone},
		{"GET", "/api/v1/clv/pareto", none, 200, everyone},
		{"GET", "/api/v1/clv/segments", none, 200, everyone},
		{"GET", "/api/v1/clv/customers", none, 200, everyone},
		{"GET", "/api/v1/clv/calibration", none, 404, everyone}, // no refit yet
		{"GET", fmt.Sprintf("/api/v1/customers/%d/value", s.customer), none, 404, everyone},
		{"POST", "/api/v1/clv/refit", none, 202, managers},
	}
}

func TestValueAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		end := time.Now().UTC()
		if _, err := demo.Generate(ctx, db, demo.Options{Customers: 300, End: end, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		f := newFixture(t, db)
		analyst, manager := fresco.RoleAnalyst, fresco.RoleManager

		// The calculator works before any refit, straight from the purchases.
		c := f.call(analyst, "GET", "/api/v1/clv/calculator?loyal_top=25&margin=1&acquisition_cost=30", nil, 200)
		avg := c["average"].(map[string]any)
		if avg["acquisition_cost"] != 30.0 || avg["margin"] != 1.0 || c["inputs"].(map[string]any)["loyal_top"] != 25.0 {
			t.Fatalf("calculator: %v", c)
		}
		want := avg["purchases_per_lifetime"].(float64) * avg["items_per_purchase"].(float64) * avg["average_price"].(float64)
		if got := avg["gross_value"].(float64); got < want-0.05 || got > want+0.05 {
			t.Errorf("gross value %v, want %v", got, want)
		}
		if _, ok := c["loyal"].(map[string]any)["lifetime_value"]; !ok {
			t.Errorf("no loyal lifetime value: %v", c)
		}
		res := f.do(request{method: "GET", path: "/api/v1/clv/calculator?margin=lots", role: analyst})
		problem(t, res, http.StatusUnprocessableEntity)

		// Analysts may not refit; managers queue a job.
		f.call(analyst, "POST", "/api/v1/clv/refit", nil, 403)
		job := f.call(manager, "POST", "/api/v1/clv/refit", nil, 202)
		if job["kind"] != "clv.refit" || job["job_id"].(float64) <= 0 {
			t.Fatalf("refit: %v", job)
		}
		// Run the refit the job would run.
		if _, err := value.New(db, value.Options{}).Refit(ctx); err != nil {
			t.Fatal(err)
		}
		s := f.call(analyst, "GET", "/api/v1/clv/summary?bins=10", nil, 200)
		if len(s["distribution"].([]any)) != 10 || len(s["fits"].([]any)) != 2 {
			t.Fatalf("summary: %v", s)
		}
		p := f.call(analyst, "GET", "/api/v1/clv/pareto?points=5&top=20", nil, 200)
		if len(p["curve"].([]any)) != 6 || p["top_share"].(float64) < 0.5 {
			t.Fatalf("pareto: %v", p)
		}
		seg := f.call(analyst, "GET", "/api/v1/clv/segments", nil, 200)
		if len(seg["segments"].([]any)) != 8 {
			t.Fatalf("segments: %v", seg)
		}
		list := f.call(analyst, "GET", "/api/v1/clv/customers?flag=apostle&sort=referral_value", nil, 200)
		items := list["items"].([]any)
		if len(items) == 0 {
			t.Fatal("no apostles")
		}
		first := items[0].(map[string]any)
		if first["apostle"] != true || first["referrals"].(float64) < 2 {
			t.Errorf("apostle: %v", first)
		}
		cv := f.call(analyst, "GET", fmt.Sprintf("/api/v1/customers/%d/value", int64(first["customer_id"].(float64))), nil, 200)
		chain := cv["referral_chain"].([]any)
		if len(chain) < 2 || cv["referral_value"].(float64) <= 0 || len(cv["categories"].([]any)) == 0 {
			t.Errorf("customer value: %v", cv)
		}
		for _, k := range []string{"clv", "p_alive", "expected_purchases", "historical_value", "related_sales_value", "rfm", "segment"} {
			if _, ok := cv[k]; !ok {
				t.Errorf("customer value has no %s", k)
			}
		}
		f.call(analyst, "GET", "/api/v1/clv/customers?segment=nonsense", nil, 422)

		// Paging: whatever the sort, following next_cursor gives every
		// customer of the refit exactly once; a cursor is refused by
		// another sort.
		customers := int(s["totals"].(map[string]any)["customers"].(float64))
		for _, sort := range []string{"clv", "p_alive", "last_purchase", "profit", "historical_value"} {
			seen := map[int64]bool{}
			cursor := ""
			for pages := 0; ; pages++ {
				if pages > customers {
					t.Fatalf("sort %s: no last page", sort)
				}
				page := f.call(analyst, "GET", "/api/v1/clv/customers?limit=40&sort="+sort+"&cursor="+url.QueryEscape(cursor), nil, 200)
				for _, item := range page["items"].([]any) {
					id := int64(item.(map[string]any)["customer_id"].(float64))
					if seen[id] {
						t.Fatalf("sort %s: customer %d on two pages", sort, id)
					}
					seen[id] = true
				}
				if cursor, _ = page["next_cursor"].(string); cursor == "" {
					break
				}
				if pages == 0 {
					f.call(analyst, "GET", "/api/v1/clv/customers?sort=referral_value&cursor="+url.QueryEscape(cursor), nil, 422)
				}
			}
			if len(seen) != customers {
				t.Errorf("sort %s: %d customers paged, the refit has %d", sort, len(seen), customers)
			}
		}
		f.call(analyst, "GET", "/api/v1/clv/customers?cursor=nonsense", nil, 422)

		// The UI: the page (with the refit button for managers) and the
		// profile's panel.
		f.employee("clv-manager@example.com", manager, "a long enough password")
		cookie := f.login("clv-manager@example.com", "a long enough password")
		page := f.do(request{method: "GET", path: "/value?margin=1", cookie: cookie})
		if page.Code != 200 || !strings.Contains(string(page.Body), `id="ltv-loyal"`) || !strings.Contains(string(page.Body), "Refit now") ||
			!strings.Contains(string(page.Body), "of profit.") {
			t.Fatalf("GET /value = %d\n%.2000s", page.Code, page.Body)
		}
		if res := f.do(request{method: "POST", path: "/value/refit", cookie: cookie}); res.Code != http.StatusSeeOther ||
			res.Header.Get("Location") != "/value?refit=queued" {
			t.Errorf("POST /value/refit as a manager = %d %s", res.Code, res.Header.Get("Location"))
		}
		// A refit under way shows its phase and customers done (the job
		// records them in settings); a finished one shows nothing.
		if err := db.SetSetting(ctx, "clv.refit.progress", fmt.Sprintf(`{"phase":"writing","done":150000,"total":400000,"started_at":%q,"updated_at":%q}`,
			time.Now().UTC().Format(time.RFC3339), time.Now().UTC().Format(time.RFC3339))); err != nil {
			t.Fatal(err)
		}
		if page := f.do(request{method: "GET", path: "/value", cookie: cookie}); !strings.Contains(string(page.Body), "Refit running: writing, 150000 of 400000 customers") {
			t.Errorf("GET /value during a refit shows no progress:\n%.1500s", page.Body)
		}
		if err := db.SetSetting(ctx, "clv.refit.progress", `{"phase":"done","done":10,"total":10}`); err != nil {
			t.Fatal(err)
		}
		if page := f.do(request{method: "GET", path: "/value", cookie: cookie}); strings.Contains(string(page.Body), "Refit running") ||
			strings.Contains(string(page.Body), `id="refit-skipped"`) {
			t.Errorf("GET /value after a clean refit still shows it running, or customers skipped")
		}
		// A refit that left customers out names them and points to doctor.
		if err := db.SetSetting(ctx, "clv.refit.progress", `{"phase":"done","done":10,"total":10,"skipped":{"count":3,"customers":[41,42]}}`); err != nil {
			t.Fatal(err)
		}
		if page := f.do(request{method: "GET", path: "/value", cookie: cookie}); !strings.Contains(string(page.Body), "left out 3 customers") ||
			!strings.Contains(string(page.Body), `<a href="/customers/42">42</a>, …`) || !strings.Contains(string(page.Body), "fresco doctor") {
			t.Errorf("GET /value after a refit that skipped customers does not say so:\n%.1500s", page.Body)
		}
		f.employee("clv-analyst@example.com", analyst, "a long enough password")
		if res := f.do(request{method: "POST", path: "/value/refit", cookie: f.login("clv-analyst@example.com", "a long enough password")}); res.Code != http.StatusForbidden {
			t.Errorf("POST /value/refit as an analyst = %d", res.Code)
		}
		profile := f.do(request{method: "GET", path: fmt.Sprintf("/customers/%d", int64(first["customer_id"].(float64))), cookie: cookie})
		if profile.Code != 200 || !strings.Contains(string(profile.Body), "Predicted value") || !strings.Contains(string(profile.Body), "purchases expected") {
			t.Fatalf("profile = %d\n%.3000s", profile.Code, profile.Body)
		}
	})
}
