package ui

import "testing"

// TestAuditDetailLeavesOutEmptyValues: a case opened without an incident
// or product category lists what it has, not "Incident: ()".
func TestAuditDetailLeavesOutEmptyValues(t *testing.T) {
	raw := []byte(`{"summary":"Cold soup","product_category":"","incident":{"kind":"","at":null},"tags":[],"owner_id":7,"note":null,"zero":0}`)
	got := auditDetail(raw, func(id int64) string { return map[int64]string{7: "Jonas Tran"}[id] }, func(v any) string { return "" })
	if want := "Owner: Jonas Tran · Summary: Cold soup · Zero: 0"; got != want {
		t.Errorf("detail = %q, want %q", got, want)
	}
}
