package web

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/web/ui"
)

// RecurrenceAlert is a recurring problem.
type RecurrenceAlert struct {
	ID         int64     `json:"id"`
	Dimension  string    `json:"dimension"`
	Value      string    `json:"value"`
	Cases      int       `json:"cases"`
	WindowDays int       `json:"window_days"`
	CaseID     *int64    `json:"case_id"`
	CreatedAt  time.Time `json:"created_at"`
}

func (s *Server) listRecurrenceAlerts(ctx context.Context, in *struct{}) (*itemsBody[RecurrenceAlert], error) {
	list, err := s.db.ListRecurrenceAlerts(ctx, 200)
	if err != nil {
		return nil, err
	}
	return items(list, func(a fresco.RecurrenceAlert) RecurrenceAlert {
		return RecurrenceAlert{ID: a.ID, Dimension: a.Dimension, Value: a.Value, Cases: a.Cases,
			WindowDays: a.WindowDays, CaseID: a.CaseID, CreatedAt: a.CreatedAt}
	}), nil
}

// RecoveryCost is the cost of poor recovery: the value lost among customers
// whose recovery failed (no purchase within 90 days of the case, or a
// follow-through that found the problem unsolved), against those recovered.
type RecoveryCost struct {
	FailedCustomers      int   `json:"failed_customers"`
	RecoveredCustomers   int   `json:"recovered_customers"`
	FailedValueBefore    Money `json:"failed_value_before" doc:"Their purchases in the 365 days before the case."`
	FailedValueAfter     Money `json:"failed_value_after" doc:"… in the 365 days after (so far)."`
	ValueLost            Money `json:"value_lost" doc:"Σ max(0, before − after) over failed customers: the dollar cost of poor recovery."`
	RecoveredValueBefore Money `json:"recovered_value_before"`
	RecoveredValueAfter  Money `json:"recovered_value_after"`
	GesturesFailed       Money `json:"gestures_failed" doc:"Gestures granted to customers whose recovery failed."`
	GesturesRecovered    Money `json:"gestures_recovered"`
}

// RecoveryReport is the big picture of service recovery over a period.
type RecoveryReport struct {
	From                time.Time                `json:"from"`
	To                  time.Time                `json:"to"`
	ComputedAt          time.Time                `json:"computed_at" doc:"When the report was worked out: purchases and the 90 days after a case are counted up to then. Without from and to, the twelve months up to the last background refresh (every 15 minutes)."`
	Cases               int                      `json:"cases" doc:"Cases opened in the period (merged duplicates excluded)."`
	TimeToFirstResponse recovery.Stat            `json:"time_to_first_response"`
	TimeToResolution    recovery.Stat            `json:"time_to_resolution"`
	ReopenRate          *float64                 `json:"reopen_rate" doc:"Resolved cases that were reopened at least once."`
	SLATracked          int                      `json:"sla_tracked"`
	SLAAttainment       *float64                 `json:"sla_attainment" doc:"Share of SLA-tracked cases that never breached."`
	Recovery            recovery.RecoveryRate    `json:"recovery_rate" doc:"Customers still buying 90 days after a case, against similar customers without one."`
	CostOfPoorRecovery  RecoveryCost             `json:"cost_of_poor_recovery"`
	ByCategory          []recovery.CategoryCount `json:"by_category"`
}

func reportOut(r *recovery.Report) RecoveryReport {
	c := r.CostOfPoorRecovery
	return RecoveryReport{From: r.From, To: r.To, ComputedAt: r.AsOf, Cases: r.Cases, TimeToFirstResponse: r.TimeToFirstResponse,
		TimeToResolution: r.TimeToResolution, ReopenRate: r.ReopenRate, SLATracked: r.SLATracked, SLAAttainment: r.SLAAttainment,
		Recovery: r.Recovery, ByCategory: r.ByCategory,
		CostOfPoorRecovery: RecoveryCost{FailedCustomers: c.FailedCustomers, RecoveredCustomers: c.RecoveredCustomers,
			FailedValueBefore: moneyOut(c.FailedValueBefore), FailedValueAfter: moneyOut(c.FailedValueAfter),
			ValueLost: moneyOut(c.ValueLost), RecoveredValueBefore: moneyOut(c.RecoveredValueBefore),
			RecoveredValueAfter: moneyOut(c.RecoveredValueAfter), GesturesFailed: moneyOut(c.GesturesFailed),
			GesturesRecovered: moneyOut(c.GesturesRecovered)}}
}

func (s *Server) recoveryReport(ctx context.Context, in *struct {
	From string `query:"from" doc:"Cases opened from this date (default: a year before to)."`
	To   string `query:"to" doc:"… until this date, inclusive (default: now). Without from and to, the report of the twelve months up to its last background refresh (computed_at, at most 15 minutes ago)."`
}) (*One[RecoveryReport], error) {
	var v fresco.Validation
	from := parseTimeParam(&v, "from", in.From, false)
	to := parseTimeParam(&v, "to", in.To, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if from.IsZero() && to.IsZero() {
		r, err := s.recovery.LastYearReport(ctx)
		if err != nil {
			return nil, err
		}
		return &One[RecoveryReport]{Body: reportOut(r)}, nil
	}
	now := s.now().UTC()
	if to.IsZero() {
		to = now
	}
	if from.IsZero() {
		from = to.AddDate(-1, 0, 0)
	}
	r, err := s.recovery.Report(ctx, from, to)
	if err != nil {
		return nil, err
	}
	return &One[RecoveryReport]{Body: reportOut(r)}, nil
}

func (s *Server) recoverySourcesReport(ctx context.Context, in *struct {
	From string `query:"from" doc:"Cases closed from this date (default: a year before to)."`
	To   string `query:"to" doc:"… until this date, inclusive (default: today)."`
}) (*One[recovery.SourcesReport], error) {
	r, err := RecoverySources(ctx, s.recovery, in.From, in.To, s.now())
	if err != nil {
		return nil, err
	}
	return &One[recovery.SourcesReport]{Body: *r}, nil
}

// RecoverySources is the recovery-sources report for the API's and the
// page's from and to (dates, to inclusive; a year up to now by default),
// each count linked to the case list of its cases.
func RecoverySources(ctx context.Context, svc *recovery.Service, fromParam, toParam string, now time.Time) (*recovery.SourcesReport, error) {
	var v fresco.Validation
	from := parseTimeParam(&v, "from", fromParam, false)
	to := parseTimeParam(&v, "to", toParam, true)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if to.IsZero() {
		y, m, d := now.UTC().Date()
		to = time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)
	}
	if from.IsZero() {
		from = to.AddDate(-1, 0, 0)
	}
	r, err := svc.Sources(ctx, from, to)
	if err != nil {
		return nil, err
	}
	r.CaseLinks(ui.CaseCauseLink(from, to))
	return r, nil
}
