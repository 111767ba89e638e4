package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"github.com/fresco-cx/fresco/internal/auth"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// POST /api/v1/purchases:batch stores up to store.MaxBatchPurchases
// purchases, each whole or not at all, and answers for each one. A bad
// purchase is rejected with its bad fields named; its neighbours are stored.
// That is why the body is not validated as a whole by huma (one bad item
// would sink all the rest): each item is validated against the PurchaseInput
// schema on its own.

// maxBatchBytes bounds the batch body: 10,000 purchases of a few lines each
// fit with room to spare.
const maxBatchBytes = 64 << 20

// BatchRequest is the body of a batch.
type BatchRequest struct {
	Purchases []batchItem `json:"purchases" maxItems:"10000" doc:"Up to 10,000 purchases."`
}

// batchItem keeps one purchase as raw JSON until it is validated on its own.
type batchItem struct{ raw json.RawMessage }

func (b *batchItem) UnmarshalJSON(data []byte) error {
	b.raw = append(json.RawMessage(nil), data...)
	return nil
}

// Schema documents a batch item as a PurchaseInput.
func (batchItem) Schema(r huma.Registry) *huma.Schema {
	return r.Schema(reflect.TypeFor[PurchaseInput](), true, "PurchaseInput")
}

// BatchResponse reports on every purchase of a batch, in order.
type BatchResponse struct {
	Results  []BatchItemResult `json:"results"`
	Created  int               `json:"created"`
	Updated  int               `json:"updated"`
	Rejected int               `json:"rejected"`
}

// BatchItemResult is the outcome of one purchase.
type BatchItemResult struct {
	Index  int          `json:"index" doc:"Position in the request's purchases."`
	Status string       `json:"status" enum:"created,updated,rejected"`
	ID     int64        `json:"id,omitempty" doc:"The stored purchase, unless rejected."`
	Errors []FieldError `json:"errors,omitempty" doc:"Why it was rejected."`
}

// FieldError names one bad field of a batch item, e.g. "lines[0].unit_price",
// or the item itself, e.g. "purchases[3]" for an item that is not an object.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

type batchInput struct {
	IdempotencyKey string `header:"Idempotency-Key" maxLength:"255" doc:"Makes retries safe: a repeat with the same key and body gets the stored response; the same key with a different body is refused (422)."`
	Body           BatchRequest
}

func (s *Server) batchRoute() {
	// The ServeMux takes the colon in "purchases:batch" as a literal (only
	// {…} segments are wildcards), so the path is registered as it is.
	register(s, huma.Operation{OperationID: "batch-purchases", Method: http.MethodPost, Path: "/purchases:batch",
		Summary: "Store many purchases", Tags: []string{"Purchases"},
		Description: "Stores up to 10,000 purchases, each whole or not at all. A purchase whose external_id is " +
			"already stored is replaced (\"updated\"). Bad purchases are rejected with their fields named; the " +
			"rest are stored. Send an Idempotency-Key header to make retries safe.",
		MaxBodyBytes:     maxBatchBytes,
		SkipValidateBody: true, // each item is validated on its own
		Middlewares:      huma.Middlewares{s.idempotent},
		Errors:           []int{http.StatusRequestEntityTooLarge},
	}, auth.Write, s.batchPurchases)
}

// batchOutput is the batch's answer; Replayed is "true" when it is the
// stored answer to an earlier request with the same Idempotency-Key.
type batchOutput struct {
	Replayed string `header:"Idempotent-Replayed" doc:"\"true\" when this is the stored answer to an earlier request with the same Idempotency-Key: nothing was stored again."`
	Body     BatchResponse
}

