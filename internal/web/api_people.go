package web

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
)

// Employee records (package people): trainings, employment spells with
// exits and rehires, the exit-reason list, retention and turnover cost.

// Training is one course an employee took.
type Training struct {
	ID         int64     `json:"id"`
	EmployeeID int64     `json:"employee_id"`
	Course     string    `json:"course"`
	Skill      string    `json:"skill"`
	TakenOn    string    `json:"taken_on" format:"date"`
	Hours      float64   `json:"hours"`
	Cost       Money     `json:"cost" doc:"In the business currency."`
	CreatedAt  time.Time `json:"created_at"`
}

func trainingOut(t *fresco.Training) Training {
	return Training{ID: t.ID, EmployeeID: t.EmployeeID, Course: t.Course, Skill: t.Skill,
		TakenOn: t.TakenOn.Format(time.DateOnly), Hours: t.Hours, Cost: moneyOut(t.Cost), CreatedAt: t.CreatedAt}
}

// TrainingInput records a training.
type TrainingInput struct {
	Course  string  `json:"course" minLength:"1" maxLength:"200"`
	Skill   string  `json:"skill,omitempty" maxLength:"200" doc:"The skill it builds, e.g. \"complaint handling\"."`
	TakenOn string  `json:"taken_on" doc:"The day, YYYY-MM-DD."`
	Hours   float64 `json:"hours" minimum:"0"`
	Cost    Money   `json:"cost" doc:"What it cost, in the business currency."`
}

// Spell is one period of employment.
type Spell struct {
	ID         int64   `json:"id"`
	EmployeeID int64   `json:"employee_id"`
	StartedOn  string  `json:"started_on" format:"date"`
	LeftOn     *string `json:"left_on" format:"date" doc:"The last day worked; null while employed."`
	TeamID     *int64  `json:"team_id"`
	LocationID *int64  `json:"location_id"`
	Reason     string  `json:"reason,omitempty" doc:"An exit reason's slug."`
	Regretted  bool    `json:"regretted"`
	Notes      string  `json:"notes,omitempty" doc:"Exit-interview notes."`
}

func spellOut(s *fresco.Spell) Spell {
	out := Spell{ID: s.ID, EmployeeID: s.EmployeeID, StartedOn: s.StartedOn.Format(time.DateOnly), TeamID: s.TeamID,
		LocationID: s.LocationID, Reason: s.Reason, Regretted: s.Regretted, Notes: s.Notes}
	if s.LeftOn != nil {
		d := s.LeftOn.Format(time.DateOnly)
		out.LeftOn = &d
	}
	return out
}

// ExitInput records an exit.
type ExitInput struct {
	LeftOn    string `json:"left_on" doc:"The last day worked, YYYY-MM-DD; not in the future."`
	Reason    string `json:"reason" doc:"A slug from GET /api/v1/exit-reasons."`
	Regretted bool   `json:"regretted,omitempty" doc:"Whether the business would have kept them."`
	Notes     string `json:"notes,omitempty" maxLength:"5000" doc:"Exit-interview notes."`
}

// RehireInput opens a new employment spell.
type RehireInput struct {
	StartedOn       string  `json:"started_on" doc:"The first day of the new spell, YYYY-MM-DD, after the last one ended."`
	TeamID          *int64  `json:"team_id,omitempty" doc:"Omitted: the team they had."`
	LocationID      *int64  `json:"location_id,omitempty" doc:"Omitted: the location they had."`
	JobTitle        *string `json:"job_title,omitempty" maxLength:"200"`
	ReactivateLogin bool    `json:"reactivate_login,omitempty" doc:"Let them sign in again (the exit deactivated their login)."`
}

// ExitReason is one entry of the exit-reason list.
type ExitReason struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Position int    `json:"position"`
	Active   bool   `json:"active"`
}

