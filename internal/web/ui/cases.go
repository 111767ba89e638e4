package ui

// Service recovery pages (internal/recovery): the case inbox and the
// special-attention banner. The case page, its timeline and its forms are in
// case_page.go.

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

// CaseAttention returns the AttentionSource of open service-recovery cases:
// a customer needs special attention from the moment a case opens until it
// closes.
func CaseAttention(db *store.DB) AttentionSource { return caseAttention{db} }

type caseAttention struct{ db *store.DB }

func (a caseAttention) SpecialAttention(ctx context.Context, customerID int64) ([]Attention, error) {
	list, _, err := a.db.ListCases(ctx, store.CaseFilter{CustomerID: &customerID,
		Statuses: []string{fresco.CaseOpen, fresco.CaseResolved}, Limit: 20})
	if err != nil {
		return nil, err
	}
	out := make([]Attention, len(list))
	for i, c := range list {
		out[i] = Attention{Reason: fmt.Sprintf("Open case %d: %s", c.ID, c.Summary), Since: c.OpenedAt,
			Link: fmt.Sprintf("/cases/%d", c.ID)}
	}
	return out, nil
}

type casesView struct {
	View  string
	Views []caseTab
	Rows  []*store.CaseRow
	List  *listState
	Note  string
	Cause string // the recovery-sources report's filter, described; "" when none
}

type caseTab struct {
	Key, Label, Href string
	Count            store.Count
	Active           bool
}

// caseViews are the inbox's views in the order of its tabs.
var caseViews = [][2]string{{"open", "Open"}, {"waiting", "Waiting"}, {"resolved", "Resolved"}, {"closed", "Closed"},
	{"all", "All"}, {"mine", "Mine"}, {"team", "My team"}, {"breaching", "Breaching soon"},
	{"approvals", "Waiting for approval"}, {"asked", "Approvals I asked for"}}

