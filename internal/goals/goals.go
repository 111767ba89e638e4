// Package goals keeps satisfaction goals: a target for NPS, CSAT, CES,
// follow-up closure time, SLA attainment or staff pulse satisfaction, for
// the whole business, a location, a team or a customer segment, over a
// fixed range of days or every month or quarter (issue 13, item 7).
//
// Progress is judged against the 95% interval, never the point figure
// (progress.go): on track when the whole interval is on the target's side,
// off track when the whole of it is on the wrong side, and "can't tell
// yet" otherwise or on fewer than stats.GoalMinN observations. Pulse
// satisfaction is read only from the pulse's published cells, so a goal
// never shows what the anonymity floor hides. A weekly digest (digest.go)
// tells the owners and the managers of each goal's scope where things
// stand.
//
// Who may do what: owners set any goal; managers goals for their own
// location and teams (a manager with neither, or a manager's API token,
// manages the whole business); everyone reads goals, agents only those of
// the whole business, a segment, their location or their team.
package goals

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/staff"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

// Actor is who asks: the same as package staff's.
type Actor = staff.Actor

// PulseScale sums a unit's published pulse answers to a scale question
// over the months from..to (YYYY-MM): kind is "all", "team" or
// "location". Package app points it at pulse.Service.PooledScale, which
// leaves out every month the anonymity floor hides; counts are answers per
// score (1–5), hidden the months left out and reason why the last was.
type PulseScale func(ctx context.Context, kind string, id int64, from, to string) (counts map[int]int, hidden int, reason string, err error)

// Options configure the service. Zero values are the defaults.
type Options struct {
	Logger *slog.Logger
	Now    func() time.Time
	// Zone is the business's time zone, whose calendar a period's days,
	// months and quarters are (settings.Service.Formatter); nil: UTC.
	Zone func(context.Context) *time.Location
	// Pulse reads pulse satisfaction; nil: pulse goals can't tell.
	Pulse PulseScale
	// Notifier sends the weekly digest; nil: no digest.
	Notifier *notify.Notifier
	// Format writes figures and dates in the digest the business's way; nil: the defaults.
	Format func(context.Context) fresco.Formatter
	// DigestHour is the hour of the day, in the business's zone, at which
	// the digest job looks whether this week's digest has gone (8).
	DigestHour int
}

// Service keeps goals and works out their progress.
type Service struct {
	db   *store.DB
	opts Options
	log  *slog.Logger
}

// New returns the service over db.
func New(db *store.DB, opts Options) *Service {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Zone == nil {
		opts.Zone = func(context.Context) *time.Location { return time.UTC }
	}
	if opts.Format == nil {
		opts.Format = func(context.Context) fresco.Formatter { return fresco.NewFormatter(fresco.DefaultSettings()) }
	}
	if opts.DigestHour <= 0 || opts.DigestHour > 23 {
		opts.DigestHour = 8
	}
	return &Service{db: db, opts: opts, log: opts.Logger.With("component", "goals")}
}

// Limits of a goal's fields.
const (
	MaxName    = 200
	MaxSegment = 100
	MaxHours   = 10000 // a follow-up closure target above 416 days is a typo
)

// metricRange is the scale each metric's value and target live on.
var metricRange = map[string][2]float64{
	fresco.MetricNPS:               {-100, 100},
	fresco.MetricCSAT:              {0, 100},
	fresco.MetricCES:               {1, 7},
	fresco.MetricFollowUpClosure:   {0, MaxHours},
	fresco.MetricSLAAttainment:     {0, 100},
	fresco.MetricPulseSatisfaction: {1, 5},
}

// DefaultDirection is the way a metric's target usually points: fewer
// hours to close a follow-up, more of everything else.
func DefaultDirection(metric string) string {
	if metric == fresco.MetricFollowUpClosure {
		return stats.AtMost
	}
	return stats.AtLeast
}

