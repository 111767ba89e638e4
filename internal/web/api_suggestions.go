package web

// The JSON API of suggestions (issue 15; package suggestions): a
// customer's suggestions with their reasons or why none are shown, the
// customer's opt-out, the owner's sensitive marks, and training on demand.

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

// SuggestionItem is one suggested product and why.
type SuggestionItem struct {
	ProductID        int64   `json:"product_id"`
	SKU              string  `json:"sku"`
	Name             string  `json:"name"`
	Reason           string  `json:"reason" doc:"In words, naming only the customer's own purchase: \"Because you bought the Blue Teapot\"."`
	BecauseProductID int64   `json:"because_product_id" doc:"The product the customer bought that led to this one."`
	Score            float64 `json:"score" doc:"The model's score; only the order means anything."`
}

// CustomerSuggestions is what a customer is suggested, or why nothing is.
type CustomerSuggestions struct {
	CustomerID int64            `json:"customer_id"`
	Withheld   string           `json:"withheld" enum:",no_consent,opted_out,open_case,erased,no_model" doc:"Why no suggestion is shown; empty when they may be."`
	Why        string           `json:"why,omitempty" doc:"The withheld reason in words."`
	Items      []SuggestionItem `json:"items"`
	ModelID    int64            `json:"model_id,omitempty"`
	TrainedAt  *time.Time       `json:"trained_at,omitempty"`
}

// WithheldWords says in words why suggestions are withheld.
var WithheldWords = map[string]string{
	fresco.SuggestionsNoConsent: "The customer has not agreed to personalised suggestions.",
	fresco.SuggestionsOptedOut:  "The customer asked not to receive suggestions.",
	fresco.SuggestionsOpenCase:  "The customer has a complaint that is not closed yet.",
	fresco.SuggestionsErased:    "The customer's personal data was erased.",
	fresco.SuggestionsNoModel:   "Suggestions have not been trained yet.",
}

type suggestionsInput struct {
	ID    int64 `path:"id" minimum:"1" doc:"The customer's id."`
	Limit int   `query:"limit" minimum:"1" maximum:"50" default:"10" doc:"How many suggestions at most."`
}

func (s *Server) customerSuggestions(ctx context.Context, in *suggestionsInput) (*One[CustomerSuggestions], error) {
	l, err := s.suggestions.For(ctx, in.ID, in.Limit)
	if err != nil {
		return nil, err
	}
	return &One[CustomerSuggestions]{Body: suggestionsJSON(l)}, nil
}

func suggestionsJSON(l *fresco.SuggestionList) CustomerSuggestions {
	out := CustomerSuggestions{CustomerID: l.CustomerID, Withheld: l.Withheld, Why: WithheldWords[l.Withheld],
		Items: make([]SuggestionItem, 0, len(l.Items)), ModelID: l.ModelID}
	if !l.TrainedAt.IsZero() {
		out.TrainedAt = &l.TrainedAt
	}
	for _, it := range l.Items {
		out.Items = append(out.Items, SuggestionItem{ProductID: it.ProductID, SKU: it.SKU, Name: it.Name, Reason: it.Reason,
			BecauseProductID: it.BecauseProductID, Score: it.Score})
	}
	return out
}

// SuggestionOptOut is a customer's choice about suggestions.
type SuggestionOptOut struct {
	CustomerID int64 `json:"customer_id" readOnly:"true"`
	OptedOut   bool  `json:"opted_out" doc:"true: no suggestions, and their purchases leave the model at the next training."`
}

type optOutInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The customer's id."`
	Body struct {
		OptedOut bool `json:"opted_out" doc:"true: no suggestions, and their purchases leave the model at the next training."`
	}
}

func (s *Server) setSuggestionOptOut(ctx context.Context, in *optOutInput) (*One[SuggestionOptOut], error) {
	if err := s.suggestions.SetOptOut(ctx, principal(ctx).Actor(), in.ID, in.Body.OptedOut); err != nil {
		return nil, err
	}
	return &One[SuggestionOptOut]{Body: SuggestionOptOut{CustomerID: in.ID, OptedOut: in.Body.OptedOut}}, nil
}

type productSensitiveInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The product's id."`
	Body struct {
		Sensitive bool `json:"sensitive" doc:"true: never suggested, and never a reason for a suggestion."`
	}
}

// ProductSensitive is a product's sensitive mark.
type ProductSensitive struct {
	ProductID int64 `json:"product_id"`
	Sensitive bool  `json:"sensitive"`
}

func (s *Server) setProductSensitive(ctx context.Context, in *productSensitiveInput) (*One[ProductSensitive], error) {
	if err := s.suggestions.SetProductSensitive(ctx, principal(ctx).Actor(), in.ID, in.Body.Sensitive); err != nil {
		return nil, err
	}
	return &One[ProductSensitive]{Body: ProductSensitive{ProductID: in.ID, Sensitive: in.Body.Sensitive}}, nil
}

// CategorySensitive is a product category's sensitive mark.
type CategorySensitive struct {
	Category  string `json:"category" doc:"A product category, as products carry it."`
	Sensitive bool   `json:"sensitive" doc:"true: no product of the category is suggested or a reason for a suggestion."`
}

type categorySensitiveInput struct {
	Body CategorySensitive
}

func (s *Server) setCategorySensitive(ctx context.Context, in *categorySensitiveInput) (*One[CategorySensitive], error) {
	if err := s.suggestions.SetCategorySensitive(ctx, principal(ctx).Actor(), in.Body.Category, in.Body.Sensitive); err != nil {
		return nil, err
	}
	return &One[CategorySensitive]{Body: in.Body}, nil
}

// SensitiveProduct is a product marked sensitive.
type SensitiveProduct struct {
	ProductID int64  `json:"product_id"`
	SKU       string `json:"sku"`
	Name      string `json:"name"`
	Category  string `json:"category"`
}

// SensitiveMarks lists what is never suggested.
type SensitiveMarks struct {
	Categories []string           `json:"categories"`
	Products   []SensitiveProduct `json:"products"`
}

func (s *Server) sensitiveMarks(ctx context.Context, _ *struct{}) (*One[SensitiveMarks], error) {
	marks, err := s.suggestions.SensitiveMarks(ctx)
	if err != nil {
		return nil, err
	}
	out := SensitiveMarks{Categories: []string{}, Products: []SensitiveProduct{}}
	for _, m := range marks {
		if m.ProductID == 0 {
			out.Categories = append(out.Categories, m.Category)
		} else {
			out.Products = append(out.Products, SensitiveProduct{ProductID: m.ProductID, SKU: m.SKU, Name: m.Name, Category: m.Category})
		}
	}
	return &One[SensitiveMarks]{Body: out}, nil
}

// SuggestionModelJSON describes the model being served.
type SuggestionModelJSON struct {
	ID        int64     `json:"id"`
	TrainedAt time.Time `json:"trained_at"`
	Algorithm string    `json:"algorithm"`
	Customers int       `json:"customers" doc:"Customers whose purchases trained it."`
	Items     int       `json:"items" doc:"Items in the model."`
	KFloor    int       `json:"k_floor" doc:"An item pair contributed only when at least this many customers bought both."`
	Seconds   float64   `json:"seconds" doc:"How long the training took."`
}

func (s *Server) suggestionModel(ctx context.Context, _ *struct{}) (*One[SuggestionModelJSON], error) {
	m, err := s.suggestions.Model(ctx)
	if err != nil {
		return nil, err
	}
	return &One[SuggestionModelJSON]{Body: SuggestionModelJSON{ID: m.ID, TrainedAt: m.TrainedAt, Algorithm: m.Algorithm,
		Customers: m.Customers, Items: m.Items, KFloor: m.KFloor, Seconds: m.Seconds}}, nil
}

func (s *Server) retrainSuggestions(ctx context.Context, _ *struct{}) (*refitOutput, error) {
	id, err := s.suggestions.EnqueueRetrain(ctx, principal(ctx).Actor())
	if err != nil {
		return nil, err
	}
	return &refitOutput{Body: RefitQueued{JobID: id, Kind: suggestions.JobRetrain}}, nil
}
