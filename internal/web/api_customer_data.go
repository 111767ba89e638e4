package web

import (
	"context"

	"github.com/fresco-cx/fresco/internal/portable"
	"github.com/fresco-cx/fresco/internal/suggestions"
)

// A customer's own data: everything held about them (the right of access)
// and its erasure (the right to be forgotten). The rules — which tables,
// which columns, what stays so that figures do not move — are in package
// portable.

// CustomerData is every record held about one customer, table by table.
type CustomerData struct {
	CustomerID int64                       `json:"customer_id"`
	Tables     map[string][]map[string]any `json:"tables" doc:"Table name → its rows about the customer, each an object keyed by column (suggestion_opt_outs: whether and when they opted out of suggestions)."`
	// Suggestions are computed, not stored: what they would be shown now.
	Suggestions CustomerSuggestions `json:"suggestions" doc:"The suggestions made for the customer now, each with its reason, or why none are (withheld, why): what the customer may ask to see and why."`
}

func (s *Server) exportCustomer(ctx context.Context, in *IDParam) (*One[CustomerData], error) {
	data, err := portable.CustomerData(ctx, s.db, in.ID)
	if err != nil {
		return nil, err
	}
	l, err := s.suggestions.For(ctx, in.ID, suggestions.DefaultCount)
	if err != nil {
		return nil, err
	}
	return &One[CustomerData]{Body: CustomerData{CustomerID: in.ID, Tables: data, Suggestions: suggestionsJSON(l)}}, nil
}

func (s *Server) eraseCustomer(ctx context.Context, in *IDParam) (*One[portable.Erasure], error) {
	e, err := portable.EraseCustomer(ctx, s.db, principal(ctx).Actor(), in.ID)
	if err != nil {
		return nil, err
	}
	return &One[portable.Erasure]{Body: *e}, nil
}
