package ui

// Service recovery pages (internal/recovery): the case inbox and the
// special-attention banner. The case page, its timeline and its forms are in
// case_page.go.

import (
	"context"
	"fmt"
	"net/http"
	"sort"
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

type caseRow struct {
	Case     *fresco.Case
	Customer string
	Owner    string
	Flagged  bool
}

type casesView struct {
	View  string
	Views []caseTab
	Rows  []caseRow
	Pager pager
	Note  string
}

type caseTab struct {
	Key, Label, Href string
	Active           bool
}

// Cases is the case inbox: mine (owned or watched), my team, breaching soon
// (next deadline within 4 hours, or breached), all live cases, those with a
// gesture waiting for approval and those where the viewer asked for one. Without
// a view in the query it opens on the first of mine, my team and all that
// has a case.
func (u *UI) Cases(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	ctx := r.Context()
	q := r.URL.Query()
	view := q.Get("view")
	if view == "" {
		var err error
		if view, err = u.defaultInboxView(ctx, v.ID); err != nil {
			u.fail(w, r, err)
			return
		}
	}
	box, err := u.inboxFor(ctx, view, v.ID)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	data := casesView{View: view, Note: box.note}
	for _, t := range [][2]string{{"mine", "Mine"}, {"team", "My team"}, {"breaching", "Breaching soon"}, {"all", "All open"},
		{"approvals", "Waiting for approval"}, {"asked", "Approvals I asked for"}} {
		data.Views = append(data.Views, caseTab{Key: t[0], Label: t[1], Href: withQuery("/cases", "view", t[0]), Active: t[0] == view})
	}
	if box.note != "" {
		u.render(w, r, http.StatusOK, "cases_inbox", "Cases", data)
		return
	}
	f := box.filter
	f.Cursor, f.Limit = q.Get("cursor"), listPageSize
	list, next, err := u.db.ListCases(ctx, f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if view == "breaching" {
		sort.SliceStable(list, func(i, j int) bool { return deadlineOf(list[i]).Before(deadlineOf(list[j])) })
	}
	names := map[int64]string{}
	owners := map[int64]string{}
	for _, c := range list {
		row := caseRow{Case: c}
		if _, ok := names[c.CustomerID]; !ok {
			cu, err := u.db.Customer(ctx, c.CustomerID)
			if err != nil {
				u.fail(w, r, err)
				return
			}
			names[c.CustomerID] = customerName(cu)
		}
		if _, ok := owners[c.OwnerID]; !ok {
			e, err := u.db.Employee(ctx, c.OwnerID)
			if err != nil {
				u.fail(w, r, err)
				return
			}
			owners[c.OwnerID] = e.Name
		}
		row.Customer, row.Owner, row.Flagged = names[c.CustomerID], owners[c.OwnerID], true
		data.Rows = append(data.Rows, row)
	}
	data.Pager = pagerFor("/cases", f.Cursor, next, "view", view)
	u.render(w, r, http.StatusOK, "cases_inbox", "Cases", data)
}

// inbox is what one inbox view lists.
type inbox struct {
	filter store.CaseFilter
	note   string // set when the view is empty for a reason worth saying (no team)
}

// inboxFor returns the filter of an inbox view for the employee; an unknown
// view is not found.
func (u *UI) inboxFor(ctx context.Context, view string, employeeID int64) (*inbox, error) {
	box := &inbox{filter: store.CaseFilter{Statuses: []string{fresco.CaseOpen, fresco.CaseResolved}}}
	switch view {
	case "mine":
		box.filter.WatcherID = &employeeID
	case "team":
		e, err := u.db.Employee(ctx, employeeID)
		if err != nil {
			return nil, err
		}
		if e.TeamID == nil {
			box.note = "You are in no team."
		}
		box.filter.TeamID = e.TeamID
	case "breaching":
		soon := u.now().Add(4 * time.Hour)
		box.filter.DeadlineBefore = &soon
	case "approvals":
		box.filter.AwaitingApproval = true
	case "asked":
		box.filter.ApprovalAskedBy = &employeeID
	case "all":
	default:
		return nil, fresco.Errorf(fresco.ENOTFOUND, "no inbox view %q", view)
	}
	return box, nil
}

// defaultInboxView is the view the inbox opens on: "mine" when the employee
// owns or watches a live case, else "team" when the team has one, else
// "all", so that nobody lands on an empty tab while there is work elsewhere.
func (u *UI) defaultInboxView(ctx context.Context, employeeID int64) (string, error) {
	for _, view := range []string{"mine", "team"} {
		box, err := u.inboxFor(ctx, view, employeeID)
		if err != nil {
			return "", err
		}
		if box.note != "" {
			continue
		}
		box.filter.Limit = 1
		list, _, err := u.db.ListCases(ctx, box.filter)
		if err != nil {
			return "", err
		}
		if len(list) > 0 {
			return view, nil
		}
	}
	return "all", nil
}

func deadlineOf(c *fresco.Case) time.Time {
	if c.SLADeadline == nil {
		return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return *c.SLADeadline
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