func (s *Server) batchPurchases(ctx context.Context, in *batchInput) (*batchOutput, error) {
	items := in.Body.Purchases
	if items == nil {
		return nil, &fresco.Error{Code: fresco.EINVALID, Message: "invalid input",
			Fields: []fresco.FieldError{{Field: "purchases", Message: "is required: a list of purchases"}}}
	}
	if len(items) > store.MaxBatchPurchases {
		return nil, &fresco.Error{Code: fresco.ETOOLARGE, Message: "batch too large",
			Fields: []fresco.FieldError{{Field: "purchases", Message: "at most 10000 purchases per batch"}}}
	}
	resp := BatchResponse{Results: make([]BatchItemResult, len(items))}
	schema := s.api.OpenAPI().Components.Schemas.Schema(reflect.TypeFor[PurchaseInput](), true, "PurchaseInput")
	registry := s.api.OpenAPI().Components.Schemas
	var (
		valid   []*fresco.Purchase
		indexOf []int // indexOf[k] is the request index of valid[k]
		pb      = huma.NewPathBuffer(make([]byte, 0, 64), 0)
		res     huma.ValidateResult
	)
	for i, item := range items {
		resp.Results[i].Index = i
		p, fields := s.batchItem(registry, schema, pb, &res, item.raw)
		for k := range fields {
			if fields[k].Field == "" { // the item as a whole (not an object, not a purchase)
				fields[k].Field = "purchases[" + strconv.Itoa(i) + "]"
			}
		}
		if fields != nil {
			resp.Results[i].Status = store.StatusRejected
			resp.Results[i].Errors = fields
			continue
		}
		valid = append(valid, p)
		indexOf = append(indexOf, i)
	}
	key, keyed := ctx.Value(idempotencyKeyContext{}).(idempotencyKey)
	if !keyed {
		if err := saveBatch(ctx, s.db, valid, indexOf, &resp); err != nil {
			return nil, err
		}
		return &batchOutput{Body: resp}, nil
	}
	answer, err := s.db.Once(ctx, key.scoped, key.hash, func(tx *store.Tx) (store.StoredAnswer, error) {
		if err := saveBatch(ctx, tx, valid, indexOf, &resp); err != nil {
			return store.StoredAnswer{}, err
		}
		body, err := json.Marshal(resp)
		return store.StoredAnswer{Status: http.StatusOK, Body: body}, err
	})
	switch {
	case errors.Is(err, store.ErrKeyReused):
		return nil, &fresco.Error{Code: fresco.EINVALID, Message: "this Idempotency-Key was already used with a different request body",
			Fields: []fresco.FieldError{{Field: "header.Idempotency-Key", Message: "already used with a different request body; use a new key for a new request"}}}
	case err != nil:
		return nil, err
	case !answer.Replayed:
		return &batchOutput{Body: resp}, nil
	}
	var replayed BatchResponse
	if err := json.Unmarshal(answer.Body, &replayed); err != nil {
		return nil, fmt.Errorf("stored batch answer: %w", err)
	}
	return &batchOutput{Replayed: "true", Body: replayed}, nil
}

// purchaseSaver stores a batch: the database in its own transaction, or a
// transaction that also holds the batch's Idempotency-Key.
type purchaseSaver interface {
	SavePurchases(ctx context.Context, batch []*fresco.Purchase) ([]store.BatchResult, error)
}

// saveBatch stores the valid purchases and fills in their results and the
// counts of resp.
func saveBatch(ctx context.Context, saver purchaseSaver, valid []*fresco.Purchase, indexOf []int, resp *BatchResponse) error {
	if len(valid) > 0 {
		results, err := saver.SavePurchases(ctx, valid)
		if err != nil {
			return err
		}
		for _, r := range results {
			out := &resp.Results[indexOf[r.Index]]
			out.Status, out.ID = r.Status, r.ID
			if r.Status == store.StatusRejected {
				out.ID = 0
				out.Errors = fieldErrors(r.Err)
			}
		}
	}
	resp.Created, resp.Updated, resp.Rejected = 0, 0, 0
	for _, r := range resp.Results {
		switch r.Status {
		case store.StatusCreated:
			resp.Created++
		case store.StatusUpdated:
			resp.Updated++
		default:
			resp.Rejected++
		}
	}
	return nil
}

// batchItem validates and converts one purchase of a batch; fields is
// non-nil when it is rejected.
func (s *Server) batchItem(registry huma.Registry, schema *huma.Schema, pb *huma.PathBuffer, res *huma.ValidateResult, raw json.RawMessage) (*fresco.Purchase, []FieldError) {
	if !utf8.Valid(raw) { // decoding would replace the bytes silently
		return nil, fieldErrors(&fresco.Error{Code: fresco.EINVALID, Message: "invalid input", Fields: unstorableText("", raw)})
	}
	if p, ok := fastBatchItem(raw); ok {
		return p, nil
	}
	if fields := itemNumbersOutOfRange(raw); fields != nil {
		return nil, fields
	}
	var generic any
	if err := json.Unmarshal(raw, &generic); err != nil {
		return nil, []FieldError{{Message: "is not a JSON object"}}
	}
	pb.Reset()
	res.Reset()
	huma.Validate(registry, schema, pb, huma.ModeWriteToServer, generic, res)
	var fields []FieldError
	for _, e := range res.Errors {
		var d *huma.ErrorDetail
		if errors.As(e, &d) {
			fixDetail(d)
			fields = append(fields, FieldError{Field: d.Location, Message: d.Message})
		} else {
			fields = append(fields, FieldError{Message: e.Error()})
		}
	}
	// Convert even after schema errors when the shape allows it, so that the
	// caller hears about bad amounts and dates in the same answer.
	var in PurchaseInput
	if err := json.Unmarshal(raw, &in); err != nil {
		if fields == nil { // the schema passed it: no Go type names for the caller
			fields = []FieldError{{Message: "does not have the shape of a purchase"}}
		}
		return nil, fields
	}
	p, err := in.domain()
	if err != nil {
		seen := map[string]bool{}
		for _, f := range fields {
			seen[f.Field] = true
		}
		for _, f := range fieldErrors(err) {
			if !seen[f.Field] {
				fields = append(fields, f)
			}
		}
	}
	if fields != nil {
		return nil, fields
	}
	return p, nil
}

