package fresco

import "time"

// Suggestion is an item suggested to a customer from what they bought
// (issue 15): "customers who bought what you bought also bought…". Its
// reason names only the customer's own purchase, never another customer.
type Suggestion struct {
	ProductID int64
	SKU       string
	Name      string
	Score     float64
	// Because is the product the customer bought that led to this one.
	BecauseProductID int64
	BecauseName      string
	Reason           string // "Because you bought the Blue Teapot"
}

// Why suggestions are withheld from a customer (SuggestionList.Withheld).
const (
	SuggestionsNoConsent = "no_consent" // consent_personalisation is false
	SuggestionsOptedOut  = "opted_out"  // the customer opted out of suggestions
	SuggestionsOpenCase  = "open_case"  // a complaint case is open (or resolved, not closed)
	SuggestionsErased    = "erased"     // the customer's personal data was erased
	SuggestionsNoModel   = "no_model"   // nothing trained yet
)

// SuggestionList is what a customer is suggested now: the items, or why
// none are.
type SuggestionList struct {
	CustomerID int64
	Withheld   string // "" when suggestions may be shown (Items may still be empty)
	Items      []Suggestion
	ModelID    int64
	TrainedAt  time.Time
}

// SuggestionModel describes a trained model (not its weights).
type SuggestionModel struct {
	ID        int64
	TrainedAt time.Time
	Algorithm string
	Customers int
	Items     int
	KFloor    int
	Seconds   float64
	Stats     string // JSON: the training's counts
}
