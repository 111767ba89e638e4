package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Purchase is a transaction as the API shows it.
type Purchase struct {
	ID            int64          `json:"id"`
	ExternalID    string         `json:"external_id"`
	CustomerID    *int64         `json:"customer_id" doc:"Null for an anonymous purchase."`
	PurchasedAt   time.Time      `json:"purchased_at"`
	LocationID    *int64         `json:"location_id"`
	Channel       string         `json:"channel"`
	ServedBy      *int64         `json:"served_by" doc:"The employee who served the customer."`
	PromotionCode string         `json:"promotion_code"`
	Lines         []PurchaseLine `json:"lines"`
	Total         Money          `json:"total" doc:"Sum of the lines."`
	Items         int64          `json:"items" doc:"Units bought, net of returns."`
	CreatedAt     time.Time      `json:"created_at"`
	Version       int64          `json:"version" doc:"Moves on every change; the ETag."`
}

// PurchaseLine is product × quantity × unit price − discount.
type PurchaseLine struct {
	ProductID   int64  `json:"product_id"`
	SKU         string `json:"sku"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitPrice   Money  `json:"unit_price"`
	Discount    Money  `json:"discount"`
	Total       Money  `json:"total"`
}

func purchaseOut(p *fresco.Purchase) Purchase {
	out := Purchase{ID: p.ID, ExternalID: p.ExternalID, CustomerID: p.CustomerID, PurchasedAt: p.PurchasedAt,
		LocationID: p.LocationID, Channel: p.Channel, ServedBy: p.ServedBy, PromotionCode: p.PromotionCode,
		Lines: make([]PurchaseLine, len(p.Lines)), Total: moneyOut(p.Total()), Items: p.Items(), CreatedAt: p.CreatedAt, Version: p.Version}
	for i, l := range p.Lines {
		out.Lines[i] = PurchaseLine{ProductID: l.ProductID, SKU: l.SKU, Description: l.Description, Quantity: l.Quantity,
			UnitPrice: moneyOut(l.UnitPrice), Discount: moneyOut(l.Discount), Total: moneyOut(l.Total())}
	}
	return out
}

// PurchaseInput creates a purchase. Lines name their product by SKU (an SKU
// not yet in the catalogue is added to it) or by product_id.
type PurchaseInput struct {
	ExternalID    string              `json:"external_id,omitempty" doc:"Your id for the purchase; the batch endpoint updates the purchase with the same external_id."`
	CustomerID    *int64              `json:"customer_id,omitempty" doc:"Omit for an anonymous purchase."`
	PurchasedAt   time.Time           `json:"purchased_at" doc:"RFC 3339, e.g. 2024-05-01T14:30:00Z."`
	LocationID    *int64              `json:"location_id,omitempty"`
	Channel       string              `json:"channel,omitempty" doc:"e.g. store, web, phone."`
	ServedBy      *int64              `json:"served_by,omitempty" doc:"The employee who served the customer."`
	PromotionCode string              `json:"promotion_code,omitempty"`
	ReferralCode  string              `json:"referral_code,omitempty" doc:"A customer's referral code given with the purchase: its owner is recorded as the one who referred this customer (referred_by), when nobody had. Refused (422) when unknown, revoked or the customer's own."`
	Lines         []PurchaseLineInput `json:"lines" doc:"At least one line."`
}

// PurchaseLineInput is one line of a purchase.
type PurchaseLineInput struct {
	SKU         string `json:"sku,omitempty" doc:"Required unless product_id is given; an SKU not yet in the catalogue is added to it."`
	ProductID   int64  `json:"product_id,omitempty" doc:"Instead of sku."`
	Description string `json:"description,omitempty"`
	Quantity    int64  `json:"quantity" doc:"Negative for a refund or cancellation."`
	UnitPrice   Money  `json:"unit_price"`
	Discount    Money  `json:"discount,omitempty"`
}

func linesDomain(v *fresco.Validation, in []PurchaseLineInput) []fresco.PurchaseLine {
	lines := make([]fresco.PurchaseLine, len(in))
	for i, l := range in {
		field := "lines[" + strconv.Itoa(i) + "]."
		if l.UnitPrice == "" { // a free line says "0" (the batch's fast path skips the schema that requires it)
			v.Add(field+"unit_price", "is required")
		}
		lines[i] = fresco.PurchaseLine{ProductID: l.ProductID, SKU: l.SKU, Description: l.Description, Quantity: l.Quantity,
			UnitPrice: l.UnitPrice.parse(v, field+"unit_price"), Discount: l.Discount.parse(v, field+"discount")}
	}
	return lines
}

// domain converts the input, reporting conversion and validation errors
// together.
func (in *PurchaseInput) domain() (*fresco.Purchase, error) {
	var v fresco.Validation
	p := &fresco.Purchase{ExternalID: in.ExternalID, CustomerID: in.CustomerID, PurchasedAt: in.PurchasedAt.UTC(),
		LocationID: in.LocationID, Channel: in.Channel, ServedBy: in.ServedBy, PromotionCode: in.PromotionCode,
		ReferralCode: fresco.NormalizeReferralCode(in.ReferralCode), Lines: linesDomain(&v, in.Lines)}
	return p, mergeValidation(&v, p.Validate())
}

// PurchasePatch changes some fields of a purchase; lines, when present,
// replace all the lines.
type PurchasePatch struct {
	ExternalID    *string             `json:"external_id,omitempty"`
	CustomerID    Optional[int64]     `json:"customer_id,omitempty"`
	PurchasedAt   *time.Time          `json:"purchased_at,omitempty"`
	LocationID    Optional[int64]     `json:"location_id,omitempty"`
	Channel       *string             `json:"channel,omitempty"`
	ServedBy      Optional[int64]     `json:"served_by,omitempty"`
	PromotionCode *string             `json:"promotion_code,omitempty"`
	Lines         []PurchaseLineInput `json:"lines,omitempty" nullable:"false" doc:"Replaces every line when present."`
}

func (in *PurchasePatch) apply(p *fresco.Purchase) error {
	var v fresco.Validation
	set(&p.ExternalID, in.ExternalID)
	in.CustomerID.apply(&p.CustomerID)
	if in.PurchasedAt != nil {
		p.PurchasedAt = in.PurchasedAt.UTC()
	}
	in.LocationID.apply(&p.LocationID)
	set(&p.Channel, in.Channel)
	in.ServedBy.apply(&p.ServedBy)
	set(&p.PromotionCode, in.PromotionCode)
	if in.Lines != nil {
		p.Lines = linesDomain(&v, in.Lines)
	}
	return mergeValidation(&v, p.Validate())
}

type purchaseListInput struct {
	ListParams
	CustomerID int64  `query:"customer_id" minimum:"0"`
	LocationID int64  `query:"location_id" minimum:"0"`
	ServedBy   int64  `query:"served_by" minimum:"0" doc:"Purchases served by this employee."`
	From       string `query:"from" doc:"Purchased at or after: a date (2024-05-01) or an RFC 3339 time."`
	To         string `query:"to" doc:"Purchased before this time, or on or before this date."`
}

func (s *Server) listPurchases(ctx context.Context, in *purchaseListInput) (*PageBody[Purchase], error) {
	var v fresco.Validation
	f := store.PurchaseFilter{CustomerID: idPtr(in.CustomerID), LocationID: idPtr(in.LocationID),
		ServedBy: idPtr(in.ServedBy), From: parseTimeParam(&v, "from", in.From, false),
		To: parseTimeParam(&v, "to", in.To, true), Cursor: in.Cursor, Limit: in.Limit}
	if err := v.Err(); err != nil {
		return nil, err
	}
	list, next, err := s.db.ListPurchases(ctx, f)
	if err != nil {
		return nil, err
	}
	return page(list, next, purchaseOut), nil
}

func (s *Server) createPurchase(ctx context.Context, in *struct{ Body PurchaseInput }) (*Created[Purchase], error) {
	p, err := in.Body.domain()
	if err != nil {
		return nil, err
	}
	if err := s.db.CreatePurchase(ctx, p); err != nil {
		return nil, err
	}
	return &Created[Purchase]{Location: fmt.Sprintf("%s/purchases/%d", apiPrefix, p.ID), ETag: etag(p.Version), Body: purchaseOut(p)}, nil
}

func (s *Server) getPurchase(ctx context.Context, in *IDParam) (*Tagged[Purchase], error) {
	p, err := s.db.Purchase(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	return tagged(purchaseOut(p), p.Version), nil
}

func (s *Server) updatePurchase(ctx context.Context, in *patchInput[PurchasePatch]) (*Tagged[Purchase], error) {
	p, err := s.db.Purchase(ctx, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("purchase", p.ID, p.Version)
	if err != nil {
		return nil, err
	}
	if err := in.Body.apply(p); err != nil {
		return nil, err
	}
	if err := s.db.UpdatePurchaseIfVersion(ctx, p, version); err != nil {
		return nil, err
	}
	// Read back: the store resolves SKUs and product ids on the lines.
	if p, err = s.db.Purchase(ctx, in.ID); err != nil {
		return nil, err
	}
	return tagged(purchaseOut(p), p.Version), nil
}

// allPurchaseProblems makes POST /purchases report every problem of a bad
// purchase in one 422. huma validates the body against the schema before the
// handler runs, so on its own a schema error (a missing purchased_at) would
// hide the domain's errors (a zero quantity, an amount with three decimals)
// until the next try. This middleware validates the body first, schema and
// domain together, exactly as the batch endpoint validates each of its items
// (Server.batchItem), and answers with everything it finds. A body it finds
// clean goes on, untouched, to huma's own validation and the handler: nothing
// is validated less than before. Bodies that are not JSON, are too large or
// cannot be read also go on, so that huma answers them as it always has (415,
// 413, 400).
func (s *Server) allPurchaseProblems(ctx huma.Context, next func(huma.Context)) {
	r, _ := humago.Unwrap(ctx)
	body, ok := peekJSONBody(ctx, r)
	if !ok {
		next(ctx)
		return
	}
	registry := s.api.OpenAPI().Components.Schemas
	schema := registry.Schema(reflect.TypeFor[PurchaseInput](), true, "PurchaseInput")
	pb := huma.NewPathBuffer(make([]byte, 0, 64), 0)
	_, fields := s.batchItem(registry, schema, pb, &huma.ValidateResult{}, body)
	if fields == nil {
		next(ctx)
		return
	}
	huma.WriteErr(s.api, ctx, http.StatusUnprocessableEntity, "invalid input", purchaseProblems(fields)...)
}

// peekJSONBody reads the request body and puts it back for the handler. ok is
// false, and the body left for huma to refuse, when it is not well-formed JSON
// under the operation's size limit.
func peekJSONBody(ctx huma.Context, r *http.Request) (body []byte, ok bool) {
	if !jsonContentType(r) {
		return nil, false
	}
	op := ctx.Operation()
	if op.MaxBodyBytes <= 0 { // no limit: leave the reading to huma
		return nil, false
	}
	if op.BodyReadTimeout > 0 {
		ctx.SetReadDeadline(time.Now().Add(op.BodyReadTimeout)) // as huma does before it reads
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, op.MaxBodyBytes+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	return body, err == nil && int64(len(body)) <= op.MaxBodyBytes && json.Valid(body)
}

// purchaseProblems turns the field errors of Server.batchItem ("lines[0].quantity")
// into problem details located in the body ("body.lines[0].quantity").
func purchaseProblems(fields []FieldError) []error {
	errs := make([]error, len(fields))
	for i, f := range fields {
		errs[i] = &huma.ErrorDetail{Location: fieldLocation(f.Field), Message: f.Message}
	}
	return errs
}
