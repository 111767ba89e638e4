package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/prefs"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

// suggestionsMatrix is the suggestions rows of the role matrix: everyone
// reads, staff who write record an opt-out, only owners mark sensitive
// items and train.
func suggestionsMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	return []endpoint{
		{"GET", fmt.Sprintf("/api/v1/customers/%d/suggestions", s.customer), none, 200, everyone},
		{"PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", s.customer), fixed(`{"opted_out":false}`), 200, writers},
		{"PUT", fmt.Sprintf("/api/v1/products/%d/sensitive", s.product), fixed(`{"sensitive":false}`), 200, ownerOnly},
		{"PUT", "/api/v1/recommendations/sensitive-categories", fixed(`{"category":"x","sensitive":false}`), 200, ownerOnly},
		{"GET", "/api/v1/recommendations/sensitive", none, 200, everyone},
		{"GET", "/api/v1/recommendations/model", none, 404, everyone},
		{"POST", "/api/v1/recommendations/retrain", none, 202, ownerOnly},
	}
}

// shop is a small business whose right suggestions are known. Every
// "crowd" customer bought the Blue Teapot with the Teacup, the Matches and
// the Wine; the Cosy (bought with the Teapot by 3 customers only, though
// by 7 in all) is below the k floor of 5 with it; the Saucer is bought
// with the Teapot by exactly 5, one of them Zed, so erasing Zed takes it
// below the floor. Alice bought the Teapot and returned the Jug.
type shop struct {
	alice, bob, zed int64
	product         map[string]int64
	others          []string // every other customer's name, e-mail and external id
}

