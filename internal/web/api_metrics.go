package web

import (
	"context"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// FeedbackFilter are the filters every metric and list takes.
type FeedbackFilter struct {
	From     string `query:"from" doc:"Responded at or after: a date (2024-05-01) or an RFC 3339 time."`
	To       string `query:"to" doc:"Responded before this time, or on or before this date."`
	Location int64  `query:"location" minimum:"0" doc:"A location id."`
	Employee int64  `query:"employee" minimum:"0" doc:"The serving employee's id."`
	Post     string `query:"post" doc:"A listening-post slug."`
	Segment  string `query:"segment" doc:"anonymous, new, repeat or your own."`
	Survey   int64  `query:"survey" minimum:"0"`
	Customer int64  `query:"customer" minimum:"0"`
}

type ScaleParams struct {
	FeedbackFilter
	Scale string `query:"scale" enum:"nps,csat,ces" default:"nps"`
}

func (in *ScaleParams) scale() string {
	if in.Scale == "" {
		return feedback.ScaleNPS
	}
	return in.Scale
}

func (f *FeedbackFilter) filter() (store.ResponseFilter, error) {
	var v fresco.Validation
	out := store.ResponseFilter{From: parseTimeParam(&v, "from", f.From, false), To: parseTimeParam(&v, "to", f.To, true),
		LocationID: idPtr(f.Location), EmployeeID: idPtr(f.Employee), PostSlug: f.Post, Segment: f.Segment,
		SurveyID: idPtr(f.Survey), CustomerID: idPtr(f.Customer)}
	return out, v.Err()
}

// NPSMetric is an NPS with n and its adjusted-Wald 95% interval.
type NPSMetric = stats.NPSResult

// Breakdown is a scale by group.
type Breakdown struct {
	Scale  string                 `json:"scale"`
	By     string                 `json:"by"`
	MinN   int                    `json:"min_n" doc:"Employee and location groups with fewer answers show only their n."`
	Groups []feedback.GroupResult `json:"groups"`
}

// Trend is a scale per period.
type Trend struct {
	Scale  string                 `json:"scale"`
	Period string                 `json:"period"`
	Points []feedback.TrendPeriod `json:"points"`
}

// Distribution counts answers per score.
type Distribution struct {
	Scale  string `json:"scale"`
	Min    int    `json:"min"`
	Counts []int  `json:"counts" doc:"counts[i] is the number of answers with score min + i."`
}

func (s *Server) metricNPS(ctx context.Context, in *FeedbackFilter) (*One[NPSMetric], error) {
	return filteredMetric(ctx, in, s.feedback.NPS)
}

func (s *Server) metricCSAT(ctx context.Context, in *FeedbackFilter) (*One[stats.CSATResult], error) {
	return filteredMetric(ctx, in, s.feedback.CSAT)
}

func (s *Server) metricCES(ctx context.Context, in *FeedbackFilter) (*One[stats.CESResult], error) {
	return filteredMetric(ctx, in, s.feedback.CES)
}

func (s *Server) metricBreakdown(ctx context.Context, in *struct {
	ScaleParams
	By   string `query:"by" enum:"employee,location,post,segment" default:"employee"`
	MinN int    `query:"min_n" minimum:"0" maximum:"100000" doc:"Default 30."`
}) (*One[Breakdown], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	by := in.By
	if by == "" {
		by = store.GroupEmployee
	}
	groups, err := s.feedback.Breakdown(ctx, f, in.scale(), by, in.MinN)
	if err != nil {
		return nil, err
	}
	minN := in.MinN
	if minN <= 0 {
		minN = s.feedback.Options().MinN
	}
	return &One[Breakdown]{Body: Breakdown{Scale: in.scale(), By: by, MinN: minN, Groups: groups}}, nil
}

func (s *Server) metricTrend(ctx context.Context, in *struct {
	ScaleParams
	Period string `query:"period" enum:"day,week,month" default:"month"`
}) (*One[Trend], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	period := in.Period
	if period == "" {
		period = feedback.PeriodMonth
	}
	points, err := s.feedback.Trend(ctx, f, in.scale(), period)
	if err != nil {
		return nil, err
	}
	return &One[Trend]{Body: Trend{Scale: in.scale(), Period: period, Points: points}}, nil
}

func (s *Server) metricDistribution(ctx context.Context, in *ScaleParams) (*One[Distribution], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	counts, err := s.feedback.Distribution(ctx, f, in.scale())
	if err != nil {
		return nil, err
	}
	lo := 1
	if in.scale() == feedback.ScaleNPS {
		lo = 0
	}
	return &One[Distribution]{Body: Distribution{Scale: in.scale(), Min: lo, Counts: counts}}, nil
}

func (s *Server) metricDrivers(ctx context.Context, in *FeedbackFilter) (*One[stats.DriverAnalysis], error) {
	return filteredMetric(ctx, in, s.feedback.Drivers)
}

// filteredMetric answers a metric computed over the responses in's filters select.
func filteredMetric[T any](ctx context.Context, in *FeedbackFilter, metric func(context.Context, store.ResponseFilter) (T, error)) (*One[T], error) {
	f, err := in.filter()
	if err != nil {
		return nil, err
	}
	r, err := metric(ctx, f)
	if err != nil {
		return nil, err
	}
	return &One[T]{Body: r}, nil
}
