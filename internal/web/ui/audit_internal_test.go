package ui

import "testing"

// TestAuditDetailLeavesOutEmptyValues: a case opened without an incident
// or product category lists what it has, not "Incident: ()".
func TestAuditDetailLeavesOutEmptyValues(t *testing.T) {
	raw := []byte(`{"summary":"Cold soup","product_category":"","incident":{"kind":"","at":null},"tags":[],"owner_id":7,"note":null,"zero":0}`)
	got := auditDetail(raw, func(key string, id int64) (string, bool) {
		n, ok := map[int64]string{7: "Jonas Tran"}[id]
		return n, ok && key == "owner_id"
	}, func(v any) string { return "" })
	if want := "Owner: Jonas Tran · Summary: Cold soup · Zero: 0"; got != want {
		t.Errorf("detail = %q, want %q", got, want)
	}
}

// TestAuditDetailWritesYesAndNo: a flag reads "Yes" or "No", never Go's
// "true" and "false".
func TestAuditDetailWritesYesAndNo(t *testing.T) {
	raw := []byte(`{"sensitive":false,"consented":true}`)
	got := auditDetail(raw, func(string, int64) (string, bool) { return "", false }, func(any) string { return "" })
	if want := "Consented: Yes · Sensitive: No"; got != want {
		t.Errorf("detail = %q, want %q", got, want)
	}
}
