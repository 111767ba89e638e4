package e2e

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/notify/notifytest"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserPreferencePageFromEmail: a customer opens the preference page
// from the link in an e-mail they received, turns marketing off and sees
// it saved; on a 390 px phone they turn it back on and choose Spanish, and
// the page fits the screen and answers in Spanish.
func TestBrowserPreferencePageFromEmail(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	smtp := notifytest.StartSMTP(t)
	ts := httptest.NewUnstartedServer(nil)
	ts.Start()
	defer ts.Close()
	a := apptest.New(t, db, func(c *app.Config) {
		c.SMTP = notify.SMTPConfig{Addr: smtp.Addr, From: "Care <care@shop.example>"}
		c.BaseURL, c.QueuePollInterval, c.DisableDigest = ts.URL, 20*time.Millisecond, true
	})
	ts.Config.Handler = a.Server
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.Queue.Run(runCtx) }()
	defer func() { stop(); <-done }()

	ada := &fresco.Customer{Name: "Ada Lovelace", Email: "ada@example.com", ConsentSurveys: true, ConsentMarketing: true}
	if err := db.CreateCustomer(ctx, ada); err != nil {
		t.Fatal(err)
	}
	m := &fresco.EmailMessage{CustomerID: &ada.ID, Purpose: fresco.EmailPurposeCaseReply, Subject: "About your order", Body: "It is on its way."}
	if err := db.InTx(ctx, func(tx *store.Tx) error { return a.Notifier.QueueCustomerMail(ctx, tx, m) }); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(30 * time.Second); len(smtp.Messages()) == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the e-mail never arrived")
		}
	}
	_, text, _, err := smtp.Messages()[0].Read()
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(`(?m)^Unsubscribe or change your e-mail preferences:\n(\S+)$`).FindStringSubmatch(text)
	if found == nil {
		t.Fatalf("no preference link in the e-mail:\n%s", text)
	}
	link := found[1]
	stored := func() *fresco.Customer {
		c, err := db.Customer(ctx, ada.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	st := steps{t, bctx}
	do, load, text2 := st.do, st.load, st.text
	checked := func(id string) bool {
		return st.get("is "+id+" checked", chromedp.Evaluate[string](`String(document.getElementById("`+id+`").checked)`)) == "true"
	}

	load("open the link from the e-mail", chromedp.Navigate(link))
	if !checked("consent_marketing") || !checked("consent_surveys") {
		t.Fatal("the page does not show Ada's consents")
	}
	do("turn marketing off", chromedp.Click(chromedp.ID("consent_marketing")))
	load("save", chromedp.Click(chromedp.ID("save")))
	if got := text2("#saved"); got != "Your preferences have been saved." {
		t.Fatalf("after saving: %q", got)
	}
	if c := stored(); c.ConsentMarketing || !c.ConsentSurveys {
		t.Fatalf("stored marketing %v, surveys %v; want marketing off only", c.ConsentMarketing, c.ConsentSurveys)
	}
	if checked("consent_marketing") {
		t.Error("the saved page shows marketing still on")
	}

	do("take a phone's screen", chromedp.EmulateViewport(390, 844))
	load("open the link on the phone", chromedp.Navigate(link))
	st.fits("the preference page")
	do("turn marketing back on and choose Spanish", chromedp.Click(chromedp.ID("consent_marketing")),
		chromedp.SetValue(chromedp.ID("locale"), "es"))
	load("save on the phone", chromedp.Click(chromedp.ID("save")))
	st.fits("the saved preference page")
	shot(t, bctx, filepath.Join(os.TempDir(), "fresco-e2e-preferences-phone.png"))
	if got := text2("#saved"); got != "Sus preferencias se han guardado." {
		t.Fatalf("after saving in Spanish: %q", got)
	}
	if c := stored(); !c.ConsentMarketing || c.Locale != "es" {
		t.Fatalf("stored marketing %v, locale %q", c.ConsentMarketing, c.Locale)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
