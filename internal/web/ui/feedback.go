package ui

// Listening posts and feedback (internal/feedback): the Feedback dashboard
// (NPS, CSAT and CES with their intervals, the NPS trend with its band, the
// score distribution, what moves NPS, rankings, listening posts and the
// acquisition report). The comments (sentiment, categories, the classifier),
// the follow-up calls and the surveys have their own feedback_*.go files.

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
)

type fbFilterForm struct {
	From, To, Location, Employee, Post, Period string
}

func (f fbFilterForm) Query() string {
	v := url.Values{}
	for k, s := range map[string]string{"from": f.From, "to": f.To, "location": f.Location, "employee": f.Employee, "post": f.Post, "period": f.Period} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

func fbFilterFrom(r *http.Request) (fbFilterForm, store.ResponseFilter, string) {
	q := r.URL.Query()
	form := fbFilterForm{From: q.Get("from"), To: q.Get("to"), Location: q.Get("location"), Employee: q.Get("employee"),
		Post: q.Get("post"), Period: q.Get("period")}
	var f store.ResponseFilter
	var problems []string
	if form.From != "" {
		if d, err := time.Parse(time.DateOnly, form.From); err == nil {
			f.From = d
		} else {
			problems = append(problems, "“From” is not a date.")
		}
	}
	if form.To != "" {
		if d, err := time.Parse(time.DateOnly, form.To); err == nil {
			f.To = d.AddDate(0, 0, 1)
		} else {
			problems = append(problems, "“To” is not a date.")
		}
	}
	id := func(s string) *int64 {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			return &n
		}
		return nil
	}
	f.LocationID, f.EmployeeID, f.PostSlug = id(form.Location), id(form.Employee), form.Post
	switch form.Period {
	case feedback.PeriodDay, feedback.PeriodWeek, feedback.PeriodMonth:
	default:
		form.Period = feedback.PeriodMonth
	}
	return form, f, strings.Join(problems, " ")
}

type fbOption struct {
	Value, Label string
	Selected     bool
}

type fbDashboard struct {
	Form      fbFilterForm
	Problem   string
	Locations []fbOption
	Employees []fbOption
	Posts     []fbOption
	NPS       stats.NPSResult
	CSAT      stats.CSATResult
	CES       stats.CESResult
	Trend     []feedback.TrendPeriod
	Ranking   []feedback.GroupResult
	ByPost    []feedback.GroupResult
	BySegment []feedback.GroupResult
	LocRank   []feedback.GroupResult
	MinN      int
	PostStats []feedback.PostStats
	PostRows  []fbPostRow
	// CanManagePosts shows owners and managers the link to add a post.
	CanManagePosts bool
	Acq            []feedback.AcquisitionRow
	Drivers        stats.DriverAnalysis
	Equation       *veCard // the Customer Value Equation under the same filter
	Charts         fbCharts
}

type fbPostRow struct {
	Slug, Name, Description, UsedFor string
	Retired                          bool
	Responses, Asked, Answered       int
	Unasked                          int // answers without a tracked invitation, beside the rate
	Rate                             *stats.Proportion
	Median                           string
	WithPurchase                     int
	Uses                             []*fresco.FeedbackUse
	Invites                          fresco.InvitationCounts // what invitation rules did
	InviteRate                       *stats.Proportion
	InviteSkips                      []skipCount
}

type fbCharts struct {
	Trend        []fbTrendPoint `json:"trend"`
	Distribution []int          `json:"distribution"`
	Drivers      []fbDriver     `json:"drivers"`
}

// fbDriver is a driver with its item named as the table below the chart
// names it ("Satisfaction (1–5)", not "csat").
type fbDriver struct {
	stats.Driver
	Label string `json:"label"`
}

// driverBars are the drivers chart's bars, each item in words.
func driverBars(ds []stats.Driver) []fbDriver {
	out := make([]fbDriver, 0, len(ds))
	for _, d := range ds {
		out = append(out, fbDriver{Driver: d, Label: label(d.Item)})
	}
	return out
}

type fbTrendPoint struct {
	Label       string   `json:"label"`
	N           int      `json:"n"`
	NPS         *float64 `json:"nps"`
	Low         *float64 `json:"low"`
	High        *float64 `json:"high"`
	Significant bool     `json:"significant"`
}

