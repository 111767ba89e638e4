package web_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// A customer asks for their data, then to be forgotten: the export holds
// their records, the erasure leaves the purchase totals and removes who
// they were, and the audit log says who erased them.
func TestCustomerExportAndErasure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		c := f.call(fresco.RoleAgent, "POST", "/api/v1/customers", `{"external_id":"ada-1","name":"Ada Lovelace","email":"ada@example.com","phone":"+44 20 7946 0000"}`, 201)
		cid := id(t, c)
		f.call(fresco.RoleAgent, "POST", "/api/v1/purchases", fmt.Sprintf(`{"external_id":"inv-1","customer_id":%d,
			"purchased_at":"2024-05-01T14:30:00Z","lines":[{"sku":"TEA","quantity":3,"unit_price":"4.50"}]}`, cid), 201)

		export := f.call(fresco.RoleManager, "GET", fmt.Sprintf("/api/v1/customers/%d/export", cid), "", 200)
		tables := export["tables"].(map[string]any)
		if len(tables["purchases"].([]any)) != 1 || len(tables["purchase_lines"].([]any)) != 1 {
			t.Errorf("export tables %v", tables)
		}
		if raw, _ := json.Marshal(export); !strings.Contains(string(raw), "ada@example.com") {
			t.Errorf("export lacks the customer's e-mail: %s", raw)
		}

		f.call(fresco.RoleManager, "DELETE", fmt.Sprintf("/api/v1/customers/%d", cid), "", 403)
		erased := f.call(fresco.RoleOwner, "DELETE", fmt.Sprintf("/api/v1/customers/%d", cid), "", 200)
		if erased["customer_id"] != float64(cid) {
			t.Errorf("erasure = %v", erased)
		}
		after := f.call(fresco.RoleOwner, "GET", fmt.Sprintf("/api/v1/customers/%d", cid), "", 200)
		raw, _ := json.Marshal(after)
		for _, gone := range []string{"Ada", "ada@example.com", "7946", "ada-1"} {
			if strings.Contains(string(raw), gone) {
				t.Errorf("%q still in the customer after erasure: %s", gone, raw)
			}
		}
		if summary, _ := after["summary"].(map[string]any); summary["revenue"] != "13.50" {
			t.Errorf("revenue after erasure %v, want 13.50", summary["revenue"])
		}
		var audits int
		db.QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = 'erase' AND entity = 'customer' AND entity_id = ?`,
			fmt.Sprint(cid)).Scan(&audits)
		if audits != 1 {
			t.Errorf("%d audit records of the erasure", audits)
		}
		f.call(fresco.RoleOwner, "DELETE", "/api/v1/customers/999999", "", 404)
	})
}

// The export carries a case's conversation and its attachment's name,
// type and size with the link that downloads it, not the file itself.
func TestCustomerExportLinksAttachments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := seedAll(t, f)
		caseID := id(t, f.call(fresco.RoleAgent, "POST", "/api/v1/cases", map[string]any{"customer_id": s.customer, "summary": "cold room"}, 201))
		attachment := fileInbound(t, f, caseID, "guest-1@example.net", "Cold room")

		export := f.call(fresco.RoleManager, "GET", fmt.Sprintf("/api/v1/customers/%d/export", s.customer), nil, 200)
		tables := export["tables"].(map[string]any)
		if msgs, _ := tables["case_messages"].([]any); len(msgs) != 1 || msgs[0].(map[string]any)["subject"] != "Cold room" {
			t.Errorf("case messages in the export: %v", msgs)
		}
		files, _ := tables["case_attachments"].([]any)
		if len(files) != 1 {
			t.Fatalf("attachments in the export: %v", files)
		}
		file := files[0].(map[string]any)
		url := fmt.Sprintf("/api/v1/cases/%d/attachments/%d", caseID, attachment)
		if file["url"] != url || file["filename"] != "photo of room.html" || file["size_bytes"] != float64(25) {
			t.Errorf("attachment in the export: %v, want url %s", file, url)
		}
		if _, ok := file["data"]; ok {
			t.Errorf("the export carries the file: %v", file)
		}
		if res := f.do(request{method: "GET", path: url, role: fresco.RoleManager}); res.Code != 200 || string(res.Body) != "<script>alert(1)</script>" {
			t.Errorf("the export's link downloads %d %q", res.Code, res.Body)
		}
	})
}

// The audit log pages newest first and filters by record and action.
func TestAuditLogAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		for i := range 3 {
			c := f.call(fresco.RoleAgent, "POST", "/api/v1/customers", fmt.Sprintf(`{"name":"C%d"}`, i), 201)
			f.call(fresco.RoleOwner, "DELETE", fmt.Sprintf("/api/v1/customers/%d", id(t, c)), "", 200)
		}
		first := f.call(fresco.RoleOwner, "GET", "/api/v1/audit?action=erase&limit=2", "", 200)
		items := first["items"].([]any)
		if len(items) != 2 || first["next_cursor"] == "" {
			t.Fatalf("first page %v", first)
		}
		newest := items[0].(map[string]any)
		if newest["action"] != "erase" || newest["entity"] != "customer" || newest["entity_id"] != "3" {
			t.Errorf("newest entry %v", newest)
		}
		rest := f.call(fresco.RoleOwner, "GET", "/api/v1/audit?action=erase&limit=2&cursor="+first["next_cursor"].(string), "", 200)
		if items := rest["items"].([]any); len(items) != 1 || rest["next_cursor"] != "" || items[0].(map[string]any)["entity_id"] != "1" {
			t.Errorf("second page %v", rest)
		}
		one := f.call(fresco.RoleOwner, "GET", "/api/v1/audit?entity=customer&entity_id=2", "", 200)
		if items := one["items"].([]any); len(items) != 1 {
			t.Errorf("one record's entries %v", one)
		}
		f.call(fresco.RoleManager, "GET", "/api/v1/audit", "", 403)
		problem(t, f.do(request{method: "GET", path: "/api/v1/audit?cursor=abc", role: fresco.RoleOwner}), 422)
	})
}
