package web

import (
	"context"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/processmap"
)

// The real process laid over a designed map (processmap.Overlay): what
// an event log shows on each arrow and activity, and how well its cases
// fit the map.

// OverlayParams choose the log and the period.
type OverlayParams struct {
	IDParam
	Log  string `query:"log" doc:"own (the default): Fresco's own work (recovery cases; follow-ups and call tasks share no activity with a case map and are skipped); or a stored event log's id."`
	From string `query:"from" doc:"A date (2024-05-01) or an RFC 3339 time: Fresco's own cases opened from then; a stored log's cases with an event from then."`
	To   string `query:"to" doc:"A date, included whole, or an RFC 3339 time (excluded)."`
}

// OverlayHead names what was mined.
type OverlayHead struct {
	MapID        int64      `json:"map_id"`
	MapVersion   int64      `json:"map_version"`
	Log          string     `json:"log" doc:"own, or the stored log's id."`
	From         *time.Time `json:"from"`
	To           *time.Time `json:"to" doc:"Excluded."`
	Cases        int        `json:"cases" doc:"Cases mined: those with at least one activity of the map (names matched ignoring case and surrounding spaces)."`
	SkippedCases int        `json:"skipped_cases" doc:"Cases of the log with no activity of the map."`
}

// ConformanceOut is how the real cases fit a designed map.
type ConformanceOut struct {
	OverlayHead
	Fitness      float64          `json:"fitness" doc:"Mean fitness per case: the share of a case's steps (its start, each directly-follows pair, its end) the map allows. 1 when no case."`
	FittingCases int              `json:"fitting_cases" doc:"Cases that fit the map entirely."`
	FittingShare float64          `json:"fitting_share" doc:"fitting_cases / cases (1 when no case)."`
	Deviations   []DeviationOut   `json:"deviations" doc:"Each way the real flow departs from the map, most cases first."`
	CaseFitness  []CaseFitnessOut `json:"case_fitness" doc:"Each case's fitness, in log order."`
}

// DeviationOut is one way the real flow departs from the map.
type DeviationOut struct {
	Kind     string   `json:"kind" enum:"start,end,arc,activity" doc:"start/end: a case starts or ends with an activity the map does not start or end with; arc: a step the map has no arrow for; activity: an activity not on the map."`
	Activity string   `json:"activity,omitempty"`
	From     string   `json:"from,omitempty"`
	To       string   `json:"to,omitempty"`
	Count    int      `json:"count" doc:"Occurrences over all cases."`
	CaseIDs  []string `json:"case_ids" doc:"The cases, each once. In Fresco's own log case-12 is recovery case 12 (/cases/12)."`
}

// CaseFitnessOut is one case's conformance.
type CaseFitnessOut struct {
	Case       string  `json:"case"`
	Fitness    float64 `json:"fitness"`
	Deviations int     `json:"deviations"`
}

// MinedOverlay is the real figures on each activity and arrow of a map.
type MinedOverlay struct {
	OverlayHead
	Activities []MinedActivity `json:"activities" doc:"In the map's numbered order."`
	Arrows     []MinedArrow    `json:"arrows" doc:"In the map's order."`
	Extras     []MinedArc      `json:"extras" doc:"Arcs that happen but the map has no arrow for (\"not in the design\"), most frequent first."`
	FailPoints []RealFailOut   `json:"real_fail_points" doc:"Arrows whose median wait is over 1.5× the expected duration of the activity they lead to; arrows the work changes hands on (another person does the next step) in 50% or more of the cases taking them; activities repeated within 20% or more of their cases; activities the work changes hands into or out of twice or more in 20% or more of their cases; arcs not in the design (extras) the work changes hands on in 50% or more of the cases taking them, or leading back to an activity done again this way in 20% or more of the cases with it."`
}

// MinedActivity is an activity's real frequency.
type MinedActivity struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Count       int    `json:"count" doc:"Events."`
	Cases       int    `json:"cases" doc:"Cases with it."`
	ReworkCases int    `json:"rework_cases" doc:"Cases in which it happens more than once."`
	BounceCases int    `json:"bounce_cases" doc:"Cases in which the work changes hands twice or more into or out of it (handed to it and on again, or back and forth). Handovers are between people (org:resource, else org:role); the customer's and Fresco's own events hand nothing over."`
}

