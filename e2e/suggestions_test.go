package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/app"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/prefs"
	"github.com/fresco-cx/fresco/internal/settings"
	"github.com/fresco-cx/fresco/internal/store"
)

// TestBrowserSuggestionWithReason: an agent opens the profile of a
// customer who agreed to suggestions and sees one with its reason in
// words; the customer stops them with one click on their preference page,
// and the profile then says why there are none.
func TestBrowserSuggestionWithReason(t *testing.T) {
	st := newStage(t) // the logins; Ada has not agreed to suggestions
	db, a := st.db, st.app
	lin := teapotShop(t, db, a)

	load, text := st.load, st.text
	load("open the login page", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", st.base, lin.ID)))
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
	shot(t, st.ctx, filepath.Join(os.TempDir(), "fresco-e2e-suggestions.png"))
	load("open Ada's profile", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", st.base, st.s.ada.ID)))
	if got := text("#suggestions"); !strings.Contains(got, "has not agreed to personalised suggestions") {
		t.Errorf("Ada's suggestions section: %q", got)
	}

	// Lin stops suggestions from the preference page of her e-mails' link.
	token, err := prefs.New(db).Token(lin.ID, prefs.ScopeAll)
	if err != nil {
		t.Fatal(err)
	}
	load("open Lin's preference page", chromedp.Navigate(st.base+prefs.PreferencesPath(token)))
	load("stop suggestions", chromedp.Click(chromedp.ID("stop-suggestions")))
	if got := text("#suggestions-stopped"); !strings.Contains(got, "no suggestions") {
		t.Errorf("after stopping: %q", got)
	}
	load("open Lin's profile again", chromedp.Navigate(fmt.Sprintf("%s/customers/%d", st.base, lin.ID)))
	if got := text("#suggestions"); !strings.Contains(got, "asked not to receive suggestions") || strings.Contains(got, "Because") {
		t.Errorf("Lin's profile after she opted out: %q", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}

// teapotShop is six customers who bought the Blue Teapot with the Knitted
// Tea Cosy, and Lin Wei, who bought the teapot; the model trained.
func teapotShop(t *testing.T, db *store.DB, a *app.App) *fresco.Customer {
	t.Helper()
	ctx := context.Background()
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
	lin := &fresco.Customer{Name: "Lin Wei", Email: "lin@example.com", ConsentPersonalisation: true, ConsentSurveys: true}
	if err := db.CreateCustomer(ctx, lin); err != nil {
		t.Fatal(err)
	}
	buy(lin, "TEAPOT")
	if _, err := a.Suggestions.Retrain(ctx); err != nil {
		t.Fatal(err)
	}
	return lin

}

// TestBrowserSuggestionsOnThankYouPage: with the owner's switch on, Lin
// answers her survey link and the thank-you page suggests the tea cosy
// with its reason; one click on "Stop these suggestions" stops them, and
// her preference page says so.
func TestBrowserSuggestionsOnThankYouPage(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a := st.db, st.app
	lin := teapotShop(t, db, a)
	set, err := a.Settings.Get(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.SuggestionsToCustomers = true
	if _, err := a.Settings.Update(ctx, settings.Actor{Ref: "cli", Role: fresco.RoleOwner}, set, settings.Any); err != nil {
		t.Fatal(err)
	}
	post, err := db.ListeningPostBySlug(ctx, "survey")
	if err != nil {
		t.Fatal(err)
	}
	sv := &fresco.Survey{Slug: "after-tea", Name: "After your tea", PostID: post.ID, Active: true,
		Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}
	if err := db.CreateSurvey(ctx, sv); err != nil {
		t.Fatal(err)
	}
	inv, err := a.Feedback.CreateInvitation(ctx, feedback.InvitationInput{SurveyID: sv.ID, CustomerID: &lin.ID})
	if err != nil {
		t.Fatal(err)
	}

	do, load, text := st.do, st.load, st.text
	load("open her survey link", chromedp.Navigate(st.base+inv.Path))
	do("answer 9", chromedp.Click(chromedp.CSS(`input[name=q_nps][value="9"] + span`)))
	load("send", chromedp.Click(chromedp.CSS(`button[type=submit]`)))
	got := text("#suggestions")
	if !strings.Contains(got, "Knitted Tea Cosy") || !strings.Contains(got, "Because you bought the Blue Teapot") || strings.Contains(got, "Regular") {
		t.Fatalf("the thank-you page's suggestions: %q", got)
	}
	shot(t, st.ctx, filepath.Join(os.TempDir(), "fresco-e2e-thanks.png"))
	load("stop them", chromedp.Click(chromedp.ID("stop-suggestions")))
	if got := text("#suggestions-stopped"); !strings.Contains(got, "no suggestions") {
		t.Errorf("after stopping: %q", got)
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM suggestion_opt_outs WHERE customer_id = ?`, lin.ID).Scan(&n); err != nil || n != 1 {
		t.Errorf("opt-outs %d (%v), want 1", n, err)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
