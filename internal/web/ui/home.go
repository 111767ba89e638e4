package ui

// The home page: what each role needs first after signing in. Owners and
// managers see how customers feel now against before and what is waiting on
// somebody; agents see their own work; analysts the dashboards. Every number
// links to the list behind it, every item to the page where it is acted on.
// Each figure is read from a rollup or an indexed, capped count, so the page
// costs the same at a million customers as at a hundred; the headlines are
// kept in memory while no answer changes (feedback.Headlines).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/anticipate"
	"github.com/fresco-cx/fresco/internal/feedback"
	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/notify"
	"github.com/fresco-cx/fresco/internal/recovery"
	"github.com/fresco-cx/fresco/internal/stats"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/text"
)

const (
	homeItems    = 5    // items shown per list
	homeCountCap = 1000 // counts stop here and read "1,000 or more"
	homePeriod   = 30   // days in the period compared with the one before
	soonWindow   = 4 * time.Hour
)

// homeView is the home page. Which sections are set depends on the role.
type homeView struct {
	Manage, Agent bool // owner or manager; agent. Neither: analyst.

	Period string // the periods compared, in words
	Scores []homeScore

	Counts []homeCount // the figures at the top of the work sections

	FollowUps []*fresco.FollowUp  // overdue (managers) or mine (agents), due first
	Cases     []homeCase          // breaching or due soon (managers) or mine by due time (agents)
	Approvals []homeApproval      // waiting for approval (managers) or asked by me (agents)
	Calls     []*fresco.CallTask  // agents: due by the end of today
	Leaving   homeLeaving         // managers: from the latest daily check
	Comments  []homeComment       // managers: latest, negative first
	Pulse     *homePulse          // this month's staff pulse, while open and not yet answered
	Goals     []goalRow           // the satisfaction goals the viewer may see, off track first
	Actions   []anticipate.Listed // managers: the most pressing next best actions (ui/anticipate.go)
	Now       time.Time
}

// homePulse invites the viewer to answer the open staff pulse.
type homePulse struct{ Month, Closes string }

// homeScore is one headline scale now and before.
type homeScore struct {
	Name, Help           string
	Value, Before        string // "42", "81%"; "–" without answers
	N, BeforeN           int
	Interval             string // "95% range 30 to 54"
	Href, BeforeHref     string // the dashboard over each period
	Change               string // "Up 12 points", "No clear change", or "" when not comparable
	Significant, Falling bool
	integer              func(int64) string // the business's way of writing numbers
}

// homeCount is one number of the page and the list behind it.
type homeCount struct {
	ID, Label, Href string
	N               int64
	More            bool // N is the cap: there are at least N
}

type homeCase struct {
	Case     *fresco.Case
	Customer string
	Due      string // "overdue", "due today 14:05" …
}

type homeApproval struct {
	G        *fresco.Gesture
	Customer string
}

type homeLeaving struct {
	Checked   *time.Time // when the daily check last told the viewer; nil: never
	N         int
	Href      string
	Customers []*fresco.Customer
}

type homeComment struct {
	R        *fresco.Response
	Customer string
	Href     string
	Tone     string // negative, neutral, positive
}

// Home is GET /: the signed-in viewer's home page.
func (u *UI) Home(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	data, err := u.homeFor(r.Context(), v)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	u.render(w, r, http.StatusOK, "home", "Home", data)
}

