package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// caseMessageMatrix is the role matrix of the conversation's operations
// (roles_test.go walks it with the rest).
func caseMessageMatrix() []endpoint {
	none := func(fresco.Role) any { return nil }
	fixed := func(b string) func(fresco.Role) any { return func(fresco.Role) any { return b } }
	missing := "/api/v1/cases/999999"
	return []endpoint{
		{"GET", missing + "/messages", none, 404, everyone},
		{"POST", missing + "/messages", fixed(`{"body":"hello"}`), 404, writers},
		{"GET", missing + "/attachments/1", none, 404, everyone},
		{"GET", "/api/v1/reply-templates", none, 200, everyone},
		{"POST", "/api/v1/reply-templates", func(r fresco.Role) any {
			return fmt.Sprintf(`{"name":"Sorry %s","body":"Dear {customer_name}"}`, r)
		}, 201, managers},
		{"PUT", "/api/v1/reply-templates/999999", fixed(`{"name":"x","body":"y"}`), 404, managers},
		{"DELETE", "/api/v1/reply-templates/999999", none, 404, managers},
	}
}

// fileInbound files a customer's message with an attachment on the case, as
// the inbound mail code does, and returns the attachment's id.
func fileInbound(t *testing.T, f *fixture, caseID int64, messageID, subject string) int64 {
	t.Helper()
	ctx := context.Background()
	m := &fresco.CaseMessage{CaseID: caseID, Direction: fresco.MessageIn, MessageID: messageID, From: "seed@example.com",
		Subject: subject, HTML: `<p>It is <b>still</b> cold.</p><script>alert(1)</script>`,
		Attachments: []fresco.CaseAttachment{{Filename: "photo of room.html", ContentType: "text/html", Data: []byte("<script>alert(1)</script>")}}}
	var after func(context.Context)
	err := f.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertCaseMessage(ctx, m); err != nil {
			return err
		}
		var err error
		after, err = f.app.Recovery.MessageReceived(ctx, tx, caseID, m.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	after(ctx) // after the commit: it tells the owner
	return m.Attachments[0].ID
}

// Over the API a reply is 201 with its thread headers and send status, the
// thread lists both directions with attachments, an attachment downloads
// as a file of its stored type only through its own case, and bad input is
// 422 naming the field, a closed case 409.
func TestCaseMessagesAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		c := f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "cold room"}, 201)
		caseID := id(t, c)
		path := fmt.Sprintf("/api/v1/cases/%d", caseID)
		attachment := fileInbound(t, f, caseID, "guest-1@example.net", "Cold room")

		tpl := f.call(fresco.RoleManager, "POST", "/api/v1/reply-templates", map[string]any{"name": "Sorry",
			"body": "Dear {customer_name}, about case {case_number}."}, 201)
		fields := problem(t, f.do(request{method: "POST", path: "/api/v1/reply-templates", role: fresco.RoleManager,
			body: map[string]any{"name": "Bad", "body": "Dear {first_name}"}}), 422)
		if !strings.Contains(fields["body"], "{first_name}") { // the field called body
			t.Errorf("fields = %v, want body naming {first_name}", fields)
		}

		m := f.call(fresco.RoleAgent, "POST", path+"/messages", map[string]any{"body": "", "template_id": id(t, tpl)}, 201)
		if m["direction"] != "out" || m["subject"] != "Re: Cold room" || m["in_reply_to"] != "guest-1@example.net" ||
			m["references"] != "<guest-1@example.net>" || m["text"] != fmt.Sprintf("Dear Seed Customer, about case %d.", caseID) {
			t.Errorf("reply = %v", m)
		}
		if st := m["status"]; st != "queued" && st != "skipped" && st != "sent" {
			t.Errorf("status = %v", st)
		}

		thread := f.call(fresco.RoleAnalyst, "GET", path+"/messages", nil, 200)["items"].([]any)
		if len(thread) != 2 || thread[0].(map[string]any)["direction"] != "in" || thread[1].(map[string]any)["direction"] != "out" {
			t.Fatalf("thread = %v", thread)
		}
		files := thread[0].(map[string]any)["attachments"].([]any)
		url := fmt.Sprintf("%s/attachments/%d", path, attachment)
		if len(files) != 1 || files[0].(map[string]any)["url"] != url || files[0].(map[string]any)["size"] != float64(25) {
			t.Errorf("attachments = %v", files)
		}
		res := f.do(request{method: "GET", path: url, role: fresco.RoleAnalyst})
		if res.Code != 200 || string(res.Body) != "<script>alert(1)</script>" || res.Header.Get("Content-Type") != "text/html" ||
			!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment;") ||
			res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("download = %d %v", res.Code, res.Header)
		}
		// Through another case, the attachment does not exist.
		other := id(t, f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "noise"}, 201))
		problem(t, f.do(request{method: "GET", path: fmt.Sprintf("/api/v1/cases/%d/attachments/%d", other, attachment), role: fresco.RoleOwner}), 404)
		problem(t, f.do(request{method: "GET", path: url}), 401)

		fields = problem(t, f.do(request{method: "POST", path: path + "/messages", role: fresco.RoleAgent, body: map[string]any{"body": " "}}), 422)
		if !strings.Contains(fields["body"], "required") {
			t.Errorf("fields = %v, want body", fields)
		}
		fields = problem(t, f.do(request{method: "POST", path: path + "/messages", role: fresco.RoleAgent,
			body: map[string]any{"body": "x", "template_id": 999999}}), 422)
		if fields["body.template_id"] == "" {
			t.Errorf("fields = %v, want template_id", fields)
		}
		f.call(fresco.RoleAgent, "POST", path+"/close", map[string]any{"root_cause_category": "heating", "root_cause_source": "training",
			"resolution": "fixed"}, 200)
		problem(t, f.do(request{method: "POST", path: path + "/messages", role: fresco.RoleAgent, body: map[string]any{"body": "again"}}), 409)
		if n := len(f.call(fresco.RoleAnalyst, "GET", path+"/messages", nil, 200)["items"].([]any)); n != 2 {
			t.Errorf("%d messages after refusals, want 2", n)
		}
	})
}