// ExitReasonInput changes or adds the reason of the path's slug.
type ExitReasonInput struct {
	Name     string `json:"name" minLength:"1" maxLength:"100"`
	Position int    `json:"position,omitempty"`
	Active   *bool  `json:"active,omitempty" doc:"Defaults to true; false keeps it for past exits but offers it no more."`
}

func (s *Server) addTraining(ctx context.Context, in *struct {
	IDParam
	Body TrainingInput
}) (*Created[Training], error) {
	var v fresco.Validation
	t := &fresco.Training{EmployeeID: in.ID, Course: in.Body.Course, Skill: in.Body.Skill,
		TakenOn: parseDate(&v, "taken_on", in.Body.TakenOn), Hours: in.Body.Hours, Cost: in.Body.Cost.parse(&v, "cost")}
	v.Check(in.Body.TakenOn != "", "taken_on", "is required (YYYY-MM-DD)")
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.people.AddTraining(ctx, staffActor(ctx), t); err != nil {
		return nil, err
	}
	return &Created[Training]{Location: fmt.Sprintf("%s/employees/%d/trainings", apiPrefix, in.ID), Body: trainingOut(t)}, nil
}

func (s *Server) listTrainings(ctx context.Context, in *IDParam) (*itemsBody[Training], error) {
	list, err := s.people.Trainings(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return items(list, trainingOut), nil
}

func (s *Server) listSpells(ctx context.Context, in *IDParam) (*itemsBody[Spell], error) {
	list, err := s.people.Spells(ctx, staffActor(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return items(list, spellOut), nil
}

func (s *Server) recordExit(ctx context.Context, in *struct {
	IDParam
	Body ExitInput
}) (*One[Spell], error) {
	var v fresco.Validation
	x := fresco.Exit{LeftOn: parseDate(&v, "left_on", in.Body.LeftOn), Reason: in.Body.Reason,
		Regretted: in.Body.Regretted, Notes: in.Body.Notes}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sp, err := s.people.RecordExit(ctx, staffActor(ctx), in.ID, x)
	if err != nil {
		return nil, err
	}
	return &One[Spell]{Body: spellOut(sp)}, nil
}

func (s *Server) rehire(ctx context.Context, in *struct {
	IDParam
	Body RehireInput
}) (*Created[Spell], error) {
	var v fresco.Validation
	r := people.Rehire{StartedOn: parseDate(&v, "started_on", in.Body.StartedOn), TeamID: in.Body.TeamID,
		LocationID: in.Body.LocationID, JobTitle: in.Body.JobTitle, ReactivateLogin: in.Body.ReactivateLogin}
	if err := v.Err(); err != nil {
		return nil, err
	}
	sp, err := s.people.Rehire(ctx, staffActor(ctx), in.ID, r)
	if err != nil {
		return nil, err
	}
	return &Created[Spell]{Location: fmt.Sprintf("%s/employees/%d/spells", apiPrefix, in.ID), Body: spellOut(sp)}, nil
}

func exitReasonOut(r fresco.ExitReason) ExitReason {
	return ExitReason{Slug: r.Slug, Name: r.Name, Position: r.Position, Active: r.Active}
}

func (s *Server) listExitReasons(ctx context.Context, in *struct {
	All bool `query:"all" doc:"Include the reasons no longer offered."`
}) (*itemsBody[ExitReason], error) {
	list, err := s.people.ExitReasons(ctx, in.All)
	if err != nil {
		return nil, err
	}
	return items(list, exitReasonOut), nil
}

func (s *Server) putExitReason(ctx context.Context, in *struct {
	Slug string `path:"slug" doc:"The reason's slug, e.g. workload."`
	Body ExitReasonInput
}) (*One[ExitReason], error) {
	r := fresco.ExitReason{Slug: in.Slug, Name: in.Body.Name, Position: in.Body.Position, Active: true}
	set(&r.Active, in.Body.Active)
	if err := s.people.SaveExitReason(ctx, staffActor(ctx), r); err != nil {
		return nil, err
	}
	return &One[ExitReason]{Body: exitReasonOut(r)}, nil
}

// TurnoverInputs are the calculator's editable inputs.
type TurnoverInputs struct {
	RecruitingCostPerHire Money   `json:"recruiting_cost_per_hire"`
	CoworkerWeeks         float64 `json:"coworker_weeks" doc:"Weeks of co-workers' productivity lost per leaver."`
	CoworkerWeeklyCost    Money   `json:"coworker_weekly_cost"`
	ManagerWeeks          float64 `json:"manager_weeks"`
	ManagerWeeklyCost     Money   `json:"manager_weekly_cost"`
	VacancyDays           float64 `json:"vacancy_days"`
	VacancyDailyCost      Money   `json:"vacancy_daily_cost"`
	LapseDays             int     `json:"lapse_days" doc:"A served customer who buys nothing this many days after the exit has lapsed."`
}

func inputsOut(in people.Inputs) TurnoverInputs {
	return TurnoverInputs{RecruitingCostPerHire: moneyOut(in.RecruitingCostPerHire), CoworkerWeeks: in.CoworkerWeeks,
		CoworkerWeeklyCost: moneyOut(in.CoworkerWeeklyCost), ManagerWeeks: in.ManagerWeeks,
		ManagerWeeklyCost: moneyOut(in.ManagerWeeklyCost), VacancyDays: in.VacancyDays,
		VacancyDailyCost: moneyOut(in.VacancyDailyCost), LapseDays: in.LapseDays}
}

func (in TurnoverInputs) domain(v *fresco.Validation) people.Inputs {
	return people.Inputs{RecruitingCostPerHire: in.RecruitingCostPerHire.parse(v, "recruiting_cost_per_hire"),
		CoworkerWeeks: in.CoworkerWeeks, CoworkerWeeklyCost: in.CoworkerWeeklyCost.parse(v, "coworker_weekly_cost"),
		ManagerWeeks: in.ManagerWeeks, ManagerWeeklyCost: in.ManagerWeeklyCost.parse(v, "manager_weekly_cost"),
		VacancyDays: in.VacancyDays, VacancyDailyCost: in.VacancyDailyCost.parse(v, "vacancy_daily_cost"), LapseDays: in.LapseDays}
}

func (s *Server) getTurnoverInputs(ctx context.Context, _ *struct{}) (*One[TurnoverInputs], error) {
	in, err := s.people.Inputs(ctx)
	if err != nil {
		return nil, err
	}
	return &One[TurnoverInputs]{Body: inputsOut(in)}, nil
}

func (s *Server) putTurnoverInputs(ctx context.Context, in *struct{ Body TurnoverInputs }) (*One[TurnoverInputs], error) {
	var v fresco.Validation
	d := in.Body.domain(&v)
	if err := v.Err(); err != nil {
		return nil, err
	}
	if err := s.people.SaveInputs(ctx, staffActor(ctx), d); err != nil {
		return nil, err
	}
	return &One[TurnoverInputs]{Body: inputsOut(d)}, nil
}

// turnoverQuery is a period, a unit kind and overrides of the stored
// inputs, each named as in TurnoverInputs.
type turnoverQuery struct {
	From                  string `query:"from" doc:"First day, YYYY-MM-DD; default: a year before to."`
	To                    string `query:"to" doc:"Last day, YYYY-MM-DD; default: today."`
	By                    string `query:"by" enum:"team,location" doc:"Add a breakdown per team or location."`
	RecruitingCostPerHire string `query:"recruiting_cost_per_hire"`
	CoworkerWeeks         string `query:"coworker_weeks"`
	CoworkerWeeklyCost    string `query:"coworker_weekly_cost"`
	ManagerWeeks          string `query:"manager_weeks"`
	ManagerWeeklyCost     string `query:"manager_weekly_cost"`
	VacancyDays           string `query:"vacancy_days"`
	VacancyDailyCost      string `query:"vacancy_daily_cost"`
	LapseDays             string `query:"lapse_days"`
}

// period reads from and to; left out, the twelve months to today.
func (s *Server) period(ctx context.Context, v *fresco.Validation, from, to string) (time.Time, time.Time) {
	f, t := parseDate(v, "query.from", from), parseDate(v, "query.to", to)
	if t.IsZero() {
		t = s.people.Today(ctx)
	}
	if f.IsZero() {
		f = t.AddDate(-1, 0, 1)
	}
	return f, t
}

// overrides applies the query's inputs over the stored ones.
func (q *turnoverQuery) overrides(v *fresco.Validation, in *people.Inputs) {
	money := func(name, s string, dst *fresco.Money) {
		if s != "" {
			*dst = Money(s).parse(v, "query."+name)
		}
	}
	number := func(name, s string, dst *float64) {
		if s == "" {
			return
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			v.Add("query."+name, "%q is not a number", s)
			return
		}
		*dst = f
	}
	money("recruiting_cost_per_hire", q.RecruitingCostPerHire, &in.RecruitingCostPerHire)
	money("coworker_weekly_cost", q.CoworkerWeeklyCost, &in.CoworkerWeeklyCost)
	money("manager_weekly_cost", q.ManagerWeeklyCost, &in.ManagerWeeklyCost)
	money("vacancy_daily_cost", q.VacancyDailyCost, &in.VacancyDailyCost)
	number("coworker_weeks", q.CoworkerWeeks, &in.CoworkerWeeks)
	number("manager_weeks", q.ManagerWeeks, &in.ManagerWeeks)
	number("vacancy_days", q.VacancyDays, &in.VacancyDays)
	if q.LapseDays != "" {
		n, err := strconv.Atoi(q.LapseDays)
		if err != nil {
			v.Add("query.lapse_days", "%q is not a whole number of days", q.LapseDays)
		}
		in.LapseDays = n
	}
}

// TurnoverComponents are the parts of the cost, in the business currency.
type TurnoverComponents struct {
	Recruiting          Money `json:"recruiting"`
	Training            Money `json:"training"`
	LostProductivity    Money `json:"lost_productivity" doc:"Co-workers' and managers' lost weeks and the vacancy's days."`
	CustomerValueAtRisk Money `json:"customer_value_at_risk" doc:"Predicted CLV of the leavers' customers who lapsed beyond a matched baseline (docs/architecture.md, People)."`
}

// TurnoverUnit is one team's or location's share.
type TurnoverUnit struct {
	UnitID        *int64             `json:"unit_id"`
	Unit          string             `json:"unit"`
	Leavers       int                `json:"leavers"`
	Regretted     int                `json:"regretted"`
	Headcount     int                `json:"headcount"`
	Rate          *float64           `json:"rate"`
	CostTotal     Money              `json:"cost_total"`
	CostPerLeaver Money              `json:"cost_per_leaver"`
	Components    TurnoverComponents `json:"components"`
}

// TurnoverCost is the calculator's answer.
type TurnoverCost struct {
	From          string             `json:"from" format:"date"`
	To            string             `json:"to" format:"date"`
	Currency      string             `json:"currency"`
	Leavers       int                `json:"leavers"`
	Regretted     int                `json:"regretted"`
	Headcount     int                `json:"headcount" doc:"Employed on the first day."`
	Rate          *float64           `json:"rate" doc:"Leavers / headcount on the first day; null without headcount."`
	CostTotal     Money              `json:"cost_total"`
	CostPerLeaver Money              `json:"cost_per_leaver"`
	Components    TurnoverComponents `json:"components"`
	Inputs        TurnoverInputs     `json:"inputs" doc:"The inputs used: the stored ones with the query's overrides."`
	Units         []TurnoverUnit     `json:"units,omitempty" doc:"With by: one entry per team or location."`
}

func componentsOut(c people.Components) TurnoverComponents {
	return TurnoverComponents{Recruiting: moneyOut(c.Recruiting), Training: moneyOut(c.Training),
		LostProductivity: moneyOut(c.LostProductivity), CustomerValueAtRisk: moneyOut(c.CustomerValueAtRisk)}
}

func (s *Server) turnoverCost(ctx context.Context, q *turnoverQuery) (*One[TurnoverCost], error) {
	if err := aggregatesOnly(ctx); err != nil {
		return nil, err
	}
	var v fresco.Validation
	from, to := s.period(ctx, &v, q.From, q.To)
	in, err := s.people.Inputs(ctx)
	if err != nil {
		return nil, err
	}
	q.overrides(&v, &in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.people.Cost(ctx, staffActor(ctx), from, to, people.By(q.By), in)
	if err != nil {
		return nil, err
	}
	out := TurnoverCost{From: from.Format(time.DateOnly), To: to.Format(time.DateOnly), Currency: s.settings.Current(ctx).Currency.Code,
		Leavers: c.Leavers, Regretted: c.Regretted, Headcount: c.Headcount, Rate: c.Rate,
		CostTotal: moneyOut(c.Total), CostPerLeaver: moneyOut(c.PerLeaver), Components: componentsOut(c.Components),
		Inputs: inputsOut(c.Inputs)}
	for _, u := range c.Units {
		out.Units = append(out.Units, TurnoverUnit{UnitID: u.Unit.ID, Unit: u.Unit.Name, Leavers: u.Leavers,
			Regretted: u.Regretted, Headcount: u.Headcount, Rate: u.Rate, CostTotal: moneyOut(u.Total),
			CostPerLeaver: moneyOut(u.PerLeaver), Components: componentsOut(u.Components)})
	}
	return &One[TurnoverCost]{Body: out}, nil
}

// RetentionCell is one unit's month.
type RetentionCell struct {
	UnitID    *int64   `json:"unit_id"`
	Unit      string   `json:"unit"`
	Month     string   `json:"month" doc:"YYYY-MM"`
	Headcount int      `json:"headcount" doc:"Employed on the first day of the month."`
	Leavers   int      `json:"leavers"`
	Regretted int      `json:"regretted"`
	Retention *float64 `json:"retention" doc:"1 − leavers/headcount; null without headcount."`
}

func (s *Server) turnoverRetention(ctx context.Context, q *struct {
	From string `query:"from" doc:"A day of the first month, YYYY-MM-DD; default: a year before to."`
	To   string `query:"to" doc:"A day of the last month, YYYY-MM-DD; default: today."`
	By   string `query:"by" enum:"team,location" default:"team"`
}) (*itemsBody[RetentionCell], error) {
	if err := aggregatesOnly(ctx); err != nil {
		return nil, err
	}
	var v fresco.Validation
	from, to := s.period(ctx, &v, q.From, q.To)
	if err := v.Err(); err != nil {
		return nil, err
	}
	cells, err := s.people.Retention(ctx, people.By(q.By), from, to)
	if err != nil {
		return nil, err
	}
	return items(cells, func(c people.UnitMonth) RetentionCell {
		return RetentionCell{UnitID: c.Unit.ID, Unit: c.Unit.Name, Month: c.Month.Format("2006-01"),
			Headcount: c.Headcount, Leavers: c.Leavers, Regretted: c.Regretted, Retention: c.Retention}
	}), nil
}

// aggregatesOnly refuses agents: turnover figures are for owners, managers
// and analysts (who see aggregates, never a leaver's name).
func aggregatesOnly(ctx context.Context) error {
	if principal(ctx).Role == fresco.RoleAgent {
		return fresco.Errorf(fresco.EFORBIDDEN, "turnover figures are for owners, managers and analysts")
	}
	return nil
}