func buildShop(t *testing.T, db *store.DB) shop {
	t.Helper()
	ctx := context.Background()
	sh := shop{product: map[string]int64{}}
	for _, p := range []struct{ sku, name, category string }{
		{"TEAPOT", "Blue Teapot", "kitchen"}, {"CUP", "Teacup", "kitchen"}, {"MATCH", "Matches", "household"},
		{"WINE", "Red Wine", "alcohol"}, {"COSY", "Tea Cosy", "kitchen"}, {"SAUCER", "Saucer", "kitchen"},
		{"JUG", "Milk Jug", "kitchen"},
	} {
		pr := &fresco.Product{SKU: p.sku, Name: p.name, Category: p.category}
		if err := db.CreateProduct(ctx, pr); err != nil {
			t.Fatal(err)
		}
		sh.product[p.sku] = pr.ID
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	n := 0
	buy := func(customer int64, qty int64, skus ...string) {
		n++
		p := &fresco.Purchase{ExternalID: fmt.Sprintf("P%d", n), CustomerID: &customer, PurchasedAt: at.Add(time.Duration(n) * time.Hour)}
		for _, sku := range skus {
			p.Lines = append(p.Lines, fresco.PurchaseLine{SKU: sku, Quantity: qty, UnitPrice: 500})
		}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	customer := func(name string, consent bool) int64 {
		c := &fresco.Customer{ExternalID: "ext-" + strings.ToLower(name), Name: name, Email: strings.ToLower(name) + "@example.com",
			ConsentPersonalisation: consent}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		if name != "Alice" && name != "Bob" {
			sh.others = append(sh.others, c.Name, c.Email, c.ExternalID)
		}
		return c.ID
	}
	for i := range 8 {
		c := customer(fmt.Sprintf("Crowd%d", i), true)
		skus := []string{"TEAPOT", "CUP", "MATCH", "WINE", "JUG"}
		if i < 3 {
			skus = append(skus, "COSY")
		}
		if i < 4 {
			skus = append(skus, "SAUCER")
		}
		buy(c, 1, skus...)
	}
	for i := range 4 { // the Cosy's other buyers, with the Teacup but not the Teapot
		buy(customer(fmt.Sprintf("Cosy%d", i), true), 1, "COSY", "CUP")
	}
	sh.zed = customer("Zed", true)
	buy(sh.zed, 1, "TEAPOT", "SAUCER")
	sh.alice = customer("Alice", true)
	buy(sh.alice, 1, "TEAPOT", "JUG")
	buy(sh.alice, -1, "JUG") // returned
	sh.bob = customer("Bob", false)
	buy(sh.bob, 1, "TEAPOT")
	return sh
}

func TestSuggestionGuardRails(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sh := buildShop(t, db)
		f := newFixture(t, db)
		manager := f.employee("manager@example.com", fresco.RoleManager, "") // owns the complaint's case
		owner, agent := fresco.RoleOwner, fresco.RoleAgent
		path := func(c int64) string { return fmt.Sprintf("/api/v1/customers/%d/suggestions", c) }
		// suggested lists the SKUs suggested to c, checking each reason
		// names only a product c bought, and that nothing in the answer
		// names another customer.
		suggested := func(c int64, withheld string) []string {
			t.Helper()
			res := f.do(request{method: "GET", path: path(c), role: agent})
			body := string(res.Body)
			if res.Code != 200 {
				t.Fatalf("GET %s: %s", path(c), res)
			}
			for _, other := range sh.others {
				if strings.Contains(body, other) {
					t.Errorf("suggestions for %d name another customer (%q): %s", c, other, body)
				}
			}
			var out struct {
				Withheld string `json:"withheld"`
				Items    []struct {
					SKU, Reason string
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(body), &out); err != nil {
				t.Fatal(err)
			}
			if out.Withheld != withheld {
				t.Errorf("withheld = %q, want %q (%s)", out.Withheld, withheld, body)
			}
			var skus []string
			for _, it := range out.Items {
				skus = append(skus, it.SKU)
				if it.Reason != "Because you bought the Blue Teapot" {
					t.Errorf("%s: reason %q", it.SKU, it.Reason)
				}
			}
			slices.Sort(skus)
			return skus
		}
		// Before any training nothing is suggested, and the model is 404.
		suggested(sh.alice, fresco.SuggestionsNoModel)
		f.call(owner, "GET", "/api/v1/recommendations/model", nil, 404)
		job := f.call(owner, "POST", "/api/v1/recommendations/retrain", nil, 202)
		if job["kind"] != suggestions.JobRetrain {
			t.Fatalf("retrain: %v", job)
		}
		svc := suggestions.New(db, suggestions.Options{}) // what the job runs, on another "replica"
		retrain := func() map[string]any {
			t.Helper()
			if _, err := svc.Retrain(ctx); err != nil {
				t.Fatal(err)
			}
			return f.call(agent, "GET", "/api/v1/recommendations/model", nil, 200)
		}
		if m := retrain(); m["customers"] != 15.0 || m["k_floor"] != 5.0 { // Bob counts; Alice's returned Jug does not
			t.Fatalf("model: %v", m)
		}

		// Alice: the Teacup, Matches, Wine and Saucer; not the Teapot she
		// owns, the Jug she returned, nor the Cosy (a pair of 3).
		if got := suggested(sh.alice, ""); !slices.Equal(got, []string{"CUP", "MATCH", "SAUCER", "WINE"}) {
			t.Fatalf("Alice is suggested %v", got)
		}
		// Staff see them on the customer page, with their reasons.
		f.employee("clerk@example.com", fresco.RoleAgent, "clerk password 1")
		cookie := f.login("clerk@example.com", "clerk password 1")
		page := func(c int64) string {
			t.Helper()
			res := f.do(request{method: "GET", path: fmt.Sprintf("/customers/%d", c), cookie: cookie})
			if res.Code != 200 {
				t.Fatalf("customer page %d: %s", c, res)
			}
			return string(res.Body)
		}
		if p := page(sh.alice); !strings.Contains(p, `id="suggestions"`) || !strings.Contains(p, "Teacup") ||
			!strings.Contains(p, "Because you bought the Blue Teapot") {
			t.Errorf("Alice's page lacks her suggestions")
		}
		if p := page(sh.bob); !strings.Contains(p, "has not agreed to personalised suggestions") || strings.Contains(p, "Because you bought") {
			t.Errorf("Bob's page shows suggestions or no reason for none")
		}
		// Bob has not consented.
		if got := suggested(sh.bob, fresco.SuggestionsNoConsent); len(got) != 0 {
			t.Errorf("Bob without consent is suggested %v", got)
		}
		// Sensitive: the Matches themselves, and the alcohol category.
		f.call(owner, "PUT", fmt.Sprintf("/api/v1/products/%d/sensitive", sh.product["MATCH"]), map[string]any{"sensitive": true}, 200)
		f.call(owner, "PUT", "/api/v1/recommendations/sensitive-categories", map[string]any{"category": "alcohol", "sensitive": true}, 200)
		problem(t, f.do(request{method: "PUT", path: "/api/v1/recommendations/sensitive-categories", role: owner,
			body: map[string]any{"category": " ", "sensitive": true}}), 422)
		f.call(agent, "PUT", fmt.Sprintf("/api/v1/products/%d/sensitive", sh.product["MATCH"]), map[string]any{"sensitive": false}, 403)
		if got := suggested(sh.alice, ""); !slices.Equal(got, []string{"CUP", "SAUCER"}) {
			t.Fatalf("after the sensitive marks Alice is suggested %v", got)
		}
		marks := f.call(agent, "GET", "/api/v1/recommendations/sensitive", nil, 200)
		if fmt.Sprint(marks["categories"]) != "[alcohol]" || len(marks["products"].([]any)) != 1 {
			t.Errorf("marks: %v", marks)
		}
		// A complaint not closed yet withholds everything.
		c := f.call(agent, "POST", "/api/v1/cases", map[string]any{"customer_id": sh.alice, "summary": "chipped spout", "owner_id": manager.ID}, 201)
		casePath := fmt.Sprintf("/api/v1/cases/%d", int64(c["id"].(float64)))
		suggested(sh.alice, fresco.SuggestionsOpenCase)
		f.call(agent, "POST", casePath+"/resolve", map[string]any{"resolution": "replaced"}, 200)
		suggested(sh.alice, fresco.SuggestionsOpenCase)
		f.call(agent, "POST", casePath+"/close", map[string]any{"root_cause_category": "product", "root_cause_source": "selection",
			"resolution": "replaced"}, 200)
		if got := suggested(sh.alice, ""); len(got) != 2 {
			t.Fatalf("after the case closed Alice is suggested %v", got)
		}
		// Opting out, in one call; and back.
		f.call(agent, "PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", sh.alice), map[string]any{"opted_out": true}, 200)
		suggested(sh.alice, fresco.SuggestionsOptedOut)
		f.call(agent, "PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", sh.alice), map[string]any{"opted_out": false}, 200)
		// The customer's own one click, on the preference page of their
		// e-mails' link.
		token, err := prefs.New(db).Token(sh.alice, prefs.ScopeAll)
		if err != nil {
			t.Fatal(err)
		}
		if res := f.do(request{method: "GET", path: prefs.PreferencesPath(token)}); res.Code != 200 || !strings.Contains(string(res.Body), `id="stop-suggestions"`) {
			t.Fatalf("preference page: %s", res)
		}
		if res := f.do(request{method: "POST", path: prefs.PreferencesPath(token) + "/suggestions-off"}); res.Code != 303 {
			t.Fatalf("one-click opt-out: %s", res)
		}
		suggested(sh.alice, fresco.SuggestionsOptedOut)
		if res := f.do(request{method: "GET", path: prefs.PreferencesPath(token)}); !strings.Contains(string(res.Body), `id="suggestions-stopped"`) {
			t.Errorf("the preference page does not say suggestions are stopped: %s", res)
		}
		if res := f.do(request{method: "POST", path: "/p/forged/suggestions-off"}); res.Code != 404 {
			t.Errorf("a forged link: %s", res)
		}
		f.call(agent, "PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", sh.alice), map[string]any{"opted_out": false}, 200)
		f.call(agent, "PUT", "/api/v1/customers/999999/suggestions/opt-out", map[string]any{"opted_out": true}, 404)
		f.call(agent, "GET", path(999999), nil, 404)
		problem(t, f.do(request{method: "GET", path: path(sh.alice) + "?limit=0", role: agent}), 422)

		// Erasing Zed takes the Saucer below the floor at the next
		// training; until then the model is as it was.
		f.call(owner, "DELETE", fmt.Sprintf("/api/v1/customers/%d", sh.zed), nil, 200)
		suggested(sh.zed, fresco.SuggestionsErased)
		if got := suggested(sh.alice, ""); !slices.Contains(got, "SAUCER") {
			t.Fatalf("before retraining Alice is suggested %v", got)
		}
		if m := retrain(); m["customers"] != 14.0 {
			t.Errorf("model after erasure: %v", m)
		}
		if got := suggested(sh.alice, ""); !slices.Equal(got, []string{"CUP"}) {
			t.Fatalf("after erasure and retraining Alice is suggested %v", got)
		}
		// The audit log has the owner's marks and the retrain.
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('product.sensitive', 'category.sensitive', 'suggestions.retrain',
			'customer.suggestions_opt_out', 'customer.suggestions_opt_in')`).Scan(&n); err != nil || n != 7 {
			t.Errorf("%d audit entries (%v), want 7", n, err)
		}
	})
}
