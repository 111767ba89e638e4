package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserListeningPost: the owner adds a listening post from the
// feedback dashboard (a bad slug first, told what is wrong with the form as
// typed), changes its name and purpose, ticks a step of the seed's
// checklist with a note, and retires it; the dashboard marks it retired and
// the database holds every change.
func TestBrowserListeningPost(t *testing.T) {
	st := newStage(t)
	ctx := t.Context()
	db := st.db
	do, load, text := st.do, st.load, st.text
	load("open Fresco", chromedp.Navigate(st.base+"/"))
	st.login("olivia@example.com")
	load("open the feedback dashboard", chromedp.Navigate(st.base+"/feedback"))
	load("add a listening post", chromedp.Click(chromedp.ID("add-post")))

	fill := func(step, slug string) {
		do(step, chromedp.SetValue(chromedp.ID("p-slug"), slug),
			chromedp.SetValue(chromedp.ID("p-name"), "Sales representatives"),
			chromedp.SetValue(chromedp.ID("p-purpose"), "Why do new customers come to us?"),
			chromedp.SetValue(chromedp.ID("p-questions"), "How did you hear about us?\nWhat nearly stopped you?"))
	}
	fill("fill in the form with a bad slug", "Sales Reps")
	load("add it", chromedp.Click(chromedp.ID("post-save")))
	if got := strings.ToLower(text("#form-errors")); !strings.Contains(got, "slug: must be") {
		t.Errorf("the bad slug's error says %q", got)
	}
	if got := st.get("read the name as typed", chromedp.Value(chromedp.ID("p-name"))); got != "Sales representatives" {
		t.Errorf("the form lost the name: %q", got)
	}
	fill("correct the slug", "sales-reps")
	load("add it", chromedp.Click(chromedp.ID("post-save")))
	if loc := st.location(); !strings.HasSuffix(loc, "/feedback/posts/sales-reps?done=post-saved") {
		t.Fatalf("after adding at %s", loc)
	}
	if got := text("#post-name"); got != "Sales representatives" {
		t.Errorf("the post's page is named %q", got)
	}
	if got := text("#post-checklist"); !strings.Contains(got, "How did you hear about us?") || !strings.Contains(got, "Assess the need for new listening posts") {
		t.Errorf("the checklist does not show the questions and the seed's steps: %q", got)
	}

	do("rename it", chromedp.SetValue(chromedp.ID("p-name"), "Sales reps in the field"),
		chromedp.SetValue(chromedp.ID("p-purpose"), "What new customers nearly missed"))
	load("save the post", chromedp.Click(chromedp.ID("post-save")))
	if got := text("#post-name"); got != "Sales reps in the field" {
		t.Errorf("after the edit the post is named %q", got)
	}

	do("tick the timing step", chromedp.Click(chromedp.CSS(`#post-checklist input[name="done_timing"]`)),
		chromedp.SetValue(chromedp.CSS(`#post-checklist input[name="note_timing"]`), "Ask at the order"))
	load("save the checklist", chromedp.Click(chromedp.ID("checklist-save")))
	if got := st.get("read the timing note", chromedp.Value(chromedp.CSS(`#post-checklist input[name="note_timing"]`))); got != "Ask at the order" {
		t.Errorf("the timing note reads %q", got)
	}

	load("retire the post", chromedp.Click(chromedp.ID("post-retire-button")))
	if got := text("#post-retired"); !strings.HasPrefix(got, "Retired") {
		t.Errorf("the retired badge says %q", got)
	}
	do("see the way back", chromedp.WaitVisible(chromedp.ID("post-reinstate")))
	load("back to the dashboard", chromedp.Navigate(st.base+"/feedback"))
	if got := st.get("read the post's row", chromedp.Evaluate[string](
		`(function () { var a = document.querySelector('a[href="/feedback/posts/sales-reps"]'); return a ? a.closest("tr").textContent : ""; })()`)); !strings.Contains(got, "Sales reps in the field") || !strings.Contains(got, "retired") {
		t.Errorf("the dashboard's row for the post: %q", got)
	}

	p, err := db.ListeningPostBySlug(ctx, "sales-reps")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "Sales reps in the field" || p.Purpose != "What new customers nearly missed" || p.RetiredAt == nil ||
		p.Checklist["timing"] != "Ask at the order" || len(p.Questions) != 2 {
		t.Errorf("stored post %+v", p)
	}
	if errs := st.jsErrors(); len(errs) > 0 {
		t.Errorf("JavaScript errors: %v", errs)
	}
}
