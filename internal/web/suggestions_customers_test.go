package web_test

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

var stopLink = regexp.MustCompile(`https://shop\.example(/p/[A-Za-z0-9_-]+/suggestions-off)`)

// Customers see their own suggestions — on the thank-you page of their
// survey link and in their survey invitation — only when the owner turns
// suggestions_to_customers on, and then only past every guard rail: no
// consent, an opt-out, an open complaint or an unhappy answer show none.
// Each shows its reason and a stop link that works without login; the
// invitation is received over SMTP.
func TestSuggestionsShownToCustomers(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		sh := buildShop(t, db)
		smtp := notifytest.StartSMTP(t)
		f := newFixture(t, db, func(c *app.Config) {
			c.SMTP = notify.SMTPConfig{Addr: smtp.Addr, From: "Teashop <care@shop.example>"}
			c.BaseURL, c.QueuePollInterval, c.DisableDigest = "https://shop.example", 20*time.Millisecond, true
		})
		owner, manager := fresco.RoleOwner, fresco.RoleManager
		if _, err := suggestions.New(db, suggestions.Options{}).Retrain(ctx); err != nil {
			t.Fatal(err)
		}
		// Dora (open complaint) and Erin (opted out) bought the Teapot
		// after the training: the model is as it was.
		newCustomer := func(name string) int64 {
			id := int64(f.call(manager, "POST", "/api/v1/customers", map[string]any{"name": name, "email": strings.ToLower(name) + "@example.com",
				"consent_surveys": true, "consent_personalisation": true}, 201)["id"].(float64))
			f.call(manager, "POST", "/api/v1/purchases", map[string]any{"customer_id": id, "purchased_at": "2026-03-02T10:00:00Z",
				"lines": []map[string]any{{"sku": "TEAPOT", "quantity": 1, "unit_price": "5.00"}}}, 201)
			return id
		}
		dora, erin := newCustomer("Dora"), newCustomer("Erin")
		if _, err := db.Exec(ctx, `UPDATE customers SET consent_surveys = TRUE`); err != nil {
			t.Fatal(err)
		}
		olga := f.employee("olga@example.com", fresco.RoleManager, "") // owns the complaint's case
		f.call(manager, "POST", "/api/v1/cases", map[string]any{"customer_id": dora, "summary": "cracked lid", "owner_id": olga.ID}, 201)
		f.call(manager, "PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", erin), map[string]any{"opted_out": true}, 200)

		// The owner's switch, through the API: off at first; a PUT that
		// leaves it out keeps it.
		setSwitch := func(on *bool) map[string]any {
			t.Helper()
			body := f.call(owner, "GET", "/api/v1/settings", nil, 200)
			for _, k := range []string{"version", "logo_url", "updated_at", "updated_by", "suggestions_to_customers"} {
				delete(body, k)
			}
			if on != nil {
				body["suggestions_to_customers"] = *on
			}
			return f.call(owner, "PUT", "/api/v1/settings", body, 200)
		}
		yes, no := true, false
		if got := f.call(owner, "GET", "/api/v1/settings", nil, 200)["suggestions_to_customers"]; got != false {
			t.Fatalf("suggestions_to_customers at first = %v", got)
		}

		// The thank-you page of a survey link.
		sv := int64(f.call(manager, "POST", "/api/v1/surveys", map[string]any{"slug": "after", "name": "After",
			"questions": []map[string]any{{"key": "nps", "type": "nps", "text": "Recommend?"}}}, 201)["id"].(float64))
		thanks := func(customer int64, nps string) string {
			t.Helper()
			if _, err := db.Exec(ctx, `DELETE FROM customer_contacts`); err != nil { // the contact rule, for the test
				t.Fatal(err)
			}
			inv := f.call(manager, "POST", fmt.Sprintf("/api/v1/surveys/%d/invitations", sv), map[string]any{"customer_id": customer}, 201)
			req := form(url.Values{"q_nps": {nps}})
			req.path = inv["url"].(string)
			res := f.do(req)
			if res.Code != 200 || !strings.Contains(string(res.Body), "Thank you") {
				t.Fatalf("submit: %s", res)
			}
			for _, other := range sh.others {
				if strings.Contains(string(res.Body), other) {
					t.Errorf("the thank-you page names another customer (%q)", other)
				}
			}
			return string(res.Body)
		}
		shown := func(page string) bool { return strings.Contains(page, `id="suggestions"`) }
		if shown(thanks(sh.alice, "9")) {
			t.Error("suggestions on the thank-you page with the switch off")
		}
		if out := setSwitch(&yes); out["suggestions_to_customers"] != true {
			t.Fatalf("switch on: %v", out)
		}
		if out := setSwitch(nil); out["suggestions_to_customers"] != true {
			t.Fatalf("a PUT leaving the switch out turned it off: %v", out)
		}
		page := thanks(sh.alice, "9")
		if !shown(page) || !strings.Contains(page, "Teacup") || !strings.Contains(page, "Because you bought the Blue Teapot") ||
			strings.Contains(page, "Milk Jug") {
			t.Fatalf("Alice's thank-you page:\n%s", page)
		}
		if shown(thanks(sh.alice, "3")) {
			t.Error("suggestions after an unhappy answer")
		}
		for name, c := range map[string]int64{"Bob (no consent)": sh.bob, "Dora (open complaint)": dora, "Erin (opted out)": erin} {
			if shown(thanks(c, "10")) {
				t.Errorf("%s is shown suggestions on the thank-you page", name)
			}
		}
		// The page's stop button: one click, no login.
		action := regexp.MustCompile(`action="(/p/[^"]+/suggestions-off)"`).FindStringSubmatch(page)
		if action == nil {
			t.Fatalf("no stop button:\n%s", page)
		}
		if res := f.do(request{method: "POST", path: action[1]}); res.Code != 303 {
			t.Fatalf("stop from the thank-you page: %s", res)
		}
		if shown(thanks(sh.alice, "9")) {
			t.Error("suggestions after the customer stopped them")
		}
		f.call(manager, "PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", sh.alice), map[string]any{"opted_out": false}, 200)

		// The invitation e-mail, sent by a rule on a purchase.
		f.call(manager, "POST", fmt.Sprintf("/api/v1/surveys/%d/invitation-rules", sv), map[string]any{"trigger": "purchase", "channel": "email"}, 201)
		if _, err := db.Exec(ctx, `DELETE FROM customer_contacts`); err != nil {
			t.Fatal(err)
		}
		runCtx, stop := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- f.app.Queue.Run(runCtx) }()
		t.Cleanup(func() { stop(); <-done })
		invite := func(customers ...int64) {
			t.Helper()
			for _, c := range customers {
				f.call(manager, "POST", "/api/v1/purchases", map[string]any{"customer_id": c, "purchased_at": time.Now().UTC().Format(time.RFC3339Nano),
					"lines": []map[string]any{{"sku": "BAG", "quantity": 1, "unit_price": "1.00"}}}, 201)
			}
			f.call(manager, "POST", "/api/v1/invitations:sweep", nil, 200)
		}
		mails := map[string]string{}
		received := func(to ...string) {
			t.Helper()
			waitUntil(t, fmt.Sprint("invitations to ", to), func() bool {
				for _, m := range smtp.Messages() {
					_, text, _, err := m.Read()
					if err != nil {
						t.Fatal(err)
					}
					mails[m.To[0]] = text
				}
				for _, who := range to {
					if _, ok := mails[who]; !ok {
						return false
					}
				}
				return true
			})
		}
		setSwitch(&no)
		invite(sh.zed) // the Zed of the shop: a Teapot and a Saucer, consenting
		received("zed@example.com")
		if text := mails["zed@example.com"]; text == "" || strings.Contains(text, "You might also like") {
			t.Fatalf("Zed's invitation with the switch off (mails to %v):\n%s", slices.Collect(maps.Keys(mails)), text)
		}
		setSwitch(&yes)
		invite(sh.alice, sh.bob, dora, erin)
		received("alice@example.com", "bob@example.com", "dora@example.com", "erin@example.com")
		text := mails["alice@example.com"]
		if !strings.Contains(text, "You might also like") || !strings.Contains(text, "Teacup (Because you bought the Blue Teapot)") {
			t.Fatalf("Alice's invitation has no suggestions:\n%s", text)
		}
		for _, other := range sh.others {
			if strings.Contains(text, other) && !strings.Contains("care@shop.example", other) {
				t.Errorf("Alice's invitation names another customer (%q)", other)
			}
		}
		for _, who := range []string{"bob@example.com", "dora@example.com", "erin@example.com"} {
			if body, ok := mails[who]; !ok || strings.Contains(body, "You might also like") {
				t.Errorf("%s's invitation (received %v) carries suggestions:\n%s", who, ok, body)
			}
		}
		// The mail's stop link: a GET asks and changes nothing; its button stops.
		link := stopLink.FindStringSubmatch(text)
		if link == nil {
			t.Fatalf("no stop link in:\n%s", text)
		}
		optedOut := func() bool {
			l := f.call(manager, "GET", fmt.Sprintf("/api/v1/customers/%d/suggestions", sh.alice), nil, 200)
			return l["withheld"] == fresco.SuggestionsOptedOut
		}
		if res := f.do(request{method: "GET", path: link[1]}); res.Code != 200 || !strings.Contains(string(res.Body), `id="stop-suggestions"`) || optedOut() {
			t.Fatalf("GET of the stop link: %s", res)
		}
		if res := f.do(request{method: "POST", path: link[1]}); res.Code != 303 || !optedOut() {
			t.Fatalf("the stop link's button: %s", res)
		}
		if res := f.do(request{method: "GET", path: link[1]}); !strings.Contains(string(res.Body), `id="suggestions-stopped"`) {
			t.Errorf("the stop link once stopped: %s", res)
		}
		// The customer's data says so, and what would be suggested and why.
		export := f.call(owner, "GET", fmt.Sprintf("/api/v1/customers/%d/export", sh.alice), nil, 200)
		if rows := export["tables"].(map[string]any)["suggestion_opt_outs"].([]any); len(rows) != 1 {
			t.Errorf("export: opt-outs %v", rows)
		}
		if s := export["suggestions"].(map[string]any); s["withheld"] != fresco.SuggestionsOptedOut {
			t.Errorf("export: suggestions %v", s)
		}
		f.call(manager, "PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", sh.alice), map[string]any{"opted_out": false}, 200)
		export = f.call(owner, "GET", fmt.Sprintf("/api/v1/customers/%d/export", sh.alice), nil, 200)
		var reasons []string
		for _, it := range export["suggestions"].(map[string]any)["items"].([]any) {
			reasons = append(reasons, it.(map[string]any)["reason"].(string))
		}
		if len(reasons) == 0 || slices.ContainsFunc(reasons, func(r string) bool { return r != "Because you bought the Blue Teapot" }) {
			t.Errorf("export: suggestion reasons %v", reasons)
		}
		// Erased with the customer.
		f.call(manager, "PUT", fmt.Sprintf("/api/v1/customers/%d/suggestions/opt-out", erin), map[string]any{"opted_out": true}, 200)
		f.call(owner, "DELETE", fmt.Sprintf("/api/v1/customers/%d", erin), nil, 200)
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestion_opt_outs WHERE customer_id = ?`, erin).Scan(&n); err != nil || n != 0 {
			t.Errorf("Erin's opt-out after erasure: %d rows (%v)", n, err)
		}
	})
}