// itemNumbersOutOfRange names the numbers of an item no field can hold.
func itemNumbersOutOfRange(raw json.RawMessage) []FieldError {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if dec.Decode(&doc) != nil {
		return nil // not JSON: batchItem says so
	}
	return numbersOutOfRange(doc)
}

// fastBatchItem accepts a purchase that decodes strictly (no unknown fields,
// right types) and passes the domain's validation. That is nearly every item
// of a real batch, and it skips the generic decode and schema walk that only
// serve to name every bad field of a rejected item; an item that fails here
// takes the full path, so rejections read the same either way.
func fastBatchItem(raw json.RawMessage) (*fresco.Purchase, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var in PurchaseInput
	if err := dec.Decode(&in); err != nil || dec.More() {
		return nil, false
	}
	p, err := in.domain()
	if err != nil {
		return nil, false
	}
	return p, true
}

// fieldErrors lists the bad fields of a rejected purchase.
func fieldErrors(err error) []FieldError {
	fields := fresco.ErrorFields(err)
	if len(fields) == 0 {
		return []FieldError{{Message: fresco.ErrorMessage(err)}}
	}
	out := make([]FieldError, len(fields))
	for i, f := range fields {
		out[i] = FieldError{Field: f.Field, Message: f.Message}
	}
	return out
}

// idempotent is the operation middleware behind Idempotency-Key. It reads
// the body once (refusing malformed JSON with 400 here, since the operation
// skips huma's whole-body validation) and hands the handler the caller's
// scoped key with the body's hash. The handler claims the key, stores the
// batch and the answer in one transaction (store.DB.Once), so retries —
// concurrent ones, or one after an answer was lost — never run it twice.
func (s *Server) idempotent(ctx huma.Context, next func(huma.Context)) {
	r, w := humago.Unwrap(ctx)
	if !jsonContentType(r) {
		huma.WriteErr(s.api, ctx, http.StatusUnsupportedMediaType, "",
			&huma.ErrorDetail{Location: "header.Content-Type", Message: "unknown content type: " + r.Header.Get("Content-Type")})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBatchBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			huma.WriteErr(s.api, ctx, http.StatusRequestEntityTooLarge, "request body is too large (at most 64 MiB)")
			return
		}
		huma.WriteErr(s.api, ctx, http.StatusBadRequest, "could not read the request body")
		return
	}
	if !json.Valid(body) {
		var probe any
		err := json.Unmarshal(body, &probe) // only for its message
		huma.WriteErr(s.api, ctx, http.StatusBadRequest, "the request body is not well-formed JSON",
			&huma.ErrorDetail{Location: "body", Message: fmt.Sprint(err)})
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if key := strings.TrimSpace(r.Header.Get("Idempotency-Key")); key != "" {
		sum := sha256.Sum256(body)
		// A key is the caller's own: another caller reusing it neither
		// replays this caller's answer nor collides with it.
		scoped := idempotencyKey{scoped: principal(r.Context()).Actor() + ":" + ctx.Operation().OperationID + ":" + key,
			hash: hex.EncodeToString(sum[:])}
		r = r.WithContext(context.WithValue(r.Context(), idempotencyKeyContext{}, scoped))
	}
	next(humago.NewContext(ctx.Operation(), r, w))
}

type idempotencyKeyContext struct{}

// idempotencyKey is a request's Idempotency-Key, scoped to its caller and
// operation, and the hash of the body it came with.
type idempotencyKey struct{ scoped, hash string }

// jsonContentType reports whether the request's body is JSON by its
// Content-Type (application/json or any +json type); none counts as JSON,
// as huma treats it.
func jsonContentType(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return true
	}
	mt, _, _ := mime.ParseMediaType(ct)
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}
