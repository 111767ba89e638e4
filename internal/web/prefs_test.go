package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
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
	"github.com/fresco-cx/fresco/internal/settings"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// customerMailServer is Fresco on a real listener, its public URL as
// --base-url, sending to a local SMTP receiver with its queue running.
func customerMailServer(t *testing.T, db *store.DB) (*app.App, *httptest.Server, *notifytest.SMTPServer) {
	t.Helper()
	smtp := notifytest.StartSMTP(t)
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	t.Cleanup(ts.Close)
	a := apptest.New(t, db, func(c *app.Config) {
		c.SMTP = notify.SMTPConfig{Addr: smtp.Addr, From: "Hotel du Lac <care@hotel.example>"}
		c.BaseURL, c.QueuePollInterval, c.DisableDigest = ts.URL, 20*time.Millisecond, true
	})
	ts.Config.Handler = a.Server
	runQueue(t, a)
	return a, ts, smtp
}

// runQueue runs the app's job queue until the test ends.
func runQueue(t *testing.T, a *app.App) {
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Queue.Run(ctx) }()
	t.Cleanup(func() { stop(); <-done })
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

var footerLink = regexp.MustCompile(`(?m)^Se désabonner ou modifier vos préférences d'e-mail :\n(\S+)$`)

// A survey invitation received over SMTP carries List-Unsubscribe with
// one-click (RFC 8058) and, in its text and HTML, the footer link to the
// preference page, in the customer's language and the brand colour. The
// one-click POST — cross-site, as mail providers send it — turns survey
// consent off; a GET only asks; the preference page saves from its own
// form but refuses another site's; forged links get a 404 page. The
// customer's page lists the mail with its status and a failed send's
// error.
func TestCustomerMailUnsubscribesInOneClick(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		a, ts, smtp := customerMailServer(t, db)
		cur, err := a.Settings.Get(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cur.BusinessName, cur.BrandColour = "Hôtel du Lac", "#ffd700" // gold: too light for text on white
		if _, err := a.Settings.Update(ctx, settings.Actor{Ref: "cli", Role: fresco.RoleOwner}, cur, settings.Any); err != nil {
			t.Fatal(err)
		}
		ada := &fresco.Customer{Name: "Ada", Email: "ada@example.com", Locale: "fr",
			ConsentSurveys: true, ConsentMarketing: true, ConsentPersonalisation: true}
		if err := db.CreateCustomer(ctx, ada); err != nil {
			t.Fatal(err)
		}
		m := &fresco.EmailMessage{CustomerID: &ada.ID, Purpose: fresco.EmailPurposeInvitation,
			Subject: "Votre séjour", Body: "Dites-nous comment c'était."}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return a.Notifier.QueueCustomerMail(ctx, tx, m) }); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the invitation", func() bool { return len(smtp.Messages()) == 1 })
		header, text, html, err := smtp.Messages()[0].Read()
		if err != nil {
			t.Fatal(err)
		}
		unsub := header.Get("List-Unsubscribe")
		if !strings.HasPrefix(unsub, "<"+ts.URL+"/u/") || !strings.HasSuffix(unsub, ">") ||
			header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Fatalf("List-Unsubscribe %q, -Post %q", unsub, header.Get("List-Unsubscribe-Post"))
		}
		unsub = strings.Trim(unsub, "<>")
		found := footerLink.FindStringSubmatch(text)
		if found == nil {
			t.Fatalf("no French footer link in the text:\n%s", text)
		}
		prefsURL := found[1]
		if !strings.HasPrefix(prefsURL, ts.URL+"/p/") || !strings.Contains(html, `href="`+prefsURL+`"`) {
			t.Fatalf("preference link %q; HTML:\n%s", prefsURL, html)
		}
		gold := fresco.PaletteOf("#ffd700")
		if !strings.Contains(html, "border-top:4px solid #ffd700") || !strings.Contains(html, "color:"+gold.Ink) ||
			fresco.ContrastOf(gold.Ink, "#ffffff") < 4.5 {
			t.Errorf("the mail's accent is not the brand colour made readable (ink %s):\n%s", gold.Ink, html)
		}

		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		send := func(method, target, body string, header map[string]string) (int, string) {
			t.Helper()
			req, _ := http.NewRequest(method, target, strings.NewReader(body))
			if body != "" {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			for k, v := range header {
				req.Header.Set(k, v)
			}
			res, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			page, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(page)
		}
		consent := func() *fresco.Customer {
			c, err := db.Customer(ctx, ada.ID)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}

		if code, page := send("GET", prefsURL, "", nil); code != 200 || !strings.Contains(page, `id="preferences"`) ||
			!strings.Contains(page, "Vos préférences") || !strings.Contains(page, "Hôtel du Lac") {
			t.Fatalf("the footer link: %d\n%s", code, page)
		}
		if code, page := send("GET", unsub, "", nil); code != 200 || !strings.Contains(page, `id="unsubscribe"`) || !consent().ConsentSurveys {
			t.Fatalf("GET of the unsubscribe link: %d, consent %v\n%s", code, consent().ConsentSurveys, page)
		}
		crossSite := map[string]string{"Origin": "https://mail.example", "Sec-Fetch-Site": "cross-site"}
		if code, page := send("POST", unsub, "List-Unsubscribe=One-Click", crossSite); code != 200 || !strings.Contains(page, `id="done"`) {
			t.Fatalf("one-click POST: %d\n%s", code, page)
		}
		if c := consent(); c.ConsentSurveys || !c.ConsentMarketing {
			t.Fatalf("after the one-click POST: surveys %v, marketing %v; want only surveys off", c.ConsentSurveys, c.ConsentMarketing)
		}

		form := url.Values{"preferences": {"1"}, "consent_surveys": {"1"}, "locale": {"de"}}.Encode()
		if code, _ := send("POST", prefsURL, form, crossSite); code != http.StatusForbidden || !consent().ConsentMarketing {
			t.Fatalf("another site's POST to the preference page: %d, want 403 and nothing changed", code)
		}
		if code, _ := send("POST", prefsURL, "", map[string]string{"Sec-Fetch-Site": "same-origin"}); code != http.StatusBadRequest || !consent().ConsentMarketing {
			t.Fatalf("an empty POST to the preference page: %d, want 400 and nothing changed", code)
		}
		code, _ := send("POST", prefsURL, form, map[string]string{"Origin": ts.URL, "Sec-Fetch-Site": "same-origin"})
		if c := consent(); code != http.StatusSeeOther || !c.ConsentSurveys || c.ConsentMarketing || c.ConsentPersonalisation || c.Locale != "de" {
			t.Fatalf("saving the preference page: %d, %+v", code, c)
		}
		if code, page := send("GET", prefsURL+"?saved=1", "", nil); code != 200 || !strings.Contains(page, `id="saved"`) || !strings.Contains(page, `lang="de"`) {
			t.Errorf("after saving: %d\n%s", code, page)
		}

		forged := prefsURL[:len(prefsURL)-2] + "AA"
		for _, target := range []string{forged, ts.URL + "/p/nonsense", strings.Replace(forged, "/p/", "/u/", 1)} {
			for _, method := range []string{"GET", "POST"} {
				if code, page := send(method, target, "List-Unsubscribe=One-Click", nil); code != http.StatusNotFound || !strings.Contains(page, `id="message"`) {
					t.Errorf("%s %s = %d, want the 404 page\n%s", method, target, code, page)
				}
			}
		}

		// The customer's page lists the mail, and a failed send with its error.
		failed := &fresco.EmailMessage{CustomerID: &ada.ID, Purpose: fresco.EmailPurposeCaseReply, To: ada.Email, Subject: "Au sujet de votre plainte"}
		if err := db.InTx(ctx, func(tx *store.Tx) error { return tx.InsertEmail(ctx, failed) }); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordEmailAttempt(ctx, failed.ID, fresco.EmailFailed, "550 5.1.1 mailbox unavailable"); err != nil {
			t.Fatal(err)
		}
		owner := &fresco.Employee{Email: "owner@hotel.example", Name: "Olga", Role: fresco.RoleOwner, Active: true}
		if err := db.CreateEmployee(ctx, owner); err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/customers/%d", ts.URL, ada.ID), nil)
		req.AddCookie(apptest.Session(t, db, owner.ID))
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		section := string(page)
		if i := strings.Index(section, `id="customer-emails"`); i >= 0 {
			section = section[i:]
		}
		for _, want := range []string{"Votre séjour", "Au sujet de votre plainte", "550 5.1.1 mailbox unavailable", "Failed", "Sent", "Invitation"} {
			if !strings.Contains(section, want) {
				t.Errorf("the customer's e-mails lack %q:\n%.3000s", want, section)
			}
		}

		// Staff mail goes without either.
		if _, err := a.Notifier.Send(ctx, notify.Notification{Event: "case.escalated", EmployeeIDs: []int64{owner.ID},
			Subject: "Case 7 needs you", Body: "Have a look."}); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, "the staff mail", func() bool { return len(smtp.Messages()) == 2 })
		staffHeader, staffText, staffHTML, err := smtp.Messages()[1].Read()
		if err != nil {
			t.Fatal(err)
		}
		if staffHeader.Get("List-Unsubscribe") != "" || strings.Contains(staffText+staffHTML, "/p/") {
			t.Errorf("staff mail has customer links:\n%s", staffText)
		}
	})
}

