package web

// GET /api/v1/reports/value-equation: the Customer Value Equation
// (feedback.ValueEquation) over a period, by location, segment, RFM segment,
// month or customer.

import (
	"context"

	"github.com/fresco-cx/fresco/internal/feedback"
)

// ValueEquationDefinition is the formula and its scale, in the report.
const ValueEquationDefinition = "index = (results + process_quality) ÷ ((6 − price) + (6 − access_costs)) per response " +
	"that answers all four 1–5 items (5 the good end, so a fair price and easy access are low costs); " +
	"0.2 to 5, 1 = benefits and costs balance. Groups show the mean index with its 95% Student-t interval."

// ValueEquationInput is the report's query.
type ValueEquationInput struct {
	FeedbackFilter
	By string `query:"by" enum:"location,segment,rfm,period,customer," doc:"Group by location, the response's segment (anonymous, new, repeat), the customer's RFM segment, calendar month (UTC) or customer; empty: overall and trend only."`
}

// ValueEquationOut is the report with its definition.
type ValueEquationOut struct {
	Definition string `json:"definition"`
	feedback.ValueEquationReport
}

func (s *Server) valueEquationReport(ctx context.Context, in *ValueEquationInput) (*One[ValueEquationOut], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	r, err := s.feedback.ValueEquation(ctx, f, in.By)
	if err != nil {
		return nil, err
	}
	return &One[ValueEquationOut]{Body: ValueEquationOut{Definition: ValueEquationDefinition, ValueEquationReport: *r}}, nil
}
