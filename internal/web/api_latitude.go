package web

import (
	"context"

	"github.com/fresco-cx/fresco/internal/latitude"
)

// LatitudeInput chooses the audit's months and, for staff's answers, a unit.
type LatitudeInput struct {
	From string `query:"from" doc:"The first month: 2025-01, or a date standing for its month. Default: 11 months before to."`
	To   string `query:"to" doc:"The last month (inclusive): 2025-12, or a date. Default: this month."`
	By   string `query:"by" enum:"team,location" doc:"With unit: count the answers of one team or location (its published pulse cells only). Default: all staff."`
	Unit int64  `query:"unit" minimum:"0" doc:"The team or location id, with by."`
}

func (s *Server) latitudeAudit(ctx context.Context, in *LatitudeInput) (*One[*latitude.Report], error) {
	r, err := s.latitude.Audit(ctx, latitude.Query{From: in.From, To: in.To, By: in.By, Unit: in.Unit})
	if err != nil {
		return nil, err
	}
	return &One[*latitude.Report]{Body: r}, nil
}
