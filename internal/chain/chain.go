// Package chain measures the service-profit chain per unit (team or
// location) and period (month or quarter): employee capability and
// satisfaction (the pulse, behind its anonymity floor), employee retention
// (1 − turnover), customer satisfaction (NPS), customer loyalty (the share
// of a period's customers who buy again in the next period) and profit
// (gross profit per customer); and how strongly each link moves together
// across unit-periods (Pearson's r with its Fisher-z interval). It also
// raises the cycle-of-mediocrity alert (alert.go).
//
// Correlation across units and periods is not causation: the words this
// package writes say "teams whose … tend to have …", never "… causes …".
package chain

import (
	"context"
	"log/slog"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/people"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/store"
)

// The measures of the chain, in its order.
const (
	EmployeeCapability   = "employee_capability"
	EmployeeSatisfaction = "employee_satisfaction"
	EmployeeRetention    = "employee_retention"
	CustomerSatisfaction = "customer_satisfaction"
	CustomerLoyalty      = "customer_loyalty"
	Profit               = "profit"
)

// Measures lists the chain's links in order: each leads to the next.
var Measures = []string{EmployeeCapability, EmployeeSatisfaction, EmployeeRetention, CustomerSatisfaction, CustomerLoyalty, Profit}

// Unit kinds.
const (
	ByTeam     = "team"
	ByLocation = "location"
)

// Minimums below which a unit-period's customer figure is too noisy to
// show: NPS needs MinResponses answers, loyalty and profit MinCustomers
// customers. Pulse figures follow the pulse's own floor (pulse.MinN).
const (
	MinResponses = 10
	MinCustomers = 10
	MaxLag       = 3
)

// Options configure the service.
type Options struct {
	Logger   *slog.Logger
	Now      func() time.Time
	Notifier *notify.Notifier // nil: alerts are recorded but nobody is told
}

// Service measures the chain.
type Service struct {
	db     *store.DB
	people *people.Service
	pulse  *pulse.Service
	opts   Options
	log    *slog.Logger
}

// New returns the chain over db, reading the pulse and retention through
// their services (so the anonymity floor is theirs).
func New(db *store.DB, ppl *people.Service, pls *pulse.Service, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, people: ppl, pulse: pls, opts: opts, log: opts.Logger.With("component", "chain")}
}

// Query asks for the chain.
type Query struct {
	By     string // ByTeam or ByLocation
	Period string // Month or Quarter
	From   string // a month, date or quarter; default: a year (month) or two (quarter) before To
	To     string // default: this period
	Lag    int    // 0..MaxLag: a link pairs "from" in a period with "to" Lag periods later
	// Pairs are links asked for beside the consecutive ones, each
	// [from, to] measure names.
	Pairs [][2]string
}