// FeedbackPage is GET /feedback: the dashboard.
func (u *UI) FeedbackPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	form, f, problem := fbFilterFrom(r)
	d := fbDashboard{Form: form, Problem: problem, MinN: u.feedback.Options().MinN}
	var err error
	fail := func(e error) bool {
		if e != nil {
			u.fail(w, r, e)
			return true
		}
		return false
	}
	var dist []int
	if d.NPS, dist, err = u.feedback.NPSWithDistribution(ctx, f); fail(err) {
		return
	}
	if d.CSAT, err = u.feedback.CSAT(ctx, f); fail(err) {
		return
	}
	if d.CES, err = u.feedback.CES(ctx, f); fail(err) {
		return
	}
	if d.Trend, err = u.feedback.Trend(ctx, f, feedback.ScaleNPS, form.Period); fail(err) {
		return
	}
	for i := range d.Trend { // the chart and its table name periods in words, not "2025-W03"
		d.Trend[i].Label = trendPeriodWords(d.Trend[i], form.Period, u.format())
	}
	if d.Ranking, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupEmployee, 0); fail(err) {
		return
	}
	if d.LocRank, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupLocation, 0); fail(err) {
		return
	}
	if d.ByPost, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupPost, 0); fail(err) {
		return
	}
	if d.BySegment, err = u.feedback.Breakdown(ctx, f, feedback.ScaleNPS, store.GroupSegment, 0); fail(err) {
		return
	}
	if d.PostStats, err = u.feedback.PostStats(ctx, f.From, f.To); fail(err) {
		return
	}
	if d.Acq, err = u.feedback.Acquisition(ctx); fail(err) {
		return
	}
	if d.Drivers, err = u.feedback.Drivers(ctx, f); fail(err) {
		return
	}
	if d.Equation, err = u.valueEquationCard(ctx, f, ""); fail(err) {
		return
	}
	d.Charts = fbCharts{Distribution: dist, Drivers: driverBars(d.Drivers.Drivers)}
	for _, p := range d.Trend {
		tp := fbTrendPoint{Label: p.Label, N: p.N, Significant: p.SignificantChange}
		if p.NPS != nil && !p.NPS.Result.NoData {
			v, lo, hi := p.NPS.Result.NPS, p.NPS.Result.CILow, p.NPS.Result.CIHigh
			tp.NPS, tp.Low, tp.High = &v, &lo, &hi
		}
		d.Charts.Trend = append(d.Charts.Trend, tp)
	}
	locs, _, err := u.db.ListLocations(ctx, store.LocationFilter{Limit: 500})
	if fail(err) {
		return
	}
	for _, l := range locs {
		v := strconv.FormatInt(l.ID, 10)
		d.Locations = append(d.Locations, fbOption{Value: v, Label: l.Name, Selected: v == form.Location})
	}
	emps, _, err := u.db.ListEmployees(ctx, store.EmployeeFilter{Limit: 1000})
	if fail(err) {
		return
	}
	for _, e := range emps {
		v := strconv.FormatInt(e.ID, 10)
		d.Employees = append(d.Employees, fbOption{Value: v, Label: e.Name, Selected: v == form.Employee})
	}
	for _, p := range d.PostStats {
		d.Posts = append(d.Posts, fbOption{Value: p.Post.Slug, Label: p.Post.Name, Selected: p.Post.Slug == form.Post})
		d.PostRows = append(d.PostRows, fbPostRow{Slug: p.Post.Slug, Name: p.Post.Name, Description: p.Post.Description, Retired: p.Post.RetiredAt != nil,
			UsedFor: p.Post.UsedFor, Responses: p.Responses, Asked: p.Asked, Answered: p.Answered, Rate: p.ResponseRate,
			Unasked: max(0, p.Responses-p.Answered),
			Median:  fbHours(p.MedianDelay), WithPurchase: p.WithPurchase, Uses: p.Uses,
			Invites: p.Invitations, InviteRate: p.InvitationRate, InviteSkips: skipCounts(p.Invitations.Skipped)})
	}
	d.CanManagePosts = managersRoles(viewerFrom(ctx).Role)
	u.render(w, r, http.StatusOK, "feedback_dashboard", "Feedback", d)
}

func fbHours(d *time.Duration) string {
	if d == nil {
		return "–"
	}
	h := d.Hours()
	if h < 48 {
		return fmt.Sprintf("%.0f hours", h)
	}
	return fmt.Sprintf("%.1f days", h/24)
}

// trendPeriodWords names a trend period for people: "Jan 2025", "Week of 13 Jan
// 2025", "13 Jan 2025"; its key ("2025-01") when its first day is unknown.
func trendPeriodWords(p feedback.TrendPeriod, period string, f fresco.Formatter) string {
	start, err := time.Parse(time.DateOnly, p.Start)
	if err != nil {
		return p.Label
	}
	switch period {
	case feedback.PeriodMonth:
		return start.Format("Jan 2006")
	case feedback.PeriodWeek:
		return "Week of " + start.Format(f.Locale.Date)
	}
	return start.Format(f.Locale.Date)
}
