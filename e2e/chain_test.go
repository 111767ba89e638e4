package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/fresco-cx/fresco/internal/chain"
	"github.com/fresco-cx/fresco/internal/chain/chaintest"
	"github.com/fresco-cx/fresco/internal/store"
)

// TestBrowserChain: the owner goes from the turnover page to the
// service-profit chain, asks for locations in March 2024 and reads the
// chain as six linked boxes, the link between staff retention and NPS in
// plain words with its scatter (one dot per location), a link with too
// little data said plainly, and the team flagged in a cycle of mediocrity.
//
// The business is chaintest's: retention 1 … 0.6 against NPS 80 … −40 at
// six locations in March 2024, r = 0.99 (0.93 to 1.00).
func TestBrowserChain(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db, a := st.db, st.app
	chaintest.Build(t, a)
	flagged := chain.Alert{Unit: chain.UnitRef{Kind: chain.ByTeam, ID: 1, Name: "Front desk"}, Period: "2024-Q1",
		Turnover: chain.Change{Period: "2024-Q1", Before: 0, After: 50, NBefore: 32, NAfter: 8, Significant: true},
		NPS:      &chain.Change{Period: "2024-Q1", Before: 80, After: -60, NBefore: 40, NAfter: 20, Significant: true}}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.ClaimMediocrityAlert(ctx, "team", 1, "2024-Q1", flagged)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	st.fromMenu("open the turnover page from the menu", "/turnover")
	load("follow the link to the chain", chromedp.Click(chromedp.ID("chain-link")))
	do("per location", chromedp.SetValue(chromedp.ID("by"), "location"))
	do("from March 2024", chromedp.SetValue(chromedp.ID("from"), "2024-03"))
	do("to March 2024", chromedp.SetValue(chromedp.ID("to"), "2024-03"))
	load("update", chromedp.Click(chromedp.ID("chain-update")))

	if n := st.get("count the boxes", chromedp.Evaluate[string](`document.querySelectorAll("#chain-boxes .chain-box").length + "/" + document.querySelectorAll("#chain-boxes .chain-arrow").length`)); n != "6/5" {
		t.Errorf("boxes/links %q, want 6/5", n)
	}
	if got := text("#box-employee_retention + .chain-arrow"); !strings.Contains(got, "r = 0.99 (0.93 to 1.00)") || !strings.Contains(got, "a clear link") {
		t.Errorf("the retention → NPS arrow says %q", got)
	}
	words := text("#link-employee_retention-customer_satisfaction .link-words")
	if !strings.HasPrefix(words, "Locations whose staff leave less often tend to have higher NPS, r = 0.99 (0.93 to 1.00)") {
		t.Errorf("the link's words: %q", words)
	}
	if n := st.get("count the dots", chromedp.Evaluate[string](`document.querySelectorAll("#link-employee_retention-customer_satisfaction svg circle").length + ""`)); n != "6" {
		t.Errorf("%s dots in the scatter, want one per location (6)", n)
	}
	if got := text("#link-employee_capability-employee_satisfaction"); !strings.Contains(got, "Not enough data") {
		t.Errorf("the pulse link without answers says %q", got)
	}
	if got := text("#chain-alerts"); !strings.Contains(got, "Front desk") || !strings.Contains(got, "50%") || !strings.Contains(got, "−60") || !strings.Contains(got, "Front desk, Jan–Mar 2024.") {
		t.Errorf("the flagged team: %q", got)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
