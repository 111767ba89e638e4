package ui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCommentsListReadsAndLabelsMany: tone colours, the customer and
// location by name, suggestions ticked and named, filters, paging both ways
// and bulk labelling.
func TestCommentsListReadsAndLabelsMany(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		loc := &fresco.Location{Name: "Harbour Street"}
		cust := &fresco.Customer{Name: "Grace Hopper"}
		if err := db.CreateLocation(ctx, loc); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		record := func(comment string, withCustomer bool) int64 {
			t.Helper()
			in := &feedback.Input{Comment: comment, Actor: "test"}
			if withCustomer {
				in.CustomerID, in.LocationID = &cust.ID, &loc.ID
			}
			r, err := f.app.Feedback.Record(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			return r.ID
		}
		angry := record("Terrible, we waited two hours for the delivery and it was broken", true)
		// A response with answers besides its comment: the list shows them all.
		full, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", Comment: "Paid at the till on Monday",
			Answers: []feedback.AnswerInput{{Type: "nps", Score: new(9)}, {Question: "what_else", Type: feedback.TypeText, Text: "Ask me about the loyalty card"}}})
		if err != nil {
			t.Fatal(err)
		}
		plain := record("The parcel came on Tuesday", false)
		var many []int64
		for i := range 30 {
			many = append(many, record(fmt.Sprintf("Lovely wonderful staff, thank you %d", i), false))
		}
		page := f.do(fresco.RoleAgent, "GET", "/feedback/comments?sentiment=negative", nil)
		if page.status != http.StatusOK {
			t.Fatalf("comments = %d", page.status)
		}
		item := regexp.MustCompile(`(?s)<li id="r` + fmt.Sprint(angry) + `".*?</li>`).FindString(page.body)
		for _, want := range []string{`class="badge sentiment-negative"`, ">Negative<", "Grace Hopper", fmt.Sprintf(`href="/customers/%d"`, cust.ID),
			"Harbour Street", "Suggested: Waiting and delivery", `value="waiting-delivery" checked`} {
			if !strings.Contains(item, want) {
				t.Errorf("negative comment lacks %q:\n%s", want, item)
			}
		}
		everything := f.do(fresco.RoleAgent, "GET", "/feedback/comments?q=Paid+at+the+till", nil)
		fullItem := regexp.MustCompile(`(?s)<li id="r` + fmt.Sprint(full.ID) + `".*?</li>`).FindString(everything.body)
		if !strings.Contains(fullItem, "Every answer (2)") || !strings.Contains(fullItem, "<q>Ask me about the loyalty card</q>") || !strings.Contains(fullItem, "9 out of 10") {
			t.Errorf("the comment does not show every answer of its response:\n%s", fullItem)
		}
		if strings.Contains(page.body, `id="r`+fmt.Sprint(plain)+`"`) || !strings.Contains(page.body, `id="list-count">1 comment<`) {
			t.Errorf("the tone filter lets other comments through")
		}
		neutral := f.do(fresco.RoleAgent, "GET", "/feedback/comments?sentiment=neutral", nil)
		if !strings.Contains(neutral.body, `class="badge sentiment-neutral"`) || strings.Contains(neutral.body, "sentiment-negative") {
			t.Errorf("neutral comments are not grey")
		}
		if bad := f.do(fresco.RoleAgent, "GET", "/feedback/comments?sentiment=furious", nil); !strings.Contains(bad.body, "Tone is not one of the choices") {
			t.Errorf("an unknown tone is not named")
		}

		// Paging both ways over 32 comments, 25 a page.
		first := f.do(fresco.RoleAgent, "GET", "/feedback/comments", nil)
		next := regexp.MustCompile(`href="([^"]+)" rel="next"`).FindStringSubmatch(first.body)
		if next == nil {
			t.Fatal("no next page")
		}
		second := f.do(fresco.RoleAgent, "GET", strings.ReplaceAll(next[1], "&amp;", "&"), nil)
		if !strings.Contains(second.body, `id="r`+fmt.Sprint(angry)+`"`) || strings.Contains(second.body, `id="r`+fmt.Sprint(many[29])+`"`) {
			t.Errorf("second page does not hold the oldest comments")
		}
		prev := regexp.MustCompile(`href="([^"]+)" rel="prev"`).FindStringSubmatch(second.body)
		if prev == nil {
			t.Fatal("no previous page")
		}
		back := f.do(fresco.RoleAgent, "GET", strings.ReplaceAll(prev[1], "&amp;", "&"), nil)
		if !strings.Contains(back.body, `id="r`+fmt.Sprint(many[29])+`"`) || strings.Contains(back.body, `id="r`+fmt.Sprint(angry)+`"`) {
			t.Errorf("previous page is not the first")
		}

		// Bulk labelling: three comments get a category; back to the list as filtered.
		form := url.Values{"id": {fmt.Sprint(many[0]), fmt.Sprint(many[1]), fmt.Sprint(plain)}, "category": {"staff-manner"},
			"back": {"/feedback/comments?sentiment=positive"}}
		res := f.do(fresco.RoleAgent, "POST", "/feedback/comments/label", form)
		if loc := res.header.Get("Location"); res.status != http.StatusSeeOther || loc != "/feedback/comments?done=comments-labelled&sentiment=positive" {
			t.Fatalf("bulk label = %d %q", res.status, loc)
		}
		for _, id := range []int64{many[0], many[1], plain} {
			r, err := db.Response(ctx, id)
			if err != nil || fmt.Sprint(r.Categories) != "[staff-manner]" {
				t.Errorf("response %d: %v %v", id, r.Categories, err)
			}
		}
		labelled := f.do(fresco.RoleAgent, "GET", "/feedback/comments?category=staff-manner", nil)
		if !strings.Contains(labelled.body, `id="list-count">3 comments<`) {
			t.Errorf("category filter after bulk labelling: %s", regexp.MustCompile(`id="list-count">[^<]*`).FindString(labelled.body))
		}
		// Who categorised a comment is said in words, never as a reference.
		if err := db.SetResponseCategories(ctx, many[2], []string{"staff-manner"}, "model"); err != nil {
			t.Fatal(err)
		}
		labelled = f.do(fresco.RoleAgent, "GET", "/feedback/comments?category=staff-manner", nil)
		for _, want := range []string{"categorised by " + f.people[fresco.RoleAgent].Name + "<", "categorised by The comment classifier<"} {
			if !strings.Contains(labelled.body, want) {
				t.Errorf("comments page lacks %q", want)
			}
		}
		if m := regexp.MustCompile(`categorised by (employee|model|token)`).FindString(labelled.body); m != "" {
			t.Errorf("comments page shows a reference: %q", m)
		}
		if res := f.do(fresco.RoleAgent, "POST", "/feedback/comments/label", url.Values{"id": {fmt.Sprint(plain)}}); !strings.Contains(res.header.Get("Location"), "done=comments-label-none") {
			t.Errorf("nothing chosen: %q", res.header.Get("Location"))
		}
		if res := f.do(fresco.RoleAgent, "POST", "/feedback/comments/label", url.Values{"id": {"x"}, "category": {"staff-manner"}}); res.status != http.StatusBadRequest {
			t.Errorf("a bad id = %d", res.status)
		}
		if res := f.do(fresco.RoleAnalyst, "POST", "/feedback/comments/label", form); res.status != http.StatusForbidden {
			t.Errorf("an analyst labels: %d", res.status)
		}
		if strings.Contains(f.do(fresco.RoleAnalyst, "GET", "/feedback/comments", nil).body, `id="bulk"`) {
			t.Errorf("an analyst is offered bulk labelling")
		}
	})
}

