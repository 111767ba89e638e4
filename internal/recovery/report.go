package recovery

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// Stat summarises a set of durations in hours.
type Stat struct {
	Count       int      `json:"count"`
	MedianHours *float64 `json:"median_hours"`
	P90Hours    *float64 `json:"p90_hours"`
}

// Quantile returns the q-quantile (0..1) of sorted values by linear
// interpolation between closest ranks; false for no values.
func Quantile(sorted []float64, q float64) (float64, bool) {
	n := len(sorted)
	if n == 0 {
		return 0, false
	}
	pos := q * float64(n-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, n-1)
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo]), true
}

// Summarise returns count, median and 90th percentile of durations, in hours.
func Summarise(durations []time.Duration) Stat {
	hours := make([]float64, len(durations))
	for i, d := range durations {
		hours[i] = d.Hours()
	}
	slices.Sort(hours)
	st := Stat{Count: len(hours)}
	if m, ok := Quantile(hours, 0.5); ok {
		st.MedianHours = round(m)
	}
	if p, ok := Quantile(hours, 0.9); ok {
		st.P90Hours = round(p)
	}
	return st
}

func round(v float64) *float64 {
	r := math.Round(v*100) / 100
	return &r
}

func ratio(num, den int) *float64 {
	if den == 0 {
		return nil
	}
	return round(float64(num) / float64(den))
}

// RecoveryRate compares customers with a case against similar customers
// without one: the share still buying within 90 days.
type RecoveryRate struct {
	Customers         int      `json:"customers" doc:"Customers whose first case in the period opened at least 90 days ago."`
	StillBuying       int      `json:"still_buying" doc:"… who bought again within 90 days of the case."`
	Rate              *float64 `json:"rate"`
	BaselineCustomers int      `json:"baseline_customers" doc:"The comparison group, month by month: for each whole calendar month (UTC) of the period that ended at least 90 days ago, the customers who bought that month and never had a case, summed over those months (a customer who bought in three of them counts three times). Months the period covers only in part are left out."`
	BaselineRetained  int      `json:"baseline_retained" doc:"… of whom bought again within 90 days of their first purchase that month."`
	BaselineRate      *float64 `json:"baseline_rate"`
	BaselineFirst     *string  `json:"baseline_first_month" doc:"The first month (YYYY-MM) of the comparison group; null when the period holds no month that ended 90 days ago."`
	BaselineLast      *string  `json:"baseline_last_month" doc:"… and the last."`
	Difference        *float64 `json:"difference" doc:"rate − baseline_rate."`
}

// Cost is the cost of poor recovery: the value lost among customers whose
// recovery failed (no purchase within 90 days, or a follow-through that found
// the problem unsolved), against those recovered.
type Cost struct {
	FailedCustomers      int          `json:"failed_customers"`
	RecoveredCustomers   int          `json:"recovered_customers"`
	FailedValueBefore    fresco.Money `json:"failed_value_before" doc:"Their purchases in the 365 days before the case."`
	FailedValueAfter     fresco.Money `json:"failed_value_after" doc:"… in the 365 days after (so far)."`
	ValueLost            fresco.Money `json:"value_lost" doc:"Σ max(0, before − after) over failed customers: the dollar cost of poor recovery."`
	RecoveredValueBefore fresco.Money `json:"recovered_value_before"`
	RecoveredValueAfter  fresco.Money `json:"recovered_value_after"`
	GesturesFailed       fresco.Money `json:"gestures_failed" doc:"Gestures granted to customers whose recovery failed."`
	GesturesRecovered    fresco.Money `json:"gestures_recovered"`
}

// CategoryCount counts cases per root-cause category (or intake category).
type CategoryCount struct {
	Category string `json:"category"`
	Cases    int    `json:"cases"`
}

// Report is the big picture of service recovery over a period.
type Report struct {
	From                time.Time       `json:"from"`
	To                  time.Time       `json:"to"`
	AsOf                time.Time       `json:"as_of"` // when it was worked out: the purchases and the 90 days are counted up to then
	Cases               int             `json:"cases"`
	TimeToFirstResponse Stat            `json:"time_to_first_response"`
	TimeToResolution    Stat            `json:"time_to_resolution"`
	ReopenRate          *float64        `json:"reopen_rate" doc:"Resolved cases that were reopened at least once."`
	SLATracked          int             `json:"sla_tracked"`
	SLAAttainment       *float64        `json:"sla_attainment" doc:"Share of SLA-tracked cases that never breached."`
	Recovery            RecoveryRate    `json:"recovery_rate"`
	CostOfPoorRecovery  Cost            `json:"cost_of_poor_recovery"`
	ByCategory          []CategoryCount `json:"by_category"`
}