// MinedArc is a directly-follows arc's real figures.
type MinedArc struct {
	From          string   `json:"from"`
	To            string   `json:"to"`
	Count         int      `json:"count"`
	Cases         int      `json:"cases"`
	MedianWaitS   *float64 `json:"median_wait_s" doc:"Median wait from one event to the next, seconds; null when never taken."`
	P90WaitS      *float64 `json:"p90_wait_s"`
	HandoverCases int      `json:"handover_cases" doc:"Cases in which the work changes hands on it: one person does the step it leaves, another the step it leads to."`
	LoopCases     int      `json:"loop_cases" doc:"Cases in which it leads back to an activity already done in the case (that activity done again: rework)."`
}

// MinedArrow is a designed arrow's real figures.
type MinedArrow struct {
	Key string `json:"key"`
	MinedArc
	Taken bool `json:"taken" doc:"false: no case took this designed arrow."`
}

// RealFailOut is a real fail point.
type RealFailOut struct {
	Arrow    string       `json:"arrow,omitempty" doc:"The arrow's key."`
	Activity string       `json:"activity,omitempty" doc:"The activity's key."`
	From     string       `json:"from,omitempty" doc:"An arc not in the design (one of extras): the activity it leaves; arrow and activity are then absent."`
	To       string       `json:"to,omitempty" doc:"An arc not in the design: the activity it leads to."`
	Kind     string       `json:"kind" enum:"slow,rework,handover" doc:"slow: a long wait; rework: done again; handover: the work changes hands on the arrow or arc, or twice or more around the activity; rework on an arc: it leads back to an activity done again."`
	Reason   string       `json:"reason"`
	Outcomes *OutcomesOut `json:"outcomes,omitempty" doc:"For Fresco's own log: what happened to the customers of the cases through it."`
}

// OutcomesOut is the customer cost of a real fail point.
type OutcomesOut struct {
	Cases              int          `json:"cases"`
	ReopenedShare      float64      `json:"reopened_share"`
	RepeatContactShare float64      `json:"repeat_contact_share" doc:"Share of the cases whose customer opened another case within 90 days."`
	GestureCost        fresco.Money `json:"gesture_cost" doc:"Gestures granted on those cases, in the business's currency: what the fail point cost in money."`
	NPSAfter           *float64     `json:"nps_after" doc:"NPS (−100 to 100) of the customers' first 0–10 answers within 180 days after each case through it was resolved (closed, if closed without a resolution); null when none answered."`
	NPSAfterN          int          `json:"nps_after_n" doc:"Answers nps_after counts."`
	RestNPSAfter       *float64     `json:"rest_nps_after" doc:"The same for the other cases mined (not through it)."`
	RestNPSAfterN      int          `json:"rest_nps_after_n"`
	NPSGap             *float64     `json:"nps_gap" doc:"rest_nps_after − nps_after, points; null unless both are known."`
	PAliveNow          *float64     `json:"p_alive_now" doc:"Mean P(alive) today (the latest lifetime-value refit) of the customers of the cases through it. Measured now, not before and after the case: Fresco keeps no history of P(alive)."`
	PAliveNowN         int          `json:"p_alive_now_n" doc:"Customers p_alive_now averages."`
	RestPAliveNow      *float64     `json:"rest_p_alive_now" doc:"The same for the customers of the other cases mined who had no case through it."`
	RestPAliveNowN     int          `json:"rest_p_alive_now_n"`
	PAliveGap          *float64     `json:"p_alive_gap" doc:"rest_p_alive_now − p_alive_now (0–1): how much less likely to be still a customer those through it are now; null unless both are known."`
}

func (s *Server) overlay(ctx context.Context, in *OverlayParams) (*fresco.ProcessMap, *processmap.Overlay, error) {
	q, err := processmap.ParseOverlayQuery(in.Log, in.From, in.To)
	if err != nil {
		var v fresco.Validation
		v.Merge("query", err)
		return nil, nil, v.Err()
	}
	a := staffActor(ctx)
	m, err := s.maps.Get(ctx, a, in.ID)
	if err != nil {
		return nil, nil, err
	}
	o, err := s.maps.Overlay(ctx, a, m, q)
	if err != nil {
		if fs := fresco.ErrorFields(err); len(fs) > 0 {
			var v fresco.Validation
			v.Merge("query", err)
			return nil, nil, v.Err()
		}
		return nil, nil, err
	}
	return m, o, nil
}