// TestOpenACaseFromAComment: a comment with a customer offers "Open a case"
// to staff who write, on the comments page and the responses list; the form carries what the customer said; once opened
// the comment links its case instead, and a second form from before goes to
// that case. An anonymous comment offers nothing and its form says why.
func TestOpenACaseFromAComment(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		cust := &fresco.Customer{Name: "Grace Hopper"}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		known, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", CustomerID: &cust.ID, Comment: "The bill was wrong twice"})
		if err != nil {
			t.Fatal(err)
		}
		anon, err := f.app.Feedback.Record(ctx, &feedback.Input{Actor: "test", Comment: "Cold coffee"})
		if err != nil {
			t.Fatal(err)
		}
		item := func(role fresco.Role, id int64) string {
			body := f.do(role, "GET", "/feedback/comments", nil).body
			return regexp.MustCompile(`(?s)<li id="r` + fmt.Sprint(id) + `".*?</li>`).FindString(body)
		}
		open := fmt.Sprintf(`href="/cases/new?response_id=%d"`, known.ID)
		if got := item(fresco.RoleAgent, known.ID); !strings.Contains(got, open) {
			t.Errorf("the comment offers no case to the agent:\n%s", got)
		}
		if got := item(fresco.RoleAnalyst, known.ID); strings.Contains(got, open) {
			t.Error("the analyst, who reads only, is offered a case")
		}
		if got := item(fresco.RoleAgent, anon.ID); strings.Contains(got, "/cases/new") {
			t.Errorf("an anonymous comment offers a case:\n%s", got)
		}
		// The responses list offers the same, once per response with a customer.
		if list := f.do(fresco.RoleAgent, "GET", "/responses", nil).body; strings.Count(list, `href="/cases/new?`) != 1 || !strings.Contains(list, open) {
			t.Errorf("the responses list does not offer a case on Grace's answer only")
		}
		if list := f.do(fresco.RoleAnalyst, "GET", "/responses", nil).body; strings.Contains(list, "/cases/new") {
			t.Error("the responses list offers the analyst a case")
		}
		form := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/new?response_id=%d", known.ID), nil)
		if !strings.Contains(form.body, `id="new-case-said"`) || !strings.Contains(form.body, "The bill was wrong twice") ||
			!strings.Contains(form.body, "Grace Hopper") {
			t.Fatalf("new case form from the comment = %d", form.status)
		}
		post := url.Values{"response_id": {fmt.Sprint(known.ID)}, "summary": {"The bill was wrong twice"}}
		res := f.do(fresco.RoleAgent, "POST", "/cases/new", post)
		loc := res.header.Get("Location")
		var caseID int64
		if _, err := fmt.Sscanf(loc, "/cases/%d", &caseID); res.status != http.StatusSeeOther || err != nil {
			t.Fatalf("open the case = %d → %q", res.status, loc)
		}
		if c, err := db.Case(ctx, caseID); err != nil || c.CustomerID != cust.ID || c.SourceResponseID == nil || *c.SourceResponseID != known.ID {
			t.Errorf("case %+v %v: want Grace's, from the comment", c, err)
		}
		got := item(fresco.RoleAgent, known.ID)
		if !strings.Contains(got, fmt.Sprintf(`<a href="/cases/%d">Case %d</a> was opened from this.`, caseID, caseID)) || strings.Contains(got, open) {
			t.Errorf("after opening, the comment does not link its case:\n%s", got)
		}
		if list := f.do(fresco.RoleAgent, "GET", "/responses", nil).body; strings.Contains(list, open) ||
			!strings.Contains(list, fmt.Sprintf(`href="/cases/%d">Case %d</a>`, caseID, caseID)) {
			t.Error("after opening, the responses list does not link the case")
		}
		if again := f.do(fresco.RoleAgent, "POST", "/cases/new", post); again.status != http.StatusSeeOther ||
			again.header.Get("Location") != fmt.Sprintf("/cases/%d", caseID) {
			t.Errorf("a second form = %d → %q, want its case", again.status, again.header.Get("Location"))
		}
		if res := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/new?response_id=%d", anon.ID), nil); res.status != http.StatusBadRequest ||
			!strings.Contains(res.body, "This answer is anonymous") {
			t.Errorf("a case from an anonymous comment = %d", res.status)
		}
	})
}
