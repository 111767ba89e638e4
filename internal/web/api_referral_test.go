package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// referralFixture is the API fixture sending to a local SMTP receiver
// with its queue running, its links under https://fresco.example.
func referralFixture(t *testing.T, db *store.DB) (*fixture, *notifytest.SMTPServer) {
	t.Helper()
	smtp := notifytest.StartSMTP(t)
	f := newFixture(t, db, func(c *app.Config) {
		c.SMTP = notify.SMTPConfig{Addr: smtp.Addr, From: "Café Nord <hello@cafe.example>"}
		c.BaseURL, c.QueuePollInterval, c.DisableDigest = "https://fresco.example", 20*time.Millisecond, true
	})
	runQueue(t, f.app)
	return f, smtp
}

var mailedLink = regexp.MustCompile(`https://fresco\.example/r/([0-9A-Z]{16})`)

// Referrals on purpose, through the API on both engines: a consenting
// promoter's answer brings a code and a thank-you mail with its link (to
// the SMTP receiver); nobody else gets one; a purchase with the code sets
// the buyer's referred_by; the owner's own, unknown, malformed and revoked
// codes are 422s naming referral_code; the link's page records a newcomer
// as referred; and the value summary's referral share is worked by hand.
func TestReferralCodes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f, smtp := referralFixture(t, db)
		customer := func(body string) int64 {
			return id(t, f.call(fresco.RoleAgent, "POST", "/api/v1/customers", body, 201))
		}
		pia := customer(`{"name":"Pia Promoter","email":"pia@example.com","consent_referral":true}`)
		quinn := customer(`{"name":"Quinn","email":"quinn@example.com"}`)
		newton := customer(`{"name":"Newton"}`)
		olive := customer(`{"name":"Olive"}`)
		issue := func(c int64) *response {
			return f.do(request{method: "POST", path: fmt.Sprintf("/api/v1/customers/%d/referral-codes", c), role: fresco.RoleAgent})
		}
		// Consent without a promoter's answer, and an answer without consent.
		if e := problem(t, issue(pia), 422); !strings.Contains(e["body.customer_id"], "not a promoter") {
			t.Errorf("not yet a promoter: %v", e)
		}
		answer := func(c int64, score int) {
			f.call(fresco.RoleAgent, "POST", "/api/v1/responses", map[string]any{"customer_id": c, "listening_post": "satisfaction_card",
				"answers": []any{map[string]any{"type": "nps", "score": score}}}, 201)
		}
		answer(quinn, 10)
		if e := problem(t, issue(quinn), 422); e["body.consent_referral"] == "" {
			t.Errorf("no consent: %v", e)
		}
		// Pia answers 10: the loop thanks her with her link.
		answer(pia, 10)
		waitUntil(t, "the thank-you mail", func() bool { return len(smtp.Messages()) >= 1 })
		header, text, _, err := smtp.Messages()[0].Read()
		if err != nil {
			t.Fatal(err)
		}
		link := mailedLink.FindStringSubmatch(text)
		if header.Get("To") != "<pia@example.com>" || !strings.HasPrefix(header.Get("Subject"), "Thank you for recommending") || link == nil ||
			!strings.Contains(text, "your code "+link[1]) {
			t.Fatalf("thank-you mail to %q, subject %q:\n%s", header.Get("To"), header.Get("Subject"), text)
		}
		code := link[1]
		codes := f.call(fresco.RoleAgent, "GET", fmt.Sprintf("/api/v1/customers/%d/referral-codes", pia), nil, 200)["items"].([]any)
		first := codes[0].(map[string]any)
		if len(codes) != 1 || first["code"] != code || first["live"] != true || first["created_by"] != nil ||
			first["link"] != "https://fresco.example/r/"+code {
			t.Fatalf("Pia's codes %v, mailed %s", codes, code)
		}
		// Issuing again hands back the live code.
		if again := issue(pia); again.Code != 200 || again.JSON(t)["code"] != code {
			t.Fatalf("second issue %s", again)
		}
		// Nobody else was mailed: Quinn answered 10 without consent.
		if n := len(smtp.Messages()); n != 1 {
			t.Errorf("%d mails, want Pia's only", n)
		}

		buy := func(c int64, ref string) *response {
			return f.do(request{method: "POST", path: "/api/v1/purchases", role: fresco.RoleAgent, body: map[string]any{
				"customer_id": c, "purchased_at": "2026-11-02T10:00:00Z", "referral_code": ref,
				"lines": []any{map[string]any{"sku": "LATTE", "quantity": 2, "unit_price": "3.00"}}}})
		}
		// Typed by hand at the till: lower case, in groups.
		typed := strings.ToLower(code[:4] + "-" + code[4:8] + " " + code[8:])
		if res := buy(newton, typed); res.Code != 201 {
			t.Fatalf("purchase with the code: %s", res)
		}
		if got := f.call(fresco.RoleAgent, "GET", fmt.Sprintf("/api/v1/customers/%d", newton), nil, 200)["referred_by"]; got != float64(pia) {
			t.Errorf("Newton referred_by = %v, want %d", got, pia)
		}
		for _, c := range []struct {
			who       int64
			code, say string
		}{
			{pia, code, "themselves"},
			{olive, "ZZZZZZZZZZZZZZZZ", "not a referral code of this business"},
			{olive, "abc", "16 letters and digits"},
		} {
			e := problem(t, buy(c.who, c.code), 422)
			if !strings.Contains(e["body.referral_code"], c.say) {
				t.Errorf("code %q for %d: %v, want %q", c.code, c.who, e, c.say)
			}
		}
		// The landing page of the link greets by first name and records a
		// newcomer as referred by Pia.
		page := f.do(request{method: "GET", path: "/r/" + code})
		if page.Code != 200 || !strings.Contains(string(page.Body), "Pia thinks you would like") {
			t.Fatalf("referral page %s", page)
		}
		form := url.Values{"name": {"Nina Newcomer"}, "email": {"nina@example.com"}, "consent_surveys": {"1"}}
		joined := f.do(request{method: "POST", path: "/r/" + code, body: form.Encode(),
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
		if joined.Code != 200 || !strings.Contains(string(joined.Body), "came through Pia") {
			t.Fatalf("join %s", joined)
		}
		nina, _, err := db.ListCustomers(context.Background(), store.CustomerFilter{Search: "Nina", Limit: 5})
		if err != nil || len(nina) != 1 || nina[0].ReferredBy == nil || *nina[0].ReferredBy != pia ||
			nina[0].AcquisitionSource != "referral" || !nina[0].ConsentSurveys || nina[0].ConsentMarketing {
			t.Fatalf("the newcomer: %+v, %v", nina, err)
		}
		bad := f.do(request{method: "POST", path: "/r/" + code, body: "name=X&email=not-an-address",
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
		if bad.Code != 422 || !strings.Contains(string(bad.Body), "must be an e-mail address") {
			t.Errorf("bad e-mail on the page: %s", bad)
		}
		// A German browser gets the page in German (the business writes
		// en-US), its refusal too; French as a second choice is passed over.
		german := http.Header{"Accept-Language": {"de-AT,fr;q=0.5"}}
		if page := f.do(request{method: "GET", path: "/r/" + code, header: german}); page.Code != 200 ||
			!strings.Contains(string(page.Body), `<html lang="de">`) || !strings.Contains(string(page.Body), "Pia meint, ") ||
			!strings.Contains(string(page.Body), `>Anmelden</button>`) || strings.Contains(string(page.Body), "would like") {
			t.Errorf("German referral page %s", page)
		}
		german.Set("Content-Type", "application/x-www-form-urlencoded")
		if bad := f.do(request{method: "POST", path: "/r/" + code, body: "name=X&email=not-an-address", header: german}); bad.Code != 422 ||
			!strings.Contains(string(bad.Body), "Bitte geben Sie eine gültige E-Mail-Adresse an.") || strings.Contains(string(bad.Body), "must be") {
			t.Errorf("bad e-mail on the German page: %s", bad)
		}
		german.Del("Content-Type")

		// Revoked: refused at the till and on the page; a new code differs.
		revoked := f.call(fresco.RoleAgent, "POST", "/api/v1/referral-codes/"+strings.ToLower(code)+"/revoke", nil, 200)
		if revoked["live"] != false || revoked["revoked_at"] == nil {
			t.Fatalf("revoked %v", revoked)
		}
		if e := problem(t, buy(olive, code), 422); !strings.Contains(e["body.referral_code"], "was revoked") {
			t.Errorf("revoked code: %v", e)
		}
		if page := f.do(request{method: "GET", path: "/r/" + code}); page.Code != 404 || strings.Contains(string(page.Body), "Pia") {
			t.Errorf("revoked link page %s", page)
		}
		if page := f.do(request{method: "GET", path: "/r/" + code, header: german}); page.Code != 404 ||
			!strings.Contains(string(page.Body), "Dieser Link ist nicht gültig") {
			t.Errorf("revoked link page in German %s", page)
		}
		fresh := issue(pia)
		if fresh.Code != 201 || fresh.JSON(t)["code"] == code {
			t.Errorf("new code after revoking: %s", fresh)
		}
		// Withdrawn consent takes the live code with it.
		f.call(fresco.RoleAgent, "PATCH", fmt.Sprintf("/api/v1/customers/%d", pia), `{"consent_referral":false}`, 200)
		for _, c := range f.call(fresco.RoleAgent, "GET", fmt.Sprintf("/api/v1/customers/%d/referral-codes", pia), nil, 200)["items"].([]any) {
			if c.(map[string]any)["live"] != false {
				t.Errorf("a live code after consent was withdrawn: %v", c)
			}
		}

		// The value summary: Pia 100.00, Newton 60.00 (referred), Olive
		// 40.00; Nina has bought nothing and has no value row. Referred
		// share 1 ÷ 3 = 0.3333; referral value 60.00, 60 ÷ 200 = 0.3 of
		// historical value.
		var values []*fresco.CustomerValue
		at := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
		for c, v := range map[int64]fresco.Money{pia: 10000, newton: 6000, olive: 4000} {
			values = append(values, &fresco.CustomerValue{CustomerID: c, HistoricalValue: v, FirstPurchase: at, LastPurchase: at,
				ComputedAt: at, Segment: "new"})
		}
		if err := db.ReplaceCustomerValues(context.Background(), values, nil); err != nil {
			t.Fatal(err)
		}
		totals := f.call(fresco.RoleAnalyst, "GET", "/api/v1/clv/summary", nil, 200)["totals"].(map[string]any)
		if totals["customers"] != 3.0 || totals["referred_customers"] != 1.0 || totals["referral_share"] != 0.3333 ||
			totals["referral_value"] != 60.0 || totals["referral_value_share"] != 0.3 {
			t.Errorf("totals %v", totals)
		}
		analyst := apptest.Session(t, db, f.employee("referral-analyst@example.com", fresco.RoleAnalyst, "").ID)
		valuePage := f.do(request{method: "GET", path: "/value", cookie: analyst})
		if !strings.Contains(string(valuePage.Body), `<dd id="clv-referred">33% <small>1 customer, who brought`) ||
			!strings.Contains(string(valuePage.Body), "(30% of historical value)") {
			t.Errorf("the value page's referral figures: %s", valuePage)
		}
		// A business that writes French answers a browser that names no
		// language it speaks in French; an English browser still in English.
		f.call(fresco.RoleOwner, "PUT", "/api/v1/settings", `{"business_name":"Café Nord","currency":{"code":"EUR","symbol":"€","decimals":2},"time_zone":"UTC","locale":"fr-FR","business_hours":{"monday":[{"start":"09:00","end":"17:00"}]}}`, 200)
		for accept, want := range map[string]string{"": `<html lang="fr">`, "nl": `<html lang="fr">`, "en-GB,fr;q=0.8": "This link is not valid"} {
			if page := f.do(request{method: "GET", path: "/r/" + code, header: http.Header{"Accept-Language": {accept}}}); page.Code != 404 ||
				!strings.Contains(string(page.Body), want) {
				t.Errorf("Accept-Language %q, business fr-FR: want %q in %s", accept, want, page)
			}
		}
	})
}

// referralMatrix is the role matrix of referral codes: the seed customer
// has not agreed to a code (422 for those allowed to ask) and no code
// ZZZZ… was issued (404).
func referralMatrix(s seed) []endpoint {
	none := func(fresco.Role) any { return nil }
	return []endpoint{
		{"GET", fmt.Sprintf("/api/v1/customers/%d/referral-codes", s.customer), none, 200, everyone},
		{"POST", fmt.Sprintf("/api/v1/customers/%d/referral-codes", s.customer), none, 422, writers},
		{"POST", "/api/v1/referral-codes/ZZZZZZZZZZZZZZZZ/revoke", none, 404, writers},
	}
}

// Staff see and issue a promoter's referral link on the customer page, and
// revoke it there; a customer who has not agreed shows why there is none.
func TestReferralOnCustomerPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		agent := apptest.Session(t, db, f.employee("referral-agent@example.com", fresco.RoleAgent, "").ID)
		pia := id(t, f.call(fresco.RoleAgent, "POST", "/api/v1/customers", `{"name":"Pia","consent_referral":true}`, 201))
		quinn := id(t, f.call(fresco.RoleAgent, "POST", "/api/v1/customers", `{"name":"Quinn"}`, 201))
		for _, c := range []int64{pia, quinn} {
			f.call(fresco.RoleAgent, "POST", "/api/v1/responses", map[string]any{"customer_id": c, "listening_post": "satisfaction_card",
				"answers": []any{map[string]any{"type": "nps", "score": 9}}}, 201)
		}
		page := func(c int64) string {
			res := f.do(request{method: "GET", path: fmt.Sprintf("/customers/%d", c), cookie: agent})
			if res.Code != 200 {
				t.Fatalf("customer page %s", res)
			}
			return string(res.Body)
		}
		post := func(path, form string) {
			res := f.do(request{method: "POST", path: path, cookie: agent, body: form,
				header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
			if res.Code != http.StatusSeeOther {
				t.Fatalf("POST %s = %s", path, res)
			}
		}
		if body := page(quinn); !strings.Contains(body, `id="referral-why-not"`) || !strings.Contains(body, "has not agreed") {
			t.Errorf("Quinn's page does not say why there is no link")
		}
		if body := page(pia); !strings.Contains(body, `id="referral-issue"`) {
			t.Fatalf("no button to give Pia a link")
		}
		post(fmt.Sprintf("/customers/%d/referral", pia), "")
		body := page(pia)
		codes := f.call(fresco.RoleAgent, "GET", fmt.Sprintf("/api/v1/customers/%d/referral-codes", pia), nil, 200)["items"].([]any)
		code := codes[0].(map[string]any)["code"].(string)
		if !strings.Contains(body, `<dd class="mono" id="referral-code">`+code+`</dd>`) || !strings.Contains(body, "/r/"+code) {
			t.Fatalf("Pia's page does not show her code %s", code)
		}
		post(fmt.Sprintf("/customers/%d/referral/revoke", pia), "code="+code)
		body = page(pia)
		if strings.Contains(body, `id="referral-code"`) || !strings.Contains(body, "1 revoked before") || !strings.Contains(body, `id="referral-issue"`) {
			t.Errorf("after revoking, the page still shows a live code or no way to issue one")
		}
		// Another customer's code cannot be revoked from this page.
		res := f.do(request{method: "POST", path: fmt.Sprintf("/customers/%d/referral/revoke", quinn), cookie: agent, body: "code=" + code,
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
		if res.Code == http.StatusSeeOther {
			t.Errorf("revoking Pia's code from Quinn's page: %s", res)
		}
	})
}
