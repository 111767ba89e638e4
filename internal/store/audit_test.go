package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestAudit(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// audit records an action in a transaction of its own.
		audit := func(actor, action, entity, id string, detail any) error {
			return db.InTx(ctx, func(tx *store.Tx) error { return tx.Audit(ctx, actor, action, entity, id, detail) })
		}
		if err := audit("employee:1", "create", "customer", "7", map[string]any{"name": "Ada"}); err != nil {
			t.Fatal(err)
		}
		if err := audit("token:2", "update", "customer", "7", nil); err != nil {
			t.Fatal(err)
		}
		if err := audit("employee:1", "create", "product", "3", json.RawMessage(`{"sku":"TEA"}`)); err != nil {
			t.Fatal(err)
		}
		// A rolled-back transaction leaves no audit record.
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.Audit(ctx, "employee:1", "delete", "customer", "7", nil); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rollback: %v", err)
		}
		if err := audit("x", "y", "z", "", func() {}); err == nil {
			t.Fatal("unmarshalable detail accepted")
		}

		all, err := db.ListAudit(ctx, "", "", 0)
		if err != nil || len(all) != 3 {
			t.Fatalf("all: %v %v", all, err)
		}
		if all[0].Entity != "product" || all[2].Action != "create" || all[0].ID < all[1].ID || all[1].ID < all[2].ID {
			t.Fatalf("not newest first: %+v", all)
		}
		if all[0].At.Before(all[2].At) || all[0].At.Location().String() != "UTC" {
			t.Fatalf("times: %v %v", all[0].At, all[2].At)
		}
		customer, err := db.ListAudit(ctx, "customer", "7", 10)
		if err != nil || len(customer) != 2 || customer[0].Action != "update" || customer[1].Action != "create" {
			t.Fatalf("customer 7: %+v %v", customer, err)
		}
		if string(customer[0].Detail) != "{}" || customer[0].Actor != "token:2" {
			t.Fatalf("nil detail: %s", customer[0].Detail)
		}
		var detail struct{ Name string }
		if err := json.Unmarshal(customer[1].Detail, &detail); err != nil || detail.Name != "Ada" {
			t.Fatalf("detail %s: %v", customer[1].Detail, err)
		}
		products, err := db.ListAudit(ctx, "product", "", 10)
		if err != nil || len(products) != 1 || string(products[0].Detail) != `{"sku":"TEA"}` || products[0].EntityID != "3" {
			t.Fatalf("products: %+v %v", products, err)
		}
		one, err := db.ListAudit(ctx, "", "", 1)
		if err != nil || len(one) != 1 || one[0].ID != all[0].ID {
			t.Fatalf("limit: %v %v", one, err)
		}
	})
}
