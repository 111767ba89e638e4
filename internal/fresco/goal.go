package fresco

import "time"

// Satisfaction goals (internal/goals): a target for one customer or staff
// measure, for the whole business or one part of it, over a period. These
// are the stored shapes; validation and progress live in package goals.

// Goal metrics: what a goal measures, and in what unit its target is.
const (
	MetricNPS               = "nps"                    // −100..100
	MetricCSAT              = "csat"                   // % satisfied (4–5 of 5)
	MetricCES               = "ces"                    // mean effort score, 1–7 (7 = very easy)
	MetricFollowUpClosure   = "followup_closure_hours" // mean hours from a follow-up opening to its closing
	MetricSLAAttainment     = "sla_attainment"         // % of SLA-tracked cases that never breached
	MetricPulseSatisfaction = "pulse_satisfaction"     // staff job satisfaction, mean 1–5, behind the pulse's anonymity floor
)

// GoalMetrics lists the metrics in the order pages offer them.
var GoalMetrics = []string{MetricNPS, MetricCSAT, MetricCES, MetricFollowUpClosure, MetricSLAAttainment, MetricPulseSatisfaction}

// Goal scopes: whose figures a goal judges.
const (
	ScopeAll      = "all"
	ScopeLocation = "location"
	ScopeTeam     = "team"
	ScopeSegment  = "segment" // the customer segment a response carries (anonymous, new, repeat or the business's own)
)

// Goal periods: a fixed range of days, or the current calendar month or
// quarter (in the business's zone), again and again.
const (
	PeriodFixed   = "fixed"
	PeriodMonth   = "month"
	PeriodQuarter = "quarter"
)

// Goal is one target. Exactly one of LocationID, TeamID and Segment is
// set for the scopes that need them; StartsOn and EndsOn (inclusive civil
// days, UTC midnights) only for a fixed period.
type Goal struct {
	ID         int64
	Name       string
	Metric     string
	Scope      string
	LocationID *int64
	TeamID     *int64
	Segment    string
	Direction  string // stats.AtLeast or stats.AtMost
	Target     float64
	Period     string
	StartsOn   *time.Time
	EndsOn     *time.Time
	OwnerID    *int64 // the employee who set it
	CreatedBy  string
	Version    int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}