func (u *UI) homeFor(ctx context.Context, v *viewer) (*homeView, error) {
	now := u.now().UTC()
	h := &homeView{Manage: v.Role.CanManageEmployees(), Agent: v.Role == fresco.RoleAgent, Now: now}
	var steps []func(context.Context, *homeView, *viewer) error
	switch {
	case h.Manage:
		steps = []func(context.Context, *homeView, *viewer) error{u.homeScores, u.homeOverdue, u.homeBreaching,
			u.homeApprovals, u.homeLeaving, u.homeComments, u.homeNextActions}
	case h.Agent:
		steps = []func(context.Context, *homeView, *viewer) error{u.homeMyFollowUps, u.homeMyCases, u.homeMyCalls,
			u.homeApprovals}
	default:
		steps = []func(context.Context, *homeView, *viewer) error{u.homeScores}
	}
	for _, step := range append(steps, u.homePulse, u.homeGoals) {
		if err := step(ctx, h, v); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// homePulse asks the viewer to answer the staff pulse while it is open
// and they have not.
func (u *UI) homePulse(ctx context.Context, h *homeView, v *viewer) error {
	p, _, answered, err := u.pulse.Current(ctx, v.ID)
	if err != nil || p == nil || answered {
		return err
	}
	h.Pulse = &homePulse{Month: monthName(p.Period), Closes: u.format().Date(p.ClosesAt.Add(-1))}
	return nil
}

// homeScores compares the last 30 days (today included) with the 30 days
// before, on UTC day boundaries so that the rollups answer.
func (u *UI) homeScores(ctx context.Context, h *homeView, _ *viewer) error {
	if u.feedback == nil {
		return nil
	}
	day := h.Now.Truncate(24 * time.Hour)
	from, to := day.AddDate(0, 0, 1-homePeriod), day.AddDate(0, 0, 1)
	prevFrom := from.AddDate(0, 0, -homePeriod)
	hl, err := u.feedback.Headlines(ctx, store.ResponseFilter{From: from, To: to}, store.ResponseFilter{From: prevFrom, To: from})
	if err != nil {
		return err
	}
	h.Period = fmt.Sprintf("The last %d days, compared with the %d days before.", homePeriod, homePeriod)
	link := func(from, to time.Time) string { // the dashboard's "to" is the last day, inclusive
		return withQuery("/feedback", "from", from.Format(time.DateOnly), "to", to.AddDate(0, 0, -1).Format(time.DateOnly))
	}
	now, before := link(from, to), link(prevFrom, from)
	nps := homeScore{Name: "Net Promoter Score", Help: "Share of promoters (9–10) minus share of detractors (0–6), from −100 to 100.",
		N: hl.NPS.N, BeforeN: hl.NPSBefore.N, Href: now, BeforeHref: before,
		Value: figure(!hl.NPS.NoData, hl.NPS.NPS, ""), Before: figure(!hl.NPSBefore.NoData, hl.NPSBefore.NPS, "")}
	if !hl.NPS.NoData {
		nps.Interval = "likely between " + figure(true, hl.NPS.CILow, "") + " and " + figure(true, hl.NPS.CIHigh, "")
	}
	nps.describeChange(hl.NPSChange, "points")
	h.Scores = append(h.Scores, nps,
		shareScore("Satisfied customers", "Share of satisfaction answers of 4 or 5 out of 5.", hl.CSAT.TopTwoBox, hl.CSATBefore.TopTwoBox, hl.CSATChange, now, before),
		shareScore("Easy to deal with", "Share of effort answers of 5 to 7 out of 7: customers who found us easy.", hl.CES.Easy, hl.CESBefore.Easy, hl.CESChange, now, before))
	for i := range h.Scores {
		h.Scores[i].integer = u.format().Integer
	}
	return nil
}

func shareScore(name, help string, p, before stats.Proportion, c stats.Comparison, href, beforeHref string) homeScore {
	s := homeScore{Name: name, Help: help, N: p.N, BeforeN: before.N, Href: href, BeforeHref: beforeHref,
		Value: figure(!p.NoData, p.Percent, "%"), Before: figure(!before.NoData, before.Percent, "%")}
	if !p.NoData {
		s.Interval = fmt.Sprintf("likely between %.0f%% and %.0f%%", p.CILow, p.CIHigh)
	}
	s.describeChange(c, "points")
	return s
}

// figure is a score rounded to a whole number, or "–" without data.
func figure(ok bool, v float64, unit string) string {
	if !ok {
		return "–"
	}
	return strings.Replace(strconv.FormatFloat(v, 'f', 0, 64), "-", "−", 1) + unit
}

// Answers says how many answers a figure stands on: "1 answer", "12 answers".
func (s homeScore) Answers(n int) string {
	if n == 1 {
		return "1 answer"
	}
	return s.integer(int64(n)) + " answers"
}

// describeChange says whether the score moved: a direction only when the
// change is statistically significant, else that it is within the noise.
func (s *homeScore) describeChange(c stats.Comparison, unit string) {
	switch {
	case !c.Comparable:
		s.Change = "Not enough answers to compare"
	case !c.Significant:
		s.Change = "No clear change"
	case c.Difference < 0:
		s.Change, s.Significant, s.Falling = fmt.Sprintf("Down %.0f %s", -c.Difference, unit), true, true
	default:
		s.Change, s.Significant = fmt.Sprintf("Up %.0f %s", c.Difference, unit), true
	}
}

func (h *homeView) count(id, label, href string, n store.Count) {
	h.Counts = append(h.Counts, homeCount{ID: id, Label: label, Href: href, N: n.N, More: n.Capped})
}

// capped is a count that stopped at homeCountCap as a store.Count.
func capped(n int) store.Count { return store.Count{N: int64(n), Capped: n >= homeCountCap} }

// homeOverdue: open follow-ups past their due time, the longest waiting first.
func (u *UI) homeOverdue(ctx context.Context, h *homeView, _ *viewer) error {
	f := store.FollowUpFilter{Overdue: true, Now: h.Now, Limit: homeItems}
	return u.homeFollowUps(ctx, h, f, "overdue-followups", "Follow-ups overdue", withQuery("/followups", "view", "overdue"))
}

// homeMyFollowUps: the agent's open follow-ups.
func (u *UI) homeMyFollowUps(ctx context.Context, h *homeView, v *viewer) error {
	f := store.FollowUpFilter{Status: fresco.FollowUpOpen, OwnerID: v.ID, Now: h.Now, Limit: homeItems}
	return u.homeFollowUps(ctx, h, f, "my-followups", "My follow-ups", withQuery("/followups", "view", "mine"))
}

func (u *UI) homeFollowUps(ctx context.Context, h *homeView, f store.FollowUpFilter, id, label, href string) error {
	n, err := u.db.CountFollowUps(ctx, f, homeCountCap)
	if err != nil {
		return err
	}
	h.count(id, label, href, capped(n))
	if h.FollowUps, _, err = u.db.ListFollowUps(ctx, f); err != nil {
		return err
	}
	sort.SliceStable(h.FollowUps, func(i, j int) bool { return h.FollowUps[i].DueAt.Before(h.FollowUps[j].DueAt) })
	return nil
}

// homeBreaching: live cases past or near their deadline, the inbox's
// "breaching soon" view.
func (u *UI) homeBreaching(ctx context.Context, h *homeView, v *viewer) error {
	box, err := u.inboxFor(ctx, "breaching", v.ID)
	if err != nil {
		return err
	}
	return u.homeCases(ctx, h, box.filter, "breaching-cases", "Cases breaching or due within 4 hours", "breaching")
}

// homeMyCases: the cases the agent owns or watches, by due time.
func (u *UI) homeMyCases(ctx context.Context, h *homeView, v *viewer) error {
	box, err := u.inboxFor(ctx, "mine", v.ID)
	if err != nil {
		return err
	}
	return u.homeCases(ctx, h, box.filter, "my-cases", "My open cases", "mine")
}

// homeCases counts the cases of an inbox view and shows the first due, in
// the case list's due-time order; the count's link opens the whole view.
func (u *UI) homeCases(ctx context.Context, h *homeView, f store.CaseListFilter, id, label, view string) error {
	list := u.db.CaseList(f)
	n, err := list.Count(ctx)
	if err != nil {
		return err
	}
	h.count(id, label, withQuery("/cases", "view", view), n)
	page, err := list.Page(ctx, store.ListPage{Sort: "due", Limit: homeItems})
	if err != nil {
		return err
	}
	for _, c := range page.Rows {
		h.Cases = append(h.Cases, homeCase{Case: c.Case, Customer: c.CustomerName, Due: dueWords(c.Case, h.Now, u.format())})
	}
	return nil
}

// dueWords says when a case is due, in words.
func dueWords(c *fresco.Case, now time.Time, f fresco.Formatter) string {
	switch {
	case c.SLABreached:
		return "past its deadline"
	case c.SLADeadline == nil:
		return "no deadline"
	case c.SLADeadline.Before(now):
		return "past its deadline"
	case c.SLADeadline.Sub(now) < soonWindow:
		return "due in " + humanDuration(c.SLADeadline.Sub(now))
	}
	return "due " + f.Relative(*c.SLADeadline, now)
}

// homeApprovals: gestures waiting for a manager; an agent sees those they
// asked for.
func (u *UI) homeApprovals(ctx context.Context, h *homeView, v *viewer) error {
	gf := store.GestureFilter{Status: recovery.GesturePending, Limit: homeItems}
	label, view := "Cases with a gesture waiting for approval", "approvals"
	if !h.Manage {
		gf.RequestedBy = &v.ID
		label, view = "Approvals I asked for", "asked"
	}
	box, err := u.inboxFor(ctx, view, v.ID)
	if err != nil {
		return err
	}
	n, err := u.db.CaseList(box.filter).Count(ctx)
	if err != nil {
		return err
	}
	h.count("approvals", label, withQuery("/cases", "view", view), n)
	list, err := u.db.ListGestures(ctx, gf)
	if err != nil {
		return err
	}
	for _, g := range list {
		name, err := u.customerLabel(ctx, &g.CustomerID)
		if err != nil {
			return err
		}
		h.Approvals = append(h.Approvals, homeApproval{G: g, Customer: name})
	}
	return nil
}

// homeMyCalls: the agent's (and their team's) call tasks due by the end of
// today.
func (u *UI) homeMyCalls(ctx context.Context, h *homeView, v *viewer) error {
	e, err := u.db.Employee(ctx, v.ID)
	if err != nil {
		return err
	}
	endOfDay := h.Now.Truncate(24*time.Hour).AddDate(0, 0, 1)
	f := store.CallTaskFilter{EmployeeID: &v.ID, TeamID: e.TeamID, Status: feedback.CallOpen, DueBefore: endOfDay, Limit: homeItems}
	if h.Calls, _, err = u.db.ListCallTasks(ctx, f); err != nil {
		return err
	}
	n := len(h.Calls)
	if n == homeItems { // more than a page: count them
		f.Limit = homeCountCap
		all, _, err := u.db.ListCallTasks(ctx, f)
		if err != nil {
			return err
		}
		n = len(all)
	}
	h.count("my-calls", "My calls due today", "/feedback/calls", capped(n))
	return nil
}

// homeLeaving reads the latest daily "satisfied but leaving" check sent to
// the viewer: the detection reads every recent answer and purchase, too
// much for each visit to the home page, and the digest already holds its
// result.
func (u *UI) homeLeaving(ctx context.Context, h *homeView, v *viewer) error {
	h.Leaving.Href = "/loop/satisfied-leaving"
	list, _, err := u.db.ListNotifications(ctx, store.NotificationFilter{EmployeeID: v.ID, Event: notify.EventDigest, Limit: 1})
	if err != nil || len(list) == 0 {
		return err
	}
	n := list[0]
	var d struct {
		Customers   int     `json:"customers"`
		CustomerIDs []int64 `json:"customer_ids"`
	}
	if err := json.Unmarshal(n.Data, &d); err != nil {
		u.log.WarnContext(ctx, "ui: digest data", "notification", n.ID, "err", err)
		return nil
	}
	h.Leaving.Checked, h.Leaving.N = &n.CreatedAt, d.Customers
	if n.Link != "" {
		h.Leaving.Href = n.Link
	}
	for _, id := range d.CustomerIDs[:min(len(d.CustomerIDs), homeItems)] {
		c, err := u.db.Customer(ctx, id)
		if fresco.ErrorCode(err) == fresco.ENOTFOUND {
			continue // erased since
		}
		if err != nil {
			return err
		}
		h.Leaving.Customers = append(h.Leaving.Customers, c)
	}
	return nil
}

// homeComments: the latest comments, the unhappiest first.
func (u *UI) homeComments(ctx context.Context, h *homeView, _ *viewer) error {
	if u.feedback == nil {
		return nil
	}
	list, _, err := u.feedback.ListComments(ctx, store.ResponseFilter{WithComment: true, Limit: 20}, "")
	if err != nil {
		return err
	}
	score := func(r *fresco.Response) float64 {
		if r.Sentiment == nil {
			return 0
		}
		return *r.Sentiment
	}
	slices.SortStableFunc(list, func(a, b *fresco.Response) int { return compareFloat(score(a), score(b)) })
	for _, r := range list[:min(len(list), homeItems)] {
		c := homeComment{R: r, Href: "/feedback/comments", Tone: toneOf(r)}
		if r.CustomerID != nil {
			if c.Customer, err = u.customerLabel(ctx, r.CustomerID); err != nil {
				return err
			}
			c.Href = fmt.Sprintf("/customers/%d", *r.CustomerID)
		}
		h.Comments = append(h.Comments, c)
	}
	return nil
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// toneOf is a comment's sentiment for its colour: negative, neutral or
// positive as the text analysis labelled it.
func toneOf(r *fresco.Response) string {
	if r.SentimentLabel == "" {
		return string(text.Neutral)
	}
	return r.SentimentLabel
}

// customerLabel is a customer's name for a list; an erased customer is
// "a former customer".
func (u *UI) customerLabel(ctx context.Context, id *int64) (string, error) {
	if id == nil {
		return "anonymous", nil
	}
	c, err := u.db.Customer(ctx, *id)
	if fresco.ErrorCode(err) == fresco.ENOTFOUND {
		return "a former customer", nil
	}
	if err != nil {
		return "", err
	}
	return customerName(c), nil
}
