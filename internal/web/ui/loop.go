package ui

// Closed-loop pages (internal/loop): the follow-ups of bad answers, each
// closed with a recorded contact and outcome, and the "satisfied but
// leaving" list. The live notification badge and toasts on every page are
// static/loop.js, fed by GET /api/v1/events/stream.

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/loop"
	"github.com/fresco-cx/fresco/internal/store"
	"github.com/fresco-cx/fresco/internal/web/httperr"
)

func init() {
	flashes["followup-closed"] = "Follow-up closed. Thank you for getting back to the customer."
}

type followUpTab struct {
	Key, Label, Href string
	Active           bool
}

type followUpsView struct {
	Tabs []followUpTab
	Rows []*fresco.FollowUp
	Now  time.Time
	List *listState
}

// FollowUps is GET /followups: mine (the default for agents), all open,
// overdue, closed; newest first or soonest due, filtered by owner,
// location, date and comment, paged both ways; ?format=csv downloads it.
func (u *UI) FollowUps(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	view := r.URL.Query().Get("view")
	if view == "" {
		view = "mine"
		if v.Role.CanManageEmployees() {
			view = "open"
		}
	}
	f := store.FollowUpListFilter{Now: u.now()}
	switch view {
	case "mine":
		f.Status, f.OwnerID = fresco.FollowUpOpen, &v.ID
	case "overdue":
		f.Overdue = true
	case "closed":
		f.Status = fresco.FollowUpClosed
	default:
		view, f.Status = "open", fresco.FollowUpOpen
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
	f.Search = lq.text("q", "What the customer said")
	f.From, f.To = lq.dates("Opened")
	f.LocationID = lq.id("location", "Location", anyOption("Any location", locations))
	if owner := lq.id("owner", "Owner", anyOption("Anyone", employees)); owner != nil {
		f.OwnerID = owner
	}
	list := u.db.FollowUpList(f)
	p := lq.page(listSort{"newest", true}, listSort{"due", false})
	if wantsCSV(r) {
		streamCSV(u, w, r, "follow-ups", []string{"id", "opened_at", "customer", "reasons", "nps", "csat", "comment", "owner", "due_at", "status", "outcome"},
			list, p, func(x *fresco.FollowUp) []string {
				return []string{strconv.FormatInt(x.ID, 10), u.csvTime(&x.CreatedAt), x.CustomerName, strings.Join(x.Reasons, " "),
					csvInt(x.NPS), csvInt(x.CSAT), x.Comment, x.OwnerName, u.csvTime(&x.DueAt), x.Status, x.Outcome}
			})
		return
	}
	page, err := list.Page(r.Context(), p)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	count, err := list.Count(r.Context())
	if err != nil {
		u.fail(w, r, err)
		return
	}
	data := followUpsView{Rows: page.Rows, Now: u.now(), List: lq.state("/followups", p, count, page.Prev, page.Next)}
	for _, t := range [][2]string{{"mine", "Mine"}, {"open", "All open"}, {"overdue", "Overdue"}, {"closed", "Closed"}} {
		data.Tabs = append(data.Tabs, followUpTab{Key: t[0], Label: t[1], Href: withQuery("/followups", "view", t[0]),
			Active: t[0] == view})
	}
	u.render(w, r, http.StatusOK, "loop_followups", "Follow-ups", data)
}

type followUpView struct {
	F        *fresco.FollowUp
	Overdue  bool
	Channels []string
	CanClose bool
	Cannot   string // why the viewer cannot close an open follow-up
	Errors   map[string]string
	Form     map[string]string
	Said     *saidView   // the whole response the follow-up is about
	ClosedBy string      // who closed it, by name
	Notes    *notesPanel // the customer's current preference notes
}

// FollowUp is GET /followups/{id}: the answer, the owner, and the form that
// closes it.
func (u *UI) FollowUp(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	u.followUpPage(w, r, v, http.StatusOK, nil, nil)
}

func (u *UI) followUpPage(w http.ResponseWriter, r *http.Request, v *viewer, status int, errs, form map[string]string) {
	id, ok := pathID(r)
	if !ok {
		u.NotFound(w, r)
		return
	}
	f, err := u.db.FollowUp(r.Context(), id)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	data := followUpView{F: f, Overdue: f.Status == fresco.FollowUpOpen && u.now().After(f.DueAt),
		Channels: loop.ContactChannels, Errors: errs, Form: form, ClosedBy: actorName(f.ClosedBy, u.employeeNames(r.Context()))}
	switch err := loop.CloseAllowed(v.Role, v.ID, f); {
	case !v.Role.CanWrite():
		data.Cannot = "Your role can read follow-ups but not close them."
	case err == nil:
		data.CanClose = true
	default:
		data.Cannot = sentence(fresco.ErrorMessage(err))
	}
	if data.Said, err = u.responseSaid(r.Context(), f.ResponseID, questionTexts{}); err != nil && fresco.ErrorCode(err) != fresco.ENOTFOUND {
		u.fail(w, r, err)
		return
	}
	if data.Form == nil {
		data.Form = map[string]string{}
	}
	if f.CustomerID != nil {
		data.Notes = u.customerNotes(r.Context(), v, *f.CustomerID)
	}
	u.render(w, r, status, "loop_followup", fmt.Sprintf("Follow-up %d", f.ID), data)
}

// CloseFollowUp is POST /followups/{id}/close.
func (u *UI) CloseFollowUp(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	form := map[string]string{"contact_channel": r.PostFormValue("contact_channel"),
		"outcome": r.PostFormValue("outcome"), "contact_at": r.PostFormValue("contact_at")}
	in := loop.CloseInput{ContactChannel: form["contact_channel"], Outcome: form["outcome"],
		Actor: v.actor(), Role: v.Role, EmployeeID: v.ID}
	if s := strings.TrimSpace(form["contact_at"]); s != "" {
		at, err := time.ParseInLocation("2006-01-02T15:04", s, time.UTC)
		if err != nil {
			u.followUpPage(w, r, v, http.StatusUnprocessableEntity, map[string]string{"contact_at": "is not a date and time"}, form)
			return
		}
		in.ContactAt = &at
	}
	_, err := u.loop.CloseFollowUp(r.Context(), id, in)
	switch fresco.ErrorCode(err) {
	case "":
		http.Redirect(w, r, fmt.Sprintf("/followups/%d?done=followup-closed", id), http.StatusSeeOther)
	case fresco.EINVALID, fresco.ECONFLICT:
		errs := map[string]string{}
		for _, fe := range fresco.ErrorFields(err) {
			errs[fe.Field] = fe.Message
		}
		if len(errs) == 0 || fresco.ErrorCode(err) == fresco.ECONFLICT {
			errs["form"] = sentence(fresco.ErrorMessage(err)) // a conflict is about the follow-up, not a field
		}
		u.followUpPage(w, r, v, httperr.Status(err), errs, form)
	default:
		u.fail(w, r, err)
	}
}

type leavingView struct {
	Rows       []leavingRow
	Location   int64
	ComputedAt time.Time
	CanRefresh bool
	Queued     bool
	Pager      pager
}

type leavingRow struct {
	loop.Leaving
	Median string // "12 days", or "" without a rhythm
	Since  string
}

// leavingPageSize is how many satisfied-but-leaving customers a page lists:
// the list grows with the business, a page does not.
const leavingPageSize = 100

// SatisfiedLeaving is GET /loop/satisfied-leaving[?location_id=]: satisfied
// customers whose purchase rhythm has broken, with the evidence, as the
// last refresh found them.
func (u *UI) SatisfiedLeaving(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	loc, _ := strconv.ParseInt(q.Get("location_id"), 10, 64)
	loc = max(loc, 0)
	f := store.LeavingFilter{LocationID: loc, Cursor: q.Get("cursor"), Limit: leavingPageSize}
	rows, next, at, err := u.loop.SatisfiedLeaving(r.Context(), f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	data := leavingView{Location: loc, ComputedAt: at, CanRefresh: managersRoles(viewerFrom(r.Context()).Role),
		Queued: q.Get("refresh") == "queued"}
	if loc > 0 {
		data.Pager = pagerFor("/loop/satisfied-leaving", f.Cursor, next, "location_id", strconv.FormatInt(loc, 10))
	} else {
		data.Pager = pagerFor("/loop/satisfied-leaving", f.Cursor, next)
	}
	for _, x := range rows {
		row := leavingRow{Leaving: x, Since: fmt.Sprintf("%.0f days", x.DaysSinceLast)}
		if x.MedianIntervalDays != nil {
			row.Median = fmt.Sprintf("%.0f days", *x.MedianIntervalDays)
		}
		data.Rows = append(data.Rows, row)
	}
	u.render(w, r, http.StatusOK, "loop_leaving", "Satisfied but leaving", data)
}

// RefreshLeaving is POST /loop/satisfied-leaving/refresh (managers and
// owners): it queues a refresh of the list and returns to it.
func (u *UI) RefreshLeaving(w http.ResponseWriter, r *http.Request) {
	if _, err := u.loop.EnqueueLeavingRefresh(r.Context(), viewerFrom(r.Context()).actor()); err != nil {
		u.fail(w, r, err)
		return
	}
	target := "/loop/satisfied-leaving?refresh=queued"
	if loc, _ := strconv.ParseInt(r.FormValue("location_id"), 10, 64); loc > 0 {
		target += "&location_id=" + strconv.FormatInt(loc, 10)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}