// Unit is a team or a location.
type UnitRef struct {
	Kind string `json:"kind" enum:"team,location"`
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Counts are the numbers each figure of a unit-period rests on.
type Counts struct {
	// Pulse is the answers to the staff pulse; null when the pulse's
	// anonymity floor hides the unit's months (then so are its figures).
	Pulse     *int `json:"pulse"`
	Headcount int  `json:"headcount" doc:"Employed on the first day of the period."`
	Leavers   int  `json:"leavers"`
	Responses int  `json:"responses" doc:"Customers' NPS answers."`
	Customers int  `json:"customers" doc:"Known customers who bought in the period."`
	Returned  int  `json:"returned" doc:"Of those, how many bought again in the next period."`
}

// UnitPeriod is one unit's chain in one period. A figure is null when its
// data is missing or below its minimum.
type UnitPeriod struct {
	Unit                 UnitRef       `json:"unit"`
	Period               string        `json:"period" doc:"YYYY-MM or YYYY-Qn."`
	EmployeeCapability   *float64      `json:"employee_capability" doc:"Mean answer, 1–5, to the pulse's capability question."`
	EmployeeSatisfaction *float64      `json:"employee_satisfaction" doc:"Mean answer, 1–5, to the pulse's job-satisfaction question."`
	EmployeeRetention    *float64      `json:"employee_retention" doc:"1 − leavers ÷ headcount at the start, 0–1."`
	CustomerSatisfaction *float64      `json:"customer_satisfaction" doc:"NPS, −100..100, of the customers' answers."`
	CustomerLoyalty      *float64      `json:"customer_loyalty" doc:"Share, 0–1, of the period's customers who bought again in the next period."`
	Profit               *fresco.Money `json:"profit" doc:"Gross profit per customer: net revenue minus the cost of goods, over the period's customers."`
	N                    Counts        `json:"n"`

	promoters, detractors int  // the NPS answers, for the alert's test
	loyaltyKnown          bool // the next period is over, so Returned is final
}

// value returns the measure's value as a number, or false when it is null.
func (u *UnitPeriod) value(measure string) (float64, bool) {
	var p *float64
	switch measure {
	case EmployeeCapability:
		p = u.EmployeeCapability
	case EmployeeSatisfaction:
		p = u.EmployeeSatisfaction
	case EmployeeRetention:
		p = u.EmployeeRetention
	case CustomerSatisfaction:
		p = u.CustomerSatisfaction
	case CustomerLoyalty:
		p = u.CustomerLoyalty
	case Profit:
		if u.Profit == nil {
			return 0, false
		}
		return float64(*u.Profit) / 100, true
	}
	if p == nil {
		return 0, false
	}
	return *p, true
}

// Measured is the chain measured.
type Measured struct {
	By     string       `json:"by"`
	Period string       `json:"period"`
	From   string       `json:"from"`
	To     string       `json:"to"`
	Lag    int          `json:"lag"`
	Units  []UnitPeriod `json:"units"`
	Links  []ChainLink  `json:"links"`
	// AsOf: the customer figures of a period not over, or whose "bought
	// again" window is not, are the stored ones, worked out by the job
	// every 15 minutes rather than on each view.
	AsOf *time.Time `json:"as_of" doc:"When the customer figures of the periods still open (the current one, and the one whose customers' return is still being counted) were worked out; null when none is shown."`
}

// Measure returns the chain for q.
func (s *Service) Measure(ctx context.Context, q Query) (*Measured, error) {
	first, last, err := s.checkQuery(&q)
	if err != nil {
		return nil, err
	}
	shown := periodsBetween(q.Period, first, last)
	// "To" values of a lagged link come up to Lag periods after the last
	// one shown, as far as they have begun.
	all := shown
	for p, i := shown[len(shown)-1].next(q.Period), 0; i < q.Lag && p.Start.Before(s.opts.Now()); p, i = p.next(q.Period), i+1 {
		all = append(all, p)
	}
	cells, asOf, err := s.unitPeriods(ctx, q.By, q.Period, all)
	if err != nil {
		return nil, err
	}
	res := &Measured{By: q.By, Period: q.Period, From: shown[0].Label, To: shown[len(shown)-1].Label, Lag: q.Lag, Units: []UnitPeriod{}}
	if !asOf.IsZero() {
		res.AsOf = &asOf
	}
	inShown := map[string]bool{}
	for _, p := range shown {
		inShown[p.Label] = true
	}
	for _, c := range cells {
		if inShown[c.Period] {
			res.Units = append(res.Units, c)
		}
	}
	res.Links, err = links(cells, periodLabels(all), res.Units, q.Lag, linkPairs(q.Pairs), q.By, q.Period)
	return res, err
}

func periodLabels(ps []period) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Label
	}
	return out
}

// checkQuery validates q, fills in its defaults and returns the first and
// last period's starts.
func (s *Service) checkQuery(q *Query) (time.Time, time.Time, error) {
	var v fresco.Validation
	if q.By == "" {
		q.By = ByTeam
	}
	if q.Period == "" {
		q.Period = Month
	}
	v.Check(q.By == ByTeam || q.By == ByLocation, "by", "must be team or location")
	v.Check(q.Period == Month || q.Period == Quarter, "period", "must be month or quarter")
	v.Check(q.Lag >= 0 && q.Lag <= MaxLag, "lag", "must be 0 to 3 periods")
	for _, p := range q.Pairs {
		v.Check(isMeasure(p[0]) && isMeasure(p[1]) && p[0] != p[1], "pairs",
			"each pair is two different measures from:to, e.g. employee_satisfaction:profit; got %s:%s", p[0], p[1])
	}
	from, to := parsePeriodParam(&v, "from", q.From), parsePeriodParam(&v, "to", q.To)
	if err := v.Err(); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if to.IsZero() {
		to = s.opts.Now().UTC()
	}
	if from.IsZero() {
		years := 1
		if q.Period == Quarter {
			years = 2
		}
		from = periodOf(q.Period, to).End.AddDate(-years, 0, 0)
	}
	v.Check(!from.After(to), "from", "must not be after to")
	v.Check(to.Sub(from) <= 10*366*24*time.Hour, "to", "the period is longer than ten years")
	return from, to, v.Err()
}

func isMeasure(m string) bool {
	for _, x := range Measures {
		if x == m {
			return true
		}
	}
	return false
}