// Input is a goal as asked for: the fields a create or a change sets.
// Target is nil when it was not given.
type Input struct {
	Name       string
	Metric     string
	Scope      string
	LocationID *int64
	TeamID     *int64
	Segment    string
	Direction  string // "" means the metric's DefaultDirection
	Target     *float64
	Period     string
	StartsOn   *time.Time
	EndsOn     *time.Time
}

// InputOf is the input that would leave g as it is, for a change that
// sets some fields.
func InputOf(g *fresco.Goal) Input {
	t := g.Target
	return Input{Name: g.Name, Metric: g.Metric, Scope: g.Scope, LocationID: g.LocationID, TeamID: g.TeamID,
		Segment: g.Segment, Direction: g.Direction, Target: &t, Period: g.Period, StartsOn: g.StartsOn, EndsOn: g.EndsOn}
}

// check validates in, naming every bad field as the API names it, and
// returns the goal it describes (fields only; no id, owner or times).
func (s *Service) check(ctx context.Context, in Input) (*fresco.Goal, error) {
	var v fresco.Validation
	g := &fresco.Goal{Name: strings.TrimSpace(in.Name), Metric: in.Metric, Scope: in.Scope, Segment: strings.TrimSpace(in.Segment),
		Direction: in.Direction, Period: in.Period}
	v.Text("name", g.Name, false, MaxName)
	bounds, known := metricRange[g.Metric]
	v.Check(known, "metric", "must be one of %s (got %q)", strings.Join(fresco.GoalMetrics, ", "), g.Metric)
	if g.Direction == "" {
		g.Direction = DefaultDirection(g.Metric)
	}
	v.Check(g.Direction == stats.AtLeast || g.Direction == stats.AtMost, "direction", "must be at_least or at_most (got %q)", g.Direction)
	switch {
	case in.Target == nil:
		v.Add("target", "is required")
	case math.IsNaN(*in.Target) || math.IsInf(*in.Target, 0):
		v.Add("target", "must be a number")
	case known && (*in.Target < bounds[0] || *in.Target > bounds[1]):
		v.Add("target", "must be between %g and %g for %s", bounds[0], bounds[1], g.Metric)
	default:
		g.Target = *in.Target
	}
	s.checkScope(ctx, &v, g, in)
	switch g.Period {
	case fresco.PeriodFixed:
		v.Check(in.StartsOn != nil, "starts_on", "is required for a fixed period (YYYY-MM-DD)")
		v.Check(in.EndsOn != nil, "ends_on", "is required for a fixed period (YYYY-MM-DD)")
		if in.StartsOn != nil && in.EndsOn != nil {
			v.Check(!in.EndsOn.Before(*in.StartsOn), "ends_on", "must not be before starts_on")
			v.Check(in.EndsOn.Sub(*in.StartsOn) <= 5*366*24*time.Hour, "ends_on", "a goal spans at most five years")
		}
		g.StartsOn, g.EndsOn = in.StartsOn, in.EndsOn
	case fresco.PeriodMonth, fresco.PeriodQuarter:
		v.Check(in.StartsOn == nil, "starts_on", "is only for a fixed period: a %s goal runs every %s", g.Period, g.Period)
		v.Check(in.EndsOn == nil, "ends_on", "is only for a fixed period: a %s goal runs every %s", g.Period, g.Period)
	default:
		v.Add("period", "must be fixed, month or quarter (got %q)", g.Period)
	}
	if g.Name == "" && v.Err() == nil {
		g.Name = defaultName(g)
	}
	return g, v.Err()
}