// The brand colour is a setting (#RRGGBB, validated, stored lower-case)
// that the UI's pages wear as CSS variables, with text on it that reads.
func TestBrandColourSetting(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		bad := strings.Replace(parisSettings, `"locale":"fr-FR",`, `"locale":"fr-FR","brand_colour":"#ffd70",`, 1)
		if errs := problem(t, f.do(request{method: "PUT", path: "/api/v1/settings", role: fresco.RoleOwner, body: bad}),
			http.StatusUnprocessableEntity); errs["body.brand_colour"] == "" {
			t.Errorf("a bad colour: %v", errs)
		}
		gold := strings.Replace(bad, "#ffd70", "#FFD700", 1)
		f.call(fresco.RoleOwner, "PUT", "/api/v1/settings", gold, http.StatusOK)
		if got := f.call(fresco.RoleAgent, "GET", "/api/v1/settings", nil, http.StatusOK); got["brand_colour"] != "#ffd700" {
			t.Fatalf("read back %v", got["brand_colour"])
		}
		agent := f.employee("agent@hotel.example", fresco.RoleAgent, "")
		res := f.do(request{method: "GET", path: "/", cookie: apptest.Session(t, db, agent.ID)})
		p := fresco.PaletteOf("#ffd700")
		want := fmt.Sprintf("--accent-fill:%s;--on-accent:%s", p.Fill, p.OnFill)
		if res.Code != http.StatusOK || !strings.Contains(string(res.Body), want) || p.OnFill != fresco.DarkInk {
			t.Errorf("home page %d lacks %q", res.Code, want)
		}
	})
}
