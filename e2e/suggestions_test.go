package e2e

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app/apptest"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/prefs"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestBrowserSuggestionWithReason: an agent opens the profile of a
// customer who agreed to suggestions and sees one with its reason in
// words; the customer stops them with one click on their preference page,
// and the profile then says why there are none.
func TestBrowserSuggestionWithReason(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bctx, jsErrors := browser(t, ctx)

	db := storetest.Open(t, storetest.SQLiteURL(t))
	s := seed(t, db) // the logins; Ada has not agreed to suggestions
	a := apptest.New(t, db)
	ts := httptest.NewServer(a.Server)
	defer ts.Close()
	defer a.Server.CloseStreams()

	// Six customers bought the teapot with the cosy; Lin bought the teapot.
	n := 0
	buy := func(c *fresco.Customer, skus ...string) {
		n++
		p := &fresco.Purchase{CustomerID: &c.ID, PurchasedAt: time.Now().UTC().AddDate(0, 0, -n)}
		for _, sku := range skus {
			p.Lines = append(p.Lines, fresco.PurchaseLine{SKU: sku, Description: sku, Quantity: 1, UnitPrice: 1200})
		}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, pr := range []*fresco.Product{{SKU: "TEAPOT", Name: "Blue Teapot"}, {SKU: "COSY", Name: "Knitted Tea Cosy"}} {
		if err := db.CreateProduct(ctx, pr); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 {
		c := &fresco.Customer{Name: fmt.Sprintf("Regular %d", i), Email: fmt.Sprintf("regular%d@example.com", i), ConsentPersonalisation: true}
		if err := db.CreateCustomer(ctx, c); err != nil {
			t.Fatal(err)
		}
		buy(c, "TEAPOT", "COSY")
	}
	lin := &fresco.Customer{Name: "Lin Wei", Email: "lin@example.com", ConsentPersonalisation: true}
	if err := db.CreateCustomer(ctx, lin); err != nil {
		t.Fatal(err)
	}
	buy(lin, "TEAPOT")
	if _, err := a.Suggestions.Retrain(ctx); err != nil {
		t.Fatal(err)
	}

	st := steps{t, bctx}
	load, text := st.load, st.text
	load("open the login page", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", ts.URL, lin.ID)))
	st.login("sam@example.com")
	got := text("#suggestions")
	if !strings.Contains(got, "Knitted Tea Cosy") || !strings.Contains(got, "Because you bought the Blue Teapot") {
		t.Fatalf("Lin's suggestions: %q", got)
	}
	for i := range 6 {
		if strings.Contains(got, fmt.Sprintf("Regular %d", i)) {
			t.Errorf("a suggestion names another customer: %q", got)
		}
	}
	shot(t, bctx, filepath.Join(os.TempDir(), "fresco-e2e-suggestions.png"))
	load("open Ada's profile", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", ts.URL, s.ada.ID)))
	if got := text("#suggestions"); !strings.Contains(got, "has not agreed to personalised suggestions") {
		t.Errorf("Ada's suggestions section: %q", got)
	}

	// Lin stops suggestions from the preference page of her e-mails' link.
	token, err := prefs.New(db).Token(lin.ID, prefs.ScopeAll)
	if err != nil {
		t.Fatal(err)
	}
	load("open Lin's preference page", chromedp.Navigate(ts.URL+prefs.PreferencesPath(token)))
	load("stop suggestions", chromedp.Click(chromedp.ID("stop-suggestions")))
	if got := text("#suggestions-stopped"); !strings.Contains(got, "no suggestions") {
		t.Errorf("after stopping: %q", got)
	}
	load("open Lin's profile again", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", ts.URL, lin.ID)))
	if got := text("#suggestions"); !strings.Contains(got, "asked not to receive suggestions") || strings.Contains(got, "Because") {
		t.Errorf("Lin's profile after she opted out: %q", got)
	}
	if errs := jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
