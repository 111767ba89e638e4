package ui

// People records on the employee page (employment spells with exits and
// rehires, trainings, and the forms that add them), the turnover-cost page
// and the exit-reason list in the settings. Package people decides who sees
// and changes what; these handlers translate forms and show its answers.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/people"
)

func init() {
	flashes["training-added"] = "Training recorded."
	flashes["exit-recorded"] = "Exit recorded. Their login is deactivated; their history stays."
	flashes["rehired"] = "Rehired: a new employment spell has started."
	flashes["exit-reasons-saved"] = "Exit reason saved."
	flashes["turnover-inputs-saved"] = "Inputs saved as the defaults."
}

// peopleRecord is the employee page's people section.
type peopleRecord struct {
	Spells    []*fresco.Spell
	Trainings []*fresco.Training
	Employed  bool // their latest spell is open
	CanEdit   bool // forms: owners, and managers of their unit
	Reasons   []fresco.ExitReason
	Teams     []option
	Locations []option
	Today     string
}

// TrainingHours is the hours of all trainings.
func (p *peopleRecord) TrainingHours() float64 {
	var h float64
	for _, t := range p.Trainings {
		h += t.Hours
	}
	return h
}

// TrainingCost is what all trainings cost.
func (p *peopleRecord) TrainingCost() fresco.Money {
	var c fresco.Money
	for _, t := range p.Trainings {
		c += t.Cost
	}
	return c
}

// ReasonName is a reason slug's name on the list.
func (p *peopleRecord) ReasonName(slug string) string {
	for _, r := range p.Reasons {
		if r.Slug == slug {
			return r.Name
		}
	}
	return slug
}

func peopleActor(v *viewer) people.Actor { return staffActor(v) }

// peopleSection fills the people record of e for the viewer: all of it for
// owners and the managers of e's unit, their own trainings for agents,
// nothing for others.
func (u *UI) peopleSection(r *http.Request, v *employeePageView) error {
	me := viewerFrom(r.Context())
	if u.people == nil || me == nil {
		return nil
	}
	ctx := r.Context()
	rec, err := u.people.Record(ctx, peopleActor(me), v.Employee.ID)
	switch {
	case fresco.ErrorCode(err) == fresco.EFORBIDDEN:
		if me.ID != v.Employee.ID {
			return nil
		}
		trainings, err := u.people.Trainings(ctx, peopleActor(me), me.ID)
		if err != nil {
			return err
		}
		v.People = &peopleRecord{Trainings: trainings}
		return nil
	case err != nil:
		return err
	}
	p := &peopleRecord{Spells: rec.Spells, Trainings: rec.Trainings, CanEdit: me.ID != v.Employee.ID,
		Today: u.people.Today(ctx).Format(time.DateOnly)}
	p.Employed = len(p.Spells) > 0 && p.Spells[len(p.Spells)-1].Open()
	if p.Reasons, err = u.people.ExitReasons(ctx, true); err != nil {
		return err
	}
	locations, teams, err := u.locationsAndTeams(r)
	if err != nil {
		return err
	}
	for _, l := range locations {
		p.Locations = append(p.Locations, option{Value: strconv.FormatInt(l.ID, 10), Label: l.Name,
			Selected: v.Employee.LocationID != nil && *v.Employee.LocationID == l.ID})
	}
	for _, t := range teams {
		p.Teams = append(p.Teams, option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name,
			Selected: v.Employee.TeamID != nil && *v.Employee.TeamID == t.ID})
	}
	v.People = p
	return nil
}

// formDate reads a YYYY-MM-DD form field.
func formDate(v *fresco.Validation, field, s string) time.Time {
	if strings.TrimSpace(s) == "" {
		v.Add(field, "is required")
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		v.Add(field, "%q is not a date such as 2024-05-01", s)
	}
	return d
}

