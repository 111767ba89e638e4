package ui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestCaseConversation: the case page shows the thread with the customer's
// HTML reduced to text (never rendered), attachments with their sizes that
// download as files only through their own case, the reply form with its
// templates, a reply sent from it with its status, and refusals on the page
// as they are; managers keep the templates on their own page.
func TestCaseConversation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		cust := &fresco.Customer{Name: "Ada Lovelace", Email: "ada@example.com"}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		agent := f.people[fresco.RoleAgent]
		svc := f.app.Recovery
		cs, err := svc.Open(ctx, recovery.Actor{Ref: fmt.Sprintf("employee:%d", agent.ID), Name: agent.Name, Role: agent.Role,
			EmployeeID: &agent.ID}, recovery.OpenInput{CustomerID: cust.ID, Summary: "lenses scratched"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := svc.Open(ctx, recovery.System, recovery.OpenInput{CustomerID: cust.ID, Summary: "other", OwnerID: &agent.ID})
		if err != nil {
			t.Fatal(err)
		}
		in := &fresco.CaseMessage{CaseID: cs.ID, Direction: fresco.MessageIn, MessageID: "ada-1@example.com", From: "ada@example.com",
			Subject: "Scratches", HTML: `<p>They are <b>scratched</b>.</p><script>alert("x")</script><img src=x onerror=alert(1)>`,
			Attachments: []fresco.CaseAttachment{{Filename: "photo.svg", ContentType: "image/svg+xml", Data: []byte("<svg onload=alert(1)/>")}}}
		var after func(context.Context)
		err = db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.InsertCaseMessage(ctx, in); err != nil {
				return err
			}
			after, err = svc.MessageReceived(ctx, tx, cs.ID, in.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		after(ctx)

		if res := f.do(fresco.RoleAgent, "POST", "/reply-templates", url.Values{"name": {"Sorry"}, "body": {"Hi {customer_name}"}}); res.status != http.StatusForbidden {
			t.Errorf("agent saving a template = %d, want 403", res.status)
		}
		res := f.do(fresco.RoleManager, "POST", "/reply-templates", url.Values{"name": {"Sorry"}, "body": {"Hi {first_name}"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "body: unknown placeholder {first_name}") ||
			!strings.Contains(res.body, "Hi {first_name}</textarea>") {
			t.Fatalf("bad template = %d, want 422 naming the field and keeping the text", res.status)
		}
		if res := f.do(fresco.RoleManager, "POST", "/reply-templates", url.Values{"name": {"Sorry"},
			"body": {"Dear {customer_name}, case {case_number}."}}); res.status != http.StatusSeeOther {
			t.Fatalf("template = %d %s", res.status, res.body)
		}
		if res := f.do(fresco.RoleManager, "GET", "/reply-templates?done=template-saved", nil); !strings.Contains(res.body, "Reply template saved.") ||
			!strings.Contains(res.body, "Dear {customer_name}, case {case_number}.") {
			t.Errorf("templates page = %d", res.status)
		}

		page := f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil)
		a := in.Attachments[0]
		for _, want := range []string{`data-direction="in"`, "They are scratched.", "From customer",
			fmt.Sprintf(`href="/cases/%d/attachments/%d"`, cs.ID, a.ID), "photo.svg", "22 B", `id="form-reply"`,
			fmt.Sprintf(`data-body="Dear Ada Lovelace, case %d."`, cs.ID), `data-thread-stream="/cases/` + fmt.Sprint(cs.ID) + `/thread/stream"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("case page lacks %q", want)
			}
		}
		for _, never := range []string{"<script>alert", "onerror=", "<b>scratched</b>"} {
			if strings.Contains(page.body, never) {
				t.Errorf("case page renders the customer's HTML: %q", never)
			}
		}

		// The attachment downloads as a file, through its own case only, and
		// not for the anonymous.
		dl := f.do(fresco.RoleAnalyst, "GET", fmt.Sprintf("/cases/%d/attachments/%d", cs.ID, a.ID), nil)
		if dl.status != http.StatusOK || dl.body != "<svg onload=alert(1)/>" || dl.header.Get("Content-Type") != "image/svg+xml" ||
			dl.header.Get("Content-Disposition") != `attachment; filename=photo.svg` || dl.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download = %d %v", dl.status, dl.header)
		}
		if res := f.do(fresco.RoleOwner, "GET", fmt.Sprintf("/cases/%d/attachments/%d", other.ID, a.ID), nil); res.status != http.StatusNotFound {
			t.Errorf("through another case = %d, want 404", res.status)
		}
		if res := f.do("", "GET", fmt.Sprintf("/cases/%d/attachments/%d", cs.ID, a.ID), nil); res.status == http.StatusOK {
			t.Errorf("anonymous download = %d", res.status)
		}

		// A reply from the form, then one refused.
		act := fmt.Sprintf("/cases/%d/actions", cs.ID)
		if res := f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"email"}, "subject": {""}, "body": {"New lenses are on the way."}}); res.status != http.StatusSeeOther {
			t.Fatalf("reply = %d %s", res.status, res.body)
		}
		page = f.do(fresco.RoleAgent, "GET", fmt.Sprintf("/cases/%d", cs.ID), nil)
		for _, want := range []string{`data-direction="out"`, "Re: Scratches", "New lenses are on the way.", "The agent",
			`data-status="queued"`, "E-mailed the customer: Re: Scratches"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("case page after the reply lacks %q", want)
			}
		}
		res = f.do(fresco.RoleAgent, "POST", act, url.Values{"action": {"email"}, "body": {"  "}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "body: is required") {
			t.Errorf("empty reply = %d", res.status)
		}
		if res := f.do(fresco.RoleAnalyst, "POST", act, url.Values{"action": {"email"}, "body": {"x"}}); res.status != http.StatusForbidden {
			t.Errorf("analyst reply = %d", res.status)
		}
	})
}

// TestReplyRuleUIAndAPI: a reply from the case page and one over the API,
// by the same agent, leave the same audit record; on a closed case both
// doors refuse it with 409.
func TestReplyRuleUIAndAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		cust := &fresco.Customer{Name: "Ada Lovelace", Email: "ada@example.com"}
		if err := db.CreateCustomer(ctx, cust); err != nil {
			t.Fatal(err)
		}
		agent := f.people[fresco.RoleAgent]
		actor := recovery.Actor{Ref: fmt.Sprintf("employee:%d", agent.ID), Name: agent.Name, Role: agent.Role, EmployeeID: &agent.ID}
		var cases [2]*fresco.Case
		for i := range cases {
			c, err := f.app.Recovery.Open(ctx, actor, recovery.OpenInput{CustomerID: cust.ID, Summary: "scratched"})
			if err != nil {
				t.Fatal(err)
			}
			cases[i] = c
		}
		ui := f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/cases/%d/actions", cases[0].ID),
			url.Values{"action": {"email"}, "subject": {"Sorry"}, "body": {"On its way."}})
		api := f.api(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/cases/%d/messages", cases[1].ID), `{"subject":"Sorry","body":"On its way."}`)
		if ui.status != http.StatusSeeOther || api.status != http.StatusCreated {
			t.Fatalf("reply via the UI %d, via the API %d %s", ui.status, api.status, api.body)
		}
		replies := func(id int64) []fresco.AuditEntry {
			var out []fresco.AuditEntry
			for _, e := range auditOf(t, db, "case", id) {
				if e.Action == "case.reply_sent" {
					out = append(out, e)
				}
			}
			return out
		}
		sameAudit(t, "reply", replies(cases[0].ID), replies(cases[1].ID), func(e fresco.AuditEntry) string {
			var d struct{ To, Subject string }
			_ = json.Unmarshal(e.Detail, &d)
			return d.To + " " + d.Subject
		})
		for _, c := range cases {
			if _, err := f.app.Recovery.Close(ctx, actor, c.ID, recovery.CloseInput{RootCauseCategory: "lens", RootCauseSource: "training",
				Resolution: "replaced"}); err != nil {
				t.Fatal(err)
			}
		}
		ui = f.do(fresco.RoleAgent, "POST", fmt.Sprintf("/cases/%d/actions", cases[0].ID), url.Values{"action": {"email"}, "body": {"More?"}})
		api = f.api(fresco.RoleAgent, "POST", fmt.Sprintf("/api/v1/cases/%d/messages", cases[1].ID), `{"body":"More?"}`)
		if ui.status != http.StatusConflict || api.status != http.StatusConflict || !strings.Contains(ui.body, "is closed") {
			t.Errorf("reply on a closed case: UI %d, API %d", ui.status, api.status)
		}
	})
}
