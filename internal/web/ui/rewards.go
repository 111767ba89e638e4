package ui

// Rewards for results (package rewards): the scorecard section of the
// employee page, a team's scorecard, the rewards page (the owner defines
// them), the recognition feed and the nominate form. Package rewards
// decides who sees whose results; these handlers translate and show.

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/rewards"
	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	flashes["nominated"] = "Nomination sent. Thank you for noticing."
	flashes["reward-created"] = "Reward defined."
}

// scorecardView is a scorecard's figures for a page.
type scorecardView struct {
	From, To string
	MinN     int
	Window   int // days
	Results  []rewards.Result
	AsOf     *time.Time // when the results were worked out, when not on this view
}

// periodFrom reads from and to (YYYY-MM-DD) from the query; missing, the
// last 90 days.
func (u *UI) periodFrom(r *http.Request, v *fresco.Validation) rewards.Period {
	p := u.rewards.DefaultPeriod(r.Context())
	q := r.URL.Query()
	if s := strings.TrimSpace(q.Get("to")); s != "" {
		p.To = formDate(v, "to", s)
		p.From = p.To.AddDate(0, 0, -89)
	}
	if s := strings.TrimSpace(q.Get("from")); s != "" {
		p.From = formDate(v, "from", s)
	}
	if v.Err() == nil {
		v.Merge("", p.Validate())
	}
	return p
}

func newScorecardView(p rewards.Period, results []rewards.Result, asOf time.Time) *scorecardView {
	v := &scorecardView{From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), MinN: rewards.MinN,
		Window: int(rewards.DefaultWindow / (24 * time.Hour)), Results: results}
	if !asOf.IsZero() {
		v.AsOf = &asOf
	}
	return v
}

// employeeScorecard fills the employee page's scorecard, or leaves it nil
// for a viewer who may not see it.
func (u *UI) employeeScorecard(r *http.Request, v *employeePageView) error {
	me := viewerFrom(r.Context())
	v.CanNominate = me.Role.CanWrite() && me.ID != v.Employee.ID
	var val fresco.Validation
	p := u.periodFrom(r, &val)
	if val.Err() != nil {
		p = u.rewards.DefaultPeriod(r.Context())
	}
	sc, err := u.rewards.EmployeeScorecard(r.Context(), staffActor(me), v.Employee.ID, p)
	switch {
	case fresco.ErrorCode(err) == fresco.EFORBIDDEN:
		return nil
	case err != nil:
		return err
	}
	v.Scorecard = newScorecardView(p, sc.Results, sc.AsOf)
	return nil
}

// teamScorecardView is the team scorecard page.
type teamScorecardView struct {
	Team     *fresco.Team
	Card     *scorecardView
	RankBy   string
	Measures []fresco.Measure
	Members  []rewards.MemberRow
	Rewards  []rewards.RewardStatus
	Problem  string
}

// TeamScorecard is GET /teams/{id}/scorecard.
func (u *UI) TeamScorecard(w http.ResponseWriter, r *http.Request) {
	id, ok := u.pageID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	var v fresco.Validation
	p := u.periodFrom(r, &v)
	rankBy := fresco.Measure(r.URL.Query().Get("rank_by"))
	if _, ok := fresco.ParseMeasure(string(rankBy)); !ok {
		rankBy = fresco.MeasureRecovered
	}
	view := teamScorecardView{RankBy: string(rankBy), Measures: fresco.Measures}
	status := http.StatusOK
	if err := v.Err(); err != nil {
		view.Problem, status, p = invalidMessage(err), http.StatusUnprocessableEntity, u.rewards.DefaultPeriod(ctx)
	}
	sc, err := u.rewards.TeamScorecard(ctx, staffActor(viewerFrom(ctx)), id, p, rankBy)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view.Team, view.Card, view.Members = sc.Team, newScorecardView(p, sc.Results, sc.AsOf), sc.Members
	if view.Rewards, err = u.rewards.Rewards(ctx, &id); err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, status, "team_scorecard", sc.Team.Name+": scorecard", view)
}

// rewardsView is the rewards page.
type rewardsView struct {
	Rewards  []rewards.RewardStatus
	CanEdit  bool
	Teams    []option
	Measures []fresco.Measure
	Form     url.Values
	Problem  string
	MinN     int
}

// RewardsPage is GET /rewards.
func (u *UI) RewardsPage(w http.ResponseWriter, r *http.Request) {
	u.renderRewards(w, r, http.StatusOK, nil, "")
}

func (u *UI) renderRewards(w http.ResponseWriter, r *http.Request, status int, form url.Values, problem string) {
	ctx := r.Context()
	list, err := u.rewards.Rewards(ctx, nil)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view := rewardsView{Rewards: list, CanEdit: viewerFrom(ctx).Role == fresco.RoleOwner, Measures: fresco.Measures,
		Form: form, Problem: problem, MinN: rewards.MinN}
	if view.CanEdit {
		teams, err := u.db.ListTeams(ctx)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		for _, t := range teams {
			view.Teams = append(view.Teams, option{Value: strconv.FormatInt(t.ID, 10), Label: t.Name,
				Selected: form.Get("team_id") == strconv.FormatInt(t.ID, 10)})
		}
	}
	u.render(w, r, status, "rewards", "Rewards for results", view)
}

