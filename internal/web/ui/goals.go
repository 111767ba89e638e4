package ui

// The goals page: satisfaction goals with where each stands, in plain
// words, and for owners and managers the form to set, change and delete
// them (package goals decides who may set which). The home page shows the
// same progress in a card (homeGoals).

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/goals"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	flashes["goal-saved"] = "Goal saved."
	flashes["goal-deleted"] = "Goal deleted."
}

// goalRow is one goal as a page shows it.
type goalRow struct {
	ID                  int64
	Name, Scope, Period string
	Status, Chip        string // the status in words, and its chip's class
	Summary             string // value, likely range, target and period in words
	Elapsed             int    // percent of the period gone
}

func goalRowOf(p goals.Progress) goalRow {
	chip := "goal-unknown"
	switch p.Status {
	case stats.OnTrack:
		chip = "goal-on"
	case stats.OffTrack:
		chip = "goal-off"
	}
	return goalRow{ID: p.Goal.ID, Name: p.Goal.Name, Scope: p.ScopeName, Period: periodWords(p.Goal),
		Status: goals.StatusWords(p), Chip: chip, Summary: goals.Describe(p), Elapsed: int(p.Elapsed*100 + 0.5)}
}

func periodWords(g *fresco.Goal) string {
	switch g.Period {
	case fresco.PeriodMonth:
		return "Every month"
	case fresco.PeriodQuarter:
		return "Every quarter"
	}
	if g.StartsOn != nil && g.EndsOn != nil {
		return g.StartsOn.Format("2 Jan 2006") + " to " + g.EndsOn.Format("2 Jan 2006")
	}
	return ""
}

// goalForm is the values of the set-a-goal form.
type goalForm struct {
	ID, Version                  int64
	Name, Metric, Scope, Segment string
	LocationID, TeamID           string
	Direction, Target, Period    string
	StartsOn, EndsOn             string
}

func goalFormOf(g *fresco.Goal) goalForm {
	f := goalForm{ID: g.ID, Version: g.Version, Name: g.Name, Metric: g.Metric, Scope: g.Scope, Segment: g.Segment, Direction: g.Direction,
		Target: strconv.FormatFloat(g.Target, 'f', -1, 64), Period: g.Period}
	if g.LocationID != nil {
		f.LocationID = strconv.FormatInt(*g.LocationID, 10)
	}
	if g.TeamID != nil {
		f.TeamID = strconv.FormatInt(*g.TeamID, 10)
	}
	if g.StartsOn != nil {
		f.StartsOn = g.StartsOn.Format(time.DateOnly)
	}
	if g.EndsOn != nil {
		f.EndsOn = g.EndsOn.Format(time.DateOnly)
	}
	return f
}

// choice is one option of a select.
type choice struct{ Value, Label string }

type goalsView struct {
	Goals     []goalRow
	Manage    bool
	Form      goalForm
	Problem   string
	Metrics   []choice
	Scopes    []choice
	Periods   []choice
	Ways      []choice
	Locations []*fresco.Location
	Teams     []*fresco.Team
}

func (u *UI) goalsView(ctx context.Context, v *viewer, form goalForm) (*goalsView, error) {
	view := &goalsView{Manage: v.Role.CanManageEmployees(), Form: form,
		Scopes:  []choice{{fresco.ScopeAll, "Whole business"}, {fresco.ScopeLocation, "A location"}, {fresco.ScopeTeam, "A team"}, {fresco.ScopeSegment, "A customer segment"}},
		Periods: []choice{{fresco.PeriodMonth, "Every month"}, {fresco.PeriodQuarter, "Every quarter"}, {fresco.PeriodFixed, "Fixed dates"}},
		Ways:    []choice{{stats.AtLeast, "At least"}, {stats.AtMost, "At most"}}}
	for _, m := range fresco.GoalMetrics {
		view.Metrics = append(view.Metrics, choice{m, goals.MetricName(m)})
	}
	list, err := u.goals.Progress(ctx, staffActor(v))
	if err != nil {
		return nil, err
	}
	for _, p := range list {
		view.Goals = append(view.Goals, goalRowOf(p))
	}
	if view.Manage {
		if view.Locations, _, err = u.db.ListLocations(ctx, store.LocationFilter{Limit: 1000}); err != nil {
			return nil, err
		}
		if view.Teams, err = u.db.ListTeams(ctx); err != nil {
			return nil, err
		}
	}
	return view, nil
}

// Goals is GET /goals: every goal the viewer may see with its status, and
// the form to set one.
func (u *UI) Goals(w http.ResponseWriter, r *http.Request) {
	u.renderGoals(w, r, http.StatusOK, "goals", goalForm{Metric: fresco.MetricNPS, Scope: fresco.ScopeAll, Period: fresco.PeriodMonth}, "")
}

