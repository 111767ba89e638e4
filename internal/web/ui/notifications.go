package ui

// The notification centre: the signed-in person's notifications, newest
// first, unread ones marked; opening one marks it read and goes to what it
// is about. The bell in the top bar links here and keeps its count live
// (static/loop.js, fed by GET /api/v1/events/stream).

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
	"github.com/fresco-cx/fresco/internal/store"
)

func init() {
	flashes["notifications-read"] = "All caught up: every notification is marked read."
}

type notificationsView struct {
	Unread bool // only the unread are listed
	Tabs   []followUpTab
	Rows   []notificationRow
	Pager  pager
	Latest int64 // the newest listed: "mark all read" stops there, so news arriving meanwhile stays unread
}

type notificationRow struct {
	N       *fresco.Notification
	Kind    string // what sort of news, in words
	Summary string // the body's first line
	More    string // the rest of the body: digests and approval requests read in full
}

// Notifications is GET /notifications[?show=unread][&cursor=].
func (u *UI) Notifications(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	q := r.URL.Query()
	data := notificationsView{Unread: q.Get("show") == "unread"}
	show := ""
	if data.Unread {
		show = "unread"
	}
	f := store.NotificationFilter{EmployeeID: v.ID, Unread: data.Unread, Cursor: q.Get("cursor"), Limit: listPageSize}
	list, next, err := u.db.ListNotifications(r.Context(), f)
	if err != nil {
		u.fail(w, r, err)
		return
	}
	for _, t := range [][2]string{{"", "All"}, {"unread", "Unread"}} {
		data.Tabs = append(data.Tabs, followUpTab{Key: t[0], Label: t[1], Href: withQuery("/notifications", "show", t[0]),
			Active: t[0] == show})
	}
	for _, n := range list {
		summary, more, _ := strings.Cut(strings.TrimSpace(n.Body), "\n")
		data.Rows = append(data.Rows, notificationRow{N: n, Kind: label(n.Event), Summary: summary,
			More: strings.TrimSpace(more)})
		data.Latest = max(data.Latest, n.ID)
	}
	data.Pager = pagerFor("/notifications", f.Cursor, next, "show", show)
	u.render(w, r, http.StatusOK, "notifications", "Notifications", data)
}

// OpenNotification is POST /notifications/{id}/open: mark it read and go to
// what it is about (or back to the list when it is about nothing to open).
func (u *UI) OpenNotification(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	n, err := u.db.Notification(r.Context(), v.ID, id)
	if err == nil {
		err = u.db.MarkNotificationRead(r.Context(), v.ID, id)
	}
	if err != nil {
		u.fail(w, r, err)
		return
	}
	to := safeNext(n.Link) // links are the application's own paths; never follow one elsewhere
	if n.Link == "" || to != n.Link {
		to = fmt.Sprintf("/notifications#n%d", n.ID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// ReadNotification is POST /notifications/{id}/read: mark one read and stay
// on the list.
func (u *UI) ReadNotification(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id, ok := u.idAndForm(w, r, maxFormBytes)
	if !ok {
		return
	}
	if err := u.db.MarkNotificationRead(r.Context(), v.ID, id); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, backToNotifications(r, fmt.Sprintf("#n%d", id)), http.StatusSeeOther)
}

// ReadAllNotifications is POST /notifications/read: mark read everything up
// to the newest the page showed (up_to_id; all when absent).
func (u *UI) ReadAllNotifications(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	if !u.readForm(w, r, maxFormBytes) {
		return
	}
	var upTo int64
	if s := r.PostFormValue("up_to_id"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			u.renderError(w, r, http.StatusBadRequest, "up_to_id: is not a notification number.")
			return
		}
		upTo = n
	}
	if err := u.db.MarkNotificationsRead(r.Context(), v.ID, upTo); err != nil {
		u.fail(w, r, err)
		return
	}
	http.Redirect(w, r, withQuery("/notifications", "done", "notifications-read"), http.StatusSeeOther)
}

// backToNotifications returns to the list the form was on (all or unread).
func backToNotifications(r *http.Request, anchor string) string {
	show := ""
	if r.PostFormValue("show") == "unread" {
		show = "unread"
	}
	return withQuery("/notifications", "show", show) + anchor
}
