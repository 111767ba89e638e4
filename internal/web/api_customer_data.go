package web

import (
	"context"

	"github.com/fresco-cx/fresco/internal/portable"
)

// A customer's own data: everything held about them (the right of access)
// and its erasure (the right to be forgotten). The rules — which tables,
// which columns, what stays so that figures do not move — are in package
// portable.

// CustomerData is every record held about one customer, table by table.
type CustomerData struct {
	CustomerID int64                       `json:"customer_id"`
	Tables     map[string][]map[string]any `json:"tables" doc:"Table name → its rows about the customer, each an object keyed by column."`
}

func (s *Server) exportCustomer(ctx context.Context, in *IDParam) (*One[CustomerData], error) {
	data, err := portable.CustomerData(ctx, s.db, in.ID)
	if err != nil {
		return nil, err
	}
	return &One[CustomerData]{Body: CustomerData{CustomerID: in.ID, Tables: data}}, nil
}

func (s *Server) eraseCustomer(ctx context.Context, in *IDParam) (*One[portable.Erasure], error) {
	e, err := portable.EraseCustomer(ctx, s.db, principal(ctx).Actor(), in.ID)
	if err != nil {
		return nil, err
	}
	return &One[portable.Erasure]{Body: *e}, nil
}