// Cases is the case inbox: a tab for each view with its count, the cases
// of the view soonest due first (or sorted by the reader), filtered by
// location, owner, date and text, paged both ways; ?format=csv downloads
// the filtered view. Without a view in the query it opens on the first of
// mine, my team and open that has a case.
func (u *UI) Cases(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	ctx := r.Context()
	view := r.URL.Query().Get("view")
	if view == "" {
		var err error
		if view, err = u.defaultInboxView(ctx, v.ID); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	lq := u.newListQuery(r)
	lq.keep.Set("view", view)
	locations, err := u.locationOptions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	employees, err := u.employeeOptions(r)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	var extra store.CaseListFilter
	extra.Search = lq.text("q", "Subject or what the customer expects")
	extra.From, extra.To = lq.dates("Opened")
	extra.LocationID = lq.id("location", "Location", anyOption("Any location", locations))
	extra.OwnerID = lq.id("owner", "Owner", anyOption("Anyone", employees))
	data := casesView{View: view}
	cause := causeFilter(lq)
	data.Cause = describeCause(cause)
	var list *store.List[*store.CaseRow]
	for _, t := range caseViews {
		box, err := u.inboxFor(ctx, t[0], v.ID)
		if err != nil {
			u.fail(w, r, err)
			return
		}
		tab := caseTab{Key: t[0], Label: t[1], Href: withQuery("/cases", "view", t[0]), Active: t[0] == view}
		f := box.filter
		f.Search, f.From, f.To = extra.Search, extra.From, extra.To
		f.LocationID, f.OwnerID = extra.LocationID, extra.OwnerID
		f.RootCauseSource, f.RootCauseCategory = cause.RootCauseSource, cause.RootCauseCategory
		f.ClosedFrom, f.ClosedTo = cause.ClosedFrom, cause.ClosedTo
		tabList := u.db.CaseList(f)
		if box.note == "" {
			if tab.Count, err = tabList.Count(ctx); err != nil {
				u.fail(w, r, err)
				return
			}
		}
		if tab.Active {
			list, data.Note = tabList, box.note
		}
		data.Views = append(data.Views, tab)
	}
	if list == nil {
		u.fail(w, r, fresco.Errorf(fresco.ENOTFOUND, "no inbox view %q", view))
		return
	}
	p := lq.page(listSort{"due", false}, listSort{"newest", true})
	if wantsCSV(r) {
		streamCSV(u, w, r, "cases", []string{"id", "opened_at", "customer_id", "customer", "summary", "status", "state", "owner", "due", "location_id"},
			list, p, func(c *store.CaseRow) []string {
				return []string{strconv.FormatInt(c.ID, 10), u.csvTime(&c.OpenedAt), strconv.FormatInt(c.CustomerID, 10), c.CustomerName,
					c.Summary, c.Status, c.State, c.OwnerName, u.csvTime(c.SLADeadline), csvID(c.LocationID)}
			})
		return
	}
	var page = &store.Page[*store.CaseRow]{}
	if data.Note == "" {
		if page, err = list.Page(ctx, p); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	data.Rows = page.Rows
	var count store.Count
	for _, t := range data.Views {
		if t.Active {
			count = t.Count
		}
	}
	data.List = lq.state("/cases", p, count, page.Prev, page.Next)
	u.render(w, r, http.StatusOK, "cases_inbox", "Cases", data)
}

// inbox is what one inbox view lists.
type inbox struct {
	filter store.CaseListFilter
	note   string // set when the view is empty for a reason worth saying (no team)
}

// inboxFor returns the filter of an inbox view for the employee; an unknown
// view is not found.
func (u *UI) inboxFor(ctx context.Context, view string, employeeID int64) (*inbox, error) {
	live := []string{fresco.CaseOpen, fresco.CaseResolved}
	box := &inbox{}
	f := &box.filter
	yes, no := true, false
	switch view {
	case "open":
		f.Waiting = &no
	case "waiting":
		f.Waiting = &yes
	case "resolved":
		f.Statuses = []string{fresco.CaseResolved}
	case "closed":
		f.Statuses = []string{fresco.CaseClosed}
	case "all":
	case "mine":
		f.Statuses, f.WatcherID = live, &employeeID
	case "team":
		e, err := u.db.Employee(ctx, employeeID)
		if err != nil {
			return nil, err
		}
		if e.TeamID == nil {
			box.note = "You are in no team."
		}
		f.Statuses, f.TeamID = live, e.TeamID
	case "breaching":
		soon := u.now().Add(4 * time.Hour)
		f.DeadlineBefore = &soon
	case "approvals":
		f.AwaitingApproval = true
	case "asked":
		f.ApprovalAskedBy = &employeeID
	default:
		return nil, fresco.Errorf(fresco.ENOTFOUND, "no inbox view %q", view)
	}
	return box, nil
}

// defaultInboxView is the view the inbox opens on: "mine" when the employee
// owns or watches a live case, else "team" when the team has one, else
// "open", so that nobody lands on an empty tab while there is work elsewhere.
func (u *UI) defaultInboxView(ctx context.Context, employeeID int64) (string, error) {
	for _, view := range []string{"mine", "team"} {
		box, err := u.inboxFor(ctx, view, employeeID)
		if err != nil {
			return "", err
		}
		if box.note != "" {
			continue
		}
		page, err := u.db.CaseList(box.filter).Page(ctx, store.ListPage{Limit: 1})
		if err != nil {
			return "", err
		}
		if len(page.Rows) > 0 {
			return view, nil
		}
	}
	return "open", nil
}

// customersNeedingAttention flags the customers of a list page who have an
// open case (the customer list shows a badge).
func (u *UI) customersNeedingAttention(ctx context.Context, list []*fresco.Customer) (map[int64]bool, error) {
	ids := make([]int64, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return u.db.CustomersNeedingAttention(ctx, ids)
}

// causeFilter reads the filter of the recovery-sources report's links
// (root_cause_source, root_cause_category, closed_from, closed_to: RFC 3339
// times, to exclusive) and keeps it on the list's links. A time that does
// not parse is left out.
func causeFilter(lq *listQuery) store.CaseFilter {
	var f store.CaseFilter
	get := func(name string) string {
		v := strings.TrimSpace(lq.q.Get(name))
		if v != "" {
			lq.keep.Set(name, v)
		}
		return v
	}
	f.RootCauseSource, f.RootCauseCategory = get("root_cause_source"), get("root_cause_category")
	for name, dst := range map[string]**time.Time{"closed_from": &f.ClosedFrom, "closed_to": &f.ClosedTo} {
		if t, err := time.Parse(time.RFC3339, get(name)); err == nil {
			*dst = &t
		} else {
			lq.keep.Del(name)
		}
	}
	return f
}

func describeCause(f store.CaseFilter) string {
	var parts []string
	if f.RootCauseSource != "" {
		parts = append(parts, "problem from "+label(f.RootCauseSource))
	}
	if f.RootCauseCategory != "" {
		parts = append(parts, "category "+strconv.Quote(f.RootCauseCategory))
	}
	if f.ClosedFrom != nil && f.ClosedTo != nil {
		parts = append(parts, "closed "+f.ClosedFrom.Format(time.DateOnly)+" to "+f.ClosedTo.Add(-time.Nanosecond).Format(time.DateOnly))
	}
	return strings.Join(parts, ", ")
}
