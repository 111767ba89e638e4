package demo

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/pulse"
	"github.com/fresco-cx/fresco/internal/stats"
)

// Satisfaction goals: a handful the owner set, so that the goals page, the
// home card and the weekly digest show every status. The goals of the
// last whole quarter have fixed dates and targets set from what that
// quarter measured — one met beyond doubt, one missed beyond doubt, one
// too close to call — so they keep their status whatever day the demo is
// opened; the recurring ones (this month, this quarter) show whatever
// the data says, Seaside's staff satisfaction included, which the
// pulse's anonymity floor may hide.

// goalSpec is one demo goal: want is the status its target is set for
// ("" for a recurring goal set at a plain target).
type goalSpec struct {
	in   goals.Input
	want string
}

func generateGoals(ctx context.Context, w *world, _ *rng) error {
	svc := goals.New(w.db, goals.Options{Now: func() time.Time { return w.end },
		Pulse: func(ctx context.Context, kind string, id int64, from, to string) (map[int]int, int, string, error) {
			p, err := pulse.New(w.db, pulse.Options{Now: func() time.Time { return w.end }}).PooledScale(ctx, kind, id, from, to, pulse.KeySatisfaction)
			return p.Counts, p.Hidden, p.Reason, err
		}})
	var owner *fresco.Employee
	for _, e := range w.employees {
		if e.Email == ownerLogin.email {
			owner = e
		}
	}
	if owner == nil {
		return fmt.Errorf("no owner")
	}
	actor := goals.Actor{Ref: fmt.Sprintf("employee:%d", owner.ID), Role: fresco.RoleOwner, EmployeeID: &owner.ID}
	quarter := time.Date(w.end.Year(), time.Month((int(w.end.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
	from, to := quarter.AddDate(0, -3, 0), quarter.AddDate(0, 0, -1)
	value := func(v float64) *float64 { return &v }
	city, seaside := w.sites[cityHotel], w.sites[seasideHotel]
	last := func(name, metric, scope string, loc, team *int64, want string) goalSpec {
		return goalSpec{want: want, in: goals.Input{Name: name, Metric: metric, Scope: scope, LocationID: loc, TeamID: team,
			Target: value(50), Period: fresco.PeriodFixed, StartsOn: &from, EndsOn: &to}}
	}
	specs := []goalSpec{
		last("Last quarter: NPS, whole business", fresco.MetricNPS, fresco.ScopeAll, nil, nil, stats.OnTrack),
		last("Last quarter: satisfied guests, City Hotel", fresco.MetricCSAT, fresco.ScopeLocation, &city.loc.ID, nil, stats.OffTrack),
		last("Last quarter: NPS, Seaside Hotel", fresco.MetricNPS, fresco.ScopeLocation, &seaside.loc.ID, nil, stats.CantTell),
		{in: goals.Input{Name: "NPS this month", Metric: fresco.MetricNPS, Scope: fresco.ScopeAll, Target: value(30), Period: fresco.PeriodMonth}},
		{in: goals.Input{Name: "Returning customers find us easy", Metric: fresco.MetricCES, Scope: fresco.ScopeSegment, Segment: "repeat",
			Target: value(5), Period: fresco.PeriodQuarter}},
		{in: goals.Input{Name: "Cases within their SLA", Metric: fresco.MetricSLAAttainment, Scope: fresco.ScopeAll, Target: value(90),
			Period: fresco.PeriodMonth}},
		{in: goals.Input{Name: "Seaside staff satisfied with their job", Metric: fresco.MetricPulseSatisfaction, Scope: fresco.ScopeTeam,
			TeamID: &seaside.team.ID, Target: value(3.5), Period: fresco.PeriodQuarter}},
	}
	for _, s := range specs {
		g, err := svc.Create(ctx, actor, s.in)
		if err != nil {
			return err
		}
		if s.want == "" {
			continue
		}
		p, err := svc.ProgressOf(ctx, actor, g.ID)
		if err != nil {
			return err
		}
		if p.Value == nil || p.CIHigh == nil {
			continue // nothing measured: the goal says so
		}
		in := goals.InputOf(g)
		in.Target = value(targetFor(s.want, g.Metric, *p.Value, *p.CILow, *p.CIHigh))
		if _, err := svc.Update(ctx, actor, g.ID, g.Version, in); err != nil {
			return err
		}
	}
	return nil
}

// targetFor is a target of metric (at least, except hours: at most) that
// the interval [low, high] around value meets beyond doubt (on track),
// misses beyond doubt (off track) or straddles (can't tell), kept on the
// metric's scale.
func targetFor(want, metric string, value, low, high float64) float64 {
	atMost := goals.DefaultDirection(metric) == stats.AtMost
	bottom, top := 0.0, 100.0
	switch metric {
	case fresco.MetricNPS:
		bottom = -100
	case fresco.MetricFollowUpClosure:
		top = goals.MaxHours
	}
	switch {
	case want == stats.CantTell:
		return math.Round(value*10) / 10
	case (want == stats.OnTrack) != atMost: // at least and met, or at most and missed: below the interval
		return math.Max(bottom, math.Floor(low)-1)
	}
	return math.Min(top, math.Ceil(high)+1)
}
