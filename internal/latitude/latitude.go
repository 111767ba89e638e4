// Package latitude is the latitude audit (issue 13, item 8): the authority
// limits that exist per role and per employee, beside what staff say in the
// pulse they would decide if they could, and how often gestures waited for
// approval and how that ended — what a manager reads to decide whether to
// widen limits.
//
// Staff's answers come only from pulse cells the anonymity floor publishes
// (internal/pulse/floor.go), so the audit tells nothing the pulse results
// do not: counts per theme, quotes only when at least pulse.MinN answers
// are counted, never an author or a date finer than the month.
package latitude

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/store"
)

// Options configure the service.
type Options struct {
	// Pulse publishes the staff's answers behind the anonymity floor.
	Pulse *pulse.Service
	// Format gives the business's formatter: its time zone (whose months
	// the audit counts in) and its money; nil: the default settings'.
	Format func(context.Context) fresco.Formatter
	// Now is the clock (default time.Now): which month is under way.
	Now func() time.Time
}

// Service reads the audit.
type Service struct {
	db   *store.DB
	opts Options
}

// New returns the audit over db.
func New(db *store.DB, opts Options) *Service {
	if opts.Format == nil {
		f := fresco.NewFormatter(fresco.DefaultSettings())
		opts.Format = func(context.Context) fresco.Formatter { return f }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{db: db, opts: opts}
}

func (s *Service) now() time.Time { return s.opts.Now() }

// Query chooses the months (YYYY-MM, or dates standing for their months;
// default the last 12) and, for staff's answers, a team or location (By
// and Unit; default all staff).
type Query struct {
	From, To string
	By       string // "", pulse.UnitTeam or pulse.UnitLocation
	Unit     int64  // a team or location id with By; 0: all staff
}

// Report is the audit.
type Report struct {
	From      string          `json:"from" doc:"The first month, YYYY-MM."`
	To        string          `json:"to" doc:"The last month, YYYY-MM."`
	Currency  string          `json:"currency" doc:"The business's currency; amounts are decimal strings in it."`
	Roles     []RoleLimits    `json:"roles" doc:"The limits each role has now."`
	Employees []EmployeeLimit `json:"employees" doc:"Limits set for one employee, which take precedence over their role's."`
	Asks      Asks            `json:"asks"`
	Approvals []Approvals     `json:"approvals" doc:"Per role and gesture kind (apology letters, which cost nothing, left out), in the months."`
	// AsOf is when the settled months' approvals were worked out: they
	// are stored per month (job latitude.months_refresh, hourly); the
	// month under way is counted on each view. Null when every month was.
	AsOf *time.Time `json:"as_of,omitempty" doc:"When the settled months' approvals were worked out (stored per month, refreshed hourly); the month under way is live."`
	Rule string     `json:"rule" doc:"How the recommendations are made."`
}

// RoleLimits is one role's limits.
type RoleLimits struct {
	Role   string  `json:"role"`
	Limits []Limit `json:"limits"`
}

// Limit is one limit: a gesture kind, or * for the total per case.
type Limit struct {
	Kind   string `json:"kind"`
	Amount string `json:"amount" doc:"A decimal string, or unlimited."`
}

// EmployeeLimit is a limit set for one employee.
type EmployeeLimit struct {
	EmployeeID int64  `json:"employee_id"`
	Name       string `json:"name"`
	Limit
}

// Asks is what staff said they could decide if they were allowed, from
// the pulse's open question.
type Asks struct {
	Question string     `json:"question"`
	Unit     pulse.Unit `json:"unit"`
	Months   []string   `json:"months" doc:"The months whose answers are counted: those in which the unit's pulse cell is published."`
	// HiddenMonths are months with a pulse whose cell for the unit is
	// hidden by the anonymity floor (or still open): not counted.
	HiddenMonths int          `json:"hidden_months"`
	Answers      int          `json:"answers" doc:"Answers to the open question counted."`
	Themes       []ThemeCount `json:"themes"`
	// Latitude is the scale question "I can make the decisions my
	// customers need" per published month, 1–5 with its 95% interval.
	Latitude []LatitudeMonth `json:"latitude"`
	Note     string          `json:"note"`
}

// LatitudeMonth is one month's answers to the latitude scale question.
type LatitudeMonth struct {
	Period string `json:"period" doc:"The month, YYYY-MM."`
	pulse.ScaleResult
}

// Rule states the recommendation rule.
var Rule = "A gesture waited when it was above its requester's limit (or no limit was set) and a manager or owner decided it. " +
	"A change is suggested only with at least " + strconv.Itoa(MinDecided) + " decided approvals: raising a limit when at least " +
	strconv.FormatFloat(RaiseAt, 'f', 0, 64) + "% were approved, to the amount that would have covered " +
	strconv.FormatFloat(CoverShare, 'f', 0, 64) + "% of the requests that waited (rounded up); keeping it when the approval " +
	"rate's 95% interval lies below " + strconv.FormatFloat(KeepBelow, 'f', 0, 64) + "%. Limits are those set now; " +
	"gestures count under the role their requester had when asking."

// Audit reads the audit for q.
func (s *Service) Audit(ctx context.Context, q Query) (*Report, error) {
	var v fresco.Validation
	v.Check(q.By == "" || q.By == pulse.UnitTeam || q.By == pulse.UnitLocation, "by", "must be team or location")
	v.Check(q.Unit >= 0, "unit", "must be a team or location id")
	v.Check(q.Unit == 0 || q.By != "", "unit", "give by=team or by=location with it")
	if err := v.Err(); err != nil {
		return nil, err
	}
	by := q.By
	if by == "" {
		by = pulse.UnitTeam
	}
	res, err := s.opts.Pulse.Results(ctx, pulse.Query{By: by, Period: pulse.PeriodMonth, From: q.From, To: q.To})
	if err != nil {
		return nil, err
	}
	if q.Unit != 0 {
		names, err := s.db.Reports().UnitNames(ctx, by)
		if err != nil {
			return nil, err
		}
		if _, ok := names[q.Unit]; !ok {
			v.Add("unit", "there is no %s %d", by, q.Unit)
			return nil, v.Err()
		}
	}
	asks := askedIn(res, q.Unit)
	f := s.opts.Format(ctx)
	out := &Report{From: res.From, To: res.To, Currency: f.Currency.Code, Asks: asks, Rule: Rule}
	limits, err := s.db.Reports().AuthorityLimits(ctx)
	if err != nil {
		return nil, err
	}
	byRole, err := s.limits(ctx, out, limits)
	if err != nil {
		return nil, err
	}
	start, _ := time.ParseInLocation("2006-01", res.From, f.Zone)
	end, _ := time.ParseInLocation("2006-01", res.To, f.Zone)
	counts, asOf, err := s.countsIn(ctx, start, end.AddDate(0, 1, 0))
	if err != nil {
		return nil, err
	}
	if !asOf.IsZero() {
		out.AsOf = &asOf
	}
	out.Approvals = tallyCounts(counts, byRole, recovery.GestureKinds, f.Money)
	if out.Approvals == nil {
		out.Approvals = []Approvals{}
	}
	return out, nil
}

// limits fills the report's limits and returns them by role.
func (s *Service) limits(ctx context.Context, out *Report, limits []fresco.AuthorityLimit) (map[fresco.Role]Limits, error) {
	byRole := map[fresco.Role]Limits{}
	var people []int64
	out.Roles, out.Employees = []RoleLimits{}, []EmployeeLimit{}
	for _, l := range limits {
		amount := "unlimited"
		if l.Amount != nil {
			amount = l.Amount.String()
		}
		if role, ok := strings.CutPrefix(l.Scope, "role:"); ok {
			r := fresco.Role(role)
			if byRole[r] == nil {
				byRole[r] = Limits{}
			}
			byRole[r][l.Kind] = l.Amount
			continue
		}
		if id, err := strconv.ParseInt(strings.TrimPrefix(l.Scope, "employee:"), 10, 64); err == nil {
			out.Employees = append(out.Employees, EmployeeLimit{EmployeeID: id, Limit: Limit{Kind: l.Kind, Amount: amount}})
			people = append(people, id)
		}
	}
	for _, r := range fresco.Roles {
		if ls := byRole[r]; ls != nil {
			rl := RoleLimits{Role: string(r)}
			for _, kind := range slices.Sorted(maps.Keys(ls)) {
				amount := "unlimited"
				if ls[kind] != nil {
					amount = ls[kind].String()
				}
				rl.Limits = append(rl.Limits, Limit{Kind: kind, Amount: amount})
			}
			out.Roles = append(out.Roles, rl)
		}
	}
	names, err := s.db.Reports().EmployeeNames(ctx, people)
	for i := range out.Employees {
		out.Employees[i].Name = names[out.Employees[i].EmployeeID]
	}
	return byRole, err
}

// askedIn gathers the answers to the open question from the published
// cells of unit (0: all staff) and sorts them into themes.
func askedIn(res *pulse.Results, unit int64) Asks {
	cells := res.All
	if unit != 0 {
		cells = nil
		for _, c := range res.Units {
			if c.Unit.ID == unit {
				cells = append(cells, c)
			}
		}
	}
	a := Asks{Question: questionOf(pulse.KeyDecisions), Unit: pulse.Unit{Kind: pulse.UnitAll, Name: "All staff"},
		Months: []string{}, Themes: []ThemeCount{}, Latitude: []LatitudeMonth{}}
	var answers []string
	for _, c := range cells {
		a.Unit = c.Unit
		if c.Hidden {
			a.HiddenMonths++
			continue
		}
		a.Months = append(a.Months, c.Period)
		for _, cm := range c.Comments {
			if cm.Key == pulse.KeyDecisions {
				a.Question = cm.Question
				answers = append(answers, cm.Texts...)
			}
		}
		for _, sc := range c.Scales {
			if sc.Key == pulse.KeyLatitude {
				a.Latitude = append(a.Latitude, LatitudeMonth{Period: c.Period, ScaleResult: sc})
			}
		}
	}
	slices.Sort(answers) // the months' lists merged: no order to read anything into
	a.Answers = len(answers)
	a.Themes = CountThemes(answers, pulse.MinN)
	if a.Themes == nil {
		a.Themes = []ThemeCount{}
	}
	a.Note = "Counted only from pulse cells the anonymity floor publishes; quotes only when at least " +
		strconv.Itoa(pulse.MinN) + " answers are counted, never with their author or date."
	return a
}

func questionOf(key string) string {
	for _, q := range pulse.DefaultQuestions {
		if q.Key == key {
			return q.Text
		}
	}
	return ""
}