func (u *UI) renderGoals(w http.ResponseWriter, r *http.Request, status int, name string, form goalForm, problem string) {
	view, err := u.goalsView(r.Context(), viewerFrom(r.Context()), form)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Problem = problem
	title := "Satisfaction goals"
	if name == "goal_edit" {
		title = "Change a goal"
	}
	u.render(w, r, status, name, title, view)
}

// EditGoal is GET /goals/{id}: the form to change one goal.
func (u *UI) EditGoal(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	g, err := u.goals.Get(r.Context(), staffActor(viewerFrom(r.Context())), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.renderGoals(w, r, http.StatusOK, "goal_edit", goalFormOf(g), "")
}

// goalInput reads the form into an input, naming bad numbers and dates.
func goalInput(r *http.Request) (goals.Input, goalForm, error) {
	form := goalForm{Name: r.PostFormValue("name"), Metric: r.PostFormValue("metric"), Scope: r.PostFormValue("scope"),
		Segment: r.PostFormValue("segment"), LocationID: r.PostFormValue("location_id"), TeamID: r.PostFormValue("team_id"),
		Direction: r.PostFormValue("direction"), Target: strings.TrimSpace(r.PostFormValue("target")), Period: r.PostFormValue("period"),
		StartsOn: r.PostFormValue("starts_on"), EndsOn: r.PostFormValue("ends_on")}
	var v fresco.Validation
	in := goals.Input{Name: form.Name, Metric: form.Metric, Scope: form.Scope, Direction: form.Direction, Period: form.Period}
	// The form sends every field; only those the scope and period use count.
	switch form.Scope {
	case fresco.ScopeLocation:
		in.LocationID = optionalID(&v, "location_id", form.LocationID)
	case fresco.ScopeTeam:
		in.TeamID = optionalID(&v, "team_id", form.TeamID)
	case fresco.ScopeSegment:
		in.Segment = form.Segment
	}
	if form.Target != "" {
		if t, err := strconv.ParseFloat(strings.Replace(form.Target, ",", ".", 1), 64); err == nil {
			in.Target = &t
		} else {
			v.Add("target", "%q is not a number", form.Target)
		}
	}
	if form.Period == fresco.PeriodFixed {
		for _, d := range []struct {
			field, s string
			into     **time.Time
		}{{"starts_on", form.StartsOn, &in.StartsOn}, {"ends_on", form.EndsOn, &in.EndsOn}} {
			if strings.TrimSpace(d.s) == "" {
				continue
			}
			if t := formDate(&v, d.field, d.s); !t.IsZero() {
				*d.into = &t
			}
		}
	}
	return in, form, v.Err()
}

// CreateGoal is POST /goals.
func (u *UI) CreateGoal(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	in, form, err := goalInput(r)
	if err == nil {
		_, err = u.goals.Create(r.Context(), staffActor(viewerFrom(r.Context())), in)
	}
	u.afterGoalChange(w, r, "goals", form, err)
}

// UpdateGoal is POST /goals/{id}.
func (u *UI) UpdateGoal(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	in, form, err := goalInput(r)
	form.ID = id
	form.Version, _ = strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err == nil {
		_, err = u.goals.Update(r.Context(), staffActor(viewerFrom(r.Context())), id, form.Version, in)
	}
	u.afterGoalChange(w, r, "goal_edit", form, err)
}

// DeleteGoal is POST /goals/{id}/delete.
func (u *UI) DeleteGoal(w http.ResponseWriter, r *http.Request) {
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	if err := u.goals.Delete(r.Context(), staffActor(viewerFrom(r.Context())), id); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/goals?done=goal-deleted", http.StatusSeeOther)
}

// afterGoalChange shows the form again with the refusal, or goes back to
// the list.
func (u *UI) afterGoalChange(w http.ResponseWriter, r *http.Request, page string, form goalForm, err error) {
	switch {
	case fresco.ErrorCode(err) == fresco.EINVALID:
		u.renderGoals(w, r, http.StatusUnprocessableEntity, page, form, invalidMessage(err))
	case err != nil:
		u.fail(w, r, err)
	default:
		http.Redirect(w, r, "/goals?done=goal-saved", http.StatusSeeOther)
	}
}

// homeGoals is the home page's card: every goal the viewer may see, off
// track first.
func (u *UI) homeGoals(ctx context.Context, h *homeView, v *viewer) error {
	if u.goals == nil {
		return nil
	}
	list, err := u.goals.Progress(ctx, staffActor(v))
	if err != nil {
		return err
	}
	order := map[string]int{stats.OffTrack: 0, stats.CantTell: 1, stats.OnTrack: 2}
	for _, rank := range []int{0, 1, 2} {
		for _, p := range list {
			if order[p.Status] == rank {
				h.Goals = append(h.Goals, goalRowOf(p))
			}
		}
	}
	return nil
}
