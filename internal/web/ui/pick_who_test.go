package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestAskForFeedback: staff find a customer by name or a purchase by its
// number, make a survey link and schedule a call for them; the rules are
// said in words by the field; a call recorded with a complaint carries the
// complaint to the closed loop.
func TestAskForFeedback(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		agent := f.people[fresco.RoleAgent]
		zoe := &fresco.Customer{Name: "Zoë Quill", Email: "zoe@example.com", ExternalID: "C-77", ConsentSurveys: true}
		kim := &fresco.Customer{Name: "Kim Reed", Email: "kim@example.com", ConsentSurveys: true}
		for _, c := range []*fresco.Customer{zoe, kim} {
			if err := db.CreateCustomer(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		buy := func(c *fresco.Customer, ext string) *fresco.Purchase {
			p := &fresco.Purchase{ExternalID: ext, CustomerID: &c.ID, ServedBy: &agent.ID, PurchasedAt: time.Now().UTC().Add(-time.Hour),
				Lines: []fresco.PurchaseLine{{SKU: "X", Quantity: 1, UnitPrice: 900}}}
			if err := db.CreatePurchase(ctx, p); err != nil {
				t.Fatal(err)
			}
			return p
		}
		zoeBuy, kimBuy := buy(zoe, "ORD-55"), buy(kim, "ORD-56")
		post, err := db.ListeningPostBySlug(ctx, feedback.PostSurvey)
		if err != nil {
			t.Fatal(err)
		}
		sv := &fresco.Survey{Slug: "visit", Name: "Your visit", PostID: post.ID, Active: true,
			Questions: []fresco.Question{{Key: "nps", Type: "nps", Required: true}}}
		if err := db.CreateSurvey(ctx, sv); err != nil {
			t.Fatal(err)
		}
		zoePage := fmt.Sprintf(`href="/feedback/ask?customer_id=%d"`, zoe.ID)

		res := f.do(fresco.RoleAgent, "GET", "/feedback/ask?q=zo", nil)
		if res.status != http.StatusOK || !strings.Contains(res.body, zoePage) || strings.Contains(res.body, "Kim Reed") {
			t.Fatalf("search by name = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAgent, "GET", "/customers/search?for=ask&q=C-77", nil); !strings.Contains(res.body, zoePage) {
			t.Errorf("fragment for the ask page = %s", res.body)
		}
		if res := f.do(fresco.RoleAgent, "GET", "/customers/search?q=zoe", nil); !strings.Contains(res.body, fmt.Sprintf(`href="/cases/new?customer_id=%d"`, zoe.ID)) {
			t.Errorf("fragment for the new case form = %s", res.body)
		}
		// A survey chosen on the survey admin page stays chosen through the search.
		withSurvey := fmt.Sprintf(`href="/feedback/ask?survey=%d&amp;customer_id=%d"`, sv.ID, zoe.ID)
		if res := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/feedback/ask?q=zo&survey=%d", sv.ID), nil); !strings.Contains(res.body, withSurvey) ||
			!strings.Contains(res.body, fmt.Sprintf(`name="survey" value="%d"`, sv.ID)) {
			t.Errorf("search keeping the survey = %s", res.body)
		}
		if res := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/customers/search?for=ask&survey=%d&q=zo", sv.ID), nil); !strings.Contains(res.body, withSurvey) {
			t.Errorf("fragment keeping the survey = %s", res.body)
		}
		if res := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/feedback/ask?purchase=ORD-55&survey=%d", sv.ID), nil); !strings.Contains(res.body, fmt.Sprintf(`<option value="%d" selected>Your visit`, sv.ID)) {
			t.Errorf("survey not preselected = %s", res.body)
		}
		res = f.do(fresco.RoleAgent, "GET", "/feedback/ask?purchase=ORD-55", nil)
		if !strings.Contains(res.body, `id="ask-customer">Zoë Quill`) || !strings.Contains(res.body, fmt.Sprintf(`<option value="%d" selected>ORD-55`, zoeBuy.ID)) {
			t.Errorf("by purchase number = %s", res.body)
		}
		if res := f.do(fresco.RoleAgent, "GET", "/feedback/ask?purchase=NOPE", nil); !strings.Contains(res.body, "No purchase is numbered “NOPE”") {
			t.Errorf("unknown purchase number = %s", res.body)
		}
		if res := f.do(fresco.RoleAnalyst, "GET", "/feedback/ask", nil); res.status != http.StatusForbidden {
			t.Errorf("an analyst may ask: %d", res.status)
		}

		link := url.Values{"customer_id": {fmt.Sprint(zoe.ID)}, "purchase_id": {fmt.Sprint(zoeBuy.ID)}, "survey_id": {fmt.Sprint(sv.ID)}}
		res = f.do(fresco.RoleAgent, "POST", "/feedback/ask/link", link)
		if res.status != http.StatusOK || !strings.Contains(res.body, `id="ask-link" href="http://example.com/s/`) {
			t.Fatalf("link = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAgent, "POST", "/feedback/ask/link", link); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "contact-frequency rule") {
			t.Errorf("a second link at once = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAgent, "POST", "/feedback/ask/call", url.Values{"customer_id": {""}}); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "Choose the customer first.") {
			t.Errorf("a call for nobody = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleAgent, "POST", "/feedback/ask/call", url.Values{"customer_id": {fmt.Sprint(kim.ID)}, "due": {"soon"}}); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "Give the day as YYYY-MM-DD.") {
			t.Errorf("a call on no day = %d %s", res.status, res.body)
		}

		call := url.Values{"customer_id": {fmt.Sprint(kim.ID)}, "caller": {"me"}}
		res = f.do(fresco.RoleAgent, "POST", "/feedback/ask/call", call)
		task, err := db.CallTaskOfPurchase(ctx, kimBuy.ID)
		if err != nil || task == nil || res.status != http.StatusSeeOther || res.header.Get("Location") != fmt.Sprintf("/feedback/calls?done=call-scheduled#call%d", task.ID) {
			t.Fatalf("schedule = %d %q; task %+v %v", res.status, res.header.Get("Location"), task, err)
		}
		if res := f.do(fresco.RoleAgent, "POST", "/feedback/ask/call", call); !strings.Contains(res.header.Get("Location"), "call-already-scheduled") {
			t.Errorf("scheduled twice = %d %q", res.status, res.header.Get("Location"))
		}
		if res := f.do(fresco.RoleAgent, "GET", "/feedback/calls", nil); !strings.Contains(res.body, fmt.Sprintf(`id="call%d"`, task.ID)) ||
			!strings.Contains(res.body, `name="complaint"`) || !strings.Contains(res.body, "Purchase ORD-56 on") {
			t.Errorf("the agent's calls lack the new one: %s", res.body)
		}

		outcome := fmt.Sprintf("/feedback/calls/%d", task.ID)
		if res := f.do(fresco.RoleAgent, "POST", outcome, url.Values{"status": {"no_answer"}, "complaint": {"1"}}); res.status != http.StatusUnprocessableEntity ||
			!strings.Contains(res.body, "complaint: a complaint is recorded only for a call with status done") {
			t.Errorf("a complaint without a call = %d %s", res.status, res.body)
		}
		res = f.do(fresco.RoleAgent, "POST", outcome, url.Values{"status": {"done"}, "q_csat": {"4"}, "comment": {"The hinge broke again"}, "complaint": {"1"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/feedback/calls?done=call-complaint" {
			t.Fatalf("complaint = %d %q %s", res.status, res.header.Get("Location"), res.body)
		}
		var payload string
		if err := db.QueryRow(ctx, `SELECT payload FROM jobs WHERE kind = ? ORDER BY id DESC LIMIT 1`, feedback.JobResponseRecorded).Scan(&payload); err != nil {
			t.Fatal(err)
		}
		var recorded feedback.ResponseRecorded
		if err := json.Unmarshal([]byte(payload), &recorded); err != nil || !recorded.Complaint || recorded.ListeningPost != feedback.PostFollowUpCall {
			t.Errorf("the call's response reaches the loop as %+v (%v), want a complaint", recorded, err)
		}
	})
}
