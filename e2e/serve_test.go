package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/staff"
)

// TestBrowserBeforeYouServe: Rita buys Earl Grey tea every two weeks and
// the owner noted she prefers the window table and, as a sensitive health
// note, that she is allergic to nuts. At the counter the agent opens
// "Before you serve" from the menu, finds her by typing part of her name,
// and sees the window-table note (and only that a sensitive one exists),
// that she usually buys the tea, and the next best action "Due to buy
// again" with its reason. He notes that she doesn't want calls before 10,
// then dismisses the action, which leaves her card. He changes the
// window-table note to the corner table from the card, and deletes the
// timing note from her page.
func TestBrowserBeforeYouServe(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a := st.db, st.app
	rita := &fresco.Customer{Name: "Rita Refill", Email: "rita@example.com"}
	if err := db.CreateCustomer(ctx, rita); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateProduct(ctx, &fresco.Product{SKU: "TEA", Name: "Earl Grey tea", ListPrice: 800}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour).Add(10 * time.Hour)
	for i, ago := range []int{42, 28, 14} {
		p := &fresco.Purchase{ExternalID: fmt.Sprintf("TEA-%d", i), CustomerID: &rita.ID, PurchasedAt: today.AddDate(0, 0, -ago),
			Lines: []fresco.PurchaseLine{{SKU: "TEA", Quantity: 1, UnitPrice: 800}}}
		if err := db.CreatePurchase(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []anticipate.Note{
		{Kind: fresco.PreferenceLikes, Text: "Prefers the window table", Source: fresco.SourceObserved},
		{Kind: fresco.PreferenceDietary, Text: "Allergic to nuts", Source: fresco.SourceToldUs, Sensitive: true, SensitiveCategory: fresco.SensitiveHealth},
	} {
		if _, err := a.Anticipate.AddNote(ctx, staff.CLI, rita.ID, n); err != nil {
			t.Fatal(err)
		}
	}
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("sam@example.com")
	st.fromMenu("open Before you serve from the menu", "/serve")
	do("type the start of her name", chromedp.SendKeys(chromedp.ID("customer-q"), "rita"))
	do("the matches appear as you type", chromedp.WaitVisible(chromedp.CSS(`#customer-choices a.choose-customer`)))
	load("choose Rita", chromedp.Click(chromedp.CSS(`#customer-choices a.choose-customer`)))
	if got := text("#serve-customer"); got != "Rita Refill" {
		t.Fatalf("card of %q", got)
	}
	card := text("#serve-card")
	for _, want := range []string{"Prefers the window table", "We noticed", "1 sensitive note", "Usually buys Earl Grey tea (3 times)", "3 purchases in all"} {
		if !strings.Contains(card, want) {
			t.Errorf("card %q lacks %q", card, want)
		}
	}
	if strings.Contains(card, "nuts") {
		t.Errorf("the agent sees the sensitive note: %q", card)
	}
	actions := text("#serve-actions")
	if !strings.Contains(actions, "Due to buy again") || !strings.Contains(actions, "Buys Earl Grey tea about every 2 weeks; last on") {
		t.Fatalf("next actions %q", actions)
	}

	do("note the timing", chromedp.SetValue(chromedp.ID("note-kind"), "timing"), chromedp.SendKeys(chromedp.ID("note-text"), "Don't call before 10"))
	load("save the note", chromedp.Click(chromedp.CSS(`#form-add-note button[type=submit]`)))
	if got := text(".flash"); got != "Note saved." {
		t.Errorf("after the note: flash %q", got)
	}
	if got := text("#serve-notes"); !strings.Contains(got, "When to reach them: Don't call before 10") {
		t.Errorf("notes after adding %q", got)
	}

	load("dismiss the action", chromedp.Click(chromedp.CSS(`#serve-actions li[data-kind="replenishment"] button[value="dismissed"]`)))
	if got := text(".flash"); !strings.HasPrefix(got, "Dismissed") {
		t.Errorf("after dismissing: flash %q", got)
	}
	if got := text("#serve-actions"); strings.Contains(got, "Due to buy again") {
		t.Errorf("dismissed action still shown: %q", got)
	}
	var marks int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM next_action_marks WHERE customer_id = ? AND kind = 'replenishment' AND outcome = 'dismissed'`, rita.ID).Scan(&marks); err != nil || marks != 1 {
		t.Errorf("marks %d (%v), want 1", marks, err)
	}
	// She says she now prefers the corner table: the note is changed from
	// the card, then the timing note deleted from her own page.
	var window, timing int64
	if err := db.QueryRow(ctx, `SELECT id FROM customer_preferences WHERE text = 'Prefers the window table'`).Scan(&window); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT id FROM customer_preferences WHERE kind = 'timing'`).Scan(&timing); err != nil {
		t.Fatal(err)
	}
	load("change the window-table note", chromedp.Click(chromedp.ID(fmt.Sprintf("edit-note-%d", window))))
	do("type the corner table", chromedp.SetValue(chromedp.ID("note-text"), "Prefers the corner table"), chromedp.SetValue(chromedp.ID("note-source"), "told_us"))
	load("save the change", chromedp.Click(chromedp.CSS(`#form-edit-note button[type=submit]`)))
	if got := text(".flash"); got != "Note saved." {
		t.Errorf("after the change: flash %q", got)
	}
	if got := text("#serve-notes"); !strings.Contains(got, "Prefers the corner table") || strings.Contains(got, "window") {
		t.Errorf("the card's notes after the change %q", got)
	}
	load("open her page", chromedp.Click(chromedp.ID("serve-customer")))
	load("delete the timing note", chromedp.Click(chromedp.ID(fmt.Sprintf("delete-note-%d", timing))))
	if got := text(".flash"); got != "Note deleted." {
		t.Errorf("after deleting: flash %q", got)
	}
	if got := text("#customer-notes"); strings.Contains(got, "call before 10") || !strings.Contains(got, "Prefers the corner table") {
		t.Errorf("her page's notes after deleting %q", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