func overlayHead(m *fresco.ProcessMap, o *processmap.Overlay) OverlayHead {
	h := OverlayHead{MapID: m.ID, MapVersion: m.Version, Log: o.Log, Cases: o.Cases, SkippedCases: o.Skipped}
	if !o.Period.From.IsZero() {
		h.From = &o.Period.From
	}
	if !o.Period.To.IsZero() {
		h.To = &o.Period.To
	}
	return h
}

func (s *Server) processMapConformance(ctx context.Context, in *OverlayParams) (*One[ConformanceOut], error) {
	m, o, err := s.overlay(ctx, in)
	if err != nil {
		return nil, err
	}
	c := o.Conformance
	out := ConformanceOut{OverlayHead: overlayHead(m, o), Fitness: c.Fitness, FittingCases: c.Fitting, FittingShare: 1,
		Deviations: make([]DeviationOut, len(c.Deviations)), CaseFitness: make([]CaseFitnessOut, len(c.Cases))}
	if len(c.Cases) > 0 {
		out.FittingShare = float64(c.Fitting) / float64(len(c.Cases))
	}
	for i, d := range c.Deviations {
		out.Deviations[i] = DeviationOut{Kind: d.Kind, Activity: d.Activity, From: d.From, To: d.To, Count: d.Count, CaseIDs: orEmpty(d.CaseIDs)}
	}
	for i, cf := range c.Cases {
		out.CaseFitness[i] = CaseFitnessOut{Case: cf.Case, Fitness: cf.Fitness, Deviations: cf.Deviations}
	}
	return &One[ConformanceOut]{Body: out}, nil
}

func minedArc(f processmap.ArcFigures) MinedArc {
	return MinedArc{From: f.From, To: f.To, Count: f.Count, Cases: f.Cases, MedianWaitS: f.MedianWaitS, P90WaitS: f.P90WaitS, HandoverCases: f.HandoverCases,
		LoopCases: f.LoopCases}
}

func (s *Server) processMapMined(ctx context.Context, in *OverlayParams) (*One[MinedOverlay], error) {
	m, o, err := s.overlay(ctx, in)
	if err != nil {
		return nil, err
	}
	out := MinedOverlay{OverlayHead: overlayHead(m, o), Activities: []MinedActivity{}, Arrows: []MinedArrow{}, Extras: []MinedArc{},
		FailPoints: []RealFailOut{}}
	for _, a := range m.Activities {
		f := o.Activities[a.Key]
		out.Activities = append(out.Activities, MinedActivity{Key: a.Key, Name: a.Name, Count: f.Count, Cases: f.Cases, ReworkCases: f.ReworkCases,
			BounceCases: f.BounceCases})
	}
	for _, r := range m.Arrows {
		f := o.Arrows[r.Key]
		out.Arrows = append(out.Arrows, MinedArrow{Key: r.Key, MinedArc: minedArc(f), Taken: f.Count > 0})
	}
	for _, x := range o.Extras {
		out.Extras = append(out.Extras, minedArc(x))
	}
	for _, f := range o.Fails {
		rf := RealFailOut{Arrow: f.Arrow, Activity: f.Activity, Kind: f.Kind, Reason: f.Reason}
		if x := f.Extra; x != nil {
			rf.From, rf.To = x.From, x.To
		}
		if oc := f.Outcomes; oc != nil {
			rf.Outcomes = &OutcomesOut{Cases: oc.Cases, ReopenedShare: oc.ReopenedShare(), RepeatContactShare: oc.RepeatShare(), GestureCost: oc.GestureCost,
				NPSAfter: oc.NPSAfter.Value, NPSAfterN: oc.NPSAfter.N, RestNPSAfter: oc.RestNPSAfter.Value, RestNPSAfterN: oc.RestNPSAfter.N, NPSGap: oc.NPSGap(),
				PAliveNow: oc.PAliveNow.Value, PAliveNowN: oc.PAliveNow.N, RestPAliveNow: oc.RestPAliveNow.Value, RestPAliveNowN: oc.RestPAliveNow.N,
				PAliveGap: oc.PAliveGap()}
		}
		out.FailPoints = append(out.FailPoints, rf)
	}
	return &One[MinedOverlay]{Body: out}, nil
}
