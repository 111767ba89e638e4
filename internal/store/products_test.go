package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/store/storetest"
)

func TestProductLifecycle(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tea := &fresco.Product{SKU: "TEA-1", Name: "Green tea", Category: "drinks", ListPrice: 450, UnitCost: 120}
		if err := db.CreateProduct(ctx, tea); err != nil {
			t.Fatal(err)
		}
		cake := &fresco.Product{SKU: "CAKE-1", Name: "Carrot cake", Category: "food", ListPrice: 600}
		if err := db.CreateProduct(ctx, cake); err != nil {
			t.Fatal(err)
		}
		got, err := db.Product(ctx, tea.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.SKU != "TEA-1" || got.ListPrice != 450 || got.UnitCost != 120 || !got.CreatedAt.Equal(tea.CreatedAt) ||
			got.CreatedAt.Location() != time.UTC {
			t.Fatalf("read back %+v", got)
		}
		if got, err := db.ProductBySKU(ctx, "CAKE-1"); err != nil || got.ID != cake.ID {
			t.Fatalf("by sku: %v %v", got, err)
		}
		wantConflict(t, db.CreateProduct(ctx, &fresco.Product{SKU: "TEA-1"}), "sku")
		cake.SKU = "TEA-1"
		wantConflict(t, db.UpdateProduct(ctx, cake), "sku")
		cake.SKU, cake.ListPrice = "CAKE-1", 650
		if err := db.UpdateProduct(ctx, cake); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Product(ctx, cake.ID); got.ListPrice != 650 {
			t.Fatalf("update: %+v", got)
		}
		if err := db.CreateProduct(ctx, &fresco.Product{ListPrice: -1}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("invalid product: %v", err)
		}
		wantCode(t, fresco.ENOTFOUND, errOf(db.Product(ctx, 999)))
		wantCode(t, fresco.ENOTFOUND, errOf(db.ProductBySKU(ctx, "NOPE")))
		wantCode(t, fresco.ENOTFOUND, db.UpdateProduct(ctx, &fresco.Product{ID: 999, SKU: "X"}))

		page, next, err := db.ListProducts(ctx, store.ProductFilter{Limit: 1})
		if err != nil || len(page) != 1 || page[0].ID != tea.ID || next == "" {
			t.Fatalf("page 1: %v %v %q", err, page, next)
		}
		page, next, err = db.ListProducts(ctx, store.ProductFilter{Limit: 1, Cursor: next})
		if err != nil || len(page) != 1 || page[0].ID != cake.ID {
			t.Fatalf("page 2: %v %v", err, page)
		}
		page, next, err = db.ListProducts(ctx, store.ProductFilter{Limit: 1, Cursor: next})
		if err != nil || len(page) != 0 || next != "" {
			t.Fatalf("page 3: %v %v %q", err, page, next)
		}
		found, _, err := db.ListProducts(ctx, store.ProductFilter{Search: "carrot"})
		if err != nil || len(found) != 1 || found[0].ID != cake.ID {
			t.Fatalf("search: %v %v", err, found)
		}
		found, _, err = db.ListProducts(ctx, store.ProductFilter{Search: "tea-"})
		if err != nil || len(found) != 1 || found[0].ID != tea.ID {
			t.Fatalf("search sku: %v %v", err, found)
		}
		drinks, _, err := db.ListProducts(ctx, store.ProductFilter{Category: "drinks"})
		if err != nil || len(drinks) != 1 || drinks[0].ID != tea.ID {
			t.Fatalf("category: %v %v", err, drinks)
		}
		if _, _, err := db.ListProducts(ctx, store.ProductFilter{Cursor: "!!"}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("bad cursor: %v", err)
		}
	})
}

func TestUpsertProduct(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := &fresco.Product{SKU: "MUG", Name: "Mug", Category: "goods", ListPrice: 800, UnitCost: 300}
		created, err := db.UpsertProduct(ctx, p)
		if err != nil || !created || p.ID == 0 {
			t.Fatalf("first upsert: created %v id %d err %v", created, p.ID, err)
		}
		firstID, firstCreated := p.ID, p.CreatedAt
		q := &fresco.Product{SKU: "MUG", Name: "Big mug", Category: "kitchen", ListPrice: 900, UnitCost: 350}
		created, err = db.UpsertProduct(ctx, q)
		if err != nil || created || q.ID != firstID || !q.CreatedAt.Equal(firstCreated) {
			t.Fatalf("second upsert: created %v id %d (want %d) created_at %v err %v", created, q.ID, firstID, q.CreatedAt, err)
		}
		got, err := db.Product(ctx, firstID)
		if err != nil || got.Name != "Big mug" || got.Category != "kitchen" || got.ListPrice != 900 || got.UnitCost != 350 {
			t.Fatalf("after upsert: %+v %v", got, err)
		}
		// Inside a caller's transaction too.
		err = db.InTx(ctx, func(tx *store.Tx) error {
			created, err := tx.UpsertProduct(ctx, &fresco.Product{SKU: "PLATE", Name: "Plate"})
			if err == nil && !created {
				t.Error("PLATE not created")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.UpsertProduct(ctx, &fresco.Product{}); fresco.ErrorCode(err) != fresco.EINVALID {
			t.Fatalf("invalid upsert: %v", err)
		}
	})
}

// Helpers shared by the store tests of this package.

// wantCode fails the test unless err carries the coded error code.
func wantCode(t *testing.T, code string, err error) {
	t.Helper()
	if fresco.ErrorCode(err) != code {
		t.Fatalf("got error %v (code %q), want code %q", err, fresco.ErrorCode(err), code)
	}
}

// wantConflict fails the test unless err is ECONFLICT naming field.
func wantConflict(t *testing.T, err error, field string) {
	t.Helper()
	wantFieldError(t, err, fresco.ECONFLICT, field)
}

// wantFieldError fails the test unless err has the code and names field.
func wantFieldError(t *testing.T, err error, code, field string) {
	t.Helper()
	wantCode(t, code, err)
	if !slices.ContainsFunc(fresco.ErrorFields(err), func(f fresco.FieldError) bool { return f.Field == field }) {
		t.Fatalf("error %v does not name field %q", err, field)
	}
}

// errOf drops the value of a (value, error) pair.
func errOf[T any](_ T, err error) error { return err }

// TestProductVersion checks that every change moves a product's version,
// the importer's upsert included, and that a stale update writes nothing.
func TestProductVersion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		p := &fresco.Product{SKU: "TEA-1", Name: "Tea", ListPrice: 450}
		if err := db.CreateProduct(ctx, p); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, p.Version, 1)
		stale := *p
		p.ListPrice = 500
		if err := db.UpdateProductIfVersion(ctx, p, 1); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, p.Version, 2)
		stale.Name = "Lost update"
		wantCode(t, fresco.ESTALE, db.UpdateProductIfVersion(ctx, &stale, 1))
		upsert := &fresco.Product{SKU: "TEA-1", Name: "Green tea", ListPrice: 500}
		if _, err := db.UpsertProduct(ctx, upsert); err != nil {
			t.Fatal(err)
		}
		wantVersion(t, upsert.Version, 3)
		if got, _ := db.Product(ctx, p.ID); got.Name != "Green tea" || got.Version != 3 {
			t.Fatalf("stored %+v", got)
		}
	})
}