// CreateReward is POST /rewards (owners).
func (u *UI) CreateReward(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	f := r.PostForm
	var v fresco.Validation
	rw := &fresco.Reward{Name: strings.TrimSpace(f.Get("name")), Measure: fresco.Measure(f.Get("measure")),
		From: formDate(&v, "from", f.Get("from")), To: formDate(&v, "to", f.Get("to"))}
	team, err := strconv.ParseInt(f.Get("team_id"), 10, 64)
	v.Check(err == nil, "team", "choose a team")
	rw.TeamID = team
	target, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(f.Get("target")), "%"), 64)
	v.Check(err == nil, "target", "must be a percentage such as 60")
	rw.Target = target
	err = v.Err()
	if err == nil {
		_, err = u.rewards.CreateReward(r.Context(), staffActor(viewerFrom(r.Context())), rw)
	}
	if fresco.ErrorCode(err) == fresco.EINVALID {
		u.renderRewards(w, r, http.StatusUnprocessableEntity, f, invalidMessage(err))
		return
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/rewards?done=reward-created", http.StatusSeeOther)
}

// recognitionView is the recognition feed.
type recognitionView struct {
	Entries     []recognitionEntry
	Colleagues  []option
	CanNominate bool
	Problem     string
	Form        url.Values
	Days        int
	// RecoveredAsOf is when the customers won back were worked out
	// (stored, rewards/recovered.go); nil when none is shown.
	RecoveredAsOf *time.Time
}

type recognitionEntry struct {
	rewards.FeedEntry
	Name string
}

// Recognition is GET /recognition: nominations, recovered customers and
// kind words, newest first, and the form to nominate a colleague.
func (u *UI) Recognition(w http.ResponseWriter, r *http.Request) {
	u.renderRecognition(w, r, http.StatusOK, nil, "")
}

func (u *UI) renderRecognition(w http.ResponseWriter, r *http.Request, status int, form url.Values, problem string) {
	ctx := r.Context()
	me := viewerFrom(ctx)
	feed, err := u.rewards.Recognition(ctx, nil)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	ids := make([]int64, len(feed))
	for i, e := range feed {
		ids[i] = e.EmployeeID
	}
	names, err := u.db.EmployeeNames(ctx, ids)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	view := recognitionView{CanNominate: me.Role.CanWrite(), Problem: problem, Form: form, Days: rewards.FeedDays}
	for _, e := range feed {
		view.Entries = append(view.Entries, recognitionEntry{FeedEntry: e, Name: names[e.EmployeeID]})
		if e.Recovered != nil {
			view.RecoveredAsOf = &e.AsOf
		}
	}
	if view.CanNominate {
		if view.Colleagues, err = u.colleagues(r, me.ID, form.Get("employee_id")); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	u.render(w, r, status, "recognition", "Recognition", view)
}

// colleagues are the employees a viewer may nominate: everyone but them.
func (u *UI) colleagues(r *http.Request, me int64, selected string) ([]option, error) {
	active := true
	list, _, err := u.db.ListEmployees(r.Context(), store.EmployeeFilter{Active: &active, Limit: 1000})
	if err != nil {
		return nil, err
	}
	var out []option
	for _, e := range list {
		if e.ID != me {
			id := strconv.FormatInt(e.ID, 10)
			out = append(out, option{Value: id, Label: e.Name, Selected: id == selected})
		}
	}
	return out, nil
}

// Nominate is POST /recognition/nominate: a colleague's nomination, from
// the recognition page or an employee's page (back=employee).
func (u *UI) Nominate(w http.ResponseWriter, r *http.Request) {
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	f := r.PostForm
	id, _ := strconv.ParseInt(f.Get("employee_id"), 10, 64)
	n := &fresco.Nomination{NomineeID: id, Source: fresco.NominationPeer, Reason: strings.TrimSpace(f.Get("reason"))}
	err := u.rewards.Nominate(r.Context(), staffActor(viewerFrom(r.Context())), n)
	back := f.Get("back") == "employee" && id > 0
	switch {
	case fresco.ErrorCode(err) == fresco.EINVALID && back:
		u.renderEmployee(w, r, id, http.StatusUnprocessableEntity, invalidMessage(err))
	case fresco.ErrorCode(err) == fresco.EINVALID:
		u.renderRecognition(w, r, http.StatusUnprocessableEntity, f, invalidMessage(err))
	case err != nil:
		u.fail(w, r, err)
	case back:
		http.Redirect(w, r, "/employees/"+strconv.FormatInt(id, 10)+"?done=nominated#scorecard", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/recognition?done=nominated", http.StatusSeeOther)
	}
}