// checkScope validates the scope and the one reference it needs.
func (s *Service) checkScope(ctx context.Context, v *fresco.Validation, g *fresco.Goal, in Input) {
	v.Check(in.LocationID == nil || g.Scope == fresco.ScopeLocation, "location_id", "is only for a location's goal")
	v.Check(in.TeamID == nil || g.Scope == fresco.ScopeTeam, "team_id", "is only for a team's goal")
	v.Check(g.Segment == "" || g.Scope == fresco.ScopeSegment, "segment", "is only for a segment's goal")
	switch g.Scope {
	case fresco.ScopeAll:
	case fresco.ScopeLocation:
		if in.LocationID == nil {
			v.Add("location_id", "is required for a location's goal")
		} else if _, err := s.db.Location(ctx, *in.LocationID); err != nil {
			v.Add("location_id", "no location %d", *in.LocationID)
		}
		g.LocationID = in.LocationID
	case fresco.ScopeTeam:
		if in.TeamID == nil {
			v.Add("team_id", "is required for a team's goal")
		} else if _, err := s.db.Team(ctx, *in.TeamID); err != nil {
			v.Add("team_id", "no team %d", *in.TeamID)
		}
		g.TeamID = in.TeamID
	case fresco.ScopeSegment:
		v.Text("segment", g.Segment, true, MaxSegment)
		v.Check(g.Metric != fresco.MetricPulseSatisfaction, "scope",
			"pulse satisfaction is measured per team and location, not per customer segment")
	default:
		v.Add("scope", "must be all, location, team or segment (got %q)", g.Scope)
	}
}

// defaultName names a goal the owner did not name: "NPS at least 40".
func defaultName(g *fresco.Goal) string {
	way := "at least"
	if g.Direction == stats.AtMost {
		way = "at most"
	}
	return MetricName(g.Metric) + " " + way + " " + strconv.FormatFloat(g.Target, 'f', -1, 64)
}

// MetricName is a metric in words.
func MetricName(metric string) string {
	switch metric {
	case fresco.MetricNPS:
		return "NPS"
	case fresco.MetricCSAT:
		return "Satisfied customers (%)"
	case fresco.MetricCES:
		return "Ease (mean effort score)"
	case fresco.MetricFollowUpClosure:
		return "Hours to close a follow-up"
	case fresco.MetricSLAAttainment:
		return "Cases within SLA (%)"
	case fresco.MetricPulseSatisfaction:
		return "Staff job satisfaction"
	}
	return metric
}

func forbidden(format string, args ...any) error {
	return fresco.Errorf(fresco.EFORBIDDEN, format, args...)
}

// mayManage refuses an actor who may not set a goal of g's scope: only
// owners set goals for the whole business or a segment; a manager sets
// goals for their location, the teams they run or belong to, and the teams
// based at their location.
func (s *Service) mayManage(ctx context.Context, a Actor, g *fresco.Goal) error {
	switch a.Role {
	case fresco.RoleOwner:
		return nil
	case fresco.RoleManager:
	default:
		return forbidden("only owners and managers set goals")
	}
	if a.EmployeeID == nil {
		return nil // a manager's token is business-wide, like the rest of the API
	}
	teams, loc, err := s.db.ManagerUnits(ctx, *a.EmployeeID)
	if err != nil || len(teams) == 0 && loc == nil {
		return err
	}
	switch g.Scope {
	case fresco.ScopeLocation:
		if loc != nil && g.LocationID != nil && *loc == *g.LocationID {
			return nil
		}
	case fresco.ScopeTeam:
		if g.TeamID != nil && slices.Contains(teams, *g.TeamID) {
			return nil
		}
		if t, err := s.db.Team(ctx, *g.TeamID); err == nil && loc != nil && t.LocationID != nil && *t.LocationID == *loc {
			return nil
		}
	}
	return forbidden("a manager sets goals for their own location and teams; an owner sets the rest")
}

// sees reports whether a reader may see g: everyone but agents sees every
// goal; an agent those of the whole business, a segment, their location
// and their team.
func sees(a Actor, me *fresco.Employee, g *fresco.Goal) bool {
	if a.Role != fresco.RoleAgent {
		return true
	}
	switch g.Scope {
	case fresco.ScopeLocation:
		return me != nil && me.LocationID != nil && g.LocationID != nil && *me.LocationID == *g.LocationID
	case fresco.ScopeTeam:
		return me != nil && me.TeamID != nil && g.TeamID != nil && *me.TeamID == *g.TeamID
	}
	return true
}