// BuildReport computes the report from case facts (pure).
func BuildReport(from, to time.Time, facts []store.CaseFacts, baseline store.Baseline) Report {
	r := Report{From: from, To: to, Cases: len(facts), ByCategory: []CategoryCount{}}
	var firsts, resolutions []time.Duration
	var resolvedEver, reopened, met int
	categories := map[string]int{}
	seen := map[int64]bool{}
	for _, f := range facts {
		if f.FirstResponseAt != nil {
			firsts = append(firsts, f.FirstResponseAt.Sub(f.OpenedAt))
		}
		if f.ResolvedAt != nil {
			resolutions = append(resolutions, f.ResolvedAt.Sub(f.OpenedAt))
		}
		if f.ResolvedAt != nil || f.ReopenCount > 0 {
			resolvedEver++
		}
		if f.ReopenCount > 0 {
			reopened++
		}
		if f.SLAStatus != "none" {
			r.SLATracked++
			if !f.SLABreached {
				met++
			}
		}
		if f.Category != "" {
			categories[f.Category]++
		}
		if seen[f.CustomerID] || !f.Observable90Days {
			continue
		}
		seen[f.CustomerID] = true
		r.Recovery.Customers++
		c := &r.CostOfPoorRecovery
		recovered := f.BoughtWithin90d && f.FollowThrough != "not_solved"
		if f.BoughtWithin90d {
			r.Recovery.StillBuying++
		}
		if recovered {
			c.RecoveredCustomers++
			c.RecoveredValueBefore += f.RevenueBefore
			c.RecoveredValueAfter += f.RevenueAfter
			c.GesturesRecovered += f.GesturesGranted
		} else {
			c.FailedCustomers++
			c.FailedValueBefore += f.RevenueBefore
			c.FailedValueAfter += f.RevenueAfter
			c.ValueLost += max(0, f.RevenueBefore-f.RevenueAfter)
			c.GesturesFailed += f.GesturesGranted
		}
	}
	r.TimeToFirstResponse, r.TimeToResolution = Summarise(firsts), Summarise(resolutions)
	r.ReopenRate = ratio(reopened, resolvedEver)
	r.SLAAttainment = ratio(met, r.SLATracked)
	r.Recovery.Rate = ratio(r.Recovery.StillBuying, r.Recovery.Customers)
	r.Recovery.BaselineCustomers, r.Recovery.BaselineRetained = baseline.Customers, baseline.Retained
	r.Recovery.BaselineRate = ratio(baseline.Retained, baseline.Customers)
	if !baseline.From.IsZero() {
		first, last := baseline.From.Format("2006-01"), baseline.To.AddDate(0, -1, 0).Format("2006-01")
		r.Recovery.BaselineFirst, r.Recovery.BaselineLast = &first, &last
	}
	if r.Recovery.Rate != nil && r.Recovery.BaselineRate != nil {
		r.Recovery.Difference = round(*r.Recovery.Rate - *r.Recovery.BaselineRate)
	}
	for cat, n := range categories {
		r.ByCategory = append(r.ByCategory, CategoryCount{Category: cat, Cases: n})
	}
	sort.Slice(r.ByCategory, func(i, j int) bool {
		a, b := r.ByCategory[i], r.ByCategory[j]
		return a.Cases > b.Cases || a.Cases == b.Cases && a.Category < b.Category
	})
	return r
}

// Report computes the recovery report for cases opened in [from, to).
func (s *Service) Report(ctx context.Context, from, to time.Time) (*Report, error) {
	if !from.Before(to) {
		var v fresco.Validation
		v.Add("query.from", "must be before to")
		return nil, v.Err()
	}
	return s.reportAsOf(ctx, from, to, s.Now())
}

// reportAsOf is Report with the purchases and the 90 days counted up to asOf.
func (s *Service) reportAsOf(ctx context.Context, from, to, asOf time.Time) (*Report, error) {
	facts, err := s.db.Reports().CaseReportFacts(ctx, from, to, asOf)
	if err != nil {
		return nil, err
	}
	baseline, err := s.db.Reports().BaselineRetention(ctx, from, to, asOf)
	if err != nil {
		return nil, err
	}
	r := BuildReport(from, to, facts, baseline)
	r.AsOf = asOf
	return &r, nil
}

const (
	// JobReportRefresh works out the report of the last twelve months in
	// the background, every Options.ReportEvery.
	JobReportRefresh = "recovery.report_refresh"
	// lastYearSnapshot names that report among the stored snapshots.
	lastYearSnapshot = "recovery.last_year"
)

// LastYearReport is the report of the twelve months up to its last
// background refresh (Report.AsOf). It is a dashboard: it reads one stored
// row, from the read replica if there is one, where working it out reads
// every case of the year and its customer's purchases around it (over a
// second of CPU at a million customers). Before the first refresh it
// refreshes, on the primary.
func (s *Service) LastYearReport(ctx context.Context) (*Report, error) {
	body, at, err := s.db.Reports().ReportSnapshot(ctx, lastYearSnapshot)
	if err != nil {
		return nil, err
	}
	if at.IsZero() {
		return s.RefreshLastYearReport(ctx)
	}
	var r Report
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("stored recovery report: %w", err)
	}
	return &r, nil
}

// RefreshLastYearReport works out the report of the twelve months up to
// now and stores it for LastYearReport.
func (s *Service) RefreshLastYearReport(ctx context.Context) (*Report, error) {
	now := s.Now()
	r, err := s.reportAsOf(ctx, now.AddDate(-1, 0, 0), now, now)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	_, err = s.db.ReplaceReportSnapshot(ctx, lastYearSnapshot, body, now)
	return r, err
}
