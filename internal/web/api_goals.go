package web

import (
	"context"
	"fmt"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
)

// Satisfaction goals (package goals): targets per scope and period, and
// their progress judged on the 95% interval.

// Goal is a satisfaction goal.
type Goal struct {
	ID         int64     `json:"id"`
	Name       string    `json:"name"`
	Metric     string    `json:"metric" enum:"nps,csat,ces,followup_closure_hours,sla_attainment,pulse_satisfaction"`
	Scope      string    `json:"scope" enum:"all,location,team,segment"`
	LocationID *int64    `json:"location_id"`
	TeamID     *int64    `json:"team_id"`
	Segment    string    `json:"segment,omitempty"`
	Direction  string    `json:"direction" enum:"at_least,at_most"`
	Target     float64   `json:"target"`
	Period     string    `json:"period" enum:"fixed,month,quarter"`
	StartsOn   *string   `json:"starts_on" format:"date" doc:"A fixed period's first day; null for a month or quarter goal."`
	EndsOn     *string   `json:"ends_on" format:"date" doc:"A fixed period's last day (inclusive)."`
	OwnerID    *int64    `json:"owner_id" doc:"The employee who set the goal; null when set with an API token."`
	Version    int64     `json:"version"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

func dateOut(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func goalOut(g *fresco.Goal) Goal {
	return Goal{ID: g.ID, Name: g.Name, Metric: g.Metric, Scope: g.Scope, LocationID: g.LocationID, TeamID: g.TeamID,
		Segment: g.Segment, Direction: g.Direction, Target: g.Target, Period: g.Period, StartsOn: dateOut(g.StartsOn),
		EndsOn: dateOut(g.EndsOn), OwnerID: g.OwnerID, Version: g.Version, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

// goalMetricDoc says what each metric measures and in what unit.
const goalMetricDoc = "nps: Net Promoter Score (−100..100, adjusted-Wald interval); csat: % of satisfaction answers 4–5 of 5 " +
	"(Agresti–Coull); ces: mean effort score 1–7 (Student t); followup_closure_hours: mean hours from a follow-up opening to its " +
	"closing, over those closed in the period (Student t); sla_attainment: % of SLA-tracked cases opened in the period that never " +
	"breached (Agresti–Coull); pulse_satisfaction: staff job satisfaction, mean 1–5, from the pulse months the anonymity floor shows."

// GoalInput creates a goal.
type GoalInput struct {
	Name       string   `json:"name,omitempty" maxLength:"200" doc:"Omitted: made from the metric and target, e.g. \"NPS at least 40\"."`
	Metric     string   `json:"metric" doc:"One of nps, csat, ces, followup_closure_hours, sla_attainment, pulse_satisfaction."`
	Scope      string   `json:"scope" doc:"all, location (with location_id), team (with team_id) or segment (with segment; not for pulse_satisfaction)."`
	LocationID *int64   `json:"location_id,omitempty"`
	TeamID     *int64   `json:"team_id,omitempty"`
	Segment    string   `json:"segment,omitempty" doc:"A response segment: anonymous, new, repeat or your own."`
	Direction  string   `json:"direction,omitempty" doc:"at_least or at_most; omitted: at_most for followup_closure_hours, else at_least."`
	Target     *float64 `json:"target" doc:"In the metric's unit: NPS points, percent, a mean score, or hours."`
	Period     string   `json:"period,omitempty" doc:"fixed (with starts_on and ends_on), month or quarter (the current calendar one, again and again); omitted: month."`
	StartsOn   string   `json:"starts_on,omitempty" doc:"A fixed period's first day, YYYY-MM-DD."`
	EndsOn     string   `json:"ends_on,omitempty" doc:"A fixed period's last day, YYYY-MM-DD (inclusive)."`
}

// GoalPatch changes some of a goal's fields.
type GoalPatch struct {
	Name       *string  `json:"name,omitempty" maxLength:"200"`
	Metric     *string  `json:"metric,omitempty"`
	Scope      *string  `json:"scope,omitempty" doc:"Changing the scope: send the location_id, team_id or segment it needs."`
	LocationID *int64   `json:"location_id,omitempty"`
	TeamID     *int64   `json:"team_id,omitempty"`
	Segment    *string  `json:"segment,omitempty"`
	Direction  *string  `json:"direction,omitempty"`
	Target     *float64 `json:"target,omitempty"`
	Period     *string  `json:"period,omitempty" doc:"Changing to month or quarter drops the fixed days."`
	StartsOn   *string  `json:"starts_on,omitempty"`
	EndsOn     *string  `json:"ends_on,omitempty"`
}

// GoalProgress is a goal with where it stands in its current period.
type GoalProgress struct {
	Goal
	ScopeName  string   `json:"scope_name" doc:"The location's or team's name, \"Customers: <segment>\" or \"Whole business\"."`
	PeriodFrom string   `json:"period_from" format:"date" doc:"The current period's first day."`
	PeriodTo   string   `json:"period_to" format:"date" doc:"… and last day."`
	Elapsed    float64  `json:"elapsed" doc:"The share of the period's days gone, today included (0–1)."`
	Ended      bool     `json:"ended" doc:"The period's last day is past (only a fixed goal's can be): the status is final — met, missed or too close to call."`
	Value      *float64 `json:"value" doc:"The figure so far in the period; null without answers, or when the pulse's anonymity floor hides them."`
	CILow      *float64 `json:"ci_low" doc:"The 95% interval's low end."`
	CIHigh     *float64 `json:"ci_high" doc:"… and high end; null when it has none (a single follow-up)."`
	N          int      `json:"n" doc:"Observations the value stands on (answers, follow-ups, cases); 0 when hidden."`
	Unit       string   `json:"unit" doc:"points, %, of 7, hours or of 5."`
	Status     string   `json:"status" enum:"on_track,off_track,cant_tell" doc:"on_track: the whole interval meets the target; off_track: the whole interval misses it; cant_tell: it straddles the target, or fewer than 5 observations."`
	Reason     string   `json:"reason" doc:"Why, in words."`
	NeededN    *int     `json:"needed_n" doc:"For cant_tell: about how many observations in all would tell, if the figure stays where it is; null when it can't be estimated."`
}

func goalProgressOut(p goals.Progress) GoalProgress {
	out := GoalProgress{Goal: goalOut(p.Goal), ScopeName: p.ScopeName, PeriodFrom: p.From.Format(time.DateOnly),
		PeriodTo: p.To.Format(time.DateOnly), Elapsed: p.Elapsed, Ended: p.Ended, Value: p.Value, CILow: p.CILow, CIHigh: p.CIHigh,
		N: p.N, Unit: p.Unit, Status: p.Status, Reason: p.Reason}
	if p.NeededN > 0 {
		n := p.NeededN
		out.NeededN = &n
	}
	return out
}

// dateIn parses an optional date field.
func dateIn(v *fresco.Validation, field, s string) *time.Time {
	if s == "" {
		return nil
	}
	d := parseDate(v, field, s)
	if d.IsZero() {
		return nil
	}
	return &d
}

func (in *GoalInput) input() (goals.Input, error) {
	var v fresco.Validation
	out := goals.Input{Name: in.Name, Metric: in.Metric, Scope: in.Scope, LocationID: in.LocationID, TeamID: in.TeamID,
		Segment: in.Segment, Direction: in.Direction, Target: in.Target, Period: in.Period,
		StartsOn: dateIn(&v, "starts_on", in.StartsOn), EndsOn: dateIn(&v, "ends_on", in.EndsOn)}
	if out.Period == "" {
		out.Period = fresco.PeriodMonth
	}
	return out, v.Err()
}

// apply lays the patch over a goal's current input.
func (p *GoalPatch) apply(in *goals.Input) error {
	var v fresco.Validation
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Name, p.Name)
	set(&in.Metric, p.Metric)
	set(&in.Direction, p.Direction)
	set(&in.Period, p.Period)
	if p.Scope != nil && *p.Scope != in.Scope {
		in.Scope, in.LocationID, in.TeamID, in.Segment = *p.Scope, nil, nil, ""
	}
	if p.LocationID != nil {
		in.LocationID = p.LocationID
	}
	if p.TeamID != nil {
		in.TeamID = p.TeamID
	}
	set(&in.Segment, p.Segment)
	if p.Target != nil {
		in.Target = p.Target
	}
	if in.Period != fresco.PeriodFixed {
		in.StartsOn, in.EndsOn = nil, nil
	}
	if p.StartsOn != nil {
		in.StartsOn = dateIn(&v, "starts_on", *p.StartsOn)
	}
	if p.EndsOn != nil {
		in.EndsOn = dateIn(&v, "ends_on", *p.EndsOn)
	}
	return v.Err()
}

func (s *Server) listGoals(ctx context.Context, _ *struct{}) (*itemsBody[Goal], error) {
	list, err := s.goals.List(ctx, staffActor(ctx))
	if err != nil {
		return nil, err
	}
	return items(list, goalOut), nil
}

func (s *Server) createGoal(ctx context.Context, in *struct{ Body GoalInput }) (*Created[Goal], error) {
	input, err := in.Body.input()
	if err != nil {
		return nil, err
	}
	g, err := s.goals.Create(ctx, staffActor(ctx), input)
	if err != nil {
		return nil, err
	}
	return &Created[Goal]{Location: fmt.Sprintf("%s/goals/%d", apiPrefix, g.ID), ETag: etag(g.Version), Body: goalOut(g)}, nil
}

func (s *Server) getGoal(ctx context.Context, in *IDParam) (*Tagged[Goal], error) {
	g, err := s.goals.Get(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return tagged(goalOut(g), g.Version), nil
}

func (s *Server) patchGoal(ctx context.Context, in *patchInput[GoalPatch]) (*Tagged[Goal], error) {
	a := staffActor(ctx)
	g, err := s.goals.Get(ctx, a, in.ID)
	if err != nil {
		return nil, err
	}
	version, err := in.expectedVersion("goal", g.ID, g.Version)
	if err != nil {
		return nil, err
	}
	input := goals.InputOf(g)
	if err := in.Body.apply(&input); err != nil {
		return nil, err
	}
	if g, err = s.goals.Update(ctx, a, in.ID, version, input); err != nil {
		return nil, err
	}
	return tagged(goalOut(g), g.Version), nil
}

func (s *Server) deleteGoal(ctx context.Context, in *IDParam) (*struct{}, error) {
	return nil, s.goals.Delete(ctx, staffActor(ctx), in.ID)
}

func (s *Server) goalsProgress(ctx context.Context, _ *struct{}) (*itemsBody[GoalProgress], error) {
	list, err := s.goals.Progress(ctx, staffActor(ctx))
	if err != nil {
		return nil, err
	}
	return items(list, goalProgressOut), nil
}