// reader returns the actor's own employee record, for sees (nil for a token).
func (s *Service) reader(ctx context.Context, a Actor) (*fresco.Employee, error) {
	if a.EmployeeID == nil || a.Role != fresco.RoleAgent {
		return nil, nil
	}
	return s.db.Employee(ctx, *a.EmployeeID)
}

// List returns the goals a may see, oldest first.
func (s *Service) List(ctx context.Context, a Actor) ([]*fresco.Goal, error) {
	me, err := s.reader(ctx, a)
	if err != nil {
		return nil, err
	}
	all, err := s.db.Goals(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*fresco.Goal, 0, len(all))
	for _, g := range all {
		if sees(a, me, g) {
			out = append(out, g)
		}
	}
	return out, nil
}

// Get returns one goal a may see (not found when they may not: an agent
// learns nothing of other units' goals).
func (s *Service) Get(ctx context.Context, a Actor, id int64) (*fresco.Goal, error) {
	g, err := s.db.Goal(ctx, id)
	if err != nil {
		return nil, err
	}
	me, err := s.reader(ctx, a)
	if err != nil {
		return nil, err
	}
	if !sees(a, me, g) {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "goal %d not found", id)
	}
	return g, nil
}

const auditEntity = "goal"

func audit(ctx context.Context, tx *store.Tx, a Actor, action string, g *fresco.Goal) error {
	detail := map[string]any{"name": g.Name, "metric": g.Metric, "scope": g.Scope, "direction": g.Direction,
		"target": g.Target, "period": g.Period}
	switch { // only the reference the scope uses
	case g.LocationID != nil:
		detail["location_id"] = *g.LocationID
	case g.TeamID != nil:
		detail["team_id"] = *g.TeamID
	case g.Segment != "":
		detail["segment"] = g.Segment
	}
	return tx.Audit(ctx, a.Ref, action, auditEntity, strconv.FormatInt(g.ID, 10), detail)
}

// Create stores a new goal owned by a. Audited.
func (s *Service) Create(ctx context.Context, a Actor, in Input) (*fresco.Goal, error) {
	g, err := s.check(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.mayManage(ctx, a, g); err != nil {
		return nil, err
	}
	g.OwnerID, g.CreatedBy = a.EmployeeID, a.Ref
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.InsertGoal(ctx, g); err != nil {
			return err
		}
		return audit(ctx, tx, a, "goal.created", g)
	})
	return g, err
}

// Update changes goal id to in when its version is still version
// (store.AnyVersion: any); a manager must be allowed both the goal's old scope and its new
// one. Audited.
func (s *Service) Update(ctx context.Context, a Actor, id int64, version int64, in Input) (*fresco.Goal, error) {
	g, err := s.check(ctx, in)
	if err != nil {
		return nil, err
	}
	g.ID = id
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		old, err := tx.Goal(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayManage(ctx, a, old); err != nil {
			return err
		}
		if err := s.mayManage(ctx, a, g); err != nil {
			return err
		}
		var expect *int64
		if version != store.AnyVersion {
			expect = &version
		}
		ok, err := tx.UpdateGoalIfVersion(ctx, g, expect)
		if err != nil {
			return err
		}
		if !ok {
			return fresco.Errorf(fresco.ESTALE, "goal %d has changed since it was read", id)
		}
		g.OwnerID, g.CreatedBy, g.CreatedAt = old.OwnerID, old.CreatedBy, old.CreatedAt
		return audit(ctx, tx, a, "goal.updated", g)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Delete removes a goal. Audited.
func (s *Service) Delete(ctx context.Context, a Actor, id int64) error {
	return s.db.InTx(ctx, func(tx *store.Tx) error {
		g, err := tx.Goal(ctx, id)
		if err != nil {
			return err
		}
		if err := s.mayManage(ctx, a, g); err != nil {
			return err
		}
		if err := tx.DeleteGoal(ctx, id); err != nil {
			return err
		}
		return audit(ctx, tx, a, "goal.deleted", g)
	})
}