// AddTraining records a training from the employee page.
func (u *UI) AddTraining(w http.ResponseWriter, r *http.Request) {
	u.employeeChange(w, r, "training-added", func(id int64, me *viewer) error {
		var v fresco.Validation
		t := &fresco.Training{EmployeeID: id, Course: strings.TrimSpace(r.PostFormValue("course")),
			Skill: strings.TrimSpace(r.PostFormValue("skill")), TakenOn: formDate(&v, "taken_on", r.PostFormValue("taken_on"))}
		hours, err := strconv.ParseFloat(strings.TrimSpace(r.PostFormValue("hours")), 64)
		v.Check(err == nil, "hours", "must be a number of hours such as 7.5")
		t.Hours = hours
		if c := strings.TrimSpace(r.PostFormValue("cost")); c != "" {
			m, err := fresco.ParseMoney(c)
			v.Check(err == nil, "cost", "must be an amount such as 350.00")
			t.Cost = m
		}
		if err := v.Err(); err != nil {
			return err
		}
		return u.people.AddTraining(r.Context(), peopleActor(me), t)
	})
}

// RecordExit records an exit from the employee page.
func (u *UI) RecordExit(w http.ResponseWriter, r *http.Request) {
	u.employeeChange(w, r, "exit-recorded", func(id int64, me *viewer) error {
		var v fresco.Validation
		x := fresco.Exit{LeftOn: formDate(&v, "left_on", r.PostFormValue("left_on")), Reason: r.PostFormValue("reason"),
			Regretted: r.PostFormValue("regretted") == "true", Notes: strings.TrimSpace(r.PostFormValue("notes"))}
		if err := v.Err(); err != nil {
			return err
		}
		_, err := u.people.RecordExit(r.Context(), peopleActor(me), id, x)
		return err
	})
}

// Rehire starts a new spell from the employee page.
func (u *UI) Rehire(w http.ResponseWriter, r *http.Request) {
	u.employeeChange(w, r, "rehired", func(id int64, me *viewer) error {
		var v fresco.Validation
		in := people.Rehire{StartedOn: formDate(&v, "started_on", r.PostFormValue("started_on")),
			TeamID: optionalID(&v, "team_id", r.PostFormValue("team_id")), LocationID: optionalID(&v, "location_id", r.PostFormValue("location_id")),
			ReactivateLogin: r.PostFormValue("reactivate_login") == "true"}
		if t := strings.TrimSpace(r.PostFormValue("job_title")); t != "" {
			in.JobTitle = &t
		}
		if err := v.Err(); err != nil {
			return err
		}
		_, err := u.people.Rehire(r.Context(), peopleActor(me), id, in)
		return err
	})
}

// employeeChange runs a form's change of employee {id} and returns to
// their page, with the confirmation done, or with the problem shown.
func (u *UI) employeeChange(w http.ResponseWriter, r *http.Request, done string, change func(id int64, me *viewer) error) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	err := change(id, viewerFrom(r.Context()))
	if code := fresco.ErrorCode(err); code == fresco.EINVALID || code == fresco.ECONFLICT {
		u.renderEmployee(w, r, id, http.StatusUnprocessableEntity, invalidMessage(err))
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/employees/"+strconv.FormatInt(id, 10)+"?done="+done+"#people", http.StatusSeeOther)
}

// turnoverView is the turnover-cost page.
type turnoverView struct {
	From, To string
	By       string
	Cost     *people.Cost
	Inputs   map[string]string // the form's values
	CanSave  bool
	Problem  string
}

// inputFields are the inputs' form names, as in the API.
var inputFields = []string{"recruiting_cost_per_hire", "coworker_weeks", "coworker_weekly_cost", "manager_weeks",
	"manager_weekly_cost", "vacancy_days", "vacancy_daily_cost", "lapse_days"}

func inputValues(in people.Inputs) map[string]string {
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	return map[string]string{
		"recruiting_cost_per_hire": in.RecruitingCostPerHire.String(), "coworker_weeks": f(in.CoworkerWeeks),
		"coworker_weekly_cost": in.CoworkerWeeklyCost.String(), "manager_weeks": f(in.ManagerWeeks),
		"manager_weekly_cost": in.ManagerWeeklyCost.String(), "vacancy_days": f(in.VacancyDays),
		"vacancy_daily_cost": in.VacancyDailyCost.String(), "lapse_days": strconv.Itoa(in.LapseDays),
	}
}

