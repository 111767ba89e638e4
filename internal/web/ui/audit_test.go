package ui_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// The owner reads the audit log, newest first, with people named and a
// filter; nobody else may.
func TestAuditLogPage(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		owner := f.people[fresco.RoleOwner]
		ann := &fresco.Customer{Name: "Ann Lee", Email: "ann.lee@example.com"}
		if err := db.CreateCustomer(ctx, ann); err != nil {
			t.Fatal(err)
		}
		for _, detail := range []map[string]any{{"customer_id": ann.ID, "kind": "likes"}, {"customer_id": ann.ID + 1000}} {
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.Audit(ctx, "employee:"+strconv.FormatInt(owner.ID, 10), "create", "customer_preference", "1", detail)
			}); err != nil {
				t.Fatal(err)
			}
		}
		for _, a := range []struct{ actor, action, entity, id string }{
			{"employee:" + strconv.FormatInt(owner.ID, 10), "erase", "customer", "41"},
			{"cli:doctor", "repair_totals", "purchase", ""},
			{"token:3", "create", "customer", "42"},
		} {
			if err := db.InTx(ctx, func(tx *store.Tx) error {
				return tx.Audit(ctx, a.actor, a.action, a.entity, a.id, map[string]string{"why": "test"})
			}); err != nil {
				t.Fatal(err)
			}
		}
		res := f.do(fresco.RoleOwner, "GET", "/audit", nil)
		if res.status != http.StatusOK {
			t.Fatalf("owner: %d %s", res.status, res.body)
		}
		_, table, _ := strings.Cut(res.body, "<tbody>")
		newest, oldest := strings.Index(table, "A deleted API token"), strings.Index(table, owner.Name)
		if newest < 0 || oldest < 0 || newest > oldest || !strings.Contains(table, "fresco doctor") || !strings.Contains(table, "Repair totals") || strings.Contains(table, "token:3") {
			t.Errorf("audit page lacks the entries in order, with names and words:\n%s", res.body)
		}
		if !strings.Contains(table, `<a href="/customers/42">Customer 42</a>`) || strings.Contains(table, `href="/customers/41"`) {
			t.Errorf("the created customer should link to its page and the erased one should not:\n%s", table)
		}
		if !strings.Contains(table, "Customer: Ann Lee · Kind: Likes") || !strings.Contains(table, "Customer: A deleted customer") {
			t.Errorf("a detail's customer should read by name, never by number:\n%s", table)
		}
		filtered := f.do(fresco.RoleOwner, "GET", "/audit?action=erase", nil)
		if !strings.Contains(filtered.body, "Customer 41") || strings.Contains(filtered.body, "Customer 42") {
			t.Errorf("filter by action:\n%s", filtered.body)
		}
		if res := f.do(fresco.RoleManager, "GET", "/audit", nil); res.status != http.StatusForbidden {
			t.Errorf("manager: %d, want 403", res.status)
		}
	})
}
