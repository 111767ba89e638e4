package fresco

import (
	"strings"
	"time"
)

// Rewards for results (issue 13, item 6): what a scorecard measures, the
// rewards an owner ties to a team's goal, and the nominations colleagues
// and customers make. Scorecards themselves are computed, never stored
// (internal/rewards).

// Measure is one result on a scorecard. Every measure is a proportion: a
// count of good outcomes among n chances.
type Measure string

const (
	// MeasureRecovered: of the cases they owned and resolved, the share whose
	// customer bought again within the window after the resolution.
	MeasureRecovered Measure = "recovered"
	// MeasurePromotersAfterCase: of the resolved cases whose customer answered
	// NPS afterwards, the share whose next answer was 9 or 10.
	MeasurePromotersAfterCase Measure = "promoters_after_case"
	// MeasureFollowUpsInTime: of the follow-ups and call tasks they owned
	// that fell due, the share closed by the due time.
	MeasureFollowUpsInTime Measure = "followups_in_time"
	// MeasureRetention: of the customers they served, the share who bought
	// again within the window.
	MeasureRetention Measure = "retention"
	// MeasureKindWords: of the comments attributed to them, the share that
	// were kind (a promoter's comment or a compliment).
	MeasureKindWords Measure = "kind_words"
)

// Measures lists the measures in the order a scorecard shows them.
var Measures = []Measure{MeasureRecovered, MeasurePromotersAfterCase, MeasureFollowUpsInTime, MeasureRetention, MeasureKindWords}

// ParseMeasure checks a measure's code.
func ParseMeasure(s string) (Measure, bool) {
	for _, m := range Measures {
		if string(m) == s {
			return m, true
		}
	}
	return "", false
}

// Reward is what a team earns by reaching a goal: "team NPS-after-case ≥ 60%
// for Q1 → team dinner". The period is civil days, both ends included.
type Reward struct {
	ID        int64
	Name      string // what they get: "Team dinner"
	TeamID    int64
	Measure   Measure
	Target    float64 // percent, 0–100
	From, To  time.Time
	CreatedBy string
	CreatedAt time.Time
}

// Validate checks a reward before it is stored.
func (r *Reward) Validate() error {
	var v Validation
	v.Text("name", r.Name, true, 200)
	v.Check(r.TeamID > 0, "team_id", "is required")
	_, ok := ParseMeasure(string(r.Measure))
	v.Check(ok, "measure", "must be one of %s", measureList())
	v.Check(r.Target >= 0 && r.Target <= 100, "target", "must be a percentage between 0 and 100")
	v.Check(!r.From.IsZero(), "from", "is required (YYYY-MM-DD)")
	v.Check(!r.To.IsZero(), "to", "is required (YYYY-MM-DD)")
	if !r.From.IsZero() && !r.To.IsZero() {
		v.Check(!r.To.Before(r.From), "to", "is before from")
		v.Check(r.To.Sub(r.From) <= 366*24*time.Hour, "to", "is more than a year after from")
	}
	return v.Err()
}

func measureList() string {
	s := make([]string, len(Measures))
	for i, m := range Measures {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// NominationSource says who nominated.
type NominationSource string

const (
	NominationPeer     NominationSource = "peer"     // a colleague
	NominationCustomer NominationSource = "customer" // a customer, on the survey page or through an integration
)

// MaxNominationReason is the longest reason a nomination keeps.
const MaxNominationReason = 1000

// Nomination is an award given by a colleague or a customer ("awards given
// by peers or even by customers").
type Nomination struct {
	ID          int64
	NomineeID   int64
	Source      NominationSource
	NominatorID *int64 // the colleague; nil for a customer
	CustomerID  *int64 // the customer, when known
	Reason      string
	CreatedBy   string
	CreatedAt   time.Time
}

// Validate checks a nomination before it is stored: a nominee, a reason,
// and nobody nominating themselves. Field names are the API's.
func (n *Nomination) Validate() error {
	var v Validation
	v.Check(n.NomineeID > 0, "employee_id", "is required")
	v.Text("reason", n.Reason, true, MaxNominationReason)
	switch n.Source {
	case NominationPeer:
		v.Check(n.NominatorID != nil, "employee_id", "a colleague's nomination needs a nominator: sign in as yourself")
		v.Check(n.NominatorID == nil || *n.NominatorID != n.NomineeID, "employee_id", "is yourself: nominate a colleague, not yourself")
		v.Check(n.CustomerID == nil, "customer_id", "is for a customer's nomination, not a colleague's")
	case NominationCustomer:
		v.Check(n.NominatorID == nil, "source", "a customer's nomination has no colleague nominating")
	default:
		v.Add("source", "must be peer or customer")
	}
	return v.Err()
}
