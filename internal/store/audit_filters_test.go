package store_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

// TestAuditPages covers the audit filters (actor, action, a kind of record,
// one record) and paging newest first with Before: every entry once.
func TestAuditPages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		actors := []string{"employee:1", "employee:2", "token:3"}
		actions := []string{"create", "update", "erase"}
		w.tx(func(tx *store.Tx) error {
			for i := range 12 {
				if err := tx.Audit(w.ctx, actors[i%3], actions[i%3/2], "customer", fmt.Sprint(i%4), map[string]int{"i": i}); err != nil {
					return err
				}
			}
			return tx.Audit(w.ctx, "employee:1", "erase", "product", "0", nil)
		})
		all, err := db.ListAuditPage(w.ctx, store.AuditFilter{})
		if err != nil || len(all) != 13 {
			t.Fatalf("all = %d entries, %v", len(all), err)
		}
		matching := func(keep func(fresco.AuditEntry) bool) []int64 {
			var out []int64
			for _, e := range all {
				if keep(e) {
					out = append(out, e.ID)
				}
			}
			return out
		}
		entryID := func(e fresco.AuditEntry) int64 { return e.ID }
		for _, c := range []struct {
			name string
			f    store.AuditFilter
			keep func(fresco.AuditEntry) bool
		}{
			{"actor", store.AuditFilter{Actor: "token:3"}, func(e fresco.AuditEntry) bool { return e.Actor == "token:3" }},
			{"action", store.AuditFilter{Action: "create"}, func(e fresco.AuditEntry) bool { return e.Action == "create" }},
			{"kind", store.AuditFilter{Entity: "product"}, func(e fresco.AuditEntry) bool { return e.Entity == "product" }},
			{"one record", store.AuditFilter{Entity: "customer", EntityID: "0"}, func(e fresco.AuditEntry) bool {
				return e.Entity == "customer" && e.EntityID == "0"
			}},
			// A record id without its kind means nothing: every entry.
			{"record id alone", store.AuditFilter{EntityID: "0"}, func(fresco.AuditEntry) bool { return true }},
			{"actor and action", store.AuditFilter{Actor: "employee:1", Action: "erase"}, func(e fresco.AuditEntry) bool {
				return e.Actor == "employee:1" && e.Action == "erase"
			}},
		} {
			want := matching(c.keep)
			if len(want) == 0 {
				t.Fatalf("%s: the data selects nothing", c.name)
			}
			got, err := db.ListAuditPage(w.ctx, c.f)
			if err != nil || !slices.Equal(ids(got, entryID), want) {
				t.Errorf("%s: %v, %v; want %v", c.name, ids(got, entryID), err, want)
			}
			// Newest first, three a page, each next page before the last id seen.
			f := c.f
			f.Limit = 3
			var paged []int64
			for range 20 {
				page, err := db.ListAuditPage(w.ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				paged = append(paged, ids(page, entryID)...)
				f.Before = page[len(page)-1].ID
			}
			if !slices.Equal(paged, want) {
				t.Errorf("%s, paged: %v, want %v", c.name, paged, want)
			}
		}
	})
}
