package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Product is a product or service as the API shows it.
type Product struct {
	ID        int64     `json:"id"`
	SKU       string    `json:"sku"`
	Name      string    `json:"name"`
	Category  string    `json:"category"`
	ListPrice Money     `json:"list_price"`
	UnitCost  Money     `json:"unit_cost"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int64     `json:"version" doc:"Moves with every change; the ETag is this number in quotes."`
}

func productOut(p *fresco.Product) Product {
	return Product{ID: p.ID, SKU: p.SKU, Name: p.Name, Category: p.Category,
		ListPrice: moneyOut(p.ListPrice), UnitCost: moneyOut(p.UnitCost), CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
		Version: p.Version}
}

// ProductInput creates a product.
type ProductInput struct {
	SKU       string `json:"sku" minLength:"1"`
	Name      string `json:"name,omitempty"`
	Category  string `json:"category,omitempty"`
	ListPrice Money  `json:"list_price,omitempty"`
	UnitCost  Money  `json:"unit_cost,omitempty"`
}

func (in *ProductInput) domain() (*fresco.Product, error) {
	var v fresco.Validation
	p := &fresco.Product{SKU: in.SKU, Name: in.Name, Category: in.Category,
		ListPrice: in.ListPrice.parse(&v, "list_price"), UnitCost: in.UnitCost.parse(&v, "unit_cost")}
	return p, mergeValidation(&v, p.Validate())
}

// ProductPatch changes some fields of a product.
type ProductPatch struct {
	SKU       *string `json:"sku,omitempty"`
	Name      *string `json:"name,omitempty"`
	Category  *string `json:"category,omitempty"`
	ListPrice *Money  `json:"list_price,omitempty"`
	UnitCost  *Money  `json:"unit_cost,omitempty"`
}

func (in *ProductPatch) apply(p *fresco.Product) error {
	var v fresco.Validation
	set(&p.SKU, in.SKU)
	set(&p.Name, in.Name)
	set(&p.Category, in.Category)
	if in.ListPrice != nil {
		p.ListPrice = in.ListPrice.parse(&v, "list_price")
	}
	if in.UnitCost != nil {
		p.UnitCost = in.UnitCost.parse(&v, "unit_cost")
	}
	return mergeValidation(&v, p.Validate())
}

// mergeValidation reports conversion errors in v together with the domain
// validation errors in err, so the caller hears about every bad field at
// once. It returns nil when both are clean.
func mergeValidation(v *fresco.Validation, err error) error {
	if v.Err() == nil {
		return err
	}
	if fresco.ErrorCode(err) == fresco.EINVALID {
		v.Merge("", err)
	}
	return v.Err()
}

type productListInput struct {
	ListParams
	Search   string `query:"search" doc:"Matches SKU or name."`
	Category string `query:"category"`
}

func (s *Server) listProducts(ctx context.Context, in *productListInput) (*PageBody[Product], error) {
	list, next, err := s.db.ListProducts(ctx, store.ProductFilter{Search: in.Search, Category: in.Category,
		Cursor: in.Cursor, Limit: in.Limit})
	if err != nil {
		return nil, err
	}
	return page(list, next, productOut), nil
}

func (s *Server) createProduct(ctx context.Context, in *struct{ Body ProductInput }) (*Created[Product], error) {
	p, err := in.Body.domain()
	if err != nil {
		return nil, err
	}
	if err := s.db.CreateProduct(ctx, p); err != nil {
		return nil, err
	}
	return &Created[Product]{Location: fmt.Sprintf("%s/products/%d", apiPrefix, p.ID), ETag: etag(p.Version), Body: productOut(p)}, nil
}

func (s *Server) getProduct(ctx context.Context, in *IDParam) (*Tagged[Product], error) {
	return getVersioned(ctx, s, productEntity, in.ID)
}

func (s *Server) updateProduct(ctx context.Context, in *patchInput[ProductPatch]) (*Tagged[Product], error) {
	return patchVersioned(ctx, s, productEntity, in.ID, in.IfMatchParam, in.Body.apply)
}

// productEntity is a product for GET and versioned PATCH.
var productEntity = versioned[fresco.Product, Product]{name: "product", out: productOut,
	load: (*store.DB).Product, save: storeSave((*store.DB).UpdateProductIfVersion),
	ident: func(x *fresco.Product) (int64, int64) { return x.ID, x.Version },
}