// inputsFrom reads the inputs from form or query values over base.
func inputsFrom(v *fresco.Validation, values url.Values, base people.Inputs) people.Inputs {
	in := base
	money := func(name string, dst *fresco.Money) {
		if s := strings.TrimSpace(values.Get(name)); s != "" {
			m, err := fresco.ParseMoney(s)
			v.Check(err == nil, name, "must be an amount such as 4000.00")
			*dst = m
		}
	}
	number := func(name string, dst *float64) {
		if s := strings.TrimSpace(values.Get(name)); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			v.Check(err == nil, name, "must be a number")
			*dst = x
		}
	}
	money("recruiting_cost_per_hire", &in.RecruitingCostPerHire)
	money("coworker_weekly_cost", &in.CoworkerWeeklyCost)
	money("manager_weekly_cost", &in.ManagerWeeklyCost)
	money("vacancy_daily_cost", &in.VacancyDailyCost)
	number("coworker_weeks", &in.CoworkerWeeks)
	number("manager_weeks", &in.ManagerWeeks)
	number("vacancy_days", &in.VacancyDays)
	var lapse float64 = float64(in.LapseDays)
	number("lapse_days", &lapse)
	in.LapseDays = int(lapse)
	return in
}

// Turnover is GET /turnover: what the last twelve months' leavers cost (or
// the period asked for), by component and per team or location, with the
// inputs editable for this view.
func (u *UI) Turnover(w http.ResponseWriter, r *http.Request) {
	me := viewerFrom(r.Context())
	if me.Role == fresco.RoleAgent || u.people == nil {
		u.Forbidden(w, r)
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	today := u.people.Today(ctx)
	view := turnoverView{From: q.Get("from"), To: q.Get("to"), By: q.Get("by"), CanSave: managersRoles(me.Role)}
	if view.From == "" {
		view.From = today.AddDate(-1, 0, 1).Format(time.DateOnly)
	}
	if view.To == "" {
		view.To = today.Format(time.DateOnly)
	}
	if view.By != string(people.ByLocation) {
		view.By = string(people.ByTeam)
	}
	stored, err := u.people.Inputs(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var v fresco.Validation
	from, to := formDate(&v, "from", view.From), formDate(&v, "to", view.To)
	in := inputsFrom(&v, q, stored)
	view.Inputs = inputValues(in)
	for _, k := range inputFields {
		if s := q.Get(k); s != "" {
			view.Inputs[k] = s
		}
	}
	status := http.StatusOK
	err = v.Err()
	if err == nil {
		view.Cost, err = u.people.Cost(ctx, peopleActor(me), from, to, people.By(view.By), in)
	}
	if code := fresco.ErrorCode(err); code == fresco.EINVALID {
		view.Problem, status = invalidMessage(err), http.StatusUnprocessableEntity
	} else if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, status, "turnover", "What turnover costs", view)
}

// SaveTurnoverInputs stores the page's inputs as the defaults.
func (u *UI) SaveTurnoverInputs(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	ctx := r.Context()
	stored, err := u.people.Inputs(ctx)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var v fresco.Validation
	in := inputsFrom(&v, r.PostForm, stored)
	err = v.Err()
	if err == nil {
		err = u.people.SaveInputs(ctx, peopleActor(viewerFrom(ctx)), in)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/turnover?done=turnover-inputs-saved", http.StatusSeeOther)
}

// ExitReasons is the owner's page of the exit-reason list.
func (u *UI) ExitReasons(w http.ResponseWriter, r *http.Request) {
	u.renderExitReasons(w, r, http.StatusOK, "")
}

func (u *UI) renderExitReasons(w http.ResponseWriter, r *http.Request, status int, problem string) {
	list, err := u.people.ExitReasons(r.Context(), true)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, status, "exit_reasons", "Exit reasons", struct {
		Reasons []fresco.ExitReason
		Problem string
	}{list, problem})
}

// SaveExitReason adds or changes one reason.
func (u *UI) SaveExitReason(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	pos, _ := strconv.Atoi(r.PostFormValue("position"))
	reason := fresco.ExitReason{Slug: strings.TrimSpace(r.PostFormValue("slug")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Position: pos, Active: r.PostFormValue("active") == "true"}
	err := u.people.SaveExitReason(r.Context(), peopleActor(viewerFrom(r.Context())), reason)
	if fresco.ErrorCode(err) == fresco.EINVALID {
		u.renderExitReasons(w, r, http.StatusUnprocessableEntity, invalidMessage(err))
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/exit-reasons?done=exit-reasons-saved", http.StatusSeeOther)
}
